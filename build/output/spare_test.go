package output

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/rscp/handbook/internal/treetest"
)

// siteEntries lists what parent holds besides the spare of a site: the
// spare is kept hidden beside it and tells git to ignore it.
func siteEntries(t *testing.T, parent string) []string {
	t.Helper()
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".handbook-spare-") {
			if b, err := os.ReadFile(filepath.Join(parent, e.Name(), spareIgnore)); err != nil || !bytes.Contains(b, []byte("\n*\n")) {
				t.Errorf("the spare %s does not tell git to ignore it: %q %v", e.Name(), b, err)
			}
			continue
		}
		out = append(out, e.Name())
	}
	return out
}

// sameAsClean fails unless dir holds what a clean build of files makes,
// file for file, byte for byte, mode for mode.
func sameAsClean(t *testing.T, what, dir string, files []File) {
	t.Helper()
	clean := filepath.Join(t.TempDir(), "public")
	if err := WriteDir(clean, files); err != nil {
		t.Fatal(err)
	}
	if d := treetest.Diff(treetest.Files(t, dir), treetest.Files(t, clean)); d != "" {
		t.Errorf("%s: the folder is not a clean build's:\n%s", what, d)
	}
}

func inode(t *testing.T, name string) uint64 {
	t.Helper()
	info, err := os.Lstat(name)
	if err != nil {
		t.Fatal(err)
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		t.Skip("no inode numbers here")
	}
	return st.Ino
}

// TestRepeatedBuildsMatchCleanBuilds writes a run of sites into one
// folder, each changing, adding and removing files and turning files
// into folders and back, with the spare tampered with between builds:
// after each, the folder is exactly what a clean build of that site
// makes, file for file, byte for byte, mode for mode. It does so as
// builds minutes apart do, which trust their records of the files they
// kept (kept.go), and as builds a moment apart do, which do not.
func TestRepeatedBuildsMatchCleanBuilds(t *testing.T) {
	t.Run("records trusted", func(t *testing.T) {
		noRacyWindow(t)
		repeatedBuildsMatchCleanBuilds(t)
	})
	t.Run("records not trusted", repeatedBuildsMatchCleanBuilds)
}

// noRacyWindow trusts files changed just before a record, for the length
// of a test, so that builds a few milliseconds apart use their records.
func noRacyWindow(t *testing.T) {
	old := racyWindow
	racyWindow = 0
	t.Cleanup(func() { racyWindow = old })
}

func repeatedBuildsMatchCleanBuilds(t *testing.T) {
	sites := [][]File{
		{{"index.html", []byte("home 1")}, {"a/index.html", []byte("a")}, {"b/index.html", []byte("b")}, {"c", []byte("c is a file")}, {"d/e/index.html", []byte("deep")}},
		{{"index.html", []byte("home 2")}, {"a/index.html", []byte("a")}, {"c/index.html", []byte("c is a folder")}, {"d", []byte("d is a file")}},
		{{"index.html", []byte("home 2")}, {"a/index.html", []byte("a, longer now")}, {"b/index.html", []byte("b")}, {"c", []byte("c is a file")}, {"d/e/index.html", []byte("deep")}},
		{{"index.html", []byte("home 2")}, {"a/index.html", []byte("a, longer now")}, {"b/index.html", []byte("b")}, {"c", []byte("c is a file")}, {"d/e/index.html", []byte("deep")}},
		{{"index.html", []byte("home 2")}, {"a/index.html", []byte("a, longer now")}, {"b/index.html", []byte("B")}, {"c", []byte("c is a file")}, {"d/e/index.html", []byte("deep")}},
	}
	parent := t.TempDir()
	dir := filepath.Join(parent, "public")
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("not the site's"), 0o644); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if b, _ := os.ReadFile(victim); string(b) != "not the site's" {
			t.Errorf("a build wrote through a link in the spare: %q", b)
		}
	}()
	for i, files := range sites {
		if i == 3 {
			// Tamper with the spare, which holds site 2: a changed mode, a
			// link where a page goes, a stray file, a folder where a file
			// goes.
			spare := spareDir(dir)
			tamper := []error{
				os.Chmod(filepath.Join(spare, "index.html"), 0o600),
				os.Remove(filepath.Join(spare, "a/index.html")),
				os.Symlink(victim, filepath.Join(spare, "a/index.html")),
				os.WriteFile(filepath.Join(spare, "stray.html"), []byte("stray"), 0o644),
				os.MkdirAll(filepath.Join(spare, "b/index.html/x"), 0o700),
			}
			for _, err := range tamper {
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := WriteDir(dir, files); err != nil {
			t.Fatalf("site %d: %v", i+1, err)
		}
		sameAsClean(t, fmt.Sprintf("site %d", i+1), dir, files)
		if entries := siteEntries(t, parent); len(entries) != 1 {
			t.Errorf("site %d: the folder holds %v", i+1, entries)
		}
	}
}

// TestUnchangedFilesAreKept builds the same site three times: the third
// build writes into the first build's folder (the spare) and keeps its
// files, while a changed file is a new file, so that a reader who still
// has the old one open keeps reading the old bytes.
func TestUnchangedFilesAreKept(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "public")
	site := []File{{"index.html", []byte("home")}, {"a/index.html", []byte("a")}}
	if err := WriteDir(dir, site); err != nil {
		t.Fatal(err)
	}
	first, firstA := inode(t, filepath.Join(dir, "index.html")), inode(t, filepath.Join(dir, "a/index.html"))
	open, err := os.Open(filepath.Join(dir, "a/index.html"))
	if err != nil {
		t.Fatal(err)
	}
	defer open.Close()
	if err := WriteDir(dir, site); err != nil {
		t.Fatal(err)
	}
	site[1].Data = []byte("a changed")
	if err := WriteDir(dir, site); err != nil {
		t.Fatal(err)
	}
	if got := inode(t, filepath.Join(dir, "index.html")); got != first {
		t.Errorf("an unchanged file was written again: inode %d, then %d", first, got)
	}
	if got := inode(t, filepath.Join(dir, "a/index.html")); got == firstA {
		t.Errorf("a changed file was rewritten in place")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "a/index.html")); string(b) != "a changed" {
		t.Errorf("a/index.html = %q", b)
	}
	b := make([]byte, 20)
	if n, _ := open.Read(b); string(b[:n]) != "a" {
		t.Errorf("a reader of the old file read %q", b[:n])
	}
}

// TestStoppedBuildKeepsTheSite: a build stopped while it brings the spare
// up to date leaves the site as it was, and the next build, which has no
// spare then, writes the site whole.
func TestStoppedBuildKeepsTheSite(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "public")
	old := []File{{"index.html", []byte("one")}, {"a/index.html", []byte("a")}}
	for range 2 {
		if err := WriteDir(dir, old); err != nil {
			t.Fatal(err)
		}
	}
	w, err := Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !w.reuse {
		t.Fatal("the build did not take the spare")
	}
	if err := w.Write(File{"index.html", []byte("half")}); err != nil {
		t.Fatal(err)
	}
	if !w.Stop() {
		t.Fatal("Stop refused")
	}
	w.unlock() // as the killed process's lock goes with it
	if got := treetest.Files(t, dir); got["index.html"] != "-rw-r--r-- one" || got["a/index.html"] != "-rw-r--r-- a" {
		t.Errorf("a stopped build changed the site: %v", got)
	}
	next := []File{{"index.html", []byte("two")}}
	if err := WriteDir(dir, next); err != nil {
		t.Fatal(err)
	}
	if got := treetest.Files(t, dir); len(got) != 3 || got["index.html"] != "-rw-r--r-- two" {
		t.Errorf("after a stopped build, the next one wrote %v", got)
	}
	if entries := siteEntries(t, parent); len(entries) != 1 {
		t.Errorf("the folder holds %v", entries)
	}
}
