package source

import (
	"errors"
	"io/fs"
	"path"
	"strings"

	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/site"
)

// checkLogo checks handbook.yaml's logo: an image under content/ that
// exists, and words for it when it stands alone in the header. A logo
// with a problem is reported on its field's line and left out of the
// header. data is handbook.yaml, for the lines of the fields.
func checkLogo(fsys fs.FS, cfg *site.Config, data []byte, diags *diag.List) {
	l := &cfg.Logo
	fail := func(field, format string, args ...any) {
		diags.Errorf("handbook.yaml", fieldLine(data, "logo", field), "logo."+field+" "+format, args...)
		*l = site.LogoConfig{}
	}
	if l.Src == "" {
		if l.Alt != "" || l.HideTitle {
			fail("src", "is not set: name the logo's image under content/, such as src: images/logo.svg")
		}
		return
	}
	src := strings.TrimPrefix(l.Src, "/")
	kind := assetTypes[strings.ToLower(path.Ext(src))]
	switch {
	case strings.Contains(src, "://") || strings.HasPrefix(l.Src, "//"):
		fail("src", "%q is an address: put the image in content/ (for example content/images/logo.svg) and give its path, images/logo.svg", l.Src)
		return
	case !fs.ValidPath(src) || src != path.Clean(src):
		fail("src", "%q is not a path inside content/: give it as images/logo.svg, without .. or //", l.Src)
		return
	case kind != "image" && kind != "SVG image":
		fail("src", "%q is not an image: use an SVG, PNG, JPEG, GIF, WebP or AVIF file", l.Src)
		return
	}
	if _, err := fs.Stat(fsys, "content/"+src); errors.Is(err, fs.ErrNotExist) {
		fail("src", "%q: there is no file content/%s: add the image there, or correct the path", l.Src, src)
		return
	}
	if l.HideTitle && strings.TrimSpace(l.Alt) == "" {
		fail("alt", "is empty, and hide_title shows the logo without the site's title: set alt to what the logo says (the partnership's name), for people who cannot see it")
		return
	}
	l.Src = src
}
