package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/rscp/handbook/internal/localfs"
	"github.com/rscp/handbook/internal/par"
)

// Writer writes a site file by file, as a build makes the files, into a
// folder beside the target, and swaps it in on Commit: a build that fails
// or is killed leaves the old site whole, and a build that writes as it
// goes need not hold every file in memory. Write may be called from
// several goroutines at once.
//
// The folder written is the site before last, kept beside the target
// after each swap (spareDir) and brought up to date: a file whose bytes
// are already there is left as it is, so a repeated build creates and
// deletes no files for the pages that did not change. On ext4, creating
// thousands of files just after deleting thousands cost more than the
// whole rest of a build. Without a spare, the folder starts empty.
type Writer struct {
	dir, tmp string
	unlock   func()
	reuse    bool // tmp is a spare: files and folders may already be there

	// What the builds before kept (kept.go): in tmp, trusted to tell
	// unchanged files from one lstat once loaded is closed, and in dir,
	// handed on to the next build. tmpID is tmp's device and inode.
	trusted      *keptRecord
	carry        []byte
	loaded       chan struct{}
	tmpID, dirID statKey   // zero where keys are not trusted
	start        time.Time // files changed since racyWindow before it are not recorded

	mu      sync.Mutex
	dirs    map[string]*folder // folders made or being made, by slash path
	paths   map[string]bool    // files written
	kept    []keptPath         // files found unchanged, for the record
	onTrust int                // files kept on the record alone
	err     error              // the first error; Commit returns it
	ended   bool
}

// folder is made once, however many files go into it at the same time.
type folder struct {
	once sync.Once
	err  error
}

// Create starts writing the site that will replace dir. Builds of the
// same folder take turns: Create waits for one that is writing.
func Create(dir string) (*Writer, error) {
	dir = filepath.Clean(dir)
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	unlock, err := lock(dir)
	if err != nil {
		return nil, err
	}
	removeStale(parent, filepath.Base(dir))
	tmp, err := os.MkdirTemp(parent, tmpPrefix+filepath.Base(dir)+"-")
	if err != nil {
		unlock()
		return nil, err
	}
	// The spare takes the temporary name, so that a build killed while
	// it updates the spare leaves a folder the next build removes.
	reuse := false
	if spare := spareDir(dir); isSpare(spare) && os.Remove(tmp) == nil {
		if reuse = os.Rename(spare, tmp) == nil; !reuse {
			if err := os.Mkdir(tmp, 0o700); err != nil {
				unlock()
				return nil, err
			}
		}
	}
	w := &Writer{dir: dir, tmp: tmp, reuse: reuse, unlock: unlock, dirs: map[string]*folder{}, paths: map[string]bool{}, loaded: make(chan struct{})}
	w.start = time.Now()
	if localfs.Trusted(tmp) {
		w.tmpID, _ = folderID(tmp)
		w.dirID, _ = folderID(dir)
	}
	if !reuse || w.tmpID == (statKey{}) {
		close(w.loaded)
		return w, nil
	}
	// Read while the build makes its first files.
	go func() {
		defer close(w.loaded)
		w.trusted, w.carry = readKept(tmp, w.tmpID, w.dirID)
		if w.trusted != nil {
			w.kept = make([]keptPath, 0, len(w.trusted.files)) // most of them again
		}
	}()
	return w, nil
}

// Write writes one file of the site.
func (w *Writer) Write(f File) error {
	if !ValidPath(f.Path) {
		return w.fail(fmt.Errorf("refusing to write %q: not a path inside the site", f.Path))
	}
	w.mu.Lock()
	if w.ended {
		w.mu.Unlock()
		return fmt.Errorf("writing %s after the site was finished", f.Path)
	}
	if w.paths[f.Path] {
		w.mu.Unlock()
		return w.fail(fmt.Errorf("two files at %s", f.Path))
	}
	w.paths[f.Path] = true
	w.mu.Unlock()
	if err := w.mkdir(path.Dir(f.Path)); err != nil {
		return w.fail(err)
	}
	name := filepath.Join(w.tmp, filepath.FromSlash(f.Path))
	if w.reuse {
		<-w.loaded
		e, trusted := w.trusted.file(f.Path)
		if trusted && e.key.size == int64(len(f.Data)) && e.sum == sumOf(f.Data) && e.key.matches(name) {
			w.keep(f.Path, e, true)
			return nil
		}
		same, key, err := keepOrClear(name, f.Data)
		if err != nil {
			return w.fail(err)
		}
		if same {
			if key != (statKey{}) {
				w.keep(f.Path, keptEntry{key: key, sum: sumOf(f.Data)}, false)
			}
			return nil
		}
	}
	if err := writeFile(name, f.Data, 0o644); err != nil {
		return w.fail(err)
	}
	return nil
}

// keep records that the file at p holds the bytes this build would write.
func (w *Writer) keep(p string, e keptEntry, onTrust bool) {
	w.mu.Lock()
	w.kept = append(w.kept, keptPath{p, e})
	if onTrust {
		w.onTrust++
	}
	w.mu.Unlock()
}

// keptRecord encodes what this build kept in its folder, and what the
// last build kept in dir, which becomes the spare (see kept.go); nil when
// there is nothing to record.
func (w *Writer) keptRecord() []byte {
	<-w.loaded
	if w.tmpID == (statKey{}) || w.dirID == (statKey{}) {
		return nil
	}
	// A file changed in the clock tick of its lstat could change again
	// without a new key: what changed since shortly before the build
	// began is not recorded.
	cutoff := w.start.Add(-racyWindow).UnixNano()
	w.mu.Lock()
	files := slices.DeleteFunc(w.kept, func(f keptPath) bool { return f.key.ctime >= cutoff })
	w.mu.Unlock()
	return encodeKept(w.tmpID, files, w.carry)
}

// saveKept leaves record in the spare, once the new site is in place and
// the site it replaced is the spare. It is only a saving: a record that
// cannot be written is not.
func (w *Writer) saveKept(record []byte) {
	spare := spareDir(w.dir)
	if id, ok := folderID(spare); record == nil || !ok || id != w.dirID || !isSpare(spare) {
		return
	}
	_ = writeFile(filepath.Join(spare, keptFile), record, 0o644)
}

// Written counts the files written.
func (w *Writer) Written() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.paths)
}

// mkdir makes the folder d (slash path) and those above it, each once.
func (w *Writer) mkdir(d string) error {
	if d == "." {
		return nil // tmp itself
	}
	w.mu.Lock()
	fo := w.dirs[d]
	if fo == nil {
		fo = &folder{}
		w.dirs[d] = fo
	}
	w.mu.Unlock()
	fo.once.Do(func() {
		if fo.err = w.mkdir(path.Dir(d)); fo.err == nil {
			name := filepath.Join(w.tmp, filepath.FromSlash(d))
			if w.reuse {
				fo.err = keepFolder(name)
			} else {
				fo.err = os.Mkdir(name, 0o755)
			}
		}
	})
	return fo.err
}

func (w *Writer) fail(err error) error {
	w.mu.Lock()
	if w.err == nil {
		w.err = err
	}
	w.mu.Unlock()
	return err
}

// Commit replaces the target folder with the files written, or, if any
// write failed, removes them and returns the first error. It is called
// once every Write has returned.
func (w *Writer) Commit() error { return w.CommitThen(nil) }

// CommitThen is Commit, calling then, when it is not nil, once the new
// site is in place and before another build of the same folder can
// replace it: what then sees of the folder is this build's.
func (w *Writer) CommitThen(then func()) error {
	w.mu.Lock()
	ended, err := w.ended, w.err
	w.ended = true
	w.mu.Unlock()
	if ended {
		return fmt.Errorf("the site at %s was already finished", w.dir)
	}
	defer w.unlock()
	// The record of the files kept is made while the spare is cleared.
	record := make(chan []byte, 1)
	go func() { record <- w.keptRecord() }()
	if err == nil && w.reuse {
		err = w.removeUnwritten()
	}
	if err == nil {
		err = writeFile(filepath.Join(w.tmp, Marker), []byte(markerText), 0o644)
	}
	if err != nil {
		os.RemoveAll(w.tmp)
		return err
	}
	if err := swapIn(w.tmp, w.dir); err != nil {
		return err
	}
	w.saveKept(<-record)
	if then != nil {
		then()
	}
	return nil
}

// removeUnwritten deletes what the spare holds that this build did not
// write: the files of pages since removed. The folders at the top are
// walked on every core.
func (w *Writer) removeUnwritten() error {
	top, err := os.ReadDir(w.tmp)
	if err != nil {
		return err
	}
	errs := make([]error, len(top))
	par.Each(len(top), func(i int) {
		errs[i] = filepath.WalkDir(filepath.Join(w.tmp, top[i].Name()), w.removeIfUnwritten)
	})
	return errors.Join(errs...)
}

// removeIfUnwritten is the filepath.WalkDirFunc of removeUnwritten.
func (w *Writer) removeIfUnwritten(name string, d fs.DirEntry, err error) error {
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(w.tmp, name)
	if err != nil {
		return err
	}
	rel = filepath.ToSlash(rel)
	if d.IsDir() && w.dirs[rel] != nil {
		return nil
	}
	if !d.IsDir() && w.paths[rel] {
		return nil
	}
	if err := os.RemoveAll(name); err != nil {
		return err
	}
	if d.IsDir() {
		return fs.SkipDir
	}
	return nil
}

// Stop ends the writing at once, unless Commit has begun: then it returns
// false, and the caller should let Commit finish, so that the swap is not
// cut short. After Stop, writes fail and the partly written folder is left
// for the next build of the same folder to remove, as after a killed
// build: a stopped build returns without waiting for the disk.
func (w *Writer) Stop() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ended {
		return false
	}
	w.ended = true
	return true
}

// Abort removes what was written; the target folder is left as it was.
// It does nothing after Commit or Stop.
func (w *Writer) Abort() {
	w.mu.Lock()
	ended := w.ended
	w.ended = true
	w.mu.Unlock()
	if !ended {
		os.RemoveAll(w.tmp)
		w.unlock()
	}
}

// swapIn puts the finished folder tmp in place of dir.
func swapIn(tmp, dir string) error {
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	// In one step where the system can, so that a build killed at this
	// moment still leaves a whole site at dir; tmp then holds the old
	// site, kept as the spare the next build brings up to date.
	if _, err := os.Stat(dir); err == nil && exchange(tmp, dir) == nil {
		return keepSpare(tmp, dir)
	}
	// Otherwise move the old site aside, move the new one in, then delete
	// the old.
	var old string
	if _, err := os.Stat(dir); err == nil {
		old = tmp + ".old"
		if err := os.Rename(dir, old); err != nil {
			os.RemoveAll(tmp)
			return fmt.Errorf("cannot replace %s: %w", dir, err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			_ = os.Rename(old, dir)
		}
		os.RemoveAll(tmp)
		return fmt.Errorf("cannot replace %s: %w", dir, err)
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}
