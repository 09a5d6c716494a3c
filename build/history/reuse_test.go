package history

import (
	"fmt"
	"slices"
	"testing"

	"github.com/rscp/handbook/build/history/historytest"
)

// logText is everything a Log says, to compare two.
func logText(l *Log) string {
	s := fmt.Sprintf("commits %d skipped %d %s\n", l.Commits(), l.Skipped, l.FirstSkipped)
	files := l.Files()
	slices.Sort(files)
	for _, f := range files {
		for _, ch := range l.File(f) {
			s += fmt.Sprintf("%s: %+v %c %s %s %s %s\n", f, *ch.Commit, ch.Status, ch.Path, ch.OldPath, ch.OldBlob, ch.NewBlob)
		}
	}
	return s
}

// A build that keeps the log (handbook build --cache) reads only the
// commits since the last build's, and gets the log a build reading all of
// them gets; where git's order of the whole history might differ from the
// new commits' log followed by the old (a branch from before the last
// build merged since), it reads them all.
func TestLoadReusingGivesTheWholeLog(t *testing.T) {
	day := historytest.Date
	r := historytest.New(t)
	r.CommitFiles(day(2023, 1, 10), "Add pages", map[string]string{
		"content/escalation.md": "# Escalation\n\nTalk to your manager.\n",
		"content/neglect.md":    "# Neglect\n",
	})
	old := r.CommitFiles(day(2023, 2, 1), "Typo\n\nChange-Note: Managers are line managers.", map[string]string{"content/escalation.md": "# Escalation\n\nTalk to your line manager.\n"})

	var kept *RawLog
	step := func(name string, wantReused bool) {
		t.Helper()
		whole, err := Load(r.Dir)
		if err != nil {
			t.Fatalf("%s: Load: %v", name, err)
		}
		l, next, err := LoadReusing(r.Dir, kept)
		if err != nil {
			t.Fatalf("%s: LoadReusing: %v", name, err)
		}
		if l.reused != wantReused {
			t.Errorf("%s: the earlier log was reused: %v, want %v", name, l.reused, wantReused)
		}
		if got, want := logText(l), logText(whole); got != want {
			t.Errorf("%s: the log read with the earlier one is\n%s\nthe whole log is\n%s", name, got, want)
		}
		kept = next
	}
	step("first build", false)
	step("nothing new", true)

	r.CommitFiles(day(2023, 3, 1), "Edit neglect", map[string]string{"content/neglect.md": "# Neglect\n\nSigns.\n"})
	r.Git("mv", "content/escalation.md", "content/escalation-policy.md")
	r.Commit(day(2023, 4, 1), "Move escalation")
	step("commits since", true)

	// A branch from the last build's commit, merged: every new commit
	// still descends from it alone.
	r.Git("checkout", "-q", "-b", "side")
	r.CommitFiles(day(2023, 5, 1), "Side edit", map[string]string{"content/side.md": "# Side\n"})
	r.Git("checkout", "-q", "main")
	r.CommitFiles(day(2023, 5, 2), "Main edit", map[string]string{"content/neglect.md": "# Neglect\n\nSigns and indicators.\n"})
	r.Git("merge", "-q", "--no-ff", "-m", "Merge side", "side")
	step("a branch from the last build merged", true)

	// A branch from a commit before the last build, merged since.
	r.Git("checkout", "-q", "-b", "late", old)
	r.CommitFiles(day(2023, 2, 15), "Late edit", map[string]string{"content/late.md": "# Late\n"})
	r.Git("checkout", "-q", "main")
	r.Git("merge", "-q", "--no-ff", "-m", "Merge late", "late")
	step("an older branch merged", false)

	// A .mailmap changes the names of every commit's author.
	r.CommitFiles(day(2023, 6, 1), "Names", map[string]string{".mailmap": "Mapped Author <author@example.org>\n"})
	step("a new .mailmap", false)
	step("the same .mailmap", true)
	r.Git("config", "diff.renameLimit", "1")
	step("another rename limit", false)
	r.Git("replace", "--graft", old)
	step("a commit replaced", false)
	r.Git("replace", "-d", old)
	step("no commit replaced", false)
	r.Git("config", "core.useReplaceRefs", "false")
	step("replacements turned off", false)
	// A map of names in a file the configuration names, relative to the
	// folder git runs in: its contents count, not only its name.
	r.Write(map[string]string{"names.txt": "First Name <author@example.org>\n"})
	r.Git("config", "mailmap.file", "names.txt")
	step("a mailmap file", false)
	r.Write(map[string]string{"names.txt": "Second Name <author@example.org>\n"})
	step("the mailmap file changed", false)
	step("the same mailmap file", true)

	// The history rewritten: the last build's commit is no longer an
	// ancestor of HEAD.
	r.Git("reset", "-q", "--hard", "HEAD~2")
	r.CommitFiles(day(2023, 7, 1), "Rewritten", map[string]string{"content/neglect.md": "# Neglect\n\nRewritten.\n"})
	step("history rewritten", false)
	r.Git("reset", "-q", "--hard", "HEAD~1")
	step("HEAD moved back to an ancestor", false)
}

// git settings a machine may have do not change the history read: with
// log.follow git would list the commits of a branch a merge threw away,
// and with log.showRoot=false it would leave out what the first commit
// added.
func TestLoadIgnoresLogSettings(t *testing.T) {
	day := historytest.Date
	r := historytest.New(t)
	r.CommitFiles(day(2023, 1, 10), "Add a page", map[string]string{"content/a.md": "# A\n"})
	r.Git("checkout", "-q", "-b", "side")
	r.CommitFiles(day(2023, 1, 11), "Side edit, thrown away", map[string]string{"content/a.md": "# A\n\nSide.\n"})
	r.Git("checkout", "-q", "main")
	r.Git("merge", "-q", "-s", "ours", "-m", "Merge side, keeping main", "side")
	r.CommitFiles(day(2023, 1, 12), "Main edit", map[string]string{"content/a.md": "# A\n\nMain.\n"})
	plain, err := Load(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	r.Git("config", "log.follow", "true")
	r.Git("config", "log.showRoot", "false")
	set, err := Load(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := logText(set), logText(plain); got != want {
		t.Errorf("with log.follow and log.showRoot=false set, the log is\n%s\nwithout\n%s", got, want)
	}
	if n := len(plain.File("content/a.md")); n != 2 {
		t.Errorf("content/a.md has %d changes, want 2 (added, edited on main): %s", n, logText(plain))
	}
}
