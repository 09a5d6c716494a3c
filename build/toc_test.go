package build_test

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/rscp/handbook/build"
)

// TestOnThisPageLinksItsSections checks "On this page" on every page of
// the default site that has a side column: it lists every section heading
// of the page's main column (h2 and h3 with an id: the sections the layout
// writes, such as a threshold's "Who to contact" and "Indicators", and the
// Markdown headings), in the order the page shows them, each linking its
// heading by id, with the heading's words. "Updates to this page" is
// left out: "Last updated" links the page's history at the top.
func TestOnThisPageLinksItsSections(t *testing.T) {
	_, pages := builtPages(t, build.Options{SiteDir: "..", NoSearch: true})
	checked := map[string]int{}
	for path, doc := range pages {
		cols := findAll(doc, func(n *html.Node) bool { return hasClass(n, "govuk-grid-column-two-thirds") })
		if len(cols) == 0 || len(findAll(doc, func(n *html.Node) bool { return hasClass(n, "govuk-grid-column-one-third") })) == 0 {
			continue
		}
		var want []string
		for _, h := range findAll(cols[0], func(n *html.Node) bool { return (n.Data == "h2" || n.Data == "h3") && attr(n, "id") != "" }) {
			if attr(h, "id") != "page-updates" {
				want = append(want, "#"+attr(h, "id")+" "+text(h))
			}
		}
		var got []string
		for _, nav := range findAll(doc, func(n *html.Node) bool { return hasClass(n, "hb-toc") }) {
			for _, a := range findAll(nav, func(n *html.Node) bool { return n.Data == "a" }) {
				got = append(got, attr(a, "href")+" "+text(a))
			}
		}
		h2s := 0
		for _, w := range want {
			if h := byID(doc, strings.Fields(w)[0][1:]); h != nil && h.Data == "h2" {
				h2s++
			}
		}
		if h2s < 2 {
			want = nil // one section needs no contents list
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: On this page lists\n%q\nwant the page's sections in order\n%q", path, got, want)
		}
		for _, typ := range []string{"thresholds/level-", "procedures/", "reports/"} {
			if strings.HasPrefix(path, typ) && len(want) > 0 {
				checked[typ]++
			}
		}
	}
	for _, typ := range []string{"thresholds/level-", "procedures/", "reports/"} {
		if checked[typ] == 0 {
			t.Errorf("no page under %s has On this page: the test checks nothing there", typ)
		}
	}
	level := pages["thresholds/level-3/index.html"]
	toc := findAll(level, func(n *html.Node) bool { return hasClass(n, "hb-toc") })
	if len(toc) != 1 || !strings.HasPrefix(text(toc[0]), "On this page Who to contact Indicators") {
		t.Errorf("a threshold level's On this page does not start with its own sections: %v", toc)
	}
}
