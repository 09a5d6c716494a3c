package source

import (
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/rscp/handbook/build/site"
)

// urlCases are content files with the address a reader should see, and
// whether the file is a section's index.
var urlCases = []struct {
	rel     string
	url     string
	section bool
}{
	{"_index.md", "/", true},
	{"index.md", "/", true},
	{"a.md", "/a/", false},
	{"procedures/escalation-routes.md", "/procedures/escalation-routes/", false},
	{"procedures/_index.md", "/procedures/", true},
	{"My Notes.md", "/my-notes/", false},
	{"a/b/c/index.md", "/a/b/c/", true},
	{"Ünïcode/Straße.md", "/%C3%BCn%C3%AFcode/stra%C3%9Fe/", false},
	{"über uns.md", "/%C3%BCber-uns/", false},
	{"u\u0308ber.md", "/%C3%BCber/", false}, // decomposed, as macOS writes it
	{"!!/x.md", "/!!/x/", false},
	{"x/!!.md", "/x/!!/", false},
	// As Hugo maps them: kept apart, and at Hugo's addresses.
	{"clang++.md", "/clang++/", false},
	{"clang.md", "/clang/", false},
	{"move_volume.md", "/move_volume/", false},
	{"move-volume.md", "/move-volume/", false},
	{"~.md", "/~/", false},
	{"v1.2.md", "/v1.2/", false},
	{"a  b\t c.md", "/a-b-c/", false},
	{" a .md", "/a/", false},
	// Signs Hugo drops are kept, encoded where a URL needs it.
	{"!.md", "/!/", false},
	{"$.md", "/$/", false},
	{"%.md", "/%25/", false},
	{"[.md", "/%5B/", false},
	{"]].md", "/%5D%5D/", false},
	{"{.md", "/%7B/", false},
	{"it's.md", "/it%27s/", false},
	{"a?b#c.md", "/a%3Fb%23c/", false},
	{"a:b&c.md", "/a%3Ab%26c/", false},
	{"\xff.md", "/%FF/", false},
	{"a/ /b.md", "", false},
	{"a/ ../b.md", "", false},
	{"a//b.md", "/a/b/", false},
	{"/a.md", "/a/", false},
	{"a/.md", "", false},
	{".md", "", false},
}

func TestURLFor(t *testing.T) {
	for _, c := range urlCases {
		if u, s := urlFor(c.rel); u != c.url || s != c.section {
			t.Errorf("urlFor(%q) = %q, %v, want %q, %v", c.rel, u, s, c.url, c.section)
		}
	}
}

// FuzzURLFor checks what holds for every address: it starts and ends with
// "/", and has no empty segment.
func FuzzURLFor(f *testing.F) {
	for _, c := range urlCases {
		f.Add(c.rel)
	}
	f.Fuzz(func(t *testing.T, rel string) {
		u, s := urlFor(rel)
		if u == "" {
			return // no address: reported to the editor
		}
		if !strings.HasPrefix(u, "/") || !strings.HasSuffix(u, "/") || strings.Contains(u, "//") {
			t.Errorf("urlFor(%q) = %q", rel, u)
		}
		if e := site.EscapePath(site.DecodedPath(u)); e != u {
			t.Errorf("urlFor(%q) = %q, not in its one encoded form %q", rel, u, e)
		}
		// Names that differ in more than case and white space keep
		// apart: the address, decoded, spells the name.
		name := strings.TrimSuffix(rel, ".md")
		if !s && utf8.ValidString(name) && norm.NFC.IsNormalString(name) && name == strings.ToLower(name) &&
			!strings.ContainsFunc(name, unicode.IsSpace) && !strings.Contains(name, "//") && !strings.HasPrefix(name, "/") {
			if d := site.DecodedPath(u); d != "/"+name+"/" {
				t.Errorf("urlFor(%q) = %q, which decodes to %q", rel, u, d)
			}
		}
	})
}

// TestDefaultSiteAddresses checks that the default site's pages keep their
// addresses: a path of lower-case letters, digits and hyphens is its own
// address, as it always was.
func TestDefaultSiteAddresses(t *testing.T) {
	plain := regexp.MustCompile(`^([a-z0-9-]+/)*[a-z0-9_-]+\.md$`)
	n := 0
	err := filepath.WalkDir("../../content", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel("../../content", p)
		rel = filepath.ToSlash(rel)
		if !plain.MatchString(rel) {
			t.Errorf("content/%s: a default page with a name that is not plain", rel)
			return nil
		}
		want := "/" + strings.TrimSuffix(rel, ".md") + "/"
		if dir, name := path.Split(rel); name == "_index.md" {
			want = "/" + dir
		}
		if u, _ := urlFor(rel); u != want {
			t.Errorf("urlFor(%q) = %q, want %q", rel, u, want)
		}
		n++
		return nil
	})
	if err != nil || n < 40 {
		t.Fatalf("walked %d default pages: %v", n, err)
	}
}
