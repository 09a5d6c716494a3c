package serve

import (
	"context"
	"errors"
	"hash/fnv"
	"io/fs"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watchedDirs are the folders of a site whose changes cause a rebuild,
// with everything under them. handbook.yaml is watched too.
var watchedDirs = []string{"content", "data", "themes", "editions"}

// maxWait bounds how long a stream of changes can put a rebuild off.
const maxWait = time.Second

// Run serves the site on ln until ctx is done: it builds the site if that
// has not been done (serving its pages as soon as its model is ready),
// watches the site folder and rebuilds after changes.
// It returns nil when ctx ends.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	addr := ln.Addr().String()
	s.listenAddr.Store(&addr)
	if s.opts.BaseURL == "" {
		s.opts.BaseURL = "http://" + displayHost(addr) + "/"
	}
	// Serve at once: requests wait for the first build's model, and its
	// pages are rendered on demand until the whole site is. Watch from the
	// start too: an edit saved while the site builds is built next.
	hs := s.HTTPServer()
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	watchErr := make(chan error, 1)
	go func() { watchErr <- s.Watch(ctx) }()
	select {
	case <-s.firstBuilt:
	default:
		restore := startupGC()
		s.Rebuild()
		restore()
	}

	var err error
	select {
	case <-ctx.Done():
	case err = <-serveErr:
	case err = <-watchErr:
	}
	s.stop.Do(func() { close(s.done) })
	shutCtx, done := context.WithTimeout(context.Background(), 2*time.Second)
	defer done()
	_ = hs.Shutdown(shutCtx)
	cancel()
	s.closeSearch()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// URL is the address to open in a browser for a listener address.
func URL(addr string) string { return "http://" + displayHost(addr) + "/" }

func displayHost(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// Watch rebuilds the site after every batch of changes until ctx is done.
// It uses file system events, or polling when Options.Poll is set or the
// system cannot watch enough folders.
func (s *Server) Watch(ctx context.Context) error {
	if s.opts.Poll > 0 {
		return s.poll(ctx, s.opts.Poll)
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		s.logf("cannot watch for changes (%v): checking every second instead", err)
		return s.poll(ctx, time.Second)
	}
	defer fw.Close()
	w := &watcher{root: filepath.Clean(s.opts.SiteDir), fw: fw, logf: s.logf}
	if err := w.sync(); err != nil {
		if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EMFILE) {
			s.logf("cannot watch every folder: the system limit is reached (raise fs.inotify.max_user_watches); checking every second instead")
			fw.Close()
			return s.poll(ctx, time.Second)
		}
		s.logf("watching: %v", err)
	}
	s.watchStarted()
	return s.loop(ctx, fw.Events, fw.Errors, w)
}

func (s *Server) watchStarted() { s.watchOnce.Do(func() { close(s.watching) }) }

// Watching is closed once the server is watching the site folder for
// changes: a change made after that is seen.
func (s *Server) Watching() <-chan struct{} { return s.watching }

// loop batches events: it rebuilds once no relevant event has arrived for
// Debounce, or maxWait after the first of a continuous stream. Events that
// arrive during a build start another batch.
func (s *Server) loop(ctx context.Context, events <-chan fsnotify.Event, errs <-chan error, w *watcher) error {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var first time.Time // first event of the pending batch; zero when none
	resync := false     // folders were added or removed: update the watch list
	changed := map[string]bool{}
	known := true // every change of the batch is in changed
	schedule := func(now time.Time) {
		if first.IsZero() {
			first = now
		}
		wait := s.opts.Debounce
		if left := maxWait - now.Sub(first); left < wait {
			wait = max(left, 0)
		}
		timer.Reset(wait)
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-events:
			if !ok {
				return nil
			}
			relevant, structural := w.classify(ev)
			if structural {
				resync = true
			}
			if relevant || structural {
				if rel, ok := w.rel(ev.Name); ok {
					changed[rel] = true
				} else {
					known = false
				}
				schedule(time.Now())
			}
		case err, ok := <-errs:
			if !ok {
				return nil
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				s.logf("too many changes at once to follow one by one: rebuilding everything")
			} else {
				s.logf("watching: %v", err)
			}
			resync = true
			known = false
			schedule(time.Now())
		case <-timer.C:
			if resync && w != nil {
				if err := w.sync(); err != nil {
					s.logf("watching: %v", err)
				}
				resync = false
			}
			var paths []string
			if known {
				paths = slices.Sorted(maps.Keys(changed))
			}
			first, changed, known = time.Time{}, map[string]bool{}, true
			s.update(paths)
		}
	}
}

// watcher keeps an fsnotify watch on every folder of the site that matters.
type watcher struct {
	root string
	fw   *fsnotify.Watcher
	logf func(string, ...any)
}

// classify says whether an event should cause a rebuild, and whether it
// may have added or removed a folder.
func (w *watcher) classify(ev fsnotify.Event) (relevant, structural bool) {
	name := filepath.Base(ev.Name)
	if ignoredName(name) || name == "node_modules" {
		return false, false
	}
	if ev.Op == fsnotify.Chmod {
		return false, false
	}
	if filepath.Dir(ev.Name) == w.root {
		if name == "handbook.yaml" {
			return true, false
		}
		for _, d := range watchedDirs {
			if name == d {
				if ev.Has(fsnotify.Create) {
					w.addTree(ev.Name)
				}
				return true, true
			}
		}
		return false, false
	}
	if !w.inWatchedDir(ev.Name) {
		// The output folder, .git and anything else beside the sources: the
		// build does not read them, and a build writing public/ must not
		// trigger the next one.
		return false, false
	}
	if ev.Has(fsnotify.Create) {
		if fi, err := os.Lstat(ev.Name); err == nil && fi.IsDir() {
			// Watch it now, so that files written into it next are seen.
			w.addTree(ev.Name)
			return true, true
		}
	}
	return true, ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename)
}

// inWatchedDir reports whether name lies under one of the watchedDirs.
func (w *watcher) inWatchedDir(name string) bool {
	r, ok := w.rel(name)
	if !ok {
		return false
	}
	top, _, _ := strings.Cut(r, "/")
	return slices.Contains(watchedDirs, top)
}

// rel returns the path of a watched file relative to the site folder,
// slash-separated.
func (w *watcher) rel(name string) (string, bool) {
	if w == nil {
		return "", false
	}
	r, err := filepath.Rel(w.root, name)
	if err != nil || r == "." || strings.HasPrefix(r, "..") {
		return "", false
	}
	return filepath.ToSlash(r), true
}

// ignoredName reports editor temp and backup files and hidden files, which
// the build skips too.
func ignoredName(name string) bool {
	switch {
	case strings.HasPrefix(name, "."), // .#emacs-lock, .file.swp, .goutputstream-*, .DS_Store
		strings.HasSuffix(name, "~"),                                 // vim, emacs, gedit backups
		strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#"), // emacs auto-save
		name == "4913",                   // vim's write test
		strings.Contains(name, "___jb_"), // JetBrains safe write
		strings.HasSuffix(name, ".swp"), strings.HasSuffix(name, ".swx"), strings.HasSuffix(name, ".swo"),
		strings.HasSuffix(name, ".tmp"), strings.HasSuffix(name, ".crswap"):
		return true
	}
	return false
}

// sync watches the site folder itself and every folder under the watched
// folders, and drops watches on folders that are gone.
func (w *watcher) sync() error {
	var firstErr error
	keep := map[string]bool{w.root: true}
	if err := w.fw.Add(w.root); err != nil {
		firstErr = err
	}
	for _, d := range watchedDirs {
		for _, p := range w.dirs(filepath.Join(w.root, d)) {
			keep[p] = true
			if err := w.fw.Add(p); err != nil && firstErr == nil && !errors.Is(err, fs.ErrNotExist) {
				firstErr = err
			}
		}
	}
	for _, p := range w.fw.WatchList() {
		if !keep[p] {
			_ = w.fw.Remove(p)
		}
	}
	return firstErr
}

// addTree watches dir and every folder under it.
func (w *watcher) addTree(dir string) {
	for _, p := range w.dirs(dir) {
		if err := w.fw.Add(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			w.logf("cannot watch %s: %v", p, err)
		}
	}
}

// dirs lists dir and the folders under it, leaving out hidden ones and
// symbolic links (the build does not follow them either).
func (w *watcher) dirs(dir string) []string {
	var out []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return fs.SkipAll
			}
			return nil
		}
		if !d.IsDir() {
			return nil
		}
		if p != dir && skipDir(d.Name()) {
			return fs.SkipDir
		}
		out = append(out, p)
		return nil
	})
	return out
}

// skipDir reports folders that are never part of a site: hidden ones and
// the npm packages a theme's asset pipeline may have installed (thousands
// of folders that would use up the system's watches).
func skipDir(name string) bool {
	return strings.HasPrefix(name, ".") || name == "node_modules"
}

// poll rebuilds when the names, sizes or times of the watched files change.
func (s *Server) poll(ctx context.Context, every time.Duration) error {
	root := filepath.Clean(s.opts.SiteDir)
	last := fingerprint(root)
	s.watchStarted()
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			if fp := fingerprint(root); fp != last {
				last = fp
				s.update(nil)
			}
		}
	}
}

func fingerprint(root string) uint64 {
	h := fnv.New64a()
	add := func(p string, fi fs.FileInfo) {
		h.Write([]byte(p))
		var b [24]byte
		putInt(b[0:], fi.Size())
		putInt(b[8:], fi.ModTime().UnixNano())
		putInt(b[16:], int64(fi.Mode()))
		h.Write(b[:])
	}
	if fi, err := os.Stat(filepath.Join(root, "handbook.yaml")); err == nil {
		add("handbook.yaml", fi)
	}
	for _, d := range watchedDirs {
		_ = filepath.WalkDir(filepath.Join(root, d), func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if p == filepath.Join(root, d) {
				return nil
			}
			if e.IsDir() && skipDir(e.Name()) {
				return fs.SkipDir
			}
			if ignoredName(e.Name()) {
				return nil
			}
			if fi, err := e.Info(); err == nil {
				add(p, fi)
			}
			return nil
		})
	}
	return h.Sum64()
}

func putInt(b []byte, v int64) {
	for i := range 8 {
		b[i] = byte(v >> (8 * i))
	}
}
