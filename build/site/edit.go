package site

import (
	"maps"
	"slices"

	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/markdown"
)

// PageEdit is a new version of one page of a built site that changes
// nothing other pages show of it at once: its place in the site, its title
// and the anchors links point to are the same. Its Markdown and the rest
// of its front matter (summary, owner, review dates, related pages, a
// procedure's stages…) may change. The dev server applies such an edit to
// the model it already has and renders that one page again, instead of
// rebuilding the site; a whole build follows to bring the pages that list
// it up to date.
type PageEdit struct {
	page  *Page
	fresh *Page
}

// PrepareEdit checks fresh, a new reading of page p's file, against p.
// It reports ok false when the edit changes what other pages show of p
// (see sameSiteWide) or the anchors other pages may link to: then only a
// whole build is right. Otherwise it resolves the new version's
// references, links and acronyms and checks it as New does, without
// touching p, and returns the edit with its problems. p must be a page of
// s.
func (s *Site) PrepareEdit(p, fresh *Page) (e *PageEdit, diags *diag.List, ok bool) {
	if p == nil || fresh == nil || !sameSiteWide(p, fresh) {
		return nil, nil, false
	}
	if !maps.Equal(Anchors(p), Anchors(fresh)) {
		return nil, nil, false
	}
	if fresh.ID == "" {
		fresh.ID = p.ID // the address's, as index sets it
	}
	// What New does with one page, in the same order.
	diags = &diag.List{}
	fresh.RelatedPages = s.relatedPages(fresh, diags)
	s.checkReferences(fresh, diags)
	for _, doc := range append([]*markdown.Doc{fresh.Body}, fresh.BoxBodies...) {
		s.resolveContacts(p, doc, diags)
	}
	for _, doc := range append([]*markdown.Doc{fresh.Body}, fresh.BoxBodies...) {
		s.resolveLinks(p, doc, diags)
	}
	checkPage(fresh, diags)
	s.glossary().expand(p, fresh.Body, fresh.BoxBodies)
	return &PageEdit{page: p, fresh: fresh}, diags, true
}

// Page is the page the edit changes.
func (e *PageEdit) Page() *Page { return e.page }

// Apply puts the new version in place of the page's: the page keeps its
// identity, which the other pages and the model's indexes point to.
func (e *PageEdit) Apply() {
	p, f := e.page, e.fresh
	p.Meta = f.Meta
	p.Arrangement, p.Threshold, p.Briefing, p.Procedure, p.Report = f.Arrangement, f.Threshold, f.Briefing, f.Procedure, f.Report
	p.Body, p.BoxBodies = f.Body, f.BoxBodies
	p.FieldLines = f.FieldLines
	p.RelatedPages = f.RelatedPages
}

// sameSiteWide reports whether fresh, just read from the file of p, leaves
// unchanged what other pages and the site's own files show of p: its
// address, title and place in the navigation (short title, weight), its
// id (links by id, the version switcher), its status (lists leave drafts
// and withdrawn pages out), its type (which lists it is in), its aliases
// (redirects) and its changes (the page's history, and the site's
// amendments log and feed). The model sets only a missing id, from the
// address (see index).
func sameSiteWide(p, fresh *Page) bool {
	id := fresh.ID
	if id == "" {
		id = defaultID(fresh.URL)
	}
	return p.File == fresh.File && p.URL == fresh.URL && p.IsSection == fresh.IsSection &&
		p.Title == fresh.Title && p.ShortTitle == fresh.ShortTitle && p.Weight == fresh.Weight &&
		p.ID == id && p.Status == fresh.Status && p.Type == fresh.Type &&
		slices.Equal(p.Aliases, fresh.Aliases) && slices.Equal(p.Changes, fresh.Changes)
}
