// Package render turns the site model into the files of the built site,
// using the theme's html/template files. It never writes to disk.
package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/rscp/handbook/build/markdown"
	"github.com/rscp/handbook/build/output"
	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/internal/par"
)

// Theme is a parsed theme: one template set per layout, and its static files.
type Theme struct {
	layouts map[string]*layout
	static  []output.File // files under static/, at their output paths
	// AssetDir is where the static files go: "assets/<hash>/", so that a
	// changed file gets a new URL and browsers can cache them for a year.
	AssetDir string
	// parts are the parts many pages share, rendered once (see Chrome).
	parts   map[sharedKey]*sharedEntry
	partsMu sync.RWMutex
	// snippets are contact cards and inline Markdown (see snippet).
	snippets   map[snippetKey]template.HTML
	snippetsMu sync.RWMutex
	sites      sync.Map // *site.Site → *siteData
}

// Layouts every theme must have.
var requiredLayouts = []string{"page", "home", "section", "404", "search"}

// LoadTheme parses the templates in fsys (a theme folder holding
// templates/ and static/). Templates are parsed once per build.
func LoadTheme(fsys fs.FS) (*Theme, error) {
	t := &Theme{layouts: map[string]*layout{}, parts: map[sharedKey]*sharedEntry{}, snippets: map[snippetKey]template.HTML{}}
	if err := t.loadStatic(fsys); err != nil {
		return nil, err
	}
	base := template.New("").Funcs(baseFuncs(t))
	partials, err := fs.Glob(fsys, "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range append([]string{"templates/baseof.html"}, partials...) {
		if err := parseFile(base, fsys, name); err != nil {
			return nil, err
		}
	}
	layouts, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range layouts {
		layoutName := strings.TrimSuffix(path.Base(name), ".html")
		if layoutName == "baseof" {
			continue
		}
		tmpl, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if err := parseFile(tmpl, fsys, name); err != nil {
			return nil, err
		}
		t.layouts[layoutName] = newLayout(tmpl, base, name)
	}
	for _, l := range requiredLayouts {
		if t.layouts[l] == nil {
			return nil, fmt.Errorf("theme has no templates/%s.html", l)
		}
	}
	return t, nil
}

// parseFile parses one template file, naming the file in any error.
func parseFile(t *template.Template, fsys fs.FS, name string) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	if _, err := t.New(name).Parse(string(b)); err != nil {
		return fmt.Errorf("themes/…/%s", strings.TrimPrefix(err.Error(), "template: "))
	}
	return nil
}

func (t *Theme) loadStatic(fsys fs.FS) error {
	var files []output.File
	h := sha256.New()
	err := fs.WalkDir(fsys, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, "static/")
		h.Write([]byte(rel))
		h.Write(b)
		files = append(files, output.File{Path: rel, Data: b})
		return nil
	})
	if err != nil {
		return fmt.Errorf("theme static files: %w", err)
	}
	var css bytes.Buffer
	if err := markdown.WriteCodeCSS(&css); err != nil {
		return err
	}
	h.Write(css.Bytes())
	files = append(files, output.File{Path: "css/chroma.css", Data: css.Bytes()})
	t.AssetDir = "assets/" + hex.EncodeToString(h.Sum(nil))[:10] + "/"
	for i := range files {
		files[i].Path = t.AssetDir + files[i].Path
	}
	t.static = files
	return nil
}

// Versions are what the pipeline knows of the site's versions besides
// its content: the published editions and which one is being rendered,
// each page's history from git, and the date of the build. The pipeline
// reads git; render only turns what it is given into pages.
type Versions struct {
	// Now is the date of the build: a page whose next_review has passed
	// shows "Due for review", and a feed with no dated change is dated by
	// the newest page date up to it. Zero means the time of rendering.
	Now time.Time
	// Edition is the edition being rendered; nil for a site without editions.
	Edition *EditionInfo
	// Editions are all editions in handbook.yaml order, for the version switcher.
	Editions []*EditionInfo
	// History holds each page's history (current edition only).
	History map[*site.Page]*PageHistory
	// HistoryMissing says why there is no history from git, when there is none.
	HistoryMissing string
	// Compare is the comparison shown at /v/<name>/compare/ (other editions only).
	Compare *Comparison
	// Notices are the upcoming changes to the current edition's pages, by page id.
	Notices map[string][]Notice
}

// now is the date of the build.
func (vs *Versions) now() time.Time {
	if vs == nil || vs.Now.IsZero() {
		return time.Now()
	}
	return vs.Now
}

// current reports whether vs renders the site at the root.
func (vs *Versions) current() bool { return vs == nil || vs.Edition == nil || vs.Edition.Current }

// Render renders every page and site file of s. vs may be nil. For an
// edition other than the current one it renders only that edition's pages,
// redirects and compare page: the theme's files, sitemap, feeds and other
// root files belong to the current edition.
func (t *Theme) Render(s *site.Site, vs *Versions) ([]output.File, error) {
	whole, err := t.wholeFiles(s, vs)
	if err != nil {
		return nil, err
	}
	results := make([][]output.File, len(s.Pages))
	err = t.renderPages(s, vs, func(i int, f output.File) error {
		results[i] = append(results[i], keep(f))
		return nil
	}, nil)
	if err != nil {
		return nil, err
	}
	files := whole
	for _, r := range results {
		files = append(files, r...)
	}
	rest, err := t.otherFiles(s, vs)
	if err != nil {
		return nil, err
	}
	files = append(files, rest...)
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, nil
}

// keep copies a page's bytes out of the pooled buffer it was rendered in.
func keep(f output.File) output.File {
	f.Data = bytes.Clone(f.Data)
	return f
}

// RenderTo renders the same files as Render, but hands each to emit as
// soon as it is made and keeps none, so that a build can write pages while
// others render without holding the whole site in memory. emit is called
// from several goroutines at once, in no set order. A page's Data is
// valid only until emit returns (it is a reused buffer): emit must write
// or copy it, not keep it.
//
// rendered, when not nil, is called with each page once it and its
// history pages are rendered and handed to emit; it may be called from
// several goroutines at once. Nothing RenderTo renders after that reads
// the page's Markdown, so the caller may drop it.
func (t *Theme) RenderTo(s *site.Site, vs *Versions, emit func(output.File) error, rendered func(*site.Page)) error {
	// Before the pages, which may be dropped as they are rendered.
	whole, err := t.wholeFiles(s, vs)
	if err != nil {
		return err
	}
	for _, f := range whole {
		if err := emit(f); err != nil {
			return err
		}
	}
	if err := t.renderPages(s, vs, func(_ int, f output.File) error { return emit(f) }, rendered); err != nil {
		return err
	}
	rest, err := t.otherFiles(s, vs)
	if err != nil {
		return err
	}
	for _, f := range rest {
		if err := emit(f); err != nil {
			return err
		}
	}
	return nil
}

// renderPages renders every page of s on both cores, handing each file
// of page i to emit as it is made (its Data only valid until emit
// returns), and calling rendered, when not nil, with each page done. The
// error is that of the first page, in site order, that failed.
func (t *Theme) renderPages(s *site.Site, vs *Versions, emit func(i int, f output.File) error, rendered func(*site.Page)) error {
	pages := s.Pages
	errs := make([]error, len(pages))
	// Pages are independent: render them on every core.
	par.Each(len(pages), func(i int) {
		errs[i] = t.renderPage(s, pages[i], vs, func(f output.File) error { return emit(i, f) })
		if errs[i] == nil && rendered != nil {
			rendered(pages[i])
		}
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// StaticFile returns the theme's static file at output path p
// ("assets/<hash>/css/site.css").
func (t *Theme) StaticFile(p string) ([]byte, bool) {
	for _, f := range t.static {
		if f.Path == p {
			return f.Data, true
		}
	}
	return nil, false
}

// otherFiles renders the files that are not pages (feeds, sitemap,
// redirects, 404) and adds the theme's static files for the current
// edition.
func (t *Theme) otherFiles(s *site.Site, vs *Versions) ([]output.File, error) {
	files, err := t.siteFiles(s, vs)
	if err != nil {
		return nil, err
	}
	if vs.current() {
		files = append(files, t.static...)
	}
	return files, nil
}

// renderPage renders p and its history pages, handing each file to emit;
// a file's Data is only valid until emit returns.
func (t *Theme) renderPage(s *site.Site, p *site.Page, vs *Versions, emit func(output.File) error) error {
	name := layoutFor(p)
	v, err := t.pageView(s, p, name, vs)
	if err != nil {
		return err
	}
	var emitErr error
	err = t.executeTo(name, v, func(data []byte) error {
		emitErr = emit(output.File{Path: outPath(p.URL), Data: data})
		return emitErr
	})
	if emitErr != nil {
		return emitErr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", p.File, err)
	}
	if v.History != nil && v.History.Git {
		return t.historyFiles(s, p, v.History, vs, emit)
	}
	return nil
}

// buffers hold pages being rendered: reusing them saves growing a new
// one for every page.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// execute returns the page of layout for v, in a slice of its own.
func (t *Theme) execute(layout string, v any) ([]byte, error) {
	var out []byte
	err := t.executeTo(layout, v, func(data []byte) error {
		out = bytes.Clone(data)
		return nil
	})
	return out, err
}

// executeTo renders the page of layout for v into a pooled buffer and
// hands it to use, which must not keep it: the pages streamed to disk are
// not copied.
func (t *Theme) executeTo(layout string, v any, use func([]byte) error) error {
	l := t.layout(layout)
	if v, ok := v.(*view); ok {
		v.layout = l // for the parts it shares with other pages
		v.derive()
	}
	buf := buffers.Get().(*bytes.Buffer)
	defer buffers.Put(buf)
	buf.Reset()
	if err := l.tmpl.ExecuteTemplate(buf, "base", v); err != nil {
		return err
	}
	return use(buf.Bytes())
}

// layoutFor picks the template of a page: its layout, else its type.
func layoutFor(p *site.Page) string {
	switch {
	case p.Withdrawn():
		return "tombstone"
	case p.Layout != "":
		return p.Layout
	case p.IsHome():
		return "home"
	case p.Type != "":
		return p.Type
	case p.IsSection:
		return "section"
	}
	return "page"
}

// siteFiles renders the files that are not pages.
func (t *Theme) siteFiles(s *site.Site, vs *Versions) ([]output.File, error) {
	var files []output.File
	for _, r := range s.Redirects {
		file := r.File()
		if file == "" {
			continue // a rule in _redirects only
		}
		data, err := t.execute("redirect", redirectView{Site: s, To: s.Link(r.To.URL), Canonical: t.absURL(s, r.To.URL), Title: r.To.Title, Asset: t.asset(s)})
		if err != nil {
			return nil, fmt.Errorf("redirect page: %w", err)
		}
		files = append(files, output.File{Path: file, Data: data})
	}
	if !vs.current() {
		if vs.Compare != nil {
			cp := t.syntheticPage(s, s.Home, "/compare/", comparisonTitle(vs.Compare), "")
			v, err := t.pageView(s, cp, "compare", vs)
			if err != nil {
				return nil, err
			}
			v.Compare = vs.Compare
			data, err := t.execute("compare", v)
			if err != nil {
				return nil, fmt.Errorf("compare page: %w", err)
			}
			files = append(files, output.File{Path: outPath(cp.URL), Data: data})
		}
		return files, nil
	}
	notFound := &site.Page{URL: "/404.html", Meta: site.Meta{Title: "Page not found", ID: "not-found"}, Body: s.Markdown.Parse(nil, 0)}
	v, err := t.pageView(s, notFound, "404", vs)
	if err != nil {
		return nil, err
	}
	data, err := t.execute("404", v)
	if err != nil {
		return nil, fmt.Errorf("404 page: %w", err)
	}
	files = append(files, output.File{Path: "404.html", Data: data})
	var amendments []amendment
	var updated time.Time
	if vs != nil {
		amendments = siteAmendments(s, vs.History)
		for _, h := range vs.History {
			if h.Updated.After(updated) {
				updated = h.Updated
			}
		}
	}
	amendURL := "/amendments/"
	for _, p := range s.Pages {
		if p.Layout == "amendments" {
			amendURL = p.URL
		}
	}
	if data, ok := t.sitemap(s, vs); ok {
		files = append(files, output.File{Path: "sitemap.xml", Data: data})
	}
	if updated.IsZero() {
		updated = newestDate(s, vs.now())
	}
	files = append(files,
		output.File{Path: "robots.txt", Data: robots(s)},
		output.File{Path: "_redirects", Data: redirects(s)},
		output.File{Path: "amendments.xml", Data: t.atomFeed(s, "/amendments.xml", amendURL, "Amendments – "+s.Config.Title, updated, amendments)},
	)
	return files, nil
}

func comparisonTitle(c *Comparison) string {
	if c.New.Upcoming {
		return "What changes in the " + c.New.Label + " edition"
	}
	return "Changes since the " + c.Old.Label + " edition"
}

type redirectView struct {
	Site      *site.Site
	To        string // the page's link, relative to the host
	Canonical string // its full address when the site has a base_url
	Title     string
	Asset     func(string) string
}
