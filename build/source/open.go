package source

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Open returns the site folder dir as a file system that never reads
// outside it: a symbolic link anywhere on a path (content/, a data file,
// handbook.yaml, a theme or edition folder, a file within them) is
// followed only while it stays inside dir. A pull request can add a link
// to /etc, and its deploy preview must not publish what it points to.
func Open(dir string) (fs.FS, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &siteFS{root: root.FS(), dir: dir}, nil
}

// siteFS is the site folder read through an os.Root, with errors that say
// which link leads out of it.
type siteFS struct {
	root fs.FS
	dir  string
}

func (s *siteFS) Open(name string) (fs.File, error) {
	f, err := s.root.Open(name)
	return f, s.explain(name, err)
}

func (s *siteFS) ReadFile(name string) ([]byte, error) {
	b, err := fs.ReadFile(s.root, name)
	return b, s.explain(name, err)
}

func (s *siteFS) ReadDir(name string) ([]fs.DirEntry, error) {
	d, err := fs.ReadDir(s.root, name)
	return d, s.explain(name, err)
}

func (s *siteFS) Stat(name string) (fs.FileInfo, error) {
	st, err := fs.Stat(s.root, name)
	return st, s.explain(name, err)
}

// OutsideError is the error of a path that a symbolic link leads out of
// the site folder. It names the link, never what lies beyond it.
type OutsideError struct {
	Link string // slash path inside the site folder
}

func (e *OutsideError) Error() string {
	return e.Link + " is a symbolic link that leads outside the site folder, and a build reads nothing outside it: put the files themselves in the site folder"
}

// explain replaces the error of a path that leads out of the site folder
// with an OutsideError; other errors are kept as they are.
func (s *siteFS) explain(name string, err error) error {
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if link := s.escapingLink(name); link != "" {
		return &OutsideError{Link: link}
	}
	return err
}

// escapingLink returns the first part of name that is a symbolic link
// resolving outside the site folder, or "".
func (s *siteFS) escapingLink(name string) string {
	top, err := filepath.EvalSymlinks(s.dir)
	if err != nil {
		return ""
	}
	top, _ = filepath.Abs(top)
	parts := strings.Split(name, "/")
	for i := range parts {
		p := filepath.Join(s.dir, filepath.FromSlash(strings.Join(parts[:i+1], "/")))
		st, err := os.Lstat(p)
		if err != nil {
			return ""
		}
		if st.Mode()&fs.ModeSymlink == 0 {
			continue
		}
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			// A loop or a dangling link: it leads nowhere inside either.
			return strings.Join(parts[:i+1], "/")
		}
		if real, _ = filepath.Abs(real); real != top && !strings.HasPrefix(real, top+string(filepath.Separator)) {
			return strings.Join(parts[:i+1], "/")
		}
	}
	return ""
}
