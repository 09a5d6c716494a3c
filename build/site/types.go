// Package site is the domain model of a handbook: pages, sections, the
// navigation tree, glossary and contacts. It resolves links and validates
// the content, reporting problems by file and line. It never writes files.
package site

import (
	"fmt"
	"strings"
	"time"

	"github.com/rscp/handbook/build/markdown"
)

// Page types with their own fields.
const (
	TypeArrangement = "arrangement"
	TypeThreshold   = "threshold"
	TypeBriefing    = "briefing"
	TypeProcedure   = "procedure"
	TypeReport      = "report"
)

// Statuses.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
	StatusWithdrawn = "withdrawn"
)

// Date is a calendar date written YYYY-MM-DD. The zero Date means unset.
type Date struct{ time.Time }

// ParseDate parses YYYY-MM-DD, rejecting impossible dates like 2024-13-45.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date: write it as YYYY-MM-DD, for example 2024-06-30", s)
	}
	return Date{t}, nil
}

// UnmarshalText reads a date from the text of a YAML scalar, quoted or
// not; empty text or null leaves the date unset.
func (d *Date) UnmarshalText(text []byte) error {
	s := strings.Trim(strings.TrimSpace(string(text)), `"'`)
	if s == "" || s == "null" || s == "~" {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Set reports whether the date was given.
func (d Date) Set() bool { return !d.IsZero() }

// String formats the date for readers: "5 June 2024".
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format("2 January 2006")
}

// ISO formats the date as YYYY-MM-DD.
func (d Date) ISO() string {
	if d.IsZero() {
		return ""
	}
	return d.Format("2006-01-02")
}

// Cell is one value in a report table: text or a number as written.
type Cell string

// UnmarshalText takes the text of a YAML scalar as written: a number keeps
// its digits ("1.50" stays "1.50").
func (c *Cell) UnmarshalText(text []byte) error {
	*c = Cell(text)
	return nil
}

// Change is an amendment note written in front matter, for changes made
// before the git history starts.
type Change struct {
	Date Date   `yaml:"date"`
	Note string `yaml:"note"`
}

// Meta is the front matter every page may have.
type Meta struct {
	Title           string   `yaml:"title"`
	ShortTitle      string   `yaml:"short_title"` // for the site menu, where the title is too long
	Summary         string   `yaml:"summary"`
	Type            string   `yaml:"type"`
	ID              string   `yaml:"id"`
	Status          string   `yaml:"status"`
	Owner           string   `yaml:"owner"`
	ApprovedBy      string   `yaml:"approved_by"`
	LastReviewed    Date     `yaml:"last_reviewed"`
	NextReview      Date     `yaml:"next_review"`
	EffectiveFrom   Date     `yaml:"effective_from"`
	Audience        []string `yaml:"audience"`
	Sensitive       bool     `yaml:"sensitive"`
	Related         []string `yaml:"related"`
	Aliases         []string `yaml:"aliases"`
	Weight          int      `yaml:"weight"`
	Layout          string   `yaml:"layout"`
	Changes         []Change `yaml:"changes"`
	WithdrawnReason string   `yaml:"withdrawn_reason"`
	ReplacedBy      string   `yaml:"replaced_by"`
}

// Arrangement is a section of the multi-agency safeguarding arrangements.
type Arrangement struct {
	Section     string `yaml:"section"`
	Requirement string `yaml:"requirement"`
}

// Indicators are signs of need grouped by the three domains of the
// Assessment Framework.
type Indicators struct {
	ChildDevelopment  []string `yaml:"child_development"`
	ParentingCapacity []string `yaml:"parenting_capacity"`
	FamilyEnvironment []string `yaml:"family_environment"`
}

// Threshold is one level of the continuum of need.
type Threshold struct {
	Level      int        `yaml:"level"`
	Label      string     `yaml:"label"`
	Response   string     `yaml:"response"`
	LegalBasis string     `yaml:"legal_basis"`
	Route      string     `yaml:"route"`
	Indicators Indicators `yaml:"indicators"`
}

// Box is one of the seven boxes of a 7-minute briefing; Body is Markdown.
type Box struct {
	Heading string `yaml:"heading"`
	Body    string `yaml:"body"`
}

// Briefing is a 7-minute briefing.
type Briefing struct {
	Boxes      []Box    `yaml:"boxes"`
	Themes     []string `yaml:"themes"`
	Source     string   `yaml:"source"`
	Questions  []string `yaml:"questions"`
	Procedures []string `yaml:"procedures"`
}

// Stage is a step of an escalation route.
type Stage struct {
	Who       string `yaml:"who"`
	Timescale string `yaml:"timescale"`
	Action    string `yaml:"action"`
}

// Procedure is a multi-agency procedure.
type Procedure struct {
	Chapter  string   `yaml:"chapter"`
	Scope    string   `yaml:"scope"`
	Stages   []Stage  `yaml:"stages"`
	Levels   []int    `yaml:"levels"`
	Contacts []string `yaml:"contacts"`
}

// DataTable is a table of figures in a report.
type DataTable struct {
	ID      string   `yaml:"id"`
	Caption string   `yaml:"caption"`
	Unit    string   `yaml:"unit"`
	Columns []string `yaml:"columns"`
	Rows    [][]Cell `yaml:"rows"`
	Source  string   `yaml:"source"`
	Chart   string   `yaml:"chart"`
	// ChartColumns are the columns the chart draws; every column with
	// figures (not totals) when empty.
	ChartColumns []string `yaml:"chart_columns"`
}

// Report is an annual report or other report with figures.
type Report struct {
	PeriodStart Date        `yaml:"period_start"`
	PeriodEnd   Date        `yaml:"period_end"`
	Tables      []DataTable `yaml:"tables"`
}

// Page is one Markdown file of the site.
type Page struct {
	File      string // path from the site folder, for messages: "content/procedures/escalation.md"
	Path      string // path inside content/: "procedures/escalation.md"
	URL       string // "/procedures/escalation/"
	IsSection bool   // an _index.md: the page of a folder
	Meta
	Arrangement *Arrangement
	Threshold   *Threshold
	Briefing    *Briefing
	Procedure   *Procedure
	Report      *Report

	Body      *markdown.Doc   // the Markdown body
	BoxBodies []*markdown.Doc // a briefing's box bodies, in order
	// FieldLines holds the file line of each top-level front matter key,
	// so that a problem with a field points at it.
	FieldLines map[string]int
	// Unreadable marks a page whose file has an error that keeps it out
	// of the site (its front matter could not be read). The model keeps
	// it apart: links to it are not reported again, and its body, when
	// there is one, is still checked.
	Unreadable bool

	// Set by the model.
	Parent       *Page
	Children     []*Page // pages and sub-sections of a section, in order
	Prev         *Page
	Next         *Page
	RelatedPages []*Page
}

// Line returns the line of front matter field name, or 1.
func (p *Page) Line(field string) int {
	if l, ok := p.FieldLines[field]; ok {
		return l
	}
	return 1
}

// Draft reports whether the page is a draft.
func (p *Page) Draft() bool { return p.Status == StatusDraft }

// Withdrawn reports whether the page has been withdrawn.
func (p *Page) Withdrawn() bool { return p.Status == StatusWithdrawn }

// IsHome reports whether the page is the home page.
func (p *Page) IsHome() bool { return p.URL == "/" }

// Ancestors returns the sections above the page, from the top down, or
// nil for the home page. Every page's view asks for them: one allocation.
func (p *Page) Ancestors() []*Page {
	n := 0
	for a := p.Parent; a != nil; a = a.Parent {
		n++
	}
	if n == 0 {
		return nil
	}
	out := make([]*Page, n)
	for a := p.Parent; a != nil; a = a.Parent {
		n--
		out[n] = a
	}
	return out
}

// Term is a glossary entry.
type Term struct {
	Term       string   `yaml:"term"`
	Acronym    string   `yaml:"acronym"`
	Definition string   `yaml:"definition"`
	Aliases    []string `yaml:"aliases"`
	Line       int      `yaml:"-"`
}

// Anchor is the id of the term on the glossary page.
func (t Term) Anchor() string {
	if t.Acronym != "" {
		return markdown.Slug(t.Acronym)
	}
	return markdown.Slug(t.Term)
}

// Contact is a service people can call.
type Contact struct {
	ID           string `yaml:"id"`
	Service      string `yaml:"service"`
	Phone        string `yaml:"phone"`
	Email        string `yaml:"email"`
	Hours        string `yaml:"hours"`
	OutOfHours   string `yaml:"out_of_hours"`
	URL          string `yaml:"url"`
	LastVerified Date   `yaml:"last_verified"`
	Notes        string `yaml:"notes"`
	Line         int    `yaml:"-"`
}

// Redaction leaves a commit or a passage out of published page history;
// data/redactions.yaml lists them. Git is not rewritten: the text stays in
// the repository, but no history page, change page or feed shows it.
type Redaction struct {
	Commit string `yaml:"commit"` // a commit's hash, or its first 7 or more characters
	Text   string `yaml:"text"`   // a passage, shown as "[removed]" wherever history would show it
	Reason string `yaml:"reason"` // why, for the editors who come later
	Line   int    `yaml:"-"`
}

// Edition is a published edition of the content, declared in handbook.yaml.
type Edition struct {
	Name          string `yaml:"name"`
	Label         string `yaml:"label"`
	EffectiveFrom Date   `yaml:"effective_from"`
	Ref           string `yaml:"ref"`
	Dir           string `yaml:"dir"`
}

// MarkdownConfig configures Markdown.
type MarkdownConfig struct {
	UnsafeHTML bool `yaml:"unsafe_html"`
}

// QuickExitConfig configures the quick exit button.
type QuickExitConfig struct {
	URL      string   `yaml:"url"`
	Sections []string `yaml:"sections"` // top-level sections where every page has quick exit
	// Types are the page types (arrangement, briefing, …) and layouts
	// (home, page, contacts, search, glossary, amendments, 404, …) whose
	// pages have quick exit.
	Types []string `yaml:"types"`
}

// Config is handbook.yaml. Every field is optional.
type Config struct {
	Title       string          `yaml:"title"`
	Description string          `yaml:"description"`
	BaseURL     string          `yaml:"base_url"`
	Language    string          `yaml:"language"`
	Theme       string          `yaml:"theme"`
	Markdown    MarkdownConfig  `yaml:"markdown"`
	QuickExit   QuickExitConfig `yaml:"quick_exit"`
	Editions    []Edition       `yaml:"editions"`
	Footer      []FooterLink    `yaml:"footer"`
	History     HistoryConfig   `yaml:"history"`
	// RepoURL is the address of the site's repository on GitHub
	// (https://github.com/owner/name); with it every page links to its
	// file in GitHub's editor, on EditBranch ("main" when empty).
	RepoURL    string `yaml:"repo_url"`
	EditBranch string `yaml:"edit_branch"`
	// Status "example" marks a demonstration site: every page says so.
	Status string `yaml:"status"`
	// FrontDoor is the id of the contact in data/contacts.yaml that takes
	// concerns about a child (a MASH, a children's services front door):
	// the emergency line of practitioners' pages names it.
	FrontDoor string `yaml:"front_door"`
	// Logo is the partnership's logo in the header.
	Logo LogoConfig `yaml:"logo"`
}

// LogoConfig is an image shown in the header, at the start of the link to
// the home page, beside the site's title or instead of it.
type LogoConfig struct {
	// Src is an image under content/ (SVG, PNG, JPEG, GIF, WebP or AVIF),
	// such as images/logo.svg; empty for no logo.
	Src string `yaml:"src"`
	// Alt says in words what the logo says, for people who cannot see it.
	// It is read out only with HideTitle: beside the title the logo only
	// decorates, and reading both would say the name twice.
	Alt string `yaml:"alt"`
	// HideTitle shows the logo alone, for a logo that holds the
	// partnership's name; Alt is then required.
	HideTitle bool `yaml:"hide_title"`
}

// HistoryConfig says what page history publishes.
type HistoryConfig struct {
	// Authors is how the author of each change is shown.
	Authors AuthorDisplay `yaml:"authors"`
	// Team is the name shown for every change when Authors is "team";
	// the site's title when empty.
	Team string `yaml:"team"`
	// ChangePages is how many of a page's latest changes get a page of
	// their own showing the text changed; older changes are listed
	// without their text. 0 means the default, DefaultChangePages.
	ChangePages int `yaml:"change_pages"`
	// SiteChangePages bounds the change pages of the whole site: the
	// newest changes get them, up to this many. 0 means the default,
	// DefaultSiteChangePages for each page of the site, and at least
	// MinSiteChangePages.
	SiteChangePages int `yaml:"site_change_pages"`
}

// DefaultChangePages bounds the change pages of a page: a bulk edit of
// every page, repeated, adds no more than this many pages each.
const DefaultChangePages = 10

// DefaultSiteChangePages is the change pages the whole site gets, by
// default, for each of its pages: a long history (thousands of commits
// to thousands of pages) adds at most about twice the pages of the site,
// the newest changes first. A small site gets at least
// MinSiteChangePages, so that only a long history is cut short.
const (
	DefaultSiteChangePages = 2
	MinSiteChangePages     = 1000
)

// AuthorDisplay is how page history shows who made a change: "team" (one
// name for every change, the default: a public site need not name its
// staff), "names" (each author's name, as git's .mailmap gives it) or
// "none".
type AuthorDisplay string

// The ways of showing authors.
const (
	AuthorsTeam  AuthorDisplay = "team"
	AuthorsNames AuthorDisplay = "names"
	AuthorsNone  AuthorDisplay = "none"
)

// UnmarshalText accepts one of the three settings.
func (a *AuthorDisplay) UnmarshalText(b []byte) error {
	switch v := AuthorDisplay(strings.ToLower(strings.TrimSpace(string(b)))); v {
	case AuthorsTeam, AuthorsNames, AuthorsNone:
		*a = v
		return nil
	}
	return fmt.Errorf("history: authors must be team, names or none, not %q", b)
}

// StatusExample is the status of a demonstration site, whose contacts and
// local details are still to be confirmed.
const StatusExample = "example"

// FooterLink is an extra link in the footer.
type FooterLink struct {
	Text string `yaml:"text"`
	URL  string `yaml:"url"`
}

// Defaults fills in what handbook.yaml left out.
func (c *Config) Defaults() {
	if c.Title == "" {
		c.Title = "Handbook"
	}
	if c.Language == "" {
		c.Language = "en-GB"
	}
	if c.Theme == "" {
		c.Theme = "default"
	}
	if c.QuickExit.URL == "" {
		c.QuickExit.URL = "https://www.bbc.co.uk/weather"
	}
	if c.BaseURL == "" {
		c.BaseURL = "/"
	}
	if c.History.Authors == "" {
		c.History.Authors = AuthorsTeam
	}
	if c.History.Team == "" {
		c.History.Team = c.Title
	}
	if c.History.ChangePages <= 0 {
		c.History.ChangePages = DefaultChangePages
	}
	if !strings.HasSuffix(c.BaseURL, "/") {
		c.BaseURL += "/"
	}
}
