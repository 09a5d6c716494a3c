package build

import (
	"io/fs"
	"slices"
	"strings"

	"github.com/rscp/handbook/build/site"
)

// RenderFile returns the file at path p ("procedures/escalation/index.html")
// of the site r is the model of, if it can be made alone: a page of the
// current edition, rendered now exactly as the whole build renders it, a
// static file of the theme or a file under content/. ok is false for the
// rest (history pages, feeds, lists of the whole site, other editions),
// which only the whole build makes. It is for Options.OnModel's Result;
// RenderFile may run while the whole build renders from the same model.
func (r *Result) RenderFile(p string) (data []byte, ok bool) {
	if r == nil || r.patch == nil || r.Site == nil {
		return nil, false
	}
	ps := r.patch
	if b, ok := ps.theme.StaticFile(p); ok {
		return b, true
	}
	if slices.Contains(r.Site.Assets, p) {
		b, err := fs.ReadFile(ps.fsys, "content/"+p)
		return b, err == nil
	}
	if p != "index.html" && !strings.HasSuffix(p, "/index.html") {
		return nil, false
	}
	page := ps.pageAt(r.Site, p)
	if page == nil {
		return nil, false
	}
	files, err := ps.theme.RenderPage(r.Site, page, ps.versions)
	if err != nil || len(files) == 0 || files[0].Path != p {
		return nil, false
	}
	return files[0].Data, true
}

// pageAt returns the page of s whose file is at p, or nil.
func (ps *patchState) pageAt(s *site.Site, p string) *site.Page {
	ps.byPathOnce.Do(func() {
		ps.byPath = make(map[string]*site.Page, len(s.Pages))
		for _, page := range s.Pages {
			ps.byPath[site.FilePath(page.URL)] = page
		}
	})
	return ps.byPath[p]
}
