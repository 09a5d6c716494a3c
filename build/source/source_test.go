package source

import (
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rscp/handbook/build/site"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func load(files map[string]string) (*site.Input, []string) {
	fsys := fstest.MapFS{}
	for name, body := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(body)}
	}
	in, diags := Load(fsys)
	var out []string
	for _, d := range diags.Sorted() {
		out = append(out, d.String())
	}
	return in, out
}

func TestFrontMatterProblems(t *testing.T) {
	cases := []struct {
		name, file string
		want       string // one diagnostic, or "" for none
	}{
		{"no front matter", "Just text.\n", ""},
		{"empty front matter", "---\n---\nText\n", ""},
		{"crlf", "---\r\ntitle: A\r\nsummary: B\r\n---\r\nText\r\n", ""},
		{"bom", "\xEF\xBB\xBF---\ntitle: A\n---\n", ""},
		{"invalid utf-8", "---\ntitle: A\n---\nok\n\xff\xfe bad\n", "content/p.md:5: error: the file is not valid UTF-8 text"},
		{"not closed", "---\ntitle: A\n", "content/p.md:1: error: the front matter that starts here is not closed"},
		{"syntax error", "---\ntitle: A\nsummary: [x\n---\n", "content/p.md:3: error:"},
		{"wrong kind", "---\ntitle: A\nweight: heavy\n---\n", `content/p.md:3: error: field "weight": "heavy" should be a whole number`},
		{"bad date", "---\nnext_review: 2024-02-30\n---\n", `content/p.md:2: error: field "next_review": "2024-02-30" is not a date`},
		{"unknown type", "---\ntype: leaflet\n---\n", `content/p.md:2: error: unknown type "leaflet"`},
		{"unknown status", "---\nstatus: live\n---\n", `content/p.md:2: error: status "live" is not one of draft, published, withdrawn`},
		{"plain unknown field", "---\ntitle: A\nsumary: B\n---\n", `content/p.md:3: warning: unknown field "sumary" (did you mean "summary"?)`},
		{"typed unknown field", "---\ntype: procedure\nchaptr: \"1\"\n---\n", `content/p.md:3: error: unknown field "chaptr" (did you mean "chapter"?) on a procedure page`},
		{"missing required", "---\ntype: report\nperiod_start: 2023-04-01\n---\n", `content/p.md:2: error: a report page needs the field "period_end"`},
		{"bare tag", "---\nboxes: !\n---\n", "content/p.md:1: error: the YAML cannot be read"}, // goccy panics on it
		{"alias bomb", "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ntitle: A\n---\n", "content/p.md:2: warning: unknown field \"a\""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, got := load(map[string]string{"content/p.md": c.file})
			if c.want == "" {
				if len(got) != 0 {
					t.Fatalf("want no problems, got %q", got)
				}
				return
			}
			if len(got) == 0 || !strings.HasPrefix(got[0], c.want) {
				t.Fatalf("want a problem starting %q, got %q", c.want, got)
			}
		})
	}
}

func TestTitleAndURL(t *testing.T) {
	in, diags := load(map[string]string{
		"content/procedures/escalation-routes.md": "Some text first.\n",
		"content/procedures/_index.md":            "# Our procedures\n\nIntro.\n",
		"content/My Notes.md":                     "---\ntitle: Notes\n---\n# Another heading\n",
	})
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	got := map[string]string{}
	for _, p := range in.Pages {
		got[p.URL] = p.Title
	}
	want := map[string]string{
		"/procedures/escalation-routes/": "Escalation routes",
		"/procedures/":                   "Our procedures",
		"/my-notes/":                     "Notes",
	}
	for u, title := range want {
		if got[u] != title {
			t.Errorf("page %s: title %q, want %q (all: %v)", u, got[u], title, got)
		}
	}
}

// TestTypedPageGolden decodes one page of every type and compares the
// decoded front matter with testdata/typed.golden.json (-update rewrites it).
func TestTypedPageGolden(t *testing.T) {
	in, diags := load(map[string]string{
		"content/t.md": `---
title: Level 3
summary: Complex needs.
type: threshold
level: 3
label: Complex
response: Referral to the MASH
legal_basis: Children Act 1989 s17
route: mash
indicators:
  child_development: [Persistent absence]
  parenting_capacity: [Parental mental ill health]
  family_environment: [Domestic abuse]
last_reviewed: 2024-05-01
audience: [practitioner]
---
`,
		"content/r.md": `---
title: Annual report
type: report
period_start: 2023-04-01
period_end: 2024-03-31
tables:
  - id: plans
    caption: Children on plans
    columns: [Category, "2023", "2024"]
    rows:
      - [Neglect, 200, 150]
      - [Emotional abuse, 1.5, "n/a"]
---
`,
		"content/b.md": `---
title: Briefing
type: briefing
boxes:
  - {heading: One, body: "**Bold** text"}
themes: [neglect]
questions: [What would you do?]
---
`,
	})
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	type decoded struct {
		URL       string
		Meta      site.Meta
		Threshold *site.Threshold `json:",omitempty"`
		Report    *site.Report    `json:",omitempty"`
		Briefing  *site.Briefing  `json:",omitempty"`
	}
	var out []decoded
	for _, p := range in.Pages {
		out = append(out, decoded{p.URL, p.Meta, p.Threshold, p.Report, p.Briefing})
	}
	got, _ := json.MarshalIndent(out, "", "  ")
	const golden = "testdata/typed.golden.json"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(got) != string(want) {
		t.Errorf("decoded front matter differs from %s:\n%s", golden, got)
	}
}

// FuzzLoad feeds arbitrary files through front matter decoding and Markdown
// parsing: whatever an editor saves, the build reports it and never panics.
func FuzzLoad(f *testing.F) {
	for _, seed := range []string{
		"---\ntitle: A\n---\n# B\n\n[x](y.md#z)\n",
		"---\ntype: threshold\nlevel: 1\nlabel: x\nroute: mash\nindicators: {child_development: [a]}\n---\n",
		"---\ntype: briefing\nboxes: [{heading: a, body: \"> [!WARNING]\\n> b\"}]\n---\n",
		"---\na: &a [x]\nb: [*a, *a]\n---\n",
		"> [!INSET]\n> [MASH](contact:mash)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
		"---\r\ntitle: \xff\r\n---\r\n",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		in, _ := Load(fstest.MapFS{"content/p.md": {Data: []byte(body)}})
		if in == nil {
			t.Fatal("Load returned no input")
		}
	})
}

// TestReadProblems checks that a page read with one open words its
// problems as the stat-then-read it replaced did.
func TestReadProblems(t *testing.T) {
	fsys := fstest.MapFS{
		"content/big.md": &fstest.MapFile{Data: make([]byte, MaxFileSize+1)},
		"content/ok.md":  &fstest.MapFile{Data: []byte("---\ntitle: \"OK\"\n---\nText.\n")},
	}
	_, statErr := fs.Stat(fsys, "content/missing.md")
	for _, c := range []struct{ file, want string }{
		{"content/big.md", "content/big.md:1: error: the file is 8.0 MB, more than the limit of 8 MB for one page: split it into several pages"},
		{"content/missing.md", "content/missing.md: error: cannot read: " + statErr.Error()},
		{"content/ok.md", ""},
	} {
		in, _ := Load(fsys)
		p, diags := LoadPage(fsys, c.file, in.Markdown)
		var got []string
		for _, d := range diags.Sorted() {
			got = append(got, d.String())
		}
		if c.want == "" {
			if p == nil || p.Title != "OK" || len(got) != 0 {
				t.Errorf("%s: page %v, problems %q", c.file, p, got)
			}
			continue
		}
		if p != nil || len(got) != 1 || got[0] != c.want {
			t.Errorf("%s: problems %q, want %q", c.file, got, c.want)
		}
	}
}
