package render

import (
	"fmt"

	"github.com/rscp/handbook/build/markdown"
	"github.com/rscp/handbook/build/site"
)

// tocItem is a level-2 heading of View.TOCTree and the level-3 headings
// under it.
type tocItem struct {
	markdown.Heading
	Children []markdown.Heading
}

// onThisPage lists the sections of p for "On this page", in the order the
// page shows them: the sections its layout writes from front matter (a
// threshold's "Who to contact" and "Indicators", a procedure's "Stages"
// and "Contacts", a report's "Figures") around the headings of its
// Markdown body, toc. The ids and titles are those the default theme's
// layouts give these headings; TestOnThisPageLinksItsSections checks that
// every entry links a heading of the rendered page.
func onThisPage(p *site.Page, layout string, toc []markdown.Heading) []tocItem {
	var before, after []tocItem
	switch {
	case layout == site.TypeThreshold && p.Threshold != nil:
		before = append(before, tocItem{Heading: h2("hb-route", "Who to contact")})
		indicators := tocItem{Heading: h2("hb-indicators", "Indicators")}
		for _, d := range site.Domains(p.Threshold) {
			if len(d.Items) > 0 {
				indicators.Children = append(indicators.Children, markdown.Heading{Level: 3, ID: d.ID, Text: d.Title})
			}
		}
		before = append(before, indicators)
	case layout == site.TypeProcedure && p.Procedure != nil:
		if len(p.Procedure.Stages) > 0 {
			before = append(before, tocItem{Heading: h2("hb-stages", "Stages")})
		}
		if len(p.Procedure.Contacts) > 0 {
			after = append(after, tocItem{Heading: h2("hb-contacts", "Contacts")})
		}
	case layout == site.TypeReport && p.Report != nil && len(p.Report.Tables) > 0:
		figures := tocItem{Heading: h2("hb-figures", "Figures")}
		for i := range p.Report.Tables {
			t := &p.Report.Tables[i]
			if t.Chart != "" {
				figures.Text = "Figures and charts"
			}
			id := t.ID
			if id == "" {
				id = fmt.Sprint(i + 1)
			}
			figures.Children = append(figures.Children, markdown.Heading{Level: 3, ID: "figure-" + id, Text: tableCaption(t)})
		}
		after = append(after, figures)
	}
	return append(append(before, tocTree(toc)...), after...)
}

func h2(id, text string) markdown.Heading { return markdown.Heading{Level: 2, ID: id, Text: text} }

// tocTree nests the level-3 headings of toc under their level-2 heading.
func tocTree(toc []markdown.Heading) []tocItem {
	var out []tocItem
	for _, h := range toc {
		if h.Level == 3 && len(out) > 0 {
			out[len(out)-1].Children = append(out[len(out)-1].Children, h)
			continue
		}
		if h.Level == 2 {
			out = append(out, tocItem{Heading: h})
		}
	}
	return out
}
