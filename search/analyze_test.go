package search

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	index "github.com/blevesearch/bleve_index_api"
)

// refAnalyze is what textAnalyzer.analyze must give: the fields as the
// analyzer and analysis.TokenFrequency make them, and the words.
func refAnalyze(an analysis.Analyzer, text string, opts index.FieldIndexingOptions, words map[string]struct{}) (int, index.TokenFrequencies) {
	toks := an.Analyze([]byte(text))
	for _, t := range toks {
		if t.End-t.Start >= minFuzzyLen-1 {
			addWords(words, text[t.Start:t.End])
		}
	}
	return len(toks), analysis.TokenFrequency(toks, nil, opts)
}

// checkAnalyze compares a's analysis of text with the analyzer's.
func checkAnalyze(t *testing.T, a *textAnalyzer, text string, opts index.FieldIndexingOptions, words map[string]struct{}) {
	t.Helper()
	checkAnalyzeParts(t, a, []string{text}, opts, words)
}

// checkAnalyzeParts compares a's analysis of parts with the analyzer's of
// the parts joined by newlines.
func checkAnalyzeParts(t *testing.T, a *textAnalyzer, parts []string, opts index.FieldIndexingOptions, words map[string]struct{}) {
	t.Helper()
	text := strings.Join(parts, "\n")
	n, want := refAnalyze(a.an, text, opts, words)
	f := a.analyzeParts("body", parts, opts)
	if f.length != n {
		t.Fatalf("%q: %d tokens, want %d", text, f.length, n)
	}
	if f.plain != uint64(len(text)) || f.name != "body" || f.opts != opts {
		t.Fatalf("%q: field %+v", text, f)
	}
	if len(f.freqs) != len(want) {
		t.Fatalf("%q: %d terms, want %d", text, len(f.freqs), len(want))
	}
	for term, w := range want {
		g := f.freqs[term]
		if g == nil {
			t.Fatalf("%q: no term %q", text, term)
		}
		if string(g.Term) != term || g.Frequency() != w.Frequency() || len(g.Locations) != len(w.Locations) {
			t.Fatalf("%q: term %q: %q ×%d (%d locations), want ×%d (%d)", text, term, g.Term, g.Frequency(), len(g.Locations), w.Frequency(), len(w.Locations))
		}
		for i, wl := range w.Locations {
			if gl := g.Locations[i]; fmt.Sprint(*gl) != fmt.Sprint(*wl) {
				t.Fatalf("%q: term %q: location %d %+v, want %+v", text, term, i, *gl, *wl)
			}
		}
	}
}

func checkWords(t *testing.T, got, want map[string]struct{}) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d words, want %d", len(got), len(want))
	}
	for w := range want {
		if _, ok := got[w]; !ok {
			t.Fatalf("word %q missing", w)
		}
	}
}

var analyzeSeeds = []string{
	"", " ", "a", "The child's carer", "CHILD'S", "children’s services", "o'clock", "rock 'n' roll",
	"e.g. i.e. U.K.", "a.b.c.", "a..b", "1.2.3", "1,000,000", "3.14", "1;2", "12:30", "a:b", "a:1", "1:a",
	"a'1", "1'2", "1.a", "a.1", "a1.2", "1a.b", "_", "__a__", "a_b", "a_.b", "1_2", "x__", "\"quoted\"",
	"Level 3: Child Protection", "CSE/CCE", "self-harm", "s.47 S47", "#hash @at $1 50%", "(a) [b] {c}",
	"line\r\nbreak\rcr\nlf\vvt\fff\ttab", "naïve café", "Zoë's file", "“smart quotes”", "em—dash", "– en dash",
	"a\u0301bc", " \u0301abc", "x \u00adsoft", "\u200dzwj", "日本語のテキスト", "カタカナ", "한국어", "שָׁלוֹם", "don't", "rock'n'roll",
	"invalid \xff utf-8 after", "\xc3", "tab\tsep", "ends with.", "'leading", "trailing'", "x'", "'s", "the and of",
	strings.Repeat("escalation ", 300),
}

// TestTextAnalyzer: textAnalyzer gives the terms, counts, positions and
// words the analyzer does, on the test pages, generated pages and tricky
// text, with and without term vectors, from the cache or not.
func TestTextAnalyzer(t *testing.T) {
	an := newMapping().AnalyzerNamed(analyzerText)
	a := newTextAnalyzer(an)
	if !a.fast {
		t.Fatal("the fast path does not handle the text analyzer")
	}
	words := map[string]struct{}{}
	var texts []string
	for _, d := range append(testDocs(), genDocs(30)...) {
		texts = append(texts, d.Title, d.Summary, d.Body)
		for _, h := range d.Headings {
			texts = append(texts, h.Text)
		}
	}
	texts = append(texts, analyzeSeeds...)
	for range 2 { // the second time from the cache
		for _, text := range texts {
			checkAnalyze(t, a, text, optsShort, words)
			checkAnalyze(t, a, text, optsBody, words)
		}
	}
	checkWords(t, a.words, words)
}

// TestTextAnalyzerRandom compares textAnalyzer with the analyzer on random
// text made of the characters word breaking treats differently.
func TestTextAnalyzerRandom(t *testing.T) {
	an := newMapping().AnalyzerNamed(analyzerText)
	alphabet := []string{"a", "B", "s", "S", "z", "0", "7", "_", ":", ".", ",", ";", "'", "\"", "-", "/", " ", "\t", "\n", "\r",
		"\v", "\f", "\x00", "\x7f", "é", "’", "＇", "\u0301", "\u00ad", "\u200d", "日", "カ", "·", "\u2024", "ab", "the", "child"}
	rng := rand.New(rand.NewSource(1))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	shared := newTextAnalyzer(an)
	sharedWords := map[string]struct{}{}
	for range n {
		var b strings.Builder
		for range rng.Intn(12) {
			b.WriteString(alphabet[rng.Intn(len(alphabet))])
		}
		text := b.String()
		a, words := newTextAnalyzer(an), map[string]struct{}{}
		checkAnalyze(t, a, text, optsShort, words)
		checkWords(t, a.words, words)
		checkAnalyze(t, shared, text, optsShort, sharedWords)
		// The same text in parts, as a body with sections added to it.
		cut := rng.Intn(len(text) + 1)
		checkAnalyzeParts(t, shared, []string{text[:cut], text[cut:], text}, optsShort, sharedWords)
	}
	checkWords(t, shared.words, sharedWords)
}

func FuzzTextAnalyzer(f *testing.F) {
	for _, s := range analyzeSeeds {
		f.Add(s)
	}
	an := newMapping().AnalyzerNamed(analyzerText)
	f.Fuzz(func(t *testing.T, text string) {
		a, words := newTextAnalyzer(an), map[string]struct{}{}
		checkAnalyze(t, a, text, optsShort, words)
		checkWords(t, a.words, words)
	})
}
