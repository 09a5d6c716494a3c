// Package markdown sets up goldmark once with the project's extensions and
// turns a page body into an AST that the site model can inspect and amend
// (links resolved, contacts filled in) before it is rendered to HTML.
package markdown

import (
	"bytes"
	"io"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Options configure the converter. They come from handbook.yaml.
type Options struct {
	// UnsafeHTML lets raw HTML in Markdown through. Off by default: raw HTML
	// is shown to the reader as text, so nothing an editor typed is lost.
	UnsafeHTML bool
	// ReservedIDs are element ids the page templates use; headings never take them.
	ReservedIDs []string
}

// Converter parses and renders Markdown. It is safe for concurrent use.
type Converter struct {
	md       goldmark.Markdown
	reserved []string
}

// New builds the converter once with every extension the site uses.
func New(opts Options) *Converter {
	rendererOpts := []renderer.Option{
		renderer.WithNodeRenderers(
			util.Prioritized(&nodeRenderer{unsafe: opts.UnsafeHTML}, 100),
		),
	}
	htmlOpts := []renderer.Option{html.WithXHTML()}
	if opts.UnsafeHTML {
		htmlOpts = append(htmlOpts, html.WithUnsafe())
	}
	md := goldmark.New(
		// goldmark's own parsers, with link reference definitions read
		// within the limits (see limits.go).
		goldmark.WithParser(parser.NewParser(
			parser.WithBlockParsers(parser.DefaultBlockParsers()...),
			parser.WithInlineParsers(parser.DefaultInlineParsers()...),
			parser.WithParagraphTransformers(util.Prioritized(paragraphLimits{parser.LinkReferenceParagraphTransformer}, 100)),
		)),
		goldmark.WithExtensions(
			// GitHub Flavored Markdown, with table alignment as attributes:
			// goldmark's default style="" would be blocked by the CSP.
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.Linkify,
			extension.TaskList,
			footnotes{},
			extension.DefinitionList,
			extension.Typographer,
		),
		goldmark.WithParserOptions(
			// Heading ids are given by the transformer, which checks
			// the attributes first (headings.go).
			parser.WithAttribute(),
			parser.WithASTTransformers(
				util.Prioritized(&transformer{}, 100),
			),
		),
		goldmark.WithRendererOptions(append(htmlOpts, rendererOpts...)...),
	)
	return &Converter{md: md, reserved: opts.ReservedIDs}
}

// Doc is a parsed page body.
type Doc struct {
	Source   []byte
	Root     ast.Node
	Headings []Heading
	Links    []Link
	Contacts []*ContactRef
	// Problems stop the build: attributes that are not allowed, limits passed.
	Problems []Problem
	// LineOffset is the number of file lines before the body (front matter),
	// so that line numbers refer to the file the editor opens.
	LineOffset int
	lineStarts []int
}

// Heading is a heading of the page with its anchor.
type Heading struct {
	Level int
	ID    string
	Text  string
	Line  int
}

// Link is a link or image in the page body.
type Link struct {
	Node  ast.Node // *ast.Link, *ast.Image or *ast.AutoLink
	Dest  string
	Line  int
	Image bool
	Alt   string // text of an image's alt attribute
}

// SetDest changes where the link points (for resolved relative links).
func (l Link) SetDest(dest string) {
	switch n := l.Node.(type) {
	case *ast.Link:
		n.Destination = []byte(dest)
	case *ast.Image:
		n.Destination = []byte(dest)
	}
}

// Parse parses body, whose first line is line lineOffset+1 of its file.
func (c *Converter) Parse(body []byte, lineOffset int) *Doc {
	st := &parseState{ids: newIDs(c.reserved)}
	ctx := parser.NewContext()
	ctx.Set(stateKey, st)
	root := c.md.Parser().Parse(text.NewReader(body), parser.WithContext(ctx))
	d := &Doc{Source: body, Root: root, LineOffset: lineOffset}
	d.indexLines()
	for _, p := range st.problems {
		d.Problems = append(d.Problems, Problem{Line: d.lineAt(p.offset), Message: p.message})
	}
	// Most links are written [text](dest): room for as many, so that the
	// list is not grown and copied as the walk finds them.
	if n := bytes.Count(body, []byte("](")); n > 0 {
		d.Links = make([]Link, 0, n)
	}
	// Likewise for ATX headings, which start a line with #.
	if n := bytes.Count(body, []byte("\n#")); n > 0 {
		d.Headings = make([]Heading, 0, n+1)
	}
	d.collect()
	if len(d.Links) == 0 {
		d.Links = nil // as when the walk finds none
	}
	if len(d.Headings) == 0 {
		d.Headings = nil
	}
	return d
}

// Render writes the HTML of d.
func (c *Converter) Render(w io.Writer, d *Doc) error {
	return c.md.Renderer().Render(w, d.Source, d.Root)
}

func (d *Doc) indexLines() {
	if d.lineStarts == nil {
		d.lineStarts = make([]int, 0, bytes.Count(d.Source, []byte("\n"))+1)
	}
	d.lineStarts = append(d.lineStarts[:0], 0)
	for i := 0; ; {
		n := bytes.IndexByte(d.Source[i:], '\n')
		if n < 0 {
			break
		}
		i += n + 1
		d.lineStarts = append(d.lineStarts, i)
	}
}

// lineAt converts a byte offset in the body to a line of the file.
func (d *Doc) lineAt(offset int) int {
	lo, hi := 0, len(d.lineStarts)
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if d.lineStarts[mid] <= offset {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + 1 + d.LineOffset
}

// LineOf returns the file line where n starts, as near as the AST allows:
// inline nodes carry no position, so the first text inside them is used, and
// failing that the enclosing block.
func (d *Doc) LineOf(n ast.Node) int {
	if off, ok := firstOffset(n); ok {
		return d.lineAt(off)
	}
	if off, ok := d.destinationOffset(n); ok {
		return d.lineAt(off)
	}
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Type() == ast.TypeBlock && p.Lines().Len() > 0 {
			return d.lineAt(p.Lines().At(0).Start)
		}
		if off, ok := firstOffset(p); ok {
			return d.lineAt(off)
		}
	}
	return d.LineOffset + 1
}

// destinationOffset finds an empty link or image ("![](a.png)") by looking
// for its destination in the source of the block that holds it.
func (d *Doc) destinationOffset(n ast.Node) (int, bool) {
	var dest []byte
	switch n := n.(type) {
	case *ast.Link:
		dest = n.Destination
	case *ast.Image:
		dest = n.Destination
	default:
		return 0, false
	}
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Type() != ast.TypeBlock || p.Lines().Len() == 0 {
			continue
		}
		lines := p.Lines()
		start, stop := lines.At(0).Start, lines.At(lines.Len()-1).Stop
		if i := bytes.Index(d.Source[start:stop], append([]byte("]("), dest...)); i >= 0 {
			return start + i, true
		}
		return 0, false
	}
	return 0, false
}

func firstOffset(n ast.Node) (int, bool) {
	if t, ok := n.(*ast.Text); ok {
		return t.Segment.Start, true
	}
	if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
		return n.Lines().At(0).Start, true
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if off, ok := firstOffset(c); ok {
			return off, true
		}
	}
	return 0, false
}

func (d *Doc) collect() {
	_ = ast.Walk(d.Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			id, _ := n.AttributeString("id")
			idStr, _ := id.([]byte)
			d.Headings = append(d.Headings, Heading{
				Level: n.Level, ID: string(idStr), Text: PlainText(n, d.Source), Line: d.LineOf(n),
			})
		case *ast.Link:
			d.Links = append(d.Links, Link{Node: n, Dest: string(n.Destination), Line: d.LineOf(n)})
		case *ast.Image:
			d.Links = append(d.Links, Link{Node: n, Dest: string(n.Destination), Line: d.LineOf(n), Image: true, Alt: PlainText(n, d.Source)})
		case *ContactRef:
			n.Line = d.LineOf(n)
			d.Contacts = append(d.Contacts, n)
		}
		return ast.WalkContinue, nil
	})
}

// PlainText returns the text of n and its descendants, with block
// boundaries as newlines. It is what readers see, without markup: entity
// references and backslash escapes are resolved ("&amp;" is "&", the
// typographer's "&rsquo;" is "’"), so that callers escape it once.
func PlainText(n ast.Node, src []byte) string {
	return strings.TrimSpace(string(AppendPlain(nil, n, src)))
}

// appendText appends text as the HTML renderer shows it: unless raw (code
// spans), with backslash escapes and character references resolved.
func appendText(b, text []byte, raw bool) []byte {
	if raw || bytes.IndexByte(text, '&') < 0 && bytes.IndexByte(text, '\\') < 0 {
		return append(b, text...)
	}
	text = util.UnescapePunctuations(text)
	text = util.ResolveNumericReferences(text)
	return append(b, util.ResolveEntityNames(text)...)
}

// AppendPlain appends the text of n and its descendants to b, as
// PlainText gives it but untrimmed, so that callers can reuse a buffer
// (the search index writes every block of every page).
func AppendPlain(b []byte, n ast.Node, src []byte) []byte {
	switch n := n.(type) {
	case *ast.Text:
		b = appendText(b, n.Segment.Value(src), n.IsRaw())
		if n.SoftLineBreak() || n.HardLineBreak() {
			b = append(b, ' ')
		}
		return b
	case *ast.String:
		if n.IsCode() {
			// HTML the renderer writes as it is: the typographer's
			// entities ("&rsquo;", "&ndash;").
			return append(b, util.ResolveEntityNames(n.Value)...)
		}
		return appendText(b, n.Value, n.IsRaw())
	case *ast.CodeBlock, *ast.FencedCodeBlock, *ast.HTMLBlock:
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			b = append(b, seg.Value(src)...)
		}
		return append(b, '\n')
	case *ast.RawHTML:
		for i := 0; i < n.Segments.Len(); i++ {
			seg := n.Segments.At(i)
			b = append(b, seg.Value(src)...)
		}
		return b
	case *ast.AutoLink:
		return append(b, n.URL(src)...)
	case *ContactRef:
		if n.FirstChild() == nil {
			b = append(b, n.Info.Service...)
		}
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		b = AppendPlain(b, c, src)
	}
	if n.Type() == ast.TypeBlock {
		b = append(b, '\n')
	}
	return b
}
