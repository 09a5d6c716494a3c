package markdown

import (
	"strconv"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
)

// slugCases are headings and file names with the slug a reader should see
// in the address bar.
var slugCases = []struct{ in, want string }{
	{"", ""},
	{"Hello, World", "hello-world"},
	{"  Lead -- and_trail  ", "lead-and-trail"},
	{"Section 4.2/b", "section-4-2-b"},
	{"ALL CAPS 2024", "all-caps-2024"},
	{"tab\there", "tab-here"},
	{"---", ""},
	{"Stage 2: senior managers", "stage-2-senior-managers"},
	{"Café", "cafe"},
	{"Café & ‘quotes’", "cafe-quotes"},
	{"  What -- to do  ", "what-to-do"},
	{"Straße Œuvre Ørsted", "strasse-oeuvre-orsted"},
	{"über uns", "uber-uns"},
	{"Équipe médicale & CAMHS", "equipe-medicale-camhs"},
	{"ÉCOLE Straße", "ecole-strasse"},
	{"Søren Ærø Łódź", "soren-aero-lodz"},
	{"Rotherham’s “front door”", "rotherhams-front-door"},
	{"\u212A\u0130\u03A3 Kelvin", "ki-kelvin"},
	{"Дети", ""},
	{"bad \xff\xfe utf-8", "bad-utf-8"},
}

func TestSlug(t *testing.T) {
	for _, c := range slugCases {
		if got := Slug(c.in); got != c.want {
			t.Errorf("Slug(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzSlug checks what holds for every slug: only a-z, 0-9 and single
// inner dashes, and a slug is its own slug.
func FuzzSlug(f *testing.F) {
	for _, c := range slugCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Slug(s)
		if strings.HasPrefix(got, "-") || strings.HasSuffix(got, "-") || strings.Contains(got, "--") {
			t.Errorf("Slug(%q) = %q: stray dashes", s, got)
		}
		for _, r := range got {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				t.Errorf("Slug(%q) = %q: %q is not a-z, 0-9 or -", s, got, r)
			}
		}
		if again := Slug(got); again != got {
			t.Errorf("Slug(Slug(%q)) = %q, want %q", s, again, got)
		}
	})
}

// TestGenerateIDs checks heading ids against the rule they always had:
// the slug, or "section", with -1, -2 … added while it is reserved or used.
func TestGenerateIDs(t *testing.T) {
	s := newIDs([]string{"top", "search"})
	s.Put([]byte("used"))
	used := map[string]bool{"top": true, "search": true, "used": true}
	for _, h := range []string{"Top", "Search", "Used", "Top", "", "!!", "Section", "Top-1", "Used",
		"Same", "Same", "Same 2", "Same", "Same 4", "Same", "Same", "Same-1-1", "Same 1"} {
		base := Slug(h)
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
