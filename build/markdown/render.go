package markdown

import (
	"bytes"
	_ "embed"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// codeStyle is the chroma style of highlighted code. Its stylesheet is
// made once, when chroma is upgraded (go test ./build/markdown -run
// TestCodeCSS -update), and kept in chroma.css: chroma's styles package
// parses every style it has when a program starts, which was a quarter of
// handbook's start-up time.
const codeStyle = "github"

//go:embed chroma.css
var codeCSS []byte

// codeFormatter is built once: class names, never inline styles, so code
// blocks work under a strict Content-Security-Policy.
var codeFormatter = chromahtml.New(chromahtml.WithClasses(true), chromahtml.PreventSurroundingPre(true))

// classesOnly is the style handed to codeFormatter. With class names the
// formatter writes the same markup for any style: the colours are all in
// the stylesheet.
var classesOnly = chroma.MustNewStyle("handbook-classes", chroma.StyleEntries{})

// WriteCodeCSS writes the stylesheet for highlighted code.
func WriteCodeCSS(w io.Writer) error {
	_, err := w.Write(codeCSS)
	return err
}

type nodeRenderer struct {
	unsafe bool
}

func (r *nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindCallout, r.callout)
	reg.Register(KindContactRef, r.contactRef)
	reg.Register(KindContactCard, r.contactCard)
	reg.Register(KindTableWrap, r.tableWrap)
	reg.Register(KindAbbr, r.abbr)
	reg.Register(ast.KindFencedCodeBlock, r.code)
	reg.Register(ast.KindCodeBlock, r.code)
	if !r.unsafe {
		reg.Register(ast.KindHTMLBlock, r.escapedHTMLBlock)
		reg.Register(ast.KindRawHTML, r.escapedRawHTML)
	}
}

func (r *nodeRenderer) callout(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	c := n.(*Callout)
	switch c.Style {
	case CalloutWarning:
		if entering {
			_, _ = w.WriteString(`<div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span><div class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span>` + "\n")
		} else {
			_, _ = w.WriteString("</div></div>\n")
		}
	default:
		if entering {
			_, _ = w.WriteString(`<div class="govuk-inset-text">` + "\n")
		} else {
			_, _ = w.WriteString("</div>\n")
		}
	}
	return ast.WalkContinue, nil
}

func (r *nodeRenderer) contactRef(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	c := n.(*ContactRef)
	if c.Card {
		return ast.WalkSkipChildren, nil // the card draws it
	}
	if entering {
		fmt.Fprintf(w, `<a href="%s">`, html.EscapeString(c.Info.URL))
		if c.FirstChild() == nil {
			_, _ = w.WriteString(html.EscapeString(c.Info.Service))
		}
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`</a> (<span class="hb-contact-inline">`)
	writePhone(w, c.Info.Phone)
	_, _ = w.WriteString(`</span>)`)
	return ast.WalkContinue, nil
}

func (r *nodeRenderer) contactCard(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	ref, ok := n.FirstChild().(*ContactRef)
	if !ok {
		return ast.WalkSkipChildren, nil
	}
	WriteContactCard(w, ref.Info)
	return ast.WalkSkipChildren, nil
}

// WriteContactCard writes the card that shows a contact in full. The
// contacts page uses it too, so a number looks the same everywhere.
func WriteContactCard(w io.StringWriter, c ContactInfo) {
	e := html.EscapeString
	_, _ = w.WriteString(`<div class="hb-contact-card"><p class="govuk-body govuk-!-font-weight-bold hb-contact-card__title">`)
	if c.URL != "" {
		_, _ = w.WriteString(`<a class="govuk-link" href="` + e(c.URL) + `">` + e(c.Service) + `</a>`)
	} else {
		_, _ = w.WriteString(e(c.Service))
	}
	_, _ = w.WriteString(`</p><dl class="govuk-summary-list govuk-summary-list--no-border">`)
	row := func(key string, value func()) {
		_, _ = w.WriteString(`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">` + key + `</dt><dd class="govuk-summary-list__value">`)
		value()
		_, _ = w.WriteString(`</dd></div>`)
	}
	row("Phone", func() { writePhone(w, c.Phone) })
	if strings.TrimSpace(c.Phone) == "" {
		// A card without a number still gives a reader a way to act now.
		row("Until then", func() {
			_, _ = w.WriteString(`In an emergency, call <a class="govuk-link" href="tel:999">999</a>. To reach the police when it is not an emergency, call <a class="govuk-link" href="tel:101">101</a>.`)
		})
	}
	if c.Email != "" {
		row("Email", func() {
			_, _ = w.WriteString(`<a class="govuk-link" href="mailto:` + e(c.Email) + `">` + e(c.Email) + `</a>`)
		})
	}
	if c.Website != "" {
		row("Website", func() {
			_, _ = w.WriteString(`<a class="govuk-link" href="` + e(c.Website) + `">` + e(c.Website) + `</a>`)
		})
	}
	if c.Hours != "" {
		row("Hours", func() { _, _ = w.WriteString(e(c.Hours)) })
	}
	if c.OutOfHours != "" {
		row("Out of hours", func() { _, _ = w.WriteString(e(c.OutOfHours)) })
	}
	_, _ = w.WriteString(`</dl></div>` + "\n")
}

// writePhone writes a tappable number, or says plainly that it is unknown:
// a number is never guessed.
func writePhone(w io.StringWriter, phone string) {
	if strings.TrimSpace(phone) == "" {
		_, _ = w.WriteString(`<strong class="hb-tbc">Number to be confirmed</strong>`)
		return
	}
	tel := strings.Map(func(r rune) rune {
		if (r >= '0' && r <= '9') || r == '+' {
			return r
		}
		return -1
	}, phone)
	_, _ = w.WriteString(`<a class="govuk-link" href="tel:` + tel + `">` + html.EscapeString(phone) + `</a>`)
}

func (r *nodeRenderer) tableWrap(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		fmt.Fprintf(w, `<div class="hb-table-wrap" role="region" aria-label="%s" tabindex="0">`+"\n", html.EscapeString(n.(*TableWrap).Label))
	} else {
		_, _ = w.WriteString("</div>\n")
	}
	return ast.WalkContinue, nil
}

func (r *nodeRenderer) code(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	buf := blockText(n, src)
	lang := ""
	if f, ok := n.(*ast.FencedCodeBlock); ok {
		lang = string(f.Language(src))
	}
	_, _ = w.WriteString(`<div class="hb-code" role="region" aria-label="Code" tabindex="0"><pre class="chroma"><code>`)
	var lexer chroma.Lexer
	if lang != "" {
		lexer = lexers.Get(lang)
	}
	if lexer != nil {
		it, err := chroma.Coalesce(lexer).Tokenise(nil, buf.String())
		if err == nil {
			if err := codeFormatter.Format(w, classesOnly, it); err == nil {
				_, _ = w.WriteString("</code></pre></div>\n")
				return ast.WalkSkipChildren, nil
			}
		}
	}
	_, _ = w.WriteString(html.EscapeString(buf.String()))
	_, _ = w.WriteString("</code></pre></div>\n")
	return ast.WalkSkipChildren, nil
}

// Raw HTML is shown as text when it is not allowed, so the editor sees what
// they typed rather than losing it silently.
func (r *nodeRenderer) escapedHTMLBlock(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	buf := blockText(n, src)
	if b, ok := n.(*ast.HTMLBlock); ok && b.HasClosure() {
		buf.Write(b.ClosureLine.Value(src))
	}
	_, _ = w.WriteString(`<p class="hb-raw-html">` + html.EscapeString(strings.TrimRight(buf.String(), "\n")) + "</p>\n")
	return ast.WalkSkipChildren, nil
}

func (r *nodeRenderer) escapedRawHTML(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	raw := n.(*ast.RawHTML)
	for i := 0; i < raw.Segments.Len(); i++ {
		seg := raw.Segments.At(i)
		_, _ = w.WriteString(html.EscapeString(string(seg.Value(src))))
	}
	return ast.WalkSkipChildren, nil
}

// blockText is the source of a block's lines, as written.
func blockText(n ast.Node, src []byte) *bytes.Buffer {
	var buf bytes.Buffer
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		buf.Write(seg.Value(src))
	}
	return &buf
}
