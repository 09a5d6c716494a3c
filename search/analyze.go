package search

import (
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	index "github.com/blevesearch/bleve_index_api"
)

// textAnalyzer turns the text of a field into what the index stores (its
// terms, their frequencies and positions) and collects the words of the
// typo dictionary, with the same results as the "en" analyzer followed by
// analysis.TokenFrequency and addWords (TestTextAnalyzer), at about a
// quarter of the cost: the general analyzer spends its time in a Unicode
// word segmenter and in a token, a term and a map entry per word.
// textAnalyzer
//   - splits ASCII text into words itself, by the same rules (UAX #29 as
//     the segmenter implements it), and gives the rest to the tokenizer;
//   - runs the filters (possessive, lower case, stop words, stemmer) once
//     per distinct word, not once per occurrence;
//   - counts a term's occurrences in a field without a map lookup.
//
// Not safe for concurrent use: Build makes one per goroutine.
type textAnalyzer struct {
	an      analysis.Analyzer // for text the fast path does not handle
	fast    bool              // an is the analyzer the fast path reproduces
	tok     analysis.Tokenizer
	filters []analysis.TokenFilter

	raw   wordTable            // a word as it is in the text → its term
	terms map[string]*termInfo // a term → its one termInfo
	words map[string]struct{}  // the typo dictionary: lower-cased words

	field int         // number of the field being analysed, for termInfo.field
	seen  []*termInfo // distinct terms of the field, in order of appearance
	occ   []occurrence
	spans [][2]int // the tokens of the part being analysed

	// What the fields' frequencies and locations are made of, reused
	// once the fields are no longer needed (see release).
	tfs   slab[index.TokenFreq]
	locs  slab[index.TokenLocation]
	ptrs  slab[*index.TokenLocation]
	freqs []index.TokenFrequencies // the fields' maps, in the order they were handed out
	used  int                      // of freqs, handed out since the last release
}

// release says that no field analysed so far is used any more: their
// memory is reused for the next ones. (Build analyses a unit's pages,
// which zap needs all at once, and releases them once the unit's segment
// is made: the allocations and the garbage collector's work fall by a
// third, and by as much again with the maps reused.)
func (a *textAnalyzer) release() {
	a.tfs.reset()
	a.locs.reset()
	a.ptrs.reset()
	a.used = 0
}

// takeFreqs returns an empty map for a field's n terms, reused after
// release.
func (a *textAnalyzer) takeFreqs(n int) index.TokenFrequencies {
	if a.used == len(a.freqs) {
		a.freqs = append(a.freqs, make(index.TokenFrequencies, n))
	}
	m := a.freqs[a.used]
	a.used++
	clear(m)
	return m
}

// slab hands out zeroed slices of T from a few large chunks, all reused
// after reset.
type slab[T any] struct {
	chunks [][]T
	cur    int // chunk being taken from
	used   int // of chunks[cur]
}

const slabChunk = 1 << 14

func (s *slab[T]) take(n int) []T {
	for s.cur < len(s.chunks) && len(s.chunks[s.cur])-s.used < n {
		s.cur, s.used = s.cur+1, 0
	}
	if s.cur == len(s.chunks) {
		// Chunks grow to slabChunk: a few small fields take little.
		size := 64
		if len(s.chunks) > 0 {
			size = min(2*len(s.chunks[len(s.chunks)-1]), slabChunk)
		}
		s.chunks = append(s.chunks, make([]T, max(n, size)))
	}
	out := s.chunks[s.cur][s.used : s.used+n : s.used+n]
	s.used += n
	clear(out)
	return out
}

func (s *slab[T]) reset() { s.cur, s.used = 0, 0 }

// termInfo is a term, or a stop word, and its count in the field being
// analysed.
type termInfo struct {
	stop  bool
	term  string
	bytes []byte // term, shared by every TokenFreq of it
	field int    // the field count and slot are for
	count int
	slot  int // index in textAnalyzer.seen
}

type occurrence struct {
	t               *termInfo
	start, end, pos int
}

// maxCachedTerms bounds the memory of the word → term caches.
const maxCachedTerms = 200_000

func newTextAnalyzer(an analysis.Analyzer) *textAnalyzer {
	a := &textAnalyzer{an: an, terms: map[string]*termInfo{}, words: map[string]struct{}{}}
	da, ok := an.(*analysis.DefaultAnalyzer)
	if !ok || len(da.CharFilters) > 0 {
		return a
	}
	if _, ok := da.Tokenizer.(*unicode.UnicodeTokenizer); !ok {
		return a
	}
	// Each filter must map one token to one token, or drop it, whatever
	// the tokens around it.
	for _, f := range da.TokenFilters {
		switch f.(type) {
		case *en.PossessiveFilter, *lowercase.LowerCaseFilter, *stop.StopTokensFilter, *porter.PorterStemmer:
		default:
			return a
		}
	}
	a.fast, a.tok, a.filters = true, da.Tokenizer, da.TokenFilters
	return a
}

// analyze returns text analysed as the field name of a record.
func (a *textAnalyzer) analyze(name, text string, opts index.FieldIndexingOptions) *preField {
	return a.analyzeParts(name, []string{text}, opts)
}

// analyzeParts returns the parts, joined by newlines, analysed as the field
// name of a record, without joining them: no token spans a newline.
func (a *textAnalyzer) analyzeParts(name string, parts []string, opts index.FieldIndexingOptions) *preField {
	f := &preField{name: name, opts: opts}
	valid := true
	for i, p := range parts {
		f.plain += uint64(len(p))
		if i > 0 {
			f.plain++
		}
		valid = valid && utf8.ValidString(p)
	}
	if !a.fast || !valid {
		// The segmenter stops at invalid UTF-8; only the analyzer itself
		// knows where.
		text := strings.Join(parts, "\n")
		toks := a.an.Analyze([]byte(text))
		for _, t := range toks {
			if t.End-t.Start >= minFuzzyLen-1 {
				addWords(a.words, text[t.Start:t.End])
			}
		}
		f.length, f.freqs = len(toks), analysis.TokenFrequency(toks, nil, opts)
		return f
	}
	if a.raw.n >= maxCachedTerms {
		a.raw.reset()
		clear(a.terms)
	}
	a.field++
	a.seen, a.occ = a.seen[:0], a.occ[:0]
	vectors := opts.IncludeTermVectors()
	pos := 0
	base := 0 // offset of the part in the joined text
	for _, text := range parts {
		a.spans = tokenize(a.spans[:0], text, a.tok)
		for _, sp := range a.spans {
			pos++
			w := text[sp[0]:sp[1]]
			slot := a.raw.find(w, spanHash(text, sp[0], sp[1]))
			t := slot.t
			if t == nil {
				t = a.newTerm(w, slot)
			}
			if t.stop {
				continue
			}
			f.length++
			if t.field != a.field {
				t.field, t.count, t.slot = a.field, 0, len(a.seen)
				a.seen = append(a.seen, t)
			}
			t.count++
			if vectors {
				a.occ = append(a.occ, occurrence{t, base + sp[0], base + sp[1], pos})
			}
		}
		base += len(text) + 1
	}

	freqs := a.takeFreqs(len(a.seen))
	tfs := a.tfs.take(len(a.seen))
	var locs []index.TokenLocation
	var ptrs []*index.TokenLocation
	if vectors {
		locs = a.locs.take(len(a.occ))
		ptrs = a.ptrs.take(len(a.occ))
	}
	next := 0 // of ptrs, for the locations of the next term
	for i, t := range a.seen {
		tf := &tfs[i]
		tf.Term = t.bytes
		if !opts.SkipFreqNorm() {
			tf.SetFrequency(t.count)
		}
		if vectors {
			tf.Locations = ptrs[next : next : next+t.count]
			next += t.count
		}
		freqs[t.term] = tf
	}
	for i, o := range a.occ {
		locs[i] = index.TokenLocation{Start: o.start, End: o.end, Position: o.pos}
		tf := &tfs[o.t.slot]
		tf.Locations = append(tf.Locations, &locs[i])
	}
	f.freqs = freqs
	return f
}

// newTerm returns what the filters make of the word w, which has no term
// yet (slot is its empty slot in raw), and adds w to the typo dictionary.
// The filters run on a word's first occurrence only.
func (a *textAnalyzer) newTerm(w string, slot *wordSlot) *termInfo {
	w = strings.Clone(w) // not to keep the whole text
	toks := analysis.TokenStream{&analysis.Token{Term: []byte(w), End: len(w), Position: 1}}
	for _, f := range a.filters {
		toks = f.Filter(toks)
	}
	t := &termInfo{stop: true}
	if len(toks) > 0 {
		term := string(toks[0].Term)
		if shared, ok := a.terms[term]; ok {
			t = shared
		} else {
			t = &termInfo{term: term, bytes: toks[0].Term}
			a.terms[term] = t
		}
		if len(w) >= minFuzzyLen-1 {
			addWords(a.words, w)
		}
	}
	a.raw.set(slot, w, t)
	return t
}

// wordTable maps the words of the text, as they are written, to their
// terms: an open-addressing hash table, looked up for every word of every
// page. With a Go map, hashing and probing take a third of the analysis.
type wordTable struct {
	slots []wordSlot // a power of two long, at most half full
	n     int        // words in it
}

type wordSlot struct {
	hash uint64
	word string
	t    *termInfo // nil: an empty slot
}

// find returns the slot of w, whose wordHash is h: its own, or the empty
// slot for it.
func (wt *wordTable) find(w string, h uint64) *wordSlot {
	if wt.slots == nil {
		wt.slots = make([]wordSlot, 1<<12)
	}
	mask := uint64(len(wt.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &wt.slots[i]
		if s.t == nil || s.hash == h && s.word == w {
			s.hash = h
			return s
		}
	}
}

// set fills slot, which find returned for w, growing the table when it is
// half full.
func (wt *wordTable) set(slot *wordSlot, w string, t *termInfo) {
	slot.word, slot.t = w, t
	wt.n++
	if 2*wt.n <= len(wt.slots) {
		return
	}
	old := wt.slots
	wt.slots = make([]wordSlot, 2*len(old))
	mask := uint64(len(wt.slots) - 1)
	for _, s := range old {
		if s.t == nil {
			continue
		}
		i := s.hash & mask
		for wt.slots[i].t != nil {
			i = (i + 1) & mask
		}
		wt.slots[i] = s
	}
}

func (wt *wordTable) reset() {
	clear(wt.slots)
	wt.n = 0
}

// wordHash hashes w eight bytes at a time, little-endian, the last ones
// padded with zeros.
func wordHash(w string) uint64 {
	h := uint64(len(w)) * hashMul
	for ; len(w) > 8; w = w[8:] {
		h = hashStep(h, load64(w))
	}
	var v uint64
	for i := 0; i < len(w); i++ {
		v |= uint64(w[i]) << (8 * i)
	}
	return hashEnd(h, v)
}

// spanHash is wordHash(text[start:end]). A word of up to eight bytes is
// read with one load when eight bytes of text start where it does: the
// loop over its bytes mispredicted where it ended, a word at a time.
func spanHash(text string, start, end int) uint64 {
	n := end - start
	if n > 8 || len(text)-start < 8 {
		return wordHash(text[start:end])
	}
	return hashEnd(uint64(n)*hashMul, load64(text[start:])&(^uint64(0)>>(64-8*n)))
}

const hashMul = 0x9e3779b97f4a7c15

func hashStep(h, v uint64) uint64 {
	h = (h ^ v) * hashMul
	return h ^ h>>29
}

func hashEnd(h, v uint64) uint64 {
	h = (h ^ v) * hashMul
	h ^= h >> 32
	return h * hashMul
}

// load64 reads the first eight bytes of s, little-endian.
func load64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// tokenize appends to spans the start and end of each token of text, as
// tok (a unicode.UnicodeTokenizer) finds them, in one pass over ASCII
// text. The segmenter always breaks on both sides of ASCII white space
// (UAX #29 WB3a, WB3b, WB14: white space is Other, CR, LF or Newline),
// except that a non-ASCII Extend or Format character goes with the space
// before it, and then forms a segment of its own here: neither makes a
// token. So the words of a run of ASCII between white space are found
// here (see wordClass), and a run with any other character is given to
// tok whole.
func tokenize(spans [][2]int, text string, tok analysis.Tokenizer) [][2]int {
	run, mark := 0, len(spans) // where the run being read starts, and its first span
	for i := 0; i < len(text); {
		c := wordClass[text[i]]
		switch {
		case c == wbSpace:
			i++
			run, mark = i, len(spans)
			continue
		case c == wbNonASCII:
			spans = spans[:mark]
			end := i
			for end < len(text) && wordClass[text[end]] != wbSpace {
				end++
			}
			for _, t := range tok.Tokenize([]byte(text[run:end])) {
				spans = append(spans, [2]int{run + t.Start, run + t.End})
			}
			i = end
			continue
		case c < wbLetter || c > wbExtendNumLet:
			i++ // a segment of its own
			continue
		}
		start := i
		for i++; i < len(text); i++ {
			next := wordClass[text[i]]
			if next >= wbLetter && next <= wbExtendNumLet {
				c = next
				continue
			}
			if joins(c, next) && i+1 < len(text) && wordClass[text[i+1]] == c {
				i++
				continue
			}
			break
		}
		spans = append(spans, [2]int{start, i})
	}
	return spans
}

// Word break classes of ASCII characters (Unicode 8.0, the segmenter's),
// white space and the bytes of other characters. A word is a run of
// letters, digits and underscores (WB5, WB8-10, WB13a-b), which may also
// hold a ':', '.' or apostrophe between two letters (WB6-7) and a ',',
// ';', '.' or apostrophe between two digits (WB11-12). Every other ASCII
// character is a segment of its own that makes no token.
const (
	wbOther = iota
	wbLetter
	wbNumeric
	wbExtendNumLet // _
	wbMidLetter    // :
	wbMidNum       // , ;
	wbMidNumLet    // . and, as Single_Quote, '
	wbSpace        // ASCII white space
	wbNonASCII     // a byte of a character that is not ASCII
)

var wordClass = func() (c [256]uint8) {
	for b := 'a'; b <= 'z'; b++ {
		c[b], c[b-'a'+'A'] = wbLetter, wbLetter
	}
	for b := '0'; b <= '9'; b++ {
		c[b] = wbNumeric
	}
	c['_'] = wbExtendNumLet
	c[':'] = wbMidLetter
	c[','], c[';'] = wbMidNum, wbMidNum
	c['.'], c['\''] = wbMidNumLet, wbMidNumLet
	for _, b := range " \t\n\v\f\r" {
		c[b] = wbSpace
	}
	for b := utf8.RuneSelf; b < 256; b++ {
		c[b] = wbNonASCII
	}
	return c
}()

// joins reports whether mid joins two characters of class c.
func joins(c, mid uint8) bool {
	switch c {
	case wbLetter:
		return mid == wbMidLetter || mid == wbMidNumLet
	case wbNumeric:
		return mid == wbMidNum || mid == wbMidNumLet
	}
	return false
}
