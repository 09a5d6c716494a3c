package bench

import (
	"bytes"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rscp/handbook/bench/corpus"
	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/searchdocs"
)

// TestParallelBuildIsIdentical builds a generated site with the source and
// model stages working on one page after another and then on several
// goroutines, and checks that every output file is the same, byte for
// byte, and that the search index gets the same documents. (The index
// files themselves are left out: bleve does not write them byte for byte
// the same even in two sequential builds.)
func TestParallelBuildIsIdentical(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, f := range corpus.New(corpus.Options{Pages: 300}).HandbookFiles() {
		fsys[f.Path] = &fstest.MapFile{Data: f.Data}
	}
	buildWith := func(workers int) *build.Result {
		t.Helper()
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(workers))
		res, err := build.BuildFS(fsys, build.Options{NoSearch: true})
		if err != nil {
			t.Fatalf("workers=%d: %v\n%v", workers, err, res.Diags.Sorted())
		}
		return res
	}
	seq, many := buildWith(1), buildWith(4)
	if len(seq.Files) != len(many.Files) {
		t.Fatalf("sequential build has %d files, parallel %d", len(seq.Files), len(many.Files))
	}
	if len(seq.Files) < 300 {
		t.Fatalf("only %d files were built", len(seq.Files))
	}
	for i, f := range seq.Files {
		if f.Path != many.Files[i].Path {
			t.Fatalf("file %d: %s (sequential) and %s (parallel)", i, f.Path, many.Files[i].Path)
		}
		if !bytes.Equal(f.Data, many.Files[i].Data) {
			t.Errorf("%s differs between the sequential and the parallel build", f.Path)
		}
	}
	if !reflect.DeepEqual(searchdocs.Docs(seq.Site), searchdocs.Docs(many.Site)) {
		t.Errorf("the search documents differ between the sequential and the parallel build")
	}
	if !reflect.DeepEqual(seq.Diags.Sorted(), many.Diags.Sorted()) {
		t.Errorf("diagnostics differ:\n%v\n%v", seq.Diags.Sorted(), many.Diags.Sorted())
	}
}

// TestCorpusBuildsCleanly checks that a generated site has no errors and
// no warnings except the missing history of an in-memory build.
func TestCorpusBuildsCleanly(t *testing.T) {
	for _, small := range []bool{false, true} {
		fsys := fstest.MapFS{}
		c := corpus.New(corpus.Options{Pages: 300, Seed: 7, Small: small})
		for _, f := range c.HandbookFiles() {
			fsys[f.Path] = &fstest.MapFile{Data: f.Data}
		}
		res, err := build.BuildFS(fsys, build.Options{NoSearch: true})
		if err != nil {
			t.Fatalf("small %v: %v\n%v", small, err, res.Diags.Sorted())
		}
		for _, d := range res.Diags.Sorted() {
			t.Errorf("small %v: %s", small, d)
		}
		// Every file is a page of its own, at its own address.
		files := map[string]bool{}
		for _, p := range res.Site.Pages {
			if fsys[p.File] != nil {
				files[p.File] = true
			}
		}
		if len(files) != c.Pages() {
			t.Errorf("small %v: %d of the %d files built as pages", small, len(files), c.Pages())
		}
	}
}

// TestTrivialThemeMatchesHugoLayout checks that a corpus generated with
// TrivialTheme prints Hugo's trivial layout on every page it generates:
// compare.sh times it against Hugo, so no page may fall back to the default
// theme's chrome.
func TestTrivialThemeMatchesHugoLayout(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, f := range corpus.New(corpus.Options{Pages: 120, Seed: 7, TrivialTheme: true}).HandbookFiles() {
		fsys[f.Path] = &fstest.MapFile{Data: f.Data}
	}
	res, err := build.BuildFS(fsys, build.Options{NoSearch: true})
	if err != nil {
		t.Fatalf("%v\n%v", err, res.Diags.Sorted())
	}
	byPath := map[string][]byte{}
	for _, f := range res.Files {
		byPath[f.Path] = f.Data
	}
	checked := 0
	for _, p := range res.Site.Pages {
		if p.File == "" || p.Withdrawn() || strings.HasPrefix(p.File, "(theme)") {
			continue
		}
		html := byPath[strings.TrimPrefix(p.URL, "/")+"index.html"]
		if !bytes.HasPrefix(html, []byte("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head><meta charset=\"utf-8\"><title>")) ||
			!bytes.Contains(html, []byte("<main><h1>")) || bytes.Contains(html, []byte("govuk-template")) {
			t.Errorf("%s does not have Hugo's trivial layout:\n%.300s", p.URL, html)
		}
		checked++
	}
	if checked < 120 {
		t.Errorf("only %d pages checked", checked)
	}
}
