//go:build unix

package build

import (
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rscp/handbook/bench/corpus"
	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/build/source"
)

// BenchmarkSearchIndexFiles is the search index as `handbook build` makes
// it: each page's document made from the model on the index goroutines
// (searchIndexFiles). bench/BenchmarkSearchIndex times search.Build of
// documents made beforehand. It reports the process's CPU time per build
// (cpu-ms/op), which, unlike ns/op, does not grow when other work shares
// the cores (unix only: it reads getrusage).
func BenchmarkSearchIndexFiles(b *testing.B) {
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
	start := processCPU()
	for b.Loop() {
		files, err := searchIndexFiles(s, nil)
		if err != nil {
			b.Fatal(err)
		}
		if len(files) == 0 {
			b.Fatal("the index has no files")
		}
	}
	b.ReportMetric(float64(processCPU()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// processCPU is the user and system CPU time the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
