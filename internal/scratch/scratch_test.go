package scratch

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// deadPID returns the id of a process that has ended.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skipf("cannot run a process: %v", err)
	}
	if running(cmd.Process.Pid) {
		t.Skip("the process id was reused at once")
	}
	return cmd.Process.Pid
}

// Dir removes only the folders a handbook that has ended left behind:
// never one of a running process, one changed since this process started,
// or one whose name is not exactly its own pattern.
func TestDirRemovesOnlyStaleFolders(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dead := strconv.Itoa(deadPID(t))
	alive := strconv.Itoa(os.Getppid())
	old := started.Add(-time.Hour)
	folders := map[string]struct {
		mtime time.Time
		kept  bool
	}{
		"handbook-index-" + dead + "-123":      {old, false},                   // a killed build's
		"handbook-index-" + alive + "-123":     {old, true},                    // a running build's
		"handbook-index-" + dead + "-456":      {started.Add(time.Hour), true}, // changed after this process started
		"handbook-index-123":                   {old, true},                    // no process id in the name
		"handbook-index-" + dead + "-x":        {old, true},                    // not Dir's pattern
		"handbook-search-" + dead + "-123":     {old, true},                    // another prefix
		"other-index-" + dead + "-123":         {old, true},
		"handbook-index-" + dead + "-789/deep": {old, false},
	}
	for name, f := range folders {
		p := filepath.Join(tmp, name)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, d := range []string{p, filepath.Dir(p)} {
			if err := os.Chtimes(d, f.mtime, f.mtime); err != nil {
				t.Fatal(err)
			}
		}
	}
	dir, err := Dir("handbook-index")
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(dir) != tmp || !filepath.IsLocal(filepath.Base(dir)) {
		t.Errorf("Dir made %s, not in %s", dir, tmp)
	}
	if want := "handbook-index-" + strconv.Itoa(os.Getpid()) + "-"; len(filepath.Base(dir)) <= len(want) || filepath.Base(dir)[:len(want)] != want {
		t.Errorf("Dir made %s, want a name starting %s", filepath.Base(dir), want)
	}
	for name, f := range folders {
		_, err := os.Stat(filepath.Join(tmp, name))
		if kept := err == nil; kept != f.kept {
			t.Errorf("%s: kept %v, want %v", name, kept, f.kept)
		}
	}
}
