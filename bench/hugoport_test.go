package bench

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rscp/handbook/bench/corpus"
	"github.com/rscp/handbook/build"
)

// TestHugoPortMatchesDefaultTheme builds the same generated pages with
// handbook's default theme and, with Hugo, with its port in
// bench/corpus/hugo-govuk, and checks that every content page has the same
// chrome in both: the active section, breadcrumbs, side navigation,
// related pages, contents list, previous and next links, title and the
// sections made from front matter. compare.sh times the two against each
// other, so the port must do the same work. (The Markdown bodies differ:
// Hugo does not expand acronyms or resolve handbook's links.) Skipped
// without Hugo, except under CI (CI set), where .ci/run installs it and its
// absence is a failure.
func TestHugoPortMatchesDefaultTheme(t *testing.T) {
	hugo, err := exec.LookPath("hugo")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("hugo is not installed: .ci/run installs Debian's hugo; under CI this test must run")
		}
		t.Skip("hugo is not installed (under CI this test fails instead)")
	}
	opts := corpus.Options{Pages: 150, Seed: 7}
	fsys := fstest.MapFS{}
	for _, f := range corpus.New(opts).HandbookFiles() {
		fsys[f.Path] = &fstest.MapFile{Data: f.Data}
	}
	res, err := build.BuildFS(fsys, build.Options{NoSearch: true})
	if err != nil {
		t.Fatalf("%v\n%v", err, res.Diags.Sorted())
	}
	ours := map[string]string{}
	for _, f := range res.Files {
		ours[f.Path] = string(f.Data)
	}
	dir := t.TempDir()
	if err := corpus.WriteHugoGOVUK(filepath.Join(dir, "site"), opts); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(hugo, "-s", filepath.Join(dir, "site"), "-d", filepath.Join(dir, "public"), "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("hugo: %v\n%s", err, out)
	}
	checked, seen := 0, map[string]int{}
	for _, p := range res.Site.Pages {
		if p.File == "" || p.Withdrawn() || strings.HasPrefix(p.File, "(theme)") || p.IsHome() {
			continue
		}
		path := strings.TrimPrefix(p.URL, "/") + "index.html"
		theirs, err := os.ReadFile(filepath.Join(dir, "public", filepath.FromSlash(path)))
		if err != nil {
			t.Errorf("Hugo made no %s", path)
			continue
		}
		want, got := chrome(ours[path]), chrome(string(theirs))
		for _, part := range chromeParts {
			if want[part.name] != got[part.name] {
				t.Errorf("%s: %s differs\nhandbook: %q\nHugo:     %q", path, part.name, want[part.name], got[part.name])
			}
			if want[part.name] != "" {
				seen[part.name]++
			}
		}
		checked++
	}
	if checked < 140 {
		t.Errorf("only %d pages checked", checked)
	}
	for _, part := range chromeParts {
		if seen[part.name] == 0 {
			t.Errorf("no page has %s: the comparison of it checks nothing", part.name)
		}
	}
	t.Logf("%d pages; pages with each part: %v", checked, seen)
}

// chromeParts are the parts of a page's chrome compared: each is what the
// pattern matches inside the part of the page from start to end (to the
// end of the page when end is empty or not found).
var chromeParts = []struct {
	name, start, end string
	pattern          *regexp.Regexp
}{
	{"title", "<title>", "</title>", regexp.MustCompile(`<title>([^<]*)`)},
	{"heading", `<h1 class="govuk-heading-l">`, "</h1>", regexp.MustCompile(`<h1 class="govuk-heading-l">([^<]*)`)},
	{"caption", `<span class="govuk-caption-l">`, "</span>", regexp.MustCompile(`govuk-caption-l">([^<]*)`)},
	{"active section", `govuk-service-navigation__item--active`, "</li>", regexp.MustCompile(`href="([^"]*)" aria-current="(\w+)"`)},
	{"breadcrumbs", `<ol class="govuk-breadcrumbs__list">`, "</ol>", regexp.MustCompile(`href="([^"]*)">([^<]*)<`)},
	{"side navigation", `<ul class="hb-sidenav__list">`, "</nav>", regexp.MustCompile(`href="([^"]*)"( aria-current="page")?>([^<]*)<`)},
	{"related pages", `<ul class="hb-related__list">`, "</ul>", regexp.MustCompile(`href="([^"]*)">([^<]*)<`)},
	{"contents", `<nav class="hb-toc"`, "</div>", regexp.MustCompile(`href="(#[^"]*)">([^<]*)<`)},
	{"previous and next", `<nav class="govuk-pagination`, "</nav>", regexp.MustCompile(`href="([^"]*)" rel="(\w+)"`)},
	{"review due", `class="govuk-inset-text hb-review-due"`, "</div>", regexp.MustCompile(`datetime="([^"]*)">([^<]*)<`)},
	{"page details", `<dl class="hb-page-meta">`, "</dl>", regexp.MustCompile(`<dt>(Last reviewed|Next review|Owner|Approved by)</dt><dd>(?:<time datetime="([^"]*)">)?([^<]*)<`)},
	{"stages", `<ol class="hb-stages">`, "</ol>", regexp.MustCompile(`id="(route-stage-\d+)"`)},
	{"briefing boxes", `<ol class="hb-briefing-boxes">`, "</ol>", regexp.MustCompile(`id="(box-\d+)"`)},
	{"contact cards", `id="hb-contacts"`, "</section>", regexp.MustCompile(`hb-contact-card__title"><a class="govuk-link" href="([^"]*)">([^<]*)<`)},
	{"report tables", `<table class="govuk-table">`, "", regexp.MustCompile(`<caption[^>]*>([^<]*)<`)},
}

// chrome returns what each of chromeParts matches in page.
func chrome(page string) map[string]string {
	out := map[string]string{}
	for _, part := range chromeParts {
		i := strings.Index(page, part.start)
		if i < 0 {
			continue
		}
		s := page[i:]
		if j := strings.Index(s[len(part.start):], part.end); part.end != "" && j >= 0 {
			s = s[:len(part.start)+j]
		}
		var b strings.Builder
		for _, m := range part.pattern.FindAllStringSubmatch(s, -1) {
			b.WriteString(strconv.Quote(strings.Join(m[1:], " ")))
			b.WriteByte(' ')
		}
		out[part.name] = b.String()
	}
	return out
}
