// Package searchdocs turns the model into the search index's documents:
// one per page a reader can find, with the text the page shows, its
// sections (body headings and what its template makes of front matter:
// threshold indicators, procedure stages, briefing boxes, glossary terms,
// contacts) and the glossary's and editors' synonyms. It reads the model
// and nothing else; package search indexes what it makes.
package searchdocs

import (
	"bytes"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unsafe"

	"github.com/yuin/goldmark/ast"

	"github.com/rscp/handbook/build/markdown"
	"github.com/rscp/handbook/build/output"
	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/search"
)

// Index builds the search index of the current edition from the same
// pages the site shows, and returns its files, with paths relative to the
// index folder, and the static search data made from it, which is
// published: its paths are relative to the site.
// Each page's search document is made while the index is built, on its
// goroutines, and dropped once analysed: the text of every page is never
// held at once (Docs would hold it all). done, when not nil, is called
// with each page once its document is made.
func Index(s *site.Site, done func(*site.Page)) (index, published []output.File, err error) {
	var pages []*site.Page
	var urls []string
	for _, p := range s.Pages {
		if Searchable(p) {
			pages = append(pages, p)
			urls = append(urls, s.Link(p.URL))
		}
	}
	scratch := sync.Pool{New: func() any { return &docMaker{lend: true} }}
	files, err := search.BuildFiles(urls, func(i int, index func(search.Doc)) {
		m := scratch.Get().(*docMaker)
		defer scratch.Put(m)
		d, ok := m.doc(s, pages[i])
		if done != nil {
			done(pages[i])
		}
		if ok {
			index(d)
		}
	}, Synonyms(s))
	if err != nil {
		return nil, nil, err
	}
	static, err := search.Static(files)
	if err != nil {
		return nil, nil, err
	}
	index = make([]output.File, len(files))
	for i, f := range files {
		index[i] = output.File{Path: f.Name, Data: f.Data}
	}
	for _, f := range static {
		published = append(published, output.File{Path: path.Join(search.StaticDir, f.Name), Data: f.Data})
	}
	return index, published, nil
}

// Synonyms are the glossary's acronyms and aliases and the editors'
// groups of data/synonyms.yaml, for the search index. A group that shares
// a word with a glossary entry (or an earlier group) adds its words to it:
// the query expands a word with one group only.
func Synonyms(s *site.Site) []search.Synonym {
	var all []search.Synonym
	at := map[string]int{} // site.SynonymKey of every word: its entry in all
	add := func(i int, words ...string) {
		for _, w := range words {
			if k := site.SynonymKey(w); k != "" {
				if _, ok := at[k]; !ok {
					at[k] = i
				}
			}
		}
	}
	for _, t := range s.Glossary {
		all = append(all, search.Synonym{Acronym: t.Acronym, Term: t.Term, Aliases: t.Aliases})
		add(len(all)-1, append([]string{t.Acronym, t.Term}, t.Aliases...)...)
	}
	for _, g := range s.Synonyms {
		if len(g.Words) == 0 {
			continue
		}
		i := -1
		for _, w := range g.Words {
			if j, ok := at[site.SynonymKey(w)]; ok {
				i = j
				break
			}
		}
		if i < 0 {
			all = append(all, search.Synonym{Term: g.Words[0], Aliases: append([]string(nil), g.Words[1:]...)})
			add(len(all)-1, g.Words...)
			continue
		}
		for _, w := range g.Words {
			if _, ok := at[site.SynonymKey(w)]; !ok {
				all[i].Aliases = append(slices.Clip(all[i].Aliases), w)
				add(i, w)
			}
		}
	}
	var out []search.Synonym
	for _, syn := range all {
		if syn.Acronym != "" || len(syn.Aliases) > 0 {
			out = append(out, syn)
		}
	}
	return out
}

// Docs turns the pages readers can find into search documents: drafts,
// withdrawn pages and pages with nothing to read are left out.
func Docs(s *site.Site) []search.Doc {
	var docs []search.Doc
	var m docMaker
	for _, p := range s.Pages {
		if !Searchable(p) {
			continue
		}
		if d, ok := m.doc(s, p); ok {
			docs = append(docs, d)
		}
	}
	return docs
}

// Searchable reports whether p may be a search document: Index reads
// the pages it accepts, and no others.
func Searchable(p *site.Page) bool {
	return !p.Draft() && !p.Withdrawn() && p.URL != "/search/"
}

// docMaker makes search documents, reusing its buffers from one page to
// the next. Not safe for concurrent use.
type docMaker struct {
	// lend: a document's body (and its sections' texts) is the body
	// buffer itself, valid until the next document is made, instead of a
	// copy. search.BuildFiles keeps nothing of a document once it is
	// analysed; Docs keeps them all.
	lend bool

	plain []byte    // the body's top-level blocks as plain text, untrimmed
	parts [][2]int  // each block's span in plain
	body  []byte    // the document's body as it is made
	sec   []byte    // a body section's text
	at    [][2]int  // where each heading's text and body are in body
	heads []bodyRef // the body's h2/h3 sections
}

// bodyRef is a section of the body: its heading block and its blocks, as
// indices of docMaker.parts.
type bodyRef struct {
	anchor      string
	head        int
	first, last int // its blocks: parts[first:last]
}

// doc makes p's search document. Its body is one string, and the text of
// every section (and of body sections' headings) is a part of it, so a
// page's text is held once. The body is the page's plain text
// (markdown.PlainText), then, for each section whose text is not in it so
// far, a newline, the section's heading, a newline and its text; a body
// section's text is the plain text of its blocks, each trimmed and ended
// with a newline, trimmed.
func (m *docMaker) doc(s *site.Site, p *site.Page) (search.Doc, bool) {
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
	if t := p.Threshold; t != nil {
		d.Level = t.Level
	}
	structured := structuredSections(s, p)

	// The plain text of each top-level block, written once.
	m.plain, m.parts, m.heads = m.plain[:0], m.parts[:0], m.heads[:0]
	doc := p.Body
	cur := -1 // of m.heads
	for n := doc.Root.FirstChild(); n != nil; n = n.NextSibling() {
		start := len(m.plain)
		m.plain = markdown.AppendPlain(m.plain, n, doc.Source)
		m.parts = append(m.parts, [2]int{start, len(m.plain)})
		i := len(m.parts) - 1
		if h, ok := n.(*ast.Heading); ok && h.Level <= 3 {
			if cur >= 0 {
				m.heads[cur].last = i
			}
			id, _ := h.AttributeString("id")
			anchor, _ := id.([]byte)
			m.heads = append(m.heads, bodyRef{anchor: string(anchor), head: i, first: i + 1, last: i + 1})
			cur = len(m.heads) - 1
		}
	}
	if cur >= 0 {
		m.heads[cur].last = len(m.parts)
	}

	// The body, with the sections not in it added, and where each
	// section's heading and text are in it.
	m.body = append(m.body[:0], bytes.TrimSpace(m.plain)...)
	m.at = m.at[:0]
	add := func(heading []byte, text []byte) {
		if i := bytes.Index(m.body, text); i >= 0 {
			m.at = append(m.at, [2]int{-1, i}, [2]int{i, i + len(text)})
			return
		}
		m.body = append(m.body, '\n')
		hs := len(m.body)
		m.body = append(m.body, heading...)
		m.body = append(m.body, '\n')
		ts := len(m.body)
		m.body = append(m.body, text...)
		m.at = append(m.at, [2]int{hs, hs + len(heading)}, [2]int{ts, len(m.body)})
	}
	for _, h := range structured {
		add([]byte(h.Text), []byte(h.Body))
	}
	for _, h := range m.heads {
		m.sec = m.sec[:0]
		for _, sp := range m.parts[h.first:h.last] {
			m.sec = append(m.sec, bytes.TrimSpace(m.plain[sp[0]:sp[1]])...)
			m.sec = append(m.sec, '\n')
		}
		sp := m.parts[h.head]
		add(bytes.TrimSpace(m.plain[sp[0]:sp[1]]), bytes.TrimSpace(m.sec))
	}
	if m.lend {
		d.Body = unsafe.String(unsafe.SliceData(m.body), len(m.body))
	} else {
		d.Body = string(m.body)
	}
	if len(structured)+len(m.heads) > 0 {
		d.Headings = make([]search.Heading, 0, len(structured)+len(m.heads))
	}
	for i, h := range structured {
		t := m.at[2*i+1]
		d.Headings = append(d.Headings, search.Heading{Anchor: h.Anchor, Text: h.Text, Body: d.Body[t[0]:t[1]]})
	}
	trimmed := len(m.plain) - len(bytes.TrimLeftFunc(m.plain, unicode.IsSpace)) // off the start of the body
	for i, h := range m.heads {
		hd, t := m.at[2*(len(structured)+i)], m.at[2*(len(structured)+i)+1]
		var text string
		if hd[0] >= 0 {
			text = d.Body[hd[0]:hd[1]]
		} else {
			// The heading's text is in the page's plain text, which
			// starts the body: take it from there.
			sp := m.parts[h.head]
			ht := bytes.TrimSpace(m.plain[sp[0]:sp[1]])
			if len(ht) > 0 {
				off := sp[0] + bytes.Index(m.plain[sp[0]:sp[1]], ht) - trimmed
				text = d.Body[off : off+len(ht)]
			}
		}
		d.Headings = append(d.Headings, search.Heading{Anchor: h.anchor, Text: text, Body: d.Body[t[0]:t[1]]})
	}
	if strings.TrimSpace(d.Body) == "" && d.Summary == "" && len(d.Headings) == 0 && !p.IsSection {
		return search.Doc{}, false
	}
	return d, true
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
