package markdown

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// TestGolden renders every case in testdata/*.txtar. Each archive holds
// "input.md" and "output.html", and "problems" when the page has any, one
// "line: message" a line; -update rewrites output.html and problems. A case
// whose name contains "unsafe" is rendered with raw HTML allowed.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	if len(files) == 0 {
		t.Fatal("no golden cases in testdata")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var input []byte
			outIdx, probIdx := -1, -1
			for i, f := range ar.Files {
				switch f.Name {
				case "input.md":
					input = f.Data
				case "output.html":
					outIdx = i
				case "problems":
					probIdx = i
				}
			}
			c := New(Options{UnsafeHTML: strings.Contains(name, "unsafe"), ReservedIDs: []string{"main-content"}})
			doc := c.Parse(input, 0)
			fillContacts(doc)
			var got bytes.Buffer
			if err := c.Render(&got, doc); err != nil {
				t.Fatal(err)
			}
			var problems strings.Builder
			for _, p := range doc.Problems {
				fmt.Fprintf(&problems, "%d: %s\n", p.Line, p.Message)
			}
			if *update {
				if outIdx < 0 {
					ar.Files = append(ar.Files, txtar.File{Name: "output.html"})
					outIdx = len(ar.Files) - 1
				}
				ar.Files[outIdx].Data = got.Bytes()
				if probIdx < 0 && problems.Len() > 0 {
					ar.Files = append(ar.Files, txtar.File{Name: "problems"})
					probIdx = len(ar.Files) - 1
				}
				if probIdx >= 0 {
					ar.Files[probIdx].Data = []byte(problems.String())
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if outIdx < 0 {
				t.Fatalf("%s has no output.html; run go test -update", file)
			}
			if want := string(ar.Files[outIdx].Data); got.String() != want {
				t.Errorf("rendered HTML differs from %s\n--- got\n%s\n--- want\n%s", file, got.String(), want)
			}
			var want string
			if probIdx >= 0 {
				want = string(ar.Files[probIdx].Data)
			}
			if problems.String() != want {
				t.Errorf("problems differ from %s\n--- got\n%s\n--- want\n%s", file, problems.String(), want)
			}
		})
	}
}

// fillContacts stands in for the site model, which fills contacts from data/contacts.yaml.
func fillContacts(doc *Doc) {
	for _, ref := range doc.Contacts {
		ref.Info = ContactInfo{Service: "Service " + ref.ID, URL: "/contacts/#" + ref.ID}
		if ref.ID == "police" {
			ref.Info.Phone = "999"
		}
	}
}

func TestHeadingsAndLines(t *testing.T) {
	src := "Intro\n\n## Stage 2: senior managers\n\ntext [link](other.md#x) and\n![](img.png)\n\n## Stage 2: senior managers\n\n## Main content\n"
	doc := New(Options{ReservedIDs: []string{"main-content"}}).Parse([]byte(src), 4)
	var ids []string
	for _, h := range doc.Headings {
		ids = append(ids, h.ID)
	}
	want := "stage-2-senior-managers stage-2-senior-managers-1 main-content-1"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("heading ids = %q, want %q", got, want)
	}
	if doc.Headings[0].Line != 7 {
		t.Errorf("first heading line = %d, want 7 (3 in body + 4 lines of front matter)", doc.Headings[0].Line)
	}
	if len(doc.Links) != 2 {
		t.Fatalf("links = %d, want 2", len(doc.Links))
	}
	if doc.Links[0].Dest != "other.md#x" || doc.Links[0].Line != 9 {
		t.Errorf("link = %+v, want other.md#x at line 9", doc.Links[0])
	}
	if !doc.Links[1].Image || doc.Links[1].Alt != "" || doc.Links[1].Line != 10 {
		t.Errorf("image = %+v, want an image without alt at line 10", doc.Links[1])
	}
}

func FuzzRender(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txtar")
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, fl := range ar.Files {
			if fl.Name == "input.md" {
				f.Add(string(fl.Data))
			}
		}
	}
	c := New(Options{})
	f.Fuzz(func(t *testing.T, src string) {
		doc := c.Parse([]byte(src), 0)
		fillContacts(doc)
		var out bytes.Buffer
		if err := c.Render(&out, doc); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(strings.ToLower(out.String()), "<script") {
			t.Fatalf("raw script reached the output: %q", out.String())
		}
	})
}

type testGlossary map[string]string

func (g testGlossary) Expand(word string) (string, string, bool) {
	t, ok := g[word]
	return t, "/glossary/#" + strings.ToLower(word), ok
}

func TestExpandAcronyms(t *testing.T) {
	src := "## The MASH\n\nCall the MASH, then the MASH again. `MASH` in code.\nSee [MASH](x) and CSE\nnow.\n"
	c := New(Options{})
	doc := c.Parse([]byte(src), 0)
	ExpandAcronyms(doc, testGlossary{"MASH": "Multi-Agency Safeguarding Hub", "CSE": "Child sexual exploitation"}, map[string]bool{})
	var out bytes.Buffer
	if err := c.Render(&out, doc); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	want := `<h2 id="the-mash">The MASH</h2>
<p>Call the <a class="hb-abbr" href="/glossary/#mash"><abbr title="Multi-Agency Safeguarding Hub">MASH</abbr></a>, then the MASH again. <code>MASH</code> in code.
See <a href="x">MASH</a> and <a class="hb-abbr" href="/glossary/#cse"><abbr title="Child sexual exploitation">CSE</abbr></a>
now.</p>
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// Plain text is what a reader sees: the typographer's quotes and dashes,
// character references and backslash escapes come out as the characters
// they stand for, not as HTML, since every caller escapes the text again
// (search snippets, "On this page", alt text, table labels).
func TestPlainTextResolvesEntities(t *testing.T) {
	c := New(Options{})
	for _, tt := range []struct{ md, want string }{
		{"Rotherham's plan", "Rotherham’s plan"},
		{`"Front door" -- 2023--24... <<x>>`, "“Front door” – 2023–24… «x»"},
		{"Fish &amp; chips &copy; &#8212; &#x2014;", "Fish & chips © — —"},
		{`\*not emphasis\* and a \\ backslash`, "*not emphasis* and a \\ backslash"},
		{"`&amp; \\* in code`", `&amp; \* in code`},
	} {
		d := c.Parse([]byte(tt.md), 0)
		if got := PlainText(d.Root, d.Source); got != tt.want {
			t.Errorf("PlainText(%q) = %q, want %q", tt.md, got, tt.want)
		}
	}
	d := c.Parse([]byte("## Rotherham's partners\n\n![The board's chair](x.png)\n"), 0)
	if got := d.Headings[0].Text; got != "Rotherham’s partners" {
		t.Errorf("heading text %q, want Rotherham’s partners", got)
	}
	if got := d.Links[0].Alt; got != "The board’s chair" {
		t.Errorf("alt text %q, want The board’s chair", got)
	}
}
