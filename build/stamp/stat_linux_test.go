package stamp

import (
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rscp/handbook/build/history/historytest"
	"github.com/rscp/handbook/internal/localfs"
)

// countingFS counts the files read through it.
type countingFS struct {
	fs.FS
	reads atomic.Int32
}

func (c *countingFS) ReadFile(name string) ([]byte, error) {
	c.reads.Add(1)
	return fs.ReadFile(c.FS, name)
}

// TestKeyedFilesAreNotReadAgain: a file whose device, inode, size, mode
// and times are as they were is not read again; one rewritten with the
// same size and its modification time set back is, by its change time.
func TestKeyedFilesAreNotReadAgain(t *testing.T) {
	defer func(w time.Duration) { racyWindow = w }(racyWindow)
	racyWindow = 0 // the files below are written just before the "build"

	dir, out := t.TempDir(), t.TempDir()
	if !localfs.Trusted(dir) {
		t.Skipf("%s is not on a local file system: no file is keyed there", dir)
	}
	historytest.WriteFiles(t, dir, map[string]string{"handbook.yaml": "title: T\n", "content/a.md": "# A\n", "content/big.pdf": "%PDF", "data/contacts.yaml": "[]\n"})
	a := filepath.Join(dir, "content/a.md")
	old, err := os.Stat(a)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // past the file system's clock tick
	s := record(t, dir, out)
	keyed := 0
	for _, rd := range s.Reads {
		if rd.Key != "" {
			keyed++
		}
	}
	if keyed != 2 {
		t.Fatalf("%d of the files read were keyed, want 2 (handbook.yaml and content/a.md): %+v", keyed, s.Reads)
	}
	c := &countingFS{FS: os.DirFS(dir)}
	if !s.Current(c, dir) {
		t.Fatal("the stamp does not hold with nothing changed")
	}
	if n := c.reads.Load(); n != 1 {
		t.Errorf("%d files were read again, want 1 (data/missing.yaml, looked for again): keyed files were read", n)
	}

	time.Sleep(20 * time.Millisecond)
	if err := os.WriteFile(a, []byte("# B\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(a, old.ModTime(), old.ModTime()); err != nil {
		t.Fatal(err)
	}
	if s.Current(c, dir) {
		t.Error("the stamp holds after a page was rewritten with the same size and time")
	}
}

// TestKeysOnlyWhereTrusted: where stat data cannot be trusted (a network
// file system: localfs), no file the build read is keyed, and a key found
// in a stamp is not used, so every file is read again by the check.
func TestKeysOnlyWhereTrusted(t *testing.T) {
	defer func(w time.Duration) { racyWindow = w }(racyWindow)
	racyWindow = 0
	dir := t.TempDir()
	historytest.WriteFiles(t, dir, map[string]string{"content/a.md": "# A\n"})
	time.Sleep(20 * time.Millisecond)
	r := Record(os.DirFS(dir), dir)
	r.keyed = false // as on NFS
	if _, err := fs.ReadFile(r, "content/a.md"); err != nil {
		t.Fatal(err)
	}
	reads, _ := r.List()
	for _, rd := range reads {
		if rd.Key != "" {
			t.Errorf("%s was keyed where keys are not trusted", rd.Path)
		}
	}
	key := fileKey(filepath.Join(dir, "content/a.md"), time.Now())
	if key == "" {
		t.Skip("no key here")
	}
	c := &countingFS{FS: os.DirFS(dir)}
	rd := Read{Kind: readFile, Path: "content/a.md", Key: key}
	again(c, dir, time.Now(), false, rd)
	if c.reads.Load() != 1 {
		t.Error("a file was taken on its key where keys are not trusted")
	}
	again(c, dir, time.Now(), true, rd)
	if c.reads.Load() != 1 {
		t.Error("a file with its key was read again where keys are trusted")
	}
}
