package render

import (
	"github.com/rscp/handbook/build/output"
	"github.com/rscp/handbook/build/site"
)

// RenderPage renders one page of s, and its history pages, exactly as
// Render does; the dev server uses it to update a page whose Markdown
// changed without rendering the whole site again.
func (t *Theme) RenderPage(s *site.Site, p *site.Page, vs *Versions) ([]output.File, error) {
	var files []output.File
	err := t.renderPage(s, p, vs, func(f output.File) error {
		files = append(files, keep(f))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return files, nil
}
