package build_test

import (
	"bytes"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/output"
	"github.com/rscp/handbook/build/site"
)

// TestDefaultSite builds the repository's own content, as a fresh clone
// would, and checks every page a reader can open.
func TestDefaultSite(t *testing.T) {
	res, err := build.Build(build.Options{SiteDir: ".."})
	if err != nil {
		t.Fatalf("the default site does not build:\n%v", err)
	}
	site, err := output.NewMemory(res.Files)
	if err != nil {
		t.Fatal(err)
	}
	pages := 0
	for _, p := range site.Paths() {
		if !strings.HasSuffix(p, ".html") {
			continue
		}
		data, _ := site.Get(p)
		if bytes.Contains(data, []byte(`http-equiv="refresh"`)) {
			continue // a redirect page for an alias
		}
		pages++
		checkPage(t, site, p, data)
	}
	if pages < 40 {
		t.Errorf("only %d pages built; the default content has more", pages)
	}
	for _, want := range []string{"index.html", "robots.txt", "404.html", "accessibility/index.html",
		"thresholds/index.html", "procedures/escalation/index.html", "contacts/index.html", "glossary/index.html", "arrangements/index.html"} {
		if _, ok := site.Get(want); !ok {
			t.Errorf("the default site has no %s", want)
		}
	}
}

// checkPage asserts what every page must have to be valid and accessible.
func checkPage(t *testing.T, site *output.Memory, file string, data []byte) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Errorf("%s: not HTML: %v", file, err)
		return
	}
	ids := map[string]int{}
	var h1s, mains, headers, footers int
	var lang, firstLink string
	var links []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				switch a.Key {
				case "id":
					ids[a.Val]++
				case "style":
					t.Errorf("%s: inline style attribute on <%s>: the Content-Security-Policy forbids it", file, n.Data)
				case "lang":
					if n.Data == "html" {
						lang = a.Val
					}
				case "href":
					if n.Data == "a" || n.Data == "link" {
						links = append(links, a.Val)
					}
					if n.Data == "a" && firstLink == "" {
						firstLink = a.Val
					}
				case "src":
					links = append(links, a.Val)
				}
				if strings.HasPrefix(a.Key, "on") {
					t.Errorf("%s: event handler attribute %s on <%s>", file, a.Key, n.Data)
				}
			}
			switch n.Data {
			case "h1":
				h1s++
			case "main":
				mains++
			case "header":
				headers++
			case "footer":
				footers++
			case "script":
				if n.FirstChild != nil && strings.TrimSpace(n.FirstChild.Data) != "" {
					t.Errorf("%s: inline script", file)
				}
			case "style":
				t.Errorf("%s: inline <style>", file)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for id, n := range ids {
		if n > 1 {
			t.Errorf("%s: id %q is used %d times", file, id, n)
		}
	}
	if h1s != 1 {
		t.Errorf("%s: %d h1 elements, want exactly 1", file, h1s)
	}
	if lang != "en-GB" {
		t.Errorf("%s: html lang=%q, want en-GB", file, lang)
	}
	if firstLink != "#main-content" {
		t.Errorf("%s: the first link is %q, want the skip link to #main-content", file, firstLink)
	}
	if mains != 1 || headers < 1 || footers < 1 {
		t.Errorf("%s: landmarks: %d main, %d header, %d footer", file, mains, headers, footers)
	}
	if ids["main-content"] != 1 {
		t.Errorf("%s: no element with id main-content for the skip link", file)
	}
	base := "/" + path.Dir(file) + "/"
	for _, l := range links {
		checkLink(t, site, file, base, l, ids)
	}
}

// checkLink asserts that a link inside the site leads to a file that exists
// and, with a fragment on the same page, to an element that exists.
func checkLink(t *testing.T, site *output.Memory, file, base, link string, ids map[string]int) {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Errorf("%s: bad link %q", file, link)
		return
	}
	if u.Scheme != "" || u.Host != "" {
		return
	}
	if u.Path == "" {
		if u.Fragment != "" && ids[u.Fragment] == 0 {
			t.Errorf("%s: link to #%s, which is not on the page", file, u.Fragment)
		}
		return
	}
	p := u.Path
	if !strings.HasPrefix(p, "/") {
		p = path.Join(base, p)
	}
	target := strings.TrimPrefix(p, "/")
	if strings.HasSuffix(p, "/") || target == "" {
		target += "index.html"
	}
	if target == "search/index.html" {
		return // answered by the search function on the hosted site
	}
	if _, ok := site.Get(target); !ok {
		t.Errorf("%s: link to %s, which is not in the built site", file, link)
	}
}

func TestMain(m *testing.M) {
	// The tests build ../ (the repository's own site); make sure they run
	// from this package's folder whatever the caller's working directory.
	if _, err := os.Stat("../handbook.yaml"); err != nil {
		panic("run the tests from the build package folder")
	}
	os.Exit(m.Run())
}

// builtPages builds a site and returns its HTML pages by path, parsed.
func builtPages(t *testing.T, opts build.Options) (*build.Result, map[string]*html.Node) {
	t.Helper()
	res, err := build.Build(opts)
	if err != nil {
		t.Fatalf("the site does not build:\n%v", err)
	}
	pages := map[string]*html.Node{}
	for _, f := range res.Files {
		if !strings.HasSuffix(f.Path, ".html") || bytes.Contains(f.Data, []byte(`http-equiv="refresh"`)) {
			continue
		}
		doc, err := html.Parse(bytes.NewReader(f.Data))
		if err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		pages[f.Path] = doc
	}
	return res, pages
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	return n.Type == html.ElementNode && strings.Contains(" "+attr(n, "class")+" ", " "+class+" ")
}

// findAll returns the elements under n (n included) for which match holds.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func byID(doc *html.Node, id string) *html.Node {
	if els := findAll(doc, func(n *html.Node) bool { return attr(n, "id") == id }); len(els) > 0 {
		return els[0]
	}
	return nil
}

func text(n *html.Node) string {
	var b strings.Builder
	for _, t := range findAllText(n) {
		b.WriteString(t)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func findAllText(n *html.Node) []string {
	if n.Type == html.TextNode {
		return []string{n.Data}
	}
	var out []string
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		out = append(out, findAllText(c)...)
	}
	return out
}

// TestThresholdOverview checks the matrix of levels × domains: every level
// of the site is there, each with the three domains, and every indicator of
// every level page has its own anchor on the overview, prefixed with its
// level, with a link to itself.
func TestThresholdOverview(t *testing.T) {
	res, pages := builtPages(t, build.Options{SiteDir: "..", NoSearch: true})
	doc := pages["thresholds/index.html"]
	if doc == nil {
		t.Fatal("no thresholds/index.html")
	}
	if tables := findAll(doc, func(n *html.Node) bool { return n.Data == "table" }); len(tables) > 0 {
		t.Errorf("the overview has %d <table>: a matrix that must become a list on a phone is not a table", len(tables))
	}
	levels := 0
	indicators := 0
	for _, p := range res.Site.Pages {
		if p.Threshold == nil || p.Draft() || p.Withdrawn() {
			continue
		}
		levels++
		lv := "level-" + strconv.Itoa(p.Threshold.Level)
		li := byID(doc, lv)
		if li == nil || !hasClass(li, "hb-level") {
			t.Errorf("no <li class=hb-level id=%s> for %s", lv, p.URL)
			continue
		}
		if links := findAll(li, func(n *html.Node) bool { return attr(n, "href") == p.URL }); len(links) == 0 {
			t.Errorf("%s on the overview does not link to %s", lv, p.URL)
		}
		for _, d := range site.Domains(p.Threshold) {
			cell := byID(li, lv+"-"+d.ID)
			if cell == nil {
				t.Errorf("%s has no cell %s-%s for %q", lv, lv, d.ID, d.Title)
				continue
			}
			for _, it := range d.Items {
				indicators++
				id := lv + "-" + it.ID
				el := byID(cell, id)
				if el == nil {
					t.Errorf("indicator %q of %s has no anchor #%s in its cell on the overview", it.Text, p.URL, id)
					continue
				}
				if !strings.Contains(text(el), it.Text) {
					t.Errorf("#%s reads %q, want %q", id, text(el), it.Text)
				}
				if self := findAll(el, func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == "#"+id }); len(self) != 1 {
					t.Errorf("#%s has %d links to itself, want 1", id, len(self))
				}
			}
		}
	}
	if levels < 2 || indicators < 10 {
		t.Errorf("the default site has %d levels and %d indicators; the test expected more", levels, indicators)
	}
	// The page's own text no longer lists the levels: the matrix does.
	if prose := findAll(doc, func(n *html.Node) bool { return hasClass(n, "hb-prose") }); len(prose) == 1 {
		if strings.Contains(text(prose[0]), "Level 1: Universal") {
			t.Error("content/thresholds/_index.md still lists the levels that the matrix shows")
		}
	}
}

// TestQuickExitDefaultSite checks where the default site shows Exit this
// page (sensitive pages and the sections and page types handbook.yaml
// lists: the pages the public reaches from the route to help), that it
// comes before the header, in a landmark with the link to the page on
// browsing safely, and that every page links the route to help.
func TestQuickExitDefaultSite(t *testing.T) {
	res, pages := builtPages(t, build.Options{SiteDir: "..", NoSearch: true})
	safety := res.Site.ByID["browsing-safely"]
	if safety == nil {
		t.Fatal("the default site has no page with id browsing-safely")
	}
	want := map[string]bool{
		"index.html": true, "worried-about-a-child/index.html": true, "contacts/index.html": true,
		"search/index.html": true, "glossary/index.html": true, "amendments/index.html": true, "404.html": true,
		"briefings/index.html": true, "briefings/online-safety/index.html": true,
		"briefings/child-criminal-exploitation/index.html": true, "browsing-safely/index.html": true,
		"procedures/escalation/index.html": false, "thresholds/level-3/index.html": false,
		"arrangements/governance/index.html": false, "reports/index.html": false,
	}
	for file, on := range want {
		doc := pages[file]
		if doc == nil {
			t.Errorf("%s was not built", file)
			continue
		}
		exit := findAll(doc, func(n *html.Node) bool { return hasClass(n, "govuk-exit-this-page") })
		if !on {
			if len(exit) > 0 {
				t.Errorf("%s shows Exit this page; handbook.yaml does not ask for it there", file)
			}
			continue
		}
		if len(exit) != 1 {
			t.Errorf("%s: %d Exit this page components, want 1", file, len(exit))
			continue
		}
		if btn := findAll(exit[0], func(n *html.Node) bool { return hasClass(n, "govuk-exit-this-page__button") }); len(btn) != 1 || attr(btn[0], "href") != res.Site.Config.QuickExit.URL {
			t.Errorf("%s: the Exit this page button does not go to %s", file, res.Site.Config.QuickExit.URL)
		}
		// Second in the tab order: nothing focusable between the skip link
		// and the button; and the help line inside the same landmark.
		focusable := findAll(doc, func(n *html.Node) bool {
			return (n.Data == "a" && attr(n, "href") != "") || n.Data == "input" || n.Data == "button"
		})
		if len(focusable) < 2 || !hasClass(focusable[0], "govuk-skip-link") || !hasClass(focusable[1], "govuk-exit-this-page__button") {
			t.Errorf("%s: Exit this page is not the first thing after the skip link", file)
		}
		aside := exit[0].Parent
		for aside != nil && aside.Data != "aside" {
			aside = aside.Parent
		}
		if aside == nil || attr(aside, "aria-label") == "" {
			t.Errorf("%s: Exit this page is not in a labelled <aside> landmark", file)
			continue
		}
		help := findAll(aside, func(n *html.Node) bool { return hasClass(n, "hb-quick-exit-help") })
		if file == "browsing-safely/index.html" {
			if len(help) != 0 {
				t.Errorf("%s links to itself from quick exit", file)
			}
			continue
		}
		if len(help) != 1 || len(findAll(help[0], func(n *html.Node) bool { return attr(n, "href") == safety.URL })) != 1 {
			t.Errorf("%s has quick exit but no link to %s beside it, in its landmark", file, safety.URL)
		}
	}
	// The route to help: on every page, in every edition, the current
	// edition's pages on what to do when worried, contacts and changes.
	routes := map[string]string{"/worried-about-a-child/": "Worried about a child? Report a concern", "/contacts/": "Contacts", "/amendments/": "What has changed"}
	n := 0
	for file, doc := range pages {
		if strings.HasPrefix(file, "_") {
			continue
		}
		nav := findAll(doc, func(n *html.Node) bool { return n.Data == "nav" && attr(n, "aria-label") == "Get help" })
		if len(nav) != 1 {
			t.Errorf("%s has %d route-to-help navigations, want 1", file, len(nav))
			continue
		}
		for href, label := range routes {
			if a := findAll(nav[0], func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == href }); len(a) != 1 || text(a[0]) != label {
				t.Errorf("%s: the route to help has no link %q to %s", file, label, href)
			}
		}
		n++
	}
	if n < 50 {
		t.Errorf("only %d pages checked", n)
	}
}

// TestQuickExitSections checks quick_exit.sections and types in
// handbook.yaml: every page of a listed section or type (here a layout)
// has quick exit, without sensitive: true; a site
// without a page on browsing safely shows the button without the link.
func TestQuickExitSections(t *testing.T) {
	dir := writeSite(t, map[string]string{
		"handbook.yaml":                  "title: Test\nquick_exit:\n  url: https://example.org/away\n  sections: [public]\n  types: [glossary]\n",
		"content/_index.md":              "---\ntitle: Test\n---\nHome.\n",
		"content/public/_index.md":       "---\ntitle: For the public\n---\nThe public section.\n",
		"content/public/help.md":         "---\ntitle: Getting help\n---\nHelp.\n",
		"content/public/more/_index.md":  "---\ntitle: More\n---\nMore.\n",
		"content/public/more/deeper.md":  "---\ntitle: Deeper\n---\nDeeper.\n",
		"content/practice/_index.md":     "---\ntitle: Practice\n---\nPractice.\n",
		"content/practice/escalation.md": "---\ntitle: Escalation\n---\nEscalate.\n",
	})
	_, pages := builtPages(t, build.Options{SiteDir: dir, NoSearch: true})
	want := map[string]bool{
		"public/index.html": true, "public/help/index.html": true, "public/more/index.html": true, "public/more/deeper/index.html": true,
		"index.html": false, "practice/index.html": false, "practice/escalation/index.html": false,
		"glossary/index.html": true, "search/index.html": false,
	}
	for file, on := range want {
		doc := pages[file]
		if doc == nil {
			t.Errorf("%s was not built", file)
			continue
		}
		btn := findAll(doc, func(n *html.Node) bool { return hasClass(n, "govuk-exit-this-page__button") })
		if got := len(btn) == 1; got != on {
			t.Errorf("%s: quick exit shown = %v, want %v", file, got, on)
		}
		if on && len(btn) == 1 && attr(btn[0], "href") != "https://example.org/away" {
			t.Errorf("%s: Exit this page goes to %q", file, attr(btn[0], "href"))
		}
		if help := findAll(doc, func(n *html.Node) bool { return hasClass(n, "hb-quick-exit-help") }); len(help) > 0 {
			t.Errorf("%s links to a page on browsing safely that the site does not have", file)
		}
	}
}

// TestContactsAndEscalation checks the contacts page lists every contact
// with an anchor and says "Number to be confirmed" for every unknown number,
// and that the arrangements' dispute resolution links to the escalation
// procedure.
func TestContactsAndEscalation(t *testing.T) {
	res, pages := builtPages(t, build.Options{SiteDir: "..", NoSearch: true})
	doc := pages["contacts/index.html"]
	if doc == nil {
		t.Fatal("no contacts/index.html")
	}
	if len(res.Site.Contacts) < 5 {
		t.Errorf("only %d contacts in data/contacts.yaml", len(res.Site.Contacts))
	}
	unknown := 0
	for _, c := range res.Site.Contacts {
		sec := byID(doc, c.ID)
		if sec == nil {
			t.Errorf("contacts page: no anchor #%s for %s", c.ID, c.Service)
			continue
		}
		if links := findAll(doc, func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == "#"+c.ID }); len(links) == 0 {
			t.Errorf("contacts page: nothing links to #%s", c.ID)
		}
		body := text(sec)
		if !strings.Contains(body, c.Service) {
			t.Errorf("contacts page: #%s does not name %q", c.ID, c.Service)
		}
		tbc := findAll(sec, func(n *html.Node) bool { return hasClass(n, "hb-tbc") && text(n) == "Number to be confirmed" })
		if strings.TrimSpace(c.Phone) == "" {
			unknown++
			if len(tbc) == 0 {
				t.Errorf("contacts page: %s has no number but does not say \"Number to be confirmed\"", c.ID)
			}
		} else if len(tbc) > 0 || !strings.Contains(body, c.Phone) {
			t.Errorf("contacts page: %s should show its number %s", c.ID, c.Phone)
		}
	}
	if unknown == 0 {
		t.Error("no contact with an unknown number: the check of \"Number to be confirmed\" proved nothing")
	}

	dispute := pages["arrangements/dispute-resolution/index.html"]
	if dispute == nil {
		t.Fatal("no arrangements/dispute-resolution/index.html")
	}
	main := findAll(dispute, func(n *html.Node) bool { return n.Data == "main" })
	if len(main) != 1 || len(findAll(main[0], func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == "/procedures/escalation/" })) == 0 {
		t.Error("the dispute resolution arrangements do not link to the escalation procedure /procedures/escalation/")
	}
	esc := pages["procedures/escalation/index.html"]
	if esc == nil || len(findAll(esc, func(n *html.Node) bool { return hasClass(n, "hb-stages") })) == 0 {
		t.Error("/procedures/escalation/ does not show its stages as a list (ol.hb-stages)")
	}
}

// TestReportCharts checks the annual report: every table marked as a chart
// is drawn as an SVG image named by its caption, with a description, and
// keeps its table; every table has a heading of its own; no caption says
// its unit twice.
func TestReportCharts(t *testing.T) {
	res, pages := builtPages(t, build.Options{SiteDir: "..", NoSearch: true})
	p := res.Site.ByID["annual-report-2023-24"]
	if p == nil || p.Report == nil {
		t.Fatal("the default site has no annual report 2023-24")
	}
	doc := pages[strings.TrimPrefix(p.URL, "/")+"index.html"]
	sections := findAll(doc, func(n *html.Node) bool { return hasClass(n, "hb-figure") })
	if len(sections) != len(p.Report.Tables) {
		t.Fatalf("%d figure sections for %d tables", len(sections), len(p.Report.Tables))
	}
	charts := 0
	for i, tbl := range p.Report.Tables {
		sec := sections[i]
		h3 := findAll(sec, func(n *html.Node) bool { return n.Data == "h3" })
		if len(h3) != 1 || attr(findAll(sec, func(n *html.Node) bool { return hasClass(n, "hb-table-wrap") })[0], "aria-labelledby") != attr(h3[0], "id") {
			t.Errorf("table %q has no heading of its own", tbl.Caption)
			continue
		}
		if strings.Contains(text(h3[0]), "children children") || strings.Contains(text(h3[0]), "(per 10,000 children)") {
			t.Errorf("the heading says its unit twice: %q", text(h3[0]))
		}
		if len(findAll(sec, func(n *html.Node) bool { return n.Data == "table" })) != 1 {
			t.Errorf("%q lost its table", tbl.Caption)
		}
		svgs := findAll(sec, func(n *html.Node) bool { return n.Data == "svg" })
		if tbl.Chart == "" {
			if len(svgs) != 0 {
				t.Errorf("%q is drawn although it is not marked as a chart", tbl.Caption)
			}
			continue
		}
		charts++
		if len(svgs) != 1 || attr(svgs[0], "role") != "img" {
			t.Errorf("%q is marked as a chart but has no SVG image", tbl.Caption)
			continue
		}
		ids := strings.Fields(attr(svgs[0], "aria-labelledby"))
		if len(ids) != 2 {
			t.Errorf("%q: the chart is not labelled by a title and a description", tbl.Caption)
			continue
		}
		title, desc := byID(doc, ids[0]), byID(doc, ids[1])
		if title == nil || title.Data != "title" || !strings.HasPrefix(text(title), "Bar chart: "+tbl.Caption) {
			t.Errorf("%q: the chart's name is not its caption", tbl.Caption)
		}
		if desc == nil || desc.Data != "desc" || !strings.Contains(text(desc), strings.TrimSpace(string(tbl.Rows[0][0]))) {
			t.Errorf("%q: the chart's description does not read out its figures", tbl.Caption)
		}
		for _, n := range findAll(svgs[0], func(*html.Node) bool { return true }) {
			if attr(n, "style") != "" {
				t.Errorf("%q: the chart has a style attribute, which the Content-Security-Policy blocks", tbl.Caption)
			}
		}
	}
	if charts < 6 {
		t.Errorf("only %d charts on the annual report", charts)
	}
}

// TestBriefingsAndLists checks the lists readers scan: the briefings index
// lists each briefing once (no side navigation repeating it), newest
// first, with its themes as words linking to the index's list by theme; a
// section's own page has no side navigation; the glossary links back to
// its A to Z after each letter; step up and step down say which way.
func TestBriefingsAndLists(t *testing.T) {
	res, pages := builtPages(t, build.Options{SiteDir: "..", NoSearch: true})
	index := pages["briefings/index.html"]
	main := findAll(index, func(n *html.Node) bool { return n.Data == "main" })[0]
	ids := map[string]bool{}
	for _, n := range findAll(index, func(n *html.Node) bool { return attr(n, "id") != "" }) {
		ids[attr(n, "id")] = true
	}
	for _, p := range res.Site.Pages {
		if p.Briefing == nil || p.Draft() || p.Withdrawn() {
			continue
		}
		links := findAll(main, func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == p.URL })
		if want := 1 + len(p.Briefing.Themes); len(links) != want {
			t.Errorf("/briefings/ links %s %d times, want %d (once newest first, once under each theme)", p.URL, len(links), want)
		}
		doc := pages[strings.TrimPrefix(p.URL, "/")+"index.html"]
		for _, th := range p.Briefing.Themes {
			a := findAll(doc, func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == "/briefings/#theme-"+th })
			if len(a) != 1 || strings.Contains(text(a[0]), "-") || !ids["theme-"+th] {
				t.Errorf("%s: the theme %q is not a link in words to its list on /briefings/", p.URL, th)
			}
		}
	}
	for _, sec := range res.Site.Sections {
		if doc := pages[strings.TrimPrefix(sec.URL, "/")+"index.html"]; len(findAll(doc, func(n *html.Node) bool { return hasClass(n, "hb-sidenav") })) != 0 {
			t.Errorf("%s lists its pages twice: in its body and in a side navigation", sec.URL)
		}
	}
	if n := len(findAll(pages["arrangements/governance/index.html"], func(n *html.Node) bool { return hasClass(n, "hb-sidenav") })); n != 1 {
		t.Errorf("a page in a section has %d side navigations, want 1", n)
	}
	gl := pages["glossary/index.html"]
	letters := findAll(gl, func(n *html.Node) bool { return n.Data == "h2" && strings.HasPrefix(attr(n, "id"), "letter-") })
	back := findAll(gl, func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == "#glossary-letters" })
	if len(letters) < 5 || len(back) != len(letters) || byID(gl, "glossary-letters") == nil {
		t.Errorf("the glossary has %d letters and %d links back to its A to Z", len(letters), len(back))
	}
	step := text(findAll(pages["thresholds/level-2/index.html"], func(n *html.Node) bool { return attr(n, "aria-label") == "Step up and step down" })[0])
	if !strings.Contains(step, "Step down to less need ↓") || !strings.Contains(step, "Step up to more need ↑") {
		t.Errorf("step up and step down do not say which way: %q", step)
	}
}

// TestWholeDocument checks the arrangements and the procedures on one
// page, in each edition: every part in order under a contents list whose
// links all land on the page, ids unique, one <h1>, the edition named, the
// print stamp with the page's address, and a link from the section.
func TestWholeDocument(t *testing.T) {
	res, pages := builtPages(t, build.Options{SiteDir: "..", NoSearch: true})
	for _, c := range []struct{ section, file, edition string }{
		{"/arrangements/", "arrangements/whole/index.html", "Working Together 2023"},
		{"/procedures/", "procedures/whole/index.html", "Working Together 2023"},
		{"", "v/2019/arrangements/whole/index.html", "June 2019 – Working Together 2018"},
	} {
		doc := pages[c.file]
		if doc == nil {
			t.Errorf("%s was not built", c.file)
			continue
		}
		if h1 := findAll(doc, func(n *html.Node) bool { return n.Data == "h1" }); len(h1) != 1 || !strings.HasSuffix(text(h1[0]), " in full") {
			t.Errorf("%s: want one <h1> ending \"in full\"", c.file)
		}
		main := findAll(doc, func(n *html.Node) bool { return n.Data == "main" })[0]
		if !strings.Contains(text(main), c.edition+" edition") {
			t.Errorf("%s does not name the edition %q", c.file, c.edition)
		}
		ids := map[string]bool{}
		for _, n := range findAll(doc, func(n *html.Node) bool { return attr(n, "id") != "" }) {
			if ids[attr(n, "id")] {
				t.Errorf("%s: id %q is used twice", c.file, attr(n, "id"))
			}
			ids[attr(n, "id")] = true
		}
		for _, a := range findAll(doc, func(n *html.Node) bool { return n.Data == "a" && strings.HasPrefix(attr(n, "href"), "#") }) {
			if id := strings.TrimPrefix(attr(a, "href"), "#"); !ids[id] {
				t.Errorf("%s: the link %q (%s) goes nowhere on the page", c.file, attr(a, "href"), text(a))
			}
		}
		contents := findAll(doc, func(n *html.Node) bool { return hasClass(n, "hb-whole-contents__list") })
		parts := findAll(doc, func(n *html.Node) bool { return hasClass(n, "hb-whole__part") })
		if len(contents) != 1 || len(parts) < 8 || len(findAll(contents[0], func(n *html.Node) bool { return n.Data == "li" })) != len(parts) {
			t.Errorf("%s: %d parts, and a contents list that does not list each", c.file, len(parts))
		}
		stamp := findAll(doc, func(n *html.Node) bool { return n.Data == "tfoot" && hasClass(n, "hb-whole__stamp") })
		want := "/" + strings.TrimSuffix(c.file, "index.html")
		if len(stamp) != 1 || !strings.HasPrefix(text(stamp[0]), "Printed from "+want) {
			t.Errorf("%s: no print stamp with its address %s in the table's foot", c.file, want)
		}
		if c.section == "" {
			continue
		}
		// The parts in the section's order, each page of the section once.
		sec := res.Site.ByURL[c.section]
		var wantTitles, got []string
		for _, p := range sec.Children {
			if !p.Draft() && !p.Withdrawn() && !p.IsSection {
				wantTitles = append(wantTitles, p.Title)
			}
		}
		for _, part := range parts {
			h2 := findAll(part, func(n *html.Node) bool { return n.Data == "h2" })[0]
			title := text(h2)
			if i := strings.IndexByte(title, ' '); i > 0 && strings.ContainsAny(title[:1], "0123456789") {
				title = title[i+1:]
			}
			got = append(got, title)
		}
		if strings.Join(got, "\n") != strings.Join(wantTitles, "\n") {
			t.Errorf("%s parts:\n%s\nwant:\n%s", c.file, strings.Join(got, "\n"), strings.Join(wantTitles, "\n"))
		}
		secDoc := pages[strings.TrimPrefix(c.section, "/")+"index.html"]
		if len(findAll(secDoc, func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == want })) != 1 {
			t.Errorf("%s does not link %s", c.section, want)
		}
	}
}
