package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// handbook build --cache keeps the git-derived work in the folder it is
// given, and refuses one inside the output folder, which is published:
// the cache holds the text of earlier versions of pages.
func TestBuildCacheFolder(t *testing.T) {
	site := t.TempDir()
	writeFile(t, filepath.Join(site, "content", "_index.md"), []byte("---\ntitle: Home\nsummary: Home.\n---\nText.\n"))
	out := filepath.Join(t.TempDir(), "public")
	cache := filepath.Join(t.TempDir(), "cache")
	// A CI cache restored from an older handbook holds its gob file, which
	// no build reads any more.
	writeFile(t, filepath.Join(cache, "history.gob"), []byte("gob of an older handbook"))
	var stderr bytes.Buffer
	m := &Main{Stdout: &bytes.Buffer{}, Stderr: &stderr}
	if code := m.Run(context.Background(), []string{"build", "-s", site, "-o", out, "--cache", cache}); code != 0 {
		t.Fatalf("build --cache exited with %d: %s", code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(cache, "history.cache")); err != nil {
		t.Errorf("the cache folder holds no cache after the build: %v", err)
	}
	if _, err := os.Stat(filepath.Join(cache, "history.gob")); err == nil {
		t.Error("the older handbook's history.gob is still in the cache folder")
	}
	stderr.Reset()
	if code := m.Run(context.Background(), []string{"build", "-s", site, "-o", out, "--cache", filepath.Join(out, "cache")}); code != 2 {
		t.Errorf("build with the cache inside the output folder exited with %d, want 2", code)
	}
	if !strings.Contains(stderr.String(), "inside the output folder") {
		t.Errorf("no clear refusal: %s", stderr.String())
	}
	if _, err := os.Stat(filepath.Join(out, "cache")); err == nil {
		t.Error("the refused cache folder was made inside the published folder")
	}
}
