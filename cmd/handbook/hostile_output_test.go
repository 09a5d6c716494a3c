package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A build killed while it indexed left its scratch folder in the system's
// temporary folder; the next build removes it, and leaves none of its own.
func TestBuildRemovesScratchOfKilledBuilds(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ended := exec.Command("true")
	if err := ended.Run(); err != nil {
		t.Skipf("cannot run a process: %v", err)
	}
	stale := filepath.Join(tmp, "handbook-index-"+strconv.Itoa(ended.Process.Pid)+"-2981736450")
	writeFile(t, filepath.Join(stale, "index.bleve", "store", "000000000002.zap"), []byte("half an index"))
	long := time.Now().Add(-24 * time.Hour)
	for _, d := range []string{stale, filepath.Join(stale, "index.bleve")} {
		if err := os.Chtimes(d, long, long); err != nil {
			t.Fatal(err)
		}
	}
	site := t.TempDir()
	writeFile(t, filepath.Join(site, "content", "_index.md"), []byte("---\ntitle: Home\nsummary: Home.\n---\nText.\n"))
	m := &Main{Stdout: io.Discard, Stderr: io.Discard}
	if code := m.Run(context.Background(), []string{"build", "-s", site, "-o", filepath.Join(t.TempDir(), "public")}); code != 0 {
		t.Fatalf("build exited with %d", code)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("after a build, the temporary folder holds %s", left[0].Name())
	}
}

// On Netlify, a production build whose clone cannot get the full git
// history stops before building, rather than publishing every page without
// its history; the test clones shallow from a repository that then goes.
func TestNetlifyBuildNeedsFullHistory(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	script, err := os.ReadFile(filepath.Join("..", "..", "scripts", "netlify-build.sh"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	origin := filepath.Join(dir, "origin")
	git := func(in string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=Editor", "-c", "user.email=editor@example.org"}, args...)...)
		cmd.Dir = in
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	writeFile(t, filepath.Join(origin, "scripts", "netlify-build.sh"), script)
	writeFile(t, filepath.Join(origin, "content", "_index.md"), []byte("First.\n"))
	git(origin, "init", "-q")
	git(origin, "add", "-A")
	git(origin, "commit", "-q", "-m", "First")
	writeFile(t, filepath.Join(origin, "content", "_index.md"), []byte("Second.\n"))
	git(origin, "commit", "-q", "-am", "Second")
	git(dir, "clone", "-q", "--depth", "1", "file://"+origin, "clone")
	if err := os.Rename(origin, origin+"-gone"); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", filepath.Join(dir, "clone", "scripts", "netlify-build.sh"), "production", "https://example.org/")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the production build went on without the git history:\n%s", out)
	}
	if !strings.Contains(string(out), "netlify-build.sh: error: git fetch --unshallow failed") {
		t.Errorf("the build did not say why it stopped:\n%s", out)
	}
}
