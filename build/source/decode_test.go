package source

import (
	"encoding/json"
	"io/fs"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/goccy/go-yaml"

	"github.com/rscp/handbook/bench/corpus"
	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/site"
)

// sameAsFull decodes front with decodeFast and, when it takes it, checks
// that the result and the keys are exactly what the full two-pass goccy
// decoding gives. It reports whether the fast path was taken.
func sameAsFull(t testing.TB, front string) bool {
	t.Helper()
	var fast frontMatter
	keys, ok := decodeFast([]byte(front), &fast)
	if !ok {
		return false
	}
	var raw map[string]any
	var full frontMatter
	if err := yaml.UnmarshalWithOptions([]byte(front), &raw); err != nil {
		t.Fatalf("the fast path took what goccy refuses (%v):\n%s", err, front)
	}
	if err := yaml.Unmarshal([]byte(front), &full); err != nil {
		t.Fatalf("the fast path took what goccy refuses (%v):\n%s", err, front)
	}
	if !reflect.DeepEqual(fast, full) {
		t.Errorf("fast and full decoding differ for:\n%s\nfast: %#v\nfull: %#v", front, fast, full)
	}
	if want := slices.Sorted(maps.Keys(raw)); !slices.Equal(keys, want) {
		t.Errorf("fast decoding has the keys %q, full %q, for:\n%s", keys, want, front)
	}
	return true
}

// siteFronts is the front matter of the default site and of a generated one.
func siteFronts(t testing.TB, pages int) []string {
	var fronts []string
	add := func(data []byte) {
		front, _, _, err := splitFrontMatter(data)
		if err == nil && len(strings.TrimSpace(string(front))) > 0 {
			fronts = append(fronts, string(front))
		}
	}
	root := os.DirFS("../..")
	_ = fs.WalkDir(root, "content", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			b, _ := fs.ReadFile(root, p)
			add(b)
		}
		return nil
	})
	for _, f := range corpus.New(corpus.Options{Pages: pages}).HandbookFiles() {
		add(f.Data)
	}
	if len(fronts) < pages {
		t.Fatalf("only %d front matters to check", len(fronts))
	}
	return fronts
}

// TestDecodeFastMatchesFull checks that the one-parse decoding of front
// matter gives exactly what the full two-pass decoding gives, on the
// default site and on a generated one, and that it is taken for them.
func TestDecodeFastMatchesFull(t *testing.T) {
	for _, front := range siteFronts(t, 300) {
		if !sameAsFull(t, front) {
			t.Errorf("the fast path was not taken for:\n%s", front)
		}
		if _, ok := parseFront(prepareFront([]byte(front), true)); !ok {
			t.Errorf("the quoted values taken out were not all found in:\n%s", front)
		}
	}
}

// TestDecodeFastCases checks edge cases against goccy, and which of them
// the fast path takes.
func TestDecodeFastCases(t *testing.T) {
	for _, c := range []struct {
		front string
		fast  bool
	}{
		// empty values and null
		{"title:\nsummary: ~\nowner: null\naudience:\nweight:\nsensitive: ~\nlast_reviewed:\nindicators:\nboxes: ~\n", true},
		{"title: \"\"\naudience: []\nrelated: [~, a]\n", true},
		// numbers, booleans and quoted numbers in text fields
		{"section: 6\nchapter: 6.4\nid: 0x1F\nowner: 012\nsummary: -7\ntitle: true\nlayout: 1e3\n", true},
		{"section: \"6\"\nchapter: '6.40'\ntitle: \"it's: \\\"quoted\\\"\\n\"\nsummary: 'it''s'\n", true},
		{"weight: 18446744073709551615\n", false}, // overflows int: goccy words it
		{"weight: -3\nlevel: 0\nlevels: [1, 2, 3]\nsensitive: false\n", true},
		{"weight: \"3\"\n", false}, // goccy reads numeric text as a number
		{"weight: 1.5\n", false},
		{"sensitive: yes\n", false},
		{"title: [a]\n", false},
		{"audience: public\n", false},
		// dates and cells
		{"last_reviewed: 2024-01-02\nnext_review: \"2025-03-04\"\neffective_from: '2025-03-05'\n", true},
		{"changes:\n  - date: 2024-01-02\n    note: First\n  - {date: 2024-02-03, note: Second}\n  - date:\n", true},
		{"next_review: 2024-02-30\n", false},
		{"period_start: 2023-04-01\nperiod_end: 2024-03-31\ntables:\n  - id: t1\n    columns: [Area, \"2023\", 2024]\n    rows:\n      - [North, 1, \"2\", 3.50, ~, true, '', -4]\n      - []\n      -\n      - [\"a, b\", 'c']\n", true},
		{"tables:\n  - rows: [[{a: 1}]]\n", true}, // goccy's Cell takes the YAML of a mapping
		// nested structs, lists of structs, unknown fields
		{"indicators:\n  child_development: [a, b]\n  parenting_capacity:\n    - c\n  unknown: x\n", true},
		{"indicators: {family_environment: [x]}\n", true},
		{"indicators: [a]\n", false},
		{"stages:\n  - who: A\n    timescale: 1 day\n    action: B\n    extra: ignored\n  - who: C\n", true},
		{"stages:\n  - who: A\n    who: B\n", false}, // a duplicate key
		{"sumary: x\ntitle: T\nchaptr: \"1\"\n", true},
		{"stages: [{who: A, action: B}, {who: C}]\nboxes: [{heading: H, body: \"**b**\"}]\n", true},
		// block scalars
		{"summary: |\n  one\n  two\n\ntitle: T\n", true},
		{"summary: |-\n  one\n\n  two\n", true},
		{"summary: |\n\n  after an empty line\n    more indented\n  back\n\n\n", true},
		{"summary: |\n  at the end", true},
		{"summary: |\n  a\n    b\n", true},
		{"summary: >\n  folded\n  lines\n\n  para\n", true},
		{"summary: |+\n  kept\n\n", true},
		{"summary: |2\n    indented\n", true},
		{"summary: | # a comment\n  text\n", true},
		{"summary: |\n  text\n  \n  spaces only above\n", true},
		{"summary: |\n  tab\there\n", true},
		{"summary: |\ntitle: empty block\n", true},
		{"summary: |\n  x: |\n    inner\ntitle: T\n", true},
		{"summary: \"a quoted\n  x: |\n    line\"\ntitle: T\n", false}, // no block where one seemed to be
		{"boxes:\n  - heading: A\n    body: |\n      First *box*.\n\n      Second paragraph.\n  - heading: B\n    body: |-\n      Last.\nthemes: [a]\n", true},
		{"questions:\n  - |\n    a block item\n  - plain\n", true},
		{"boxes:\n  - body: |\n      x\n    heading: after\n", true},
		{"last_reviewed: |\n  2024-01-02\n", false}, // a block into a date: goccy's own way
		{"summary: |\n  text\n bad: indent\n", false},
		// flow collections, plain and quoted multi-line strings, comments
		{"audience: [editor, public]\nrelated: [\n  a,\n  b\n]\nindicators: {child_development: [], parenting_capacity: [x]}\n", true},
		{"summary: a plain\n  multi-line\n\n  text\ntitle: \"a quoted\n  one\"\n", true},
		{"# a comment\ntitle: T # another\n# last\n", true},
		// quoted values taken out of the text and put back
		{"title: \"A: title # not a comment\"\nsummary: \"  spaces kept  \"   \nowner: \"é ✓ 'x'\"\n", true},
		{"questions:\n  - \"One?\"\n  - - \"nested\"\n  - \"a\\\"b\"\n  - \"x\" # c\n", false}, // a list in a list of text
		{"questions:\n  - \"One?\"\n  - \"a\\\"b\"\n  - \"x\" # c\n  - \"\"\n", true},
		{"stages:\n  - who: \"A\"\n    action: \"B c\"\n    timescale: \"1 day\"\n", true},
		{"next_review: \"2025-03-04\"\nlast_reviewed: \"2024-02-30\"\n", false},
		{"next_review: \"2025-03-04\"\nweight: \"3\"\n", false},
		{"period_start: \"2023-04-01\"\ntables:\n  - id: \"t1\"\n    rows:\n      - [a]\n", true},
		{"stages: [{\n  who: \"A\"\n  }]\nindicators: {\n  child_development: [\"x\",\n    \"y\"]}\n", true},
		{"\"title\": \"T\"\n", true},
		// quoted-looking lines where goccy finds no quoted value
		{"summary: >\n  - \"x\"\n  text: \"y\"\ntitle: \"T\"\n", true},
		{"summary: |+\n  - \"x\"\n\ntitle: \"T\"\n", true},
		{"summary: |\n  a\n    - \"x\"\n  b\ntitle: \"T\"\n", true},
		{"summary: 'it\n  - \"x\"\n  more'\ntitle: \"T\"\n", true},
		{"summary: a plain\n  - \"x\"\ntitle: \"T\"\n", true},
		{"summary: \"first\n  - \"x\"\n", false},
		{"summary: \"first\n  key: \"second\"\n", false},
		{"summary: \"first\n  - \"x\" \"\ntitle: \"T\"\n", false},
		{"summary: x\n---\ntitle: \"T\"\n", false},
		// what the fast path leaves to the full one
		{"title: [x\n", false},
		{"a: &a x\nb: *a\n", false},
		{"<<: {title: A}\n", false},
		{"title: !!str A\n", false},
		{"1: one\n", false},
		{"- a\n- b\n", false},
		{"indicators:\n  ? [a]\n  : b\n", false},
		{"title: A\ntitle: B\n", false},
		{"title: A\n---\ntitle: B\n", false},
	} {
		if got := sameAsFull(t, c.front); got != c.fast {
			t.Errorf("fast path taken: %v, want %v, for:\n%s", got, c.fast, c.front)
		}
	}
}

// FuzzDecodeFast checks that whatever the fast path takes, it decodes as
// goccy does.
func FuzzDecodeFast(f *testing.F) {
	for _, front := range siteFronts(f, 20) {
		f.Add(front)
	}
	f.Add("summary: |\n  one\n\n  two\ntitle: T\n")
	f.Add("tables:\n  - rows: [[1, \"2\", x]]\n")
	f.Add("title: \"T\"\nquestions:\n  - \"a b\"\nsummary: >\n  - \"x\"\n")
	f.Fuzz(func(t *testing.T, front string) {
		if !utf8.ValidString(front) || strings.Contains(front, "\r") {
			return // cleanText refuses or normalizes these first
		}
		sameAsFull(t, front)
	})
}

// decodedPage is what front matter decodes to, with zero values left out
// (see pruneZero), as JSON.
func decodedPage(t *testing.T, p *site.Page) any {
	t.Helper()
	b, err := json.Marshal(struct {
		Meta        site.Meta
		Arrangement *site.Arrangement `json:",omitempty"`
		Threshold   *site.Threshold   `json:",omitempty"`
		Briefing    *site.Briefing    `json:",omitempty"`
		Procedure   *site.Procedure   `json:",omitempty"`
		Report      *site.Report      `json:",omitempty"`
	}{p.Meta, p.Arrangement, p.Threshold, p.Briefing, p.Procedure, p.Report})
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return pruneZero(v)
}

// pruneZero leaves out the fields of JSON objects that hold a zero value.
func pruneZero(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			switch x {
			case "", 0.0, false, nil, "0001-01-01T00:00:00Z":
				delete(v, k)
				continue
			}
			v[k] = pruneZero(x)
		}
	case []any:
		for i, x := range v {
			v[i] = pruneZero(x)
		}
	}
	return v
}

// TestDecodeGolden decodes front matter that tries the corners of YAML
// (null and empty values, numbers and booleans in text fields, block and
// quoted scalars, flow collections, anchors, table cells) and compares what
// comes out with testdata/decode.golden.json, which records how front
// matter has always decoded: a change to how YAML is read must leave it as
// it is (go test -update rewrites it).
func TestDecodeGolden(t *testing.T) {
	const golden = "testdata/decode.golden.json"
	b, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Front   string `json:"front"`
		Decoded any    `json:"decoded"`
	}
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		in, problems := load(map[string]string{"content/p.md": "---\n" + c.Front + "---\nBody.\n"})
		for _, p := range problems {
			if strings.Contains(p, ": error: ") {
				t.Errorf("front matter:\n%s\nproblem: %s", c.Front, p)
			}
		}
		if len(in.Pages) != 1 {
			t.Errorf("front matter:\n%s\ngives no page", c.Front)
			continue
		}
		got := decodedPage(t, in.Pages[0])
		if *update {
			cases[i].Decoded = got
		} else if !reflect.DeepEqual(got, c.Decoded) {
			gotJSON, _ := json.Marshal(got)
			wantJSON, _ := json.Marshal(c.Decoded)
			t.Errorf("front matter:\n%s\ndecodes to %s\nwant %s", c.Front, gotJSON, wantJSON)
		}
	}
	if *update {
		out, _ := json.MarshalIndent(cases, "", " ")
		if err := os.WriteFile(golden, append(out, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkFrontMatter decodes the front matter of a generated site, as
// loadPage does.
func BenchmarkFrontMatter(b *testing.B) {
	var fronts [][]byte
	for _, f := range corpus.New(corpus.Options{Pages: 300}).HandbookFiles() {
		if front, _, _, err := splitFrontMatter(f.Data); err == nil && len(front) > 0 {
			fronts = append(fronts, front)
		}
	}
	b.ReportAllocs()
	start := cpuTime()
	defer func() {
		b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	}()
	for b.Loop() {
		for _, front := range fronts {
			var diags diag.List
			p := &site.Page{File: "p.md"}
			if !decodeFrontMatter(p, front, &diags) {
				b.Fatal(diags.Err())
			}
		}
	}
}
