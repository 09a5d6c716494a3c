package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rscp/handbook/bench/corpus"
	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/search"
)

// staticAnswer is what static-search.mjs found for one query.
type staticAnswer struct {
	Q     string   `json:"q"`
	Total int      `json:"total"`
	URLs  []string `json:"urls"`
	Error string   `json:"error"`
}

// builtSearch is a built site's bleve index, opened, and the folder of its
// static search data.
type builtSearch struct {
	ix   *search.Index
	data string
}

// buildSearch builds the site in siteDir and writes its index and static
// search data into a temporary folder.
func buildSearch(t testing.TB, siteDir string) builtSearch {
	t.Helper()
	res, err := build.Build(build.Options{SiteDir: siteDir})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, data []byte) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range res.Index {
		write("index/"+f.Path, f.Data)
	}
	for _, f := range res.Files {
		if strings.HasPrefix(f.Path, search.StaticDir+"/") {
			write(f.Path, f.Data)
		}
	}
	ix, err := search.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return builtSearch{ix: ix, data: filepath.Join(dir, search.StaticDir)}
}

// runStatic answers queries with the site's own browser script, in Node.
func runStatic(t testing.TB, data string, queries []string, limit int) map[string]staticAnswer {
	t.Helper()
	cfg, _ := json.Marshal(map[string]any{
		"engine": "../themes/default/static/js/search-engine.js", "data": data, "queries": queries, "limit": limit,
	})
	file := filepath.Join(t.TempDir(), "queries.json")
	if err := os.WriteFile(file, cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "node", "static-search.mjs", file)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("static-search.mjs: %v\n%s", err, stderr.String())
	}
	answers := map[string]staticAnswer{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var a staticAnswer
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("static-search.mjs printed %q: %v", sc.Text(), err)
		}
		answers[a.Q] = a
	}
	return answers
}

// compare runs every query on the server's index and in the script and
// returns the share of queries whose top 3 pages are the same, in the same
// order, and the differences.
func compare(t testing.TB, bs builtSearch, queries []string) (float64, []string) {
	t.Helper()
	answers := runStatic(t, bs.data, queries, 3)
	same := 0
	var diffs []string
	for _, q := range queries {
		a, ok := answers[q]
		if !ok {
			t.Fatalf("the script gave no answer for %q", q)
		}
		res, err := bs.ix.Search(context.Background(), search.Query{Text: q, Limit: 3})
		var server []string
		for _, r := range res {
			server = append(server, r.URL)
		}
		switch {
		case err != nil && a.Error != "":
			same++
			continue
		case err != nil || a.Error != "":
			diffs = append(diffs, fmt.Sprintf("%q: server error %v, script error %q", q, err, a.Error))
			continue
		}
		if pageList(server) == pageList(a.URLs) {
			same++
			continue
		}
		diffs = append(diffs, fmt.Sprintf("%q:\n  server %v\n  script %v", q, server, a.URLs))
	}
	return float64(same) / float64(len(queries)), diffs
}

// pageList is the list of URLs without their section anchors.
func pageList(urls []string) string {
	var out []string
	for _, u := range urls {
		p, _, _ := strings.Cut(u, "#")
		out = append(out, p)
	}
	return strings.Join(out, " ")
}

func needNode(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("the static search tests need node")
		}
		t.Skip("the static search tests need node")
	}
}

// relevanceQueries reads the project's relevance set: queries and the page
// each must find.
func relevanceQueries(t testing.TB) ([]string, map[string]string) {
	data, err := os.ReadFile("../search/testdata/relevance.txt")
	if err != nil {
		t.Fatal(err)
	}
	var qs []string
	want := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		q, w, _ := strings.Cut(line, "\t")
		qs = append(qs, q)
		want[q] = w
	}
	return qs, want
}

// TestStaticSearchSameAnswers runs the site's browser search script on the
// default site's static search data and wants the server's top 3 pages for
// at least 95% of the relevance set's queries, and the set's page in the
// script's top 3 for at least 90%.
func TestStaticSearchSameAnswers(t *testing.T) {
	needNode(t)
	bs := buildSearch(t, "..")
	qs, want := relevanceQueries(t)
	share, diffs := compare(t, bs, qs)
	t.Logf("same top 3 for %.0f%% of %d queries", share*100, len(qs))
	for _, d := range diffs {
		t.Log(d)
	}
	if share < 0.95 {
		t.Errorf("the script's top 3 is the server's for %.0f%% of the relevance set, below 95%%", share*100)
	}
	answers := runStatic(t, bs.data, qs, 3)
	found := 0
	for _, q := range qs {
		for _, u := range answers[q].URLs {
			if p, _, _ := strings.Cut(u, "#"); p == want[q] {
				found++
				break
			}
		}
	}
	recall := float64(found) / float64(len(qs))
	t.Logf("script recall@3 = %d/%d = %.0f%%", found, len(qs), recall*100)
	if recall < 0.9 {
		t.Errorf("the script's recall@3 is %.0f%%, below 90%%", recall*100)
	}
}

// TestStaticSearchSameAnswersCorpus does the same on a generated site of
// 2,000 pages with 300 generated queries: words of titles and headings,
// topics, acronyms, misspelt words and exclusions.
func TestStaticSearchSameAnswersCorpus(t *testing.T) {
	needNode(t)
	if testing.Short() {
		t.Skip("builds 2,000 pages")
	}
	dir := t.TempDir()
	if err := corpus.Write(dir, corpus.Options{Pages: 2000}); err != nil {
		t.Fatal(err)
	}
	bs := buildSearch(t, dir)
	qs := generatedQueries(t, dir, 300)
	share, diffs := compare(t, bs, qs)
	t.Logf("same top 3 for %.1f%% of %d queries", share*100, len(qs))
	for i, d := range diffs {
		if i < 20 {
			t.Log(d)
		}
	}
	if share < 0.95 {
		t.Errorf("the script's top 3 is the server's for %.1f%% of the generated queries, below 95%%", share*100)
	}
}

// generatedQueries makes n queries from the titles of the generated site's
// pages: one to three of a title's words, sometimes with a letter left
// out, or with a word to leave out.
func generatedQueries(t testing.TB, dir string, n int) []string {
	t.Helper()
	var titles []string
	_ = filepath.WalkDir(filepath.Join(dir, "content"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "title: "); ok {
				titles = append(titles, strings.Trim(v, `"'`))
				break
			}
		}
		return nil
	})
	if len(titles) == 0 {
		t.Fatal("the generated site has no titles")
	}
	r := rand.New(rand.NewPCG(1, 2))
	seen := map[string]bool{}
	var qs []string
	for len(qs) < n {
		ws := strings.Fields(strings.Map(func(c rune) rune {
			if c == ',' || c == ':' || c == '(' || c == ')' {
				return ' '
			}
			return c
		}, titles[r.IntN(len(titles))]))
		if len(ws) == 0 {
			continue
		}
		k := 1 + r.IntN(min(3, len(ws)))
		at := r.IntN(len(ws) - k + 1)
		q := ws[at : at+k]
		switch r.IntN(10) {
		case 0: // a letter left out of a long word
			for i, w := range q {
				if len(w) >= 6 {
					j := 1 + r.IntN(len(w)-2)
					q[i] = w[:j] + w[j+1:]
					break
				}
			}
		case 1: // leave a word out
			q = append(q, "-"+strings.ToLower(ws[r.IntN(len(ws))]))
		}
		s := strings.Join(q, " ")
		if !seen[s] {
			seen[s] = true
			qs = append(qs, s)
		}
	}
	return qs
}

// TestStaticHostSearch serves the built default site as a plain static
// host would: netlify.toml's headers, none of its redirects and no search
// function. In Chromium, search works from the header box (Enter and the
// suggestions), with no Content-Security-Policy violation and no failed
// request; without JavaScript the search page points to the A to Z.
func TestStaticHostSearch(t *testing.T) {
	needBrowser(t)
	res, files, headers := buildDefaultSite(t)
	srv := &Server{Files: files, Headers: headers} // no _redirects, no Search
	addr := listen(t, srv)

	// Every published page the A to Z must list.
	var listed []string
	for _, p := range res.Site.Pages {
		if !p.Draft() && !p.Withdrawn() && p.Title != "" {
			listed = append(listed, res.Site.Link(p.URL))
		}
	}
	cfg := map[string]any{"baseURL": "http://" + addr, "chromium": chromiumPath, "pages": listed}
	for _, r := range runScript(t, "static-host.mjs", cfg, 3*time.Minute) {
		t.Run(r.Name, func(t *testing.T) {
			if !r.OK {
				t.Error(r.Msg)
			}
		})
	}
	site, _ := srv.CSPReports()
	if len(site) > 0 {
		t.Errorf("the browser reported %d Content-Security-Policy violations:\n%s", len(site), strings.Join(site, "\n"))
	}
}
