package render

import (
	"fmt"
	"html/template"
	"regexp"
	"strings"

	"github.com/rscp/handbook/build/output"
	"github.com/rscp/handbook/build/site"
)

// wholeDoc is a section of numbered guidance (the arrangements, a
// chapter of procedures) on one page, in order: what boards, inspectors
// and new staff read end to end, print, or save as PDF from the browser.
type wholeDoc struct {
	Section *site.Page
	Parts   []wholePart
	// EffectiveFrom is when the edition (else the section) came into force.
	EffectiveFrom *shownDate
}

// wholePart is one page of a WholeDoc.
type wholePart struct {
	*view
	Anchor string // the id of its heading on the whole page
	// Number is the page's section ("4") or chapter ("3.1"); "" when it
	// has none.
	Number string
}

// wholeURL is the site path of a section's WholeDoc.
func wholeURL(section *site.Page) string { return section.URL + "whole/" }

// hasWhole reports whether section gets a WholeDoc: a top-level section
// holding arrangements or procedures.
func hasWhole(s *site.Site, section *site.Page) bool {
	if section == nil || !section.IsSection || section.Parent != s.Home {
		return false
	}
	for _, p := range section.Children {
		if p.Arrangement != nil || p.Procedure != nil {
			return true
		}
	}
	return false
}

// wholeFiles renders the WholeDoc of every section of s that has one.
func (t *Theme) wholeFiles(s *site.Site, vs *Versions) ([]output.File, error) {
	var files []output.File
	for _, sec := range s.Sections {
		if !hasWhole(s, sec) {
			continue
		}
		doc := &wholeDoc{Section: sec}
		for _, p := range sec.Children {
			if p.Draft() || p.Withdrawn() || p.IsSection {
				continue
			}
			pv, err := t.pageView(s, p, "whole", vs)
			if err != nil {
				return nil, err
			}
			part := wholePart{view: pv, Anchor: "part-" + p.ID}
			if p.Arrangement != nil {
				part.Number = p.Arrangement.Section
			} else if p.Procedure != nil {
				part.Number = p.Procedure.Chapter
			}
			doc.Parts = append(doc.Parts, part)
		}
		if len(doc.Parts) == 0 {
			continue
		}
		var from site.Date
		if vs != nil && vs.Edition != nil && vs.Edition.From.Set() {
			from = vs.Edition.From
		} else if sec.EffectiveFrom.Set() {
			from = sec.EffectiveFrom
		}
		if from.Set() {
			d := dateText(from.Time)
			doc.EffectiveFrom = &d
		}
		// Links from one part to another go to its place on this page.
		anchors := map[string]string{}
		for _, part := range doc.Parts {
			anchors[s.Link(part.Page.URL)] = part.Anchor
		}
		for i := range doc.Parts {
			part := &doc.Parts[i]
			part.Content = template.HTML(inPage(string(part.Content), part.Anchor, anchors))
		}
		wp := t.syntheticPage(s, sec, wholeURL(sec), sec.Title+" in full", "")
		wp.Summary = "Every part of " + lowerFirst(sec.Title) + " on one page, in order, to read end to end, print or save as a PDF."
		v, err := t.pageView(s, wp, "whole", vs)
		if err != nil {
			return nil, err
		}
		v.Whole = doc
		data, err := t.execute("whole", v)
		if err != nil {
			return nil, fmt.Errorf("%s: whole page: %w", sec.File, err)
		}
		files = append(files, output.File{Path: outPath(wp.URL), Data: data})
	}
	return files, nil
}

func lowerFirst(s string) string {
	if s == "" || strings.ToUpper(s[:1]) != s[:1] || (len(s) > 1 && strings.ToUpper(s[1:2]) == s[1:2]) {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

var (
	headingTag = regexp.MustCompile(`<(/?)h([2-5])\b`)
	idAttr     = regexp.MustCompile(` id="([^"]+)"`)
	hrefAttr   = regexp.MustCompile(` href="([^"#]*)(#[^"]*)?"`)
)

// inPage fits a part's rendered body into the whole page: its headings
// one level down (under the part's own <h2>), its ids prefixed with the
// part's anchor so that they are unique on the page, and its links to
// its own headings and to the other parts made links within the page.
func inPage(h, anchor string, anchors map[string]string) string {
	h = headingTag.ReplaceAllStringFunc(h, func(m string) string {
		sub := headingTag.FindStringSubmatch(m)
		return "<" + sub[1] + "h" + string(sub[2][0]+1)
	})
	h = idAttr.ReplaceAllString(h, ` id="`+anchor+`-$1"`)
	return hrefAttr.ReplaceAllStringFunc(h, func(m string) string {
		sub := hrefAttr.FindStringSubmatch(m)
		path, frag := sub[1], strings.TrimPrefix(sub[2], "#")
		target := anchor
		if path != "" {
			a, ok := anchors[path]
			if !ok {
				return m
			}
			target = a
		}
		if frag == "" {
			return ` href="#` + target + `"`
		}
		return ` href="#` + target + "-" + frag + `"`
	})
}
