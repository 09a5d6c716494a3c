package build

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"

	"github.com/rscp/handbook/build/markdown"
	"github.com/rscp/handbook/build/output"
	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/search"
)

// SearchIndexDir is where the search index goes in the built site. The dev
// server, `handbook search` and the Netlify function all open it there.
const SearchIndexDir = "_search/index.bleve"

// searchIndexFiles builds the search index of the current edition from
// the same pages the site shows, and returns its files for the output.
func searchIndexFiles(s *site.Site) ([]output.File, error) {
	tmp, err := os.MkdirTemp("", "handbook-index-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "index.bleve")
	if err := search.Build(dir, SearchDocs(s), Synonyms(s)); err != nil {
		return nil, err
	}
	var files []output.File
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files = append(files, output.File{Path: path.Join(SearchIndexDir, filepath.ToSlash(rel)), Data: b})
		return nil
	})
	return files, err
}

// Synonyms are the glossary's acronyms and aliases, for the search index.
func Synonyms(s *site.Site) []search.Synonym {
	var out []search.Synonym
	for _, t := range s.Glossary {
		if t.Acronym == "" && len(t.Aliases) == 0 {
			continue
		}
		out = append(out, search.Synonym{Acronym: t.Acronym, Term: t.Term, Aliases: t.Aliases})
	}
	return out
}

// SearchDocs turns the pages readers can find into search documents:
// drafts, withdrawn pages and pages with nothing to read are left out.
func SearchDocs(s *site.Site) []search.Doc {
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
		d.Headings = append(structuredSections(s, p), bodySections(p.Body)...)
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

// bodySections splits a page body at its h2 and h3 headings.
func bodySections(doc *markdown.Doc) []search.Heading {
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

// structuredSections indexes what a page's template shows from its front
// matter, with the anchors the template gives it.
func structuredSections(s *site.Site, p *site.Page) []search.Heading {
	var out []search.Heading
	if t := p.Threshold; t != nil {
		intro := "Level " + strconv.Itoa(t.Level) + ": " + t.Label + "\n" + t.Response + "\n" + t.LegalBasis
		out = append(out, search.Heading{Anchor: "", Text: t.Label, Body: intro})
		for _, d := range site.Domains(t) {
			var items []string
			for _, i := range d.Items {
				items = append(items, i.Text)
			}
			if len(items) > 0 {
				out = append(out, search.Heading{Anchor: d.ID, Text: d.Title, Body: strings.Join(items, "\n")})
			}
		}
	}
	if pr := p.Procedure; pr != nil {
		for i, st := range pr.Stages {
			out = append(out, search.Heading{
				Anchor: "route-stage-" + strconv.Itoa(i+1),
				Text:   "Stage " + strconv.Itoa(i+1) + ": " + st.Who,
				Body:   st.Timescale + "\n" + st.Action,
			})
		}
	}
	if b := p.Briefing; b != nil {
		for i, box := range b.Boxes {
			out = append(out, search.Heading{Anchor: "box-" + strconv.Itoa(i+1), Text: box.Heading, Body: box.Body})
		}
		if len(b.Questions) > 0 {
			out = append(out, search.Heading{Anchor: "hb-questions", Text: "Questions for your team", Body: strings.Join(b.Questions, "\n")})
		}
	}
	switch p.Layout {
	case "glossary":
		for _, t := range s.Glossary {
			title := t.Term
			if t.Acronym != "" {
				title = t.Acronym + ": " + t.Term
			}
			out = append(out, search.Heading{Anchor: t.Anchor(), Text: title, Body: t.Definition + "\n" + strings.Join(t.Aliases, ", ")})
		}
	case "contacts":
		for _, c := range s.Contacts {
			body := strings.Join([]string{c.Phone, c.Email, c.Hours, c.Notes}, "\n")
			out = append(out, search.Heading{Anchor: c.ID, Text: c.Service, Body: body})
		}
	}
	return out
}
