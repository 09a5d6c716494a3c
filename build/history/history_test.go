package history_test

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rscp/handbook/build/history"
	"github.com/rscp/handbook/build/history/historytest"
)

var day = historytest.Date

func TestLoadFollowsRenamesAndReadsNotes(t *testing.T) {
	r := historytest.New(t)
	first := r.CommitFiles(day(2023, 1, 10), "Add escalation", map[string]string{
		"content/escalation.md": "# Escalation\n\nTalk to your manager.\n",
		"content/other.md":      "# Other\n",
	})
	r.CommitFiles(day(2023, 2, 1), "Typo", map[string]string{"content/escalation.md": "# Escalation\n\nTalk to your line manager.\n"})
	r.Git("mv", "content/escalation.md", "content/procedures-escalation.md")
	moved := r.Commit(day(2023, 3, 1), "Move escalation into procedures")
	major := r.CommitFiles(day(2024, 6, 5), "Escalation: new timescales\n\nLonger explanation.\n\nChange-Note: Stage 2 must now be reached within 5 working days.\nSigned-off-by: A Editor <a@example.org>",
		map[string]string{"content/procedures-escalation.md": "# Escalation\n\nTalk to your line manager within 5 working days.\n"})

	log, err := history.Load(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if log.Commits() != 4 {
		t.Errorf("read %d commits, want 4", log.Commits())
	}
	changes := log.File("content/procedures-escalation.md")
	if len(changes) != 4 {
		t.Fatalf("got %d changes, want 4 (following the rename): %+v", len(changes), changes)
	}
	if changes[0].Hash != major || changes[0].Note != "Stage 2 must now be reached within 5 working days." || !changes[0].Major() {
		t.Errorf("newest change = %s %q, want %s with its Change-Note", changes[0].Short(), changes[0].Note, major)
	}
	if changes[0].Subject != "Escalation: new timescales" || changes[0].Author != "Test Author" {
		t.Errorf("subject/author = %q/%q", changes[0].Subject, changes[0].Author)
	}
	if !changes[0].Date.Equal(day(2024, 6, 5)) {
		t.Errorf("date = %v", changes[0].Date)
	}
	if c := changes[1]; c.Hash != moved || c.Status != 'R' || c.OldPath != "content/escalation.md" || c.Major() {
		t.Errorf("rename = %+v", c)
	}
	if c := changes[3]; c.Hash != first || c.Status != 'A' || c.OldBlob != "" || c.NewBlob == "" {
		t.Errorf("first change = %+v", c)
	}
	if got := log.File("content/escalation.md"); got != nil {
		t.Errorf("the old path has its own history: %+v", got)
	}
	if got := log.File("content/other.md"); len(got) != 1 {
		t.Errorf("other.md has %d changes, want 1", len(got))
	}

	// Blobs of both sides of a change come back through one cat-file.
	blobs, err := log.Blobs([]string{changes[0].OldBlob, changes[0].NewBlob, "0123456789012345678901234567890123456789"})
	if err != nil {
		t.Fatal(err)
	}
	if string(blobs[changes[0].OldBlob]) != "# Escalation\n\nTalk to your line manager.\n" ||
		!strings.Contains(string(blobs[changes[0].NewBlob]), "5 working days") || len(blobs) != 2 {
		t.Errorf("blobs = %q", blobs)
	}
}

func TestLoadKeepsARecreatedFileApart(t *testing.T) {
	r := historytest.New(t)
	r.CommitFiles(day(2020, 1, 1), "Old page", map[string]string{"content/a.md": "old\n"})
	r.Git("rm", "-q", "content/a.md")
	r.Commit(day(2021, 1, 1), "Remove old page")
	r.CommitFiles(day(2022, 1, 1), "New page at the same path", map[string]string{"content/a.md": "something entirely different\n"})
	log, err := history.Load(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	got := log.File("content/a.md")
	if len(got) != 1 || got[0].Subject != "New page at the same path" {
		t.Errorf("history of the new file = %+v", got)
	}
}

func TestLoadInSubfolder(t *testing.T) {
	r := historytest.New(t)
	r.CommitFiles(day(2022, 5, 1), "Site and code", map[string]string{
		"site/content/x.md": "x\n",
		"src/main.go":       "package main\n",
	})
	log, err := history.Load(filepath.Join(r.Dir, "site"))
	if err != nil {
		t.Fatal(err)
	}
	if len(log.File("content/x.md")) != 1 || len(log.Files()) != 1 {
		t.Errorf("files = %v", log.Files())
	}
	tree, err := log.Tree("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	if b, err := fs.ReadFile(tree, "content/x.md"); err != nil || string(b) != "x\n" {
		t.Errorf("tree content/x.md = %q, %v", b, err)
	}
}

func TestTreeAtTag(t *testing.T) {
	r := historytest.New(t)
	r.CommitFiles(day(2019, 6, 1), "2019 edition", map[string]string{"content/partners.md": "clinical commissioning group\n"})
	r.Git("tag", "edition-2019")
	r.CommitFiles(day(2024, 12, 1), "2023 edition", map[string]string{"content/partners.md": "integrated care board\n", "content/new.md": "new\n"})
	log, err := history.Load(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := log.Tree("edition-2019")
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := fs.ReadFile(tree, "content/partners.md"); string(b) != "clinical commissioning group\n" {
		t.Errorf("partners at the tag = %q", b)
	}
	if _, err := fs.Stat(tree, "content/new.md"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a later file is in the tree: %v", err)
	}
	if _, err := log.Tree("no-such-tag"); err == nil {
		t.Error("an unknown ref gave no error")
	}
	if _, err := log.Tree("--output=/tmp/x"); err == nil {
		t.Error("an option passed as a ref gave no error")
	}
}

func TestUnavailable(t *testing.T) {
	historytest.NeedGit(t)
	t.Run("not a repository", func(t *testing.T) {
		dir := t.TempDir()
		log, err := history.Load(dir)
		var ue *history.UnavailableError
		if !errors.As(err, &ue) || !strings.Contains(ue.Reason, "not in a git repository") {
			t.Fatalf("err = %v", err)
		}
		if log.File("content/x.md") != nil || log.Commits() != 0 {
			t.Error("an unavailable log has content")
		}
	})
	t.Run("no commits", func(t *testing.T) {
		r := historytest.New(t)
		_, err := history.Load(r.Dir)
		if err == nil || !strings.Contains(err.Error(), "no commits") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("shallow clone", func(t *testing.T) {
		r := historytest.New(t)
		r.CommitFiles(day(2020, 1, 1), "one", map[string]string{"content/a.md": "1\n"})
		r.CommitFiles(day(2021, 1, 1), "two", map[string]string{"content/a.md": "2\n"})
		clone := filepath.Join(t.TempDir(), "clone")
		out, err := exec.Command("git", "clone", "-q", "--depth", "1", "file://"+r.Dir, clone).CombinedOutput()
		if err != nil {
			t.Fatalf("clone: %v %s", err, out)
		}
		_, err = history.Load(clone)
		if err == nil || !strings.Contains(err.Error(), "shallow") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("no git", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		_, err := history.Load(t.TempDir())
		if err == nil || !strings.Contains(err.Error(), "git is not installed") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestDiff(t *testing.T) {
	tests := []struct {
		a, b string
		want string // deletions as [-x-], insertions as {+x+}
	}{
		{"", "", ""},
		{"same text", "same text", "same text"},
		{"The clinical commissioning group is a partner.", "The integrated care board is a partner.",
			"The [-clinical commissioning group-]{+integrated care board+} is a partner."},
		{"Talk to your manager.", "Talk to your line manager.", "Talk to your {+line +}manager."},
		{"within 28 days", "within 5 working days", "within [-28-]{+5 working+} days"},
		{"the child's plan", "the children's plan", "the [-child's-]{+children's+} plan"},
		{"", "new page", "{+new page+}"},
		{"gone", "", "[-gone-]"},
	}
	for _, tt := range tests {
		var b strings.Builder
		for _, s := range history.Diff(tt.a, tt.b) {
			switch s.Op {
			case history.Insert:
				b.WriteString("{+" + s.Text + "+}")
			case history.Delete:
				b.WriteString("[-" + s.Text + "-]")
			default:
				b.WriteString(s.Text)
			}
		}
		if b.String() != tt.want {
			t.Errorf("Diff(%q, %q) = %q, want %q", tt.a, tt.b, b.String(), tt.want)
		}
	}
}

// TestDiffRebuildsBothSides checks on a long text that the segments give
// back both versions exactly.
func TestDiffRebuildsBothSides(t *testing.T) {
	a := strings.Repeat("Lead safeguarding partners meet every quarter. ", 50) + "Ünïcödé — text."
	b := strings.Replace(a, "quarter", "month", 7) + " Added at the end."
	var gotA, gotB strings.Builder
	for _, s := range history.Diff(a, b) {
		if s.Op != history.Insert {
			gotA.WriteString(s.Text)
		}
		if s.Op != history.Delete {
			gotB.WriteString(s.Text)
		}
	}
	if gotA.String() != a || gotB.String() != b {
		t.Error("the segments do not rebuild both texts")
	}
}

// BenchmarkLoad measures one history load of a repository of 2,000 files
// and 5,000 commits (the target: 1 s or less).
func BenchmarkLoad(b *testing.B) {
	r, _ := historytest.Large(b, 2000, 5000)
	b.ResetTimer()
	for range b.N {
		log, err := history.Load(r.Dir)
		if err != nil {
			b.Fatal(err)
		}
		if log.Commits() != 5000 {
			b.Fatalf("read %d commits", log.Commits())
		}
	}
}

// TestLoadLarge checks the large repository is read correctly, renames
// included, and logs how long one load takes. go test -short skips it.
func TestLoadLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: makes a repository of 5,000 commits")
	}
	r, renames := historytest.Large(t, 2000, 5000)
	start := time.Now()
	log, err := history.Load(r.Dir)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded %d commits of %d files (%d renames) in %v", log.Commits(), len(log.Files()), renames, took)
	if log.Commits() != 5000 {
		t.Errorf("read %d commits", log.Commits())
	}
	// Every file at HEAD has a history reaching back to the first commit.
	entries := 0
	err = filepath.WalkDir(filepath.Join(r.Dir, "content"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(r.Dir, p)
		ch := log.File(filepath.ToSlash(rel))
		if len(ch) == 0 || ch[len(ch)-1].Subject != "Change 0" {
			t.Errorf("%s: history does not reach the first commit (%d changes)", rel, len(ch))
			return filepath.SkipAll
		}
		entries++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if entries != 2000 {
		t.Errorf("%d files at HEAD", entries)
	}
}

// EachBlob reads many blobs through several git cat-file at once: every
// blob asked for is handed over once, whole, one at a time, and the ids
// that are not blobs of the repository are passed over.
func TestEachBlobReadsEveryBlobOnce(t *testing.T) {
	r := historytest.BulkEdit(t, 100, 12) // 1,200 versions of 100 pages
	log, err := history.Load(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	distinct := map[string]bool{}
	for _, f := range log.Files() {
		for _, ch := range log.File(f) {
			ids = append(ids, ch.NewBlob, ch.NewBlob) // asked twice: read once
			distinct[ch.NewBlob] = true
		}
	}
	ids = append(ids, "", "not-hex", strings.Repeat("0", 40))
	got := map[string]string{}
	busy := false
	err = log.EachBlob(ids, func(id string, b []byte) {
		if busy {
			t.Error("use was called while it ran")
		}
		busy = true
		defer func() { busy = false }()
		if _, twice := got[id]; twice {
			t.Errorf("%s handed over twice", id)
		}
		got[id] = string(b)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(distinct) || len(got) < 1000 {
		t.Fatalf("%d blobs read, want the %d asked for", len(got), len(distinct))
	}
	for _, id := range ids[:40] {
		if want := r.Git("cat-file", "blob", id); got[id] != want {
			t.Fatalf("%s: read %q, git has %q", id, got[id], want)
		}
	}
}
