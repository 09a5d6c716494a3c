package output

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Marker is the file every build leaves at the top of the folder it
// writes. A later build replaces a non-empty folder only when it finds it,
// so that a mistyped -o never deletes an editor's work.
const Marker = ".handbook-build"

const markerText = "handbook build wrote this folder and replaces all of it on the next build.\n"

// oldBuildFiles are the files a handbook build has always written at the
// top of its folder; a folder holding all of them is an earlier build made
// before the marker existed. Other generators write sitemap.xml and
// 404.html, but not amendments.xml beside them.
var oldBuildFiles = []string{"amendments.xml", "sitemap.xml", "404.html"}

// RefusedError says why a folder may not be written over, and how to fix it.
type RefusedError struct {
	Dir    string
	Reason string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("refusing to write the site to %s: %s", e.Dir, e.Reason)
}

// CheckReplace reports whether dir may be replaced by a build: it does not
// exist, is an empty folder, or is a folder an earlier build wrote. force
// allows any folder; a file is never replaced.
func CheckReplace(dir string, force bool) error {
	st, err := os.Stat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return &RefusedError{dir, "it is a file, not a folder; give -o the name of a folder"}
	}
	if force || isBuild(dir) {
		return nil
	}
	empty, err := isEmpty(dir)
	if err != nil || empty {
		return err
	}
	return &RefusedError{dir, "the folder is not empty and is not an earlier handbook build (it has no " + Marker +
		" file); choose a new or empty folder, or add --force to delete everything in it"}
}

// isBuild reports whether dir holds the marker or every file an earlier
// build wrote.
func isBuild(dir string) bool {
	if st, err := os.Lstat(filepath.Join(dir, Marker)); err == nil && st.Mode().IsRegular() {
		return true
	}
	for _, name := range oldBuildFiles {
		if st, err := os.Lstat(filepath.Join(dir, name)); err != nil || !st.Mode().IsRegular() {
			return false
		}
	}
	return true
}

func isEmpty(dir string) (bool, error) {
	f, err := os.Open(dir)
	if err != nil {
		return false, err
	}
	defer f.Close()
	_, err = f.Readdirnames(1)
	if err == io.EOF {
		return true, nil
	}
	return false, err
}
