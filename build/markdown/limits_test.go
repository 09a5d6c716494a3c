package markdown

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// TestLimits checks each limit of limits.go at its edge: a page that
// reaches it is read in full, one just over it is refused with a
// message that names the limit.
func TestLimits(t *testing.T) {
	repeat := func(format string, n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(strings.ReplaceAll(format, "N", strconv.Itoa(i)))
		}
		return b.String()
	}
	for _, c := range []struct {
		name, src, want string
	}{
		{"link definitions", repeat("[rN]: /xN\n\n", MaxLinkDefinitions), ""},
		{"one link definition too many", repeat("[rN]: /xN\n\n", MaxLinkDefinitions+1),
			"2001: more than 1000 link reference definitions ([label]: address) on one page: write the links inline as [text](address), or split the page"},
		{"definitions in one paragraph", repeat("[rN]: /xN\n", MaxLinkDefinitions+1),
			"1: more than 1000 link reference definitions ([label]: address) on one page: write the links inline as [text](address), or split the page"},
		{"a long paragraph after definitions", "[r]: /x\n" + strings.Repeat("text\n", MaxDefinitionParagraphLines),
			"1: this paragraph starts with \"[\" and runs for 10001 lines without a blank line, more than the limit of 10000: put a blank line after the link definitions and between paragraphs"},
		{"footnotes", repeat("x[^fN]\n\n[^fN]: note\n\n", MaxFootnotes), ""},
		{"one footnote too many", repeat("[^fN]: note\n", MaxFootnotes+1),
			"1001: more than 1000 footnotes ([^label]: text) on one page: split the page"},
		{"footnote references", "[^a]: note\n\n" + repeat("x[^a]\n\n", MaxFootnoteRefs+1),
			"10003: more than 5000 footnote references ([^label]) on one page: split the page"},
		{"nested brackets", strings.Repeat("[", 7100) + strings.Repeat("]", 7100),
			"1: too many square brackets in long paragraphs: this paragraph has 7100 \"[\" in 1 line, which takes the page past its limit: put blank lines between paragraphs, or split the page"},
		{"nested brackets within the limit", strings.Repeat("[", 5000) + strings.Repeat("]", 5000), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := New(Options{}).Parse([]byte(c.src), 0)
			var got []string
			for _, p := range doc.Problems {
				got = append(got, fmt.Sprintf("%d: %s", p.Line, p.Message))
			}
			if strings.Join(got, "\n") != c.want {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), c.want)
			}
		})
	}
}
