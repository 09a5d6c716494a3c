package output

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Files written from many goroutines at once, into folders they share,
// all arrive; the old site stays until Commit.
func TestWriterConcurrent(t *testing.T) {
	parent, dir := oldSite(t)
	w, err := Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				p := fmt.Sprintf("s%d/p%d/history/index.html", i%5, (g*50+i)%40)
				if i%2 == 0 {
					p = fmt.Sprintf("s%d/p%d-%d/index.html", i%5, g, i)
				}
				if err := w.Write(File{Path: p, Data: []byte(p)}); err != nil && !os.IsExist(err) {
					// Two goroutines may write the same history path: that is the
					// duplicate error, tested below; skip it here.
					if err.Error() != "two files at "+p {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Wait()
	if b, _ := os.ReadFile(filepath.Join(dir, "index.html")); string(b) != "old" {
		t.Errorf("the old site changed before Commit: %q", b)
	}
	if err := w.Commit(); err == nil {
		t.Fatal("Commit after a duplicate path succeeded")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "index.html")); string(b) != "old" {
		t.Errorf("a failed Commit replaced the old site: %q", b)
	}

	w, err = Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				p := fmt.Sprintf("s%d/p%d-%d/index.html", i%5, g, i)
				if err := w.Write(File{Path: p, Data: []byte(p)}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "s3/p7-13/index.html")); string(b) != "s3/p7-13/index.html" {
		t.Errorf("s3/p7-13/index.html = %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "index.html")); !os.IsNotExist(err) {
		t.Errorf("a file of the old site is still there: %v", err)
	}
	if entries := siteEntries(t, parent); len(entries) != 1 {
		t.Errorf("the folder holds %d entries, want only public/ and its spare: %v", len(entries), entries)
	}
}

// Abort and a bad path leave the old site and no temporary folder.
func TestWriterAbort(t *testing.T) {
	parent, dir := oldSite(t)
	w, err := Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(File{Path: "a/index.html", Data: []byte("new")}); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(File{Path: "../escape.html"}); err == nil {
		t.Error("a path outside the site was written")
	}
	w.Abort()
	if err := w.Commit(); err == nil {
		t.Error("Commit after Abort succeeded")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "index.html")); string(b) != "old" {
		t.Errorf("index.html = %q after Abort", b)
	}
	if entries := siteEntries(t, parent); len(entries) != 1 {
		t.Errorf("the folder holds %d entries after Abort: %v", len(entries), entries)
	}
	if w2, err := Create(dir); err != nil {
		t.Errorf("the lock was not released by Abort: %v", err)
	} else {
		w2.Abort()
	}
}

// oldSite writes a one-page site to parent/public and returns both paths.
func oldSite(t *testing.T) (parent, dir string) {
	t.Helper()
	parent = t.TempDir()
	dir = filepath.Join(parent, "public")
	if err := WriteDir(dir, []File{{Path: "index.html", Data: []byte("old")}}); err != nil {
		t.Fatal(err)
	}
	return parent, dir
}

// writeFile replaces os.WriteFile on the write path: it must write the
// whole file, replace an older one, respect the permissions and name the
// path in its errors.
func TestWriteFileAsOSWriteFile(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "page.html")
	big := bytes.Repeat([]byte("0123456789"), 200_000) // larger than one write may take
	if err := writeFile(name, big, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(name); err != nil || !bytes.Equal(got, big) {
		t.Fatalf("read back %d bytes (%v), want %d", len(got), err, len(big))
	}
	if err := writeFile(name, []byte("short"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(name); string(got) != "short" {
		t.Errorf("an older, longer file was not truncated: %.20q", got)
	}
	info, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm()&^0o644 != 0 {
		t.Errorf("mode %v, want at most 0644", info.Mode().Perm())
	}
	missing := filepath.Join(dir, "no-such-folder", "index.html")
	if err := writeFile(missing, []byte("x"), 0o644); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("error %v does not name %s", err, missing)
	}
}
