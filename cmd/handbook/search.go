package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"regexp"
	"strings"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/search"
)

// search answers a query from the index that `handbook build` wrote.
func (m *Main) search(ctx context.Context, args []string) int {
	fs := m.flags("search")
	outDir := fs.String("o", "public", "the built site: its search index is read from the folder beside it, OUT_DIR.search")
	asJSON := fs.Bool("json", false, `print results as a JSON array of {"url","title","type","score","snippet"}`)
	typ := fs.String("type", "", "only pages of this type: arrangement, threshold, briefing, procedure, report or page")
	limit := fs.Int("n", 10, "the most results to print")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	text := strings.Join(fs.Args(), " ")
	if typ := *typ; typ != "" && !knownType(typ) {
		fmt.Fprintf(m.Stderr, "handbook search: unknown type %q: use arrangement, threshold, briefing, procedure, report or page\n", typ)
		return 2
	}
	ix, err := search.Open(build.IndexDir(*outDir))
	if err != nil {
		fmt.Fprintf(m.Stderr, "handbook search: no search index in %s: run handbook build -o %s first (%v)\n", build.IndexDir(*outDir), *outDir, err)
		return 1
	}
	defer ix.Close()
	results, err := ix.Search(ctx, search.Query{Text: text, Type: *typ, Limit: *limit, Version: "current"})
	if err != nil {
		var qe *search.QueryError
		if errors.As(err, &qe) {
			fmt.Fprintf(m.Stderr, "handbook search: %s\n", qe.Message)
			return 2
		}
		fmt.Fprintf(m.Stderr, "handbook search: %v\n", err)
		return 1
	}
	if *asJSON {
		if results == nil {
			results = []search.Result{}
		}
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(results); err != nil {
			return 1
		}
		return 0
	}
	if len(results) == 0 {
		fmt.Fprintf(m.Stdout, "No results for %q.\n", text)
		return 0
	}
	for i, r := range results {
		fmt.Fprintf(m.Stdout, "%d. %s [%s]\n   %s\n   %s\n", i+1, r.Title, r.Type, r.URL, terminalSnippet(r.Snippet))
	}
	return 0
}

func knownType(t string) bool {
	for _, x := range search.Types {
		if x.Value == t {
			return true
		}
	}
	return false
}

var markTag = regexp.MustCompile(`</?mark>`)

// terminalSnippet shows a highlighted snippet as plain text, with the
// matches in *stars*.
func terminalSnippet(s string) string {
	s = markTag.ReplaceAllStringFunc(s, func(string) string { return "*" })
	return html.UnescapeString(s)
}
