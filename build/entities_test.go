package build_test

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/output"
	"github.com/rscp/handbook/search"
)

// doubleEscaped is an entity escaped a second time: "&amp;rsquo;", which a
// browser shows as the text "&rsquo;".
var doubleEscaped = regexp.MustCompile(`&amp;(#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z]+[0-9]*);`)

// The default site's apostrophes, quotes and dashes reach readers as
// characters in every place that shows page text: no page (its "On this
// page" list, alt texts, table labels) and no search snippet shows an
// entity as text.
func TestNoEntityShownAsText(t *testing.T) {
	res, err := build.Build(build.Options{SiteDir: ".."})
	if err != nil {
		t.Fatalf("the site does not build: %v", err)
	}
	for _, f := range res.Files {
		if m := doubleEscaped.Find(f.Data); m != nil {
			t.Errorf("%s shows %s as text", f.Path, m)
		}
	}
	ix := openIndex(t, res.Index)
	for _, q := range []string{"young inspectors", "front door", "Rotherham's safeguarding partners"} {
		got, err := ix.Search(context.Background(), search.Query{Text: q, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range got {
			for _, s := range []string{r.Title, r.Snippet} {
				if m := doubleEscaped.FindString(s); m != "" || strings.Contains(s, "&rsquo;") {
					t.Errorf("%q: result %s shows an entity as text: %s", q, r.URL, s)
				}
			}
		}
	}
	got, _ := ix.Search(context.Background(), search.Query{Text: "young inspectors", Limit: 1})
	if len(got) == 0 || !strings.Contains(got[0].Snippet, "Rotherham’s") {
		t.Errorf("the snippet for young inspectors does not say Rotherham’s: %+v", got)
	}
}

// openIndex writes a build's index files to a folder and opens them.
func openIndex(t *testing.T, files []output.File) *search.Index {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "index")
	if err := output.WriteDir(dir, files); err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}
