package site

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/yuin/goldmark/ast"

	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/markdown"
)

// Names of the editorial checks, as `handbook check --format json` shows
// them in the "check" field.
const (
	CheckAltText  = "alt-text"
	CheckHeadings = "heading-levels"
	CheckSummary  = "summary"
	CheckAcronym  = "acronym"
	CheckReview   = "review-date"
	// More than ReviewGrace overdue: an error on a pull request that
	// changes the page (check --since), a warning otherwise.
	CheckReviewOverdue = "review-overdue"
	CheckContact       = "contact-verified"
	CheckPlaceholder   = "placeholder"
	CheckTitle         = "duplicate-title"
)

// ReviewGrace is how long after its next_review date a page is "due for
// review" before its review is overdue.
const ReviewGrace = 90 * 24 * time.Hour

// VerifyMonths is how often a contact's details must be checked with the
// service.
const VerifyMonths = 6

// Placeholder marks text that `handbook new` left for the editor to write.
const Placeholder = "TODO"

// Check runs the editorial checks on a site model: what the build lets
// through but a reader should not see. today is the date reviews and
// contact checks are measured against. It reports problems in the files
// editors write (not the theme's own pages) and never changes s.
//
// What the model already checks when it is built (broken links and
// anchors, seven boxes in a briefing, a threshold's route, duplicate ids,
// aliases that hide a page) is not repeated here.
func Check(s *Site, today time.Time) *diag.List {
	var l diag.List
	if s == nil {
		return &l
	}
	c := &checker{s: s, today: dateOf(today), l: &l, known: knownAcronyms(s.Glossary)}
	for _, p := range s.Pages {
		if !editable(p) || p.Withdrawn() {
			continue
		}
		c.page(p)
	}
	// A page left out because its front matter has an error: its body is
	// still checked, so that one round of fixes finds every problem.
	for _, p := range s.Unreadable {
		if p.Body != nil {
			c.images(p, p.Body)
			c.linkTexts(p, p.Body)
			c.rawHTML(p, p.Body)
			c.headings(p, p.Body, 1)
		}
	}
	c.contacts()
	c.titles()
	return &l
}

// Placeholders runs the one check of Check that a production build runs
// too (build.Options.Production): text that handbook new left to be
// written, an error on a published page and a warning on a draft.
func Placeholders(s *Site, today time.Time) *diag.List {
	var l diag.List
	c := &checker{s: s, today: dateOf(today), l: &l, known: knownAcronyms(s.Glossary)}
	for _, p := range s.Pages {
		if editable(p) && !p.Withdrawn() {
			c.placeholders(p, append([]*markdown.Doc{p.Body}, p.BoxBodies...))
		}
	}
	return &l
}

// titles warns about pages that share a title: in search results, tabs
// and menus a reader cannot tell them apart. Each page after the first is
// reported, naming the first.
func (c *checker) titles() {
	first := map[string]*Page{}
	for _, p := range c.s.Pages {
		if p.Withdrawn() || p.Draft() || strings.TrimSpace(p.Title) == "" {
			continue
		}
		key := strings.ToLower(strings.Join(strings.Fields(p.Title), " "))
		f := first[key]
		if f == nil {
			first[key] = p
			continue
		}
		if !editable(p) {
			if !editable(f) {
				continue
			}
			p, f = f, p // report the editor's file, naming the theme's page
		}
		line := 1
		if l, ok := p.FieldLines["title"]; ok {
			line = l
		}
		c.add(diag.Warning, CheckTitle, p.File, line,
			"the title %q is also the title of %s (%s): readers cannot tell the pages apart in search results and menus; give this page a title that says how it differs (for example, name its type or audience)",
			p.Title, f.URL, f.File)
	}
}

// editable reports whether p is a file an editor wrote, rather than a
// section page the model made for a folder or a page the theme provides.
func editable(p *Page) bool {
	return p.FieldLines != nil && !strings.HasPrefix(p.File, "(theme)")
}

func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

type checker struct {
	s     *Site
	today time.Time
	l     *diag.List
	known map[string]bool // acronyms the glossary defines, with their plurals
}

func (c *checker) add(sev diag.Severity, check, file string, line int, format string, args ...any) {
	c.l.Add(diag.Diagnostic{File: file, Line: line, Severity: sev, Check: check, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) page(p *Page) {
	if strings.TrimSpace(p.Summary) == "" {
		line := 1
		if l, ok := p.FieldLines["title"]; ok {
			line = l
		}
		c.add(diag.Warning, CheckSummary, p.File, line,
			"the page has no summary: add a summary: field with one sentence (up to 160 characters) saying what the page is for; it is shown under the title and in search results")
	}
	c.review(p)
	docs := append([]*markdown.Doc{p.Body}, p.BoxBodies...)
	for i, doc := range docs {
		if doc == nil {
			continue
		}
		c.images(p, doc)
		c.linkTexts(p, doc)
		c.rawHTML(p, doc)
		// A box's heading is a level-2 heading: headings in its body start at 3.
		top := 1
		if i > 0 {
			top = 2
		}
		c.headings(p, doc, top)
	}
	c.acronyms(p, docs)
	c.placeholders(p, docs)
	c.contactsInText(p, docs)
	c.spelling(p, docs)
}

func (c *checker) review(p *Page) {
	if p.Draft() {
		return
	}
	if !p.NextReview.Set() {
		if p.Procedure != nil {
			c.add(diag.Warning, CheckReview, p.File, p.Line("type"),
				"this procedure has no next_review date: agree one with its owner and add next_review: YYYY-MM-DD, so that it is reviewed before it goes out of date")
		}
		return
	}
	next := dateOf(p.NextReview.Time)
	if !c.today.After(next) {
		return
	}
	days := int(c.today.Sub(next).Hours() / 24)
	if c.today.Sub(next) > ReviewGrace {
		// A warning, not an error: an overdue review must not hold up an
		// urgent change to another page (or this one) in a pull request.
		c.add(diag.Warning, CheckReviewOverdue, p.File, p.Line("next_review"),
			"the review of this page is %d days overdue (next_review: %s): review it with its owner and set next_review to a new date", days, p.NextReview.ISO())
		return
	}
	c.add(diag.Warning, CheckReview, p.File, p.Line("next_review"),
		"the page is due for review (next_review: %s, %s ago): review it with its owner and set next_review to a new date", p.NextReview.ISO(), pluralDays(days))
}

func pluralDays(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

func (c *checker) images(p *Page, doc *markdown.Doc) {
	for _, l := range doc.Links {
		if l.Image && strings.TrimSpace(l.Alt) == "" {
			c.add(diag.Error, CheckAltText, p.File, l.Line,
				"the image %s has no alt text: describe what it shows between the brackets, like ![Chart of referrals by month](%s), so that people who cannot see it get the same information", l.Dest, l.Dest)
		}
	}
}

func (c *checker) headings(p *Page, doc *markdown.Doc, top int) {
	prev := top
	for _, h := range doc.Headings {
		switch {
		case h.Level == 1 && top == 1:
			c.add(diag.Warning, CheckHeadings, p.File, h.Line,
				"the heading %q is a top-level heading (#), but the page title is the page's only top-level heading: use ## for it", h.Text)
		case h.Level <= top:
			c.add(diag.Warning, CheckHeadings, p.File, h.Line,
				"the heading %q is level %d, but headings inside a box start at level %d: use %s", h.Text, h.Level, top+1, strings.Repeat("#", top+1))
		case h.Level > prev+1:
			c.add(diag.Warning, CheckHeadings, p.File, h.Line,
				"the heading %q skips a level: it is level %d (%s) after a level %d heading; use %s so that screen reader users can follow the page's structure", h.Text, h.Level, strings.Repeat("#", h.Level), prev, strings.Repeat("#", prev+1))
		}
		prev = max(h.Level, top)
	}
}

// text is a piece of a page's text with the line it starts on.
type text struct {
	s       string
	line    int
	heading bool
}

// texts returns the text readers see on a page: title, summary and the
// text fields of its type from front matter, and the Markdown text outside
// code.
func (c *checker) texts(p *Page, docs []*markdown.Doc) []text {
	out := []text{
		{p.Title, p.Line("title"), true},
		{p.Summary, p.Line("summary"), false},
	}
	field := func(name string, vals ...string) {
		for _, v := range vals {
			if v != "" {
				out = append(out, text{v, p.Line(name), false})
			}
		}
	}
	if a := p.Arrangement; a != nil {
		field("requirement", a.Requirement)
	}
	if t := p.Threshold; t != nil {
		field("label", t.Label)
		field("response", t.Response)
		field("legal_basis", t.LegalBasis)
		field("indicators", t.Indicators.ChildDevelopment...)
		field("indicators", t.Indicators.ParentingCapacity...)
		field("indicators", t.Indicators.FamilyEnvironment...)
	}
	if b := p.Briefing; b != nil {
		for _, box := range b.Boxes {
			out = append(out, text{box.Heading, p.Line("boxes"), true})
		}
		field("source", b.Source)
		field("questions", b.Questions...)
	}
	if pr := p.Procedure; pr != nil {
		field("scope", pr.Scope)
		for _, st := range pr.Stages {
			field("stages", st.Who, st.Timescale, st.Action)
		}
	}
	if r := p.Report; r != nil {
		for _, t := range r.Tables {
			field("tables", t.Caption)
		}
	}
	for _, doc := range docs {
		if doc == nil {
			continue
		}
		for _, h := range doc.Headings {
			out = append(out, text{h.Text, h.Line, true})
		}
		out = append(out, docTexts(doc)...)
	}
	return out
}

// docTexts returns the text of a Markdown body outside headings, code and
// raw HTML, a piece per block, each with its line.
func docTexts(doc *markdown.Doc) []text {
	var out []text
	_ = ast.Walk(doc.Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading, *ast.CodeBlock, *ast.FencedCodeBlock, *ast.HTMLBlock, *ast.CodeSpan, *ast.RawHTML, *ast.AutoLink:
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			out = append(out, text{string(n.Segment.Value(doc.Source)), doc.LineOf(n), false})
		case *ast.String:
			out = append(out, text{string(n.Value), doc.LineOf(n), false})
		}
		return ast.WalkContinue, nil
	})
	return out
}

// acronyms warns about capitalised abbreviations that the glossary does
// not define (once per page each), and about defined ones used in a heading
// without being written out there.
func (c *checker) acronyms(p *Page, docs []*markdown.Doc) {
	reported := map[string]bool{}
	for _, t := range c.texts(p, docs) {
		words := words(t.s)
		if shouting(words) {
			continue
		}
		for _, w := range words {
			if !isAcronym(w) || w == Placeholder || plainCaps[w] {
				continue
			}
			if c.known[w] {
				if t.heading {
					if term := c.termOf(w); term != "" && !strings.Contains(strings.ToLower(t.s), strings.ToLower(term)) && !reported["h:"+w+t.s] {
						reported["h:"+w+t.s] = true
						c.add(diag.Warning, CheckAcronym, p.File, t.line,
							"the heading %q uses the abbreviation %s: write it out in headings (%s), because readers scan headings and not everyone knows it", t.s, w, term)
					}
				}
				continue
			}
			if reported[w] {
				continue
			}
			reported[w] = true
			c.add(diag.Warning, CheckAcronym, p.File, t.line,
				"%s is not in the glossary: add it to data/glossary.yaml with its meaning, or write the words out", w)
		}
	}
}

// plainCaps are words written in capitals that every reader knows.
var plainCaps = map[string]bool{"OK": true, "TV": true, "AM": true, "PM": true}

// termOf returns the written-out term of a defined acronym.
func (c *checker) termOf(acronym string) string {
	for _, t := range c.s.Glossary {
		if t.Acronym == acronym || t.Acronym+"s" == acronym {
			return t.Term
		}
		for _, a := range t.Aliases {
			if a == acronym {
				return t.Term
			}
		}
	}
	return ""
}

// words splits text into words of letters, digits and "&".
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '&'
	})
}

// isAcronym reports whether w looks like an abbreviation: 2 to 6 capital
// letters (digits and "&" allowed after the first), perhaps with a plural s.
func isAcronym(w string) bool {
	w = strings.TrimSuffix(w, "s")
	if len(w) < 2 || len(w) > 6 || w[0] < 'A' || w[0] > 'Z' {
		return false
	}
	letters := 0
	for i := 0; i < len(w); i++ {
		switch b := w[i]; {
		case b >= 'A' && b <= 'Z':
			letters++
		case b >= '0' && b <= '9', b == '&':
		default:
			return false
		}
	}
	return letters >= 2
}

// shouting reports text written all in capitals (a warning sign, a quoted
// heading), whose words are not abbreviations.
func shouting(ws []string) bool {
	n := 0
	for _, w := range ws {
		if strings.IndexFunc(w, unicode.IsLetter) < 0 {
			continue
		}
		if strings.ToUpper(w) != w {
			return false
		}
		n++
	}
	return n >= 4
}

// knownAcronyms lists the abbreviations the glossary defines: acronyms and
// aliases that are abbreviations, each with its plural.
func knownAcronyms(terms []Term) map[string]bool {
	out := map[string]bool{}
	add := func(w string) {
		if w != "" {
			out[w] = true
			out[w+"s"] = true
		}
	}
	for _, t := range terms {
		add(t.Acronym)
		for _, a := range t.Aliases {
			for _, w := range words(a) {
				if isAcronym(w) {
					add(w)
				}
			}
		}
	}
	return out
}

// placeholders finds text that `handbook new` left to be written. On a
// published page it is an error; on a draft a warning.
func (c *checker) placeholders(p *Page, docs []*markdown.Doc) {
	sev := diag.Error
	if p.Draft() {
		sev = diag.Warning
	}
	seen := map[int]bool{}
	report := func(line int, where string) {
		if seen[line] {
			return
		}
		seen[line] = true
		c.add(sev, CheckPlaceholder, p.File, line,
			"%s still has placeholder text (%s): replace it with the real text before the page is published", where, Placeholder)
	}
	for _, f := range []struct{ name, val string }{
		{"owner", p.Owner}, {"approved_by", p.ApprovedBy},
	} {
		if hasPlaceholder(f.val) {
			report(p.Line(f.name), f.name)
		}
	}
	for _, t := range c.texts(p, docs) {
		if hasPlaceholder(t.s) {
			report(t.line, "this line")
		}
	}
	if a := p.Arrangement; a != nil && hasPlaceholder(a.Section) {
		report(p.Line("section"), "section")
	}
	// A value the page cannot do without, left "to be confirmed".
	needed := []struct{ name, val string }{}
	if a := p.Arrangement; a != nil {
		needed = append(needed, struct{ name, val string }{"section", a.Section})
	}
	if t := p.Threshold; t != nil {
		needed = append(needed, struct{ name, val string }{"label", t.Label}, struct{ name, val string }{"response", t.Response})
	}
	for _, f := range needed {
		if toBeConfirmed.MatchString(strings.TrimSpace(f.val)) && !seen[p.Line(f.name)] {
			seen[p.Line(f.name)] = true
			c.add(sev, CheckPlaceholder, p.File, p.Line(f.name),
				"%s is %q: the page needs the real value before it is published", f.name, f.val)
		}
	}
	if pr := p.Procedure; pr != nil && hasPlaceholder(pr.Chapter) {
		report(p.Line("chapter"), "chapter")
	}
}

func hasPlaceholder(s string) bool {
	for _, w := range words(s) {
		if w == Placeholder {
			return true
		}
	}
	return false
}

// contacts warns about contact details nobody has checked for a while.
func (c *checker) contacts() {
	const file = "data/contacts.yaml"
	for _, ct := range c.s.Contacts {
		switch {
		case !ct.LastVerified.Set():
			c.add(diag.Warning, CheckContact, file, ct.Line,
				"contact %q has no last_verified date: check the details with the service, then add last_verified: %s", ct.ID, c.today.Format("2006-01-02"))
		case dateOf(ct.LastVerified.Time).After(c.today):
			c.add(diag.Warning, CheckContact, file, ct.Line,
				"contact %q: last_verified %s is in the future: use the date the details were checked", ct.ID, ct.LastVerified.ISO())
		case dateOf(ct.LastVerified.Time).AddDate(0, VerifyMonths, 0).Before(c.today):
			c.add(diag.Warning, CheckContact, file, ct.Line,
				"contact %q was last verified on %s, more than %d months ago: check the details with the service and update last_verified", ct.ID, ct.LastVerified.ISO(), VerifyMonths)
		}
	}
}

// toBeConfirmed matches a value left to be settled later.
var toBeConfirmed = regexp.MustCompile(`(?i)^(to be (confirmed|decided|agreed)|tbc|tbd|tba)\.?$`)
