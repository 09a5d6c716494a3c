package build_test

import (
	"bytes"
	"encoding/xml"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/output"
)

// atomDoc is an Atom document read loosely, so that every element an
// RFC 4287 rule counts is seen, however many there are.
type atomDoc struct {
	XMLName xml.Name    `xml:"feed"`
	IDs     []string    `xml:"id"`
	Titles  []string    `xml:"title"`
	Updated []string    `xml:"updated"`
	Authors []atomName  `xml:"author"`
	Links   []atomHref  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomName struct {
	Names []string `xml:"name"`
}

type atomHref struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	IDs      []string   `xml:"id"`
	Titles   []string   `xml:"title"`
	Updated  []string   `xml:"updated"`
	Authors  []atomName `xml:"author"`
	Links    []atomHref `xml:"link"`
	Summary  []string   `xml:"summary"`
	Contents []string   `xml:"content"`
}

// feeds returns every Atom feed of a build, by path.
func feeds(t *testing.T, files []output.File) map[string]atomDoc {
	t.Helper()
	out := map[string]atomDoc{}
	for _, f := range files {
		if !strings.HasSuffix(f.Path, ".xml") || !bytes.Contains(f.Data, []byte("http://www.w3.org/2005/Atom")) {
			continue
		}
		var d atomDoc
		if err := xml.Unmarshal(f.Data, &d); err != nil {
			t.Fatalf("%s is not XML: %v", f.Path, err)
		}
		if d.XMLName.Space != "http://www.w3.org/2005/Atom" {
			t.Errorf("%s: root element is {%s}%s, want atom:feed", f.Path, d.XMLName.Space, d.XMLName.Local)
		}
		out[f.Path] = d
	}
	if out["amendments.xml"].XMLName.Local == "" {
		t.Fatal("the build has no amendments.xml")
	}
	return out
}

// checkAtom checks a feed against RFC 4287's musts (4.1.1, 4.1.2, 4.2.6,
// 4.2.7, 4.2.14, 4.2.15, 4.1.1.1) and the feed validator's rules for ids
// and self links: what a real client rejects or mishandles.
func checkAtom(t *testing.T, path string, d atomDoc, selfURL string) {
	t.Helper()
	one := func(what string, got []string) string {
		if len(got) != 1 || strings.TrimSpace(got[0]) == "" {
			t.Errorf("%s: %s must appear exactly once with a value, found %q", path, what, got)
			return ""
		}
		return got[0]
	}
	iri := func(what, id string) {
		u, err := url.Parse(id)
		if err != nil || u.Scheme == "" || strings.HasPrefix(id, "urn:handbook:") {
			t.Errorf("%s: %s %q is not an IRI unique to this site", path, what, id)
		}
	}
	date := func(what, v string) {
		d, err := time.Parse(time.RFC3339, v)
		if err != nil {
			t.Errorf("%s: %s %q is not an RFC 3339 date: %v", path, what, v, err)
		} else if d.Year() < 2000 {
			t.Errorf("%s: %s %q: a date that says nothing of the site", path, what, v)
		}
	}
	iri("feed id", one("feed id", d.IDs))
	one("feed title", d.Titles)
	date("feed updated", one("feed updated", d.Updated))
	feedAuthor := len(d.Authors) > 0 && len(d.Authors[0].Names) == 1 && d.Authors[0].Names[0] != ""
	var self []string
	alternates := map[string]int{}
	for _, l := range d.Links {
		switch l.Rel {
		case "self":
			self = append(self, l.Href)
		case "alternate", "":
			alternates[l.Type]++
		}
	}
	if len(self) != 1 || self[0] != selfURL {
		t.Errorf("%s: self links %q, want the feed's own address %s", path, self, selfURL)
	}
	for typ, n := range alternates {
		if n > 1 {
			t.Errorf("%s: %d alternate links of type %q (at most one)", path, n, typ)
		}
	}
	ids := map[string]bool{}
	for i, e := range d.Entries {
		where := path + " entry " + string(rune('0'+i%10))
		id := one(where+" id", e.IDs)
		iri(where+" id", id)
		if ids[id] {
			t.Errorf("%s: the id %s is on two entries", path, id)
		}
		ids[id] = true
		one(where+" title", e.Titles)
		date(where+" updated", one(where+" updated", e.Updated))
		if !feedAuthor && len(e.Authors) == 0 {
			t.Errorf("%s: neither the feed nor the entry has an author", where)
		}
		hasAlt := false
		for _, l := range e.Links {
			hasAlt = hasAlt || l.Rel == "alternate" || l.Rel == ""
		}
		if len(e.Contents) == 0 && !hasAlt {
			t.Errorf("%s: an entry without content needs an alternate link", where)
		}
		if len(e.Contents) == 0 && len(e.Summary) != 1 {
			t.Errorf("%s: an entry without content needs one summary", where)
		}
	}
}

// The feeds of a site built from git with its address: valid Atom, ids
// from the site's address, and one id never names two different entries
// (amendments.xml and a page's feed describe the same change differently).
func TestFeedsAreValidAtom(t *testing.T) {
	dir := cloneSite(t)
	res, err := build.Build(build.Options{SiteDir: dir, BaseURL: "https://procedures.example.org/handbook/", NoSearch: true})
	if err != nil {
		t.Fatalf("the site does not build: %v", err)
	}
	all := feeds(t, res.Files)
	type seen struct {
		path  string
		entry string
	}
	byID := map[string]seen{}
	feedIDs := map[string]string{}
	entries := 0
	for path, d := range all {
		checkAtom(t, path, d, "https://procedures.example.org/handbook/"+path)
		if len(d.IDs) == 1 {
			if !strings.HasPrefix(d.IDs[0], "https://procedures.example.org/handbook/") {
				t.Errorf("%s: feed id %s is not derived from the site's address", path, d.IDs[0])
			}
			if other, dup := feedIDs[d.IDs[0]]; dup {
				t.Errorf("%s and %s have the same feed id %s", path, other, d.IDs[0])
			}
			feedIDs[d.IDs[0]] = path
		}
		for _, e := range d.Entries {
			entries++
			if len(e.IDs) != 1 {
				continue
			}
			content := strings.Join(e.Titles, "|") + "|" + strings.Join(e.Summary, "|") + "|" + strings.Join(e.Updated, "|")
			for _, l := range e.Links {
				content += "|" + l.Href
			}
			if s, ok := byID[e.IDs[0]]; ok && s.entry != content {
				t.Errorf("the entry id %s is used in %s and %s for different entries:\n%s\n%s", e.IDs[0], s.path, path, s.entry, content)
			}
			byID[e.IDs[0]] = seen{path, content}
		}
	}
	if len(all) < 2 || entries == 0 {
		t.Fatalf("%d feeds with %d entries: the test saw too little", len(all), entries)
	}
}

// A shallow clone has no history: its feeds are dated by the pages'
// newest review date, not 1 January 1970, and still valid.
func TestShallowCloneFeedsHaveRealDates(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	src, _ := filepath.Abs("..")
	dir := filepath.Join(t.TempDir(), "site")
	if out, err := exec.Command("git", "clone", "-q", "--depth", "1", "file://"+src, dir).CombinedOutput(); err != nil {
		t.Skipf("cannot clone the repository: %v: %s", err, out)
	}
	res, err := build.Build(build.Options{SiteDir: dir, BaseURL: "https://procedures.example.org/", NoSearch: true})
	if err != nil {
		t.Fatalf("the site does not build: %v", err)
	}
	for path, d := range feeds(t, res.Files) {
		checkAtom(t, path, d, "https://procedures.example.org/"+path)
	}
	said := false
	for _, d := range res.Diags.Sorted() {
		said = said || strings.Contains(d.Message, "feeds are dated by the newest last_reviewed")
	}
	if !said {
		t.Error("the build does not say how feeds are dated without history")
	}
}

// A site built without git history (a download of the files, a folder
// that is not a clone) dates its feeds by its pages' newest review date,
// not 1 January 1970, which a reader shows as "updated 56 years ago".
func TestFeedsWithoutHistoryHaveRealDates(t *testing.T) {
	fsys := fstest.MapFS{
		"handbook.yaml":       {Data: []byte("title: Test\nbase_url: https://procedures.example.org/\n")},
		"content/_index.md":   {Data: []byte("---\ntitle: Test\nlast_reviewed: 2024-05-01\n---\nWelcome.\n")},
		"content/partners.md": {Data: []byte("---\ntitle: Partners\nlast_reviewed: 2025-02-03\n---\nThe partners.\n")},
	}
	res, err := build.BuildFS(fsys, build.Options{NoSearch: true})
	if err != nil {
		t.Fatalf("the site does not build: %v", err)
	}
	for path, d := range feeds(t, res.Files) {
		checkAtom(t, path, d, "https://procedures.example.org/"+path)
		if len(d.Updated) == 1 && d.Updated[0] != "2025-02-03T00:00:00Z" {
			t.Errorf("%s: updated %s, want the newest review date 2025-02-03T00:00:00Z", path, d.Updated[0])
		}
	}
}

// The build's date (Options.Now), not the clock of the machine, decides
// which page dates a feed without history may use: a build dated before a
// page's review date dates its feeds by the newest date up to the build,
// so that building the same content on the same date gives the same site.
func TestFeedsWithoutHistoryFollowTheBuildDate(t *testing.T) {
	fsys := fstest.MapFS{
		"handbook.yaml":       {Data: []byte("title: Test\nbase_url: https://procedures.example.org/\n")},
		"content/_index.md":   {Data: []byte("---\ntitle: Test\nlast_reviewed: 2024-05-01\n---\nWelcome.\n")},
		"content/partners.md": {Data: []byte("---\ntitle: Partners\nlast_reviewed: 2025-02-03\n---\nThe partners.\n")},
	}
	for now, want := range map[string]string{"2024-06-01": "2024-05-01T00:00:00Z", "2025-03-01": "2025-02-03T00:00:00Z"} {
		day, _ := time.Parse(time.DateOnly, now)
		res, err := build.BuildFS(fsys, build.Options{NoSearch: true, Now: day})
		if err != nil {
			t.Fatalf("the site does not build: %v", err)
		}
		d := feeds(t, res.Files)["amendments.xml"]
		if len(d.Updated) != 1 || d.Updated[0] != want {
			t.Errorf("built on %s: amendments.xml updated %v, want %s", now, d.Updated, want)
		}
	}
}

// The sitemap gives each page's address and when it last changed.
func TestSitemapHasLastmod(t *testing.T) {
	dir := cloneSite(t)
	res, err := build.Build(build.Options{SiteDir: dir, BaseURL: "https://procedures.example.org/", NoSearch: true})
	if err != nil {
		t.Fatalf("the site does not build: %v", err)
	}
	data := fileOf(t, res.Files, "sitemap.xml")
	var m struct {
		URLs []struct {
			Loc     string `xml:"loc"`
			Lastmod string `xml:"lastmod"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.URLs) < 10 {
		t.Fatalf("the sitemap lists %d pages", len(m.URLs))
	}
	for _, u := range m.URLs {
		if !strings.HasPrefix(u.Loc, "https://procedures.example.org/") {
			t.Errorf("sitemap loc %q is not absolute", u.Loc)
		}
		if _, err := time.Parse(time.RFC3339, u.Lastmod); err != nil {
			t.Errorf("%s: lastmod %q: %v", u.Loc, u.Lastmod, err)
		}
	}
}

// Without a base URL the site's address is unknown: nothing claims an
// address (no sitemap, whose format demands absolute ones; no Sitemap
// line in robots.txt; canonical links and feed links relative to the
// site), and the build says so.
func TestNoBaseURLGivesRelativeAddresses(t *testing.T) {
	res, err := build.Build(build.Options{SiteDir: "..", NoSearch: true, Publishing: true})
	if err != nil {
		t.Fatalf("the site does not build: %v", err)
	}
	warned := false
	for _, d := range res.Diags.Sorted() {
		warned = warned || d.File == "handbook.yaml" && strings.Contains(d.Message, "no base_url is set") && strings.Contains(d.Message, "--base-url")
	}
	if !warned {
		t.Error("a build without a base URL does not warn")
	}
	for _, f := range res.Files {
		if f.Path == "sitemap.xml" {
			t.Errorf("sitemap.xml is written without the site's address:\n%.300s", f.Data)
		}
	}
	if robots := fileOf(t, res.Files, "robots.txt"); bytes.Contains(robots, []byte("Sitemap:")) {
		t.Errorf("robots.txt names a sitemap without an absolute address:\n%s", robots)
	}
	canonical := regexp.MustCompile(`<link rel="canonical" href="([^"]*)"`)
	if m := canonical.FindSubmatch(fileOf(t, res.Files, "about/index.html")); m == nil || !bytes.HasPrefix(m[1], []byte("/about/")) {
		t.Errorf("the canonical link of /about/ is %q, want /about/", m)
	}
	for path, d := range feeds(t, res.Files) {
		for _, l := range d.Links {
			if strings.Contains(l.Href, "://") {
				t.Errorf("%s links %s: an address the build cannot know", path, l.Href)
			}
		}
		if len(d.IDs) == 1 && !strings.HasPrefix(d.IDs[0], "urn:uuid:") {
			t.Errorf("%s: feed id %s", path, d.IDs[0])
		}
	}
}

func fileOf(t *testing.T, files []output.File, path string) []byte {
	t.Helper()
	for _, f := range files {
		if f.Path == path {
			return f.Data
		}
	}
	t.Fatalf("the build has no %s", path)
	return nil
}
