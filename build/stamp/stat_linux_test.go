package stamp

import (
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rscp/handbook/build/history/historytest"
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
