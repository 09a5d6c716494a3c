package build_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/rscp/handbook/build"
)

// The tests in this file hold the default content (content/, editions/,
// data/) to what a partnership can trust: every claim traceable to the
// source documents in ../shared/seeds, the emergency line on every page a
// practitioner acts on, no plan that reads as current after its date, and
// no prose copied from the sources.

// seedsDir is where the source documents of the default content live,
// next to the repository.
const seedsDir = "../../shared/seeds"

// sourcedApprovals are the approval claims the default content may make,
// each with the words of a source document that records it.
var sourcedApprovals = map[string]string{
	"Endorsed by Rotherham Council's Cabinet on 20 May 2019": "endorsed by Council Cabinet on 20th May 2019",
}

// readSeeds returns the text of the source documents, or skips the test
// when they are absent outside CI (CI must have them).
func readSeeds(t *testing.T) []string {
	t.Helper()
	out := readSeedsOrNil()
	if len(out) == 0 {
		if os.Getenv("CI") != "" {
			t.Fatalf("no source documents in %s: CI must provide them", seedsDir)
		}
		t.Skipf("no source documents in %s", seedsDir)
	}
	return out
}

// contentFiles returns the Markdown and YAML files of the default content.
func contentFiles(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, dir := range []string{"../content", "../editions", "../data"} {
		err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && (strings.HasSuffix(path, ".md") || strings.HasSuffix(path, ".yaml")) {
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(out) < 40 {
		t.Fatalf("only %d content files found", len(out))
	}
	return out
}

var approvedBy = regexp.MustCompile(`(?m)^approved_by:\s*(.*?)\s*$`)

// TestContentApprovalsHaveSources fails on an "Approved by" that no
// source document records.
func TestContentApprovalsHaveSources(t *testing.T) {
	seeds := strings.Join(readSeedsOrNil(), "\n")
	for _, f := range contentFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range approvedBy.FindAllStringSubmatch(string(data), -1) {
			claim := strings.Trim(m[1], `"'`)
			evidence, ok := sourcedApprovals[claim]
			switch {
			case !ok:
				t.Errorf("%s: approved_by: %q is not an approval any source document records; remove it or add the claim and its source to sourcedApprovals", f, claim)
			case seeds != "" && !strings.Contains(seeds, evidence):
				t.Errorf("%s: approved_by: %q: the source documents no longer say %q", f, claim, evidence)
			}
		}
	}
}

// readSeedsOrNil returns the text of the source documents, if any.
func readSeedsOrNil() []string {
	var out []string
	files, _ := filepath.Glob(filepath.Join(seedsDir, "*.txt"))
	for _, f := range files {
		if data, err := os.ReadFile(f); err == nil {
			out = append(out, string(data))
		}
	}
	return out
}

// TestPractitionerPagesShowEmergencyLine checks that every threshold,
// briefing and procedure page, and the threshold overview, shows the
// emergency line once, the same way.
func TestPractitionerPagesShowEmergencyLine(t *testing.T) {
	res, pages := builtPages(t, build.Options{SiteDir: "..", NoSearch: true})
	const want = "If a child is in immediate danger, call the police on 999."
	checked := 0
	for _, p := range res.Site.Pages {
		if p.Withdrawn() || !(p.Type == "threshold" || p.Type == "briefing" || p.Type == "procedure" || p.Layout == "threshold-overview") {
			continue
		}
		doc := pages[strings.TrimPrefix(p.URL, "/")+"index.html"]
		if doc == nil {
			t.Errorf("%s was not built", p.URL)
			continue
		}
		checked++
		lines := findAll(doc, func(n *html.Node) bool { return hasClass(n, "hb-emergency") })
		if len(lines) != 1 {
			t.Errorf("%s (%s): %d emergency lines, want 1", p.URL, p.File, len(lines))
			continue
		}
		if got := text(lines[0]); !strings.Contains(got, want) {
			t.Errorf("%s: the emergency line reads %q, want %q", p.URL, got, want)
		}
	}
	if checked < 15 {
		t.Errorf("only %d practitioner pages checked; the default content has more", checked)
	}
}

var (
	monthNames = `(?:January|February|March|April|May|June|July|August|September|October|November|December)`
	// datePhrase finds the dates a plan can be tied to: "October 2024",
	// "3 June 2024", "late 2024", "in 2025", "by 2024", "2024-25".
	datePhrase = regexp.MustCompile(`(?i)\b(?:(\d{1,2}) )?(` + monthNames + `) (\d{4})\b|\b(early|late|end of|spring|summer|autumn|winter|in|by|during) (\d{4})\b|\b(\d{4})-(\d{2})\b`)
	// futureWord is a phrase that makes a dated statement read as a plan:
	// "will", "due" (not "was due") and "planned" as in "is planned" or
	// "planned for" (not "it planned to", which reports a past plan).
	futureWord  = regexp.MustCompile(`(?i)\bwill\b|\bdue\b|\b(?:is|are|be|being) planned\b|\bplanned for\b`)
	pastDue     = regexp.MustCompile(`(?i)\b(?:was|were) due\b`)
	sentenceEnd = regexp.MustCompile(`[.!?](?:\s+|$)`)
)

const monthOrder = "janfebmaraprmayjunjulaugsepoctnovdec"

// periodEnd is the last day of the period a date phrase names.
func periodEnd(m []string) time.Time {
	year := func(s string) int {
		y := 0
		for _, c := range s {
			y = y*10 + int(c-'0')
		}
		return y
	}
	switch {
	case m[3] != "":
		month := time.Month(strings.Index(monthOrder, strings.ToLower(m[2][:3]))/3 + 1)
		if m[1] != "" {
			return time.Date(year(m[3]), month, year(m[1]), 0, 0, 0, 0, time.UTC)
		}
		return time.Date(year(m[3]), month+1, 0, 0, 0, 0, 0, time.UTC)
	case m[5] != "":
		y := year(m[5])
		switch strings.ToLower(m[4]) {
		case "early", "spring":
			return time.Date(y, 6, 30, 0, 0, 0, 0, time.UTC)
		case "summer":
			return time.Date(y, 9, 30, 0, 0, 0, 0, time.UTC)
		}
		return time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)
	default: // a financial year such as 2024-25 ends on 31 March
		return time.Date(year(m[6])+1, 3, 31, 0, 0, 0, 0, time.UTC)
	}
}

// staleFuture returns the sentences of s that tie "due", "planned" or
// "will" to a date that had passed on ref; "was due" and "had planned"
// report what a document said at its date and pass.
func staleFuture(s string, ref time.Time) []string {
	var out []string
	start := 0
	for _, loc := range append(sentenceEnd.FindAllStringIndex(s, -1), []int{len(s), len(s)}) {
		sentence := strings.TrimSpace(s[start:loc[1]])
		start = loc[1]
		if sentence == "" {
			continue
		}
		if !futureWord.MatchString(pastDue.ReplaceAllString(sentence, "")) {
			continue
		}
		for _, m := range datePhrase.FindAllStringSubmatch(sentence, -1) {
			if periodEnd(m).Before(ref) {
				out = append(out, sentence)
				break
			}
		}
	}
	return out
}

func TestStaleFuture(t *testing.T) {
	ref := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		text  string
		stale bool
	}{
		{"The strategy is due to launch in February 2025.", true},
		{"The screening tool is planned for late 2024.", true},
		{"The review will report in 2024-25.", true},
		{"The review was due to finish in October 2024.", false},
		{"The report said the tool was planned for late 2024.", true},
		{"In 2024 the group said it planned to dip-sample the audits.", false},
		{"The audit is planned for quarter 2 of 2024-25.", true},
		{"The next edition will come into force in April 2027.", false},
		{"In 2023-24, 975 staff attended training.", false},
	} {
		if got := len(staleFuture(tc.text, ref)) > 0; got != tc.stale {
			t.Errorf("staleFuture(%q) = %v, want %v", tc.text, got, tc.stale)
		}
	}
}

// referenceDate is the date the site was last changed: its newest commit,
// or without git the newest date among the pages' changes.
func referenceDate(t *testing.T, res *build.Result) time.Time {
	t.Helper()
	out, err := exec.Command("git", "-C", "..", "log", "-1", "--format=%cs", "--", "content", "data").Output()
	if err == nil {
		if d, err := time.Parse("2006-01-02", strings.TrimSpace(string(out))); err == nil {
			return d
		}
	}
	var ref time.Time
	for _, p := range res.Site.Pages {
		for _, c := range p.Changes {
			if c.Date.Time.After(ref) {
				ref = c.Date.Time
			}
		}
	}
	return ref
}

// TestContentNoStaleFutureTense fails on a current page that still says a
// plan is "due", "planned" or "will" happen by a date that has passed.
func TestContentNoStaleFutureTense(t *testing.T) {
	res, pages := builtPages(t, build.Options{SiteDir: "..", NoSearch: true})
	ref := referenceDate(t, res)
	if ref.IsZero() {
		t.Fatal("no reference date: the site has neither git history nor dated changes")
	}
	for _, p := range res.Site.Pages {
		doc := pages[strings.TrimPrefix(p.URL, "/")+"index.html"]
		if doc == nil || p.Withdrawn() {
			continue
		}
		for _, main := range findAll(doc, func(n *html.Node) bool { return n.Data == "main" }) {
			for _, s := range staleFuture(pageText(main), ref) {
				t.Errorf("%s: %q reads as a current plan, but its date had passed by %s: say what the document said at its date", p.File, s, ref.Format("2 January 2006"))
			}
		}
	}
}

// pageText is the text of n without the page's change notes (dated
// records, not statements), each block on its own line so that sentences
// do not run together.
func pageText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
		case n.Type == html.ElementNode && hasClass(n, "hb-page-updates"):
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.Type == html.ElementNode {
			switch n.Data {
			case "p", "li", "h1", "h2", "h3", "h4", "dd", "dt", "td", "th", "div":
				b.WriteString(".\n")
			}
		}
	}
	walk(n)
	return b.String()
}

// TestAmendmentsLogHasRealDates fails when the amendments log dates every
// change the same day, or does not reach back to the first publication of
// the arrangements in June 2019.
func TestAmendmentsLogHasRealDates(t *testing.T) {
	_, pages := builtPages(t, build.Options{SiteDir: "..", NoSearch: true})
	doc := pages["amendments/index.html"]
	if doc == nil {
		t.Fatal("no amendments/index.html")
	}
	dates := map[string]int{}
	earliest := ""
	for _, tm := range findAll(doc, func(n *html.Node) bool { return n.Data == "time" }) {
		d := attr(tm, "datetime")
		dates[d]++
		if earliest == "" || d < earliest {
			earliest = d
		}
	}
	if len(dates) < 3 {
		t.Errorf("the amendments log has %d distinct dates (%v): record when things really changed with changes: in the pages' front matter", len(dates), dates)
	}
	if earliest == "" || earliest >= "2019-07" {
		t.Errorf("the earliest amendment is dated %q; the arrangements were first published in June 2019", earliest)
	}
}

// copyRun is the length, in words, of a run of text that counts as copied.
const copyRun = 20

func words(s string) []string {
	s = strings.NewReplacer("’", "'", "‘", "'").Replace(strings.ToLower(s))
	return regexp.MustCompile(`[a-z0-9]+(?:'[a-z]+)?`).FindAllString(s, -1)
}

// proseLines returns the lines of a content file that are prose: table
// rows (Markdown or a report table's YAML rows) are data, and a
// blockquote that is not a callout is a marked quotation.
func proseLines(data string) string {
	var b strings.Builder
	quote := false
	sc := bufio.NewScanner(strings.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		trim := strings.TrimSpace(line)
		if strings.HasPrefix(trim, ">") {
			if !quote && !strings.HasPrefix(trim, "> [!") && !strings.HasPrefix(trim, ">[!") {
				quote = true
			}
			if quote {
				continue
			}
		} else {
			quote = false
		}
		if strings.HasPrefix(trim, "|") || strings.HasPrefix(trim, "- [") {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// TestContentNotCopiedFromSources fails on any run of 20 or more words of
// prose taken word for word from the source documents.
func TestContentNotCopiedFromSources(t *testing.T) {
	seeds := readSeeds(t)
	runs := map[string]bool{}
	for _, s := range seeds {
		w := words(s)
		for i := 0; i+copyRun <= len(w); i++ {
			runs[strings.Join(w[i:i+copyRun], " ")] = true
		}
	}
	for _, f := range contentFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		w := words(proseLines(string(data)))
		for i := 0; i+copyRun <= len(w); i++ {
			if !runs[strings.Join(w[i:i+copyRun], " ")] {
				continue
			}
			j := i + copyRun
			for j < len(w) && runs[strings.Join(w[j-copyRun+1:j+1], " ")] {
				j++
			}
			t.Errorf("%s: %d words copied from the source documents: %q; write it in your own words, or quote it as a marked quotation with its source", f, j-i, strings.Join(w[i:j], " "))
			i = j
		}
	}
}

// writeSite writes files (path: content) into a new site folder.
func writeSite(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		f := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestDemonstrationBanner checks status in handbook.yaml: "example" puts
// the demonstration banner on every page, without it no page has one, and
// any other value is an error that names the file, line and field.
func TestDemonstrationBanner(t *testing.T) {
	for _, tc := range []struct {
		status  string
		banners bool
		err     string
	}{
		{"status: example\n", true, ""},
		{"", false, ""},
		{"status: live\n", false, ""},
		{"status: demo\n", false, `handbook.yaml:2: error: status "demo" is not one of live, example`},
	} {
		dir := writeSite(t, map[string]string{
			"handbook.yaml":       "title: Test\n" + tc.status,
			"content/_index.md":   "---\ntitle: Home\n---\nHome.\n",
			"content/about.md":    "---\ntitle: About\n---\nAbout.\n",
			"content/a/_index.md": "---\ntitle: Section\n---\nSection.\n",
			"content/a/page.md":   "---\ntitle: Page\n---\nPage.\n",
		})
		if tc.err != "" {
			_, err := build.Build(build.Options{SiteDir: dir, NoSearch: true})
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want one containing %q", tc.status, err, tc.err)
			}
			continue
		}
		_, pages := builtPages(t, build.Options{SiteDir: dir, NoSearch: true})
		for file, doc := range pages {
			banners := findAll(doc, func(n *html.Node) bool { return hasClass(n, "hb-demo-banner") })
			if got := len(banners) == 1; got != tc.banners || len(banners) > 1 {
				t.Errorf("%q: %s has %d demonstration banners", tc.status, file, len(banners))
				continue
			}
			if tc.banners && !strings.Contains(text(banners[0]), "must be confirmed by the partnership") {
				t.Errorf("%s: the banner reads %q", file, text(banners[0]))
			}
		}
	}
	_, pages := builtPages(t, build.Options{SiteDir: "..", NoSearch: true})
	for file, doc := range pages {
		if n := len(findAll(doc, func(n *html.Node) bool { return hasClass(n, "hb-demo-banner") })); n != 1 {
			t.Errorf("default site: %s has %d demonstration banners, want 1", file, n)
		}
	}
}

// TestContactCardsGiveFallbacks checks that every contact card without a
// number gives a reader a way to act now (999 and 101), that no
// out-of-hours route ends at a service without a number, that a
// service's own web site is shown, and that the cards on the contacts
// page do not link to themselves.
func TestContactCardsGiveFallbacks(t *testing.T) {
	res, pages := builtPages(t, build.Options{SiteDir: "..", NoSearch: true})
	cards := 0
	for file, doc := range pages {
		for _, card := range findAll(doc, func(n *html.Node) bool { return hasClass(n, "hb-contact-card") }) {
			cards++
			body := text(card)
			if len(findAll(card, func(n *html.Node) bool { return hasClass(n, "hb-tbc") })) > 0 &&
				!strings.Contains(body, "In an emergency, call 999. To reach the police when it is not an emergency, call 101.") {
				t.Errorf("%s: a card without a number gives no fallback: %q", file, body)
			}
			if i := strings.Index(body, "Out of hours"); i >= 0 {
				ooh := body[i:]
				if !regexp.MustCompile(`\d{3}`).MatchString(ooh) {
					t.Errorf("%s: the out-of-hours route ends without a number: %q", file, ooh)
				}
			}
		}
	}
	if cards < 10 {
		t.Errorf("only %d contact cards in the default site", cards)
	}
	doc := pages["contacts/index.html"]
	for _, c := range res.Site.Contacts {
		sec := byID(doc, c.ID)
		if sec == nil {
			t.Errorf("contacts page: no #%s", c.ID)
			continue
		}
		if self := findAll(sec, func(n *html.Node) bool { return n.Data == "a" && strings.HasSuffix(attr(n, "href"), "#"+c.ID) }); len(self) > 0 {
			t.Errorf("contacts page: the card for %s links to itself", c.ID)
		}
		if strings.HasPrefix(c.URL, "http") && len(findAll(sec, func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == c.URL })) != 1 {
			t.Errorf("contacts page: the card for %s does not show its web address %s", c.ID, c.URL)
		}
	}
}
