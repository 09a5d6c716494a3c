package history_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rscp/handbook/build/history"
	"github.com/rscp/handbook/build/history/historytest"
)

// TestStateNamesWhatABuildReadsOfGit: the state stays the same while
// nothing of git changes, and changes with a commit, a new or moved tag
// (an edition may be read at it), the .mailmap and a mailmap file set in
// git's settings (authors' names), and grafts.
func TestStateNamesWhatABuildReadsOfGit(t *testing.T) {
	r := historytest.New(t)
	if s := history.State(r.Dir); !strings.HasPrefix(s, "unavailable") {
		t.Errorf("a repository without commits: %q", s)
	}
	r.Write(map[string]string{"content/a.md": "# A\n"})
	first := r.Commit(day(2024, 1, 1), "First")
	was := history.State(r.Dir)
	if again := history.State(r.Dir); again != was {
		t.Fatalf("the state changed with nothing done: %q, then %q", was, again)
	}
	// The site's own files, committed or not, are not part of it.
	r.Write(map[string]string{"content/a.md": "# B\n"})
	if now := history.State(r.Dir); now != was {
		t.Errorf("an uncommitted edit changed the state")
	}
	for _, step := range []struct {
		what string
		do   func()
	}{
		{"a commit", func() { r.Commit(day(2024, 2, 1), "Second") }},
		{"a tag", func() { r.Git("tag", "edition-2024", first) }},
		{"a tag moved", func() { r.Git("tag", "-f", "edition-2024") }},
		{"a .mailmap", func() {
			if err := os.WriteFile(filepath.Join(r.Dir, ".mailmap"), []byte("A <a@example.org>\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"a mailmap set in git's settings", func() {
			mm := filepath.Join(t.TempDir(), "mailmap")
			if err := os.WriteFile(mm, []byte("B <a@example.org>\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			r.Git("config", "mailmap.file", mm)
		}},
		{"grafts", func() {
			if err := os.WriteFile(filepath.Join(r.Dir, ".git", "info", "grafts"), []byte(first+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		step.do()
		now := history.State(r.Dir)
		if now == was {
			t.Errorf("%s left the state as it was", step.what)
		}
		was = now
	}
	if s := history.State(t.TempDir()); !strings.HasPrefix(s, "unavailable") {
		t.Errorf("a folder outside any repository: %q", s)
	}
}
