// Package serve is the development server: it builds the site into memory,
// serves it on a local address, watches the site folder and rebuilds after
// every change, and tells open browsers to reload.
//
// A failed rebuild never takes the preview down: the last site that built is
// still served, and every HTML page carries a panel listing the errors (file,
// line, message) until they are fixed. The server only ever serves files of
// the built site, from memory.
package serve

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/output"
	"github.com/rscp/handbook/build/searchdocs"
	"github.com/rscp/handbook/internal/scratch"
	"github.com/rscp/handbook/search"
)

// Options configure a Server.
type Options struct {
	SiteDir string // the site folder: handbook.yaml, content/, data/, themes/
	// BaseURL overrides base_url from handbook.yaml so that links work on the
	// local address, e.g. "http://127.0.0.1:1313/". Run sets it from the
	// listener when it is empty.
	BaseURL string
	// Log receives a line for every rebuild and watcher problem. Nil discards.
	Log io.Writer
	// Debounce is how long to wait after the last change before rebuilding,
	// so that one save or a git checkout of many files rebuilds once.
	// Default 20ms.
	Debounce time.Duration
	// Poll, when positive, looks for changes at this interval instead of
	// using file system events (for network and FUSE mounts, which send none).
	Poll time.Duration
	// Search, when set, makes the handler for /search and /search.json from
	// each site that builds. See SearchFunc.
	Search SearchFunc
}

// SearchFunc makes the search handler for a freshly built site. The dev
// server builds without the search index (build.Options.NoSearch), so that
// a one-page edit reloads at once; after each successful build it calls
// SearchFunc in the background with what the index is made of, one call at
// a time and only for the newest build. The handler it returns serves
// /search and /search.json (its HTML responses get the reload script and
// error panel like every page) until a newer one replaces it; close, when
// not nil, is called a few seconds after that, so that requests still
// running on it can finish. An error is logged and leaves the previous
// handler in place.
//
// Wiring the search package takes a few lines, e.g.:
//
//	opts.Search = func(src serve.SearchSource) (http.Handler, func(), error) {
//		dir, err := os.MkdirTemp("", "handbook-search-")
//		if err != nil {
//			return nil, nil, err
//		}
//		cleanup := func() { os.RemoveAll(dir) }
//		idx := filepath.Join(dir, "index.bleve")
//		if err := search.Build(idx, src.Docs, src.Synonyms); err != nil {
//			cleanup()
//			return nil, nil, err
//		}
//		ix, err := search.Open(idx)
//		if err != nil {
//			cleanup()
//			return nil, nil, err
//		}
//		shell, _ := serve.File(src.Files, "search/index.html")
//		return search.NewHandler(ix, shell), func() { ix.Close(); cleanup() }, nil
//	}
type SearchFunc func(src SearchSource) (h http.Handler, close func(), err error)

// SearchSource is what a site's search is made of. It is taken from the
// built site at one moment: the dev server goes on patching one-page edits
// into its model, so SearchFunc must not read the model itself.
type SearchSource struct {
	Docs     []search.Doc
	Synonyms []search.Synonym
	Files    []output.File // the built files, for the search page's shell
}

// Server is the development server. It is an http.Handler.
type Server struct {
	opts    Options
	buildFn func(build.Options) (*build.Result, error) // build.Build; tests replace it
	cache   *build.Cache                               // git-derived work kept between rebuilds

	cur        atomic.Pointer[state]
	listenAddr atomic.Pointer[string] // set by Run

	fullMu  sync.Mutex // one whole build at a time
	buildMu sync.Mutex // guards what follows and the swap of cur
	gen     uint64
	// base is the last whole build that succeeded, which one-page edits
	// are patched into (build.Result.Patch); patched holds the files
	// patched in since, with the number of the change that patched each.
	base    *build.Result
	patched map[string]uint64
	changes atomic.Uint64 // counts batches of changes seen by the watcher

	buildOnce sync.Once
	buildReq  chan struct{} // asks the background builder for a whole build

	inFlight chan struct{} // one token per request being answered

	subsMu sync.Mutex
	subs   map[chan reloadEvent]struct{}
	done   chan struct{} // closed when the server stops
	stop   sync.Once

	watching  chan struct{} // closed once changes are being watched
	watchOnce sync.Once

	searchOnce sync.Once
	searchJobs chan *build.Result // the newest site waiting to be indexed
	searchDone chan struct{}      // closed when the search worker has stopped

	searchReady func()          // tests: called when a search handler is in service
	afterBuild  func(BuildInfo) // tests: called after each whole build

	closeMu sync.Mutex
	closing map[*func()]bool // search handlers replaced and not yet closed
}

// state is what one build left: the site being served and the problems of
// the latest build. A new state replaces the old one whole.
type state struct {
	gen      uint64            // counts builds; pages carry it so browsers can tell they are stale
	site     *output.Memory    // the last site that built; nil until one has
	problems []diag.Diagnostic // errors of the latest build; none when it succeeded
	built    time.Time         // when site was built
	pages    int               // pages in site
	search   http.Handler      // nil when search is off
	closeFn  func()            // closes search
}

// BuildInfo describes one rebuild.
type BuildInfo struct {
	Gen      uint64
	OK       bool
	Pages    int
	Errors   int
	Warnings int
	Took     time.Duration
}

// New returns a server for the site in opts.SiteDir. It does not build:
// call Rebuild, or Run, which builds first.
func New(opts Options) *Server {
	if opts.SiteDir == "" {
		opts.SiteDir = "."
	}
	if opts.Debounce <= 0 {
		opts.Debounce = 20 * time.Millisecond
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	s := &Server{opts: opts, buildFn: build.Build, cache: build.NewCache(), subs: map[chan reloadEvent]struct{}{}, patched: map[string]uint64{}, done: make(chan struct{}), watching: make(chan struct{}),
		inFlight: make(chan struct{}, maxInFlight)}
	s.cur.Store(&state{})
	return s
}

func (s *Server) logf(format string, args ...any) {
	fmt.Fprintf(s.opts.Log, format+"\n", args...)
}

// Rebuild builds the whole site now, swaps it in if it built, tells every
// browser to reload, and reports what happened. A failed build keeps the
// last good site and shows its errors on every page. Rebuild never panics.
func (s *Server) Rebuild() BuildInfo { return s.fullBuild(true) }

// fullBuild builds the whole site and puts it in service. Browsers reload
// when everyone is true; otherwise only those showing a page that changed
// (or all, when the build's errors changed), and none when nothing did.
func (s *Server) fullBuild(everyone bool) BuildInfo {
	s.fullMu.Lock()
	defer s.fullMu.Unlock()
	seq := s.changes.Load()
	start := time.Now()
	res, err := s.safeBuild()

	s.buildMu.Lock()
	defer s.buildMu.Unlock()
	// Edits patched in while this build ran may be newer than the files it
	// read: patch them into it too, so that the preview never goes back.
	var later []output.File
	if err == nil && res != nil {
		if paths := s.patchedSince(seq); len(paths) > 0 {
			files, ok := s.safePatch(res, paths)
			if !ok && !everyone {
				// Those edits asked for a build of their own, which
				// will read them: keep serving the site as it is.
				return BuildInfo{Gen: s.gen, OK: true, Pages: s.cur.Load().pages, Took: time.Since(start)}
			}
			later = files
		}
	}
	took := time.Since(start)

	old := s.cur.Load()
	next := &state{gen: s.gen + 1, site: old.site, built: old.built, pages: old.pages, search: old.search, closeFn: old.closeFn}
	info := BuildInfo{Took: took}
	if res != nil && res.Diags != nil {
		info.Errors, info.Warnings = res.Diags.Count()
	}
	if err == nil && res != nil {
		mem, merr := output.NewMemory(res.Files)
		if merr == nil && len(later) > 0 {
			mem, merr = mem.With(later)
		}
		if merr != nil {
			err = merr
		} else {
			next.site, next.built = mem, time.Now()
			if res.Site != nil {
				next.pages = len(res.Site.Pages)
			}
			s.base = res
			for p, at := range s.patched {
				if at <= seq {
					delete(s.patched, p)
				}
			}
			if s.opts.Search != nil {
				s.queueSearch(res)
			}
		}
	}
	if err != nil {
		next.problems = problems(res, err)
		info.Errors = max(info.Errors, 1)
	}
	info.OK = err == nil
	info.Pages = next.pages

	ev := reloadEvent{}
	if !everyone && sameProblems(old.problems, next.problems) && old.site != nil {
		changed := next.site.Changed(old.site)
		if len(changed) == 0 {
			next.gen = old.gen // nothing a browser shows changed
		} else {
			ev.pages = pagesOf(changed)
		}
	}
	s.gen = next.gen
	info.Gen = next.gen
	s.cur.Store(next)
	if next.gen != old.gen {
		ev.gen = next.gen
		s.broadcast(ev)
	}

	if s.afterBuild != nil {
		defer s.afterBuild(info)
	}
	if info.OK {
		s.logf("built %d pages in %s", info.Pages, took.Round(time.Millisecond))
	} else {
		s.logf("build failed in %s: the preview still shows the last version that built", took.Round(time.Millisecond))
		for _, p := range next.problems {
			s.logf("  %s", p)
		}
	}
	return info
}

// closeLater closes a replaced search index once requests on it are done.
func (s *Server) closeLater(f func()) {
	if f == nil {
		return
	}
	once := sync.OnceFunc(f)
	s.closeMu.Lock()
	if s.closing == nil {
		s.closing = map[*func()]bool{}
	}
	s.closing[&once] = true
	s.closeMu.Unlock()
	time.AfterFunc(5*time.Second, func() {
		s.closeMu.Lock()
		delete(s.closing, &once)
		s.closeMu.Unlock()
		once()
	})
}

// closeSearch closes every search handler, the one in service and those
// waiting to be closed, once the search worker has stopped: a stopped
// preview leaves no index behind in the temporary folder. The server must
// be stopping (done closed).
func (s *Server) closeSearch() {
	s.searchOnce.Do(func() {}) // no worker starts from now on
	if s.searchDone != nil {
		<-s.searchDone
	}
	if f := s.cur.Load().closeFn; f != nil {
		f()
	}
	s.closeMu.Lock()
	pending := s.closing
	s.closing = nil
	s.closeMu.Unlock()
	for f := range pending {
		(*f)()
	}
}

// safeBuild runs the build, turning a panic into an error: a bug in a
// stage must not stop the preview.
func (s *Server) safeBuild() (res *build.Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			res = nil
			err = fmt.Errorf("internal error while building (please report it): %v\n%s", v, firstLines(debug.Stack(), 12))
		}
	}()
	// The search index is built apart (see SearchFunc), so that a one-page
	// edit reloads without waiting for it.
	return s.buildFn(build.Options{SiteDir: s.opts.SiteDir, BaseURL: s.opts.BaseURL, Drafts: true, NoSearch: true, Cache: s.cache})
}

func firstLines(b []byte, n int) string {
	lines := strings.SplitN(string(b), "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

// problems lists the errors of a failed build for the panel.
func problems(res *build.Result, err error) []diag.Diagnostic {
	var out []diag.Diagnostic
	if res != nil && res.Diags != nil {
		for _, d := range res.Diags.Sorted() {
			if d.Severity == diag.Error {
				out = append(out, d)
			}
		}
	}
	var be *diag.BuildError
	if len(out) == 0 || !errors.As(err, &be) {
		out = append(out, diag.Diagnostic{Severity: diag.Error, Message: err.Error()})
	}
	return out
}

// queueSearch asks the search worker to index res, replacing any build
// still waiting: only the newest site is worth indexing.
func (s *Server) queueSearch(res *build.Result) {
	s.searchOnce.Do(func() {
		s.searchJobs = make(chan *build.Result, 1)
		s.searchDone = make(chan struct{})
		go s.searchWorker()
	})
	for {
		select {
		case s.searchJobs <- res:
			return
		default:
			select {
			case <-s.searchJobs:
			default:
			}
		}
	}
}

// searchWorker makes the search handler for each queued build and puts it
// in service, until the server stops.
func (s *Server) searchWorker() {
	defer close(s.searchDone)
	for {
		select {
		case <-s.done:
			return
		case res := <-s.searchJobs:
			h, closeFn, ok := s.makeSearch(res)
			if !ok {
				continue
			}
			s.buildMu.Lock()
			cur := s.cur.Load()
			next := *cur
			next.search, next.closeFn = h, closeFn
			s.cur.Store(&next)
			s.buildMu.Unlock()
			s.closeLater(cur.closeFn)
			if s.searchReady != nil {
				s.searchReady()
			}
		}
	}
}

// makeSearch calls Options.Search, turning a panic into a logged error.
func (s *Server) makeSearch(res *build.Result) (h http.Handler, closeFn func(), ok bool) {
	defer func() {
		if v := recover(); v != nil {
			s.logf("search is not updated: internal error: %v", v)
			ok = false
		}
	}()
	start := time.Now()
	src := s.searchSource(res)
	h, closeFn, err := s.opts.Search(src)
	if err != nil {
		s.logf("search is not updated: %v", err)
		return nil, nil, false
	}
	if h == nil {
		return nil, nil, false
	}
	s.logf("search index ready in %s", time.Since(start).Round(time.Millisecond))
	return h, closeFn, true
}

// searchSource reads what the search is made of from res's model, while
// no edit is being patched into it.
func (s *Server) searchSource(res *build.Result) SearchSource {
	s.buildMu.Lock()
	defer s.buildMu.Unlock()
	return SearchSource{Docs: searchdocs.Docs(res.Site), Synonyms: searchdocs.Synonyms(res.Site), Files: res.Files}
}

// subscribe registers a browser for reload events.
func (s *Server) subscribe() (chan reloadEvent, func(), bool) {
	s.subsMu.Lock()
	defer s.subsMu.Unlock()
	if len(s.subs) >= maxSubscribers {
		return nil, nil, false
	}
	ch := make(chan reloadEvent, 1)
	s.subs[ch] = struct{}{}
	return ch, func() {
		s.subsMu.Lock()
		delete(s.subs, ch)
		s.subsMu.Unlock()
	}, true
}

// broadcast tells every browser about a new build. A browser that has not
// taken the previous event yet gets one that covers both.
func (s *Server) broadcast(ev reloadEvent) {
	s.subsMu.Lock()
	defer s.subsMu.Unlock()
	for ch := range s.subs {
		next := ev
		select {
		case prev := <-ch:
			next = prev.merge(ev)
		default:
		}
		ch <- next
	}
}

// Extract writes the files whose paths start with prefix into a new
// temporary folder, without the prefix, and returns the folder and a
// function that removes it. It is for search.Open, which reads an index
// from a folder.
func Extract(files []output.File, prefix string) (dir string, cleanup func(), err error) {
	dir, err = scratch.Dir("handbook-serve")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	n := 0
	for _, f := range files {
		rel, ok := strings.CutPrefix(f.Path, prefix)
		if !ok || !output.ValidPath(rel) {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			cleanup()
			return "", nil, err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			cleanup()
			return "", nil, err
		}
		n++
	}
	if n == 0 {
		cleanup()
		return "", nil, fmt.Errorf("the build made no files under %s", prefix)
	}
	return dir, cleanup, nil
}

// File returns the data of the built file at p.
func File(files []output.File, p string) ([]byte, bool) {
	for _, f := range files {
		if f.Path == p {
			return f.Data, true
		}
	}
	return nil, false
}
