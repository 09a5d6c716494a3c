package render

import (
	"bufio"
	"bytes"
	"html"
	"strings"
	"sync"

	"github.com/rscp/handbook/build/markdown"
	"github.com/rscp/handbook/build/site"
)

// PageText is the text a reader sees on a page, in reading order, with a
// blank line between blocks: its title, summary, typed fields (threshold
// indicators, procedure stages, briefing boxes) and body. Diffs between
// versions and editions compare this text, not the Markdown source.
func PageText(conv *markdown.Converter, p *site.Page) string {
	var blocks []string
	add := func(s ...string) {
		for _, x := range s {
			if x = strings.TrimSpace(x); x != "" {
				blocks = append(blocks, x)
			}
		}
	}
	add(p.Title, p.Summary)
	if t := p.Threshold; t != nil {
		add(t.Label, t.Response, t.LegalBasis)
		for _, d := range site.Domains(t) {
			if len(d.Items) > 0 {
				add(d.Title)
			}
			for _, it := range d.Items {
				add(it.Text)
			}
		}
	}
	if pr := p.Procedure; pr != nil {
		add(pr.Scope)
		for _, st := range pr.Stages {
			add(st.Who, st.Timescale, st.Action)
		}
	}
	add(markedText(renderDoc(conv, p.Body)))
	if b := p.Briefing; b != nil {
		for i, box := range b.Boxes {
			add(box.Heading)
			if i < len(p.BoxBodies) {
				add(markedText(renderDoc(conv, p.BoxBodies[i])))
			}
		}
		add(b.Questions...)
	}
	return strings.Join(blocks, "\n\n")
}

func renderDoc(conv *markdown.Converter, doc *markdown.Doc) string {
	if doc == nil || conv == nil {
		return ""
	}
	h, err := renderMarkdown(conv, doc)
	if err != nil {
		return ""
	}
	return h
}

// mdWriter is a buffered writer for the Markdown renderer, which wraps
// any other writer in a new 4 KB bufio.Writer: pooling one saves that.
type mdWriter struct {
	buf bytes.Buffer
	w   *bufio.Writer
}

var mdWriters = sync.Pool{New: func() any {
	m := &mdWriter{}
	m.w = bufio.NewWriter(&m.buf)
	return m
}}

// renderMarkdown returns the HTML of doc.
func renderMarkdown(conv *markdown.Converter, doc *markdown.Doc) (string, error) {
	m := mdWriters.Get().(*mdWriter)
	defer mdWriters.Put(m)
	m.buf.Reset()
	m.w.Reset(&m.buf)
	if err := conv.Render(m.w, doc); err != nil {
		return "", err
	}
	return m.buf.String(), nil
}

// blockTags end a block of text.
var blockTags = map[string]bool{
	"p": true, "li": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"tr": true, "dt": true, "dd": true, "div": true, "blockquote": true, "pre": true, "table": true,
	"ul": true, "ol": true, "dl": true, "section": true, "br": true, "hr": true, "caption": true,
}

// A diff keeps headings and tables as structure: in the text PageText
// makes, a heading starts with headingMark once per level ("## Scope") and
// a table row is its cells between cellSep ("| 2023 | 145 |"). diffBlock
// reads them back.
const (
	headingMark = "#"
	cellSep     = " | "
)

// htmlText turns the HTML the Markdown renderer writes into plain text:
// tags are dropped, blocks are separated by a blank line, table cells by
// a space, and runs of spaces inside a block become one space. What is
// hidden from screen readers (icons) is left out.
func htmlText(h string) string { return textOf(h, false) }

// markedText is htmlText with headings and table rows marked (see
// headingMark and cellSep).
func markedText(h string) string { return textOf(h, true) }

func textOf(h string, marked bool) string {
	var blocks []string
	var cur strings.Builder
	flush := func() {
		if t := strings.Join(strings.Fields(html.UnescapeString(cur.String())), " "); t != "" {
			blocks = append(blocks, t)
		}
		cur.Reset()
	}
	// Text inside an element with aria-hidden="true" (icons) is not read
	// out, so it is left out; skipName and skip track that element.
	skipName, skip := "", 0
	row := 0 // cells so far in the table row
	for len(h) > 0 {
		lt := strings.IndexByte(h, '<')
		if lt < 0 {
			if skip == 0 {
				cur.WriteString(h)
			}
			break
		}
		if skip == 0 {
			cur.WriteString(h[:lt])
		}
		gt := strings.IndexByte(h[lt:], '>')
		if gt < 0 {
			break
		}
		tag := h[lt+1 : lt+gt]
		h = h[lt+gt+1:]
		closing := strings.HasPrefix(tag, "/")
		selfClosing := strings.HasSuffix(tag, "/")
		name := strings.ToLower(strings.TrimPrefix(tag, "/"))
		if i := strings.IndexAny(name, " \t\n/"); i >= 0 {
			name = name[:i]
		}
		switch {
		case skip > 0:
			if name == skipName && !selfClosing {
				if closing {
					skip--
				} else {
					skip++
				}
			}
			continue
		case !closing && !selfClosing && strings.Contains(tag, `aria-hidden="true"`):
			skipName, skip = name, 1
			continue
		}
		switch {
		case marked && !closing && len(name) == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6':
			flush()
			cur.WriteString(strings.Repeat(headingMark, int(name[1]-'0')) + " ")
		case marked && !closing && name == "tr":
			flush()
			row = 0
			cur.WriteString(strings.TrimLeft(cellSep, " "))
		case marked && closing && name == "tr":
			cur.WriteString(strings.TrimRight(cellSep, " "))
			flush()
		case blockTags[name]:
			flush()
		case marked && !closing && (name == "td" || name == "th"):
			if row > 0 {
				cur.WriteString(cellSep)
			}
			row++
		case name == "td" || name == "th":
			cur.WriteByte(' ')
		}
	}
	flush()
	return strings.Join(blocks, "\n\n")
}
