package source

import (
	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/markdown"
	"github.com/rscp/handbook/build/site"
	"io/fs"
)

// LoadPage reads the one page at file ("content/procedures/escalation.md")
// as Load would, for the dev server's one-page updates. The page is nil
// when the file has errors, which are in the list.
func LoadPage(fsys fs.FS, file string, conv *markdown.Converter) (*site.Page, *diag.List) {
	var diags diag.List
	p := loadPage(fsys, "content", file, conv, &diags)
	if p != nil && p.Unreadable {
		return nil, &diags
	}
	return p, &diags
}
