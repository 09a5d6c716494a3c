package render

import (
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/themes"
)

func TestDocTitle(t *testing.T) {
	const siteTitle = "Rotherham Safeguarding Children Partnership"
	long := "Transitional arrangements for serious case reviews and local child safeguarding practice reviews"
	archived := &EditionInfo{Name: "2019", Label: "June 2019 – Working Together 2018"}
	upcoming := &EditionInfo{Name: "2030", Label: "Schools", Upcoming: true}
	for _, c := range []struct {
		title string
		ed    *EditionInfo
		want  string
	}{
		{"Contacts", nil, "Contacts – Rotherham Safeguarding Children Partnership"},
		{siteTitle, nil, siteTitle},
		// Too long with the site's name: the page's title alone.
		{"Learning and development in the partnership", nil, "Learning and development in the partnership"},
		// Too long alone: cut at a word, with an ellipsis.
		{long, nil, "Transitional arrangements for serious case reviews and local child…"},
		{"Contacts", archived, "Contacts (superseded June 2019 – Working Together 2018 edition)"},
		// The edition's label does not fit: its name does.
		{"Dispute resolution and escalation", archived, "Dispute resolution and escalation (superseded 2019 edition)"},
		{long, archived, "Transitional arrangements for serious case… (superseded 2019 edition)"},
		{"Partners", upcoming, "Partners (Schools edition, not yet in force)"},
	} {
		got := docTitle(&site.Page{URL: "/p/", Meta: site.Meta{Title: c.title}}, siteTitle, c.ed)
		if got != c.want {
			t.Errorf("docTitle(%q, %v) = %q, want %q", c.title, c.ed != nil, got, c.want)
		}
		if n := runeLen(got); n > maxTitle {
			t.Errorf("docTitle(%q) is %d characters", c.title, n)
		}
	}
}

// TestMetaDescriptionAndRedirect renders a small site: a page without a
// summary gets a description from its text, and a redirect stub names the
// new page with an absolute canonical link when base_url is set.
func TestMetaDescriptionAndRedirect(t *testing.T) {
	s := testSite(t, fstest.MapFS{
		"handbook.yaml":     {Data: []byte("title: Test\nbase_url: https://example.org/hb/\n")},
		"content/_index.md": {Data: []byte("---\ntitle: Test\nsummary: The home page.\n---\nHome.\n")},
		"content/plain.md":  {Data: []byte("---\ntitle: Plain\naliases: [/old/]\n---\n## Start\n\nThis page has no summary, so its first words describe it to search engines. " + strings.Repeat("More words follow here. ", 12) + "\n")},
		"content/summed.md": {Data: []byte("---\ntitle: Summed\nsummary: Said in front matter.\n---\nBody.\n")},
	})
	th, err := LoadTheme(themes.Default())
	if err != nil {
		t.Fatal(err)
	}
	files, err := th.Render(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range files {
		got[f.Path] = string(f.Data)
	}
	desc := regexp.MustCompile(`<meta name="description" content="([^"]*)">`)
	m := desc.FindStringSubmatch(got["plain/index.html"])
	if m == nil || !strings.HasPrefix(m[1], "Start This page has no summary") || !strings.HasSuffix(m[1], "…") || runeLen(m[1]) > maxDescription {
		t.Errorf("plain page description = %q", m)
	}
	if m := desc.FindStringSubmatch(got["summed/index.html"]); m == nil || m[1] != "Said in front matter." {
		t.Errorf("summed page description = %q", m)
	}
	stub := got["old/index.html"]
	if !strings.Contains(stub, `<link rel="canonical" href="https://example.org/hb/plain/">`) {
		t.Errorf("the redirect stub has no absolute canonical link:\n%s", stub)
	}
	if !desc.MatchString(stub) {
		t.Errorf("the redirect stub has no description:\n%s", stub)
	}
}
