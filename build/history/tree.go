package history

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"testing/fstest"
)

// MaxTreeSize bounds the size of a tree read with Tree.
const MaxTreeSize = 1 << 30

// Tree returns the site folder as it was at ref (a tag, branch or commit),
// read with one "git archive". Paths are relative to the site folder, as in
// the work tree.
func (l *Log) Tree(ref string) (fs.FS, error) {
	if l == nil || !l.repo {
		return nil, errors.New("the site folder is not in a git repository")
	}
	if ref == "" || strings.HasPrefix(ref, "-") || strings.ContainsAny(ref, " \t\n\x00:") {
		return nil, fmt.Errorf("%q is not a git ref", ref)
	}
	// "ref:prefix" is the tree of the site folder at ref; "ref:" the root tree.
	out, err := l.gitIn(l.top, nil, "archive", "--format=tar", ref+":"+strings.TrimSuffix(l.prefix, "/"))
	if err != nil {
		return nil, fmt.Errorf("git archive %s: %w", ref, err)
	}
	return readTar(out)
}

func readTar(data []byte) (fs.FS, error) {
	m := fstest.MapFS{}
	tr := tar.NewReader(bytes.NewReader(data))
	var total int64
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		name := strings.TrimPrefix(path.Clean(h.Name), "/")
		if !fs.ValidPath(name) || name == "." {
			continue
		}
		switch h.Typeflag {
		case tar.TypeDir:
			m[name] = &fstest.MapFile{Mode: fs.ModeDir | 0o755, ModTime: h.ModTime}
		case tar.TypeReg:
			total += h.Size
			if total > MaxTreeSize {
				return nil, errors.New("the tree is larger than 1 GB")
			}
			b, err := io.ReadAll(tr)
			if err != nil {
				return nil, err
			}
			m[name] = &fstest.MapFile{Data: b, Mode: 0o644, ModTime: h.ModTime}
		}
	}
	return m, nil
}
