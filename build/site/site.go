package site

import (
	"bytes"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/markdown"
	"github.com/rscp/handbook/internal/par"
	"github.com/yuin/goldmark/ast"
)

// Input is what the source stage read from the site folder.
type Input struct {
	Config   Config
	Markdown *markdown.Converter
	Pages    []*Page
	Glossary []Term
	Contacts []Contact
	// Synonyms are editors' groups of words search treats as one (data/synonyms.yaml).
	Synonyms []SynonymGroup
	Assets   []string // other files under content/ (images, PDFs), by content path
	// Redactions are what page history must not show (data/redactions.yaml).
	Redactions []Redaction
}

// Options change how the model is built.
type Options struct {
	Drafts bool   // include draft pages (the dev server shows them, marked)
	Prefix string // URL prefix of an edition built under /v/<name>/, e.g. "v/2019/"
}

// Redirect sends an old URL to a page.
type Redirect struct {
	From string // site path, "/old/path/" or "/old/page.html"
	To   *Page
}

// File is the path of the page that redirects a browser from the old
// address on any static host: old/path/index.html for a folder address,
// and the file itself for an old page's file name (old/page.html). It is
// "" for other file names (old/leaflet.pdf, old/page.php), which a host
// would serve with the wrong type: those are rules in _redirects only.
func (r Redirect) File() string {
	rel := strings.TrimPrefix(r.From, "/")
	switch ext := strings.ToLower(path.Ext(rel)); {
	case strings.HasSuffix(rel, "/"):
		return FilePath(r.From)
	case ext == ".html" || ext == ".htm":
		return DecodedPath(rel)
	}
	return ""
}

// Site is the model of one edition of the site.
type Site struct {
	Config    Config
	Markdown  *markdown.Converter
	Pages     []*Page // every page to build, ordered by URL
	Home      *Page
	Sections  []*Page // top-level sections in navigation order
	ByURL     map[string]*Page
	ByID      map[string]*Page
	Glossary  []Term
	Contacts  []Contact
	Synonyms  []SynonymGroup
	Contact   map[string]*Contact
	Redirects []Redirect
	Assets    []string
	// Unreadable are the pages whose files have errors that keep them out
	// of the site; their bodies are still checked.
	Unreadable []*Page

	root string // URL path every link starts with: "/", "/handbook/", "/v/2019/"
	base string // URL path of the site without an edition prefix: "/", "/handbook/"

	byFile map[string]*Page // pages by path inside content/, for relative links
	// unread holds the paths, addresses and ids of the unreadable pages:
	// a link to one is not reported, its page's own error is the cause.
	unread  map[string]bool
	anchors *anchorCache // while New resolves links; nil otherwise
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// New builds the model from what the source stage read, resolving links
// and checking references. It reports every problem it finds.
func New(in *Input, opts Options) (*Site, *diag.List) {
	var diags diag.List
	s := &Site{
		Config:   in.Config,
		Markdown: in.Markdown,
		ByURL:    map[string]*Page{},
		ByID:     map[string]*Page{},
		Glossary: in.Glossary,
		Contacts: in.Contacts,
		Synonyms: in.Synonyms,
		Contact:  map[string]*Contact{},
		Assets:   in.Assets,
		byFile:   map[string]*Page{},
	}
	s.base = basePath(in.Config.BaseURL)
	s.root = s.base + strings.Trim(opts.Prefix, "/")
	if !strings.HasSuffix(s.root, "/") {
		s.root += "/"
	}
	s.unread = map[string]bool{}
	for _, p := range in.Pages {
		if p.Unreadable {
			s.Unreadable = append(s.Unreadable, p)
			s.unread[p.Path], s.unread[p.URL] = true, true
			if p.ID != "" {
				s.unread["id:"+p.ID] = true
			}
			continue
		}
		if p.Draft() && !opts.Drafts {
			continue
		}
		s.Pages = append(s.Pages, p)
	}
	s.checkData(&diags)
	if id := in.Config.FrontDoor; id != "" && s.Contact[id] == nil {
		diags.Errorf("handbook.yaml", 0, "front_door %q is not a contact in data/contacts.yaml: use the id of the service that takes concerns about a child", id)
	}
	s.checkSynonyms(&diags)
	s.index(&diags)
	s.buildTree()
	s.resolveReferences(&diags)
	// Each page's links are resolved and checked on its own (they only read
	// the other pages), so on every core; the diagnostics are kept in page
	// order, as a sequential pass would give them.
	s.anchors = &anchorCache{}
	pageDiags := make([]diag.List, len(s.Pages))
	par.Each(len(s.Pages), func(i int) {
		p, d := s.Pages[i], &pageDiags[i]
		s.resolveLinks(p, p.Body, d)
		for _, b := range p.BoxBodies {
			s.resolveLinks(p, b, d)
		}
		checkPage(p, d)
	})
	s.anchors = nil // a later edit may change a page's headings
	for i := range pageDiags {
		diags.Merge(&pageDiags[i])
	}
	s.checkGenerated(&diags)
	for _, p := range s.Unreadable {
		if p.Body != nil {
			s.resolveLinks(p, p.Body, &diags)
			s.resolveContacts(p, p.Body, &diags)
		}
	}
	s.collectRedirects(&diags)
	s.expandAcronyms()
	return s, &diags
}

func basePath(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil || u.Path == "" {
		return "/"
	}
	p := u.Path
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// Link turns a site path ("/procedures/x/") into the URL readers follow,
// with the base path and edition prefix.
func (s *Site) Link(sitePath string) string {
	return s.root + strings.TrimPrefix(sitePath, "/")
}

// RootLink turns a site path into a URL at the root of the whole site,
// without the edition prefix: for files every edition shares (theme assets).
func (s *Site) RootLink(sitePath string) string {
	return s.base + strings.TrimPrefix(sitePath, "/")
}

// Root is the URL path of the edition's home page.
func (s *Site) Root() string { return s.root }

// HasAddress reports whether the site's address is known: base_url (or
// --base-url) names a host. Without it, links that would be absolute
// (canonical links, feeds) are relative to the site, and the files whose
// format demands absolute URLs (sitemap.xml, robots.txt's Sitemap line)
// are left out.
func (s *Site) HasAddress() bool {
	u, err := url.Parse(s.Config.BaseURL)
	return err == nil && u.Host != "" && (u.Scheme == "https" || u.Scheme == "http")
}

// AbsURL is the full URL of a site path, for canonical links and feeds.
func (s *Site) AbsURL(sitePath string) string {
	base := strings.TrimSuffix(s.Config.BaseURL, "/")
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return s.Link(sitePath)
	}
	return u.Scheme + "://" + u.Host + s.Link(sitePath)
}

func (s *Site) checkData(diags *diag.List) {
	for i := range s.Contacts {
		c := &s.Contacts[i]
		switch {
		case !idPattern.MatchString(c.ID):
			diags.Errorf("data/contacts.yaml", c.Line, "contact id %q must be lower-case letters, digits and hyphens", c.ID)
		case s.Contact[c.ID] != nil:
			diags.Errorf("data/contacts.yaml", c.Line, "contact id %q is used twice (first at line %d)", c.ID, s.Contact[c.ID].Line)
		default:
			s.Contact[c.ID] = c
		}
		if c.Service == "" {
			diags.Errorf("data/contacts.yaml", c.Line, "contact %q needs a service name", c.ID)
		}
	}
	seen := map[string]int{}
	for _, t := range s.Glossary {
		if t.Term == "" || t.Definition == "" {
			diags.Errorf("data/glossary.yaml", t.Line, "a glossary entry needs a term and a definition")
		}
		if t.Acronym != "" {
			if first, dup := seen[t.Acronym]; dup {
				diags.Errorf("data/glossary.yaml", t.Line, "the acronym %s is defined twice (first at line %d)", t.Acronym, first)
			}
			seen[t.Acronym] = t.Line
		}
	}
}

func (s *Site) index(diags *diag.List) {
	for _, p := range s.Pages {
		if p.ID == "" {
			p.ID = defaultID(p.URL)
		} else if !idPattern.MatchString(p.ID) {
			diags.Errorf(p.File, p.Line("id"), "id %q must be lower-case letters, digits and hyphens, like \"escalation-policy\"", p.ID)
		}
		if s.byFile[p.Path] == nil {
			s.byFile[p.Path] = p
		}
		if other := s.ByURL[p.URL]; other != nil {
			diags.Errorf(p.File, 1, "this page and %s both have the address %s: rename one of the files", other.File, p.URL)
			continue
		}
		s.ByURL[p.URL] = p
		if other := s.ByID[p.ID]; other != nil {
			diags.Errorf(p.File, p.Line("id"), "id %q is already used by %s: ids must be unique", p.ID, other.File)
			continue
		}
		s.ByID[p.ID] = p
	}
	sort.Slice(s.Pages, func(i, j int) bool { return s.Pages[i].URL < s.Pages[j].URL })
}

func defaultID(u string) string {
	id := strings.ReplaceAll(strings.Trim(DecodedPath(u), "/"), "/", "-")
	if id == "" {
		return "home"
	}
	return id
}

// buildTree links every page to its section, making a section page for a
// folder that has no _index.md, and orders the navigation.
func (s *Site) buildTree() {
	home := s.ByURL["/"]
	if home == nil {
		home = &Page{File: "content/_index.md", Path: "_index.md", URL: "/", IsSection: true, Meta: Meta{Title: s.Config.Title, Status: StatusPublished, ID: "home"}, Body: s.Markdown.Parse(nil, 0)}
		s.addPage(home)
	}
	s.Home = home
	// Walk a copy: adding section pages grows s.Pages.
	for _, p := range append([]*Page(nil), s.Pages...) {
		if p == home {
			continue
		}
		p.Parent = s.sectionOf(p)
	}
	for _, p := range s.Pages {
		if p.Parent != nil && !p.Withdrawn() {
			p.Parent.Children = append(p.Parent.Children, p)
		}
	}
	for _, p := range s.Pages {
		sortPages(p.Children)
		var prev *Page
		for _, c := range p.Children {
			if c.IsSection {
				continue
			}
			if prev != nil {
				prev.Next, c.Prev = c, prev
			}
			prev = c
		}
	}
	for _, c := range home.Children {
		if c.IsSection {
			s.Sections = append(s.Sections, c)
		}
	}
	sort.Slice(s.Pages, func(i, j int) bool { return s.Pages[i].URL < s.Pages[j].URL })
}

func (s *Site) addPage(p *Page) {
	s.Pages = append(s.Pages, p)
	s.ByURL[p.URL] = p
	if s.byFile[p.Path] == nil {
		s.byFile[p.Path] = p
	}
	if s.ByID[p.ID] == nil {
		s.ByID[p.ID] = p
	}
}

// sectionOf returns the section page of the folder that holds p.
func (s *Site) sectionOf(p *Page) *Page {
	parentURL := path.Dir(strings.TrimSuffix(p.URL, "/")) + "/"
	if parentURL == "//" || parentURL == "./" {
		parentURL = "/"
	}
	if sec := s.ByURL[parentURL]; sec != nil {
		return sec
	}
	// A folder without _index.md still gets a section page.
	dir := path.Dir(p.Path)
	if p.IsSection {
		dir = path.Dir(dir)
	}
	name := path.Base(dir)
	title := strings.ReplaceAll(name, "-", " ")
	if title != "" {
		title = strings.ToUpper(title[:1]) + title[1:]
	}
	sec := &Page{
		File: "content/" + dir + "/_index.md", Path: dir + "/_index.md", URL: parentURL, IsSection: true,
		Meta: Meta{Title: title, Status: StatusPublished, ID: defaultID(parentURL)},
		Body: s.Markdown.Parse(nil, 0),
	}
	s.addPage(sec)
	sec.Parent = s.sectionOf(sec)
	return sec
}

func sortPages(ps []*Page) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.Weight != b.Weight {
			// Pages with a weight come before pages without one.
			if a.Weight == 0 || b.Weight == 0 {
				return b.Weight == 0
			}
			return a.Weight < b.Weight
		}
		return strings.ToLower(a.Title) < strings.ToLower(b.Title)
	})
}

func (s *Site) resolveReferences(diags *diag.List) {
	for _, p := range s.Pages {
		p.RelatedPages = s.relatedPages(p, diags)
		s.checkReferences(p, diags)
		s.resolveContacts(p, p.Body, diags)
		for _, b := range p.BoxBodies {
			s.resolveContacts(p, b, diags)
		}
	}
}

// relatedPages finds the pages p's front matter names as related.
func (s *Site) relatedPages(p *Page, diags *diag.List) []*Page {
	var out []*Page
	for _, id := range p.Related {
		if r := s.ByID[id]; r != nil {
			out = append(out, r)
		} else if !s.unread["id:"+id] {
			diags.Errorf(p.File, p.Line("related"), "related page %q does not exist: use the id of another page", id)
		}
	}
	return out
}

// checkReferences reports the ids in p's front matter that name no page
// or contact.
func (s *Site) checkReferences(p *Page, diags *diag.List) {
	if p.ReplacedBy != "" && s.ByID[p.ReplacedBy] == nil && !s.unread["id:"+p.ReplacedBy] {
		diags.Errorf(p.File, p.Line("replaced_by"), "replaced_by %q is not the id of any page", p.ReplacedBy)
	}
	if t := p.Threshold; t != nil {
		if s.Contact[t.Route] == nil {
			diags.Errorf(p.File, p.Line("route"), "route %q is not a contact in data/contacts.yaml", t.Route)
		}
	}
	if pr := p.Procedure; pr != nil {
		for _, id := range pr.Contacts {
			if s.Contact[id] == nil {
				diags.Errorf(p.File, p.Line("contacts"), "contact %q is not in data/contacts.yaml", id)
			}
		}
	}
	if b := p.Briefing; b != nil {
		for _, id := range b.Procedures {
			if s.ByID[id] == nil && !s.unread["id:"+id] {
				diags.Errorf(p.File, p.Line("procedures"), "procedure %q does not exist: use the id of a procedure page", id)
			}
		}
	}
}

// resolveContacts fills in the details of the contact cards and links of
// doc, a body of page p.
func (s *Site) resolveContacts(p *Page, doc *markdown.Doc, diags *diag.List) {
	for _, ref := range doc.Contacts {
		c := s.Contact[ref.ID]
		if c == nil {
			diags.Errorf(p.File, ref.Line, "contact %q is not in data/contacts.yaml", ref.ID)
			continue
		}
		ref.Info = s.ContactInfo(c)
	}
}

// ContactInfo is what a page shows of contact c.
func (s *Site) ContactInfo(c *Contact) markdown.ContactInfo {
	ooh := c.OutOfHours
	if other := s.Contact[ooh]; other != nil {
		ooh = other.Service
		if other.Phone != "" {
			ooh += ": " + other.Phone
		} else {
			// The route out of hours must not end at a card with no number.
			ooh += ": number to be confirmed; in an emergency call 999"
		}
	}
	info := markdown.ContactInfo{
		Service: c.Service, Phone: c.Phone, Email: c.Email, Hours: c.Hours,
		OutOfHours: ooh, URL: s.Link("/contacts/") + "#" + c.ID,
	}
	if u := strings.ToLower(strings.TrimSpace(c.URL)); strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		info.Website = strings.TrimSpace(c.URL)
	}
	return info
}

var unsafeScheme = regexp.MustCompile(`(?i)^\s*(javascript|vbscript|data|file):`)

// resolveLinks checks every link of doc and rewrites links between Markdown
// files into site URLs.
func (s *Site) resolveLinks(p *Page, doc *markdown.Doc, diags *diag.List) {
	checkAutoLinks(p, doc, diags)
	for _, l := range doc.Links {
		dest := l.Dest
		switch {
		case unsafeScheme.MatchString(dest):
			diags.Errorf(p.File, l.Line, "link to %q: links may not run code or embed data; link to a web page instead", truncate(dest, 40))
			l.SetDest("#")
			continue
		case dest == "":
			diags.Errorf(p.File, l.Line, "a link has no address")
			continue
		case isExternal(dest):
			continue
		}
		target, frag, ok := s.resolve(p, dest, l, diags)
		if !ok {
			continue
		}
		if frag != "" && !s.hasAnchor(target, frag) {
			diags.Errorf(p.File, l.Line, "link to %q: %s has no heading with the anchor #%s", dest, target.File, frag)
			continue
		}
		u := s.Link(target.URL)
		if frag != "" {
			u += "#" + frag
		}
		l.SetDest(u)
	}
}

// checkAutoLinks reports autolinks such as <data:image/png,…>: they are
// not in doc.Links, and goldmark renders data:image addresses (and, with
// unsafe_html, javascript: ones) as they are.
func checkAutoLinks(p *Page, doc *markdown.Doc, diags *diag.List) {
	if bytes.IndexByte(doc.Source, '<') < 0 {
		return // every autolink that could be unsafe is written <…>
	}
	_ = ast.Walk(doc.Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if a, ok := n.(*ast.AutoLink); ok && entering {
			if dest := string(a.URL(doc.Source)); unsafeScheme.MatchString(dest) {
				diags.Errorf(p.File, doc.LineOf(n), "link to %q: links may not run code or embed data; link to a web page instead", truncate(dest, 40))
			}
		}
		return ast.WalkContinue, nil
	})
}

func (s *Site) resolve(p *Page, dest string, l markdown.Link, diags *diag.List) (*Page, string, bool) {
	pathPart, frag, _ := strings.Cut(dest, "#")
	if unesc, err := url.PathUnescape(pathPart); err == nil {
		pathPart = unesc
	}
	if pathPart == "" {
		return p, frag, true
	}
	if l.Image || !strings.HasSuffix(pathPart, ".md") && !strings.HasPrefix(pathPart, "/") {
		// A file next to the page: an image or a document.
		rel := path.Join(path.Dir(p.Path), pathPart)
		if strings.HasPrefix(pathPart, "/") {
			rel = strings.TrimPrefix(pathPart, "/")
		}
		for _, a := range s.Assets {
			if a == rel {
				l.SetDest(s.Link(EscapePath("/" + rel)))
				return nil, "", false
			}
		}
		if !strings.HasSuffix(pathPart, "/") {
			diags.Errorf(p.File, l.Line, "link to %q: no such file in %s; link to a .md file for a page", dest, p.contentDir())
			return nil, "", false
		}
	}
	if strings.HasPrefix(pathPart, "/") {
		clean := EscapePath(path.Clean(pathPart))
		if !strings.HasSuffix(clean, "/") {
			clean += "/"
		}
		if t := s.ByURL[clean]; t != nil {
			return t, frag, true
		}
		if clean == "/contacts/" || clean == "/glossary/" || clean == "/search/" {
			return s.Home, "", false
		}
		if s.unread[clean] {
			return nil, "", false
		}
		diags.Errorf(p.File, l.Line, "link to %q: there is no page at that address", dest)
		return nil, "", false
	}
	rel := path.Join(path.Dir(p.Path), pathPart)
	if strings.HasPrefix(rel, "../") || rel == ".." {
		diags.Errorf(p.File, l.Line, "link to %q points outside %s", dest, p.contentDir())
		return nil, "", false
	}
	for _, t := range []string{rel, strings.TrimSuffix(rel, "/") + "/_index.md"} {
		if target := s.byPath(t); target != nil {
			if target.Draft() && !p.Draft() {
				diags.Warnf(p.File, l.Line, "link to %q: that page is a draft and will not be published", dest)
			}
			return target, frag, true
		}
	}
	if s.unread[rel] || s.unread[strings.TrimSuffix(rel, "/")+"/_index.md"] {
		return nil, "", false // the target's own error says why
	}
	where := ""
	if s.root != s.base {
		where = " in this edition" // the current site may have the file
	}
	diags.Errorf(p.File, l.Line, "link to %q: %s does not exist%s", dest, p.contentDir()+rel, where)
	return nil, "", false
}

// contentDir is the folder p was read from, as its File names it:
// content/, or an edition's own folder (editions/2019/), so that a
// message names the file an editor would open.
func (p *Page) contentDir() string {
	if dir, ok := strings.CutSuffix(p.File, p.Path); ok && p.Path != "" && (dir == "" || strings.HasSuffix(dir, "/")) {
		return dir
	}
	return "content/"
}

func (s *Site) byPath(rel string) *Page {
	return s.byFile[rel]
}

func isExternal(dest string) bool {
	u, err := url.Parse(dest)
	return err == nil && u.Scheme != "" || strings.HasPrefix(dest, "//")
}

// Anchors returns the ids a link may point to in p: its headings and the
// anchors the page's template adds.
func Anchors(p *Page) map[string]bool {
	out := map[string]bool{}
	for _, h := range p.Body.Headings {
		out[h.ID] = true
	}
	if pr := p.Procedure; pr != nil {
		for i := range pr.Stages {
			out[fmt.Sprintf("route-stage-%d", i+1)] = true
		}
	}
	if t := p.Threshold; t != nil {
		for _, d := range Domains(t) {
			out[d.ID] = true
			for _, ind := range d.Items {
				out[ind.ID] = true
			}
		}
	}
	if b := p.Briefing; b != nil {
		for i := range b.Boxes {
			out[fmt.Sprintf("box-%d", i+1)] = true
		}
	}
	if r := p.Report; r != nil {
		for _, t := range r.Tables {
			if t.ID != "" {
				out["table-"+t.ID] = true
			}
		}
	}
	return out
}

func (s *Site) hasAnchor(p *Page, frag string) bool {
	if strings.HasPrefix(frag, "fn:") || strings.HasPrefix(frag, "fnref:") {
		return true
	}
	if s.anchors != nil {
		return s.anchors.of(p)[frag]
	}
	return Anchors(p)[frag]
}

// anchorCache holds each page's Anchors while New resolves links: pages
// are linked to many times.
type anchorCache struct {
	mu sync.Mutex
	m  map[*Page]map[string]bool
}

func (c *anchorCache) of(p *Page) map[string]bool {
	c.mu.Lock()
	a, ok := c.m[p]
	c.mu.Unlock()
	if ok {
		return a
	}
	a = Anchors(p) // outside the lock: two workers may both work it out
	c.mu.Lock()
	if c.m == nil {
		c.m = map[*Page]map[string]bool{}
	}
	c.m[p] = a
	c.mu.Unlock()
	return a
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// checkPage reports problems a page's model shows by itself.
func checkPage(p *Page, diags *diag.List) {
	if b := p.Briefing; b != nil && len(b.Boxes) != 7 {
		diags.Errorf(p.File, p.Line("boxes"), "a 7-minute briefing has exactly seven boxes; this one has %d", len(b.Boxes))
	}
	if n := len([]rune(p.Summary)); n > 160 {
		diags.Warnf(p.File, p.Line("summary"), "the summary is %d characters; keep it to 160 so it fits in search results", n)
	}
	if p.Withdrawn() && p.WithdrawnReason == "" {
		diags.Errorf(p.File, p.Line("status"), "a withdrawn page needs withdrawn_reason: say why readers should no longer follow it")
	}
	if r := p.Report; r != nil {
		for i, t := range r.Tables {
			name := t.ID
			if name == "" {
				name = fmt.Sprintf("number %d", i+1)
			}
			if t.Chart != "" && t.Chart != "bar" {
				diags.Errorf(p.File, p.Line("tables"), "table %s: chart: %q is not a kind of chart handbook draws; write chart: bar, or leave chart out", name, t.Chart)
			}
			for _, c := range t.ChartColumns {
				found := false
				for _, col := range t.Columns {
					found = found || strings.EqualFold(strings.TrimSpace(col), strings.TrimSpace(c))
				}
				if !found {
					diags.Errorf(p.File, p.Line("tables"), "table %s: chart_columns names %q, which is not one of its columns (%s)", name, c, strings.Join(t.Columns, ", "))
				}
			}
		}
	}
}

func (s *Site) collectRedirects(diags *diag.List) {
	from := map[string]*Page{}
	for _, p := range s.Pages {
		for _, a := range p.Aliases {
			if strings.HasPrefix(a, "//") {
				diags.Errorf(p.File, p.Line("aliases"), "alias %q is the address of another site (it starts with //): an alias must be a path on this site, like /old/page/", a)
				continue
			}
			u := normaliseAlias(a)
			if u == "" {
				diags.Errorf(p.File, p.Line("aliases"), "alias %q must be a path on this site, like /old/page/ or /old/page.html", a)
				continue
			}
			if what := s.generatedAt(u); what != "" {
				diags.Errorf(p.File, p.Line("aliases"), "alias %s is the address of %s: remove the alias", u, what)
				continue
			}
			if other := s.ByURL[u]; other != nil {
				diags.Errorf(p.File, p.Line("aliases"), "alias %s would hide the page %s: remove the alias", u, other.File)
				continue
			}
			if other := from[u]; other != nil {
				diags.Errorf(p.File, p.Line("aliases"), "alias %s is also an alias of %s", u, other.File)
				continue
			}
			from[u] = p
			s.Redirects = append(s.Redirects, Redirect{From: u, To: p})
		}
	}
	sort.Slice(s.Redirects, func(i, j int) bool { return s.Redirects[i].From < s.Redirects[j].From })
}

func normaliseAlias(a string) string {
	if !strings.HasPrefix(a, "/") || strings.Contains(a, "..") || strings.ContainsAny(a, "?#\\ \t\n") {
		return ""
	}
	// One spelling of each address: "/über/" and "/%C3%BCber/" are one alias.
	a = EscapePath(path.Clean(DecodedPath(a)))
	if a == "/" {
		return ""
	}
	if path.Ext(a) == "" {
		a += "/"
	}
	return a
}

// EditURL is the address of p's file in the forge's editor ("Edit this
// page"), or "" when handbook.yaml names no repo_url, in an older edition,
// or for a page no editor wrote (a section the model made, a theme page).
func (s *Site) EditURL(p *Page) string {
	if s.Config.RepoURL == "" || s.root != s.base || p == nil || !editable(p) || !strings.HasPrefix(p.File, "content/") {
		return ""
	}
	branch := s.Config.EditBranch
	if branch == "" {
		branch = "main"
	}
	return strings.TrimSuffix(s.Config.RepoURL, "/") + "/edit/" + branch + "/" + p.File
}

// FrontDoor is the contact that takes concerns about a child, as pages
// show it; nil when handbook.yaml names none.
func (s *Site) FrontDoor() *markdown.ContactInfo {
	c := s.Contact[s.Config.FrontDoor]
	if c == nil {
		return nil
	}
	info := s.ContactInfo(c)
	return &info
}
