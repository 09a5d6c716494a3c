package build_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/searchdocs"
	"github.com/rscp/handbook/search"
)

// TestRelevance runs the practitioner queries of search/testdata/relevance.txt
// against an index of the default site and fails when fewer than 90% find
// their page in the top three results.
func TestRelevance(t *testing.T) {
	res, err := build.Build(build.Options{SiteDir: ".."})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "index.bleve")
	syns := []search.Synonym{}
	for _, term := range res.Site.Glossary {
		syns = append(syns, search.Synonym{Acronym: term.Acronym, Term: term.Term, Aliases: term.Aliases})
	}
	if err := search.Build(dir, searchdocs.Docs(res.Site), syns); err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()

	f, err := os.Open("../search/testdata/relevance.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var total, found int
	var times []time.Duration
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		q, want, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("relevance.txt: no tab in %q", line)
		}
		total++
		start := time.Now()
		results, err := ix.Search(context.Background(), search.Query{Text: q, Limit: 3})
		times = append(times, time.Since(start))
		if err != nil {
			t.Errorf("%q: %v", q, err)
			continue
		}
		var got []string
		hit := false
		for _, r := range results {
			u, _, _ := strings.Cut(r.URL, "#")
			got = append(got, r.URL)
			hit = hit || u == want
		}
		if hit {
			found++
		} else {
			t.Logf("miss: %q wants %s, top 3: %v", q, want, got)
		}
	}
	if total < 30 {
		t.Fatalf("only %d queries in relevance.txt; the set needs at least 30", total)
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	recall := float64(found) / float64(total)
	t.Logf("recall@3 = %d/%d = %.0f%%; latency median %s, max %s", found, total, recall*100,
		times[len(times)/2], times[len(times)-1])
	if recall < 0.9 {
		t.Errorf("recall@3 is %.0f%%, below 90%%", recall*100)
	}
}

// TestRankingRules checks the ranking rules that come after the index's
// scores (search/run.go, rerank) on the default site: a query that is a
// page's whole title puts that page first, even when other pages use its
// words more; words close together beat the same words far apart; and a
// range of years is one thing.
func TestRankingRules(t *testing.T) {
	res, err := build.Build(build.Options{SiteDir: ".."})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "index.bleve")
	if err := search.Build(dir, searchdocs.Docs(res.Site), searchdocs.Synonyms(res.Site)); err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, c := range []struct{ q, first string }{
		{"2023-24 annual report", "/reports/annual-report-2023-24/"},
		{"annual report 2023-24", "/reports/annual-report-2023-24/"},
		{"who chairs the executive group", "/arrangements/governance/"},
	} {
		results, err := ix.Search(context.Background(), search.Query{Text: c.q, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range results {
			got = append(got, r.URL)
		}
		if len(got) == 0 || !strings.HasPrefix(got[0], c.first) {
			t.Errorf("%q: first result is not %s: %v", c.q, c.first, got)
		}
	}
}
