package searchdocs

import (
	"testing"
	"testing/fstest"

	"github.com/rscp/handbook/bench/corpus"
	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/build/source"
	"github.com/rscp/handbook/internal/cpuclock"
)

// BenchmarkIndex is the search index as `handbook build` makes
// it: each page's document made from the model on the index goroutines
// (Index). bench/BenchmarkSearchIndex times search.Build of
// documents made beforehand. It reports the process's CPU time per build
// (cpu-ms/op), which, unlike ns/op, does not grow when other work shares
// the cores.
func BenchmarkIndex(b *testing.B) {
	fsys := fstest.MapFS{}
	for _, f := range corpus.New(corpus.Options{Pages: 2000}).HandbookFiles() {
		fsys[f.Path] = &fstest.MapFile{Data: f.Data}
	}
	in, diags := source.Load(fsys)
	if err := diags.Err(); err != nil {
		b.Fatal(err)
	}
	s, diags := site.New(in, site.Options{})
	if err := diags.Err(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	defer cpuclock.Report(b)()
	for b.Loop() {
		files, _, err := Index(s, nil)
		if err != nil {
			b.Fatal(err)
		}
		if len(files) == 0 {
			b.Fatal("the index has no files")
		}
	}
}
