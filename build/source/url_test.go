package source

import (
	"strings"
	"testing"
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
	{"Ünïcode/Straße.md", "/unicode/strasse/", false},
	{"über uns.md", "/uber-uns/", false},
	{"!!/x.md", "", false},
	{"x/!!.md", "", false},
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
		u, _ := urlFor(rel)
		if u == "" {
			return // no address: reported to the editor
		}
		if !strings.HasPrefix(u, "/") || !strings.HasSuffix(u, "/") || strings.Contains(u, "//") {
			t.Errorf("urlFor(%q) = %q", rel, u)
		}
	})
}
