package build

import (
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
	sites := map[string]string{"default": ".."}
	if !testing.Short() {
		dir := filepath.Join(t.TempDir(), "site")
		if err := corpus.Generate(dir, 300); err != nil {
			t.Fatal(err)
		}
		sites["generated"] = dir
	}
	for name, dir := range sites {
		t.Run(name, func(t *testing.T) {
			in, diags := source.Load(os.DirFS(dir))
			if err := diags.Err(); err != nil {
				t.Fatal(err)
			}
			s, diags := site.New(in, site.Options{})
			if err := diags.Err(); err != nil {
				t.Fatal(err)
			}
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
