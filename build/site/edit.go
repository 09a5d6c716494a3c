package site

import (
	"maps"
	"reflect"

	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/markdown"
)

// BodyEdit is a new version of one page of a built site that changes
// only the page's Markdown: its front matter, and so its place in the
// site, its title and everything other pages show of it, is the same.
// The dev server applies such an edit to the model it already has and
// renders that one page again, instead of rebuilding the site.
type BodyEdit struct {
	page      *Page
	body      *markdown.Doc
	boxBodies []*markdown.Doc
}

// PrepareBodyEdit checks fresh, a new reading of page p's file, against p.
// It reports ok false when more than the Markdown body changed (the front
// matter, or the anchors other pages may link to): then only a whole build
// is right. Otherwise it resolves the new body's links and acronyms as New
// does, without touching p, and returns the edit with the problems of the
// new body. p must be a page of s.
func (s *Site) PrepareBodyEdit(p, fresh *Page) (e *BodyEdit, diags *diag.List, ok bool) {
	if p == nil || fresh == nil || !sameFrontMatter(p, fresh) {
		return nil, nil, false
	}
	if !maps.Equal(Anchors(p), Anchors(fresh)) {
		return nil, nil, false
	}
	// What New does with a body, in the same order.
	diags = &diag.List{}
	for _, doc := range append([]*markdown.Doc{fresh.Body}, fresh.BoxBodies...) {
		s.resolveContacts(p, doc, diags)
	}
	for _, doc := range append([]*markdown.Doc{fresh.Body}, fresh.BoxBodies...) {
		s.resolveLinks(p, doc, diags)
	}
	s.glossary().expand(p, fresh.Body, fresh.BoxBodies)
	return &BodyEdit{page: p, body: fresh.Body, boxBodies: fresh.BoxBodies}, diags, true
}

// Page is the page the edit changes.
func (e *BodyEdit) Page() *Page { return e.page }

// Apply puts the new body in place of the page's.
func (e *BodyEdit) Apply() {
	e.page.Body, e.page.BoxBodies = e.body, e.boxBodies
}

// sameFrontMatter reports whether fresh, just read from the file of p,
// has the front matter p was built from. The model sets only a missing
// id, from the address (see index).
func sameFrontMatter(p, fresh *Page) bool {
	meta := fresh.Meta
	if meta.ID == "" {
		meta.ID = defaultID(fresh.URL)
	}
	return p.File == fresh.File && p.URL == fresh.URL && p.IsSection == fresh.IsSection &&
		reflect.DeepEqual(p.Meta, meta) &&
		reflect.DeepEqual(p.Arrangement, fresh.Arrangement) &&
		reflect.DeepEqual(p.Threshold, fresh.Threshold) &&
		reflect.DeepEqual(p.Briefing, fresh.Briefing) &&
		reflect.DeepEqual(p.Procedure, fresh.Procedure) &&
		reflect.DeepEqual(p.Report, fresh.Report) &&
		maps.Equal(p.FieldLines, fresh.FieldLines)
}
