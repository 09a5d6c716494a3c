package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// namesSite is a tree whose file names are signs, non-ASCII letters and
// names that Hugo keeps apart: every file gets an address of its own,
// percent-encoded in links, and each page links to others by file.
var namesSite = map[string]string{
	"handbook.yaml":            "base_url: https://example.org/\n",
	"content/tools/[.md":       "Square bracket page about zebrafish. See [percent](../%25.md), [c++](clang++.md) and [u](/%C3%BCber/).\n",
	"content/%.md":             "Percent page about quokkas.\n",
	"content/tools/clang++.md": "The compiler for walruses.\n",
	"content/tools/clang.md":   "The other compiler.\n",
	"content/über.md":          "Über page about narwhals, see [bracket](tools/%5B.md).\n",
	"content/it's.md":          "An apostrophe page.\n",
	"content/tools/_index.md":  "Tools.\n",
}

// TestFileNamesWithSigns builds, checks, searches and serves a site whose
// pages have addresses that need percent-encoding.
func TestFileNamesWithSigns(t *testing.T) {
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	for name, body := range namesSite {
		writeFile(t, filepath.Join(site, name), []byte(body))
	}
	git := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-C", site, "-c", "user.name=Editor", "-c", "user.email=e@example.org"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-qm", "Pages with signs in their names\n\nChange-Note: First edition.")

	run := func(args ...string) (string, int) {
		var out bytes.Buffer
		m := &Main{Stdout: &out, Stderr: &out}
		code := m.Run(context.Background(), args)
		return out.String(), code
	}
	if out, code := run("check", "-s", site, "--today", "2024-06-01"); code != 0 {
		t.Fatalf("check: exit %d\n%s", code, out)
	}
	public := filepath.Join(dir, "public")
	if out, code := run("build", "-s", site, "-o", public); code != 0 {
		t.Fatalf("build: exit %d\n%s", code, out)
	}
	// Files on disk have the decoded names; links, the sitemap, feeds and
	// the search data use the encoded addresses.
	for file, want := range map[string]string{
		"tools/[/index.html":         `href="/%25/"`,
		"tools/[/history/index.html": `href="/tools/%5B/"`,
		"tools/[/updates.xml":        `https://example.org/tools/%5B/`,
		"über/index.html":            `href="/tools/%5B/"`,
		"%/index.html":               "quokkas",
		"tools/clang++/index.html":   "walruses",
		"tools/clang/index.html":     "other compiler",
		"it's/index.html":            "apostrophe",
		"sitemap.xml":                "<loc>https://example.org/it%27s/</loc>",
	} {
		data, err := os.ReadFile(filepath.Join(public, file))
		if err != nil {
			t.Errorf("%s: %v", file, err)
		} else if !strings.Contains(string(data), want) {
			t.Errorf("%s does not show %q", file, want)
		}
	}
	if out, code := run("search", "-o", public, "--json", "zebrafish"); code != 0 || !strings.Contains(out, `"url": "/tools/%5B/"`) {
		t.Errorf("search for zebrafish: exit %d, want the page at /tools/%%5B/:\n%s", code, out)
	}
	var found bool
	err := filepath.WalkDir(filepath.Join(public, "search-data"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			found = found || bytes.Contains(b, []byte(`"/%C3%BCber/"`))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Errorf("the static search data has no address /%%C3%%BCber/")
	}

	// The preview server answers at the encoded addresses, and its search
	// links to them.
	t.Setenv("TMPDIR", t.TempDir())
	url, _ := startServe(t, site)
	base := strings.TrimSuffix(url, "/")
	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	for path, want := range map[string]string{"/tools/%5B/": "zebrafish", "/%25/": "quokkas", "/%C3%BCber/": "narwhals", "/tools/clang++/": "walruses", "/it%27s/": "apostrophe"} {
		if code, body := get(path); code != 200 || !strings.Contains(body, want) {
			t.Errorf("GET %s = %d, want the page with %q", path, code, want)
		}
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		code, body := get("/search/?q=zebrafish")
		if code == 200 && strings.Contains(body, `href="/tools/%5B/`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("preview search never linked to /tools/%%5B/:\n%s", body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
