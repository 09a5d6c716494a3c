package search

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

var seedQueries = []string{
	"escalate", "escalaton", "CSE", "child sexual exploitation", "level 3", "Level 4", "level3",
	`"return interview"`, "exploitation -criminal", `exploitation -"county lines"`, `"section 47`,
	"“home education”", "", "   ", "-neglect", `- + " "`, "\x00\x01", "\xff\xfe", `neglect"`,
	`""neglect`, "-- neglect", "neglect AND OR NOT (", "title:neglect", "neglect*", "level 99999",
	"level -3", `"-"`, `-""`, strings.Repeat("a", MaxQueryLen+1), "LADO", "missing from education",
}

func FuzzParseQuery(f *testing.F) {
	for _, q := range seedQueries {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, text string) {
		pq, err := parseQuery(text)
		if err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) || qe.Message == "" {
				t.Fatalf("parseQuery(%q): error %v is not a *QueryError", text, err)
			}
			return
		}
		if utf8.RuneCountInString(text) > MaxQueryLen {
			t.Fatalf("parseQuery(%q): long query accepted", text)
		}
		all := append(append(append(append([]string{}, pq.words...), pq.phrases...), pq.notWords...), pq.notPhrases...)
		if len(all) > maxWords {
			t.Fatalf("parseQuery(%q): %d parts", text, len(all))
		}
		for _, w := range all {
			if w == "" || !utf8.ValidString(w) {
				t.Fatalf("parseQuery(%q): bad part %q", text, w)
			}
			for _, r := range w {
				if r < 0x20 || r == 0x7f {
					t.Fatalf("parseQuery(%q): control character in %q", text, w)
				}
			}
		}
		if len(pq.words) == 0 && len(pq.phrases) == 0 && pq.level == 0 {
			t.Fatalf("parseQuery(%q): nothing to search for but no error", text)
		}
		// The whole search must not fail on it either, except with a QueryError.
		ix := sharedIndex(t)
		if _, err := ix.Search(context.Background(), Query{Text: text}); err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("Search(%q): %v", text, err)
			}
		}
	})
}
