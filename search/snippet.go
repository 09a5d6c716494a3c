package search

import (
	"html"
	"sort"
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
//
// Words are read as scan reads them.
func (ix *Index) findMarks(text string, p *plan) []span {
	var out []span
	p.eachMarked(ix, text, func(stem string, start, end int) {
		out = append(out, span{start, end})
	})
	if len(p.fuzzy) == 0 {
		return out
	}
	// Words within one edit of a typo'd word, whatever their stem.
	var fz []span
	i := 0
	forEachWord(text, func(start, end int) {
		for i < len(out) && out[i].start < start {
			i++
		}
		if i < len(out) && out[i].start == start {
			return
		}
		lw := strings.ToLower(text[start:end])
		ok := p.near[lw]
		for _, f := range p.fuzzy {
			if ok {
				break
			}
			if d := len(lw) - len(f); d >= -4 && d <= 4 && withinOneEdit(lw, f) {
				ok = true
			}
		}
		if ok {
			fz = append(fz, span{start, end})
		}
	})
	if len(fz) == 0 {
		return out
	}
	out = append(out, fz...)
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

// eachMarked calls fn for each word of text whose stem is in p.marks.
func (p *plan) eachMarked(ix *Index, text string, fn func(stem string, start, end int)) {
	if p.markSet == nil {
		p.markSet = newStemSet()
		for m := range p.marks {
			p.markSet.add(m)
		}
	}
	p.scan(ix, text, p.markSet, func(stem string, _, start, end int) { fn(stem, start, end) })
}

// stemSet is a set of stems, with the first two letters of each: a stem
// keeps the first two letters of its word (stemming and the possessive
// filter change endings only), so only words starting with one of them
// need analysing.
type stemSet struct {
	stems, prefixes map[string]bool
}

func newStemSet() *stemSet { return &stemSet{stems: map[string]bool{}, prefixes: map[string]bool{}} }

func (s *stemSet) add(stem string) {
	s.stems[stem] = true
	s.prefixes[prefix2(stem)] = true
}

// scan calls fn for each word of text whose stem is in set, with the
// word's number in text. Words are runs of letters and digits, with
// apostrophes inside them and points or commas between digits; a word is
// analysed alone (once per query) by the index's analyzer, and only when
// it starts with the first two letters of a stem of the set.
func (p *plan) scan(ix *Index, text string, set *stemSet, fn func(stem string, n, start, end int)) {
	if p.stemOf == nil {
		p.stemOf = map[string]string{}
	}
	var key [2]byte
	n := 0
	forEachWord(text, func(start, end int) {
		n++
		w := text[start:end]
		// The word's first two characters in lower case, without
		// allocating when they are ASCII.
		if c0 := w[0]; c0 < 0x80 && (len(w) == 1 || w[1] < 0x80) {
			key[0] = lowerASCII(c0)
			k := key[:1]
			if len(w) > 1 {
				key[1] = lowerASCII(w[1])
				k = key[:2]
			}
			if !set.prefixes[string(k)] {
				return
			}
		} else if !set.prefixes[prefix2(strings.ToLower(w))] {
			return
		}
		lw := strings.ToLower(w)
		st, seen := p.stemOf[lw]
		if !seen {
			if toks := ix.text.Analyze([]byte(w)); len(toks) == 1 {
				st = string(toks[0].Term)
			}
			p.stemOf[lw] = st
		}
		if st != "" && set.stems[st] {
			fn(st, n, start, end)
		}
	})
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// prefix2 returns the first two characters of s.
func prefix2(s string) string {
	n := 0
	for i := range s {
		if n == 2 {
			return s[:i]
		}
		n++
	}
	return s
}

// forEachWord calls fn with the byte span of each word of text.
func forEachWord(text string, fn func(start, end int)) {
	start := -1
	last := 0 // end of the last letter or digit
	for i := 0; i < len(text); {
		c := text[i]
		r, size := rune(c), 1
		if c >= 0x80 {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		if asciiWord[c] || c >= 0x80 && isWordRune(r) {
			if start < 0 {
				start = i
			}
			i += size
			last = i
			continue
		}
		if start >= 0 && i == last && (r == '\'' || r == '\u2019' || r == '.' || r == ',') {
			// An apostrophe inside a word ("child's") is part of it, and
			// so is a point or comma between digits ("3.5", "1,000").
			next, _ := utf8.DecodeRuneInString(text[i+size:])
			prev, _ := utf8.DecodeLastRuneInString(text[:i])
			if r == '.' || r == ',' {
				if unicode.IsDigit(prev) && unicode.IsDigit(next) {
					i += size
					continue
				}
			} else if isWordRune(next) {
				i += size
				continue
			}
		}
		if start >= 0 {
			fn(start, last)
			start = -1
		}
		i += size
	}
	if start >= 0 {
		fn(start, last)
	}
}

var asciiWord = func() (t [256]bool) {
	for c := 0; c < 0x80; c++ {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return t
}()

func isWordRune(r rune) bool {
	if r < 0x80 {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
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
