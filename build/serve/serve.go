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
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/output"
	"github.com/rscp/handbook/build/searchdocs"
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
	// Build makes the site in memory; nil means build.Build. The server
	// passes its own build.Options: drafts shown, no search index, the
	// cache it keeps between builds.
	Build func(build.Options) (*build.Result, error)
	// OnBuild, when set, is told about each whole build once its site is
	// in service (or, when it failed, its errors are) and browsers have
	// been told.
	OnBuild func(BuildInfo)
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
	opts  Options
	cache *build.Cache // git-derived work kept between rebuilds

	cur        atomic.Pointer[state]
	listenAddr atomic.Pointer[string] // set by Run

	fullMu  sync.Mutex // one whole build at a time
	buildMu sync.Mutex // guards what follows and the swap of cur
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

	// Requests that come before there is anything to show wait for these.
	started    chan struct{} // closed once the first model or build is in service
	firstBuilt chan struct{} // closed once the first whole build is
	startOnce  sync.Once
	firstOnce  sync.Once

	searchOnce sync.Once
	searchJobs chan *build.Result // the newest site waiting to be indexed
	searchDone chan struct{}      // closed when the search worker has stopped

	closeMu sync.Mutex
	closing map[*func()]bool // search handlers replaced and not yet closed
}

// state is what one build left: the site being served and the problems of
// the latest build. A new state replaces the old one whole.
type state struct {
	gen  uint64         // counts builds; pages carry it so browsers can tell they are stale
	site *output.Memory // the last site that built; nil until one has
	// preview is the model of the first build while its pages render:
	// pages are rendered from it on demand until site is set.
	preview  *build.Result
	problems []diag.Diagnostic // errors of the latest build; none when it succeeded
	built    time.Time         // when site was built
	pages    int               // pages in site
	search   http.Handler      // nil when search is off
	closeFn  func()            // closes search
	// searchWait is true from start-up until the first search handler is
	// made (or could not be): the search page says the index is loading.
	searchWait bool
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
	if opts.Build == nil {
		opts.Build = build.Build
	}
	s := &Server{opts: opts, cache: build.NewCache(), subs: map[chan reloadEvent]struct{}{}, patched: map[string]uint64{}, done: make(chan struct{}), watching: make(chan struct{}),
		inFlight: make(chan struct{}, maxInFlight), started: make(chan struct{}), firstBuilt: make(chan struct{})}
	s.cur.Store(&state{searchWait: opts.Search != nil})
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
	old := s.cur.Load()
	next := s.nextState(old, res, err, seq, everyone)
	took := time.Since(start)
	if next == nil {
		s.buildMu.Unlock()
		return BuildInfo{Gen: old.gen, OK: true, Pages: old.pages, Took: took}
	}
	if next.problems == nil {
		s.adopt(res, seq)
	}
	s.announce(old, next, everyone)
	s.buildMu.Unlock()
	s.startOnce.Do(func() { close(s.started) })
	s.firstOnce.Do(func() { close(s.firstBuilt) })

	info := BuildInfo{Gen: next.gen, OK: next.problems == nil, Pages: next.pages, Took: took}
	if res != nil && res.Diags != nil {
		info.Errors, info.Warnings = res.Diags.Count()
	}
	if !info.OK {
		info.Errors = max(info.Errors, 1)
	}
	s.report(info, next.problems)
	return info
}

// nextState works out what a whole build puts in service in place of old,
// without doing so: the site it made, or, when it failed, old's site with
// its problems. Edits patched in since change seq was seen may be newer
// than the files the build read, so they are patched into res too, and
// the preview never goes back. When one of them cannot be and everyone is
// false, nextState returns nil: the build that edit asked for will read it,
// and until then the site in service stays.
func (s *Server) nextState(old *state, res *build.Result, err error, seq uint64, everyone bool) *state {
	next := &state{gen: old.gen + 1, site: old.site, built: old.built, pages: old.pages, search: old.search, closeFn: old.closeFn, searchWait: old.searchWait}
	if err == nil && res != nil {
		var later []output.File
		if paths := s.patchedSince(seq); len(paths) > 0 {
			files, ok := s.safePatch(res, paths)
			if !ok && !everyone {
				return nil
			}
			later = files
		}
		mem, merr := output.NewMemory(res.Files)
		if merr == nil && len(later) > 0 {
			mem, merr = mem.With(later)
		}
		if merr == nil {
			next.site, next.built = mem, time.Now()
			if res.Site != nil {
				next.pages = len(res.Site.Pages)
			}
			return next
		}
		err = merr
	}
	next.problems = problems(res, err)
	return next
}

// adopt makes res, whose site is going into service, the build that
// one-page edits are patched into, and has its search made.
func (s *Server) adopt(res *build.Result, seq uint64) {
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

// announce puts next in service in place of old and tells browsers: all
// of them when everyone is true or the problems changed, else those
// showing a page that changed; none, and next keeps old's number, when no
// page changed. buildMu must be held.
func (s *Server) announce(old, next *state, everyone bool) {
	ev := reloadEvent{gen: next.gen}
	switch {
	case old.preview != nil && next.problems == nil:
		// The pages shown from the preview are the whole build's own.
		next.gen = old.gen
	case everyone || !sameProblems(old.problems, next.problems) || old.site == nil:
	default:
		if changed := next.site.Changed(old.site); len(changed) == 0 {
			next.gen = old.gen
		} else {
			ev.pages = pagesOf(changed)
		}
	}
	s.cur.Store(next)
	if next.gen != old.gen {
		s.broadcast(ev)
	}
}

// report logs a whole build and tells Options.OnBuild.
func (s *Server) report(info BuildInfo, problems []diag.Diagnostic) {
	if info.OK {
		s.logf("built %d pages in %s", info.Pages, info.Took.Round(time.Millisecond))
	} else {
		s.logf("build failed in %s: the preview still shows the last version that built", info.Took.Round(time.Millisecond))
		for _, p := range problems {
			s.logf("  %s", p)
		}
	}
	if s.opts.OnBuild != nil {
		s.opts.OnBuild(info)
	}
}

// showPreview serves pages rendered on demand from res, the model of the
// first build, until that build is done.
func (s *Server) showPreview(res *build.Result) {
	s.buildMu.Lock()
	cur := s.cur.Load()
	if cur.site == nil && cur.problems == nil {
		next := *cur
		next.gen, next.preview = cur.gen+1, res
		s.cur.Store(&next)
	}
	s.buildMu.Unlock()
	s.startOnce.Do(func() { close(s.started) })
}

// await waits until ch is closed, then returns the state in service; nil
// when the request ended first.
func (s *Server) await(r *http.Request, ch <-chan struct{}) *state {
	select {
	case <-ch:
		return s.cur.Load()
	case <-r.Context().Done():
		return nil
	case <-s.done:
		return nil
	}
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
	opts := build.Options{SiteDir: s.opts.SiteDir, BaseURL: s.opts.BaseURL, Drafts: true, NoSearch: true, Cache: s.cache}
	if st := s.cur.Load(); st.site == nil && st.problems == nil {
		// Starting: pages are served from the model while the site renders.
		opts.OnModel = s.showPreview
	}
	return s.opts.Build(opts)
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
			s.buildMu.Lock()
			cur := s.cur.Load()
			if !ok && !cur.searchWait {
				s.buildMu.Unlock()
				continue
			}
			next := *cur
			next.gen++
			next.searchWait = false
			if ok {
				next.search, next.closeFn = h, closeFn
			}
			s.cur.Store(&next)
			// A search page opened before the index was ready says so:
			// it reloads now.
			s.broadcast(reloadEvent{gen: next.gen, pages: searchPages})
			s.buildMu.Unlock()
			if ok {
				s.closeLater(cur.closeFn)
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

// File returns the data of the built file at p.
func File(files []output.File, p string) ([]byte, bool) {
	for _, f := range files {
		if f.Path == p {
			return f.Data, true
		}
	}
	return nil, false
}
