package output

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestWriteDirReplacesWhole: a second write replaces the first site whole
// (no file of the old one stays) and leaves no temporary folder.
func TestWriteDirReplacesWhole(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "public")
	if err := WriteDir(dir, []File{{Path: "old.html", Data: []byte("old")}, {Path: "a/index.html", Data: []byte("a1")}}); err != nil {
		t.Fatal(err)
	}
	if err := WriteDir(dir, []File{{Path: "a/index.html", Data: []byte("a2")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "old.html")); !os.IsNotExist(err) {
		t.Errorf("a file of the old site is still there: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "a/index.html")); string(b) != "a2" {
		t.Errorf("a/index.html = %q, want a2", b)
	}
	if entries := siteEntries(t, parent); len(entries) != 1 {
		t.Errorf("the folder holds %d entries, want only public/ and its spare: %v", len(entries), entries)
	}
	if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o755 {
		t.Errorf("public/: %v %v", st.Mode(), err)
	}
}

// TestExchange: on Linux the swap is one step.
func TestExchange(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("renameat2 is Linux only")
	}
	parent := t.TempDir()
	a, b := filepath.Join(parent, "a"), filepath.Join(parent, "b")
	for _, d := range []string{a, b} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "name"), []byte(filepath.Base(d)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := exchange(a, b); err != nil {
		t.Skipf("this file system cannot exchange: %v", err)
	}
	if got, _ := os.ReadFile(filepath.Join(a, "name")); string(got) != "b" {
		t.Errorf("a holds %q after the exchange, want b", got)
	}
}
