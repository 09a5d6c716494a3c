package build_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/history/historytest"
)

// TestCacheFolderGivesACleanBuild is the differential test of handbook
// build --cache: after each step of a random sequence of edits (with and
// without change notes), new pages, renames, deletions and pages turned
// draft and back, committed one by one, a build that opens the cache
// folder the previous build saved makes exactly the files a clean build
// makes, byte for byte. The cache must also be used: later builds find
// earlier page texts in it instead of reading them from git.
func TestCacheFolderGivesACleanBuild(t *testing.T) {
	const seed = 20261207
	rng := rand.New(rand.NewPCG(seed, seed))
	r := historytest.New(t)
	page := func(title, status, body string) string {
		return "---\ntitle: " + title + "\nstatus: " + status + "\n---\n" + body
	}
	pages := map[string]string{} // file → body
	status := map[string]string{}
	write := func(file string) {
		r.Write(map[string]string{file: page(filepath.Base(file), status[file], pages[file])})
	}
	r.Write(map[string]string{
		"handbook.yaml":     "title: Test Partnership\nbase_url: https://handbook.example/\n",
		"content/_index.md": "---\ntitle: Test Partnership\n---\nWelcome.\n",
	})
	next := 0
	add := func() string {
		next++
		file := fmt.Sprintf("content/page-%d.md", next)
		pages[file], status[file] = fmt.Sprintf("The first text of page %d.\n", next), "published"
		write(file)
		return file
	}
	for range 4 {
		add()
	}
	day := historytest.Date
	r.Commit(day(2024, 1, 1), "Publish the first pages")

	cacheDir := filepath.Join(t.TempDir(), "cache")
	hits, logsReused, merges := 0, 0, 0
	for step := 1; step <= 30; step++ {
		files := slices.Sorted(func(yield func(string) bool) {
			for f := range pages {
				if !yield(f) {
					return
				}
			}
		})
		f := files[rng.IntN(len(files))]
		var what string
		switch n := rng.IntN(10); {
		case n < 5:
			pages[f] += fmt.Sprintf("\nA paragraph added in step %d.\n", step)
			write(f)
			what = "edit " + f
			if rng.IntN(2) == 0 {
				what += fmt.Sprintf("\n\nChange-Note: Step %d changed this page.", step)
			}
		case n < 6:
			what = "add " + add()
		case n < 7:
			to := fmt.Sprintf("content/moved-%d.md", step)
			r.Git("mv", f, to)
			pages[to], status[to] = pages[f], status[f]
			delete(pages, f)
			delete(status, f)
			what = "move " + f + " to " + to
		case n < 8 && len(pages) > 2:
			r.Git("rm", "-q", f)
			delete(pages, f)
			delete(status, f)
			what = "delete " + f
		case n == 9:
			// A page added on a branch and merged: the branch starts at
			// the commit before the last build's, then at the last build's
			// (whose log the cache folder keeps), in turn.
			merges++
			base, branch := "HEAD", fmt.Sprintf("side-%d", step)
			if merges%2 == 1 {
				base = "HEAD~1"
			}
			r.Git("checkout", "-q", "-b", branch, base)
			side := add()
			r.Commit(day(2024, 1, 1).AddDate(0, 0, step), "add "+side+" on a branch")
			r.Git("checkout", "-q", "main")
			// The work tree of main lacks the page until the merge.
			r.Git("merge", "-q", "--no-ff", "-m", "merge "+branch, branch)
			what = "merge " + branch + " from " + base
		default:
			for _, g := range files {
				if status[g] == "draft" {
					f = g // publish the draft again, so its history must leave out the draft versions
				}
			}
			if status[f] == "draft" {
				status[f] = "published"
			} else {
				status[f] = "draft"
			}
			pages[f] += fmt.Sprintf("\nText written while %s, step %d.\n", status[f], step)
			write(f)
			what = "make " + f + " " + status[f]
		}
		r.Commit(day(2024, 1, 1).AddDate(0, 0, step), what)

		opts := build.Options{SiteDir: r.Dir, Now: day(2025, 1, 1), NoSearch: true} // the cache does not reach the search index
		clean, err := build.Build(opts)
		if err != nil {
			t.Fatalf("step %d (%s): clean build: %v", step, what, err)
		}
		opts.Cache, err = build.OpenCache(cacheDir, r.Dir)
		if err != nil {
			t.Fatal(err)
		}
		cached, err := build.Build(opts)
		if err != nil {
			t.Fatalf("step %d (%s): build with the cache: %v", step, what, err)
		}
		if err := opts.Cache.Save(); err != nil {
			t.Fatal(err)
		}
		h, _ := opts.Cache.TextStats()
		hits += h
		if opts.Cache.LogReused() {
			logsReused++
		}
		t.Logf("step %d: %s (%d texts from the cache)", step, what, h)
		if len(cached.Files) != len(clean.Files) {
			t.Fatalf("step %d (%s): %d files with the cache, %d in a clean build", step, what, len(cached.Files), len(clean.Files))
		}
		for i, f := range clean.Files {
			if g := cached.Files[i]; g.Path != f.Path || !bytes.Equal(g.Data, f.Data) {
				t.Fatalf("step %d (%s): %s differs from a clean build's", step, what, f.Path)
			}
		}
	}
	if hits == 0 {
		t.Error("no build found an earlier page text in the cache folder: the test proves nothing")
	}
	if logsReused < 20 {
		t.Errorf("%d of 30 builds read git's log partly from the cache folder's", logsReused)
	}
}

// A cache folder made for other settings is not used: the texts it holds
// could come out differently.
func TestCacheFolderOfOtherSettingsIsNotUsed(t *testing.T) {
	r := historytest.New(t)
	r.Write(map[string]string{
		"handbook.yaml":     "title: Test\n",
		"content/_index.md": "---\ntitle: Test\n---\nWelcome.\n",
		"content/a.md":      "---\ntitle: A\n---\nFirst.\n",
	})
	r.Commit(historytest.Date(2024, 1, 1), "First")
	r.Write(map[string]string{"content/a.md": "---\ntitle: A\n---\nFirst.\n\nSecond.\n"})
	r.Commit(historytest.Date(2024, 2, 1), "Second\n\nChange-Note: A second paragraph.")
	cacheDir := t.TempDir()
	stats := func() (hits, misses int) {
		t.Helper()
		return buildWithCacheFolder(t, r.Dir, cacheDir).TextStats()
	}
	if hits, misses := stats(); hits != 0 || misses == 0 {
		t.Fatalf("first build: %d hits, %d misses; want 0 and some", hits, misses)
	}
	if hits, misses := stats(); hits == 0 || misses != 0 {
		t.Fatalf("second build: %d hits, %d misses; want some and 0", hits, misses)
	}
	if err := os.WriteFile(filepath.Join(r.Dir, "handbook.yaml"), []byte("title: Test\nmarkdown:\n  unsafe_html: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if hits, misses := stats(); hits != 0 || misses == 0 {
		t.Errorf("after a settings change: %d hits, %d misses; want 0 and some (the cache was made for other settings)", hits, misses)
	}
}

// A cache folder keeps what the site's history needs now: the versions of
// a page that was deleted, which no build reads any more, leave it with
// the next build that saves it.
func TestCacheFolderDropsWhatNoBuildUses(t *testing.T) {
	r := historytest.New(t)
	big := strings.Repeat("A long paragraph of the procedure that was later deleted. ", 2000) // about 120 KB
	r.Write(map[string]string{
		"handbook.yaml":     "title: Test\n",
		"content/_index.md": "---\ntitle: Test\n---\nWelcome.\n",
		"content/a.md":      "---\ntitle: A\n---\nFirst.\n",
		"content/gone.md":   "---\ntitle: Gone\n---\n" + big + "\n\nFirst.\n",
	})
	r.Commit(historytest.Date(2024, 1, 1), "First")
	r.Write(map[string]string{
		"content/a.md":    "---\ntitle: A\n---\nFirst.\n\nSecond.\n",
		"content/gone.md": "---\ntitle: Gone\n---\n" + big + "\n\nSecond.\n",
	})
	r.Commit(historytest.Date(2024, 2, 1), "Second\n\nChange-Note: A second paragraph.")
	cacheDir := t.TempDir()
	save := func() int64 {
		t.Helper()
		buildWithCacheFolder(t, r.Dir, cacheDir)
		st, err := os.Stat(filepath.Join(cacheDir, "history.cache"))
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	// The first build reads both versions of each page and keeps their
	// texts and diffs; the next needs only the diffs, and keeps those.
	save()
	before := save()
	if before < 200<<10 {
		t.Fatalf("the cache holds %d bytes: the deleted page's versions were never in it, the test proves nothing", before)
	}
	if again := save(); again != before {
		t.Errorf("a build with nothing changed saved %d bytes, the one before %d: what it used was dropped", again, before)
	}
	r.Git("rm", "-q", "content/gone.md")
	r.Commit(historytest.Date(2024, 3, 1), "Delete a page")
	if after := save(); after > before/4 {
		t.Errorf("after the page was deleted the cache holds %d bytes (%d before): its versions are still kept", after, before)
	}
}

// buildWithCacheFolder builds the site in siteDir with the cache kept in
// cacheDir, as handbook build --cache does, and saves it there again.
func buildWithCacheFolder(t *testing.T, siteDir, cacheDir string) *build.Cache {
	t.Helper()
	c, err := build.OpenCache(cacheDir, siteDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := build.Build(build.Options{SiteDir: siteDir, NoSearch: true, Cache: c}); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	return c
}
