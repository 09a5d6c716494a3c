package serve

import (
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/output"
	"github.com/rscp/handbook/build/site"
)

// maxReloadPages is how many changed pages a reload event names; a build
// that changed more tells every browser to reload.
const maxReloadPages = 64

// update brings the preview up to date after the files at paths changed
// (slash-separated, relative to the site folder; nil when not known).
//
// An edit of the Markdown of pages is patched into the last whole build at
// once (build.Result.Patch), and the browsers showing those pages reload:
// that is the edit an editor makes most, and it takes milliseconds however
// large the site. Every change is then followed by a whole build in the
// background, which brings everything else up to date (section lists,
// compare pages, search) and reports any problem the patch could not see;
// browsers reload again only if it changed what they show.
func (s *Server) update(paths []string) {
	seq := s.changes.Add(1)
	if paths != nil {
		s.tryPatch(paths, seq)
	}
	s.requestBuild()
}

// tryPatch patches the edit into the site being served, if it is an edit
// of pages' Markdown only and the site has no errors.
func (s *Server) tryPatch(paths []string, seq uint64) bool {
	s.buildMu.Lock()
	defer s.buildMu.Unlock()
	cur := s.cur.Load()
	if s.base == nil || cur.site == nil || len(cur.problems) > 0 {
		return false
	}
	start := time.Now()
	files, ok := s.safePatch(s.base, paths)
	if !ok {
		return false
	}
	mem, err := cur.site.With(files)
	if err != nil {
		return false
	}
	changed := mem.Changed(cur.site)
	for _, p := range paths {
		s.patched[p] = seq
	}
	if len(changed) == 0 {
		return true // saved without a change
	}
	next := *cur
	next.gen, next.site, next.built = cur.gen+1, mem, time.Now()
	s.cur.Store(&next)
	s.broadcast(reloadEvent{gen: next.gen, pages: pagesOf(changed)})
	s.logf("updated %s in %s", strings.Join(paths, ", "), time.Since(start).Round(time.Millisecond))
	return true
}

// safePatch runs res.Patch, turning a panic into a refusal: the whole
// build that follows every change reports it.
func (s *Server) safePatch(res *build.Result, paths []string) (files []output.File, ok bool) {
	defer func() {
		if v := recover(); v != nil {
			s.logf("could not update the page alone (%v): rebuilding the site\n%s", v, firstLines(debug.Stack(), 8))
			files, ok = nil, false
		}
	}()
	files, diags, ok := res.Patch(paths)
	if ok && diags != nil {
		for _, d := range diags.Sorted() {
			s.logf("  %s", d)
		}
	}
	return files, ok
}

// patchedSince lists the files patched in by changes after seq.
func (s *Server) patchedSince(seq uint64) []string {
	var out []string
	for p, at := range s.patched {
		if at > seq {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// requestBuild asks for a whole build in the background. Requests made
// while one runs are met by one more build after it.
func (s *Server) requestBuild() {
	s.buildOnce.Do(func() {
		s.buildReq = make(chan struct{}, 1)
		go s.builder()
	})
	select {
	case s.buildReq <- struct{}{}:
	default:
	}
}

func (s *Server) builder() {
	for {
		select {
		case <-s.done:
			return
		case <-s.buildReq:
			s.fullBuild(false)
		}
	}
}

// reloadEvent tells browsers that a build is in service. pages lists the
// addresses of the pages it changed ("/procedures/escalation/"); nil means
// every page.
type reloadEvent struct {
	gen   uint64
	pages []string
}

// merge combines an event a browser has not taken yet with a newer one.
func (e reloadEvent) merge(newer reloadEvent) reloadEvent {
	if e.pages == nil || newer.pages == nil {
		return reloadEvent{gen: newer.gen}
	}
	pages := append(slices.Clone(e.pages), newer.pages...)
	slices.Sort(pages)
	pages = slices.Compact(pages)
	if len(pages) > maxReloadPages {
		pages = nil
	}
	return reloadEvent{gen: newer.gen, pages: pages}
}

// data is the event's data line: the build number, then the pages.
func (e reloadEvent) data() string {
	if e.pages == nil {
		return fmt.Sprint(e.gen)
	}
	return fmt.Sprint(e.gen) + " " + strings.Join(e.pages, " ")
}

// pagesOf turns changed file paths into the addresses of the pages they
// are, or nil (every page) when a file that is not a page changed (a
// style sheet, a script) or too many did.
func pagesOf(paths []string) []string {
	if len(paths) > maxReloadPages {
		return nil
	}
	pages := make([]string, 0, len(paths))
	for _, p := range paths {
		switch {
		case p == "index.html":
			pages = append(pages, "/")
		case strings.HasSuffix(p, "/index.html"):
			pages = append(pages, site.EscapePath("/"+strings.TrimSuffix(p, "index.html")))
		case strings.HasSuffix(p, ".html"):
			pages = append(pages, site.EscapePath("/"+p))
		case strings.HasSuffix(p, ".xml") || strings.HasSuffix(p, ".txt") || p == "_redirects":
			// Feeds, robots.txt and redirects are not part of any page.
		default:
			return nil
		}
	}
	return pages
}

func sameProblems(a, b []diag.Diagnostic) bool {
	return slices.EqualFunc(a, b, func(x, y diag.Diagnostic) bool { return x.String() == y.String() })
}
