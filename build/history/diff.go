package history

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Op says what a diff segment is.
type Op int8

const (
	Equal  Op = 0
	Insert Op = 1
	Delete Op = -1
)

// Segment is a run of text that is the same in both versions, inserted or
// deleted.
type Segment struct {
	Op   Op
	Text string
}

// Diff compares two texts word by word: words, runs of spaces and single
// punctuation marks are the units, so a changed word is shown whole
// rather than as a few changed letters. The segments, joined, give a
// (without deletions) and b (without insertions).
func Diff(a, b string) []Segment {
	if a == b {
		if a == "" {
			return nil
		}
		return []Segment{{Equal, a}}
	}
	enc := encoder{index: map[string]rune{}}
	ra, rb := enc.encode(a), enc.encode(b)
	if ra == nil || rb == nil {
		// More distinct words than runes to stand for them: compare letters.
		return fromDMP(diffmatchpatch.New().DiffMain(a, b, false), nil)
	}
	dmp := diffmatchpatch.New()
	diffs := dmp.DiffMainRunes(ra, rb, false)
	diffs = dmp.DiffCleanupSemantic(diffs)
	return fromDMP(diffs, enc.tokens)
}

// fromDMP decodes go-diff's result, merging neighbours with the same op.
func fromDMP(diffs []diffmatchpatch.Diff, tokens []string) []Segment {
	var out []Segment
	for _, d := range diffs {
		text := d.Text
		if tokens != nil {
			var sb strings.Builder
			for _, r := range d.Text {
				sb.WriteString(tokens[runeIndex(r)])
			}
			text = sb.String()
		}
		if text == "" {
			continue
		}
		op := Equal
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = Insert
		case diffmatchpatch.DiffDelete:
			op = Delete
		}
		if n := len(out); n > 0 && out[n-1].Op == op {
			out[n-1].Text += text
			continue
		}
		out = append(out, Segment{op, text})
	}
	return out
}

// encoder gives each distinct word a rune, so that go-diff compares words.
type encoder struct {
	index  map[string]rune
	tokens []string
}

// Runes start in a private use area, above the surrogates, which are not
// valid in Go strings.
const firstRune = 0xE000

func runeIndex(r rune) int {
	if r >= firstRune {
		return int(r - firstRune)
	}
	// Wrapped round past U+10FFFF to the runes below U+D800 (see next).
	return int(r) + (utf8.MaxRune + 1 - firstRune)
}

func (e *encoder) encode(s string) []rune { return e.encodeAll(Words(s)) }

func (e *encoder) next() rune {
	i := len(e.tokens)
	r := rune(firstRune + i)
	if r <= utf8.MaxRune {
		return r
	}
	// Past U+10FFFF: use the planes below U+D800.
	r = rune(i - (utf8.MaxRune + 1 - firstRune))
	if r >= 0xD800 {
		return -1
	}
	return r
}

// Words splits s into the units Diff compares: runs of letters and digits
// (with inner apostrophes and hyphens), runs of white space, and single
// other characters.
func Words(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		j := i + size
		switch {
		case isWord(r):
			for j < len(s) {
				r2, n := utf8.DecodeRuneInString(s[j:])
				if isWord(r2) {
					j += n
					continue
				}
				// "child's", "multi-agency": keep joined words whole.
				if (r2 == '\'' || r2 == '’' || r2 == '-') && j+n < len(s) {
					if r3, _ := utf8.DecodeRuneInString(s[j+n:]); isWord(r3) {
						j += n
						continue
					}
				}
				break
			}
		case unicode.IsSpace(r):
			for j < len(s) {
				r2, n := utf8.DecodeRuneInString(s[j:])
				if !unicode.IsSpace(r2) {
					break
				}
				j += n
			}
		}
		out = append(out, s[i:j])
		i = j
	}
	return out
}

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// DiffParagraphs compares two texts made of paragraphs separated by blank
// lines, as a reader would: paragraphs are matched first, a paragraph that
// was edited gets a word-level diff, and a paragraph that was added or
// removed whole is one Insert or Delete segment. Each element of the result
// is one paragraph.
func DiffParagraphs(a, b string) [][]Segment {
	pa, pb := paragraphs(a), paragraphs(b)
	enc := encoder{index: map[string]rune{}}
	ra, rb := enc.encodeAll(pa), enc.encodeAll(pb)
	if ra == nil || rb == nil {
		return [][]Segment{Diff(a, b)}
	}
	var out [][]Segment
	var dels, ins []string
	flush := func() {
		out = append(out, pairUp(dels, ins)...)
		dels, ins = nil, nil
	}
	for _, d := range diffmatchpatch.New().DiffMainRunes(ra, rb, false) {
		for _, r := range d.Text {
			p := enc.tokens[runeIndex(r)]
			switch d.Type {
			case diffmatchpatch.DiffDelete:
				dels = append(dels, p)
			case diffmatchpatch.DiffInsert:
				ins = append(ins, p)
			default:
				flush()
				out = append(out, []Segment{{Equal, p}})
			}
		}
	}
	flush()
	return out
}

// pairUp turns a run of removed paragraphs and the run of added ones that
// replaced them into paragraphs: an added paragraph that resembles a
// removed one is shown as an edit of it, word by word.
func pairUp(dels, ins []string) [][]Segment {
	var out [][]Segment
	i, j := 0, 0
	for i < len(dels) || j < len(ins) {
		switch {
		case i == len(dels):
			out = append(out, []Segment{{Insert, ins[j]}})
			j++
		case j == len(ins):
			out = append(out, []Segment{{Delete, dels[i]}})
			i++
		default:
			if segs, ok := similar(dels[i], ins[j]); ok {
				out = append(out, segs)
				i, j = i+1, j+1
				continue
			}
			// Is the removed paragraph edited into a later added one? Then
			// this added paragraph is new; otherwise the removed one went.
			later := false
			for k := j + 1; k < len(ins) && k < j+20; k++ {
				if _, ok := similar(dels[i], ins[k]); ok {
					later = true
					break
				}
			}
			if later {
				out = append(out, []Segment{{Insert, ins[j]}})
				j++
			} else {
				out = append(out, []Segment{{Delete, dels[i]}})
				i++
			}
		}
	}
	return out
}

// similar diffs two paragraphs word by word and says whether at least half
// of their words are the same. Paragraphs that share too few words to
// pass are turned away before any diff is made.
func similar(a, b string) ([]Segment, bool) {
	wa, wb := strings.Fields(a), strings.Fields(b)
	n := max(len(wa), len(wb))
	if n == 0 {
		return nil, false
	}
	counts := make(map[string]int, len(wa))
	for _, w := range wa {
		counts[w]++
	}
	common := 0
	for _, w := range wb {
		if counts[w] > 0 {
			counts[w]--
			common++
		}
	}
	if 2*common < n {
		return nil, false
	}
	segs := Diff(a, b)
	same := 0
	for _, s := range segs {
		if s.Op == Equal {
			same += len(strings.Fields(s.Text))
		}
	}
	return segs, 2*same >= n
}

func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (e *encoder) encodeAll(items []string) []rune {
	out := []rune{}
	for _, tok := range items {
		r, ok := e.index[tok]
		if !ok {
			r = e.next()
			if r < 0 {
				return nil
			}
			e.index[tok] = r
			e.tokens = append(e.tokens, tok)
		}
		out = append(out, r)
	}
	return out
}
