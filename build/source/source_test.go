package source

import (
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"slices"
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
		{"bare tag", "---\ntype: briefing\nboxes: !\n---\n", ""}, // a panic in the YAML library once
		{"bad indent", "---\ntitle: A\nindicators:\n  child_development:\n    - a\n   - b\n---\n", "content/p.md:6: error: did not find expected key: check the indentation"},
		{"colon in value", "---\ntitle: A\nsummary: Note: this\n---\n", `content/p.md:3: error: mapping values are not allowed in this context: check the indentation, and put a value that holds ": " in quotes`},
		{"tab", "---\ntitle: A\n\tsummary: B\n---\n", "content/p.md:3: error: found a tab character that violates indentation: indent with spaces, not tabs"},
		{"unclosed quote", "---\ntitle: A\nsummary: \"B\nowner: C\n---\n", "content/p.md:3: error: found unexpected end of stream: a quote, [ or { that opens on this line is not closed"},
		{"duplicate key", "---\ntitle: A\nsummary: B\ntitle: C\n---\n", `content/p.md:4: error: field "title" is given twice (first on line 2): keep one`},
		{"list for a group", "---\ntype: threshold\nlevel: 1\nlabel: x\nroute: m\nindicators:\n  - a\n---\n", `content/p.md:7: error: field "indicators": a list should be a group of fields: write it like indented "name: value" lines`},
		{"text for a list", "---\naudience: public\n---\n", `content/p.md:2: error: field "audience": "public" should be a list: write it like [first, second] or one "- item" per line`},
		{"no space after colon", "---\ntitle:A\n---\n", `content/p.md:2: error: "title:A" should be a group of fields: write it like name: value, with a space after the colon`},
		{"nested bad date", "---\nchanges:\n  - date: 2024-02-31\n    note: x\n---\n", `content/p.md:3: error: field "date": "2024-02-31" is not a date`},
		{"list for a date", "---\nnext_review: [2024-01-01]\n---\n", `content/p.md:2: error: field "next_review": a list should be a date: write it like 2024-06-30`},
		{"fraction for a whole number", "---\nweight: 1.5\n---\n", `content/p.md:2: error: field "weight": "1.5" should be a whole number: write it like 3`},
		{"tag", "---\ntitle: !!binary aGVsbG8=\n---\n", `content/p.md:2: error: field "title": the tag !!binary is not supported: remove it`},
		{"merge key", "---\nbase: &b {title: A}\n<<: *b\n---\n", "content/p.md:3: error: merge keys (<<) are not supported: write the fields out"},
		{"unknown anchor", "---\ntitle: A\nsummary: *s\n---\n", "content/p.md:3: error: unknown anchor 's' referenced"},
		{"aliases", "---\ntitle: &t Same\nsummary: *t\n---\n", ""},
		{"questions in a flow list", "---\ntype: briefing\nboxes: []\nquestions: [What would you do?, Who else?]\n---\n", ""},
		{"alias bomb", "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ntitle: A\n---\n", "content/p.md:2: warning: unknown field \"a\""},
	}
	// Aliases of aliases that would make 200×200×200 table cells from a few
	// kilobytes.
	aliases := func(anchor string) string { return strings.Repeat(", *"+anchor, 199) }
	cases = append(cases, struct{ name, file, want string }{"alias bomb in a field",
		"---\ntype: report\nperiod_start: 2023-04-01\nperiod_end: 2024-03-31\ntables: [&t {rows: [&r [" + strings.Repeat("x, ", 199) + "x]" + aliases("r") + "]}" + aliases("t") + "]\n---\n",
		"content/p.md:5: error: field \"rows\": the aliases (*name) make more values than the file holds"})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantProblem(t, map[string]string{"content/p.md": c.file}, c.want)
		})
	}
}

// wantProblem loads files and checks that the first diagnostic starts with
// want, or that there is none when want is "".
func wantProblem(t *testing.T, files map[string]string, want string) {
	t.Helper()
	_, got := load(files)
	if want == "" {
		if len(got) != 0 {
			t.Fatalf("want no problems, got %q", got)
		}
		return
	}
	if len(got) == 0 || !strings.HasPrefix(got[0], want) {
		t.Fatalf("want a problem starting %q, got %q", want, got)
	}
}

func TestDataFileProblems(t *testing.T) {
	cases := []struct {
		name, file, data string
		want             string // one diagnostic, or "" for none
	}{
		{"config", "handbook.yaml", "---\ntitle: Site\neditions:\n  - name: v1\n    effective_from: 2024-01-01\n---\n", ""},
		{"config unknown field", "handbook.yaml", "title: Site\nbase_ur: /x\n", `handbook.yaml:2: error: unknown field "base_ur" (did you mean "base_url"?)`},
		{"config nested unknown field", "handbook.yaml", "editions:\n  - name: v1\n    labl: x\n", `handbook.yaml:3: error: unknown field "labl" (did you mean "label"?)`},
		{"config wrong kind", "handbook.yaml", "markdown:\n  unsafe_html: sometimes\n", `handbook.yaml:2: error: field "unsafe_html": "sometimes" should be true or false: write it like true`},
		{"config bad date", "handbook.yaml", "editions:\n  - name: v1\n    effective_from: soon\n", `handbook.yaml:3: error: field "effective_from": "soon" is not a date`},
		{"config duplicate key", "handbook.yaml", "title: A\ntitle: B\n", `handbook.yaml:2: error: field "title" is given twice (first on line 1): keep one`},
		{"config syntax error", "handbook.yaml", "title: A\n bad: x\n", "handbook.yaml:2: error: mapping values are not allowed in this context"},
		{"config second document", "handbook.yaml", "title: A\n---\ntitle: B\n", "handbook.yaml:2: error: a second YAML document starts here"},
		{"config not fields", "handbook.yaml", "- a\n", `handbook.yaml:1: error: a list should be a group of fields`},
		{"glossary unknown field", "data/glossary.yaml", "- term: A\n  definiton: x\n", `data/glossary.yaml:2: error: unknown field "definiton" (did you mean "definition"?)`},
		{"glossary not a list", "data/glossary.yaml", "term: A\n", `data/glossary.yaml:1: error: a group of fields should be a list`},
		{"contacts bad date", "data/contacts.yaml", "- id: mash\n  last_verified: 2024-02-30\n", `data/contacts.yaml:2: error: field "last_verified": "2024-02-30" is not a date`},
		{"contacts empty", "data/contacts.yaml", "# none yet\n", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantProblem(t, map[string]string{c.file: c.data}, c.want)
		})
	}
}

// TestItemLines checks that each glossary term and contact knows its line,
// however the list is written.
func TestItemLines(t *testing.T) {
	in, diags := load(map[string]string{
		"data/glossary.yaml": "# terms\n- term: A\n  definition: x\n\n-   term: B\n- &c\n  term: C\n- *c\n",
		"data/contacts.yaml": "  - id: a\n  - {id: b}\n",
	})
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	var got []int
	for _, g := range in.Glossary {
		got = append(got, g.Line)
	}
	for _, c := range in.Contacts {
		got = append(got, c.Line)
	}
	if want := []int{2, 5, 6, 8, 1, 2}; !slices.Equal(got, want) {
		t.Errorf("lines %v, want %v", got, want)
	}
}

// TestRecoverProblem checks that a panic inside the YAML library becomes a
// problem with a line, not a crash.
func TestRecoverProblem(t *testing.T) {
	err := func() (err error) {
		defer recoverProblem(&err)
		panic("boom")
	}()
	if err == nil || !strings.Contains(err.Error(), "the YAML cannot be read (boom)") {
		t.Fatalf("got %v", err)
	}
	// No shorter start of the text fails the same way: the last line.
	if p := syntaxProblem([]byte("a: 1\nb: 2\n"), err); p.line != 2 {
		t.Errorf("line %d, want 2", p.line)
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

// A page whose name is only dots (a command's name, such as "..") is a
// hidden file: it is left out, with a warning that says how to publish
// it; other hidden files are left out silently.
func TestDotNamedPagesAreSkippedWithAWarning(t *testing.T) {
	in, got := load(map[string]string{
		"content/..md":       "---\ntitle: Up\n---\nThe parent folder.\n",
		"content/cli/...md":  "---\ntitle: Dots\n---\nThree dots.\n",
		"content/.notes.md":  "---\ntitle: Notes\n---\nAn editor's own notes.\n",
		"content/visible.md": "---\ntitle: Visible\n---\nA page.\n",
		"content/backup.md~": "an editor's backup",
	})
	want := []string{
		"content/..md: warning: skipped: a name that starts with a dot is a hidden file; rename it (for example to dot-dot.md) to publish it as a page",
		"content/cli/...md: warning: skipped: a name that starts with a dot is a hidden file; rename it (for example to dot-dot.md) to publish it as a page",
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(in.Pages) != 1 || in.Pages[0].File != "content/visible.md" {
		t.Errorf("pages read: %d, want content/visible.md only", len(in.Pages))
	}
}

// TestConfigUnknownFieldsAllAtOnce: every unknown key of handbook.yaml is
// reported in one run, nested ones too, and the known fields still count.
func TestConfigUnknownFieldsAllAtOnce(t *testing.T) {
	in, got := load(map[string]string{"handbook.yaml": "titel: Site\nbase_ur: /x\nquick_exit:\n  ur: https://example.org/\ndescription: Kept\n"})
	want := []string{
		`handbook.yaml:1: error: unknown field "titel" (did you mean "title"?)`,
		`handbook.yaml:2: error: unknown field "base_ur" (did you mean "base_url"?)`,
		`handbook.yaml:4: error: unknown field "ur" (did you mean "url"?)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if in.Config.Description != "Kept" {
		t.Errorf("description = %q: the fields after an unknown one are lost", in.Config.Description)
	}
}
