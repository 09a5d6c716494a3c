package build_test

import (
	"bytes"
	"encoding/xml"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/history/historytest"
	"github.com/rscp/handbook/build/output"
)

var day = historytest.Date

// A small site: a home page, a procedures section and the pages each test
// adds.
var baseSite = map[string]string{
	"handbook.yaml":                "title: Test Partnership\nbase_url: https://handbook.example/\n",
	"content/_index.md":            "---\ntitle: Test Partnership\n---\nWelcome.\n",
	"content/procedures/_index.md": "---\ntitle: Procedures\nid: procedures\n---\nAll procedures.\n",
}

func escalation(body string) string {
	return "---\ntitle: Escalation\nid: escalation\nlast_reviewed: 2024-06-01\nnext_review: 2025-06-01\nchanges:\n  - date: 2022-11-01\n    note: Agreed by the partnership before the website existed.\n---\n\n" + body
}

// buildSite builds the site in dir and returns what a reader would get.
func buildSite(t *testing.T, opts build.Options) (*build.Result, *output.Memory) {
	t.Helper()
	res, err := build.Build(opts)
	if err != nil {
		t.Fatalf("build failed: %v", err)
	}
	m, err := output.NewMemory(res.Files)
	if err != nil {
		t.Fatal(err)
	}
	return res, m
}

// get returns a built file, failing the test when it is missing.
func get(t *testing.T, m *output.Memory, p string) string {
	t.Helper()
	b, ok := m.Get(p)
	if !ok {
		t.Fatalf("%s was not built", p)
	}
	return string(b)
}

// mainText is the text of the page's <main>, with spaces collapsed.
func mainText(t *testing.T, page string) string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(n *html.Node, in bool)
	walk = func(n *html.Node, in bool) {
		if n.Type == html.ElementNode && n.Data == "main" {
			in = true
		}
		if in && n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, in)
		}
	}
	walk(doc, false)
	text := strings.Join(strings.Fields(b.String()), " ")
	return strings.NewReplacer(" .", ".", " ,", ",", " :", ":", "( ", "(", " )", ")").Replace(text)
}

// diffPart is the part of a page that holds its diff.
func diffPart(page string) string {
	_, d, _ := strings.Cut(page, `class="hb-diff"`)
	return d
}

// checkAllPages runs the default site's page checks on every HTML file.
func checkAllPages(t *testing.T, m *output.Memory) {
	t.Helper()
	for _, p := range m.Paths() {
		if !strings.HasSuffix(p, ".html") {
			continue
		}
		data, _ := m.Get(p)
		if bytes.Contains(data, []byte(`http-equiv="refresh"`)) {
			continue
		}
		checkPage(t, m, p, data)
	}
}

func warnings(d *diag.List) []string {
	var out []string
	for _, x := range d.Sorted() {
		if x.Severity == diag.Warning {
			out = append(out, x.String())
		}
	}
	return out
}

var hiddenText = regexp.MustCompile(`<span class="govuk-visually-hidden">[^<]*</span>`)

// marked reports whether page marks text, and only text, with <ins> or
// <del> (leaving out the words only screen readers hear).
func marked(page, tag, text string) bool {
	page = diffSign.ReplaceAllString(hiddenText.ReplaceAllString(page, ""), "")
	return regexp.MustCompile("<" + tag + `(?: [^>]*)?>` + regexp.QuoteMeta(text) + "</" + tag + ">").MatchString(page)
}

// diffSign is the plus or minus before added or removed text, for the eye.
var diffSign = regexp.MustCompile(`<span class="hb-diff__sign" aria-hidden="true">[^<]*</span>`)

// Atom feed, as a subscriber's reader parses it.
type feed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Link    struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Summary string `xml:"summary"`
	} `xml:"entry"`
}

func parseFeed(t *testing.T, data string) feed {
	t.Helper()
	var f feed
	if err := xml.Unmarshal([]byte(data), &f); err != nil {
		t.Fatalf("the feed is not Atom XML: %v\n%s", err, data)
	}
	return f
}

// historyRepo makes a site whose escalation procedure was published,
// corrected, moved and changed, with a Change-Note on two of the commits.
func historyRepo(t *testing.T) (r *historytest.Repo, first, typo, moved, major string) {
	r = historytest.New(t)
	r.Write(baseSite)
	first = r.CommitFiles(day(2023, 1, 10), "Publish the escalation procedure\n\nChange-Note: First publication of the escalation procedure.",
		map[string]string{"content/escalation.md": escalation("Talk to your manager within 28 days.\n\nKeep a record.\n")})
	typo = r.CommitFiles(day(2023, 2, 1), "Fix a typo in escalation",
		map[string]string{"content/escalation.md": escalation("Talk to your line manager within 28 days.\n\nKeep a record.\n")})
	r.Git("mv", "content/escalation.md", "content/procedures/escalation.md")
	moved = r.Commit(day(2023, 3, 1), "Move escalation into procedures")
	major = r.CommitFiles(day(2024, 6, 5), "Escalation: shorter timescales\n\nAgreed at the Executive Group.\n\nChange-Note: Stage 2 must now be reached within 5 working days.",
		map[string]string{"content/procedures/escalation.md": escalation("Talk to your line manager within 5 working days.\n\nKeep a record.\n")})
	return
}

func TestPageHistory(t *testing.T) {
	r, first, typo, moved, major := historyRepo(t)
	res, m := buildSite(t, build.Options{SiteDir: r.Dir})
	if w := warnings(res.Diags); len(w) != 0 {
		t.Errorf("warnings: %v", w)
	}
	checkAllPages(t, m)

	page := get(t, m, "procedures/escalation/index.html")
	text := mainText(t, page)
	// Published is the earliest known change (the imported note), Last
	// updated the latest commit; the review dates sit next to them.
	for _, want := range []string{
		"Published 1 November 2022 Last updated 5 June 2024 (see all changes)",
		"Last reviewed 1 June 2024 Next review 1 June 2025",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("page meta does not say %q:\n%s", want, text)
		}
	}
	// Updates to this page: the Change-Notes and the front matter note,
	// newest first, and never the subject of a minor commit.
	_, updates, _ := strings.Cut(text, "Updates to this page")
	i1 := strings.Index(updates, "5 June 2024 Stage 2 must now be reached within 5 working days.")
	i2 := strings.Index(updates, "10 January 2023 First publication of the escalation procedure.")
	i3 := strings.Index(updates, "1 November 2022 Agreed by the partnership before the website existed.")
	if i1 < 0 || i2 < i1 || i3 < i2 {
		t.Errorf("updates are not the three major changes, newest first:\n%s", updates)
	}
	for _, minor := range []string{"Fix a typo", "Move escalation", "shorter timescales"} {
		if strings.Contains(updates, minor) {
			t.Errorf("updates show the commit subject %q", minor)
		}
	}
	for _, link := range []string{`href="/procedures/escalation/history/"`, `href="/procedures/escalation/updates.xml"`} {
		if !strings.Contains(page, link) {
			t.Errorf("the page does not link %s", link)
		}
	}

	// The full history lists every change, minor ones included, in plain
	// words: the note, else "Minor wording changes"; no commit subjects or
	// hashes; made by the team (handbook.yaml sets no history.authors).
	short := func(h string) string { return h[:10] }
	hist := mainText(t, get(t, m, "procedures/escalation/history/index.html"))
	for _, want := range []string{"Stage 2 must now be reached", "1 February 2023 Minor wording changes See the difference",
		"1 March 2023 Minor wording changes", "Agreed by the partnership", "First publication of the escalation procedure", "Test Partnership"} {
		if !strings.Contains(hist, want) {
			t.Errorf("history page does not show %q:\n%s", want, hist)
		}
	}
	for _, not := range []string{"Fix a typo in escalation", "Move escalation into procedures", "Test Author", "Reference", short(typo)} {
		if strings.Contains(hist, not) {
			t.Errorf("history page shows %q:\n%s", not, hist)
		}
	}
	if strings.Index(hist, "5 June 2024") > strings.Index(hist, "1 February 2023") {
		t.Error("the history is not newest first")
	}

	// Each change links to its word-level diff.
	change := get(t, m, "procedures/escalation/history/"+short(major)+"/index.html")
	if !marked(change, "del", "28") || !marked(change, "ins", "5 working") {
		t.Errorf("the change of 5 June 2024 does not mark 28 deleted and 5 working inserted:\n%s", mainText(t, change))
	}
	typoPage := get(t, m, "procedures/escalation/history/"+short(typo)+"/index.html")
	if d := diffPart(typoPage); !marked(d, "ins", "line ") || strings.Count(d, "<ins") != 1 || strings.Contains(d, "<del") {
		t.Errorf("the typo fix should insert one word:\n%s", mainText(t, typoPage))
	}
	if _, ok := m.Get("procedures/escalation/history/" + short(moved) + "/index.html"); ok {
		t.Error("a move that changed no text has a diff page")
	}
	if _, ok := m.Get("procedures/escalation/history/" + short(first) + "/index.html"); !ok {
		t.Error("the first version has no page")
	}

	// The page's own feed.
	f := parseFeed(t, get(t, m, "procedures/escalation/updates.xml"))
	if len(f.Entries) != 3 {
		t.Fatalf("page feed has %d entries, want 3", len(f.Entries))
	}
	if f.Entries[0].Summary != "Stage 2 must now be reached within 5 working days. Pages changed: Escalation." ||
		f.Entries[0].Updated != "2024-06-05T12:00:00Z" || f.Entries[0].Link.Href != "https://handbook.example/procedures/escalation/" {
		t.Errorf("first entry = %+v", f.Entries[0])
	}
	if f.Updated != "2024-06-05T12:00:00Z" {
		t.Errorf("feed updated = %s", f.Updated)
	}
}

func TestAmendments(t *testing.T) {
	r, _, _, _, major := historyRepo(t)
	r.CommitFiles(day(2024, 6, 20), "Two pages at once\n\nChange-Note: The MASH has a new address.",
		map[string]string{
			"content/procedures/missing.md": "---\ntitle: Children missing\n---\nCall the MASH.\n",
			"content/about.md":              "---\ntitle: About\n---\nThe MASH moved.\n",
		})
	_, m := buildSite(t, build.Options{SiteDir: r.Dir})
	checkAllPages(t, m)

	page := get(t, m, "amendments/index.html")
	text := mainText(t, page)
	june, jan, nov := strings.Index(text, "June 2024"), strings.Index(text, "January 2023"), strings.Index(text, "November 2022")
	if june < 0 || jan < june || nov < jan {
		t.Errorf("months are not newest first:\n%s", text)
	}
	if !regexp.MustCompile(`20 June 2024 The MASH has a new address. Pages changed: About, Children missing`).MatchString(text) {
		t.Errorf("one commit changing two pages is not one entry listing both:\n%s", text)
	}
	if !strings.Contains(page, `href="/procedures/escalation/"`) || strings.Contains(text, "Fix a typo") {
		t.Error("the amendments page does not link the page, or lists a minor change")
	}
	if strings.Index(text, "The MASH has a new address") > strings.Index(text, "Stage 2 must now") {
		t.Error("within a month, the newest change is not first")
	}

	f := parseFeed(t, get(t, m, "amendments.xml"))
	if len(f.Entries) != 4 {
		t.Fatalf("amendments feed has %d entries, want 4:\n%+v", len(f.Entries), f.Entries)
	}
	if e := f.Entries[0]; !strings.HasPrefix(e.Summary, "The MASH has a new address.") || !strings.Contains(e.Link.Href, "/amendments/#change-") {
		t.Errorf("newest entry = %+v", e)
	}
	if e := f.Entries[1]; e.ID != "https://handbook.example/amendments.xml#change-"+major[:10] || e.Link.Href != "https://handbook.example/procedures/escalation/" {
		t.Errorf("second entry = %+v", e)
	}
	if f.Entries[3].Updated != "2022-11-01T00:00:00Z" {
		t.Errorf("the front matter note is not last: %+v", f.Entries[3])
	}
	if f.Updated != "2024-06-20T12:00:00Z" {
		t.Errorf("feed updated = %s", f.Updated)
	}
}

// editionsRepo makes a site with an edition tagged in git, a current
// edition and an upcoming edition kept in a folder.
func editionsRepo(t *testing.T) *historytest.Repo {
	r := historytest.New(t)
	r.Write(baseSite)
	r.CommitFiles(day(2019, 6, 1), "2019 arrangements\n\nChange-Note: First publication.", map[string]string{
		"content/partners.md":            "---\ntitle: Safeguarding partners\nid: partners\n---\nThe partners are the council, the police and the clinical commissioning group.\n",
		"content/scr.md":                 "---\ntitle: Serious case reviews\nid: scr\n---\nHow serious case reviews end.\n",
		"content/procedures/old-name.md": "---\ntitle: Information sharing\nid: info-sharing\n---\nShare information.\n",
	})
	r.Git("tag", "edition-2019")
	r.Git("rm", "-q", "content/scr.md")
	r.Git("mv", "content/procedures/old-name.md", "content/procedures/information-sharing.md")
	r.CommitFiles(day(2024, 12, 1), "Working Together 2023\n\nChange-Note: The integrated care board replaces the clinical commissioning group.", map[string]string{
		"content/partners.md":       "---\ntitle: Safeguarding partners\nid: partners\n---\nThe partners are the council, the police and the integrated care board.\n",
		"content/priorities.md":     "---\ntitle: Priorities\nid: priorities\n---\nNeglect and exploitation.\n",
		"editions/2030/_index.md":   "---\ntitle: Test Partnership (2030)\nid: home\n---\nThe 2030 arrangements.\n",
		"editions/2030/partners.md": "---\ntitle: Safeguarding partners\nid: partners\n---\nThe partners are the council, the police, the integrated care board and the schools.\n",
		"handbook.yaml": "title: Test Partnership\neditions:\n" +
			"  - name: current\n    label: Working Together 2023\n    effective_from: 2024-12-01\n" +
			"  - name: \"2030\"\n    label: Schools as partners\n    effective_from: 2030-01-01\n    dir: editions/2030\n" +
			"  - name: \"2019\"\n    label: June 2019\n    effective_from: 2019-09-29\n    ref: edition-2019\n",
	})
	return r
}

func TestEditions(t *testing.T) {
	r := editionsRepo(t)
	res, m := buildSite(t, build.Options{SiteDir: r.Dir, Now: day(2025, 3, 1), BaseURL: "https://handbook.example/"})
	if w := warnings(res.Diags); len(w) != 0 {
		t.Errorf("warnings: %v", w)
	}
	checkAllPages(t, m)
	if len(res.Editions) != 3 || !res.Editions[0].Current || !res.Editions[1].Upcoming || res.Editions[2].Status() != "archived" {
		t.Fatalf("editions = %+v", res.Editions)
	}

	// An archived page: a banner with its dates, linking the current page
	// with the same id.
	old := get(t, m, "v/2019/partners/index.html")
	text := mainText(t, old)
	if !strings.Contains(text, "This is the June 2019 edition. It is no longer in force.") ||
		!strings.Contains(text, "It was in force from 29 September 2019 until 1 December 2024.") ||
		!strings.Contains(text, "clinical commissioning group") {
		t.Errorf("archived partners page:\n%s", text)
	}
	if !regexp.MustCompile(`<a class="govuk-notification-banner__link" href="/partners/">Read the current version of this page</a>`).MatchString(old) {
		t.Error("the banner does not link /partners/")
	}
	// Renamed since: the banner follows the id to the new address.
	if !strings.Contains(get(t, m, "v/2019/procedures/old-name/index.html"), `href="/procedures/information-sharing/">Read the current version of this page`) {
		t.Error("the banner of a renamed page does not link its new address")
	}
	// Gone since: the banner links its section (here the home page).
	gone := get(t, m, "v/2019/scr/index.html")
	if !strings.Contains(mainText(t, gone), "This page is not in the current edition.") || !strings.Contains(gone, `href="/">Go to the current Test Partnership`) {
		t.Errorf("the banner of a removed page:\n%s", mainText(t, gone))
	}
	// Links inside an edition stay inside it; theme files are shared.
	if !strings.Contains(old, `href="/v/2019/"`) || !regexp.MustCompile(`href="/assets/[0-9a-f]+/css/handbook.css"`).MatchString(old) {
		t.Error("edition pages do not link their own edition and the shared assets")
	}

	// The version switcher on every page, for every edition.
	cur := get(t, m, "partners/index.html")
	for _, want := range []string{`href="/v/2019/partners/"`, `href="/v/2030/partners/"`, `href="/partners/" aria-current="page"`} {
		if !strings.Contains(cur, want) {
			t.Errorf("the switcher on /partners/ has no %s", want)
		}
	}
	// The switcher sits under the heading, says "versions" in plain words,
	// and is only on pages another edition has.
	if i, j := strings.Index(cur, "<h1"), strings.Index(cur, `class="govuk-details hb-editions"`); i < 0 || j < i {
		t.Error("the switcher on /partners/ is not below the page's heading")
	}
	if !strings.Contains(mainText(t, cur), "Other versions of this page") {
		t.Errorf("the switcher does not say \"Other versions of this page\":\n%s", mainText(t, cur))
	}
	if prio := get(t, m, "priorities/index.html"); strings.Contains(prio, "hb-editions") {
		t.Error("a page no other edition has shows a version switcher")
	}
	for _, f := range []string{"search/index.html", "glossary/index.html", "partners/history/index.html"} {
		if strings.Contains(get(t, m, f), "hb-editions") {
			t.Errorf("%s shows a version switcher, though no edition has a version of its own", f)
		}
	}

	// Archived and upcoming pages are kept out of search engines, and their
	// titles say which edition they are and that it is not in force.
	for file, title := range map[string]string{
		"v/2019/partners/index.html": "<title>Safeguarding partners (superseded June 2019 edition)</title>",
		"v/2030/partners/index.html": "<title>Safeguarding partners (Schools as partners edition, not yet in force)</title>",
	} {
		page := get(t, m, file)
		if !strings.Contains(page, `<meta name="robots" content="noindex">`) {
			t.Errorf("%s can be indexed", file)
		}
		if strings.Contains(page, `rel="canonical"`) {
			t.Errorf("%s has a canonical link, as if it were the page in force", file)
		}
		if !strings.Contains(page, title) {
			t.Errorf("%s: want %s, got %s", file, title, regexp.MustCompile(`<title>.*</title>`).FindString(page))
		}
		// The banner comes first but is not a heading: the page's outline
		// starts with its <h1>.
		if i, j := strings.Index(page, "hb-edition-banner"), strings.Index(page, "<h1"); i < 0 || j < 0 || i > j {
			t.Errorf("%s has no banner above its heading", file)
		} else if h := regexp.MustCompile(`<h[2-6]`).FindStringIndex(page); h != nil && h[0] < j {
			t.Errorf("%s has a heading before its <h1>", file)
		}
	}
	if strings.Contains(cur, `name="robots"`) {
		t.Error("the current page is kept out of search engines")
	}

	// The compare page lists what was added, removed, moved and changed.
	cmp := get(t, m, "v/2019/compare/index.html")
	ct := mainText(t, cmp)
	for _, want := range []string{"1 page added", "1 page removed", "1 page moved to a new address", "1 page changed",
		"Priorities", "Serious case reviews", "Information sharing: was /v/2019/procedures/old-name/, now /procedures/information-sharing/"} {
		if !strings.Contains(ct, want) {
			t.Errorf("compare page does not say %q:\n%s", want, ct)
		}
	}
	if !marked(cmp, "del", "clinical commissioning group") || !marked(cmp, "ins", "integrated care board") {
		t.Errorf("compare page diff:\n%s", ct)
	}

	// An upcoming edition: its banner gives the date, and the current page
	// it changes links to it and to what will change.
	up := mainText(t, get(t, m, "v/2030/partners/index.html"))
	if !strings.Contains(up, "These arrangements come into force on 1 January 2030.") {
		t.Errorf("upcoming banner:\n%s", up)
	}
	if !strings.Contains(cur, `href="/v/2030/compare/#page-partners"`) || !strings.Contains(mainText(t, cur), "This page changes when the Schools as partners edition comes into force on 1 January 2030") {
		t.Errorf("the current page does not announce the upcoming change:\n%s", mainText(t, cur))
	}
	// A page the upcoming edition does not have will be withdrawn.
	if prio := get(t, m, "priorities/index.html"); !strings.Contains(mainText(t, prio), "This page will be withdrawn when the Schools as partners edition comes into force on 1 January 2030") ||
		!strings.Contains(prio, `href="/v/2030/compare/#removed"`) {
		t.Errorf("the priorities page does not say it will go:\n%s", mainText(t, prio))
	}
	up2030 := mainText(t, get(t, m, "v/2030/compare/index.html"))
	if !strings.Contains(up2030, "What changes in the Schools as partners edition") || !strings.Contains(up2030, "schools") {
		t.Errorf("upcoming compare page:\n%s", up2030)
	}

	// Only the current edition is in the sitemap.
	if sm := get(t, m, "sitemap.xml"); strings.Contains(sm, "/v/") {
		t.Error("the sitemap lists edition pages")
	}

	// Once its date has passed, the 2030 edition is in force, but it is
	// not yet the current site: the build says so, and so does its banner.
	res, m = buildSite(t, build.Options{SiteDir: r.Dir, Now: day(2030, 1, 1)})
	if w := warnings(res.Diags); len(w) != 1 || !strings.Contains(w[0], `handbook.yaml:6: warning: edition "2030" came into force on 1 January 2030: make it the current edition`) {
		t.Errorf("warnings: %q", w)
	}
	if !res.Editions[1].Overdue || !strings.Contains(mainText(t, get(t, m, "v/2030/partners/index.html")), "These arrangements came into force on 1 January 2030.") {
		t.Error("an edition that came into force is not shown as such")
	}
}

func TestTombstone(t *testing.T) {
	r := historytest.New(t)
	r.Write(baseSite)
	r.CommitFiles(day(2022, 1, 1), "Procedures", map[string]string{
		"content/procedures/lado.md":        "---\ntitle: Allegations against staff (LADO)\nid: lado\n---\nCall the LADO within one working day.\n",
		"content/procedures/allegations.md": "---\ntitle: Managing allegations\nid: allegations\n---\nThe new procedure.\n",
	})
	r.CommitFiles(day(2024, 4, 2), "Withdraw the LADO procedure\n\nChange-Note: The LADO procedure is withdrawn: use Managing allegations.", map[string]string{
		"content/procedures/lado.md": "---\ntitle: Allegations against staff (LADO)\nid: lado\nstatus: withdrawn\nwithdrawn_reason: The regional procedure replaced it.\nreplaced_by: allegations\n---\nCall the LADO within one working day.\n",
	})
	_, m := buildSite(t, build.Options{SiteDir: r.Dir})
	checkAllPages(t, m)
	page := get(t, m, "procedures/lado/index.html")
	text := mainText(t, page)
	for _, want := range []string{"This page has been withdrawn", "Do not follow it", "Withdrawn on 2 April 2024",
		"Why: The regional procedure replaced it.", "What replaces it: Managing allegations"} {
		if !strings.Contains(text, want) {
			t.Errorf("tombstone does not say %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "within one working day") {
		t.Error("the tombstone shows the withdrawn procedure")
	}
	if !strings.Contains(page, `<meta name="robots" content="noindex">`) {
		t.Error("the tombstone is not noindex")
	}
	if strings.Contains(get(t, m, "sitemap.xml"), "/procedures/lado/") {
		t.Error("the tombstone is in the sitemap")
	}
	for _, p := range []string{"procedures/index.html", "procedures/allegations/index.html", "index.html"} {
		if strings.Contains(get(t, m, p), `href="/procedures/lado/"`) {
			t.Errorf("%s links the withdrawn page in its navigation", p)
		}
	}
	if !strings.Contains(mainText(t, get(t, m, "amendments/index.html")), "The LADO procedure is withdrawn") {
		t.Error("the withdrawal is not in the amendments")
	}
}

// TestWithoutHistory builds with no git history in three ways: the pages
// build, with exactly one warning that says why.
func TestWithoutHistory(t *testing.T) {
	historytest.NeedGit(t)
	site := map[string]string{}
	for k, v := range baseSite {
		site[k] = v
	}
	site["content/procedures/escalation.md"] = escalation("Talk to your manager.\n")
	site["handbook.yaml"] = "title: Test Partnership\neditions:\n  - name: current\n    label: Now\n  - name: old\n    label: Old\n    ref: v1\n  - name: folder\n    label: Folder\n    dir: editions/folder\n"
	site["editions/folder/partners.md"] = "---\ntitle: Partners\n---\nOld partners.\n"

	cases := []struct {
		name, want string
		setup      func(t *testing.T) string
	}{
		{"not a repository", "not in a git repository", func(t *testing.T) string {
			dir := t.TempDir()
			historytest.WriteFiles(t, dir, site)
			return dir
		}},
		{"shallow clone", "shallow clone", func(t *testing.T) string {
			r := historytest.New(t)
			r.CommitFiles(day(2020, 1, 1), "one", site)
			r.CommitFiles(day(2021, 1, 1), "two", map[string]string{"content/about.md": "About.\n"})
			clone := filepath.Join(t.TempDir(), "clone")
			if out, err := exec.Command("git", "clone", "-q", "--depth", "1", "file://"+r.Dir, clone).CombinedOutput(); err != nil {
				t.Fatalf("clone: %v %s", err, out)
			}
			return clone
		}},
		{"no git", "git is not installed", func(t *testing.T) string {
			dir := t.TempDir()
			historytest.WriteFiles(t, dir, site)
			t.Setenv("PATH", t.TempDir())
			return dir
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.setup(t)
			res, m := buildSite(t, build.Options{SiteDir: dir})
			w := warnings(res.Diags)
			if len(w) != 1 || !strings.Contains(w[0], tc.want) || !strings.Contains(w[0], "(old) are left out") {
				t.Fatalf("want one warning saying %q and naming the edition left out, got %q", tc.want, w)
			}
			checkAllPages(t, m)
			page := get(t, m, "procedures/escalation/index.html")
			text := mainText(t, page)
			if strings.Contains(text, "Last updated") || strings.Contains(text, "Published") || strings.Contains(page, "/history/") ||
				!strings.Contains(text, "Updates to this page 1 November 2022 Agreed by the partnership before the website existed.") {
				t.Errorf("without git, the page should show only its front matter changes:\n%s", text)
			}
			if _, ok := m.Get("v/folder/partners/index.html"); !ok {
				t.Error("the edition kept in a folder was not built")
			}
			if _, ok := m.Get("v/old/index.html"); ok {
				t.Error("an edition from git was built without git")
			}
			if !strings.Contains(mainText(t, get(t, m, "amendments/index.html")), "could not be read") {
				t.Error("the amendments page does not say the history is incomplete")
			}
		})
	}
}

// TestDefaultSiteEditions checks the repository's own history: the June
// 2019 arrangements, replaced in later commits with Change-Notes.
func TestDefaultSiteEditions(t *testing.T) {
	res, m := buildSite(t, build.Options{SiteDir: "..", Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	for _, w := range warnings(res.Diags) {
		if strings.Contains(w, "history is unavailable") {
			t.Skipf("no git history here: %s", w)
		}
	}
	old := get(t, m, "v/2019/arrangements/safeguarding-partners/index.html")
	if !strings.Contains(old, `href="/arrangements/safeguarding-partners/">Read the current version of this page`) ||
		!strings.Contains(mainText(t, old), "Clinical Commissioning Group") {
		t.Errorf("the 2019 partners page:\n%s", mainText(t, old))
	}
	cmpPage := get(t, m, "v/2019/compare/index.html")
	cmp := mainText(t, cmpPage)
	for _, want := range []string{"Wider partnership and Education Safeguarding Forum", "Priorities for 2023 to 2026", "Integrated Care Board"} {
		if !strings.Contains(cmp, want) {
			t.Errorf("the 2019 compare page does not mention %q", want)
		}
	}
	// A summary first, one line per changed page with how much changed;
	// then each page's diff folded; site pages are not counted.
	summary, diffs, ok := strings.Cut(cmpPage, `<details class="govuk-details hb-compare-page"`)
	if !ok || !strings.Contains(summary, `class="govuk-table hb-compare-summary"`) {
		t.Fatal("the compare page has no summary table before the folded diffs")
	}
	rows := regexp.MustCompile(`<tr class="govuk-table__row"><th scope="row"[^>]*><a class="govuk-link" href="#page-[^"]+">[^<]+</a>.*?</th><td class="govuk-table__cell">\d+ words? added, \d+ removed</td></tr>`).FindAllString(summary, -1)
	folded := strings.Count(cmpPage, `<details class="govuk-details hb-compare-page"`)
	if len(rows) < 5 || len(rows) != folded {
		t.Errorf("%d summary rows with word counts for %d folded diffs", len(rows), folded)
	}
	if strings.Contains(cmpPage, `hb-compare-page" open`) || strings.Contains(cmpPage, "hb-compare-page\" id=\"page-browsing-safely") {
		t.Error("a diff is open, or a site page is compared")
	}
	_, table, _ := strings.Cut(summary, "hb-compare-summary")
	for _, site := range []string{"Browsing safely", "Worried about a child?"} {
		if strings.Contains(table, site) {
			t.Errorf("the compare summary counts the site page %q", site)
		}
	}
	// Headings and tables keep their structure; a removal next to an
	// addition is marked apart, not run together.
	if !strings.Contains(diffs, `role="heading" aria-level=`) || !strings.Contains(diffs, `<table class="govuk-table hb-diff__table">`) {
		t.Error("the diffs show headings or tables as plain paragraphs")
	}
	if !strings.Contains(diffs, `</del><ins class="hb-diff__ins"><span class="hb-diff__sign" aria-hidden="true">+</span>`) {
		t.Error("an addition after a removal has no sign of its own")
	}
	partners := mainText(t, get(t, m, "arrangements/safeguarding-partners/index.html"))
	if !strings.Contains(partners, "The integrated care board replaces the clinical commissioning group as the health safeguarding partner") {
		t.Errorf("the partners page does not show its Change-Note:\n%s", partners)
	}
	f := parseFeed(t, get(t, m, "amendments.xml"))
	if len(f.Entries) < 5 {
		t.Errorf("the amendments feed has %d entries", len(f.Entries))
	}
}

// TestUnchangedPageHasNoFirstVersionPage: a page with one commit is its
// own first version; its history says so instead of linking to a copy.
func TestUnchangedPageHasNoFirstVersionPage(t *testing.T) {
	r, first, _, _, _ := historyRepo(t)
	r.CommitFiles(day(2024, 7, 1), "Add a page", map[string]string{"content/once.md": "---\ntitle: Once\nsummary: Written once.\n---\nText.\n"})
	_, m := buildSite(t, build.Options{SiteDir: r.Dir})
	hist := mainText(t, get(t, m, "once/history/index.html"))
	if !strings.Contains(hist, "First published The text has not changed since.") || strings.Contains(hist, "See the first version") {
		t.Errorf("history of a page with one commit:\n%s", hist)
	}
	for _, p := range m.Paths() {
		if strings.HasPrefix(p, "once/history/") && p != "once/history/index.html" {
			t.Errorf("a change page was built for the only version: %s", p)
		}
	}
	// A page that did change keeps its first version.
	if _, ok := m.Get("procedures/escalation/history/" + first[:10] + "/index.html"); !ok {
		var have []string
		for _, p := range m.Paths() {
			if strings.HasPrefix(p, "procedures/escalation/history/") {
				have = append(have, p)
			}
		}
		t.Errorf("the first version of a changed page is missing; have %v", have)
	}

}
