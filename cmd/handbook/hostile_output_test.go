package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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
