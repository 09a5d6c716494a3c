package build_test

import (
	"bytes"
	"errors"
	"io/fs"
	"path/filepath"
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
	var firstMisses int
	for round := range 2 { // the first fills the cache, the second uses it
		hits0, misses0 := opts.Cache.TextStats()
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
		hits1, misses1 := opts.Cache.TextStats()
		hits, misses := hits1-hits0, misses1-misses0
		switch round {
		case 0:
			if misses == 0 {
				t.Fatal("the first build read no earlier page text from git: the test proves nothing")
			}
			firstMisses = misses
		case 1:
			if misses != 0 || hits == 0 {
				t.Errorf("the second build found %d earlier texts or diffs in the cache and read %d texts from git (the first read %d); want some and 0", hits, misses, firstMisses)
			}
		}
	}
}

// A missing site folder is reported as such, so callers can tell it apart
// from problems in the site with errors.Is.
func TestMissingSiteFolderKeepsItsCause(t *testing.T) {
	_, err := build.Build(build.Options{SiteDir: filepath.Join(t.TempDir(), "no-such-site")})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Build of a missing folder: %v; want an error that is fs.ErrNotExist", err)
	}
}
