package build_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/search"
)

// The editors' synonyms of data/synonyms.yaml reach the search: a reader's
// word finds the pages that use the other words of its group.
func TestEditorSynonymsFindPages(t *testing.T) {
	res, err := build.Build(build.Options{SiteDir: ".."})
	if err != nil {
		t.Fatalf("the site does not build: %v", err)
	}
	ix := openIndex(t, res.Index)
	for q, want := range map[string]string{
		"sexting":           "/briefings/online-safety/",
		"nudes":             "/briefings/online-safety/",
		"runaway":           "/procedures/children-missing/",
		"dog bite":          "/procedures/dangerous-dogs/",
		"domestic violence": "",
	} {
		got, err := ix.Search(context.Background(), search.Query{Text: q, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range got {
			found = found || want != "" && strings.HasPrefix(r.URL, want) ||
				want == "" && strings.Contains(strings.ToLower(r.Snippet), "<mark>domestic</mark> <mark>abuse</mark>")
		}
		if !found {
			t.Errorf("%q: top 3 %+v, want %s", q, got, want)
		}
	}
}

// data/synonyms.yaml is checked like the other data files: each problem at
// its file and line, saying how to fix it.
func TestSynonymsFileProblems(t *testing.T) {
	fsys := fstest.MapFS{
		"handbook.yaml":     {Data: []byte("title: Test\n")},
		"content/_index.md": {Data: []byte("---\ntitle: Test\n---\nWelcome.\n")},
		"data/synonyms.yaml": {Data: []byte(`- words: [domestic violence, domestic abuse]
- words: [runaway]
- words: [Domestic  Violence, DV]
- words: [signs, signs]
- words: ["--", warning signs]
`)},
	}
	res, _ := build.BuildFS(fsys, build.Options{NoSearch: true})
	var got []string
	for _, d := range res.Diags.Sorted() {
		got = append(got, d.String())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{
		"data/synonyms.yaml:2: error: a synonym group needs at least two different words",
		`data/synonyms.yaml:3: error: "Domestic  Violence" is also in the group at line 1`,
		`data/synonyms.yaml:4: error: "signs" is listed twice in this group`,
		`data/synonyms.yaml:5: error: "--" has no letters or digits`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no %q in:\n%s", want, all)
		}
	}
	fsys["data/synonyms.yaml"] = &fstest.MapFile{Data: []byte("- word: [a, b]\n")}
	res, _ = build.BuildFS(fsys, build.Options{NoSearch: true})
	if msgs := res.Diags.Sorted(); len(msgs) == 0 || !strings.HasPrefix(msgs[0].String(), "data/synonyms.yaml:1:") {
		t.Errorf("an unknown field gives %v, want an error at data/synonyms.yaml:1", msgs)
	}
}
