package search

import (
	"context"
	"io/fs"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"
)

var (
	benchOnce sync.Once
	benchIx   *Index
	benchErr  error
)

// benchIndex builds the generated 2,000-page corpus (plus the realistic
// pages) once per test binary.
func benchIndex(b *testing.B) *Index {
	benchOnce.Do(func() {
		dir, err := mkTemp("hb-search-bench")
		if err != nil {
			benchErr = err
			return
		}
		p := filepath.Join(dir, "index.bleve")
		if benchErr = Build(p, append(testDocs(), genDocs(2000)...), testSynonyms()); benchErr != nil {
			return
		}
		benchIx, benchErr = Open(p)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchIx
}

var benchQueries = []string{
	"escalation", "CSE", "level 3", "missing from education", "escalaton", "exploitaton",
	"child protection conference", `"core group"`, "neglect -domestic", "LADO",
	"early help assessment", "significant harm", "strategy meeting", "safeguarding",
}

// BenchmarkSearch reports the time per query, cycling through typical
// queries (plain, acronym, level, phrase, typo, exclusion) with snippets.
func BenchmarkSearch(b *testing.B) {
	ix := benchIndex(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ix.Search(ctx, Query{Text: benchQueries[i%len(benchQueries)]}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearchEach reports each query separately, with its median.
func BenchmarkSearchEach(b *testing.B) {
	ix := benchIndex(b)
	ctx := context.Background()
	for _, q := range benchQueries {
		b.Run(q, func(b *testing.B) {
			times := make([]time.Duration, 0, b.N)
			for i := 0; i < b.N; i++ {
				st := time.Now()
				if _, err := ix.Search(ctx, Query{Text: q}); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(st))
			}
			sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "median-ms")
		})
	}
}

// BenchmarkBuild reports the time to build an index of 2,000 generated pages.
func BenchmarkBuild(b *testing.B) {
	docs := genDocs(2000)
	text := 0
	for _, d := range docs {
		text += len(d.Title) + len(d.Summary) + len(d.Body)
	}
	var size int64
	for i := 0; i < b.N; i++ {
		dir := filepath.Join(b.TempDir(), "index.bleve")
		if err := Build(dir, docs, testSynonyms()); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		size = 0
		_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if info, err := d.Info(); err == nil {
					size += info.Size()
				}
			}
			return nil
		})
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/2000, "ms/page")
	b.ReportMetric(float64(size)/1e6, "index-MB")
	b.ReportMetric(float64(size)/float64(text), "index/text")
}

// BenchmarkPrepare reports the time to analyse 2,000 generated pages into
// records and text blocks (this package's part of a build, without zap's),
// releasing the records every unit as Build does.
func BenchmarkPrepare(b *testing.B) {
	docs := genDocs(2000)
	an := newMapping().AnalyzerNamed(analyzerText)
	b.ReportAllocs()
	for b.Loop() {
		p := &preparer{an: newTextAnalyzer(an)}
		for i, d := range docs {
			if i%unitPages == 0 {
				p.an.release()
			}
			p.page(d, d.URL)
		}
	}
}
