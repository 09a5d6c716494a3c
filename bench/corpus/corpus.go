// Package corpus generates a deterministic, realistic handbook site of any
// size for benchmarks, and the same pages as a Hugo site, so that the two
// generators can be timed on identical Markdown.
//
// The same (n, seed) always gives byte-identical files. Every page is 2-6 KB
// of prose with headings, lists, tables, relative links to other pages with
// valid anchors, contact links and glossary acronyms; front matter covers
// every content type (arrangement, threshold, briefing, procedure, report and
// plain pages). The handbook site builds with no errors.
package corpus

import (
	"embed"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/rscp/handbook/build/markdown"
)

// DefaultSeed is the seed used when Options.Seed is zero.
const DefaultSeed = 20240601

// Options say what to generate.
type Options struct {
	Pages int    // Markdown files under content/, section pages included; at least 20
	Seed  uint64 // 0 means DefaultSeed
	// TrivialTheme gives the handbook site the layout of the Hugo site
	// (TrivialThemeFiles) instead of the default theme, so that the two
	// tools can be compared rendering the same HTML.
	TrivialTheme bool
	// Small makes the small-pages variant: pages of about 1 KB with no
	// front matter, whose file names are signs, non-ASCII letters and
	// neighbours such as clang++.md and clang.md (see planSmall).
	Small bool
}

// Generate writes a handbook site of n pages into dir (handbook.yaml,
// content/, data/). dir is created if needed and must hold no content/ yet.
func Generate(dir string, n int) error {
	return Write(dir, Options{Pages: n})
}

// Write writes a handbook site into dir.
func Write(dir string, opts Options) error {
	c := New(opts)
	files := c.HandbookFiles()
	return writeFiles(dir, files)
}

// WriteHugo writes the same pages as a Hugo site into dir: hugo.toml,
// content/ (the same Markdown files) and a trivial layout.
func WriteHugo(dir string, opts Options) error {
	c := New(opts)
	return writeFiles(dir, c.HugoFiles())
}

// WriteHugoGOVUK writes the same pages as a Hugo site with a port of
// handbook's default theme (HugoGOVUKFiles) into dir.
func WriteHugoGOVUK(dir string, opts Options) error {
	c := New(opts)
	files, err := c.HugoGOVUKFiles()
	if err != nil {
		return err
	}
	return writeFiles(dir, files)
}

func writeFiles(dir string, files []File) error {
	if _, err := os.Stat(filepath.Join(dir, "content")); err == nil {
		return fmt.Errorf("corpus: %s already has a content folder", dir)
	}
	made := map[string]bool{}
	for _, f := range files {
		full := filepath.Join(dir, filepath.FromSlash(f.Path))
		if d := filepath.Dir(full); !made[d] {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return err
			}
			made[d] = true
		}
		if err := os.WriteFile(full, f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// File is one generated file, at a slash-separated path.
type File struct {
	Path string
	Data []byte
}

// Corpus is a planned site: every page's place, title and anchors are
// chosen before any body is written, so bodies can link to any page.
type Corpus struct {
	seed         uint64
	trivialTheme bool
	small        bool
	pages        []*page
	glossary     []term
	contacts     []contact
	byType       map[string][]*page
}

type page struct {
	index   int
	file    string // path inside content/: "procedures/part-02/procedure-0123.md"
	id      string
	typ     string // "" for plain pages and sections
	title   string
	section bool
	weight  int
	anchors []heading // h2 headings: text and id
	level   int       // threshold level
	size    int       // target size of the body in bytes
	small   bool      // a page of the small-pages variant
}

type heading struct {
	text     string
	id       string
	explicit bool // written as {#id}
}

type term struct {
	term, acronym, definition string
	aliases                   []string
}

type contact struct {
	id, service, phone, email, hours, ooh string
}

// sections are the top-level folders and the share of pages each holds.
var sections = []struct {
	dir, title, typ string
	share           float64
}{
	{"arrangements", "Multi-agency safeguarding arrangements", "arrangement", 0.10},
	{"thresholds", "Threshold guidance", "threshold", 0.05},
	{"briefings", "7-minute briefings", "briefing", 0.15},
	{"procedures", "Procedures", "procedure", 0.25},
	{"reports", "Reports", "report", 0.05},
	{"guidance", "Practice guidance", "", 0.40},
}

// groupSize is the number of pages in a sub-section folder.
const groupSize = 40

// New plans a corpus.
func New(opts Options) *Corpus {
	if opts.Pages < 20 {
		opts.Pages = 20
	}
	if opts.Seed == 0 {
		opts.Seed = DefaultSeed
	}
	c := &Corpus{seed: opts.Seed, trivialTheme: opts.TrivialTheme, small: opts.Small, byType: map[string][]*page{}}
	if opts.Small {
		c.planSmall(opts.Pages)
		return c
	}
	r := c.rng(0)
	c.glossary = makeGlossary(r)
	c.contacts = makeContacts(r)

	add := func(p *page) {
		p.index = len(c.pages)
		c.pages = append(c.pages, p)
		c.byType[p.typ] = append(c.byType[p.typ], p)
	}
	add(&page{file: "_index.md", id: "home", title: "Generated safeguarding handbook", section: true})
	rest := opts.Pages - 1 - len(sections)
	counts := make([]int, len(sections))
	used := 0
	for i, s := range sections {
		counts[i] = int(float64(rest) * s.share)
		used += counts[i]
	}
	counts[len(counts)-1] += rest - used
	num := 0
	for si, s := range sections {
		add(&page{file: s.dir + "/_index.md", id: s.dir, title: s.title, section: true, weight: (si + 1) * 10})
		count := counts[si]
		groups := 0
		if count > groupSize {
			groups = (count + groupSize) / (groupSize + 1)
		}
		perGroup := count
		if groups > 0 {
			perGroup = (count - groups + groups - 1) / groups
		}
		left := count
		for g := 0; left > 0; g++ {
			dir := s.dir
			if groups > 0 {
				dir = fmt.Sprintf("%s/part-%02d", s.dir, g+1)
				add(&page{file: dir + "/_index.md", id: fmt.Sprintf("%s-part-%02d", s.dir, g+1),
					title: fmt.Sprintf("%s, part %d", s.title, g+1), section: true, weight: g + 1})
				left--
			}
			for k := 0; k < perGroup && left > 0; k++ {
				num++
				kind := s.typ
				if kind == "" {
					kind = "page"
				}
				p := &page{
					file:   fmt.Sprintf("%s/%s-%04d.md", dir, kind, num),
					id:     fmt.Sprintf("%s-%04d", kind, num),
					typ:    s.typ,
					weight: k + 1,
				}
				add(p)
				left--
			}
		}
	}
	// Titles, levels and headings, each page from its own stream.
	for _, p := range c.pages {
		if p.section {
			continue
		}
		r := c.rng(p.index + 1)
		if p.typ == "threshold" {
			p.level = 1 + indexOf(c.byType["threshold"], p)%4
		}
		p.title = titleFor(r, p)
		// Body size: 2-6 KB of Markdown as written, about one heading per 1.5 KB.
		p.size = 1536 + r.IntN(3072)
		n := 1 + p.size/1500
		explicit := r.IntN(2) == 0
		for _, h := range pick(r, headingPool, n) {
			id := markdown.Slug(h)
			if explicit {
				id = "s-" + id
			}
			p.anchors = append(p.anchors, heading{text: h, id: id, explicit: explicit})
		}
	}
	return c
}

func indexOf(ps []*page, p *page) int {
	for i, q := range ps {
		if q == p {
			return i
		}
	}
	return -1
}

func (c *Corpus) rng(stream int) *rand.Rand {
	return rand.New(rand.NewPCG(c.seed, uint64(stream)*0x9E3779B97F4A7C15+1))
}

// Pages is the number of Markdown files the corpus has.
func (c *Corpus) Pages() int { return len(c.pages) }

// HandbookFiles returns every file of the handbook site.
func (c *Corpus) HandbookFiles() []File {
	config := "title: Generated safeguarding handbook\ndescription: A generated corpus for benchmarks.\nbase_url: https://handbook.example.org/\nlanguage: en-GB\n"
	if c.trivialTheme {
		config += "theme: trivial\n"
	}
	files := []File{{Path: "handbook.yaml", Data: []byte(config)}}
	if !c.small {
		files = append(files, File{Path: "data/glossary.yaml", Data: c.glossaryYAML()}, File{Path: "data/contacts.yaml", Data: c.contactsYAML()})
	}
	if c.trivialTheme {
		files = append(files, TrivialThemeFiles()...)
	}
	for _, p := range c.pages {
		files = append(files, File{Path: "content/" + p.file, Data: c.pageFile(p)})
	}
	return files
}

// TrivialThemeFiles is a handbook theme (themes/trivial) that prints the
// same HTML as the Hugo site's layout: a title and the content, with a list
// of child pages on section pages and the home page. Every layout the
// generated pages use is replaced, history and change pages included, so
// no page falls back to the default theme's chrome.
func TrivialThemeFiles() []File {
	files := []File{{Path: "themes/trivial/templates/baseof.html", Data: []byte(trivialBaseof)}}
	for _, layout := range []string{"page", "briefing", "procedure", "report", "threshold", "tombstone", "history", "change"} {
		files = append(files, File{Path: "themes/trivial/templates/" + layout + ".html", Data: []byte(trivialSingle)})
	}
	for _, layout := range []string{"section", "home"} {
		files = append(files, File{Path: "themes/trivial/templates/" + layout + ".html", Data: []byte(trivialList)})
	}
	return files
}

const trivialBaseof = `{{define "base"}}<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>{{.Page.Meta.Title}}</title></head>
<body>
<main>{{block "main" .}}{{end}}</main>
</body>
</html>
{{end}}
`

const trivialSingle = `{{define "main"}}<h1>{{.Page.Meta.Title}}</h1>
{{.Content}}{{end}}
`

const trivialList = `{{define "main"}}<h1>{{.Page.Meta.Title}}</h1>
{{.Content}}
<ul>{{range .Page.Children}}<li><a href="{{$.Site.Link .URL}}">{{.Meta.Title}}</a></li>{{end}}</ul>{{end}}
`

// HugoFiles returns the same pages as a Hugo site with a trivial layout.
func (c *Corpus) HugoFiles() []File {
	files := []File{
		{Path: "hugo.toml", Data: []byte(hugoConfig)},
		{Path: "layouts/_default/baseof.html", Data: []byte(hugoBaseof)},
		{Path: "layouts/_default/single.html", Data: []byte(hugoSingle)},
		{Path: "layouts/_default/list.html", Data: []byte(hugoList)},
		{Path: "layouts/index.html", Data: []byte(hugoList)},
	}
	return append(files, c.hugoContent()...)
}

// hugoGOVUK is a port of handbook's default theme to Hugo templates: the
// same GOV.UK page chrome (header, breadcrumbs, side navigation, related
// pages, contents list, pagination, footer) and the same sections made from
// front matter (procedure stages, briefing boxes, threshold indicators,
// report tables, contact cards), written the way a Hugo theme would be:
// layouts chosen by type, partialCached for what pages share, lookups by id
// made once. Hugo renders the Markdown bodies as in the trivial layout.
//
//go:embed all:hugo-govuk
var hugoGOVUK embed.FS

// HugoGOVUKFiles returns the same pages as a Hugo site with the port of
// handbook's default theme, so that both tools can be timed making pages
// with the same chrome.
func (c *Corpus) HugoGOVUKFiles() ([]File, error) {
	files := []File{{Path: "hugo.toml", Data: []byte(hugoConfig)}}
	err := fs.WalkDir(hugoGOVUK, "hugo-govuk", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := hugoGOVUK.ReadFile(name)
		files = append(files, File{Path: strings.TrimPrefix(name, "hugo-govuk/"), Data: data})
		return err
	})
	if err != nil {
		return nil, err
	}
	return append(files, c.hugoContent()...), nil
}

// hugoContent is the data and Markdown files of both Hugo sites.
func (c *Corpus) hugoContent() []File {
	var files []File
	if !c.small {
		files = append(files, File{Path: "data/glossary.yaml", Data: c.glossaryYAML()}, File{Path: "data/contacts.yaml", Data: c.contactsYAML()})
	}
	for _, p := range c.pages {
		files = append(files, File{Path: "content/" + p.file, Data: c.pageFile(p)})
	}
	return files
}

const hugoConfig = `baseURL = "https://handbook.example.org/"
languageCode = "en-GB"
title = "Generated safeguarding handbook"
disableKinds = ["taxonomy", "term", "RSS"]

[markup.goldmark.renderer]
unsafe = false

[markup.goldmark.parser.attribute]
title = true
`

const hugoBaseof = `<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
`

const hugoSingle = `{{ define "main" }}<h1>{{ .Title }}</h1>
{{ .Content }}{{ end }}
`

const hugoList = `{{ define "main" }}<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
`

// relLink is the relative Markdown link from page from to page to.
func relLink(from, to *page) string {
	fromDir := path.Dir(from.file)
	up := ""
	d := fromDir
	for d != "." && !strings.HasPrefix(to.file, d+"/") {
		up += "../"
		d = path.Dir(d)
	}
	rest := to.file
	if d != "." {
		rest = strings.TrimPrefix(to.file, d+"/")
	}
	return up + rest
}
