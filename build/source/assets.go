package source

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/rscp/handbook/build/diag"
)

// assetTypes are the kinds of file under content/ that the site publishes
// beside its pages, by extension: images and documents a reader downloads.
// Anything else could run in a reader's browser with the site's own
// permissions (HTML, scripts, style sheets), or be read by the host as
// rules for the whole site (_headers, _redirects), so it is refused.
var assetTypes = map[string]string{
	".png": "image", ".jpg": "image", ".jpeg": "image", ".gif": "image", ".webp": "image", ".avif": "image",
	".svg": "SVG image",
	".pdf": "document",
	".doc": "document", ".docx": "document", ".odt": "document", ".rtf": "document",
	".xls": "document", ".xlsx": "document", ".ods": "document", ".csv": "document",
	".ppt": "document", ".pptx": "document", ".odp": "document",
}

// allowedList is what an error shows as the types a site may publish.
const allowedList = "images (.png, .jpg, .gif, .webp, .avif, and .svg without scripts), PDF and office documents (.docx, .xlsx, .pptx, .odt, .ods, .odp, .doc, .xls, .ppt, .rtf, .csv)"

// Assets lists the files under dir (content/ or an edition's folder) that
// are not pages, relative to dir, and checks that each may be published:
// a refused file is reported as an error on its name and left out.
// Hidden files and symbolic links are not published.
func Assets(fsys fs.FS, dir string, diags *diag.List) []string {
	var out []string
	_ = fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".md") || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		if reason := refuseAsset(fsys, p); reason != "" {
			diags.Errorf(p, 0, "%s", reason)
			return nil
		}
		out = append(out, strings.TrimPrefix(p, dir+"/"))
		return nil
	})
	return out
}

// refuseAsset says why the file at p may not be published, or "".
func refuseAsset(fsys fs.FS, p string) string {
	name := path.Base(p)
	ext := strings.ToLower(path.Ext(name))
	switch {
	case name == "_headers" || name == "_redirects":
		return "the file " + name + " is not published: the host would read it as rules for the whole site. Headers and redirects are set in netlify.toml and by aliases: in front matter"
	case ext == ".html" || ext == ".htm" || ext == ".xhtml" || ext == ".js" || ext == ".mjs" || ext == ".css" || ext == ".wasm" || ext == ".xml":
		return "the file " + name + " is not published: " + ext + " files would run in readers' browsers as part of this site, outside the checks pages get. Write the page in Markdown; the theme holds the site's scripts and styles"
	}
	kind, ok := assetTypes[ext]
	if !ok {
		return fmt.Sprintf("the file %s is not published: the site publishes only %s. Remove the file, or convert it to one of these", name, allowedList)
	}
	if kind == "SVG image" {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return fmt.Sprintf("cannot read: %v", err)
		}
		if err := checkSVG(data); err != nil {
			return "the SVG image " + name + " is not published: " + err.Error() + ". Export it again as a plain SVG, or as a PNG"
		}
	}
	return ""
}

// checkSVG reports why an SVG image could run code or fetch from elsewhere
// when a reader opens it: a script, an event handler, foreignObject, an
// embedded document, a javascript: address, a link or style reference to
// another file or site, or a document type with entities. It accepts only
// what it can read as well-formed XML.
func checkSVG(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.Entity = map[string]string{} // only XML's own five entities
	inStyle := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("it is not well-formed XML (%v)", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch strings.ToLower(t.Name.Local) {
			case "script":
				return errors.New("it holds a script")
			case "foreignobject":
				return errors.New("it holds a foreignObject, which can embed HTML")
			case "iframe", "embed", "object", "html", "body":
				return fmt.Errorf("it embeds a document (<%s>)", t.Name.Local)
			case "style":
				inStyle++
			}
			for _, a := range t.Attr {
				if err := checkSVGAttr(a); err != nil {
					return err
				}
			}
		case xml.EndElement:
			if strings.EqualFold(t.Name.Local, "style") && inStyle > 0 {
				inStyle--
			}
		case xml.CharData:
			if inStyle > 0 {
				if err := checkCSS(string(t)); err != nil {
					return err
				}
			}
		case xml.Directive:
			if bytes.Contains(bytes.ToUpper(t), []byte("ENTITY")) {
				return errors.New("its document type declares entities")
			}
		case xml.ProcInst:
			if t.Target != "xml" {
				return fmt.Errorf("it has the processing instruction <?%s?>, which can load other files", t.Target)
			}
		}
	}
}

// checkSVGAttr refuses an event handler, a javascript: address, a
// reference to anything outside the image, and an animation of either.
func checkSVGAttr(a xml.Attr) error {
	name := strings.ToLower(a.Name.Local)
	value := strings.ToLower(strings.Join(strings.FieldsFunc(a.Value, func(r rune) bool { return r <= ' ' }), ""))
	switch {
	case strings.HasPrefix(name, "on"):
		return fmt.Errorf("it has an event handler (%s=), which runs a script", a.Name.Local)
	case strings.Contains(value, "javascript:"):
		return fmt.Errorf("the attribute %s holds a javascript: address", a.Name.Local)
	case name == "href" || name == "src":
		// A raster image embedded in the file is common in exported SVG;
		// an SVG or a document embedded that way is not let through.
		embedded := strings.HasPrefix(value, "data:image/") && !strings.HasPrefix(value, "data:image/svg")
		if !strings.HasPrefix(value, "#") && !embedded {
			return fmt.Errorf("it refers to %q, outside the image: only references within it (#id) are published", truncate(a.Value, 60))
		}
	case name == "attributename" && (strings.HasPrefix(value, "on") || strings.HasSuffix(value, "href")):
		return fmt.Errorf("it animates the attribute %s", a.Value)
	case name == "style":
		return checkCSS(a.Value)
	}
	if strings.Contains(value, "url(") {
		return checkCSS(a.Value)
	}
	return nil
}

// checkCSS refuses a style that loads anything from outside the image.
func checkCSS(css string) error {
	s := strings.ToLower(strings.Join(strings.FieldsFunc(css, func(r rune) bool { return r <= ' ' }), ""))
	if strings.Contains(s, "@import") {
		return errors.New("its style imports another style sheet")
	}
	for rest := s; ; {
		i := strings.Index(rest, "url(")
		if i < 0 {
			return nil
		}
		rest = strings.TrimLeft(rest[i+4:], `"'`)
		if !strings.HasPrefix(rest, "#") {
			return errors.New("its style loads a file from outside the image (url(...))")
		}
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
