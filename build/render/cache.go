package render

import (
	"html/template"
	"strings"
	"time"

	"github.com/rscp/handbook/build/markdown"
	"github.com/rscp/handbook/build/site"
)

// snippetKey names HTML that depends only on the site and a string: a
// contact card (by contact id) or short Markdown from front matter. The
// same contact or stage text appears on many pages; it is rendered once
// per site. Keys hold the text itself and contacts are not changed by a
// page edit (site.PageEdit), so entries live as long as the theme, like
// its parts.
type snippetKey struct {
	site *site.Site
	kind byte // 'c' contact card, 'i' inline Markdown
	text string
}

// snippet returns the HTML for k, calling render the first time. Two
// goroutines may render the same snippet at once; they get equal HTML.
func (t *Theme) snippet(k snippetKey, render func() template.HTML) template.HTML {
	t.snippetsMu.RLock()
	h, ok := t.snippets[k]
	t.snippetsMu.RUnlock()
	if ok {
		return h
	}
	h = render()
	t.snippetsMu.Lock()
	t.snippets[k] = h
	t.snippetsMu.Unlock()
	return h
}

// contactCard is the card of contact id; "" when the site has none.
func (t *Theme) contactCard(s *site.Site, id string) template.HTML {
	return t.snippet(snippetKey{s, 'c', id}, func() template.HTML {
		c := s.Contact[id]
		if c == nil {
			return ""
		}
		var b strings.Builder
		markdown.WriteContactCard(&b, s.ContactInfo(c))
		return template.HTML(b.String())
	})
}

// contactEntry is the card of contact id on the contacts page, whose
// title would otherwise link to the card itself.
func (t *Theme) contactEntry(s *site.Site, id string) template.HTML {
	return t.snippet(snippetKey{s, 'e', id}, func() template.HTML {
		c := s.Contact[id]
		if c == nil {
			return ""
		}
		info := s.ContactInfo(c)
		info.URL = ""
		var b strings.Builder
		markdown.WriteContactCard(&b, info)
		return template.HTML(b.String())
	})
}

// inline renders short Markdown from front matter (stage actions,
// questions) without its paragraph.
func (t *Theme) inline(s *site.Site, text string) template.HTML {
	return t.snippet(snippetKey{s, 'i', text}, func() template.HTML {
		out, _ := renderMarkdown(s.Markdown, s.Markdown.Parse([]byte(text), 0))
		out = strings.TrimSpace(out)
		if strings.HasPrefix(out, "<p>") && strings.HasSuffix(out, "</p>") && strings.Count(out, "<p>") == 1 {
			out = strings.TrimSuffix(strings.TrimPrefix(out, "<p>"), "</p>")
		}
		return template.HTML(out)
	})
}

// siteData is what every page of a site needs the same of, made once
// per site (and theme) instead of once per page.
type siteData struct {
	// empty is the body of generated pages (history, change, compare):
	// one parsed empty document, only read, instead of parsing and
	// rendering nothing for each of them.
	empty     *markdown.Doc
	emptyHTML string
	emptyOK   bool                // emptyHTML is empty's; else pages render it themselves
	absPrefix string              // what s.AbsURL puts before s.Link (url.Parse once)
	asset     func(string) string // View.Asset
	// amendments links the site's amendments page (View.AmendmentsURL).
	amendments string
	// levels holds the first threshold page of each level (the byLevel
	// template func): every threshold page asks for the levels either
	// side of its own, and scanning the pages each time is quadratic.
	levels map[int]*site.Page
}

func (t *Theme) siteData(s *site.Site) *siteData {
	if d, ok := t.sites.Load(s); ok {
		return d.(*siteData)
	}
	d := &siteData{empty: s.Markdown.Parse(nil, 0)}
	h, err := renderMarkdown(s.Markdown, d.empty)
	d.emptyHTML, d.emptyOK = h, err == nil
	d.absPrefix = strings.TrimSuffix(s.AbsURL("/"), s.Link("/"))
	d.asset = func(name string) string {
		return s.RootLink("/" + t.AssetDir + strings.TrimPrefix(name, "/"))
	}
	d.amendments = s.Link("/amendments/")
	for _, p := range s.Pages {
		if p.Layout == "amendments" {
			d.amendments = s.Link(p.URL)
			break
		}
	}
	d.levels = map[int]*site.Page{}
	for _, p := range s.Pages {
		if th := p.Threshold; th != nil && d.levels[th.Level] == nil {
			d.levels[th.Level] = p
		}
	}
	got, _ := t.sites.LoadOrStore(s, d)
	return got.(*siteData)
}

// newestDate dates a feed with no dated change (a build without git
// history): the newest last_reviewed or effective_from date of the site's
// pages up to now (the build's date), or now when there is none.
func newestDate(s *site.Site, now time.Time) time.Time {
	var newest time.Time
	for _, p := range s.Pages {
		for _, d := range []site.Date{p.LastReviewed, p.EffectiveFrom} {
			if d.After(newest) && !d.After(now) {
				newest = d.Time
			}
		}
	}
	if newest.IsZero() {
		// The day of the build: the same for every build of the day, so
		// that a rebuild that changes nothing changes no feed.
		y, m, d := now.UTC().Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return newest
}

// absURL is s.AbsURL(sitePath).
func (t *Theme) absURL(s *site.Site, sitePath string) string {
	return t.siteData(s).absPrefix + s.Link(sitePath)
}
