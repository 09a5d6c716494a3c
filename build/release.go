package build

import (
	"sync/atomic"

	"github.com/rscp/handbook/build/searchdocs"
	"github.com/rscp/handbook/build/site"
)

// bodyRelease drops each page's Markdown trees once the stages that read
// them, the renderer and the search index, have both finished with the
// page. A written build never reads them again, and they are the largest
// part of the model: letting them go while the rest of the site renders
// lowers the build's peak memory. Builds kept in memory (the dev server
// patches their pages) keep them.
type bodyRelease struct {
	readers map[*site.Page]*atomic.Int32
}

// newBodyRelease counts the readers of each page of s: the renderer reads
// every page, and the search index, when built, the searchable ones.
func newBodyRelease(s *site.Site, withIndex bool) *bodyRelease {
	r := &bodyRelease{readers: make(map[*site.Page]*atomic.Int32, len(s.Pages))}
	counts := make([]atomic.Int32, len(s.Pages))
	for i, p := range s.Pages {
		n := int32(1)
		if withIndex && searchdocs.Searchable(p) {
			n++
		}
		counts[i].Store(n)
		r.readers[p] = &counts[i]
	}
	return r
}

// done records that one reader has finished with p; the last one drops
// p's trees. A nil release or a page it does not count is left alone.
func (r *bodyRelease) done(p *site.Page) {
	if r == nil {
		return
	}
	if n := r.readers[p]; n != nil && n.Add(-1) == 0 {
		p.Body, p.BoxBodies = nil, nil
	}
}
