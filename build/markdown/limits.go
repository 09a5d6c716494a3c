package markdown

import (
	"bytes"
	"fmt"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Limits on Markdown that goldmark reads in time that grows faster than the
// page: past them a page is refused with a Problem instead of taking
// seconds or minutes to build. Real pages stay far below them.
const (
	// MaxLinkDefinitions is how many link reference definitions
	// ("[label]: address") one page may hold.
	MaxLinkDefinitions = 1000
	// MaxDefinitionParagraphLines is how long a paragraph that starts
	// with "[" may run without a blank line: goldmark's work on the
	// definitions at its start grows with definitions × lines.
	MaxDefinitionParagraphLines = 10000
	// MaxBracketWork bounds goldmark's work on square brackets (links)
	// in a page: the sum over its paragraphs of "[" × (lines + "["). A
	// paragraph of 40 lines with 20 links counts 1,200.
	MaxBracketWork = 50_000_000
	// MaxFootnotes is how many footnotes ("[^label]: text") one page may hold.
	MaxFootnotes = 1000
	// MaxFootnoteRefs is how many footnote references ("[^label]") one
	// page may hold: goldmark looks each one up among all the footnotes.
	MaxFootnoteRefs = 5000
)

// Problem is something in a page body that stops the build.
type Problem struct {
	Line    int // line of the file
	Message string
}

// parseState is what one parse of a page keeps: heading ids, counts held
// against the limits, and the problems found.
type parseState struct {
	ids          *ids
	linkDefs     int
	bracketWork  int
	footnotes    int
	footnoteRefs int
	refused      map[string]bool // limits already reported, each once
	problems     []problem
}

type problem struct {
	offset  int // byte offset in the body
	message string
}

var stateKey = parser.NewContextKey()

// stateOf returns the state of the parse that pc belongs to.
func stateOf(pc parser.Context) *parseState {
	if st, ok := pc.Get(stateKey).(*parseState); ok {
		return st
	}
	st := &parseState{ids: newIDs(nil)}
	pc.Set(stateKey, st)
	return st
}

func (st *parseState) problem(offset int, message string) {
	st.problems = append(st.problems, problem{offset, message})
}

// refuse reports that the page is over limit, once however often it is hit.
func (st *parseState) refuse(limit string, offset int, message string) {
	if st.refused[limit] {
		return
	}
	if st.refused == nil {
		st.refused = make(map[string]bool)
	}
	st.refused[limit] = true
	st.problem(offset, message)
}

// paragraphLimits reads paragraphs with goldmark's own transformer for
// link reference definitions, within the limits. A paragraph over a limit
// is left out, so that the parse that follows stays short: the page is
// refused anyway.
type paragraphLimits struct {
	parser.ParagraphTransformer
}

func (t paragraphLimits) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	lines := node.Lines()
	if lines.Len() == 0 {
		return
	}
	src := reader.Source()
	st := stateOf(pc)
	at := lines.At(0).Start
	// A paragraph holds definitions only at its start.
	definitions := startsWithBracket(lineValue(lines, 0, src))
	tooMany := fmt.Sprintf("more than %d link reference definitions ([label]: address) on one page: write the links inline as [text](address), or split the page", MaxLinkDefinitions)
	open := st.addBrackets(lines, src)
	overBrackets := st.bracketWork > MaxBracketWork
	tooLong := definitions && lines.Len() > MaxDefinitionParagraphLines
	if overBrackets || tooLong || definitions && st.refused["link definitions"] {
		// Say which limit the editor meets first.
		switch {
		case definitions && st.linkDefs+definitionLines(lines, src) > MaxLinkDefinitions:
			st.refuse("link definitions", at, tooMany)
		case overBrackets:
			st.refuse("brackets", at, fmt.Sprintf("too many square brackets in long paragraphs: this paragraph has %d \"[\" in %s, which takes the page past its limit: put blank lines between paragraphs, or split the page", open, countOf(lines.Len(), "line")))
		case tooLong:
			st.refuse("definition paragraph", at, fmt.Sprintf("this paragraph starts with \"[\" and runs for %d lines without a blank line, more than the limit of %d: put a blank line after the link definitions and between paragraphs", lines.Len(), MaxDefinitionParagraphLines))
		}
		leaveOut(node)
		return
	}
	if !definitions {
		t.ParagraphTransformer.Transform(node, reader, pc)
		return
	}
	parent, prev, next := node.Parent(), node.PreviousSibling(), node.NextSibling()
	t.ParagraphTransformer.Transform(node, reader, pc)
	first := parent.FirstChild()
	if prev != nil {
		first = prev.NextSibling()
	}
	for n := first; n != nil && n != next && n.Kind() == ast.KindLinkReferenceDefinition; n = n.NextSibling() {
		st.linkDefs++
	}
	if st.linkDefs > MaxLinkDefinitions {
		st.refuse("link definitions", at, tooMany)
	}
}

// addBrackets adds the paragraph's share to the page's bracket work and
// returns how many "[" it holds. goldmark rereads the paragraph's lines
// for each "]" and matches each "[" against those still open, so its work
// grows as "[" × (lines + "[").
func (st *parseState) addBrackets(lines *text.Segments, src []byte) int {
	open := 0
	for i := range lines.Len() {
		open += bytes.Count(lineValue(lines, i, src), []byte("["))
	}
	st.bracketWork += open * (lines.Len() + open)
	return open
}

// definitionLines counts the lines that look like "[label]: address".
func definitionLines(lines *text.Segments, src []byte) int {
	n := 0
	for i := range lines.Len() {
		if line := lineValue(lines, i, src); startsWithBracket(line) && bytes.Contains(line, []byte("]:")) {
			n++
		}
	}
	return n
}

// leaveOut removes a paragraph from the page, as goldmark does with one
// that held only link definitions.
func leaveOut(node *ast.Paragraph) {
	node.SetLines(text.NewSegments())
	if parent := node.Parent(); parent != nil {
		parent.RemoveChild(parent, node)
	}
}

func lineValue(lines *text.Segments, i int, src []byte) []byte {
	seg := lines.At(i)
	return seg.Value(src)
}

func startsWithBracket(line []byte) bool {
	line = bytes.TrimLeft(line, " \t")
	return len(line) > 0 && line[0] == '['
}

// footnotes is goldmark's footnote extension, its parsers held to the
// limits: goldmark looks up each reference among all footnotes and sorts
// them by insertion, both in time that grows as the square of the count.
type footnotes struct{}

func (footnotes) Extend(m goldmark.Markdown) {
	// The priorities are those extension.Footnote uses.
	m.Parser().AddOptions(
		parser.WithBlockParsers(util.Prioritized(footnoteDefinitions{extension.NewFootnoteBlockParser()}, 999)),
		parser.WithInlineParsers(util.Prioritized(footnoteReferences{extension.NewFootnoteParser()}, 101)),
		parser.WithASTTransformers(util.Prioritized(extension.NewFootnoteASTTransformer(), 999)),
	)
	m.Renderer().AddOptions(renderer.WithNodeRenderers(
		util.Prioritized(extension.NewFootnoteHTMLRenderer(), 500),
	))
}

type footnoteDefinitions struct {
	parser.BlockParser
}

func (p footnoteDefinitions) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	st := stateOf(pc)
	if st.footnotes >= MaxFootnotes {
		line, seg := reader.PeekLine()
		if pos := pc.BlockOffset(); pos >= 0 && pos < len(line) && bytes.HasPrefix(line[pos:], []byte("[^")) {
			st.refuse("footnotes", seg.Start, fmt.Sprintf("more than %d footnotes ([^label]: text) on one page: split the page", MaxFootnotes))
		}
		return nil, parser.NoChildren
	}
	n, state := p.BlockParser.Open(parent, reader, pc)
	if n != nil {
		st.footnotes++
	}
	return n, state
}

type footnoteReferences struct {
	parser.InlineParser
}

func (p footnoteReferences) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	if !bytes.HasPrefix(line, []byte("[^")) && !bytes.HasPrefix(line, []byte("![^")) {
		return nil
	}
	// Counted whether or not a footnote matches: the lookup costs the same.
	st := stateOf(pc)
	if st.footnoteRefs++; st.footnoteRefs > MaxFootnoteRefs {
		st.refuse("footnote references", seg.Start, fmt.Sprintf("more than %d footnote references ([^label]) on one page: split the page", MaxFootnoteRefs))
		return nil
	}
	return p.InlineParser.Parse(parent, block, pc)
}

func countOf(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
