package render

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/rscp/handbook/build/history"
	"github.com/rscp/handbook/build/markdown"
	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/search"
)

// view is what a page template sees. Values the templates of every page
// read are fields, not methods: text/template finds a method and calls it
// by reflection, which costs several times a field's lookup. The fields
// that take work to make (Boxes, TOCTree, Title, HistoryURL, Dates,
// SubjectDates, Updates, Changes) are only filled for a layout whose
// templates name them (see namesUsed).
type view struct {
	Site        *site.Site
	Page        *site.Page
	Title       string          // the title element's text: the page's title and the site's
	Content     template.HTML   // the rendered Markdown body
	Boxes       []template.HTML // a briefing's rendered boxes
	TOC         []markdown.Heading
	TOCTree     []tocItem // "On this page": the layout's sections and the TOC, nested
	Breadcrumbs []*site.Page
	Section     *site.Page // the top-level section the page is in
	Canonical   string     // the canonical address; "" on pages search engines should leave out
	Address     string     // the page's full address, for the print stamp
	QuickExit   bool
	// Description is the meta description: the summary, else made from
	// what the page says.
	Description string
	Asset       func(string) string

	// Editions and history.
	Edition  *EditionInfo // the edition being read; nil without editions
	Switcher []switchLink // this page in every edition; empty with one edition
	Banner   *banner      // on an archived or upcoming edition's pages
	Notices  []Notice     // upcoming editions that change this page
	// ReviewDue is the page's next_review date once it has passed (on
	// the current edition's pages): the page shows "Due for review".
	ReviewDue *shownDate
	History   *PageHistory // the page's history; nil when unknown
	Feed      string       // the page's Atom feed of updates, when it has one
	Subject   *site.Page   // on a history or change page: the page it is about
	Change    *Update      // on a change page: the change shown
	Compare   *Comparison  // on a compare page
	Whole     *wholeDoc    // on a section's page with all its pages
	// WholeURL links the section's pages on one page, on a section that
	// has one.
	WholeURL string
	Versions *Versions // everything the pipeline passed in
	// HistoryMissing says why dates and updates from git are not shown.
	HistoryMissing string
	// HistoryURL links the full history of the page (or of the subject
	// of a history page).
	HistoryURL string
	// Dates are the page's dates, ready to show.
	Dates pageDates
	// SubjectDates are the front matter dates of the Subject (EffectiveFrom,
	// LastReviewed, NextReview), on a history or change page.
	SubjectDates pageDates
	// Updates are History.Updates and Changes History.All, ready to show.
	Updates, Changes []changeRow
	// NoIndex is set on pages search engines should leave out: drafts,
	// withdrawn pages and the 404 page.
	NoIndex bool

	theme  *Theme
	layout *layout // the layout being executed
}

// HasCharts reports whether a report page draws any of its tables.
func (v *view) HasCharts() bool {
	if r := v.Page.Report; r != nil {
		for _, t := range r.Tables {
			if t.Chart != "" {
				return true
			}
		}
	}
	return false
}

// siteAmendments are the major changes of the site by month, newest first.
func (v *view) Amendments() []month {
	if v.Versions == nil {
		return nil
	}
	return byMonth(siteAmendments(v.Site, v.Versions.History))
}

// ChangeURL links the diff of one change of the page being described.
func (v *view) ChangeURL(u Update) string {
	return v.Site.Link(changeURL(v.about(), u))
}

// about is the page being described: the subject of a history or change
// page, else the page.
func (v *view) about() *site.Page {
	if v.Subject != nil {
		return v.Subject
	}
	return v.Page
}

// changeRow is one change of a page, ready to show.
type changeRow struct {
	Date                        shownDate
	Note, Subject, Author, Hash string
	Major, Added, Older         bool
	// ChangeURL links the page that shows the change's diff; "" when
	// its diff is not known.
	ChangeURL string
}

// changeRows returns updates ready to show.
func (v *view) changeRows(updates []Update) []changeRow {
	if len(updates) == 0 {
		return nil
	}
	rows := make([]changeRow, len(updates))
	for i, u := range updates {
		rows[i] = changeRow{Date: dateText(u.Date), Note: u.Note, Subject: u.Subject, Author: u.Author, Hash: u.Hash, Major: u.Major(), Added: u.Added, Older: u.Older}
		if len(u.Diff) > 0 {
			rows[i].ChangeURL = v.ChangeURL(u)
		}
	}
	return rows
}

// ChangeBlocks is the diff of the change shown, by paragraph.
func (v *view) ChangeBlocks() []diffBlockView {
	if v.Change == nil {
		return nil
	}
	if v.Change.Added {
		return diffBlocks(v.Change.Diff, -1) // the whole first version
	}
	return diffBlocks(v.Change.Diff, 1)
}

// BrowsingSafelyID is the id of the page that explains what quick exit
// does not do (it does not erase the browsing history) and how to browse
// privately. Pages with quick exit link to it when the site has it.
const BrowsingSafelyID = "browsing-safely"

// BrowsingSafelyURL links the page with the id BrowsingSafelyID: this
// edition's, else the current edition's. It is empty when the site has no
// such page, and on that page itself.
func (v *view) BrowsingSafelyURL() string {
	if v.Page.ID == BrowsingSafelyID {
		return ""
	}
	if p := v.Site.ByID[BrowsingSafelyID]; p != nil && !p.Withdrawn() {
		return v.Site.Link(p.URL)
	}
	if v.Versions != nil {
		for _, e := range v.Versions.Editions {
			if e.Current && e.Site != nil && e.Site != v.Site {
				if p := e.Site.ByID[BrowsingSafelyID]; p != nil && !p.Withdrawn() {
					return e.Site.Link(p.URL)
				}
			}
		}
	}
	return ""
}

// AmendmentsURL links the site's amendments page.
func (v *view) AmendmentsURL() string {
	return v.theme.siteData(v.currentSite()).amendments
}

// pageView is the View of p, rendered with the layout called name.
func (t *Theme) pageView(s *site.Site, p *site.Page, name string, vs *Versions) (*view, error) {
	v, err := newView(s, p, t, t.layout(name))
	if err != nil {
		return nil, err
	}
	v.QuickExit = quickExit(s.Config.QuickExit, v.Section, p, name)
	if hasWhole(s, p) {
		v.WholeURL = s.Link(wholeURL(p))
	}
	if vs == nil {
		return v, nil
	}
	v.Versions = vs
	v.HistoryMissing = vs.HistoryMissing
	if vs.current() {
		v.ReviewDue = reviewDue(p, vs.now())
	}
	v.Edition = vs.Edition
	if h := vs.History[p]; h != nil {
		v.History = h
		if !p.Withdrawn() && h.Git {
			v.Feed = s.Link(feedURL(p))
		}
	}
	// Ids of the page and its sections, nearest first: where the switcher
	// and banner go when an edition does not have the page itself.
	var fallbacks []string
	if len(vs.Editions) > 1 || (vs.Edition != nil && !vs.Edition.Current) {
		for a := p.Parent; a != nil; a = a.Parent {
			if a.ID != "" {
				fallbacks = append(fallbacks, a.ID)
			}
		}
	}
	// The switcher lists the editions that have the page itself. A page
	// the build or the theme makes (compare, search, glossary) is the same
	// in every edition: it has none.
	if len(vs.Editions) > 1 && p.ID != "" && p.File != "" && !isThemePage(p) && p.URL != "/404.html" {
		others := 0
		for _, e := range vs.Editions {
			if e.Site == nil {
				continue
			}
			l := switchLink{Edition: e, Viewing: e == vs.Edition}
			if l.Viewing {
				l.URL, l.Title, l.Exact = s.Link(p.URL), p.Title, true
			} else if tp, exact := e.Find(p.ID); exact && !isThemePage(tp) {
				l.URL, l.Title, l.Exact = e.Site.Link(tp.URL), tp.Title, true
				others++
			} else {
				continue
			}
			v.Switcher = append(v.Switcher, l)
		}
		if others == 0 {
			v.Switcher = nil
		}
	}
	if e := vs.Edition; e != nil && !e.Current {
		for _, c := range vs.Editions {
			if c.Current && c.Site != nil {
				tp, exact := c.Find(p.ID, fallbacks...)
				v.Banner = &banner{Edition: e, URL: c.Site.Link(tp.URL), Title: tp.Title, Exact: exact, Generated: p.ID == ""}
			}
		}
		if v.Banner == nil {
			v.Banner = &banner{Edition: e}
		}
	}
	if vs.current() && p.ID != "" {
		v.Notices = vs.Notices[p.ID]
	}
	return v, nil
}

func newView(s *site.Site, p *site.Page, t *Theme, l *layout) (*view, error) {
	v := &view{Site: s, Page: p, Asset: t.asset(s), theme: t, layout: l}
	reads := l.reads
	if d := t.siteData(s); d.emptyOK && p.Body == d.empty {
		v.Content = template.HTML(d.emptyHTML) // a generated page
	} else {
		content, err := renderMarkdown(s.Markdown, p.Body)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.File, err)
		}
		v.Content = template.HTML(content)
	}
	for _, b := range p.BoxBodies {
		if !reads["Boxes"] {
			break
		}
		box, err := renderMarkdown(s.Markdown, b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.File, err)
		}
		v.Boxes = append(v.Boxes, template.HTML(box))
	}
	for _, h := range p.Body.Headings {
		if h.Level == 2 || h.Level == 3 {
			v.TOC = append(v.TOC, h)
		}
	}
	if reads["TOCTree"] {
		v.TOCTree = onThisPage(p, layoutFor(p), v.TOC)
	}
	v.Breadcrumbs = p.Ancestors()
	if len(v.Breadcrumbs) > 1 {
		v.Section = v.Breadcrumbs[1]
	} else if p.Parent != nil && p.IsSection {
		v.Section = p
	}
	if p.IsSection && p.Parent == s.Home {
		v.Section = p
	}
	if p.URL != "/404.html" {
		v.Canonical = t.absURL(s, p.URL)
	}
	v.Address = t.absURL(s, p.URL)
	return v, nil
}

// reviewDue returns the next_review date of p when it is before the day
// of now (the build's date), else nil: a page is due for review from the
// day after that date, as `handbook check` says. Withdrawn pages and
// drafts are left out.
func reviewDue(p *site.Page, now time.Time) *shownDate {
	if !p.NextReview.Set() || p.Withdrawn() || p.Draft() {
		return nil
	}
	if isoDate(now) <= p.NextReview.ISO() {
		return nil
	}
	d := dateText(p.NextReview.Time)
	return &d
}

// quickExit reports whether the page p, rendered with layout, has the
// Exit this page button: a sensitive page, a page of a section or of a
// type (its type or its layout) that handbook.yaml lists under quick_exit.
func quickExit(cfg site.QuickExitConfig, section, p *site.Page, layout string) bool {
	if p.Sensitive {
		return true
	}
	if section != nil {
		for _, sec := range cfg.Sections {
			if strings.Trim(section.URL, "/") == strings.Trim(sec, "/") {
				return true
			}
		}
	}
	for _, typ := range cfg.Types {
		if typ == layout || (p.Type != "" && typ == p.Type) {
			return true
		}
	}
	return false
}

// asset returns the function templates use to link a theme file.
func (t *Theme) asset(s *site.Site) func(string) string { return t.siteData(s).asset }

// pageDates are the dates a page shows, each nil when unknown or unset.
type pageDates struct {
	Published, Updated *shownDate // the first and last change, from History
	// From the page's front matter.
	EffectiveFrom, LastReviewed, NextReview *shownDate
	texts                                   [5]shownDate // what the fields point at, allocated with the View
}

// shownDate is a date as a page shows it.
type shownDate struct {
	ISO  string // "2024-06-05", for a datetime attribute
	Text string // "5 June 2024", for readers
}

// dateText formats t as the isoDate and date template funcs do.
func dateText(t time.Time) shownDate { return shownDate{ISO: isoDate(t), Text: readerDate(t)} }

// isoDate formats t as YYYY-MM-DD (the isoDate template func).
func isoDate(t time.Time) string { return t.Format("2006-01-02") }

// readerDate formats t for readers, "5 June 2024", and the zero time as
// "" (the date template func).
func readerDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2 January 2006")
}

// set formats the dates that are not zero and leaves the others nil.
func (d *pageDates) set(published, updated, effectiveFrom, lastReviewed, nextReview time.Time) {
	fields := [...]**shownDate{&d.Published, &d.Updated, &d.EffectiveFrom, &d.LastReviewed, &d.NextReview}
	for i, t := range [...]time.Time{published, updated, effectiveFrom, lastReviewed, nextReview} {
		*fields[i] = nil
		if !t.IsZero() {
			d.texts[i] = dateText(t)
			*fields[i] = &d.texts[i]
		}
	}
}

// derive sets the fields made from the others, once the pipeline has set
// them all (history pages set their Subject and History late).
func (v *view) derive() {
	p, reads := v.Page, v.layout.reads
	other := v.Edition != nil && !v.Edition.Current
	if reads["Title"] {
		v.Title = docTitle(p, v.Site.Config.Title, v.Edition)
	}
	// Another edition's pages are not the guidance in force: search
	// engines leave them out, so that nobody finds a superseded page
	// instead of the current one.
	v.NoIndex = p.Draft() || p.Withdrawn() || p.URL == "/404.html" || other ||
		v.Subject != nil && (v.Subject.Draft() || v.Subject.Withdrawn()) // a withdrawn page's history and changes
	if other {
		v.Canonical = ""
	}
	if reads["Description"] {
		v.Description = v.description()
	}
	if reads["HistoryURL"] {
		v.HistoryURL = v.Site.Link(historyURL(v.about()))
	}
	var published, updated time.Time
	if h := v.History; h != nil {
		published, updated = h.Published, h.Updated
		if reads["Updates"] {
			v.Updates = v.changeRows(h.Updates)
		}
		if reads["Changes"] {
			v.Changes = v.changeRows(h.All)
		}
	}
	if reads["Dates"] {
		v.Dates.set(published, updated, p.EffectiveFrom.Time, p.LastReviewed.Time, p.NextReview.Time)
	}
	if sp := v.Subject; sp != nil && reads["SubjectDates"] {
		v.SubjectDates.set(time.Time{}, time.Time{}, sp.EffectiveFrom.Time, sp.LastReviewed.Time, sp.NextReview.Time)
	}
}

// pageTypeLabel names the type of a page for readers.
func pageTypeLabel(typ string) string {
	switch typ {
	case site.TypeArrangement:
		return "Safeguarding arrangements"
	case site.TypeThreshold:
		return "Threshold guidance"
	case site.TypeBriefing:
		return "7-minute briefing"
	case site.TypeProcedure:
		return "Procedure"
	case site.TypeReport:
		return "Report"
	}
	return ""
}

func baseFuncs(t *Theme) template.FuncMap {
	return template.FuncMap{
		"typeLabel":    pageTypeLabel,
		"contactCard":  t.contactCard,
		"contactEntry": t.contactEntry,
		"contactInfo": func(s *site.Site, id string) *markdown.ContactInfo {
			c := s.Contact[id]
			if c == nil {
				return nil
			}
			info := s.ContactInfo(c)
			return &info
		},
		// html/template drops comments written in a template, so the
		// search page's marker (search.ResultsMarker, where the search
		// handler puts the form and results) comes from here.
		"searchResultsMarker": func() template.HTML { return template.HTML(search.ResultsMarker) },
		// The end of what the handler replaces: the search page's own
		// form and the static search's results, for hosts with no server.
		"searchResultsEnd": func() template.HTML { return template.HTML(search.ResultsEnd) },
		"searchTypes":      func() []struct{ Value, Label string } { return search.Types },
		"pageLetters":      pageLetters,
		"domains":          site.Domains,
		"sideNav":          sideNav,
		"add":              func(a, b int) int { return a + b },
		"inline":           t.inline,
		"byLevel": func(s *site.Site, level int) *site.Page {
			return t.siteData(s).levels[level]
		},
		"pagesOfType": func(s *site.Site, typ string) []*site.Page {
			var out []*site.Page
			for _, p := range s.Pages {
				if p.Type == typ && !p.Withdrawn() {
					out = append(out, p)
				}
			}
			return out
		},
		"glossaryLetters": glossaryLetters,
		"themeLabel":      themeLabel,
		"chart":           func(t site.DataTable, id string) template.HTML { return barChart(&t, id) },
		"tableCaption":    func(t site.DataTable) string { return tableCaption(&t) },
		"date":            readerDate,
		// escapePath turns a file's path under content/ into its address.
		"escapePath": func(p string) string { return site.EscapePath("/" + p) },
		"isoDate":    isoDate,
		"isInsert":   func(op history.Op) bool { return op == history.Insert },
		"isDelete":   func(op history.Op) bool { return op == history.Delete },
	}
}

// letter groups glossary terms under their first letter.
type letter struct {
	Letter string
	Terms  []site.Term
}

// pageLetter is one letter of the A to Z of pages.
type pageLetter struct {
	Letter, ID string
	Pages      []*site.Page
}

// pageLetters groups every published page by the first letter of its
// title, in alphabetical order; titles that start with a digit or a
// symbol come first, under "0-9".
func pageLetters(s *site.Site) []pageLetter {
	var pages []*site.Page
	for _, p := range s.Pages {
		if !p.Draft() && !p.Withdrawn() && p.Title != "" {
			pages = append(pages, p)
		}
	}
	key := func(p *site.Page) string { return strings.ToUpper(strings.TrimSpace(p.Title)) }
	slices.SortStableFunc(pages, func(a, b *site.Page) int { return strings.Compare(key(a), key(b)) })
	var out []pageLetter
	for _, p := range pages {
		l := "0-9"
		if r, _ := utf8.DecodeRuneInString(key(p)); unicode.IsLetter(r) {
			l = string(r)
		}
		if len(out) == 0 || out[len(out)-1].Letter != l {
			id := "letter-" + l
			out = append(out, pageLetter{Letter: l, ID: id})
		}
		out[len(out)-1].Pages = append(out[len(out)-1].Pages, p)
	}
	return out
}

func glossaryLetters(terms []site.Term) []letter {
	sorted := append([]site.Term(nil), terms...)
	key := func(t site.Term) string {
		if t.Acronym != "" {
			return strings.ToUpper(t.Acronym)
		}
		return strings.ToUpper(t.Term)
	}
	slices.SortStableFunc(sorted, func(a, b site.Term) int { return strings.Compare(key(a), key(b)) })
	var out []letter
	for _, t := range sorted {
		l := key(t)[:1]
		if len(out) == 0 || out[len(out)-1].Letter != l {
			out = append(out, letter{Letter: l})
		}
		out[len(out)-1].Terms = append(out[len(out)-1].Terms, t)
	}
	return out
}

// sitemap lists the pages for search engines, each with the date it last
// changed when that is known. The format demands absolute addresses: a
// site without a base URL gets none (ok is false).
func (t *Theme) sitemap(s *site.Site, vs *Versions) (data []byte, ok bool) {
	if !s.HasAddress() {
		return nil, false
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	var newest time.Time // the last change to any page
	if vs != nil {
		for _, h := range vs.History {
			if h.Updated.After(newest) {
				newest = h.Updated
			}
		}
	}
	for _, p := range s.Pages {
		// The search page is no page to land on from a search engine.
		if p.Draft() || p.Withdrawn() || p.Layout == "search" {
			continue
		}
		b.WriteString("  <url><loc>")
		_ = xml.EscapeText(&b, []byte(t.absURL(s, p.URL)))
		b.WriteString("</loc>")
		d := pageUpdated(p, vs)
		if d.IsZero() && strings.HasPrefix(p.File, "(theme)") {
			// A page the theme makes from the others (amendments, A to
			// Z, glossary) changes when they do.
			d = newest
		}
		if !d.IsZero() {
			b.WriteString("<lastmod>" + d.UTC().Format(time.RFC3339) + "</lastmod>")
		}
		b.WriteString("</url>\n")
	}
	b.WriteString("</urlset>\n")
	return b.Bytes(), true
}

// pageUpdated is when p last changed: its last commit, else the newest of
// its last_reviewed and effective_from dates; zero when none is known.
func pageUpdated(p *site.Page, vs *Versions) time.Time {
	if vs != nil {
		if h := vs.History[p]; h != nil && !h.Updated.IsZero() {
			return h.Updated
		}
	}
	var d time.Time
	for _, c := range []site.Date{p.LastReviewed, p.EffectiveFrom} {
		if c.After(d) {
			d = c.Time
		}
	}
	return d
}

// robots allows every page and, when the site's address is known, names
// the sitemap (the Sitemap line must be an absolute URL).
func robots(s *site.Site) []byte {
	out := "User-agent: *\nAllow: /\n"
	if s.HasAddress() {
		out += "Sitemap: " + s.AbsURL("/sitemap.xml") + "\n"
	}
	return []byte(out)
}

// redirects is Netlify's _redirects file: old URLs answer with a 301.
// Forced ("301!"): each old URL also has a stub page (redirect.html) for
// hosts without redirects, and Netlify would serve that file with a 200
// instead of an unforced rule.
func redirects(s *site.Site) []byte {
	var b bytes.Buffer
	for _, r := range s.Redirects {
		fmt.Fprintf(&b, "%s %s 301!\n", s.Link(r.From), s.Link(r.To.URL))
	}
	return b.Bytes()
}
