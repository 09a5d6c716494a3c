package search

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	snippetLen    = 220       // bytes of text around the best match
	snippetLead   = 60        // bytes of context before the first match
	maxSnippetSrc = 128 << 10 // only the first 128 KB of a body is scanned
)

type span struct{ start, end int }

// snippet returns an HTML-safe excerpt of body around the densest cluster of
// matches, with each match wrapped in <mark>. Without a match in the body it
// falls back to the summary, then to the start of the body.
func (ix *Index) snippet(body, summary string, p *plan) string {
	if len(body) > maxSnippetSrc {
		cut := maxSnippetSrc
		for cut > 0 && !utf8.RuneStart(body[cut]) {
			cut--
		}
		body = body[:cut]
	}
	marks := ix.findMarks(body, p)
	if len(marks) == 0 {
		if s := strings.TrimSpace(summary); s != "" {
			if m := ix.findMarks(s, p); len(m) > 0 {
				return render(s, m, 0, len(s))
			}
			return html.EscapeString(s)
		}
		start, end := window(body, 0, snippetLen)
		return render(body, nil, start, end)
	}
	// Pick the window (starting a little before a match) holding the most
	// marks; the earliest wins a tie.
	bestAt, bestN := 0, -1
	for i, m := range marks {
		from := m.start - snippetLead
		n := 0
		for _, o := range marks[i:] {
			if o.end > from+snippetLen {
				break
			}
			n++
		}
		if n > bestN {
			bestAt, bestN = i, n
		}
	}
	start, end := window(body, marks[bestAt].start-snippetLead, snippetLen)
	return render(body, marks, start, end)
}

// findMarks returns the byte spans of text to mark: words whose stem is in
// p.marks, or within one edit of a word the reader may have mistyped.
func (ix *Index) findMarks(text string, p *plan) []span {
	var out []span
	for _, t := range ix.text.Analyze([]byte(text)) {
		ok := p.marks[string(t.Term)]
		if !ok && len(p.fuzzy) > 0 {
			w := strings.ToLower(text[t.Start:t.End])
			ok = p.near[w]
			for _, f := range p.fuzzy {
				if ok {
					break
				}
				if withinOneEdit(w, f) {
					ok = true
					break
				}
			}
		}
		if ok {
			out = append(out, span{t.Start, t.End})
		}
	}
	return out
}

// window returns [start, end) of about n bytes from about at, moved to word
// boundaries and kept inside text.
func window(text string, at, n int) (int, int) {
	if at < 0 {
		at = 0
	}
	if at > len(text) {
		at = len(text)
	}
	start := at
	if start > 0 {
		// Move forward to the start of a word.
		for start < len(text) && !isSpaceByte(text, start-1) {
			start++
		}
		if start >= len(text) {
			start = at
		}
	}
	end := start + n
	if end >= len(text) {
		end = len(text)
	} else {
		for end > start && !isSpaceByte(text, end) {
			end--
		}
		if end == start {
			end = start + n
		}
	}
	for start < len(text) && !utf8.RuneStart(text[start]) {
		start++
	}
	for end < len(text) && !utf8.RuneStart(text[end]) {
		end++
	}
	return start, end
}

func isSpaceByte(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsSpace(r)
}

// render escapes text[start:end] and wraps the marked spans in <mark>.
func render(text string, marks []span, start, end int) string {
	var b strings.Builder
	if start > 0 {
		b.WriteString("… ")
	}
	pos := start
	for _, m := range marks {
		if m.start < pos || m.end > end {
			continue
		}
		b.WriteString(html.EscapeString(squash(text[pos:m.start])))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[m.start:m.end]))
		b.WriteString("</mark>")
		pos = m.end
	}
	b.WriteString(html.EscapeString(squash(text[pos:end])))
	if end < len(text) {
		b.WriteString(" …")
	}
	return strings.TrimSpace(b.String())
}

// squash turns runs of white space (newlines, tabs) into single spaces.
func squash(s string) string {
	if !strings.ContainsAny(s, "\n\r\t  ") {
		return s
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// withinOneEdit reports whether a and b differ by at most one insertion,
// deletion or substitution.
func withinOneEdit(a, b string) bool {
	if a == b {
		return true
	}
	ra, rb := []rune(a), []rune(b)
	if len(ra) > len(rb) {
		ra, rb = rb, ra
	}
	if len(rb)-len(ra) > 1 {
		return false
	}
	i := 0
	for i < len(ra) && ra[i] == rb[i] {
		i++
	}
	if len(ra) == len(rb) {
		return string(ra[i+1:]) == string(rb[i+1:])
	}
	return string(ra[i:]) == string(rb[i+1:])
}
