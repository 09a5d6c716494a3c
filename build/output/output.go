// Package output writes a built site. A build writes every file into a
// fresh folder beside the target and swaps it in only when all succeeded,
// so a failed or killed build never leaves a half-written site.
package output

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// File is one file of the built site. Path is slash-separated and relative
// to the site root ("procedures/escalation/index.html").
type File struct {
	Path string
	Data []byte
}

// tmpPrefix marks folders a build is writing; a later build removes any
// that a killed build left behind.
const tmpPrefix = ".handbook-tmp-"

// ValidPath reports whether p is a clean relative path inside the site.
func ValidPath(p string) bool {
	return p != "" && !strings.HasPrefix(p, "/") && path.Clean(p) == p && p != ".." && !strings.HasPrefix(p, "../")
}

// WriteDir writes files as the complete contents of dir, replacing what
// was there only once every file has been written.
func WriteDir(dir string, files []File) error { return WriteDirThen(dir, files, nil) }

// WriteDirThen is WriteDir, calling then as Writer.CommitThen does.
func WriteDirThen(dir string, files []File, then func()) error {
	for _, f := range files {
		if !ValidPath(f.Path) {
			return fmt.Errorf("refusing to write %q: not a path inside the site", f.Path)
		}
	}
	w, err := Create(dir)
	if err != nil {
		return err
	}
	// Files are independent: write them on a few goroutines.
	var wg sync.WaitGroup
	next := make(chan File)
	for range 4 {
		wg.Go(func() {
			for f := range next {
				_ = w.Write(f) // the first error is kept for Commit
			}
		})
	}
	for _, f := range files {
		next <- f
	}
	close(next)
	wg.Wait()
	return w.CommitThen(then)
}

// removeStale deletes folders left by builds of dir that were killed.
func removeStale(parent, base string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tmpPrefix+base+"-") {
			os.RemoveAll(filepath.Join(parent, e.Name()))
		}
	}
}

// Memory holds a built site in memory, for the dev server and tests.
type Memory struct {
	files map[string][]byte
}

// NewMemory returns the files as an in-memory site.
func NewMemory(files []File) (*Memory, error) {
	m := &Memory{files: make(map[string][]byte, len(files))}
	for _, f := range files {
		if !ValidPath(f.Path) {
			return nil, fmt.Errorf("not a path inside the site: %q", f.Path)
		}
		if _, dup := m.files[f.Path]; dup {
			return nil, fmt.Errorf("two files at %s", f.Path)
		}
		m.files[f.Path] = f.Data
	}
	return m, nil
}

// Get returns the file at p.
func (m *Memory) Get(p string) ([]byte, bool) {
	b, ok := m.files[p]
	return b, ok
}

// Paths lists every file, sorted.
func (m *Memory) Paths() []string {
	out := make([]string, 0, len(m.files))
	for p := range m.files {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// ErrLocked is returned when another build is writing the same folder.
var ErrLocked = errors.New("another handbook build is writing this folder")

// With returns a copy of m in which files replace the files at their
// paths or are added. m itself is unchanged: it may still be serving.
func (m *Memory) With(files []File) (*Memory, error) {
	next := &Memory{files: make(map[string][]byte, len(m.files)+len(files))}
	for p, b := range m.files {
		next.files[p] = b
	}
	for _, f := range files {
		if !ValidPath(f.Path) {
			return nil, fmt.Errorf("not a path inside the site: %q", f.Path)
		}
		next.files[f.Path] = f.Data
	}
	return next, nil
}

// Changed lists the paths whose contents differ between m and other,
// including files only one of them has, sorted.
func (m *Memory) Changed(other *Memory) []string {
	var out []string
	for p, b := range m.files {
		if ob, ok := other.files[p]; !ok || !bytes.Equal(b, ob) {
			out = append(out, p)
		}
	}
	for p := range other.files {
		if _, ok := m.files[p]; !ok {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}
