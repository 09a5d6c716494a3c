package build_test

import (
	"bytes"
	"testing"

	"github.com/rscp/handbook/build"
)

// TestCacheGivesTheSameSite: the dev server's rebuilds reuse git-derived
// work; what they build must be exactly what a fresh build makes.
func TestCacheGivesTheSameSite(t *testing.T) {
	opts := build.Options{SiteDir: "..", NoSearch: true}
	fresh, err := build.Build(opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.Cache = build.NewCache()
	for round := range 2 { // the first fills the cache, the second uses it
		res, err := build.Build(opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Files) != len(fresh.Files) {
			t.Fatalf("round %d: %d files, want %d", round, len(res.Files), len(fresh.Files))
		}
		for i, f := range res.Files {
			if f.Path != fresh.Files[i].Path || !bytes.Equal(f.Data, fresh.Files[i].Data) {
				t.Fatalf("round %d: %s differs from a fresh build", round, f.Path)
			}
		}
	}
}
