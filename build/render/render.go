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

	"github.com/rscp/handbook/build/markdown"
	"github.com/rscp/handbook/build/output"
	"github.com/rscp/handbook/build/site"
)

// Theme is a parsed theme: one template set per layout, and its static files.
type Theme struct {
	layouts map[string]*template.Template
	static  []output.File // files under static/, at their output paths
	// AssetDir is where the static files go: "assets/<hash>/", so that a
	// changed file gets a new URL and browsers can cache them for a year.
	AssetDir string
}

// Layouts every theme must have.
var requiredLayouts = []string{"page", "home", "section", "404", "search"}

// LoadTheme parses the templates in fsys (a theme folder holding
// templates/ and static/). Templates are parsed once per build.
func LoadTheme(fsys fs.FS) (*Theme, error) {
	t := &Theme{layouts: map[string]*template.Template{}}
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
		layout := strings.TrimSuffix(path.Base(name), ".html")
		if layout == "baseof" {
			continue
		}
		tmpl, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if err := parseFile(tmpl, fsys, name); err != nil {
			return nil, err
		}
		t.layouts[layout] = tmpl
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

// Extras are what other stages add to pages (history, editions).
type Extras struct {
	// Banner, when set, is shown at the top of every page of an edition.
	Edition *EditionInfo
}

// EditionInfo describes the edition being rendered.
type EditionInfo struct {
	Name     string
	Label    string
	Current  bool
	Upcoming bool
}

// Render renders every page and site file of s.
func (t *Theme) Render(s *site.Site) ([]output.File, error) {
	pages := s.Pages
	results := make([][]output.File, len(pages))
	errs := make([]error, len(pages))
	// Pages are independent: render them on both cores.
	var wg sync.WaitGroup
	work := make(chan int)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				results[i], errs[i] = t.renderPage(s, pages[i])
			}
		}()
	}
	for i := range pages {
		work <- i
	}
	close(work)
	wg.Wait()
	var files []output.File
	for i := range pages {
		if errs[i] != nil {
			return nil, errs[i]
		}
		files = append(files, results[i]...)
	}
	site, err := t.siteFiles(s)
	if err != nil {
		return nil, err
	}
	files = append(files, site...)
	files = append(files, t.static...)
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, nil
}

func (t *Theme) renderPage(s *site.Site, p *site.Page) ([]output.File, error) {
	v, err := newView(s, p, t)
	if err != nil {
		return nil, err
	}
	data, err := t.execute(layoutFor(p), v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.File, err)
	}
	return []output.File{{Path: strings.TrimPrefix(p.URL, "/") + "index.html", Data: data}}, nil
}

func (t *Theme) execute(layout string, v any) ([]byte, error) {
	tmpl := t.layouts[layout]
	if tmpl == nil {
		tmpl = t.layouts["page"]
	}
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, "base", v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
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
func (t *Theme) siteFiles(s *site.Site) ([]output.File, error) {
	var files []output.File
	notFound := &site.Page{URL: "/404.html", Meta: site.Meta{Title: "Page not found", ID: "not-found"}, Body: s.Markdown.Parse(nil, 0)}
	v, err := newView(s, notFound, t)
	if err != nil {
		return nil, err
	}
	data, err := t.execute("404", v)
	if err != nil {
		return nil, fmt.Errorf("404 page: %w", err)
	}
	files = append(files, output.File{Path: "404.html", Data: data})
	for _, r := range s.Redirects {
		data, err := t.execute("redirect", redirectView{Site: s, To: s.Link(r.To.URL), Title: r.To.Title, Asset: t.asset(s)})
		if err != nil {
			return nil, fmt.Errorf("redirect page: %w", err)
		}
		files = append(files, output.File{Path: strings.TrimPrefix(r.From, "/") + "index.html", Data: data})
	}
	files = append(files,
		output.File{Path: "sitemap.xml", Data: sitemap(s)},
		output.File{Path: "robots.txt", Data: robots(s)},
		output.File{Path: "_redirects", Data: redirects(s)},
	)
	return files, nil
}

type redirectView struct {
	Site  *site.Site
	To    string
	Title string
	Asset func(string) string
}
