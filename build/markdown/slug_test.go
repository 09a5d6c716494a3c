package markdown

import (
	"strconv"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
)

// slugBefore is Slug written with a lower-case copy of the text, as it
// was before it lower-cased rune by rune: the two must agree.
func slugBefore(value string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(value) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '_' || r == '\t' || r == '/' || r == '.':
			dash = true
		case asciiOf(r) != "":
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteString(asciiOf(r))
		}
	}
	return b.String()
}

var slugCases = []string{
	"", "Hello, World", "  Lead -- and_trail  ", "Section 4.2/b", "ÉCOLE Straße",
	"\u212A\u0130\u03A3 Kelvin", "bad \xff\xfe utf-8", "ALL CAPS 2024", "tab\there", "---",
}

func TestSlugAsBefore(t *testing.T) {
	for _, c := range slugCases {
		if got, want := Slug(c), slugBefore(c); got != want {
			t.Errorf("Slug(%q) = %q, want %q", c, got, want)
		}
	}
}

func FuzzSlug(f *testing.F) {
	for _, c := range slugCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Slug(s), slugBefore(s); got != want {
			t.Errorf("Slug(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestGenerateIDs checks heading ids against the rule they always had:
// the slug, or "section", with -1, -2 … added while it is reserved or used.
func TestGenerateIDs(t *testing.T) {
	s := newIDs([]string{"top", "search"})
	s.Put([]byte("used"))
	used := map[string]bool{"top": true, "search": true, "used": true}
	for _, h := range []string{"Top", "Search", "Used", "Top", "", "!!", "Section", "Top-1", "Used"} {
		base := slugBefore(h)
		if base == "" {
			base = "section"
		}
		want := base
		for i := 1; used[want]; i++ {
			want = base + "-" + strconv.Itoa(i)
		}
		used[want] = true
		if got := string(s.Generate([]byte(h), ast.KindHeading)); got != want {
			t.Errorf("id for %q = %q, want %q", h, got, want)
		}
	}
}
