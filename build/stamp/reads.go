// Package stamp tells, without building, that a build would change
// nothing: it records what a build read of the site folder and what it
// left in its output folders, and later checks both again. A stamp
// holds, for each file the build read, the hash of its bytes (and, on
// Linux, which file it was and when it last changed, so that the check
// reads again only files that changed); for each folder it listed, the
// hash of its names; for each output folder, a hash of the path, mode,
// size and times of everything in it. A build with a cache folder
// (handbook build --cache) keeps one there.
package stamp

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/rscp/handbook/internal/localfs"
)

// Kinds of read.
const (
	readFile = 'f' // the bytes of a file
	readDir  = 'd' // the names and types of a folder's entries
	readStat = 's' // a file's type, mode and size
)

// Read is one thing a build read and what it found, as a short string:
// a hash, a mode and size, or why it could not be read.
type Read struct {
	Kind  byte
	Path  string
	Found string
	// Key, for a file whose bytes were read, says which file it was and
	// when it last changed (fileKey): the check reads only files whose
	// key is not the same.
	Key string
}

// Reads is a file system that records every read made through it. It is
// safe for concurrent use, as the build reads pages on every core.
type Reads struct {
	fsys  fs.FS
	dir   string    // the site folder fsys reads
	start time.Time // when recording began
	keyed bool      // dir is where stat keys are trusted (localfs)

	mu    sync.Mutex
	found map[readKey]found
	// unsure is set when one thing was read twice and found different
	// (the site changed during the build): the record cannot say what the
	// output was made from.
	unsure bool
}

type readKey struct {
	kind byte
	path string
}

type found struct{ found, key string }

// Record returns fsys, the site folder dir, recording its reads.
func Record(fsys fs.FS, dir string) *Reads {
	return &Reads{fsys: fsys, dir: dir, start: time.Now(), keyed: localfs.Trusted(dir), found: map[readKey]found{}}
}

// List returns what was read, in order, and whether it is a faithful
// record of what the build read.
func (r *Reads) List() ([]Read, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	list := make([]Read, 0, len(r.found))
	for k, v := range r.found {
		list = append(list, Read{Kind: k.kind, Path: k.path, Found: v.found, Key: v.key})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].Path != list[j].Path {
			return list[i].Path < list[j].Path
		}
		return list[i].Kind < list[j].Kind
	})
	return list, !r.unsure
}

func (r *Reads) note(kind byte, name, what, key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := readKey{kind, name}
	if was, ok := r.found[k]; ok && was.found != what {
		r.unsure = true
	}
	r.found[k] = found{what, key}
}

// key is the fileKey of the file name, taken before its bytes are read:
// a change after it gives the file another key.
func (r *Reads) key(name string) string {
	if !r.keyed {
		return "" // every file is read again by the check
	}
	return fileKey(filepath.Join(r.dir, filepath.FromSlash(name)), r.start)
}

func (r *Reads) ReadFile(name string) ([]byte, error) {
	key := r.key(name)
	b, err := fs.ReadFile(r.fsys, name)
	r.note(readFile, name, fileFound(b, err), key)
	return b, err
}

func (r *Reads) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(r.fsys, name)
	r.note(readDir, name, dirFound(entries, err), "")
	return entries, err
}

func (r *Reads) Stat(name string) (fs.FileInfo, error) {
	st, err := fs.Stat(r.fsys, name)
	r.note(readStat, name, statFound(st, err), "")
	return st, err
}

// Open records a folder's names at once, and a file's bytes as they are
// read: when it is closed having been read to the end, its hash; else its
// size and mode (a file too large to read, say).
func (r *Reads) Open(name string) (fs.File, error) {
	key := r.key(name)
	f, err := r.fsys.Open(name)
	if err != nil {
		r.note(readFile, name, fileFound(nil, err), "")
		return nil, err
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		r.ReadDir(name)
		return f, nil
	}
	return &recordedFile{File: f, r: r, name: name, key: key, sum: sha256.New()}, nil
}

// recordedFile hashes what is read of it.
type recordedFile struct {
	fs.File
	r    *Reads
	name string
	key  string
	sum  interface {
		io.Writer
		Sum([]byte) []byte
	}
	ended bool
}

func (f *recordedFile) Read(p []byte) (int, error) {
	n, err := f.File.Read(p)
	f.sum.Write(p[:n])
	if err == io.EOF {
		f.ended = true
	}
	return n, err
}

func (f *recordedFile) Close() error {
	if f.ended {
		f.r.note(readFile, f.name, "sha256 "+string(f.sum.Sum(nil)), f.key)
	} else {
		st, err := f.File.Stat()
		f.r.note(readStat, f.name, statFound(st, err), "")
	}
	return f.File.Close()
}

// fileFound, dirFound and statFound say what a read found, in the same
// words for the build's read and the check's.
func fileFound(b []byte, err error) string {
	if err != nil {
		return errFound(err)
	}
	sum := sha256.Sum256(b)
	return "sha256 " + string(sum[:])
}

func dirFound(entries []fs.DirEntry, err error) string {
	if err != nil {
		return errFound(err)
	}
	h := sha256.New()
	for _, e := range entries {
		fmt.Fprintf(h, "%s\x00%d\x00", e.Name(), e.Type())
	}
	return "names " + string(h.Sum(nil))
}

func statFound(st fs.FileInfo, err error) string {
	if err != nil {
		return errFound(err)
	}
	return fmt.Sprintf("%v %d", st.Mode(), st.Size())
}

func errFound(err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return "missing"
	}
	return "error " + err.Error()
}

// again reads what rd recorded once more, from fsys, the site folder dir,
// and says what it finds now. A file with the same key is not read, where
// keys are trusted.
func again(fsys fs.FS, dir string, since time.Time, keyed bool, rd Read) string {
	switch rd.Kind {
	case readFile:
		if keyed && rd.Key != "" && fileKey(filepath.Join(dir, filepath.FromSlash(rd.Path)), since) == rd.Key {
			return rd.Found
		}
		return fileFound(fs.ReadFile(fsys, rd.Path))
	case readDir:
		return dirFound(fs.ReadDir(fsys, rd.Path))
	case readStat:
		return statFound(fs.Stat(fsys, rd.Path))
	}
	return "unknown read"
}
