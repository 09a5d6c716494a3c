package build

import (
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/output"
	"github.com/rscp/handbook/build/render"
	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/build/source"
)

// patchState is what Patch needs of the build that made a Result.
type patchState struct {
	fsys     fs.FS
	theme    *render.Theme
	versions *render.Versions

	byPathOnce sync.Once
	byPath     map[string]*site.Page // pages by output path, for RenderFile
}

// Patch applies edits of pages to a site that built, for the dev server:
// it reads each changed file again, checks that the edit changes nothing
// other pages show at once (the page's title, place in the navigation,
// id, status, type, aliases and change notes, and the anchors other pages
// link to, are the same: see site.PrepareEdit), resolves the new
// version's references and links, puts it in the model and renders that
// page again. It returns the page's new files, which replace the same
// paths of r.Files, and the new version's warnings.
//
// paths are the changed files, slash-separated and relative to the site
// folder. ok is false when any change is more than that or has an error:
// a whole build is then needed, and will report it. r is then unchanged,
// except after a template error, when the model already has the new
// bodies (which is right: only their rendering failed).
// Pages of other editions, the search index and the pages that list this
// one (with its summary, say) are not updated; the dev server follows a
// patch with a whole build.
// Patch must not run while another goroutine reads r.Site.
func (r *Result) Patch(paths []string) (files []output.File, diags *diag.List, ok bool) {
	if r == nil || r.patch == nil || r.Site == nil || len(paths) == 0 {
		return nil, nil, false
	}
	byFile := make(map[string]*site.Page, len(paths))
	for _, p := range paths {
		if !strings.HasPrefix(p, "content/") || path.Ext(p) != ".md" {
			return nil, nil, false
		}
		byFile[p] = nil
	}
	for _, p := range r.Site.Pages {
		if _, want := byFile[p.File]; want {
			byFile[p.File] = p
		}
	}
	diags = &diag.List{}
	var edits []*site.PageEdit
	for file, p := range byFile {
		if p == nil {
			return nil, nil, false // a new page, or not one of this edition's
		}
		fresh, d := source.LoadPage(r.patch.fsys, file, r.Site.Markdown)
		if fresh == nil || d.HasErrors() {
			return nil, nil, false
		}
		e, d2, same := r.Site.PrepareEdit(p, fresh)
		if !same || d2.HasErrors() {
			return nil, nil, false
		}
		diags.Merge(d)
		diags.Merge(d2)
		edits = append(edits, e)
	}
	for _, e := range edits {
		e.Apply()
	}
	for _, e := range edits {
		more, err := r.patch.theme.RenderPage(r.Site, e.Page(), r.patch.versions)
		if err != nil {
			// The model has the new bodies, which is right; the whole
			// build that follows reports the template error.
			return nil, nil, false
		}
		files = append(files, more...)
	}
	return files, diags, true
}
