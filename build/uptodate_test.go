package build_test

import (
	"bytes"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/history/historytest"
	"github.com/rscp/handbook/internal/treetest"
)

// TestUnchangedSiteIsNotBuiltAgain: with a cache folder, a build that
// would change nothing builds nothing and touches nothing, and says what
// the last build said; any change to what a build reads or writes (a
// page's text, even at the same size and time, a new, deleted or broken
// page, a data file, the settings, a commit, the options, the date, a
// file of the output, even at the same size and time, or the search
// index changed or added) makes it
// build, and what it builds is what a clean build makes.
func TestUnchangedSiteIsNotBuiltAgain(t *testing.T) {
	r := historytest.New(t)
	r.Write(map[string]string{
		"handbook.yaml":      "title: Test Partnership\n", // no base_url: every build warns
		"content/_index.md":  "---\ntitle: Test Partnership\nsummary: Home.\n---\nWelcome.\n",
		"content/a.md":       "---\ntitle: Alpha\nsummary: A.\n---\nThe first text of alpha.\n",
		"content/b.md":       "---\ntitle: Beta\nsummary: B.\n---\nCall the [front door](/contacts/).\n",
		"data/contacts.yaml": "- id: front-door\n  service: Children's front door\n  phone: 01709 336080\n",
	})
	r.Commit(historytest.Date(2024, 1, 1), "First pages")

	out := filepath.Join(t.TempDir(), "public")
	cacheDir := filepath.Join(t.TempDir(), "cache")
	opts := build.Options{SiteDir: r.Dir, Publishing: true, Now: time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)}
	unchanged := func(what string, o build.Options, last *build.Result) {
		t.Helper()
		before := treetest.Stats(t, out)
		index := treetest.Stats(t, build.IndexDir(out))
		saved, _ := os.ReadFile(filepath.Join(cacheDir, "history.cache"))
		res, err := buildTo(t, o, out, cacheDir)
		if err != nil {
			t.Fatalf("%s, then nothing: %v", what, err)
		}
		if !res.Unchanged {
			t.Fatalf("%s, then nothing: the site was built again", what)
		}
		if res.Pages != len(last.Site.Pages) || res.Written != last.Written {
			t.Errorf("%s, then nothing: the result says %d pages, %d files; the build made %d, %d", what, res.Pages, res.Written, len(last.Site.Pages), last.Written)
		}
		if s := fmt.Sprint(res.Diags.Sorted()); !strings.Contains(s, "no base_url is set") {
			t.Errorf("%s, then nothing: the last build's warning is not given again:\n%s", what, s)
		}
		if after := treetest.Stats(t, out); !maps.Equal(before, after) {
			t.Errorf("%s, then nothing: the output was touched:\n%s", what, treetest.Diff(after, before))
		}
		if after := treetest.Stats(t, build.IndexDir(out)); !maps.Equal(index, after) {
			t.Errorf("%s, then nothing: the search index was touched", what)
		}
		if now, _ := os.ReadFile(filepath.Join(cacheDir, "history.cache")); !bytes.Equal(now, saved) {
			t.Errorf("%s, then nothing: the cache folder's history changed", what)
		}
	}
	// built checks that a build with the cache built, and made what a
	// clean build makes; then that the next one finds nothing to do.
	clean := 0
	built := func(what string, o build.Options) {
		t.Helper()
		res, err := buildTo(t, o, out, cacheDir)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if res.Unchanged {
			t.Fatalf("%s: the build found nothing changed", what)
		}
		clean++
		want := filepath.Join(t.TempDir(), fmt.Sprint("clean-", clean))
		if _, err := buildTo(t, o, want, ""); err != nil {
			t.Fatal(err)
		}
		if got, want := treetest.Files(t, out), treetest.Files(t, want); !maps.Equal(got, want) {
			t.Fatalf("%s: the output is not a clean build's:\n%s", what, treetest.Diff(got, want))
		}
		unchanged(what, o, res)
	}
	write := func(file, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(r.Dir, file), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a := filepath.Join(r.Dir, "content/a.md")
	old, err := os.Stat(a)
	if err != nil {
		t.Fatal(err)
	}

	built("the first build", opts)

	write("content/a.md", "---\ntitle: Alpha\nsummary: A.\n---\nThe later text of alpha.\n")
	built("a page edited", opts)

	// The same size and modification time: only the change time and the
	// bytes tell. (Checks by size and time alone miss this.)
	write("content/a.md", "---\ntitle: Alpha\nsummary: A.\n---\nThe LATER text of alpha.\n")
	if err := os.Chtimes(a, old.ModTime(), old.ModTime()); err != nil {
		t.Fatal(err)
	}
	built("a page edited, its size and time kept", opts)

	write("content/c.md", "---\ntitle: Gamma\nsummary: C.\n---\nNew.\n")
	built("a page added", opts)
	if err := os.Remove(filepath.Join(r.Dir, "content/c.md")); err != nil {
		t.Fatal(err)
	}
	built("a page deleted", opts)

	write("content/b.md", "---\ntitle: Beta\nsummary: B.\n---\nCall the [front door](/nowhere/).\n")
	if res, err := buildTo(t, opts, out, cacheDir); err == nil || res.Unchanged {
		t.Fatalf("a broken link: the build did not fail (unchanged: %v)", res != nil && res.Unchanged)
	}
	write("content/b.md", "---\ntitle: Beta\nsummary: B.\n---\nCall the [front door](/contacts/).\n")
	built("a broken page mended", opts)

	write("data/contacts.yaml", "- id: front-door\n  service: Children's front door\n  phone: 01709 336081\n")
	built("a data file edited", opts)

	write("handbook.yaml", "title: Test Partnership Handbook\n")
	built("the settings edited", opts)

	r.Git("add", "-A")
	r.Commit(historytest.Date(2024, 2, 1), "Second edition")
	built("a commit", opts)

	page := filepath.Join(out, "a", "index.html")
	if err := os.WriteFile(page, []byte("defaced"), 0o644); err != nil {
		t.Fatal(err)
	}
	built("a page of the output changed", opts)

	// Other bytes of the same size, the modification time set back (as
	// cp -p or touch -r leave it): the change time tells.
	st, err := os.Stat(page)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, bytes.ToUpper(b), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(page, st.ModTime(), st.ModTime()); err != nil {
		t.Fatal(err)
	}
	built("a page of the output changed, its size and time kept", opts)

	if err := os.WriteFile(filepath.Join(out, "a", "stray.html"), []byte("stray"), 0o644); err != nil {
		t.Fatal(err)
	}
	built("a file added to the output", opts)

	if err := os.RemoveAll(build.IndexDir(out)); err != nil {
		t.Fatal(err)
	}
	built("the search index deleted", opts)

	o := opts
	o.BaseURL = "https://handbook.example/"
	if res, err := buildTo(t, o, out, cacheDir); err != nil || res.Unchanged {
		t.Fatalf("another base URL: the build found nothing changed (%v)", err)
	}
	o = opts
	o.Now = opts.Now.AddDate(0, 0, 1)
	built("the next day", o)
}

// TestUnchangedAfterRandomEdits is the differential test of the stamp:
// after each step of a random sequence (edits of a page's text or front
// matter, new pages, renames, deletions, commits, edits of the output,
// and steps that change nothing), a build with the cache folder leaves
// the output folder exactly as a clean build makes it, and it builds
// nothing exactly when the step changed nothing.
func TestUnchangedAfterRandomEdits(t *testing.T) {
	const seed = 20261208
	rng := rand.New(rand.NewPCG(seed, seed))
	r := historytest.New(t)
	r.Write(map[string]string{
		"handbook.yaml":     "title: Test Partnership\nbase_url: https://handbook.example/\n",
		"content/_index.md": "---\ntitle: Test Partnership\nsummary: Home.\n---\nWelcome.\n",
	})
	pages := map[string]string{}
	next := 0
	add := func() string {
		next++
		f := fmt.Sprintf("content/page-%d.md", next)
		pages[f] = fmt.Sprintf("---\ntitle: Page %d\nsummary: About %d.\n---\nThe text of page %d.\n", next, next, next)
		r.Write(map[string]string{f: pages[f]})
		return f
	}
	for range 3 {
		add()
	}
	r.Commit(historytest.Date(2024, 1, 1), "First pages")
	out := filepath.Join(t.TempDir(), "public")
	cacheDir := filepath.Join(t.TempDir(), "cache")
	opts := build.Options{SiteDir: r.Dir, Now: time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)}
	buildWith := func(dir, cache string) *build.Result {
		t.Helper()
		res, err := buildTo(t, opts, dir, cache)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	buildWith(out, cacheDir)
	for step := 1; step <= 30; step++ {
		files := slices.Sorted(maps.Keys(pages))
		f := files[rng.IntN(len(files))]
		changed := true
		var what string
		switch n := rng.IntN(10); n {
		case 0, 1:
			pages[f] += fmt.Sprintf("\nA paragraph of step %d.\n", step)
			r.Write(map[string]string{f: pages[f]})
			what = "edit " + f
		case 2:
			pages[f] = strings.Replace(pages[f], "summary: ", fmt.Sprintf("summary: Step %d. ", step), 1)
			r.Write(map[string]string{f: pages[f]})
			what = "front matter of " + f
		case 3:
			what = "add " + add()
		case 4:
			to := fmt.Sprintf("content/moved-%d.md", step)
			if err := os.Rename(filepath.Join(r.Dir, f), filepath.Join(r.Dir, to)); err != nil {
				t.Fatal(err)
			}
			pages[to] = pages[f]
			delete(pages, f)
			what = "move " + f
		case 5:
			if len(pages) < 2 {
				changed, what = false, "nothing"
				break
			}
			if err := os.Remove(filepath.Join(r.Dir, f)); err != nil {
				t.Fatal(err)
			}
			delete(pages, f)
			what = "delete " + f
		case 6:
			r.Git("add", "-A")
			r.Commit(historytest.Date(2024, 1, 1).AddDate(0, 0, step), fmt.Sprintf("Step %d", step))
			what = "commit"
		case 7, 8:
			changed, what = false, "nothing"
		default:
			var victims []string
			for p, v := range treetest.Files(t, out) {
				if strings.HasPrefix(v, "-") { // a plain file
					victims = append(victims, p)
				}
			}
			slices.Sort(victims)
			v := filepath.Join(out, filepath.FromSlash(victims[rng.IntN(len(victims))]))
			if err := os.WriteFile(v, []byte("edited by hand"), 0o644); err != nil {
				t.Fatal(err)
			}
			what = "output file edited"
		}
		t.Logf("step %d: %s", step, what)
		res := buildWith(out, cacheDir)
		if res.Unchanged == changed {
			t.Fatalf("step %d (%s): the build found nothing changed: %v, want %v", step, what, res.Unchanged, !changed)
		}
		clean := filepath.Join(t.TempDir(), "clean")
		buildWith(clean, "")
		if got, want := treetest.Files(t, out), treetest.Files(t, clean); !maps.Equal(got, want) {
			t.Fatalf("step %d (%s): the output is not a clean build's:\n%s", step, what, treetest.Diff(got, want))
		}
	}
}

// buildTo builds the site of o into dir as handbook build does, with the
// cache folder cacheDir unless it is "": opened first, and saved after a
// build that succeeded.
func buildTo(t *testing.T, o build.Options, dir, cacheDir string) (*build.Result, error) {
	t.Helper()
	if cacheDir != "" {
		var err error
		if o.Cache, err = build.OpenCache(cacheDir, o.SiteDir); err != nil {
			t.Fatal(err)
		}
	}
	res, err := build.BuildTo(t.Context(), o, dir)
	if err == nil && o.Cache != nil {
		if err := o.Cache.Save(); err != nil {
			t.Fatal(err)
		}
	}
	return res, err
}

// TestCacheFolderThatCannotKeepAStamp: a cache folder where the stamp
// cannot be replaced (read-only, say: here a folder is in its place) does
// not stop the build; the build says it was not recorded, and the next
// one builds again.
func TestCacheFolderThatCannotKeepAStamp(t *testing.T) {
	site := writeSite(t, map[string]string{
		"handbook.yaml":     "title: Test Partnership\n",
		"content/_index.md": "---\ntitle: Test Partnership\nsummary: Home.\n---\nWelcome.\n",
	})
	cacheDir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(cacheDir, "build.stamp", "in-the-way"), 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	for i := range 2 {
		res, err := buildTo(t, build.Options{SiteDir: site}, out, cacheDir)
		if err != nil {
			t.Fatalf("build %d: %v", i+1, err)
		}
		if res.Unchanged {
			t.Fatalf("build %d found nothing changed", i+1)
		}
		if s := fmt.Sprint(res.Diags.Sorted()); !strings.Contains(s, "could not be recorded in the cache folder") {
			t.Errorf("build %d does not say it was not recorded:\n%s", i+1, s)
		}
	}
}
