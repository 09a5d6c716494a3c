package build_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/output"
	"github.com/rscp/handbook/search"
)

// BuildTo writes, as it renders, exactly the files Build returns.
func TestBuildToWritesWhatBuildMakes(t *testing.T) {
	opts := build.Options{SiteDir: ".."}
	res, err := build.Build(opts)
	if err != nil {
		t.Fatalf("the site does not build: %v", err)
	}
	out := filepath.Join(t.TempDir(), "public")
	streamed, err := build.BuildTo(context.Background(), opts, out)
	if err != nil {
		t.Fatalf("BuildTo: %v", err)
	}
	if streamed.Written != len(res.Files) || res.Written != len(res.Files) {
		t.Errorf("BuildTo wrote %d files, Build made %d (Written %d)", streamed.Written, len(res.Files), res.Written)
	}
	on := 0
	_ = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() != output.Marker {
			on++
		}
		return nil
	})
	if on != len(res.Files) {
		t.Errorf("%d files on disk, want %d", on, len(res.Files))
	}
	// A written build lets each page's Markdown go once it is rendered and
	// indexed (Build keeps it: the dev server patches pages).
	for _, p := range streamed.Site.Pages {
		if p.Body != nil || p.BoxBodies != nil {
			t.Errorf("%s: BuildTo kept its Markdown after writing the site", p.File)
			break
		}
	}
	if p := res.Site.Pages[0]; p.Body == nil {
		t.Errorf("%s: Build dropped its Markdown", p.File)
	}
	for _, f := range res.Files {
		got, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(f.Path)))
		if err != nil {
			t.Errorf("%s: %v", f.Path, err)
			continue
		}
		if !bytes.Equal(got, f.Data) {
			t.Errorf("%s differs from Build's", f.Path)
		}
	}
}

// A build whose context has ended leaves the output as it was.
func TestBuildToInterrupted(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "old.html"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, output.Marker), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := build.BuildTo(ctx, build.Options{SiteDir: ".."}, out); !errors.Is(err, build.ErrInterrupted) {
		t.Fatalf("BuildTo after its context ended: %v, want ErrInterrupted", err)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "old.html")); string(b) != "old" {
		t.Errorf("the old site changed")
	}
}

// The folder that is published holds none of the server's search index:
// its side files carry the text of every page. The index goes beside it,
// where handbook search and the Netlify build read it.
func TestPublishedFolderHoldsNoIndex(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	res, err := build.BuildTo(context.Background(), build.Options{SiteDir: ".."}, out)
	if err != nil {
		t.Fatalf("BuildTo: %v", err)
	}
	if len(res.Index) == 0 {
		t.Fatal("the build made no search index")
	}
	indexNames := map[string]bool{}
	for _, f := range res.Index {
		indexNames[path.Base(f.Path)] = true
	}
	isIndexFile := func(name string) bool {
		switch path.Ext(name) {
		case ".zap", ".bolt", ".fst":
			return true
		}
		return indexNames[name] || name == "index_meta.json" || strings.HasPrefix(name, "handbook-text")
	}
	_ = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && isIndexFile(d.Name()) {
			rel, _ := filepath.Rel(out, p)
			t.Errorf("the published folder holds %s, a file of the search index", rel)
		}
		return nil
	})
	ix, err := search.Open(build.IndexDir(out))
	if err != nil {
		t.Fatalf("no search index beside the site at %s: %v", build.IndexDir(out), err)
	}
	defer ix.Close()
	got, err := ix.Search(context.Background(), search.Query{Text: "escalation", Limit: 3})
	if err != nil || len(got) == 0 {
		t.Errorf("the index beside the site answers escalation with %v, %v", got, err)
	}
}

// A build replaces the index folder only when it holds an index: a folder
// of someone's files at that name is left alone, and nothing is built.
func TestIndexFolderOfOtherFilesIsKept(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	notes := filepath.Join(build.IndexDir(out), "notes.txt")
	if err := os.MkdirAll(filepath.Dir(notes), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(notes, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := build.BuildTo(context.Background(), build.Options{SiteDir: ".."}, out)
	if err == nil || !strings.Contains(err.Error(), "not an earlier handbook build") {
		t.Errorf("BuildTo over a folder of other files at the index's place: %v, want a refusal", err)
	}
	if b, _ := os.ReadFile(notes); string(b) != "mine" {
		t.Error("the build replaced a folder that was not a search index")
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("the refused build wrote the site")
	}
}
