// Package themes embeds the default theme, so a machine with only the
// handbook binary can build a site, and lets a site override any file.
package themes

import (
	"embed"
	"errors"
	"io/fs"
	"sort"
)

//go:embed default/templates default/static default/content
var embedded embed.FS

// Default returns the embedded default theme: templates/, static/ and
// content/ (pages a site gets when it has none of its own, such as the
// accessibility statement).
func Default() fs.FS {
	sub, err := fs.Sub(embedded, "default")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder exists
	}
	return sub
}

// Overlay returns a file system where files in upper replace files of the
// same name in lower. A site's themes/<name>/ folder is the upper layer.
func Overlay(upper, lower fs.FS) fs.FS {
	return overlay{upper: upper, lower: lower}
}

type overlay struct{ upper, lower fs.FS }

func (o overlay) Open(name string) (fs.File, error) {
	f, err := o.upper.Open(name)
	if err == nil {
		if st, serr := f.Stat(); serr == nil && !st.IsDir() {
			return f, nil
		}
		f.Close()
	}
	return o.lower.Open(name)
}

func (o overlay) ReadFile(name string) ([]byte, error) {
	if b, err := fs.ReadFile(o.upper, name); err == nil {
		return b, nil
	}
	return fs.ReadFile(o.lower, name)
}

// ReadDir merges the entries of both layers, upper first.
func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	up, errUp := fs.ReadDir(o.upper, name)
	low, errLow := fs.ReadDir(o.lower, name)
	if errUp != nil && errLow != nil {
		return nil, errLow
	}
	seen := map[string]bool{}
	var out []fs.DirEntry
	for _, e := range append(up, low...) {
		if !seen[e.Name()] {
			seen[e.Name()] = true
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

// Stat lets fs.WalkDir and fs.Glob work across both layers.
func (o overlay) Stat(name string) (fs.FileInfo, error) {
	if st, err := fs.Stat(o.upper, name); err == nil {
		return st, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return fs.Stat(o.lower, name)
}
