package render

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/themes"
)

// The feed as encoding/xml writes it from these types: the feeds are
// written directly and must stay byte for byte what they were.
type atomFeedXML struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr,omitempty"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Link    atomLink `xml:"link"`
	Summary string   `xml:"summary"`
}

func encodedFeed(t *testing.T, th *Theme, s *site.Site, self, alt, title string, updated time.Time, entries []amendment) []byte {
	f := atomFeedXML{
		Lang: s.Config.Language, ID: th.feedID(s, self), Title: title,
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: th.absURL(s, self)},
			{Rel: "alternate", Type: "text/html", Href: th.absURL(s, alt)},
		},
		Author: atomPerson{Name: s.Config.Title},
	}
	for _, e := range entries {
		if e.Date.After(updated) {
			updated = e.Date
		}
		eid := th.entryID(s, self, e)
		link := th.absURL(s, e.Pages[0].URL)
		var titles []string
		for _, p := range e.Pages {
			titles = append(titles, p.Title)
		}
		entryTitle := e.Pages[0].Title
		if len(e.Pages) > 1 {
			link = th.absURL(s, alt) + "#" + e.Anchor()
			entryTitle = fmt.Sprintf("%s and %d other pages", e.Pages[0].Title, len(e.Pages)-1)
		}
		f.Entries = append(f.Entries, atomEntry{
			ID: eid, Title: entryTitle + " – " + e.Date.Format("2 January 2006"),
			Updated: e.Date.UTC().Format(time.RFC3339),
			Link:    atomLink{Rel: "alternate", Type: "text/html", Href: link},
			Summary: e.Note + " Pages changed: " + strings.Join(titles, "; ") + ".",
		})
	}
	f.Updated = updated.UTC().Format(time.RFC3339)
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		t.Fatal(err)
	}
	b.WriteByte('\n')
	return b.Bytes()
}

// feedSite is a site of one page with the configuration a feed shows.
func feedSite(t *testing.T, lang, title, base string) *site.Site {
	t.Helper()
	s := testSite(t, fstest.MapFS{
		"handbook.yaml": {Data: []byte(fmt.Sprintf("title: %q\nlanguage: %q\nbase_url: %q\n", title, lang, base))},
		"content/a.md":  {Data: []byte("---\ntitle: A\n---\n")},
	})
	s.Config.Language = lang // the model's default when empty
	return s
}

func TestAtomFeedMatchesEncoder(t *testing.T) {
	th, err := LoadTheme(themes.Default())
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2024, 6, 1, 12, 0, 0, 0, time.FixedZone("BST", 3600))
	// Each odd character on its own, as text with nothing else to escape
	// is written as it is.
	for _, odd := range []string{
		"plain – é 😀", "Tom & Jerry", "Tom's", `"quoted"`, "<b>", "a > b", "tab\there", "new\nline", "cr\rhere",
		"bell\x01", "bad \xff byte", "replacement \uFFFD", "not a char \uFFFE \uFFFF",
	} {
		a := &site.Page{URL: "/a/", Meta: site.Meta{Title: "Page " + odd, ID: "a"}}
		b := &site.Page{URL: "/b/?x=1&y=2", Meta: site.Meta{Title: "B", ID: "b"}}
		entries := []amendment{
			{Date: day, Note: "Note " + odd, Hash: "0123456789abcdef", Pages: []*site.Page{a, b}},
			{Date: day.AddDate(0, -1, 0), Note: "", Pages: []*site.Page{b}},
		}
		for _, c := range []struct {
			lang, title, base string
			entries           []amendment
			updated           time.Time
		}{
			{"en-GB", "Handbook", "https://example.org/", entries, time.Time{}},
			{"", odd, "", nil, day},
			{"x\"y", "T", "https://example.org/sub/", entries[1:], day.AddDate(1, 0, 0)},
		} {
			s := feedSite(t, c.lang, c.title, c.base)
			want := encodedFeed(t, th, s, "/a/updates.xml", "/a/", "Updates to "+c.title, c.updated, c.entries)
			got := th.atomFeed(s, "/a/updates.xml", "/a/", "Updates to "+c.title, c.updated, c.entries)
			if !bytes.Equal(got, want) {
				t.Errorf("feed differs from encoding/xml's:\n got: %s\nwant: %s", got, want)
			}
		}
	}
}
