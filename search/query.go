package search

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// MaxQueryLen is the longest query, in characters, that Search accepts.
const MaxQueryLen = 256

// maxWords caps the number of words (and phrases) taken from one query.
const maxWords = 24

// QueryError is a problem with what the reader typed. Message is written for
// the reader and is safe to show them (it is plain text, not HTML).
type QueryError struct {
	Message string
}

func (e *QueryError) Error() string { return "search: " + e.Message }

var (
	errEmpty     = &QueryError{Message: "Enter a word or phrase to search for."}
	errTooLong   = &QueryError{Message: fmt.Sprintf("Your search is too long. Use %d characters or fewer.", MaxQueryLen)}
	errOnlyNot   = &QueryError{Message: "Add a word to search for, not only words to leave out."}
	errNoWords   = &QueryError{Message: "Your search only has very common words or symbols in it. Try a more specific word."}
	errBadType   = &QueryError{Message: "Choose a type of page from the list."}
	errBadLength = &QueryError{Message: "Ask for between 1 and 50 results."}
)

// parsedQuery is what the reader typed, split into words and phrases.
// Words keep the reader's spelling; analysis happens later.
type parsedQuery struct {
	words      []string // plain words, in order
	phrases    []string // "quoted phrases"
	notWords   []string // -word
	notPhrases []string // -"quoted phrase"
	level      int      // "level N" (0 if none)
}

// parseQuery splits text into plain words, "quoted phrases" and -exclusions.
// It never fails on odd input: control characters and invalid UTF-8 become
// spaces, an unbalanced quote is ignored, a lone operator is dropped. It
// returns a *QueryError only when nothing is left to search for, or the text
// is longer than MaxQueryLen characters.
func parseQuery(text string) (parsedQuery, error) {
	var pq parsedQuery
	if utf8.RuneCountInString(text) > MaxQueryLen {
		return pq, errTooLong
	}
	text = cleanText(text)
	if strings.TrimSpace(text) == "" {
		return pq, errEmpty
	}

	rs := []rune(text)
	n := 0 // words and phrases taken
	for i := 0; i < len(rs) && n < maxWords; {
		r := rs[i]
		if unicode.IsSpace(r) {
			i++
			continue
		}
		neg := false
		j := i
		for j < len(rs) && (rs[j] == '-' || rs[j] == '+' || rs[j] == '\u2013' || rs[j] == '\u2014') {
			if rs[j] != '+' {
				neg = true
			}
			j++
		}
		if j < len(rs) && isQuote(rs[j]) {
			if end := closingQuote(rs, j+1); end >= 0 {
				phrase := strings.TrimSpace(string(rs[j+1 : end]))
				i = end + 1
				if phrase == "" {
					continue
				}
				if neg {
					pq.notPhrases = append(pq.notPhrases, phrase)
				} else {
					pq.phrases = append(pq.phrases, phrase)
				}
				n++
				continue
			}
			// Unbalanced quote: read on as plain words.
			j++
		}
		k := j
		for k < len(rs) && !unicode.IsSpace(rs[k]) && !isQuote(rs[k]) {
			k++
		}
		word := string(rs[j:k])
		i = k
		if k < len(rs) && isQuote(rs[k]) && k == j {
			i = k + 1
		}
		word = strings.Trim(word, "-+\u2013\u2014")
		if word == "" {
			continue
		}
		switch {
		case neg:
			pq.notWords = append(pq.notWords, word)
		case numberRange(word):
			// "2023-24" is one thing: its numbers next to each other.
			pq.phrases = append(pq.phrases, word)
		default:
			pq.words = append(pq.words, word)
		}
		n++
	}
	pq.words, pq.level = takeLevel(pq.words)
	if len(pq.words) == 0 && len(pq.phrases) == 0 && pq.level == 0 {
		if len(pq.notWords) > 0 || len(pq.notPhrases) > 0 {
			return pq, errOnlyNot
		}
		return pq, errNoWords
	}
	return pq, nil
}

// numberRange reports whether w is two numbers joined by a hyphen, dash
// or slash, as the years "2023-24" or the ages "16-17".
func numberRange(w string) bool {
	i := strings.IndexAny(w, "-/\u2013")
	if i <= 0 {
		return false
	}
	_, size := utf8.DecodeRuneInString(w[i:])
	digits := func(s string) bool {
		for _, r := range s {
			if r < '0' || r > '9' {
				return false
			}
		}
		return s != ""
	}
	return digits(w[:i]) && digits(w[i+size:])
}

// cleanText replaces invalid UTF-8 and control or format characters with spaces.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, " ")
	return strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return ' '
		}
		return r
	}, s)
}

func isQuote(r rune) bool { return r == '"' || r == '\u201c' || r == '\u201d' || r == '\u201e' }

func closingQuote(rs []rune, from int) int {
	for i := from; i < len(rs); i++ {
		if isQuote(rs[i]) {
			return i
		}
	}
	return -1
}

// takeLevel finds "level N" (or "levelN", "level-N") among the words,
// removes it and returns N.
func takeLevel(words []string) ([]string, int) {
	for i, w := range words {
		lw := strings.ToLower(w)
		if !strings.HasPrefix(lw, "level") {
			continue
		}
		rest := strings.TrimLeft(lw[len("level"):], "-:")
		numAt := -1
		switch {
		case rest != "":
			numAt = i
		case i+1 < len(words):
			rest = strings.ToLower(strings.TrimRight(words[i+1], ".,;:"))
			numAt = i + 1
		}
		if numAt < 0 || len(rest) > 2 {
			continue
		}
		n, err := strconv.Atoi(rest)
		if err != nil || n <= 0 {
			continue
		}
		out := append([]string{}, words[:i]...)
		return append(out, words[numAt+1:]...), n
	}
	return words, 0
}

// thesaurus maps analysed glossary terms to their synonym group.
type thesaurus struct {
	groups [][]variant         // each group: every way of saying the same thing
	starts map[string][]match  // first stem of a variant → candidates
	maxLen int                 // most stems in any variant
	byStem map[string]struct{} // every stem that belongs to some variant
}

type variant struct {
	text  string   // as written in the glossary
	stems []string // analysed
}

type match struct {
	group int
	v     int
}

func newThesaurus(syns []Synonym, an analysis.Analyzer) *thesaurus {
	t := &thesaurus{starts: map[string][]match{}, byStem: map[string]struct{}{}}
	for _, s := range syns {
		var vs []variant
		seen := map[string]bool{}
		for _, txt := range append([]string{s.Acronym, s.Term}, s.Aliases...) {
			txt = strings.TrimSpace(txt)
			if txt == "" {
				continue
			}
			st := stems(an, txt)
			key := strings.Join(st, " ")
			if len(st) == 0 || seen[key] {
				continue
			}
			seen[key] = true
			vs = append(vs, variant{text: txt, stems: st})
		}
		if len(vs) < 2 {
			continue
		}
		g := len(t.groups)
		t.groups = append(t.groups, vs)
		for i, v := range vs {
			t.starts[v.stems[0]] = append(t.starts[v.stems[0]], match{g, i})
			if len(v.stems) > t.maxLen {
				t.maxLen = len(v.stems)
			}
			for _, s := range v.stems {
				t.byStem[s] = struct{}{}
			}
		}
	}
	return t
}

// longest returns the group and variant whose stems are the longest prefix
// of toks, and how many tokens it covers (0 if none). word is what the
// reader typed for toks[0]: when two glossary entries stem alike ("EHE"
// and "EH" both stem to "eh"), the one written exactly as typed wins.
func (t *thesaurus) longest(toks []string, word string) (group, v, n int) {
	exact := false
	for _, m := range t.starts[toks[0]] {
		vr := t.groups[m.group][m.v]
		st := vr.stems
		isExact := len(st) == 1 && strings.EqualFold(vr.text, word)
		if len(st) < n || len(st) == n && (exact || !isExact) || len(st) > len(toks) {
			continue
		}
		ok := true
		for i := range st {
			if st[i] != toks[i] {
				ok = false
				break
			}
		}
		if ok {
			group, v, n, exact = m.group, m.v, len(st), isExact
		}
	}
	return group, v, n
}

// stems analyses text and returns its terms in order.
func stems(an analysis.Analyzer, text string) []string {
	toks := an.Analyze([]byte(text))
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		out = append(out, string(t.Term))
	}
	return out
}
