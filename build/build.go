// Package build is the pipeline: the only place that knows the order of
// the stages. Each stage is a package of its own, and data flows one way,
// from the files to the published folder. BuildFS runs them in this order:
//
//  1. read the sources (build/source): handbook.yaml, data/, the pages of
//     content/ and the files they publish. Meanwhile the site's git log is
//     read, once (build/history).
//  2. load the theme (build/render, themes) and add its default pages.
//  3. build the model (build/site): pages, sections, navigation, links and
//     data checked. A build with errors stops here, with every error.
//  4. add the versions: redirects for moved pages and each page's history
//     from the git log (build/pagehistory), and the published editions
//     (build/editions).
//  5. render the pages (build/render) while the search index is built from
//     the same model (build/searchdocs, search); then the other editions,
//     the files pages publish and the static search data.
//  6. write (build/output): BuildTo writes each file as it is made, into a
//     folder that replaces the output folder only when the whole build has
//     succeeded; Build keeps the files in memory (the dev server, tests).
//
// Options say what to build; the build's date (Options.Now) and the cache
// of git-derived work (Options.Cache) are handed to the stages that use
// them, and to no others. Result.Patch updates a built site in memory
// after an edit that only changes what one page shows.
package build

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/editions"
	"github.com/rscp/handbook/build/output"
	"github.com/rscp/handbook/build/pagehistory"
	"github.com/rscp/handbook/build/render"
	"github.com/rscp/handbook/build/searchdocs"
	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/build/source"
	"github.com/rscp/handbook/build/stamp"
	"github.com/rscp/handbook/internal/par"
)

// Options say what to build.
type Options struct {
	SiteDir string // the site folder: handbook.yaml, content/, data/
	BaseURL string // overrides base_url in handbook.yaml when set
	Drafts  bool   // build draft pages too (the dev server does)
	// Now is the date of the build: it decides which editions are
	// upcoming and which pages are due for review, and dates a feed with
	// no dated change (no git history) by the newest page date up to it.
	// The zero value means the time of the build.
	Now time.Time
	// Cache, when set, keeps git-derived work between builds (the dev
	// server's rebuilds); nil works everything out again. One opened from
	// a folder (OpenCache) also keeps there, for BuildTo, a record of what
	// the last build read and wrote: BuildTo then does nothing when
	// nothing of it has changed (Result.Unchanged).
	Cache *Cache
	// NoSearch leaves out the search index (the dev server builds it apart,
	// so that a one-page edit reloads at once).
	NoSearch bool
	// OnModel, when set, is called once the model is complete and checked,
	// before the pages are rendered, with a Result that renders one page at
	// a time (Result.RenderFile) and has no Files: the dev server serves
	// from it while the whole site renders. It is not called when the site
	// has errors.
	OnModel func(*Result)
	// Force lets BuildTo replace a non-empty output folder that is not an
	// earlier build. The site folder, a folder holding it, its sources and
	// files are refused even so.
	Force bool
	// Publishing marks a build of the site as it will be published
	// (handbook build, handbook check): it warns when the site's address
	// is unknown.
	Publishing bool
	// Production marks a build of the live site: a published page that
	// still has placeholder text (site.Placeholders) is an error.
	Production bool
	// IndexDir is where BuildTo writes the search index; "" means
	// IndexDir(dir), beside the site. It is never inside the site.
	IndexDir string

	// record makes the build record what it reads of the site folder
	// (BuildTo with a cache folder: see stampFile).
	record bool
}

// Result is a built site, held in memory until it is written.
type Result struct {
	Site  *site.Site
	Files []output.File
	// Index is the server's search index, its paths relative to its own
	// folder. It is not part of the site: BuildTo writes it beside the
	// site (IndexDir), never into the folder that is published.
	Index []output.File
	Diags *diag.List
	// Editions are the published editions, the current one first; empty
	// when handbook.yaml declares none. Each has its own Site.
	Editions []*render.EditionInfo
	// Written counts the files of the site: those in Files, or for
	// BuildTo those written.
	Written int
	// Unchanged is set by BuildTo when the cache folder showed that
	// nothing the last build read had changed and that its output was as
	// it left it: nothing was built or written. Diags are that build's,
	// Site is nil and Pages counts its pages.
	Unchanged bool
	Pages     int

	patch *patchState  // what Patch needs; nil when the build failed
	reads *stamp.Reads // what the build read, when Options.record
}

// Build runs every stage except writing. It returns an error, with the
// diagnostics in Result, when the site has errors.
func Build(opts Options) (*Result, error) {
	return buildDir(opts, nil)
}

// buildDir builds the site folder opts.SiteDir, handing each file to sink
// as it is made when sink is not nil.
func buildDir(opts Options, sink *output.Writer) (*Result, error) {
	if opts.SiteDir == "" {
		opts.SiteDir = "."
	}
	if st, err := os.Stat(opts.SiteDir); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("site folder %s: not found: %w", opts.SiteDir, err)
	} else if err != nil {
		return nil, fmt.Errorf("site folder %s: %w", opts.SiteDir, err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("site folder %s: not a folder", opts.SiteDir)
	}
	fsys, err := source.Open(opts.SiteDir)
	if err != nil {
		return nil, fmt.Errorf("site folder %s: %w", opts.SiteDir, err)
	}
	var reads *stamp.Reads
	if opts.record {
		reads = stamp.Record(fsys, opts.SiteDir)
		fsys = reads
	}
	res, err := runStages(fsys, opts, sink)
	if res != nil {
		res.reads = reads
	}
	return res, err
}

// BuildFS builds the site held in fsys: it runs the stages in order, and
// stops after the first that leaves errors.
func BuildFS(fsys fs.FS, opts Options) (*Result, error) {
	return runStages(fsys, opts, nil)
}

// runStages is BuildFS, handing each file to sink as it is made when sink
// is not nil (BuildTo).
func runStages(fsys fs.FS, opts Options, sink *output.Writer) (*Result, error) {
	r := startRun(fsys, opts, sink)
	defer r.waitIndex()
	for _, stage := range []func() error{
		r.readSources,
		r.loadTheme,
		r.buildModel,
		r.startIndex,
		r.addVersions,
		r.renderSite,
	} {
		if err := stage(); err != nil {
			return r.res, err
		}
	}
	return r.finish()
}

// run is one build in progress: its inputs and what its stages have made
// so far, each stage reading what the ones before it made.
type run struct {
	fsys fs.FS
	opts Options
	sink *output.Writer // BuildTo's: files are written as they are made
	now  time.Time      // the date of the build (Options.Now, or the clock)
	res  *Result
	git  chan *gitHistory // the site's git log, read beside the sources

	in       *site.Input // readSources
	themeFS  fs.FS       // loadTheme
	theme    *render.Theme
	site     *site.Site          // buildModel
	index    *indexRun           // startIndex
	eds      []*editions.Edition // addVersions
	versions *render.Versions
	files    []output.File // renderSite: the site's files, when kept in memory
}

// indexRun is the search index being built beside the later stages.
type indexRun struct {
	release       *bodyRelease // drops each page's Markdown once render and the index are done with it
	files, static []output.File
	err           error
	done          chan struct{}
}

// startRun starts reading git: on a site with a long history "git log"
// takes as long as parsing the pages, and neither needs the other.
func startRun(fsys fs.FS, opts Options, sink *output.Writer) *run {
	r := &run{fsys: fsys, opts: opts, sink: sink, now: opts.Now, res: &Result{Diags: &diag.List{}}, git: make(chan *gitHistory, 1)}
	if r.now.IsZero() {
		r.now = time.Now()
	}
	go func() { r.git <- readHistory(opts.SiteDir, opts.Cache) }()
	if opts.Cache != nil {
		// The cache folder's file, a tenth of a gigabyte on a long history,
		// is read while git and the sources are.
		go opts.Cache.entries()
	}
	return r
}

// readSources reads handbook.yaml, data/, the pages of content/ and the
// files they publish. Its errors are reported with the model's.
func (r *run) readSources() error {
	in, diags := source.Load(r.fsys)
	r.res.Diags.Merge(diags)
	if r.opts.BaseURL != "" {
		in.Config.BaseURL = r.opts.BaseURL
		in.Config.Defaults()
	}
	in.Assets = append(in.Assets, source.Assets(r.fsys, "content", r.res.Diags)...)
	r.in = in
	return nil
}

// loadTheme loads the theme handbook.yaml names and adds its default
// pages (accessibility, glossary, contacts, search) that the site does
// not have itself.
func (r *run) loadTheme() error {
	themeFS, err := siteTheme(r.fsys, r.in.Config.Theme)
	if err != nil {
		r.res.Diags.Errorf("handbook.yaml", configLine(r.fsys, "theme"), "%v", err)
		return r.res.Diags.Err()
	}
	r.theme, err = render.LoadTheme(themeFS)
	if err != nil {
		r.res.Diags.Errorf("themes/"+r.in.Config.Theme, 0, "%v", err)
		return r.res.Diags.Err()
	}
	r.themeFS = themeFS
	addThemePages(r.in, themeFS, r.res.Diags)
	return nil
}

// buildModel builds and checks the model of the current edition.
func (r *run) buildModel() error {
	s, diags := site.New(r.in, site.Options{Drafts: r.opts.Drafts})
	r.res.Diags.Merge(diags)
	r.res.Site, r.site = s, s
	if r.opts.Publishing {
		reportMissingAddress(s, r.res.Diags)
	}
	if r.opts.Production {
		for _, d := range site.Placeholders(s, r.now).Sorted() {
			if d.Severity == diag.Error {
				r.res.Diags.Add(d)
			}
		}
	}
	return r.res.Diags.Err()
}

// startIndex starts the search index of the current edition on its own
// goroutine. It reads the model and nothing else, so it is built while git's
// history is waited for and read (on a long history, seconds in which a
// core would be idle) and the pages are rendered.
func (r *run) startIndex() error {
	x := &indexRun{done: make(chan struct{})}
	// A written build drops each page's Markdown once both render and the
	// search index are done with it (release.go).
	if r.sink != nil {
		x.release = newBodyRelease(r.site, !r.opts.NoSearch)
	}
	r.index = x
	go func() {
		defer close(x.done)
		if !r.opts.NoSearch {
			x.files, x.static, x.err = searchdocs.Index(r.site, x.release.done)
		}
	}()
	return nil
}

// waitIndex waits for the search index, if it was started: a build that
// stops at an error leaves nothing running.
func (r *run) waitIndex() {
	if r.index != nil {
		<-r.index.done
	}
}

// addVersions adds what git and handbook.yaml say of the site's versions:
// redirects for moved pages, the published editions and each page's
// history. git was read once, beside the sources; render never runs it.
func (r *run) addVersions() error {
	hist := <-r.git
	pagehistory.AddMoveRedirects(r.site, hist.log)
	eds, skipped := editions.Build(editions.Input{FS: r.fsys, Site: r.in, Current: r.site,
		AddThemePages: func(in *site.Input, diags *diag.List) { addThemePages(in, r.themeFS, diags) },
		Git:           hist.log, GitMissing: hist.missing != "", Drafts: r.opts.Drafts, Now: r.now, Diffs: r.opts.Cache.diffCache()}, r.res.Diags)
	reportMissingHistory(hist, skipped, r.res.Diags)
	if err := r.res.Diags.Err(); err != nil {
		return err
	}
	r.eds = eds
	r.res.Editions = editions.Infos(eds)
	r.versions = &render.Versions{
		Now:            r.now,
		Editions:       r.res.Editions,
		History:        pagehistory.Build(r.site, r.in.Redactions, hist.log, r.opts.Cache.pageVersions(), r.opts.Cache.diffCache(), r.res.Diags),
		HistoryMissing: hist.missing,
		Notices:        editions.UpcomingNotices(eds),
	}
	if len(eds) > 0 {
		r.versions.Edition = eds[0].Info
	}
	return nil
}

// renderSite renders the current edition's pages while the search index
// is built from the same model, then the other editions, the files pages
// publish and the static search data. BuildTo writes each file as soon as
// it is made (the disk works while pages render, and the site is never
// all in memory); Build keeps them.
func (r *run) renderSite() error {
	if r.opts.OnModel != nil {
		r.opts.OnModel(&Result{Site: r.site, Diags: &diag.List{}, Editions: r.res.Editions, patch: r.patchState()})
	}
	sink := r.sink
	release := r.index.release
	var err error
	if sink != nil {
		err = r.theme.RenderTo(r.site, r.versions, sink.Write, release.done)
	} else {
		r.files, err = r.theme.Render(r.site, r.versions)
	}
	if err != nil {
		r.res.Diags.Errorf("", 0, "%v", err)
		return r.res.Diags.Err()
	}
	rest, err := editions.Render(r.theme, r.eds, r.now, r.res.Diags)
	if err != nil {
		r.res.Diags.Errorf("", 0, "%v", err)
		return r.res.Diags.Err()
	}
	rest = append(rest, r.assets()...)
	r.waitIndex()
	if r.index.err != nil {
		r.res.Diags.Errorf("", 0, "search index: %v", r.index.err)
		return r.res.Diags.Err()
	}
	r.res.Index = r.index.files
	rest = append(rest, r.index.static...)
	if sink == nil {
		r.files = append(r.files, rest...)
		return nil
	}
	// Thousands of small files (the static search data): written on
	// every core, as the pages are.
	errs := make([]error, len(rest))
	par.Each(len(rest), func(i int) {
		if err := sink.Write(rest[i]); err != nil {
			errs[i] = fmt.Errorf("cannot write %s: %w", rest[i].Path, err)
		}
	})
	for _, err := range errs {
		if err != nil {
			r.res.Diags.Errorf("", 0, "%v", err)
			return r.res.Diags.Err()
		}
	}
	return nil
}

// assets reads the files of content/ that pages publish.
func (r *run) assets() []output.File {
	var files []output.File
	for _, a := range r.site.Assets {
		b, err := fs.ReadFile(r.fsys, "content/"+a)
		if err != nil {
			r.res.Diags.Errorf("content/"+a, 0, "cannot read: %v", err)
			continue
		}
		files = append(files, output.File{Path: a, Data: b})
	}
	return files
}

// finish hands back the built site, with what Patch needs to update it.
func (r *run) finish() (*Result, error) {
	r.res.Files, r.res.Written = r.files, len(r.files)
	if r.res.Diags.HasErrors() {
		return r.res, r.res.Diags.Err()
	}
	r.res.patch = r.patchState()
	return r.res, nil
}

// reportMissingAddress warns that a site built without its address
// cannot have absolute links: a search engine or feed reader is then
// given addresses relative to the site, and no sitemap.
func reportMissingAddress(s *site.Site, diags *diag.List) {
	if s.HasAddress() {
		return
	}
	what := "no base_url is set"
	if b := s.Config.BaseURL; b != "/" {
		what = "base_url " + strconv.Quote(b) + " is not an http(s) address with a host"
	}
	diags.Warnf("handbook.yaml", 0, "%s, so the site's address is unknown: sitemap.xml is left out, robots.txt names no sitemap, "+
		"and feeds and canonical links use addresses relative to the site. Before publishing, set base_url: https://your-site.example/ "+
		"in handbook.yaml or build with --base-url", what)
}

// reportMissingHistory gives the one warning a build without git history
// gets: why, and what readers will not see.
func reportMissingHistory(h *gitHistory, skipped []string, diags *diag.List) {
	if h.log != nil && h.log.Skipped > 0 {
		diags.Warnf("", 0, "%d records of the git log could not be read and are left out of page history (the first: %s)", h.log.Skipped, h.log.FirstSkipped)
	}
	if h.missing == "" || h.log == nil {
		// No folder was given (an in-memory build): nothing was expected.
		if len(skipped) > 0 {
			diags.Warnf("handbook.yaml", 0, "the editions %s are left out: they are read from git, and this build has no git repository", strings.Join(skipped, ", "))
		}
		return
	}
	msg := "page history is unavailable: " + h.missing + ". Pages are built without their published and updated dates, history and git change notes, and feeds are dated by the newest last_reviewed or effective_from date of the pages (or the day of the build)"
	if len(skipped) > 0 {
		msg += "; the editions read from git (" + strings.Join(skipped, ", ") + ") are left out"
	}
	diags.Warnf("", 0, "%s.", msg)
}

// addThemePages adds the theme's default pages (accessibility statement,
// glossary, contacts, search) that the site does not have itself.
func addThemePages(in *site.Input, themeFS fs.FS, diags *diag.List) {
	pages, d := source.LoadContent(themeFS, "content", in.Markdown)
	diags.Merge(d)
	have := map[string]*site.Page{}
	for _, p := range in.Pages {
		have[p.URL] = p
	}
	for _, p := range pages {
		own := have[p.URL]
		if own == nil {
			p.File = "(theme) " + p.File
			in.Pages = append(in.Pages, p)
			continue
		}
		checkReplacedThemePage(own, p, diags)
	}
}

// checkReplacedThemePage reports a site page at the address of one of the
// theme's pages that a layout makes (search, glossary, contacts,
// amendments) without that layout: the page would lose what the layout
// makes, and for search, readers could no longer search the site.
func checkReplacedThemePage(own, theirs *site.Page, diags *diag.List) {
	if theirs.Layout == "" || own.Layout == theirs.Layout {
		return
	}
	line := own.Line("layout")
	if line == 0 {
		line = 1
	}
	if theirs.Layout == "search" {
		diags.Errorf(own.File, line, "this page is at %s, the address of the site's search page, without layout: search, so readers could not search the site: add layout: search to its front matter, or give the file another name", own.URL)
		return
	}
	diags.Warnf(own.File, line, "this page is at %s, the address of the theme's %s page, without layout: %s, so it replaces that page and its list: add layout: %s to its front matter, or give the file another name", own.URL, theirs.Layout, theirs.Layout, theirs.Layout)
}

// ErrInterrupted is returned by BuildTo when its context ended first.
var ErrInterrupted = errors.New("build interrupted")

// BuildTo builds the site and writes it to dir as its files are made,
// replacing dir whole only when the build succeeded: a failed build leaves
// dir as it was. It is what "handbook build" does. The search index is
// written afterwards, replacing the folder opts.IndexDir (by default
// IndexDir(dir)) whole in the same way.
//
// When ctx ends first, BuildTo returns ErrInterrupted at once and dir is
// unchanged; the partly written folder beside it is removed by the next
// build. Once the new site is being swapped in, that finishes first.
func BuildTo(ctx context.Context, opts Options, dir string) (*Result, error) {
	if opts.SiteDir == "" {
		opts.SiteDir = "."
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := checkOutput(opts.SiteDir, dir, opts.Force); err != nil {
		return nil, err
	}
	indexDir := ""
	if !opts.NoSearch {
		indexDir = opts.IndexDir
		if indexDir == "" {
			indexDir = IndexDir(abs)
		}
		if err := checkIndexDir(opts.SiteDir, abs, indexDir, opts.Force); err != nil {
			return nil, err
		}
	}
	// With a cache folder, a build that would change nothing is not run,
	// and one that runs records what it read for the next (uptodate.go).
	var key string
	var unrecorded error // why this build cannot keep a stamp
	if opts.Cache != nil && opts.Cache.dir != "" {
		if opts.Now.IsZero() {
			opts.Now = time.Now() // one date for the key and the build
		}
		var res *Result
		if key, res = unchanged(opts, abs, indexDir); res != nil {
			return res, nil
		}
		// The output is about to change: the stamp no longer describes it.
		// One that cannot be removed (a read-only cache) is left, and
		// this build keeps none: it cannot match the new output.
		if err := os.Remove(filepath.Join(opts.Cache.dir, stampFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			unrecorded = err
		} else {
			opts.record = true
		}
	}
	w, err := output.Create(abs)
	if err != nil {
		return nil, err
	}
	type built struct {
		res *Result
		err error
	}
	done := make(chan built, 1)
	go func() {
		res, err := buildDir(opts, w)
		if err != nil {
			w.Abort()
		} else {
			res.Written = w.Written()
			var snaps snapshots // for the stamp: each folder as this build left it
			err = w.CommitThen(snaps.of(opts.record, abs))
			// The site folder is unlocked now: the index goes beside it.
			if err == nil && indexDir != "" {
				if err = output.WriteDirThen(indexDir, res.Index, snaps.of(opts.record, indexDir)); err != nil {
					err = fmt.Errorf("the site was written to %s, but not its search index: %w", dir, err)
				}
			}
			switch {
			case err != nil:
			case opts.record:
				saveStamp(opts, key, res, snaps)
			case unrecorded != nil:
				warnUnrecorded(res, unrecorded)
			}
		}
		done <- built{res, err}
	}()
	select {
	case b := <-done:
		return b.res, b.err
	case <-ctx.Done():
		if w.Stop() {
			return nil, ErrInterrupted
		}
		b := <-done // the swap has begun: let it finish
		return b.res, b.err
	}
}

// checkIndexDir refuses an index folder that a build must not replace:
// one inside the output folder, which is published, or one that the
// rules for an output folder refuse (checkOutput).
func checkIndexDir(siteDir, outDir, indexDir string, force bool) error {
	abs, err := filepath.Abs(indexDir)
	if err != nil {
		return err
	}
	if rel, err := filepath.Rel(outDir, abs); err == nil && (rel == "." || filepath.IsLocal(rel)) {
		return fmt.Errorf("the search index cannot go to %s: it is inside %s, which is published", indexDir, outDir)
	}
	if err := checkOutput(siteDir, indexDir, force); err != nil {
		return fmt.Errorf("the search index goes beside the site, to %s: %w", indexDir, err)
	}
	return nil
}

// Write writes the built site to dir, replacing it atomically. The search
// index is not part of it (see Result.Index).
func (r *Result) Write(dir string) error {
	if r == nil || r.Files == nil {
		return errors.New("nothing to write: the build failed")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	return output.WriteDir(abs, r.Files)
}

// patchState is what Result.Patch and Result.RenderFile need of the run.
func (r *run) patchState() *patchState {
	return &patchState{fsys: r.fsys, theme: r.theme, versions: r.versions}
}
