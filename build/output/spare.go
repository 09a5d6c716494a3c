package output

import (
	"os"
	"path/filepath"
)

// spareDir is where the site before last is kept between builds of dir:
// beside it, hidden, with a .gitignore so that git does not list it.
func spareDir(dir string) string {
	return filepath.Join(filepath.Dir(dir), ".handbook-spare-"+filepath.Base(dir))
}

const spareIgnore = ".gitignore"

// isSpare reports whether name is a folder a build kept: a plain folder
// (not a link) that holds the marker of the build that wrote it.
func isSpare(name string) bool {
	st, err := os.Lstat(name)
	if err != nil || !st.IsDir() {
		return false
	}
	m, err := os.Lstat(filepath.Join(name, Marker))
	return err == nil && m.Mode().IsRegular()
}

// keepSpare keeps old, the site that dir held until the swap, as dir's
// spare; without one, the next build starts from an empty folder.
func keepSpare(old, dir string) error {
	if !isSpare(old) {
		return os.RemoveAll(old) // not a build (replaced with --force): deleted
	}
	spare := spareDir(dir)
	if err := os.RemoveAll(spare); err != nil {
		return os.RemoveAll(old)
	}
	if err := os.Rename(old, spare); err != nil {
		return os.RemoveAll(old)
	}
	// The spare is not published: the next build removes this file with
	// whatever else the new site does not have.
	_ = writeFile(filepath.Join(spare, spareIgnore), []byte("# handbook build keeps the site before last here, to write only what changed.\n*\n"), 0o644)
	return nil
}

// keepFolder makes sure name is a folder, keeping one already there and
// replacing a file or link.
func keepFolder(name string) error {
	st, err := os.Lstat(name)
	if err == nil && st.IsDir() {
		if st.Mode().Perm() != 0o755 {
			return os.Chmod(name, 0o755)
		}
		return nil
	}
	if err == nil {
		if err := os.RemoveAll(name); err != nil {
			return err
		}
	}
	return os.Mkdir(name, 0o755)
}

// keepOrClear reports whether name is a plain file holding exactly data
// with the mode a build gives; when it is not, it removes whatever is at
// name, so that the file is written afresh (a reader that still has the
// old file open keeps reading the old bytes).
// key is the file's stat key when it is kept and the system gives one.
func keepOrClear(name string, data []byte) (same bool, key statKey, err error) {
	st, err := os.Lstat(name)
	if os.IsNotExist(err) {
		return false, key, nil
	}
	if err != nil {
		return false, key, err
	}
	if st.Mode().IsRegular() && st.Mode().Perm() == 0o644 && st.Size() == int64(len(data)) && sameBytes(name, data) {
		key, _ = keyOf(st)
		return true, key, nil
	}
	return false, key, os.RemoveAll(name)
}
