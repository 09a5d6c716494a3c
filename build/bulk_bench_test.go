package build_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/history/historytest"
)

// BenchmarkBuildBulkEdit builds a site of 200 pages whose 200 commits
// each changed every page (issue 17 item 14), written to disk as
// handbook build does, and reports the files and megabytes written.
func BenchmarkBuildBulkEdit(b *testing.B) {
	r := historytest.BulkEdit(b, 200, 200)
	out := filepath.Join(b.TempDir(), "public")
	var files int
	var size int64
	for b.Loop() {
		res, err := build.BuildTo(context.Background(), build.Options{SiteDir: r.Dir, NoSearch: true, Now: historytest.Date(2026, 1, 1)}, out)
		if err != nil {
			b.Fatal(err)
		}
		files = res.Written
	}
	b.StopTimer()
	_ = filepath.Walk(out, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			size += fi.Size()
		}
		return nil
	})
	b.ReportMetric(float64(files), "files/op")
	b.ReportMetric(float64(size)/1e6, "MB-out/op")
}
