package search

import (
	"testing"
)

// TestFindMarksAsAnalyzer: findMarks analyses only words that may stem to
// a marked stem; it must mark what analysing the whole text would.
func TestFindMarksAsAnalyzer(t *testing.T) {
	ix := sharedIndex(t)
	docs := append(testDocs(), genDocs(40)...)
	texts := []string{
		"Children's services: the child's plan. Agencies' roles; re-referrals, e-mail, 24/7, 3.5 hours, level 3.",
		"Escalating, escalated, escalation: escalate! Happily happiness happy. Hopping hoped hoping hope.",
		"Généralement: café, naïve, Über; ‘quoted’ words and don’t stop’s.",
	}
	for _, d := range docs {
		texts = append(texts, d.Body, d.Title, d.Summary)
	}
	for i, text := range texts {
		// Mark the stems of every other word of the text and of the queries.
		p := &plan{marks: map[string]bool{}}
		for j, tok := range ix.text.Analyze([]byte(text + " " + texts[(i+1)%len(texts)])) {
			if j%2 == 0 {
				p.marks[string(tok.Term)] = true
			}
		}
		want := map[span]bool{}
		for _, tok := range ix.text.Analyze([]byte(text)) {
			if p.marks[string(tok.Term)] {
				want[span{tok.Start, tok.End}] = true
			}
		}
		got := map[span]bool{}
		for _, s := range ix.findMarks(text, p) {
			got[s] = true
		}
		for s := range want {
			if !got[s] {
				t.Errorf("text %d: %q not marked", i, text[s.start:s.end])
			}
		}
		for s := range got {
			if !want[s] {
				t.Errorf("text %d: %q marked", i, text[s.start:s.end])
			}
		}
	}
}

func TestTypoOf(t *testing.T) {
	for _, c := range []struct {
		typed, word string
		want        bool
	}{
		{"neglet", "neglect", true},        // a letter left out
		{"negelct", "neglect", true},       // two swapped
		{"escalaton", "escalation", true},  // a letter left out
		{"escelation", "escalation", true}, // another vowel
		{"neglecct", "neglect", true},      // a letter added
		{"nrglect", "neglect", true},       // the key next to it
		{"sexting", "setting", false},      // x is far from t: a word of its own
		{"policy", "police", false},        // y is not a vowel here
		{"bruising", "cruising", false},    // another first letter
		{"neglect", "neglect", false},
	} {
		if got := typoOf(c.typed, c.word); got != c.want {
			t.Errorf("typoOf(%q, %q) = %v, want %v", c.typed, c.word, got, c.want)
		}
	}
}
