package search

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/vellum"
	"github.com/blevesearch/vellum/levenshtein"
	"github.com/golang/snappy"
)

// The bleve index holds no stored text and no term vectors on page bodies:
// it only finds records. What a result shows (title, type, snippet) comes
// from three small files beside it, in the same folder:
//
//	handbook-text.bin  one snappy-compressed block per page: URL, title, type,
//	                   summary, body, and each section's anchor, heading and
//	                   text (as a span of the body when it is one)
//	handbook-ids.fst   record ID → block offset and record number (a vellum FST)
//	handbook-words.fst every lower-cased word of the indexed text (a vellum FST):
//	                   the dictionary typo'd words are corrected against
const (
	textFile  = "handbook-text.bin"
	idsFile   = "handbook-ids.fst"
	wordsFile = "handbook-words.fst"

	textMagic = "HBTEXT2\n"
	recBits   = 16 // low bits of an ids value: record number within the page
	maxRecs   = 1<<recBits - 1
)

// block is one page as stored in handbook-text.bin.
type block struct {
	url, title, typ, summary, body string
	secs                           []secText
}

type secText struct {
	anchor, heading, text string
}

// encodeBlock serialises b (uncompressed). A section whose text is a span of
// the body at or after the previous section is stored as that span.
func encodeBlock(buf *bytes.Buffer, b *block, spans [][2]int) {
	var tmp [binary.MaxVarintLen64]byte
	putU := func(v int) { buf.Write(tmp[:binary.PutUvarint(tmp[:], uint64(v))]) }
	putS := func(s string) { putU(len(s)); buf.WriteString(s) }
	putS(b.url)
	putS(b.title)
	putS(b.typ)
	putS(b.summary)
	putS(b.body)
	putU(len(b.secs))
	for i, s := range b.secs {
		putS(s.anchor)
		putS(s.heading)
		if sp := spans[i]; sp[0] >= 0 {
			putU(0)
			putU(sp[0])
			putU(sp[1] - sp[0])
		} else {
			putU(1)
			putS(s.text)
		}
	}
}

var errCorrupt = errors.New("search: text file is corrupt")

func decodeBlock(data []byte) (*block, error) {
	r := bytes.NewReader(data)
	getU := func() (int, error) {
		v, err := binary.ReadUvarint(r)
		if err != nil || v > uint64(len(data)) {
			return 0, errCorrupt
		}
		return int(v), nil
	}
	getS := func() (string, error) {
		n, err := getU()
		if err != nil || n > r.Len() {
			return "", errCorrupt
		}
		off := len(data) - r.Len()
		_, _ = r.Seek(int64(n), io.SeekCurrent)
		return string(data[off : off+n]), nil
	}
	b := &block{}
	for _, p := range []*string{&b.url, &b.title, &b.typ, &b.summary, &b.body} {
		s, err := getS()
		if err != nil {
			return nil, err
		}
		*p = s
	}
	n, err := getU()
	if err != nil {
		return nil, err
	}
	b.secs = make([]secText, n)
	for i := range b.secs {
		s := &b.secs[i]
		if s.anchor, err = getS(); err != nil {
			return nil, err
		}
		if s.heading, err = getS(); err != nil {
			return nil, err
		}
		kind, err := getU()
		if err != nil {
			return nil, err
		}
		if kind == 0 {
			off, err1 := getU()
			l, err2 := getU()
			if err1 != nil || err2 != nil || off+l > len(b.body) {
				return nil, errCorrupt
			}
			s.text = b.body[off : off+l]
		} else if s.text, err = getS(); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// writeSideFiles hands out the text blocks (the units', in page order),
// the record IDs and the word dictionary. Snappy makes the text file about
// a third larger than flate would, but reads it about ten times faster,
// and a query reads up to 50 blocks.
func writeSideFiles(out output, units []*unit, words []string) error {
	// Text: magic, then each page's block (uvarint length + bytes).
	text := [][]byte{[]byte(textMagic)}
	size := len(textMagic)
	var ids []idEntry
	for _, u := range units {
		for _, e := range u.ids {
			e.off += size
			ids = append(ids, e)
		}
		for _, b := range u.blocks {
			text = append(text, b)
			size += len(b)
		}
	}
	if err := out(textFile, text...); err != nil {
		return err
	}
	for _, u := range units {
		u.blocks = nil
	}

	sort.Slice(ids, func(i, j int) bool { return ids[i].id < ids[j].id })
	if err := writeFST(out, idsFile, func(insert func(string, uint64) error) error {
		for _, e := range ids {
			if err := insert(e.id, uint64(e.off)<<recBits); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	sort.Strings(words)
	return writeFST(out, wordsFile, func(insert func(string, uint64) error) error {
		for i, w := range words {
			if i > 0 && words[i-1] == w {
				continue
			}
			if err := insert(w, 0); err != nil {
				return err
			}
		}
		return nil
	})
}

// idEntry is a record ID and the offset of its page's block in the text
// file (in a unit's text until writeSideFiles). A record is a whole page:
// its number in the block (the low recBits of the FST value) is 0.
type idEntry struct {
	id  string
	off int
}

func writeFST(out output, name string, fill func(insert func(string, uint64) error) error) error {
	var buf bytes.Buffer
	b, err := vellum.New(&buf, nil)
	if err != nil {
		return err
	}
	if err := fill(func(k string, v uint64) error { return b.Insert([]byte(k), v) }); err != nil {
		return err
	}
	if err := b.Close(); err != nil {
		return err
	}
	return out(name, buf.Bytes())
}

// sideFiles is the read side of the three files.
type sideFiles struct {
	text  *os.File
	size  int64
	ids   *vellum.FST
	words *vellum.FST
}

func openSideFiles(dir string) (*sideFiles, error) {
	s := &sideFiles{}
	var err error
	if s.ids, err = loadFST(filepath.Join(dir, idsFile)); err != nil {
		return nil, err
	}
	if s.words, err = loadFST(filepath.Join(dir, wordsFile)); err != nil {
		return nil, err
	}
	if s.text, err = os.Open(filepath.Join(dir, textFile)); err != nil {
		return nil, err
	}
	magic := make([]byte, len(textMagic))
	if _, err := s.text.ReadAt(magic, 0); err != nil || string(magic) != textMagic {
		_ = s.text.Close()
		return nil, fmt.Errorf("%s: not a handbook text file", textFile)
	}
	info, err := s.text.Stat()
	if err != nil {
		_ = s.text.Close()
		return nil, err
	}
	s.size = info.Size()
	return s, nil
}

func loadFST(path string) (*vellum.FST, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return vellum.Load(data)
}

func (s *sideFiles) close() error {
	if s == nil || s.text == nil {
		return nil
	}
	return s.text.Close()
}

// record returns the page block holding record id and the record's number
// in it (0 = the page, i+1 = section i).
func (s *sideFiles) record(id string, cache map[uint64]*block) (*block, int, error) {
	v, ok, err := s.ids.Get([]byte(id))
	if err != nil {
		return nil, 0, err
	}
	if !ok {
		return nil, 0, fmt.Errorf("search: no text for %q", id)
	}
	off, rec := v>>recBits, int(v&maxRecs)
	b := cache[off]
	if b == nil {
		if b, err = s.block(int64(off)); err != nil {
			return nil, 0, err
		}
		if cache != nil {
			cache[off] = b
		}
	}
	if rec > len(b.secs) {
		return nil, 0, errCorrupt
	}
	return b, rec, nil
}

// block reads and decodes the page block at off.
func (s *sideFiles) block(off int64) (*block, error) {
	var head [binary.MaxVarintLen64]byte
	n, err := s.text.ReadAt(head[:], off)
	if n == 0 && err != nil {
		return nil, err
	}
	l, k := binary.Uvarint(head[:n])
	if k <= 0 || int64(l) > s.size-off {
		return nil, errCorrupt
	}
	comp := make([]byte, l)
	if _, err := s.text.ReadAt(comp, off+int64(k)); err != nil {
		return nil, err
	}
	raw, err := snappy.Decode(nil, comp)
	if err != nil {
		return nil, errCorrupt
	}
	return decodeBlock(raw)
}

// hasWord reports whether w (lower case) occurs in the indexed text.
func (s *sideFiles) hasWord(w string) bool {
	_, ok, err := s.words.Get([]byte(w))
	return ok && err == nil
}

var (
	levOnce sync.Once
	levB    *levenshtein.LevenshteinAutomatonBuilder
	levErr  error
)

// maxFuzzyWords caps how many dictionary words one typo'd word expands to.
const maxFuzzyWords = 64

// near returns the dictionary words that w may be a typo of, in order:
// those within one edit of it (an insertion, deletion, substitution or
// transposition of neighbours) that start with the same letter, found in
// that letter's words, and that typoOf accepts. The browser's search does
// the same with the same dictionary.
func (s *sideFiles) near(w string) []string {
	levOnce.Do(func() { levB, levErr = levenshtein.NewLevenshteinAutomatonBuilder(1, true) })
	if levErr != nil || w == "" {
		return nil
	}
	dfa, err := levB.BuildDfa(w, 1)
	if err != nil {
		return nil
	}
	r, size := utf8.DecodeRuneInString(w)
	from := []byte(w[:size])
	to := utf8.AppendRune(nil, r+1)
	it, err := s.words.Search(dfa, from, to)
	var out []string
	for n := 0; err == nil && n < maxFuzzyWords; n++ {
		k, _ := it.Current()
		if typoOf(w, string(k)) {
			out = append(out, string(k))
		}
		err = it.Next()
	}
	return out
}

// typoOf reports whether typed is word with one slip of the fingers: a
// letter left out, added, or swapped with the next, or a key next to the
// right one (or another vowel for a vowel) pressed. A word that differs
// from a word of the site by a letter far from the right key, as sexting
// from setting, is taken as a word of its own, not a typo.
func typoOf(typed, word string) bool {
	a, b := []rune(typed), []rune(word)
	if len(a) == 0 || len(b) == 0 || a[0] != b[0] || typed == word {
		return false
	}
	if len(a) == len(b) {
		var diff []int
		for i := range a {
			if a[i] != b[i] {
				diff = append(diff, i)
			}
		}
		switch len(diff) {
		case 1:
			return keyNeighbours(a[diff[0]], b[diff[0]])
		case 2:
			i, j := diff[0], diff[1]
			return j == i+1 && a[i] == b[j] && a[j] == b[i]
		}
		return false
	}
	long, short := a, b
	if len(b) > len(a) {
		long, short = b, a
	}
	if len(long) != len(short)+1 {
		return false
	}
	i := 0
	for i < len(short) && long[i] == short[i] {
		i++
	}
	for j := i; j < len(short); j++ {
		if long[j+1] != short[j] {
			return false
		}
	}
	return true
}

var keyRows = []string{"qwertyuiop", "asdfghjkl", "zxcvbnm"}

// keyNeighbours reports whether a and b are both vowels, or keys next to
// each other on a QWERTY keyboard.
func keyNeighbours(a, b rune) bool {
	vowel := func(r rune) bool { return strings.ContainsRune("aeiou", r) }
	if vowel(a) && vowel(b) {
		return true
	}
	at := func(r rune) (int, int, bool) {
		for row, keys := range keyRows {
			if i := strings.IndexRune(keys, r); i >= 0 {
				return row, i, true
			}
		}
		return 0, 0, false
	}
	ra, ia, ok1 := at(a)
	rb, ib, ok2 := at(b)
	if !ok1 || !ok2 || a == b {
		return false
	}
	return abs(ra-rb) <= 1 && abs(ia-ib) <= 1
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// addWords adds to set the lower-cased runs of letters in s.
func addWords(set map[string]struct{}, s string) {
	start := -1
	for i, r := range s {
		letter := isLetter(r)
		if letter && start < 0 {
			start = i
		}
		if !letter && start >= 0 {
			addWord(set, s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		addWord(set, s[start:])
	}
}

func addWord(set map[string]struct{}, w string) {
	// Typo tolerance needs words of 4 letters and more: a query word has 5
	// or more, and a word within one edit of it at least 4.
	if len(w) < minFuzzyLen-1 || len(w) > 64 {
		return
	}
	lw := strings.ToLower(w)
	if _, ok := set[lw]; !ok {
		set[strings.Clone(lw)] = struct{}{}
	}
}

func isLetter(r rune) bool {
	if r < 0x80 {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r)
}
