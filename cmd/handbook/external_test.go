package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckExternal: check --external reports a link to a page another
// site no longer has, at its file and line, and leaves good links alone;
// without --external no site is asked.
func TestCheckExternal(t *testing.T) {
	asked := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked++
		if r.URL.Path == "/gone" {
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	page := "---\ntitle: A\nsummary: Links.\n---\nSee [the guidance](" + srv.URL + "/ok).\n\nAnd [the old guidance](" + srv.URL + "/gone).\n"
	if err := os.MkdirAll(filepath.Join(dir, "content"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "content", "a.md"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string) {
		var out bytes.Buffer
		m := &Main{Stdout: &out, Stderr: &out}
		code := m.Run(t.Context(), append([]string{"check", "-s", dir}, args...))
		return code, out.String()
	}
	if code, out := run(); code != 0 || asked != 0 {
		t.Fatalf("without --external: status %d, %d requests:\n%s", code, asked, out)
	}
	code, out := run("--external")
	want := "content/a.md:7: error: link to " + srv.URL + "/gone: the site says there is no such page (404)"
	if code != 1 || !strings.Contains(out, want) || strings.Contains(out, srv.URL+"/ok:") {
		t.Errorf("status %d, output:\n%s\nwant a line starting %q", code, out, want)
	}
	if _, err := os.Stat(filepath.Join(dir, ".handbook-cache", "external-links.json")); err != nil {
		t.Errorf("no cache: %v", err)
	}
}
