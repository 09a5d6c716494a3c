package build

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"

	"github.com/rscp/handbook/bench/corpus"
	"github.com/rscp/handbook/build/markdown"
	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/build/source"
	"github.com/rscp/handbook/search"
)

// TestSearchDocsAsBefore checks that SearchDocs, which writes each page's
// plain text once and makes its sections parts of its body, gives the
// documents made from markdown.PlainText a string at a time (refSearchDocs,
// the code it replaced), on the default site and on generated pages of
// every type.
func TestSearchDocsAsBefore(t *testing.T) {
	for name, s := range testSites(t) {
		t.Run(name, func(t *testing.T) {
			got, want := SearchDocs(s), refSearchDocs(s)
			if len(got) != len(want) {
				t.Fatalf("%d docs, want %d", len(got), len(want))
			}
			for i := range want {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Errorf("doc %s:\n got %+v\nwant %+v", want[i].URL, got[i], want[i])
				}
			}
			t.Logf("%d docs compared", len(want))
		})
	}
}

// testSites are the default site and, unless -short, 300 generated pages
// of every type (two units of the search index).
func testSites(t *testing.T) map[string]*site.Site {
	t.Helper()
	dirs := map[string]string{"default": ".."}
	if !testing.Short() {
		dir := filepath.Join(t.TempDir(), "site")
		if err := corpus.Generate(dir, 300); err != nil {
			t.Fatal(err)
		}
		dirs["generated"] = dir
	}
	sites := map[string]*site.Site{}
	for name, dir := range dirs {
		in, diags := source.Load(os.DirFS(dir))
		if err := diags.Err(); err != nil {
			t.Fatal(err)
		}
		s, diags := site.New(in, site.Options{})
		if err := diags.Err(); err != nil {
			t.Fatal(err)
		}
		sites[name] = s
	}
	return sites
}

// TestSearchIndexFiles checks that the index handbook build makes, lending
// each document to the index while it is analysed (searchIndexFiles), is
// the one search.Build makes of SearchDocs: the same side files, segments
// of the same size, the same answers.
func TestSearchIndexFiles(t *testing.T) {
	queries := []string{"escalation", "CSE", "level 3", "missing from education", "escalaton", `"core group"`,
		"neglect -domestic", "early help assessment", "significant harm", "strategy meeting", "MASH phone number"}
	for name, s := range testSites(t) {
		t.Run(name, func(t *testing.T) {
			files, _, err := searchIndexFiles(s, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := filepath.Join(t.TempDir(), "got")
			for _, f := range files {
				p := filepath.Join(got, filepath.FromSlash(f.Path))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want := filepath.Join(t.TempDir(), "want")
			if err := search.Build(want, SearchDocs(s), Synonyms(s)); err != nil {
				t.Fatal(err)
			}
			for _, f := range files {
				name := f.Path
				data, err := os.ReadFile(filepath.Join(want, filepath.FromSlash(name)))
				if err != nil {
					t.Fatal(err)
				}
				if strings.HasPrefix(name, "store/") && len(data) != len(f.Data) || !strings.HasPrefix(name, "store/") && !bytes.Equal(data, f.Data) {
					t.Errorf("%s differs from search.Build's", name)
				}
			}
			gotIx, err := search.Open(got)
			if err != nil {
				t.Fatal(err)
			}
			defer gotIx.Close()
			wantIx, err := search.Open(want)
			if err != nil {
				t.Fatal(err)
			}
			defer wantIx.Close()
			for _, q := range queries {
				g, err1 := gotIx.Search(context.Background(), search.Query{Text: q, Limit: 20})
				w, err2 := wantIx.Search(context.Background(), search.Query{Text: q, Limit: 20})
				if err1 != nil || err2 != nil || !reflect.DeepEqual(g, w) {
					t.Errorf("%q: %v %v\n got %+v\nwant %+v", q, err1, err2, g, w)
				}
			}
		})
	}
}

// refSearchDocs is build.SearchDocs as it was, with a string per section.
func refSearchDocs(s *site.Site) []search.Doc {
	var docs []search.Doc
	for _, p := range s.Pages {
		if p.Draft() || p.Withdrawn() || p.URL == "/search/" {
			continue
		}
		d := search.Doc{
			URL:      s.Link(p.URL),
			Title:    p.Title,
			Summary:  p.Summary,
			Type:     p.Type,
			Audience: p.Audience,
			Version:  "current",
		}
		if d.Type == "" {
			d.Type = "page"
		}
		if anc := p.Ancestors(); len(anc) > 1 {
			d.Section = anc[1].Title
		} else if p.IsSection && !p.IsHome() {
			d.Section = p.Title
		}
		d.Headings = append(structuredSections(s, p), refBodySections(p.Body)...)
		var body strings.Builder
		body.WriteString(markdown.PlainText(p.Body.Root, p.Body.Source))
		for _, h := range d.Headings {
			if !strings.Contains(body.String(), h.Body) {
				body.WriteByte('\n')
				body.WriteString(h.Text)
				body.WriteByte('\n')
				body.WriteString(h.Body)
			}
		}
		d.Body = body.String()
		if t := p.Threshold; t != nil {
			d.Level = t.Level
		}
		if strings.TrimSpace(d.Body) == "" && d.Summary == "" && len(d.Headings) == 0 && !p.IsSection {
			continue
		}
		docs = append(docs, d)
	}
	return docs
}

func refBodySections(doc *markdown.Doc) []search.Heading {
	var out []search.Heading
	var cur *search.Heading
	var text strings.Builder
	flush := func() {
		if cur != nil {
			cur.Body = strings.TrimSpace(text.String())
			out = append(out, *cur)
		}
		text.Reset()
	}
	for n := doc.Root.FirstChild(); n != nil; n = n.NextSibling() {
		if h, ok := n.(*ast.Heading); ok && h.Level <= 3 {
			flush()
			id, _ := h.AttributeString("id")
			anchor, _ := id.([]byte)
			cur = &search.Heading{Anchor: string(anchor), Text: markdown.PlainText(h, doc.Source)}
			continue
		}
		text.WriteString(markdown.PlainText(n, doc.Source))
		text.WriteByte('\n')
	}
	flush()
	return out
}
