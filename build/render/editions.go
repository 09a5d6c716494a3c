package render

import (
	"sort"
	"strings"
	"time"

	"github.com/rscp/handbook/build/history"
	"github.com/rscp/handbook/build/site"
)

// EditionInfo describes one published edition of the site.
type EditionInfo struct {
	Name     string
	Label    string
	From     site.Date // in force from; unset when handbook.yaml does not say
	Until    site.Date // in force until, for an archived edition whose successor has a date
	Current  bool      // built at the root of the site
	Upcoming bool      // comes into force after the build date
	// Overdue marks an edition newer than the current one that has come
	// into force, but that handbook.yaml does not list first yet. It is
	// shown as the next edition, saying it is in force.
	Overdue bool
	// Next is the edition that replaced an archived one.
	Next *EditionInfo
	// Site is the edition's model; nil when it could not be built.
	Site *site.Site
}

// Status is "current", "upcoming" or "archived".
func (e *EditionInfo) Status() string {
	switch {
	case e.Current:
		return "current"
	case e.Upcoming:
		return "upcoming"
	}
	return "archived"
}

// CompareURL links the edition's compare page; "" for the current edition.
func (e *EditionInfo) CompareURL() string {
	if e.Current || e.Site == nil {
		return ""
	}
	return e.Site.Link("/compare/")
}

// Find returns the page of the edition with the given id, or, when it has
// none, the nearest of fallbacks (page ids, nearest first) that it has, or
// its home page. exact says whether the page itself was found.
func (e *EditionInfo) Find(id string, fallbacks ...string) (p *site.Page, exact bool) {
	if e.Site == nil {
		return nil, false
	}
	if p := e.Site.ByID[id]; p != nil && id != "" && !p.Draft() {
		return p, !p.Withdrawn()
	}
	for _, f := range fallbacks {
		if p := e.Site.ByID[f]; p != nil && !p.Withdrawn() && !p.Draft() {
			return p, false
		}
	}
	return e.Site.Home, false
}

// switchLink is one entry of the version switcher.
type switchLink struct {
	Edition *EditionInfo
	URL     string
	Title   string // the page it goes to
	Exact   bool   // the same page (same id) in that edition
	Viewing bool   // the edition of the page being read
}

// banner tells a reader of an archived or upcoming edition what they are
// reading and links the page in force now.
type banner struct {
	Edition *EditionInfo
	URL     string // the current page with the same id, or its section
	Title   string
	Exact   bool
	// Generated is set on pages the build makes (the compare page), which
	// no edition has: the banner links the current edition's home page.
	Generated bool
}

// Notice tells a reader of a current page that an upcoming edition
// changes it.
type Notice struct {
	Edition    *EditionInfo
	URL        string // the page in the upcoming edition ("" when it is removed)
	CompareURL string
	Removed    bool
}

// pageChange is one page that differs between two editions.
type pageChange struct {
	ID       string
	Old, New *site.Page
	Blocks   []diffBlockView // word-level diff of the page's text; nil when the text is the same
	// WordsAdded and WordsRemoved say how much changed.
	WordsAdded, WordsRemoved int
}

// countWords counts the words added and removed in blocks.
func countWords(blocks []diffBlockView) (added, removed int) {
	count := func(segs []diffSegment) {
		for _, sg := range segs {
			n := len(strings.Fields(strings.ReplaceAll(sg.Text, "|", " ")))
			switch {
			case sg.Inserted:
				added += n
			case sg.Deleted:
				removed += n
			}
		}
	}
	for _, b := range blocks {
		count(b.Segments)
		for _, row := range b.Rows {
			for _, cell := range row {
				count(cell)
			}
		}
	}
	return added, removed
}

// Anchor is the id of the page's entry on the compare page.
func (c pageChange) Anchor() string { return "page-" + c.ID }

// Comparison lists what changed from an older edition to a newer one.
type Comparison struct {
	Old, New  *EditionInfo
	Added     []*site.Page // only in the newer edition
	Removed   []*site.Page // only in the older one, or withdrawn in the newer
	Renamed   []pageChange // same id at a new address
	Changed   []pageChange // text changed
	Unchanged int
}

// Compare compares two editions page by page, matching pages by id. Pages
// the theme adds (accessibility, glossary) and the site's own pages
// (browsing safely, about) are left out: an edition is its guidance.
// Diffs come from cache (which may be nil).
func Compare(oldEd, newEd *EditionInfo, cache *history.DiffCache) *Comparison {
	c := &Comparison{Old: oldEd, New: newEd}
	if oldEd.Site == nil || newEd.Site == nil {
		return c
	}
	// A page counts when it is the edition's own guidance; a page the
	// theme adds (the accessibility statement, say) is the same in every
	// edition, and a site page is about the website, not the arrangements.
	typed := hasTypes(oldEd.Site) || hasTypes(newEd.Site)
	content := func(p *site.Page) bool {
		return p != nil && p.File != "" && !isThemePage(p) && !p.Draft() && !(typed && isSitePage(p))
	}
	live := func(p *site.Page) bool { return p != nil && !p.Withdrawn() && !p.Draft() }
	for _, np := range newEd.Site.Pages {
		if !content(np) || !live(np) {
			continue
		}
		if op := oldEd.Site.ByID[np.ID]; !live(op) {
			c.Added = append(c.Added, np)
		}
	}
	for _, op := range oldEd.Site.Pages {
		if !content(op) || !live(op) {
			continue
		}
		np := newEd.Site.ByID[op.ID]
		if !live(np) {
			c.Removed = append(c.Removed, op)
			continue
		}
		if !content(np) {
			continue
		}
		ch := pageChange{ID: op.ID, Old: op, New: np}
		a, b := PageText(oldEd.Site.Markdown, op), PageText(newEd.Site.Markdown, np)
		if a != b {
			ch.Blocks = diffBlocks(cache.Paragraphs(a, b), 1)
			ch.WordsAdded, ch.WordsRemoved = countWords(ch.Blocks)
			c.Changed = append(c.Changed, ch)
		}
		if op.URL != np.URL {
			c.Renamed = append(c.Renamed, ch)
		}
		if a == b && op.URL == np.URL {
			c.Unchanged++
		}
	}
	byURL := func(ps []*site.Page) {
		sort.Slice(ps, func(i, j int) bool { return ps[i].URL < ps[j].URL })
	}
	byURL(c.Added)
	byURL(c.Removed)
	return c
}

// isSitePage reports whether p is about the website rather than part of
// the guidance, on a site that keeps its guidance in typed pages: the
// home page, and a plain page (no type) that is not a section, outside
// every section (browsing safely, about, contacts). A site of plain pages
// only has no way to tell them apart: every page counts.
func isSitePage(p *site.Page) bool {
	return p.IsHome() || (p.Type == "" && !p.IsSection && (p.Parent == nil || p.Parent.IsHome()))
}

// hasTypes reports whether s has pages of a type (arrangement, …).
func hasTypes(s *site.Site) bool {
	for _, p := range s.Pages {
		if p.Type != "" {
			return true
		}
	}
	return false
}

func isThemePage(p *site.Page) bool {
	return len(p.File) > 7 && p.File[:7] == "(theme)"
}

// Changes returns the notices for the current edition's pages that
// upcoming editions change, by page id.
func Changes(upcoming []*Comparison) map[string][]Notice {
	out := map[string][]Notice{}
	for _, c := range upcoming {
		for _, ch := range c.Changed {
			out[ch.ID] = append(out[ch.ID], Notice{Edition: c.New, URL: c.New.Site.Link(ch.New.URL), CompareURL: c.New.CompareURL() + "#" + ch.Anchor()})
		}
		for _, ch := range c.Renamed {
			if ch.Blocks == nil {
				out[ch.ID] = append(out[ch.ID], Notice{Edition: c.New, URL: c.New.Site.Link(ch.New.URL), CompareURL: c.New.CompareURL() + "#" + ch.Anchor()})
			}
		}
		for _, p := range c.Removed {
			out[p.ID] = append(out[p.ID], Notice{Edition: c.New, CompareURL: c.New.CompareURL() + "#removed", Removed: true})
		}
	}
	return out
}

// Upcoming reports whether an edition in force from date is still to come
// at now.
func Upcoming(from site.Date, now time.Time) bool {
	if !from.Set() {
		return false
	}
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return from.After(today)
}
