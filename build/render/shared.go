package render

import (
	"bytes"
	"html/template"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/rscp/handbook/build/site"
)

// The parts of a page that many pages have in common (the header and
// footer, the asset links, the breadcrumbs, the side navigation's links)
// are rendered once from the theme's templates and reused, instead of
// being executed, with html/template's escaping, for every page. A theme
// overrides them as any other template: they are only executed less often,
// with a smaller view (Chrome, Trail, NavLink) that holds all they depend
// on, so that a template using anything else fails instead of showing one
// page's details on another.
//
// They depend only on the site's tree, titles and configuration, which a
// page edit (site.PageEdit) does not change, so they are kept as long as
// the theme.

// chrome is what the templates rendered with View.Shared see: they are
// rendered once per site and section, not once per page.
type chrome struct {
	Site      *site.Site
	Section   *site.Page // the top-level section being read; nil outside one
	OnSection bool       // the page being read is the section's own page
	Asset     func(string) string
	Help      helpRoute // the same for every page of a site
}

// trail is what the "breadcrumbs" template sees: it is rendered once per
// parent page.
type trail struct {
	Site        *site.Site
	Breadcrumbs []*site.Page

	theme *Theme
	set   *template.Template // the set "breadcrumbs" is executed from
}

// Links is the "breadcrumb-link" template of each page of the trail,
// each rendered once for all the trails it is in: the pages below a
// section share its link, and a history page, whose trail no other page
// has, renders only the link to its own page.
func (tr trail) Links() (template.HTML, error) {
	return tr.theme.links(tr.set, tr.Site, "breadcrumb-link", tr.Breadcrumbs)
}

// navLink is what the "sidenav-link", "related-link" and
// "breadcrumb-link" templates see: one link to a page, rendered once per
// page linked for every page that lists it.
type navLink struct {
	Site    *site.Site
	Page    *site.Page // the page linked
	Current bool       // the page being read
}

// sharedKey names a shared part: a template of a template set (a layout
// file may redefine any template: see layout.part) for a site, and what
// else it depends on.
type sharedKey struct {
	tmpl *template.Template
	site *site.Site
	name string
	page *site.Page // the section, the parent or the side navigation's section
	flag bool
}

// sharedEntry is rendered once, by the first page that needs it.
type sharedEntry struct {
	once sync.Once
	done atomic.Bool // val and err are set
	val  any
	err  error
}

// lookup returns the part named by k when it has been rendered.
// Checking first saves making the closure and view that rendering it
// would need, on nearly every call.
func (t *Theme) lookup(k sharedKey) (val any, ok bool, err error) {
	if k.page != nil && k.page.File == "" {
		return nil, false, nil
	}
	t.partsMu.RLock()
	entry := t.parts[k]
	t.partsMu.RUnlock()
	if entry == nil || !entry.done.Load() {
		return nil, false, nil
	}
	return entry.val, true, entry.err
}

// shared returns the part named by k, calling render the first time.
func (t *Theme) shared(k sharedKey, render func() (any, error)) (any, error) {
	if k.page != nil && k.page.File == "" {
		// A generated page (history, change) is made afresh each time it
		// is rendered: keeping its parts would only grow the cache.
		return render()
	}
	// A map behind a lock, not a sync.Map: looking a key up in it boxes
	// nothing, and nearly every lookup finds the part.
	t.partsMu.RLock()
	entry := t.parts[k]
	t.partsMu.RUnlock()
	if entry == nil {
		t.partsMu.Lock()
		if entry = t.parts[k]; entry == nil {
			entry = &sharedEntry{}
			t.parts[k] = entry
		}
		t.partsMu.Unlock()
	}
	entry.once.Do(func() {
		entry.val, entry.err = render()
		entry.done.Store(true)
	})
	return entry.val, entry.err
}

// sharedHTML returns template k.name of k.tmpl executed with data, once
// per key.
func (t *Theme) sharedHTML(k sharedKey, data any) (template.HTML, error) {
	h, err := t.shared(k, func() (any, error) { return executeHTML(k.tmpl, k.name, data) })
	if err != nil {
		return "", err
	}
	return h.(template.HTML), nil
}

// cachedHTML is sharedHTML when the part has been rendered already.
func (t *Theme) cachedHTML(k sharedKey) (template.HTML, bool, error) {
	h, ok, err := t.lookup(k)
	if !ok || err != nil {
		return "", ok, err
	}
	return h.(template.HTML), true, nil
}

func executeHTML(tmpl *template.Template, name string, data any) (template.HTML, error) {
	// A pooled buffer, then one string of the right size: a new
	// strings.Builder grows several times for each small part.
	buf := buffers.Get().(*bytes.Buffer)
	defer buffers.Put(buf)
	buf.Reset()
	if err := tmpl.ExecuteTemplate(buf, name, data); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil
}

// Shared is the template name rendered with the page's Chrome, once for
// all the pages of the site in the same section.
func (v *view) Shared(name string) (template.HTML, error) {
	on := v.OnSection()
	k := sharedKey{tmpl: v.layout.part(name), site: v.Site, name: name, page: v.Section, flag: on}
	if h, ok, err := v.theme.cachedHTML(k); ok {
		return h, err
	}
	return v.theme.sharedHTML(k, chrome{Site: v.Site, Section: v.Section, OnSection: on, Asset: v.Asset, Help: v.helpRoute()})
}

// OnSection reports whether the page is its top-level section's own page.
func (v *view) OnSection() bool { return v.Section != nil && v.Section.URL == v.Page.URL }

// BreadcrumbNav is the "breadcrumbs" template rendered with the page's
// Trail, once for all the pages with the same parent.
func (v *view) BreadcrumbNav() (template.HTML, error) {
	set := v.layout.part("breadcrumbs")
	k := sharedKey{tmpl: set, site: v.Site, name: "breadcrumbs", page: v.Page.Parent}
	if h, ok, err := v.theme.cachedHTML(k); ok {
		return h, err
	}
	return v.theme.sharedHTML(k, trail{Site: v.Site, Breadcrumbs: v.Breadcrumbs, theme: v.theme, set: set})
}

// SideNav is the side navigation of the page: its section's pages around
// it; nil when there is none, and on a section's own page. Links holds
// the "sidenav-link" template of each page listed.
func (v *view) SideNav() (*sideNavView, error) {
	p := v.Page
	// A section's own page lists its pages in its body: the side
	// navigation would list them a second time.
	if p.IsSection {
		return nil, nil
	}
	section := p.Parent
	if section == nil || section.IsHome() || len(section.Children) == 0 {
		return nil, nil
	}
	nav := sideNav(section, p)
	// Every page of the section, not current: rendered once per section.
	k := sharedKey{tmpl: v.layout.part("sidenav-link"), site: v.Site, name: "sidenav-link", page: section}
	all, ok, err := v.theme.lookup(k)
	if !ok {
		all, err = v.theme.sharedLinks(k, section, v.Site)
	}
	if err != nil {
		return nil, err
	}
	links := all.([]template.HTML)[nav.start : nav.start+len(nav.Pages)]
	var b strings.Builder
	n := 0
	for _, l := range links {
		n += len(l)
	}
	b.Grow(n + len(` aria-current="page"`))
	for i, k := range nav.Pages {
		if k.URL == p.URL {
			h, err := executeHTML(v.layout.part("sidenav-link"), "sidenav-link", navLink{Site: v.Site, Page: k, Current: true})
			if err != nil {
				return nil, err
			}
			b.WriteString(string(h))
			continue
		}
		b.WriteString(string(links[i]))
	}
	nav.Links = template.HTML(b.String())
	return &nav, nil
}

// RelatedLinks is the "related-link" template of each of the page's
// related pages, each rendered once for every page that lists it.
func (v *view) RelatedLinks() (template.HTML, error) {
	return v.theme.links(v.layout.part("related-link"), v.Site, "related-link", v.Page.RelatedPages)
}

// links is template name of set executed with the NavLink of each of
// pages, once per page linked, one after the other.
func (t *Theme) links(set *template.Template, s *site.Site, name string, pages []*site.Page) (template.HTML, error) {
	if len(pages) == 0 {
		return "", nil
	}
	links := make([]template.HTML, len(pages))
	n := 0
	for i, p := range pages {
		k := sharedKey{tmpl: set, site: s, name: name, page: p}
		h, ok, err := t.cachedHTML(k)
		if !ok {
			h, err = t.sharedHTML(k, navLink{Site: s, Page: p})
		}
		if err != nil {
			return "", err
		}
		links[i] = h
		n += len(h)
	}
	var b strings.Builder
	b.Grow(n)
	for _, l := range links {
		b.WriteString(string(l))
	}
	return template.HTML(b.String()), nil
}

// sharedLinks renders the "sidenav-link" of every page of section, not
// current: once per section.
func (t *Theme) sharedLinks(k sharedKey, section *site.Page, s *site.Site) (any, error) {
	return t.shared(k, func() (any, error) {
		links := make([]template.HTML, len(section.Children))
		for i, p := range section.Children {
			h, err := executeHTML(k.tmpl, "sidenav-link", navLink{Site: s, Page: p})
			if err != nil {
				return nil, err
			}
			links[i] = h
		}
		return links, nil
	})
}
