//go:build !linux

package stamp

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"path/filepath"
)

// walk sums rel, a file or folder inside dir, and everything under it:
// each entry's path, and for a file its mode, size and modification time.
func walk(dir, rel string) ([]byte, error) {
	h := sha256.New()
	err := filepath.WalkDir(filepath.Join(dir, rel), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		r, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			// A folder's times change as files are swapped in; its
			// entries are summed.
			fmt.Fprintf(h, "%s\x00d\x00", filepath.ToSlash(r))
			return nil
		}
		st, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%v %d %d\x00", filepath.ToSlash(r), st.Mode(), st.Size(), st.ModTime().UnixNano())
		return nil
	})
	return h.Sum(nil), err
}
