package markdown

import (
	"html"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// KindAbbr is the kind of an expanded acronym.
var KindAbbr = ast.NewNodeKind("Abbr")

// Abbr is an acronym written out for readers: <abbr title="…"> linking
// to its glossary entry.
type Abbr struct {
	ast.BaseInline
	Acronym string
	Title   string
	Href    string
}

// Kind implements ast.Node.
func (n *Abbr) Kind() ast.NodeKind { return KindAbbr }

// Dump implements ast.Node.
func (n *Abbr) Dump(src []byte, lvl int) {
	ast.DumpHelper(n, src, lvl, map[string]string{"Acronym": n.Acronym}, nil)
}

// Glossary answers whether a word is a known acronym.
type Glossary interface {
	Expand(word string) (title, href string, ok bool)
}

// ExpandAcronyms marks the first use of each glossary acronym in d that is
// not in seen, and adds it to seen. Acronyms in code, links, headings and
// contact names are left alone: there the expansion would get in the way.
func ExpandAcronyms(d *Doc, g Glossary, seen map[string]bool) {
	var texts []*ast.Text
	_ = ast.Walk(d.Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading, *ast.Link, *ast.AutoLink, *ast.Image, *ast.CodeSpan, *ast.CodeBlock,
			*ast.FencedCodeBlock, *ast.HTMLBlock, *ast.RawHTML, *ContactRef, *Abbr:
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			texts = append(texts, n)
		}
		return ast.WalkContinue, nil
	})
	for _, t := range texts {
		expandText(t, d.Source, g, seen)
	}
}

func expandText(t *ast.Text, src []byte, g Glossary, seen map[string]bool) {
	for {
		seg := t.Segment
		value := seg.Value(src)
		start, end, title, href := findAcronym(value, g, seen)
		if start < 0 {
			return
		}
		acronym := string(value[start:end])
		seen[acronym] = true
		parent := t.Parent()
		abbr := &Abbr{Acronym: acronym, Title: title, Href: href}
		abbr.AppendChild(abbr, ast.NewTextSegment(text.NewSegment(seg.Start+start, seg.Start+end)))
		after := ast.NewTextSegment(text.NewSegment(seg.Start+end, seg.Stop))
		after.SetSoftLineBreak(t.SoftLineBreak())
		after.SetHardLineBreak(t.HardLineBreak())
		after.SetRaw(t.IsRaw())
		t.Segment = text.NewSegment(seg.Start, seg.Start+start)
		t.SetSoftLineBreak(false)
		t.SetHardLineBreak(false)
		parent.InsertAfter(parent, t, abbr)
		parent.InsertAfter(parent, abbr, after)
		t = after
	}
}

// findAcronym finds the first whole word of value that the glossary knows
// and that has not been expanded yet.
func findAcronym(value []byte, g Glossary, seen map[string]bool) (start, end int, title, href string) {
	isWord := func(b byte) bool {
		return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9'
	}
	for i := 0; i < len(value); {
		if !isWord(value[i]) {
			i++
			continue
		}
		j := i
		for j < len(value) && isWord(value[j]) {
			j++
		}
		// Most words are not acronyms: test the bytes before making a string.
		if w := value[i:j]; hasUpper(w) && !seen[string(w)] {
			if title, href, ok := g.Expand(string(w)); ok {
				return i, j, title, href
			}
		}
		i = j
	}
	return -1, -1, "", ""
}

// hasUpper reports whether w has at least two upper-case ASCII letters.
func hasUpper(w []byte) bool {
	n := 0
	for i := 0; i < len(w); i++ {
		if w[i] >= 'A' && w[i] <= 'Z' {
			n++
		}
	}
	return n >= 2
}

func (r *nodeRenderer) abbr(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	a := n.(*Abbr)
	if entering {
		if a.Href != "" {
			_, _ = w.WriteString(`<a class="hb-abbr" href="` + html.EscapeString(a.Href) + `">`)
		}
		_, _ = w.WriteString(`<abbr title="` + html.EscapeString(a.Title) + `">`)
	} else {
		_, _ = w.WriteString(`</abbr>`)
		if a.Href != "" {
			_, _ = w.WriteString(`</a>`)
		}
	}
	return ast.WalkContinue, nil
}

var _ renderer.NodeRenderer = (*nodeRenderer)(nil)
