package build_test

import (
	"bytes"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/history/historytest"
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

// The dev server keeps one cache while an editor works: a passage listed
// in data/redactions.yaml must leave the change pages at the next
// rebuild, though the diffs of the same two versions were kept before it.
func TestCacheHonoursANewRedaction(t *testing.T) {
	r := historytest.New(t)
	r.CommitFiles(historytest.Date(2024, 1, 1), "First", map[string]string{
		"handbook.yaml":     "title: Test\n",
		"content/_index.md": "---\ntitle: Test\n---\nWelcome.\n",
		"content/a.md":      "---\ntitle: A\n---\nRing 07700 900123 first.\n",
	})
	r.CommitFiles(historytest.Date(2024, 2, 1), "Second\n\nChange-Note: A second paragraph.", map[string]string{
		"content/a.md": "---\ntitle: A\n---\nRing 07700 900123 first.\n\nThen write.\n",
	})
	opts := build.Options{SiteDir: r.Dir, Now: historytest.Date(2025, 1, 1), NoSearch: true, Cache: build.NewCache()}
	shows := func(res *build.Result) bool {
		for _, f := range res.Files {
			if strings.Contains(f.Path, "history/") && bytes.Contains(f.Data, []byte("07700 900123")) {
				return true
			}
		}
		return false
	}
	before, err := build.Build(opts)
	if err != nil {
		t.Fatal(err)
	}
	if !shows(before) {
		t.Fatal("no history page shows the number before it is redacted: the test proves nothing")
	}
	r.Write(map[string]string{"data/redactions.yaml": "- text: 07700 900123\n  reason: A personal phone number.\n"})
	after, err := build.Build(opts)
	if err != nil {
		t.Fatal(err)
	}
	if shows(after) {
		t.Error("a history page still shows the redacted number after a rebuild with the same cache")
	}
	opts.Cache = nil
	fresh, err := build.Build(opts)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range fresh.Files {
		if i >= len(after.Files) || after.Files[i].Path != f.Path || !bytes.Equal(after.Files[i].Data, f.Data) {
			t.Fatalf("%s differs from a build without the cache", f.Path)
		}
	}
}
