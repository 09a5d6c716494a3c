package build

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"sync"

	"github.com/rscp/handbook/build/history"
	"github.com/rscp/handbook/build/pagehistory"
	"github.com/rscp/handbook/internal/atomicfile"
)

// cacheFile is the file of a cache folder that holds the git-derived work,
// and logFile the one that holds the last build's git log.
const (
	cacheFile = "history.cache"
	logFile   = "log.cache"
)

// savedCache is what a cache folder holds. Key says what made it: the
// program and the site's settings and data. A cache made by another
// program or settings is not used, since the texts and diffs it holds
// would come out differently.
type savedCache struct {
	Key      string
	Versions pagehistory.Entries
	Diffs    map[history.DiffKey][][]history.Segment
}

// OpenCache returns the cache kept in dir by an earlier build of the site
// in siteDir (handbook build --cache), or an empty one when dir holds none
// that this program made for this site's settings and data. Save keeps
// there what the builds since used, and nothing else: the folder holds
// what the site's history needs now, not every version it ever had. The
// folder holds only what git gives (earlier versions
// of pages, whether each was a draft, and diffs between them, each named
// by what it was made from), so a stale entry is never used: a page
// version that changed has another blob id.
func OpenCache(dir, siteDir string) (*Cache, error) {
	key, program, err := cacheKey(siteDir)
	if err != nil {
		return nil, err
	}
	c := &Cache{dir: dir, key: key, program: program}
	c.load = sync.OnceFunc(c.read)
	c.lastLog = sync.OnceValue(c.readLogFile)
	return c, nil
}

// readLogFile reads the git log the folder kept, or returns nil when it
// holds none this program wrote.
func (c *Cache) readLogFile() *history.RawLog {
	data, err := os.ReadFile(filepath.Join(c.dir, logFile))
	if err != nil {
		return nil
	}
	key, l, err := decodeLog(data)
	if err != nil || key != c.program {
		return nil
	}
	return l
}

// read reads the folder's file, once, when a build starts (beside git and
// the sources) or first needs it: a build that finds nothing changed
// (Stamp) never does.
func (c *Cache) read() {
	c.used.Store(true)
	c.versions, c.diffs = pagehistory.NewCache(), history.NewDiffCache()
	data, err := os.ReadFile(filepath.Join(c.dir, cacheFile))
	if err != nil {
		return // none yet, or unreadable: start again
	}
	saved, err := decodeCache(data)
	if err != nil || saved.Key != c.key {
		return // damaged, or made by another program or for other settings
	}
	c.versions = pagehistory.CacheOf(saved.Versions)
	c.diffs = history.DiffCacheOf(saved.Diffs)
}

// Save writes c into the folder OpenCache read it from, replacing the
// file there in one step.
func (c *Cache) Save() error {
	if c.dir == "" {
		return errors.New("the cache was not opened from a folder")
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return err
	}
	if err := c.saveLog(); err != nil {
		return err
	}
	if !c.used.Load() {
		return nil // no build used it: the folder holds what it did
	}
	// The gob file of builds before this format is of no more use.
	_ = os.Remove(filepath.Join(c.dir, "history.gob"))
	saved := savedCache{Key: c.key, Versions: c.versions.Entries(), Diffs: c.diffs.Entries()}
	return atomicfile.WriteFunc(filepath.Join(c.dir, cacheFile), func(w io.Writer) error { return encodeCache(w, saved) })
}

// saveLog writes the git log the last build read, unless the folder
// holds it already.
func (c *Cache) saveLog() error {
	c.logMu.Lock()
	l := c.readLog
	c.logMu.Unlock()
	if l == nil {
		return nil
	}
	if last := c.lastLog(); last != nil && last.Head == l.Head && last.Key == l.Key {
		return nil
	}
	return atomicfile.WriteFunc(filepath.Join(c.dir, logFile), func(w io.Writer) error { return encodeLog(w, c.program, l) })
}

// cacheKey names what the cached texts and diffs depend on besides git:
// this program, and the site's settings and data files (the Markdown
// settings and the glossary shape a page's text). program names the
// program alone, which is all the kept git log depends on besides git.
func cacheKey(siteDir string) (key, program string, err error) {
	h := sha256.New()
	if err := writeProgramID(h); err != nil {
		return "", "", err
	}
	program = hex.EncodeToString(h.Sum(nil))
	fsys := os.DirFS(siteDir)
	files := []string{"handbook.yaml"}
	if entries, err := fs.ReadDir(fsys, "data"); err == nil {
		for _, e := range entries {
			if !e.IsDir() {
				files = append(files, path.Join("data", e.Name()))
			}
		}
	}
	sort.Strings(files)
	for _, name := range files {
		b, err := fs.ReadFile(fsys, name)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", "", err
		}
		fmt.Fprintf(h, "%s %d\n", name, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), program, nil
}

// writeProgramID writes what names this program's exact bytes to h: the
// Go build ID its ELF file carries (the hash of what was linked, which
// the toolchain puts there), or else the whole file, which takes longer.
func writeProgramID(h io.Writer) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	if f, err := elf.Open(exe); err == nil {
		defer f.Close()
		if sec := f.Section(".note.go.buildid"); sec != nil {
			// The toolchain's own ID of a program is four hashes joined
			// by slashes; one set by hand (-ldflags=-buildid=) is not
			// trusted.
			if id, err := sec.Data(); err == nil && len(id) > 32 && bytes.Count(id, []byte("/")) == 3 {
				_, err = fmt.Fprintf(h, "go build id %x\n", id)
				return err
			}
		}
	}
	f, err := os.Open(exe)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(h, f)
	return err
}
