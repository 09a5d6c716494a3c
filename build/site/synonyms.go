package site

import (
	"strings"
	"unicode"

	"github.com/rscp/handbook/build/diag"
)

// SynonymGroup is one entry of data/synonyms.yaml: words and phrases
// readers use for the same thing, so that search finds each by the others.
type SynonymGroup struct {
	Words []string `yaml:"words"`
	Line  int      `yaml:"-"`
}

// SynonymKey is how two ways of writing a word compare: case and spacing aside.
func SynonymKey(w string) string {
	return strings.ToLower(strings.Join(strings.Fields(w), " "))
}

const synonymsFile = "data/synonyms.yaml"

// checkSynonyms reports groups search cannot use: empty words, a group of
// fewer than two words, a word twice in a group or in two groups.
func (s *Site) checkSynonyms(diags *diag.List) {
	first := map[string]int{} // a word's key: the line of its group
	for _, g := range s.Synonyms {
		inGroup := map[string]bool{}
		for _, w := range g.Words {
			k := SynonymKey(w)
			switch {
			case !strings.ContainsFunc(k, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }):
				diags.Errorf(synonymsFile, g.Line, "%q has no letters or digits, so search cannot match it: remove it", w)
				continue
			case inGroup[k]:
				diags.Errorf(synonymsFile, g.Line, "%q is listed twice in this group: remove one", w)
				continue
			}
			inGroup[k] = true
			if line, dup := first[k]; dup {
				diags.Errorf(synonymsFile, g.Line, "%q is also in the group at line %d: a word can be in one group only, so merge the two groups", w, line)
				continue
			}
			first[k] = g.Line
		}
		if len(inGroup) < 2 {
			diags.Errorf(synonymsFile, g.Line, "a synonym group needs at least two different words or phrases, like words: [domestic violence, domestic abuse]")
		}
	}
}
