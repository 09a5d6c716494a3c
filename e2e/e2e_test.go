package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/output"
	"github.com/rscp/handbook/build/render"
	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/search"
)

// chromiumPath is Debian's Chromium, installed by .ci/run with apt-get.
const chromiumPath = "/usr/bin/chromium"

// PageType is one kind of page the browser checks in depth.
type PageType struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// Config is what run.mjs is told about the site under test.
type Config struct {
	BaseURL   string     `json:"baseURL"`
	Chromium  string     `json:"chromium"`
	Artifacts string     `json:"artifacts"`
	ExitURL   string     `json:"exitURL"`
	Types     []PageType `json:"types"`
	Pages     []string   `json:"pages"`     // every page of the site
	Briefings []string   `json:"briefings"` // every 7-minute briefing
	Editions  int        `json:"editions"`  // how many editions handbook.yaml declares
	// SafetyURL is the page on browsing safely that quick exit links to.
	SafetyURL string `json:"safetyURL"`
	// The route to help on every page links these.
	WorriedURL    string `json:"worriedURL"`
	ContactsURL   string `json:"contactsURL"`
	AmendmentsURL string `json:"amendmentsURL"`
	// QuickExitTypes are the page types (of Types) that show Exit this page.
	QuickExitTypes []string `json:"quickExitTypes"`
}

// result is one check reported by run.mjs on a line "@@result {json}".
type result struct {
	Name string `json:"name"`
	OK   bool   `json:"ok"`
	Msg  string `json:"msg"`
}

// missingTools says what the browser tests need and cannot find.
func missingTools() []string {
	var missing []string
	if _, err := exec.LookPath("node"); err != nil {
		missing = append(missing, "node (apt-get install nodejs)")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		missing = append(missing, chromiumPath+" (apt-get install chromium)")
	}
	for _, m := range []string{"playwright-core", "axe-core"} {
		if _, err := os.Stat(filepath.Join("node_modules", m, "package.json")); err != nil {
			missing = append(missing, "e2e/node_modules/"+m+" (npm ci --prefix e2e)")
		}
	}
	return missing
}

// TestBrowser runs every browser check of run.mjs on the default site.
func TestBrowser(t *testing.T) {
	needBrowser(t)
	start := time.Now()

	res, files, headers := buildDefaultSite(t)
	srv := NewServer(files, headers)
	srv.Search = searchHandler(t, res.Index, files["search/index.html"])
	addr := listen(t, srv)

	artifacts := os.Getenv("HANDBOOK_E2E_ARTIFACTS")
	if artifacts == "" {
		artifacts = "artifacts"
	}
	artifacts, err := filepath.Abs(artifacts)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(artifacts); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}

	cfg := Config{
		BaseURL:   "http://" + addr,
		Chromium:  chromiumPath,
		Artifacts: artifacts,
		ExitURL:   res.Site.Config.QuickExit.URL,
		Types:     pageTypes(t, res.Site, srv),
		Pages:     pages(files),
		Editions:  len(res.Site.Config.Editions),
	}
	for _, p := range res.Site.Pages {
		if p.Briefing != nil && !p.Draft() && !p.Withdrawn() {
			cfg.Briefings = append(cfg.Briefings, p.URL)
		}
	}
	if p := res.Site.ByID[render.BrowsingSafelyID]; p != nil {
		cfg.SafetyURL = p.URL
	} else {
		t.Fatalf("the default site has no page with id %q for quick exit to link to", render.BrowsingSafelyID)
	}
	for _, id := range []struct {
		id  string
		url *string
	}{{render.WorriedID, &cfg.WorriedURL}, {render.ContactsID, &cfg.ContactsURL}, {"amendments", &cfg.AmendmentsURL}} {
		p := res.Site.ByID[id.id]
		if p == nil {
			t.Fatalf("the default site has no page with id %q for the route to help", id.id)
		}
		*id.url = p.URL
	}
	// Exit this page is on the pages the public reaches from the route to
	// help (handbook.yaml's quick_exit), found in the built pages.
	for _, pt := range cfg.Types {
		if data := files[strings.TrimPrefix(pt.URL, "/")+"index.html"]; bytes.Contains(data, []byte("govuk-exit-this-page__button")) {
			cfg.QuickExitTypes = append(cfg.QuickExitTypes, pt.Name)
		}
	}
	for _, name := range []string{"home", "contacts", "search", "quick-exit", "briefing"} {
		if !slices.Contains(cfg.QuickExitTypes, name) {
			t.Errorf("the %s page has no Exit this page button", name)
		}
	}
	if cfg.ExitURL == "" {
		t.Fatal("handbook.yaml sets no quick_exit.url: the quick exit checks need one")
	}
	if len(cfg.Briefings) == 0 {
		t.Fatal("the default site has no 7-minute briefings to print")
	}
	results := runScript(t, "run.mjs", cfg, 20*time.Minute)

	for _, r := range results {
		t.Run(r.Name, func(t *testing.T) {
			if !r.OK {
				t.Error(r.Msg)
			}
		})
	}
	assertEveryCheckRan(t, expectedChecks(cfg), results)
	// Reports reach the collector asynchronously; the browser has closed,
	// so every report it sent has arrived.
	siteReports, canaryReports := srv.CSPReports()
	t.Run("csp/report-uri", func(t *testing.T) {
		if len(siteReports) > 0 {
			t.Errorf("the browser reported %d Content-Security-Policy violations:\n%s", len(siteReports), strings.Join(siteReports, "\n"))
		}
	})
	t.Run("self-test/csp-report-uri-collector", func(t *testing.T) {
		if len(canaryReports) == 0 {
			t.Error("the canary page's inline script and style sent no violation report: the collector would miss real ones")
		}
	})
	failed := 0
	for _, r := range results {
		if !r.OK {
			failed++
		}
	}
	t.Logf("%d browser checks, %d failed, in %s; screenshots and PDFs are in %s",
		len(results), failed, time.Since(start).Round(100*time.Millisecond), artifacts)
	fmt.Printf("e2e: screenshots and PDFs are in %s\n", artifacts)
}

// buildDefaultSite builds the default site into memory and reads the
// headers netlify.toml gives it.
func buildDefaultSite(t *testing.T) (*build.Result, map[string][]byte, []HeaderRule) {
	t.Helper()
	res, err := build.Build(build.Options{SiteDir: ".."})
	if err != nil {
		t.Fatalf("the default site does not build:\n%v", err)
	}
	files := map[string][]byte{}
	for _, f := range res.Files {
		files[f.Path] = f.Data
	}
	headers, err := LoadNetlifyHeaders("../netlify.toml")
	if err != nil {
		t.Fatal(err)
	}
	return res, files, headers
}

// listen serves h on a free port of 127.0.0.1 until the test ends and
// returns the address.
func listen(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return ln.Addr().String()
}

// runScript runs `node script CONFIG` with cfg written as JSON, logs what it
// prints and returns its results: the lines "@@result {json}". It fails the
// test when the script cannot run or reports nothing.
func runScript(t *testing.T, script string, cfg any, timeout time.Duration) []result {
	t.Helper()
	cfgFile := filepath.Join(t.TempDir(), "config.json")
	data, _ := json.MarshalIndent(cfg, "", "  ")
	if err := os.WriteFile(cfgFile, data, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", script, cfgFile)
	cmd.WaitDelay = 5 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var results []result
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		if j, ok := strings.CutPrefix(line, "@@result "); ok {
			var r result
			if err := json.Unmarshal([]byte(j), &r); err != nil {
				t.Errorf("%s printed a bad result line %q: %v", script, line, err)
				continue
			}
			results = append(results, r)
			continue
		}
		t.Log(line)
	}
	if err := cmd.Wait(); err != nil {
		// The checks that ran still report, as subtests of their own.
		t.Errorf("%s failed after %d checks: %v\n%s", script, len(results), err, stderr.String())
		return results
	}
	if len(results) == 0 {
		t.Fatalf("%s ran no checks\n%s", script, stderr.String())
	}
	return results
}

// needBrowser skips the test, or fails it under CI, when the browser
// tools are missing or -short is set.
func needBrowser(t *testing.T) {
	t.Helper()
	if missing := missingTools(); len(missing) > 0 {
		msg := "browser tests need: " + strings.Join(missing, ", ") + "; .ci/run installs them"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg + " (the test fails instead when CI is set)")
	}
	if testing.Short() {
		t.Skip("browser tests are skipped with -short")
	}
}

// searchHandler answers /search and /search.json from the index the build
// made (Result.Index), with the built search page as its shell: what the
// Netlify function does on the hosted site.
func searchHandler(t *testing.T, index []output.File, shell []byte) http.Handler {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "index.bleve")
	n := 0
	for _, file := range index {
		f := filepath.Join(dir, filepath.FromSlash(file.Path))
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, file.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n == 0 {
		t.Fatal("the build made no search index")
	}
	ix, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if shell == nil {
		t.Fatal("the build has no search/index.html (the search page's shell)")
	}
	if !bytes.Contains(shell, []byte(search.ResultsMarker)) {
		// The handler would then answer with its bare built-in page: no
		// header, no stylesheet, no skip link.
		t.Fatalf("search/index.html has no %s for the search results (is the page's layout \"search\"?)", search.ResultsMarker)
	}
	return search.NewHandler(ix, shell)
}

// pageTypes lists one page of each kind the browser checks in depth. The
// pages the issues name are fixed; the others are the first of their type.
func pageTypes(t *testing.T, s *site.Site, srv *Server) []PageType {
	t.Helper()
	first := func(match func(p *site.Page) bool) string {
		for _, p := range s.Pages {
			if !p.Draft() && !p.Withdrawn() && match(p) {
				return p.URL
			}
		}
		return ""
	}
	types := []PageType{
		{"home", "/"},
		{"section", first(func(p *site.Page) bool {
			return p.IsSection && !p.IsHome() && p.URL != "/thresholds/" && p.URL != "/briefings/"
		})},
		{"arrangement", first(func(p *site.Page) bool { return p.Arrangement != nil })},
		{"threshold", first(func(p *site.Page) bool { return p.Threshold != nil })},
		{"threshold-overview", "/thresholds/"},
		{"procedure-stages", "/procedures/escalation/"},
		{"briefing", first(func(p *site.Page) bool { return p.Briefing != nil })},
		{"briefings-index", "/briefings/"},
		// A report with a chart, which the chart checks look at.
		{"report", first(func(p *site.Page) bool {
			return p.Report != nil && slices.ContainsFunc(p.Report.Tables, func(t site.DataTable) bool { return t.Chart != "" })
		})},
		{"glossary", "/glossary/"},
		{"a-z", "/a-z/"},
		{"contacts", "/contacts/"},
		{"accessibility", "/accessibility/"},
		{"search", "/search/"},
		{"quick-exit", "/worried-about-a-child/"},
		{"whole-arrangements", "/arrangements/whole/"},
		{"whole-procedures", "/procedures/whole/"},
		{"page", first(func(p *site.Page) bool { return p.Type == "" || p.Type == "page" })},
	}
	// Pages from git history and editions, where the site has them: the
	// first (in path order) of each kind.
	for _, k := range []struct{ name, pattern string }{
		{"history", "*/history/index.html"},
		{"change", "*/history/*/index.html"},
		{"amendments", "amendments/index.html"},
		{"archived-edition", "v/*/*/*/index.html"},
		{"compare", "v/*/compare/index.html"},
	} {
		var found []string
		for name, data := range srv.Files {
			if ok, _ := path.Match(k.pattern, name); ok && !isRedirect(data) {
				found = append(found, "/"+strings.TrimSuffix(name, "index.html"))
			}
		}
		sort.Strings(found)
		if len(found) > 0 {
			types = append(types, PageType{k.name, found[0]})
		}
	}
	for _, pt := range types {
		if pt.URL == "" || !srv.Exists(pt.URL) {
			t.Fatalf("the default site has no %s page (%q) for the browser to check", pt.Name, pt.URL)
		}
	}
	// Last: a URL that is not there, served 404.html with status 404.
	return append(types, PageType{"404", "/no-such-page/"})
}

// pages lists every page of the site that a reader can open.
func pages(files map[string][]byte) []string {
	var out []string
	for name, data := range files {
		if !strings.HasSuffix(name, ".html") || name == "404.html" || isRedirect(data) {
			continue
		}
		out = append(out, "/"+strings.TrimSuffix(strings.TrimSuffix(name, "index.html"), ".html"))
	}
	sort.Strings(out)
	return out
}

func isRedirect(data []byte) bool { return bytes.Contains(data, []byte(`http-equiv="refresh"`)) }

// TestNetlifyHeaders checks the policy the browser tests serve, without a
// browser: netlify.toml parses, and its Content-Security-Policy is strict.
func TestNetlifyHeaders(t *testing.T) {
	rules, err := LoadNetlifyHeaders("../netlify.toml")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(map[string][]byte{"index.html": []byte("<p>home"), "404.html": []byte("<p>gone"),
		"a/index.html": []byte("<p>a"), "assets/x/css/a.css": []byte("p{}"), "_redirects": []byte("/old/ /a/ 301\n")}, rules)
	get := func(p string) *http.Response {
		t.Helper()
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		return rec.Result()
	}
	r := get("/")
	csp := r.Header.Get("Content-Security-Policy")
	if csp == "" {
		t.Fatal("netlify.toml sets no Content-Security-Policy for /")
	}
	for _, bad := range []string{"'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"} {
		for _, tok := range strings.Fields(csp) {
			if strings.TrimSuffix(tok, ";") == bad {
				t.Errorf("the Content-Security-Policy allows %s: %s", bad, csp)
			}
		}
	}
	for _, want := range []string{"default-src 'self'", "frame-ancestors 'none'", "form-action 'self'", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("the Content-Security-Policy lacks %q: %s", want, csp)
		}
	}
	if ro := r.Header.Get("Content-Security-Policy-Report-Only"); !strings.HasSuffix(ro, "report-uri "+CSPReportPath) {
		t.Errorf("no Report-Only copy of the policy: %q", ro)
	}
	if r.Header.Get("Cache-Control") != "" {
		t.Errorf("/ has the assets' Cache-Control %q", r.Header.Get("Cache-Control"))
	}
	if a := get("/assets/x/css/a.css"); !strings.Contains(a.Header.Get("Cache-Control"), "immutable") || a.Header.Get("Content-Security-Policy") != csp {
		t.Errorf("/assets/ headers: %v", a.Header)
	}
	if a := get("/assets/x/css/a.css"); !strings.HasPrefix(a.Header.Get("Content-Type"), "text/css") {
		t.Errorf("CSS served as %q", a.Header.Get("Content-Type"))
	}
	if n := get("/nope/"); n.StatusCode != 404 || n.Header.Get("Content-Security-Policy") != csp {
		t.Errorf("missing page: status %d, headers %v", n.StatusCode, n.Header)
	}
	if n := get("/_redirects"); n.StatusCode != 404 {
		t.Errorf("/_redirects is served: %d", n.StatusCode)
	}
	if a := get("/a"); a.StatusCode != 301 || a.Header.Get("Location") != "/a/" {
		t.Errorf("/a: %d %q", a.StatusCode, a.Header.Get("Location"))
	}
	if a := get("/old/"); a.StatusCode != 301 || a.Header.Get("Location") != "/a/" {
		t.Errorf("/old/: %d %q", a.StatusCode, a.Header.Get("Location"))
	}
}

// expectedChecks lists, by the section names that HANDBOOK_E2E_ONLY takes,
// every check run.mjs must report for cfg. It is kept here, apart from
// run.mjs, so that a check dropped from the script, renamed, or skipped by
// a condition fails the test instead of disappearing from the list.
func expectedChecks(cfg Config) map[string][]string {
	exp := map[string][]string{
		"self-test": {"self-test/detects-console-errors", "self-test/detects-csp-violations",
			"self-test/detects-missing-noopener", "self-test/detects-axe-violations",
			"self-test/detects-horizontal-scroll", "self-test/detects-third-party-requests"},
		"crawl": {"all-pages/no-horizontal-scroll-360", "all-pages/no-console-errors", "all-pages/no-csp-violations",
			"all-pages/no-third-party-requests", "all-pages/target-blank-has-noopener"},
		"keyboard": {"keyboard/skip-link-moves-focus-to-main", "keyboard/menu-360",
			"keyboard/header-search-1280", "keyboard/header-search-360",
			"quick-exit/button-by-keyboard-1280", "quick-exit/button-by-keyboard-360", "quick-exit/shift-three-times"},
		"suggest":    {"search-suggest/keyboard-1280", "search-suggest/keyboard-360"},
		"quick-exit": {"quick-exit/browsing-safely-link-1280", "quick-exit/browsing-safely-link-360", "quick-exit/no-gap-1280"},
		"overview": {"threshold-overview/list-at-360", "threshold-overview/matrix-at-1280",
			"threshold-overview/indicator-anchors", "threshold-overview/print"},
		"nojs": {"keyboard/skip-link-no-js"},
	}
	if cfg.Editions > 1 {
		exp["keyboard"] = append(exp["keyboard"], "keyboard/version-switcher")
	}
	exp["whole"] = []string{"print/whole-arrangements", "print/whole-procedures"}
	exp["types"] = append(exp["types"], "header/menu-on-one-line-1280")
	exp["chart"] = []string{"chart/name-description-table-1280", "chart/name-description-table-360"}
	exp["toc"] = []string{"toc/threshold-lists-its-sections", "toc/procedure-stages-lists-its-sections"}
	for _, name := range cfg.QuickExitTypes {
		exp["types"] = append(exp["types"], "quick-exit/second-tab-stop/"+name)
	}
	for _, pt := range cfg.Types {
		if pt.Name == "compare" {
			exp["compare"] = []string{"compare/summary-and-folded-diffs-1280", "compare/summary-and-folded-diffs-360"}
		}
		exp["types"] = append(exp["types"], "help-route/"+pt.Name,
			"page/"+pt.Name+"/no-console-errors", "page/"+pt.Name+"/no-csp-violations",
			"page/"+pt.Name+"/no-third-party-requests", "keyboard/skip-link-first/"+pt.Name,
			"page/"+pt.Name+"/no-horizontal-scroll-360", "axe/1280/"+pt.Name, "axe/360/"+pt.Name)
		exp["nojs"] = append(exp["nojs"], "no-js/"+pt.Name)
	}
	for _, u := range cfg.Briefings {
		exp["print"] = append(exp["print"], "print/one-a4-page/"+strings.ReplaceAll(strings.Trim(u, "/"), "/", "-"))
	}
	return exp
}

// assertEveryCheckRan fails the test for each expected check that run.mjs
// did not report. With HANDBOOK_E2E_ONLY only the chosen sections are
// expected, and the others are named as not run; under CI every section
// must run.
func assertEveryCheckRan(t *testing.T, exp map[string][]string, results []result) {
	t.Helper()
	ran := map[string]bool{}
	for _, r := range results {
		ran[r.Name] = true
	}
	var only []string
	for _, s := range strings.Split(os.Getenv("HANDBOOK_E2E_ONLY"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			only = append(only, s)
		}
	}
	if len(only) > 0 && os.Getenv("CI") != "" {
		t.Errorf("HANDBOOK_E2E_ONLY=%s is set under CI: every browser check must run", strings.Join(only, ","))
	}
	for _, section := range slices.Sorted(maps.Keys(exp)) {
		if len(only) > 0 && section != "self-test" && !slices.Contains(only, section) {
			t.Logf("not run (HANDBOOK_E2E_ONLY): %d checks of section %q", len(exp[section]), section)
			continue
		}
		for _, name := range exp[section] {
			if !ran[name] {
				t.Errorf("the browser check %q (section %s) did not run: run.mjs dropped it or a condition skipped it", name, section)
			}
		}
	}
}
