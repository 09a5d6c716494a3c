package source

import (
	"encoding/json"
	"io/fs"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/rscp/handbook/bench/corpus"
	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/internal/cpuclock"
)

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

// TestDecodeSites checks that the front matter of the default site and of
// a generated one decodes with no problem.
func TestDecodeSites(t *testing.T) {
	for _, front := range siteFronts(t, 300) {
		var diags diag.List
		if !decodeFrontMatter(&site.Page{File: "p.md"}, []byte(front), &diags) {
			t.Errorf("%v in:\n%s", diags.Err(), front)
		}
	}
}

// FuzzDecode checks that whatever front matter holds, decoding it reports
// problems with a line and never panics, and that what decodes without a
// problem decodes the same again.
func FuzzDecode(f *testing.F) {
	for _, front := range siteFronts(f, 20) {
		f.Add(front)
	}
	f.Add("summary: |\n  one\n\n  two\ntitle: T\n")
	f.Add("tables:\n  - rows: [[1, \"2\", x]]\n")
	f.Add("questions: [Why?, \"x\"]\nstages: [&s {who: A}, *s]\n")
	f.Add("title: Windows\r\nsummary: |\r\n  one\r\n  two\r\n")
	f.Fuzz(func(t *testing.T, front string) {
		// Front matter reaches the decoder through cleanText, as in loadPage.
		clean, ok := cleanText("p.md", []byte(front), &diag.List{})
		if !ok {
			return // not UTF-8: refused with its own error
		}
		var diags diag.List
		p := &site.Page{File: "p.md"}
		decoded := decodeFrontMatter(p, clean, &diags)
		// The same text saved with Windows line endings means the same.
		if !strings.Contains(front, "\r") {
			windows, _ := cleanText("p.md", []byte(strings.ReplaceAll(front, "\n", "\r\n")), &diag.List{})
			w := &site.Page{File: "p.md"}
			if decodeFrontMatter(w, windows, &diag.List{}) != decoded || !reflect.DeepEqual(p.Meta, w.Meta) || !reflect.DeepEqual(p.FieldLines, w.FieldLines) {
				t.Errorf("CRLF line endings change the meaning of:\n%q", front)
			}
		}
		if !decoded {
			for _, d := range diags.Sorted() {
				if d.Line == 0 {
					t.Errorf("a problem with no line: %s", d)
				}
			}
			return
		}
		again := &site.Page{File: "p.md"}
		decodeFrontMatter(again, clean, &diag.List{})
		if !reflect.DeepEqual(p.Meta, again.Meta) || !reflect.DeepEqual(p.FieldLines, again.FieldLines) {
			t.Errorf("two decodings differ for:\n%s", front)
		}
	})
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
	defer cpuclock.Report(b)()
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
