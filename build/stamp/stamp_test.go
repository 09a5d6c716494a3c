package stamp

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/rscp/handbook/build/history/historytest"
)

// record reads the site folder dir as a build might, through Record, and
// returns the stamp of those reads and of the output folder out.
func record(t *testing.T, dir, out string) *Stamp {
	t.Helper()
	r := Record(os.DirFS(dir), dir)
	if _, err := fs.ReadFile(r, "handbook.yaml"); err != nil {
		t.Fatal(err)
	}
	if _, err := fs.ReadDir(r, "content"); err != nil {
		t.Fatal(err)
	}
	if _, err := fs.Stat(r, "content/big.pdf"); err != nil {
		t.Fatal(err)
	}
	if _, err := fs.ReadFile(r, "data/missing.yaml"); err == nil {
		t.Fatal("data/missing.yaml was read")
	}
	f, err := r.Open("content/a.md") // read to the end, as pages are
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	reads, faithful := r.List()
	if !faithful {
		t.Fatal("one read was recorded as two different ones")
	}
	s := &Stamp{Reads: reads}
	snap, err := Snapshot(out)
	if err != nil {
		t.Fatal(err)
	}
	s.Outputs = []Folder{snap}
	return s
}

// TestStampSeesEveryChange: a stamp holds while nothing the build read
// or wrote has changed, and stops holding when any of it does.
func TestStampSeesEveryChange(t *testing.T) {
	site := map[string]string{
		"handbook.yaml":      "title: T\n",
		"content/a.md":       "# A\n",
		"content/b.md":       "# B\n",
		"content/big.pdf":    "%PDF",
		"data/contacts.yaml": "[]\n",
	}
	out := map[string]string{"index.html": "home", "a/index.html": "a", "search-data/t/1.json": "[]"}
	for _, c := range []struct {
		what   string
		change func(dir, out string) error
	}{
		{"nothing", func(string, string) error { return nil }},
		{"a file read changed", func(dir, _ string) error {
			return os.WriteFile(filepath.Join(dir, "content/a.md"), []byte("# a\n"), 0o644)
		}},
		{"a file opened changed", func(dir, _ string) error {
			return os.WriteFile(filepath.Join(dir, "handbook.yaml"), []byte("title: U\n"), 0o644)
		}},
		{"a file added to a folder read", func(dir, _ string) error {
			return os.WriteFile(filepath.Join(dir, "content/c.md"), []byte("# C\n"), 0o644)
		}},
		{"a missing file made", func(dir, _ string) error {
			return os.WriteFile(filepath.Join(dir, "data/missing.yaml"), []byte("[]\n"), 0o644)
		}},
		{"a file stated grew", func(dir, _ string) error {
			return os.WriteFile(filepath.Join(dir, "content/big.pdf"), []byte("%PDF-1.7"), 0o644)
		}},
		{"a file not read changed", func(dir, _ string) error {
			return os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("scratch"), 0o644)
		}},
		{"an output file rewritten", func(_, out string) error {
			return os.WriteFile(filepath.Join(out, "search-data/t/1.json"), []byte("[1]"), 0o644)
		}},
		{"an output file added", func(_, out string) error {
			return os.WriteFile(filepath.Join(out, "a/stray.html"), []byte(""), 0o644)
		}},
		{"an output folder removed", func(_, out string) error {
			return os.RemoveAll(filepath.Join(out, "a"))
		}},
		{"an output file's mode changed", func(_, out string) error {
			return os.Chmod(filepath.Join(out, "index.html"), 0o600)
		}},
	} {
		t.Run(c.what, func(t *testing.T) {
			dir, outDir := t.TempDir(), t.TempDir()
			historytest.WriteFiles(t, dir, site)
			historytest.WriteFiles(t, outDir, out)
			s := record(t, dir, outDir)
			// Saved and loaded, as the next build finds it.
			file := filepath.Join(t.TempDir(), "build.stamp")
			if err := s.Save(file); err != nil {
				t.Fatal(err)
			}
			if err := c.change(dir, outDir); err != nil {
				t.Fatal(err)
			}
			holds := Load(file).Current(os.DirFS(dir), dir)
			if want := c.what == "nothing" || c.what == "a file not read changed"; holds != want {
				t.Errorf("the stamp holds: %v, want %v", holds, want)
			}
		})
	}
}

// TestSiteChangedWhileReadIsNotStamped: a file read twice with different
// bytes (edited during the build) makes the record unfaithful, so that no
// stamp says the output was made from either.
func TestSiteChangedWhileReadIsNotStamped(t *testing.T) {
	m := fstest.MapFS{"content/a.md": {Data: []byte("one")}}
	r := Record(m, "")
	fs.ReadFile(r, "content/a.md")
	m["content/a.md"] = &fstest.MapFile{Data: []byte("two")}
	fs.ReadFile(r, "content/a.md")
	if _, faithful := r.List(); faithful {
		t.Error("a file that changed between two reads was recorded as read once")
	}
}

// TestStampIgnoresMissingStamps: no file, or one that is not a stamp,
// holds for nothing.
func TestStampIgnoresMissingStamps(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "build.stamp")
	if Load(file).Current(os.DirFS(dir), dir) {
		t.Error("a missing stamp holds")
	}
	if err := os.WriteFile(file, []byte("not gob"), 0o644); err != nil {
		t.Fatal(err)
	}
	if Load(file) != nil {
		t.Error("a file that is not a stamp was loaded")
	}
}
