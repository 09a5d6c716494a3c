package site

import (
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/golangci/misspell"
	"github.com/yuin/goldmark/ast"

	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/markdown"
)

// Names of the checks of a page's words and links.
const (
	CheckLinkText      = "link-text"
	CheckContactInPage = "contact-in-page"
	CheckRawHTML       = "raw-html"
	CheckSpelling      = "spelling"
)

// linkTexts checks what each link of doc says: a link must say where it
// leads, since screen reader users often hear the links of a page alone;
// an image's alt text must describe it, not say that it is an image.
func (c *checker) linkTexts(p *Page, doc *markdown.Doc) {
	for _, l := range doc.Links {
		if l.Image {
			if alt := strings.TrimSpace(l.Alt); alt != "" && placeholderAlt(alt, l.Dest) {
				c.add(diag.Error, CheckAltText, p.File, l.Line,
					"the image %s has the alt text %q, which does not say what it shows: describe it, like ![Chart of referrals by month](%s)", l.Dest, alt, l.Dest)
			}
			continue
		}
		n, ok := l.Node.(*ast.Link)
		if !ok {
			continue
		}
		text := markdown.PlainText(n, doc.Source)
		switch {
		case strings.TrimSpace(text) == "" && !hasImage(n):
			c.add(diag.Error, CheckLinkText, p.File, l.Line,
				"the link to %s has no text, so it shows as nothing and screen readers read out its address: write what it leads to between the brackets, like [the escalation procedure](%s)", l.Dest, l.Dest)
		case vagueLinkText[normalLinkText(text)]:
			c.add(diag.Warning, CheckLinkText, p.File, l.Line,
				"the link text %q does not say where the link leads: use the name of the page or what readers will find there, like [the escalation procedure](%s); screen reader users often hear the links of a page on their own", text, l.Dest)
		}
		if dest := strings.ToLower(l.Dest); strings.HasPrefix(dest, "tel:") || strings.HasPrefix(dest, "mailto:") {
			c.contactTyped(p, l.Line, strings.TrimSpace(l.Dest[strings.IndexByte(l.Dest, ':')+1:]))
		}
	}
}

func hasImage(n ast.Node) bool {
	found := false
	_ = ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if _, ok := n.(*ast.Image); ok && entering {
			found = true
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return found
}

// vagueLinkText are link texts that make no sense read on their own.
var vagueLinkText = map[string]bool{
	"here": true, "click here": true, "click": true, "this": true, "this link": true, "link": true,
	"this page": true, "more": true, "read more": true, "more info": true, "more information": true,
	"learn more": true, "find out more": true, "click this link": true, "go": true, "see here": true,
}

func normalLinkText(s string) string {
	return strings.Trim(strings.ToLower(strings.Join(strings.Fields(s), " ")), ".,:;!?()[]\"'")
}

// placeholderAlt reports alt text that names no content: "image", a file
// name, "IMG_1234".
func placeholderAlt(alt, dest string) bool {
	a := strings.ToLower(alt)
	if placeholderAlts[a] || a == strings.ToLower(path.Base(dest)) {
		return true
	}
	return fileLikeAlt.MatchString(a)
}

var placeholderAlts = map[string]bool{
	"image": true, "img": true, "picture": true, "pic": true, "photo": true, "photograph": true, "graphic": true,
	"icon": true, "screenshot": true, "alt": true, "alt text": true, "untitled": true, "figure": true,
	"placeholder": true, "image of": true, "an image": true, "a picture": true, "todo": true,
}

var fileLikeAlt = regexp.MustCompile(`^(img|image|dsc|dcim|pxl|photo|screenshot|pic)[-_ ]?\d+|\.(png|jpe?g|gif|svg|webp|avif)$`)

// Phone numbers and email addresses as editors type them: UK numbers
// (01709 336080, 0114 273 4855, +44 1709 336080, 0800 1111) and
// name@domain.
var (
	phonePattern = regexp.MustCompile(`(?:\+44\s?(?:\(0\)\s?)?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b`)
	emailPattern = regexp.MustCompile(`\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b`)
)

// contactsInText warns about phone numbers and email addresses typed into
// a page's text: they belong in data/contacts.yaml, kept in one place.
func (c *checker) contactsInText(p *Page, docs []*markdown.Doc) {
	for _, t := range c.texts(p, docs) {
		for _, m := range phonePattern.FindAllString(t.s, -1) {
			c.contactTyped(p, t.line, m)
		}
		for _, m := range emailPattern.FindAllString(t.s, -1) {
			c.contactTyped(p, t.line, m)
		}
	}
	// An address typed alone is made a link (<help@example.org> or, with
	// linkify, help@example.org): it is not in the texts.
	for _, doc := range docs {
		if doc == nil {
			continue
		}
		_ = ast.Walk(doc.Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if a, ok := n.(*ast.AutoLink); ok && entering && a.AutoLinkType == ast.AutoLinkEmail {
				c.contactTyped(p, doc.LineOf(n), string(a.Label(doc.Source)))
			}
			return ast.WalkContinue, nil
		})
	}
}

// contactTyped reports the phone number or email address what, typed into
// p at line.
func (c *checker) contactTyped(p *Page, line int, what string) {
	kind, key := "phone number", digits(what)
	if strings.Contains(what, "@") {
		kind, key = "email address", strings.ToLower(what)
	}
	for _, ct := range c.s.Contacts {
		if key != "" && (digits(ct.Phone) == key || strings.ToLower(ct.Email) == key) {
			c.add(diag.Warning, CheckContactInPage, p.File, line,
				"the %s %s is typed into the page: it is the contact %q in data/contacts.yaml, so link it as [%s](contact:%s), and the page shows the details kept there, changed in one place", kind, what, ct.ID, ct.Service, ct.ID)
			return
		}
	}
	c.add(diag.Warning, CheckContactInPage, p.File, line,
		"the %s %s is typed into the page: add the service to data/contacts.yaml and link it as [Service name](contact:id), so that its details are kept in one place and checked", kind, what)
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	out := b.String()
	if strings.HasPrefix(out, "44") && strings.HasPrefix(strings.TrimSpace(s), "+") {
		out = "0" + strings.TrimPrefix(out, "44")
	}
	return out
}

// rawHTML reports HTML written in a page when raw HTML is off: readers see
// it as text, "<br>" and all.
func (c *checker) rawHTML(p *Page, doc *markdown.Doc) {
	if c.s.Config.Markdown.UnsafeHTML {
		return
	}
	_ = ast.Walk(doc.Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		var html string
		switch n := n.(type) {
		case *ast.RawHTML:
			for i := 0; i < n.Segments.Len(); i++ {
				seg := n.Segments.At(i)
				html += string(seg.Value(doc.Source))
			}
		case *ast.HTMLBlock:
			if n.Lines().Len() > 0 {
				seg := n.Lines().At(0)
				html = strings.TrimSpace(string(seg.Value(doc.Source)))
			}
		default:
			return ast.WalkContinue, nil
		}
		if strings.HasPrefix(html, "<!--") {
			return ast.WalkSkipChildren, nil // a comment is not shown
		}
		if lineBreak.MatchString(html) {
			c.add(diag.Warning, CheckRawHTML, p.File, doc.LineOf(n),
				"%s is shown to readers as the text %q, because HTML is off in pages: for a line break end the line with a backslash (\\), or leave a blank line for a new paragraph", html, html)
		} else {
			c.add(diag.Warning, CheckRawHTML, p.File, doc.LineOf(n),
				"the HTML %s is shown to readers as text, because HTML is off in pages: write it in Markdown instead (see docs/content-model.md)", truncate(html, 40))
		}
		return ast.WalkSkipChildren, nil
	})
}

var lineBreak = regexp.MustCompile(`(?i)^<br\s*/?>$`)

// speller finds common misspellings with misspell's list, taken from
// Wikipedia's lists of common misspellings: words that are always wrong,
// whatever the variety of English.
var speller = sync.OnceValue(func() *misspell.Replacer { return misspell.New() })

// spelling warns about common misspellings in a page's text.
func (c *checker) spelling(p *Page, docs []*markdown.Doc) {
	r := speller()
	seen := map[string]bool{}
	for _, t := range c.texts(p, docs) {
		_, diffs := r.Replace(t.s)
		for _, d := range diffs {
			if seen[d.Original] {
				continue
			}
			seen[d.Original] = true
			c.add(diag.Warning, CheckSpelling, p.File, t.line+d.Line-1,
				"%q is a common misspelling of %q: correct it", d.Original, d.Corrected)
		}
	}
}
