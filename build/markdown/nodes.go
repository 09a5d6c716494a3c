package markdown

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"golang.org/x/text/unicode/norm"
)

// Node kinds added by the project.
var (
	KindCallout     = ast.NewNodeKind("Callout")
	KindContactRef  = ast.NewNodeKind("ContactRef")
	KindContactCard = ast.NewNodeKind("ContactCard")
	KindTableWrap   = ast.NewNodeKind("TableWrap")
)

// CalloutKind is the style of a callout block.
type CalloutKind string

const (
	CalloutWarning CalloutKind = "warning"
	CalloutInset   CalloutKind = "inset"
)

// calloutMarkers maps GitHub's alert markers to callouts, so that a callout
// looks right in a pull request preview too.
var calloutMarkers = map[string]CalloutKind{
	"[!WARNING]":   CalloutWarning,
	"[!CAUTION]":   CalloutWarning,
	"[!IMPORTANT]": CalloutWarning,
	"[!INSET]":     CalloutInset,
	"[!NOTE]":      CalloutInset,
	"[!TIP]":       CalloutInset,
}

// Callout is a block of warning or inset text.
type Callout struct {
	ast.BaseBlock
	Style CalloutKind
}

// Kind implements ast.Node.
func (n *Callout) Kind() ast.NodeKind { return KindCallout }

// Dump implements ast.Node.
func (n *Callout) Dump(src []byte, lvl int) {
	ast.DumpHelper(n, src, lvl, map[string]string{"Style": string(n.Style)}, nil)
}

// ContactInfo is what a page shows of a contact; the site model fills it in
// from data/contacts.yaml.
type ContactInfo struct {
	Service    string
	Phone      string
	Email      string
	Hours      string
	OutOfHours string
	URL        string // the contact's entry on the contacts page; "" on that page itself
	Website    string // the service's own web site
}

// ContactRef is a link such as [MASH](contact:mash).
type ContactRef struct {
	ast.BaseInline
	ID   string
	Card bool
	Line int
	Info ContactInfo
}

// Kind implements ast.Node.
func (n *ContactRef) Kind() ast.NodeKind { return KindContactRef }

// Dump implements ast.Node.
func (n *ContactRef) Dump(src []byte, lvl int) {
	ast.DumpHelper(n, src, lvl, map[string]string{"ID": n.ID}, nil)
}

// ContactCard is a paragraph that holds only a contact link: it renders as a card.
type ContactCard struct {
	ast.BaseBlock
}

// Kind implements ast.Node.
func (n *ContactCard) Kind() ast.NodeKind { return KindContactCard }

// Dump implements ast.Node.
func (n *ContactCard) Dump(src []byte, lvl int) { ast.DumpHelper(n, src, lvl, nil, nil) }

// TableWrap lets a wide table scroll inside its own box on a phone.
type TableWrap struct {
	ast.BaseBlock
	Label string
}

// Kind implements ast.Node.
func (n *TableWrap) Kind() ast.NodeKind { return KindTableWrap }

// Dump implements ast.Node.
func (n *TableWrap) Dump(src []byte, lvl int) { ast.DumpHelper(n, src, lvl, nil, nil) }

// transformer rewrites the parsed AST: heading ids, callouts, contact
// links, table wrappers.
type transformer struct{}

func (t *transformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	var quotes, tables []ast.Node
	var headings []*ast.Heading
	var links []*ast.Link
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			headings = append(headings, n)
		case *ast.Blockquote:
			quotes = append(quotes, n)
		case *east.Table:
			tables = append(tables, n)
		case *ast.Link:
			if bytes.HasPrefix(n.Destination, []byte("contact:")) {
				links = append(links, n)
			}
		case *ast.CodeSpan, *ast.CodeBlock, *ast.FencedCodeBlock:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	stateOf(pc).setHeadingIDs(headings, src)
	for _, q := range quotes {
		toCallout(q, src)
	}
	for _, tbl := range tables {
		wrap := &TableWrap{Label: tableLabel(tbl, src)}
		parent := tbl.Parent()
		parent.ReplaceChild(parent, tbl, wrap)
		wrap.AppendChild(wrap, tbl)
	}
	for _, l := range links {
		toContactRef(l)
	}
}

// toCallout turns "> [!WARNING]" blockquotes into callouts.
func toCallout(q ast.Node, src []byte) {
	para, ok := q.FirstChild().(*ast.Paragraph)
	if !ok || para.Lines().Len() == 0 {
		return
	}
	first := para.Lines().At(0)
	marker := strings.ToUpper(string(bytes.TrimSpace(first.Value(src))))
	kind, ok := calloutMarkers[marker]
	if !ok {
		return
	}
	// Drop the marker line's inline nodes; keep the rest of the paragraph.
	for c := para.FirstChild(); c != nil; {
		next := c.NextSibling()
		off, has := firstOffset(c)
		if !has || off >= first.Stop {
			break
		}
		para.RemoveChild(para, c)
		c = next
	}
	if para.FirstChild() == nil {
		q.RemoveChild(q, para)
	} else {
		lines := text.NewSegments()
		for i := 1; i < para.Lines().Len(); i++ {
			lines.Append(para.Lines().At(i))
		}
		para.SetLines(lines)
	}
	callout := &Callout{Style: kind}
	for c := q.FirstChild(); c != nil; {
		next := c.NextSibling()
		callout.AppendChild(callout, c)
		c = next
	}
	parent := q.Parent()
	parent.ReplaceChild(parent, q, callout)
}

func toContactRef(l *ast.Link) {
	ref := &ContactRef{ID: strings.TrimPrefix(string(l.Destination), "contact:")}
	for c := l.FirstChild(); c != nil; {
		next := c.NextSibling()
		ref.AppendChild(ref, c)
		c = next
	}
	parent := l.Parent()
	parent.ReplaceChild(parent, l, ref)
	// A paragraph holding only the contact link becomes a contact card.
	if p, ok := parent.(*ast.Paragraph); ok && p.ChildCount() == 1 {
		ref.Card = true
		card := &ContactCard{}
		card.SetLines(p.Lines())
		gp := p.Parent()
		gp.ReplaceChild(gp, p, card)
		card.AppendChild(card, ref)
	}
}

func tableLabel(tbl ast.Node, src []byte) string {
	head := tbl.FirstChild()
	if head == nil {
		return "Table"
	}
	var cells []string
	for c := head.FirstChild(); c != nil; c = c.NextSibling() {
		if t := PlainText(c, src); t != "" {
			cells = append(cells, t)
		}
	}
	if len(cells) == 0 {
		return "Table"
	}
	return "Table: " + strings.Join(cells, ", ")
}

// Slug makes an anchor from heading text the way headings get their ids.
func Slug(value string) string {
	return string(appendSlug(make([]byte, 0, len(value)), value))
}

// AppendSlug appends Slug(value) to b.
func AppendSlug(b []byte, value string) []byte { return appendSlug(b, value) }

// appendSlug appends the slug of value to b. Each rune is lower-cased on
// its own, which is what strings.ToLower does, without a lower-case copy.
func appendSlug[T string | []byte](b []byte, value T) []byte {
	start := len(b)
	dash := false
	for _, r := range string(value) {
		r = unicode.ToLower(r)
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && len(b) > start {
				b = append(b, '-')
			}
			dash = false
			b = append(b, byte(r))
		case r == ' ' || r == '-' || r == '_' || r == '\t' || r == '/' || r == '.':
			dash = true
		case r >= utf8.RuneSelf:
			if latin := asciiOf(r); latin != "" {
				if dash && len(b) > start {
					b = append(b, '-')
				}
				dash = false
				b = append(b, latin...)
			}
		}
	}
	return b
}

// asciiOf spells a lower-case letter with an accent or ligature in plain
// letters, so that "Équipe" gives "equipe" rather than losing the letter:
// the accents are split off (NFD) and dropped. "" when r has no such
// spelling.
func asciiOf(r rune) string {
	if s, ok := ligatures[r]; ok {
		return s
	}
	var out []byte
	for _, c := range norm.NFD.String(string(r)) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			out = append(out, byte(c))
		}
	}
	return string(out)
}

// ligatures are the letters that do not decompose into a plain letter and
// an accent.
var ligatures = map[rune]string{'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d", 'ð': "d", 'þ': "th", 'ı': "i"}
