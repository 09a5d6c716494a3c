package render

import (
	"sort"
	"strings"

	"github.com/rscp/handbook/build/site"
)

// maxTitle is the longest <title> search engines show whole.
const maxTitle = 70

// docTitle is the text of a page's <title>: the page's title and the
// site's, shortened to maxTitle characters (the site's name goes first,
// then words of the page's title). A page of another edition says which
// edition it is and that it is not the one in force.
func docTitle(p *site.Page, siteTitle string, ed *EditionInfo) string {
	title := p.Title
	if p.IsHome() || title == "" {
		title = siteTitle
	}
	edition := editionSuffix(ed, false)
	if runeLen(title+edition) > maxTitle {
		edition = editionSuffix(ed, true)
	}
	if title != siteTitle {
		if full := title + edition + " – " + siteTitle; runeLen(full) <= maxTitle {
			return full
		}
	}
	return clip(title, maxTitle-runeLen(edition)) + edition
}

// editionSuffix is what a title says of an edition other than the
// current one; short names it by its name rather than its label.
func editionSuffix(ed *EditionInfo, short bool) string {
	if ed == nil || ed.Current {
		return ""
	}
	name := ed.Label
	if short || name == "" {
		name = ed.Name
	}
	if ed.Upcoming {
		return " (" + name + " edition, not yet in force)"
	}
	return " (superseded " + name + " edition)"
}

// clip shortens s to at most n characters, at a word boundary, ending
// with an ellipsis when it cut anything.
func clip(s string, n int) string {
	if runeLen(s) <= n {
		return s
	}
	r := []rune(s)
	cut := string(r[:max(0, n-1)])
	if i := strings.LastIndexByte(cut, ' '); i > 0 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:–-") + "…"
}

func runeLen(s string) int { return len([]rune(s)) }

// maxDescription is the longest meta description search engines show.
const maxDescription = 160

// description is the page's meta description: its summary, else a
// sentence about a generated page, else the start of what it says.
func (v *view) description() string {
	p := v.Page
	if p.Summary != "" {
		return p.Summary
	}
	switch {
	case v.Change != nil && v.Subject != nil:
		return clip("What changed in “"+v.Subject.Title+"” on "+readerDate(v.Change.Date)+", with the text before and after.", maxDescription)
	case v.Subject != nil:
		return clip("When “"+v.Subject.Title+"” changed and what changed, newest first.", maxDescription)
	case v.Compare != nil && v.Compare.Old != nil && v.Compare.New != nil:
		return clip("Which pages changed between the "+v.Compare.Old.Label+" and "+v.Compare.New.Label+" editions, and how.", maxDescription)
	case p.URL == "/404.html":
		return "The page you asked for is not on this site. Search the site or start from the home page."
	}
	text := strings.Join(strings.Fields(htmlText(string(v.Content))), " ")
	if text == "" {
		return v.Site.Config.Description
	}
	return clip(text, maxDescription)
}

// Worried and contacts pages: every page links them (see HelpRoute).
const (
	WorriedID  = "worried-about-a-child"
	ContactsID = "contacts"
)

// helpRoute links the pages every page offers a reader looking for help:
// what to do when worried about a child, who to contact, and what has
// changed. Each is "" when the site has no such page. They are the
// current edition's pages, also on another edition's pages.
type helpRoute struct {
	Worried, Contacts, Changes string
}

// helpRoute is the HelpRoute of the page's site.
func (v *view) helpRoute() helpRoute {
	s := v.currentSite()
	link := func(id string) string {
		if p := s.ByID[id]; p != nil && !p.Withdrawn() && !p.Draft() {
			return s.Link(p.URL)
		}
		return ""
	}
	h := helpRoute{Worried: link(WorriedID), Contacts: link(ContactsID)}
	for _, p := range s.Pages {
		if p.Layout == "amendments" && !p.Withdrawn() {
			h.Changes = s.Link(p.URL)
			break
		}
	}
	return h
}

// currentSite is the site of the current edition: the page's own, or
// the current edition's when the page is another edition's.
func (v *view) currentSite() *site.Site {
	if v.Versions != nil && v.Edition != nil && !v.Edition.Current {
		for _, e := range v.Versions.Editions {
			if e.Current && e.Site != nil {
				return e.Site
			}
		}
	}
	return v.Site
}

// datedPage is a page with the date it was first published (nil when
// not known), for lists ordered by date.
type datedPage struct {
	*site.Page
	Published *shownDate
}

// BriefingsByDate lists the site's 7-minute briefings, newest first by
// the date each was first published; briefings without a known date
// follow, in their usual order.
func (v *view) BriefingsByDate() []datedPage {
	var out []datedPage
	for _, p := range v.Site.Pages {
		if p.Briefing == nil || p.Withdrawn() || p.Draft() {
			continue
		}
		d := datedPage{Page: p}
		if v.Versions != nil {
			if h := v.Versions.History[p]; h != nil && !h.Published.IsZero() {
				t := dateText(h.Published)
				d.Published = &t
			}
		}
		out = append(out, d)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Published, out[j].Published
		switch {
		case a == nil || b == nil:
			return a != nil && b == nil
		case a.ISO != b.ISO:
			return a.ISO > b.ISO
		}
		return false
	})
	return out
}

// BriefingThemes are the themes of the site's briefings, in the order
// first met, each with its briefings: the briefings index lists them, and
// a briefing's themes link there.
func (v *view) BriefingThemes() []briefingTheme {
	var out []briefingTheme
	index := map[string]int{}
	for _, d := range v.BriefingsByDate() {
		for _, slug := range d.Briefing.Themes {
			i, ok := index[slug]
			if !ok {
				i = len(out)
				index[slug] = i
				out = append(out, briefingTheme{Slug: slug, Label: themeLabel(slug)})
			}
			out[i].Pages = append(out[i].Pages, d.Page)
		}
	}
	return out
}

// briefingTheme is a theme of 7-minute briefings.
type briefingTheme struct {
	Slug, Label string
	Pages       []*site.Page
}

// themeLabel turns a theme's slug into words: "child-criminal-exploitation"
// is "Child criminal exploitation".
func themeLabel(slug string) string {
	s := strings.TrimSpace(strings.ReplaceAll(slug, "-", " "))
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
