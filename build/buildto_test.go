package build_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/output"
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
		// The search index's bytes differ between builds (a time in
		// root.bolt, map order in segments); its answers do not.
		if !strings.HasPrefix(f.Path, build.SearchIndexDir) && !bytes.Equal(got, f.Data) {
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
