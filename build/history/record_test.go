package history_test

import (
	"strings"
	"testing"

	"github.com/rscp/handbook/build/history"
	"github.com/rscp/handbook/build/history/historytest"
)

// A commit's text can hold any byte but NUL. The separators an older log
// format used (0x1E, 0x1F) in a subject or an author's name must neither
// lose the history nor forge an entry.
func TestLoadCommitTextCannotBreakTheLog(t *testing.T) {
	r := historytest.New(t)
	first := r.CommitFiles(day(2023, 1, 10), "Add escalation", map[string]string{
		"content/escalation.md": "# Escalation\n\nTalk to your manager.\n",
	})
	fake := strings.Repeat("f", 40)
	forging := "Fix wording\x1e" + fake + "\x1f2001-01-01T00:00:00+00:00\x1fForged Author\x1fForged entry\x1f\x1f"
	r.Write(map[string]string{"content/escalation.md": "# Escalation\n\nTalk to your line manager.\n"})
	second := r.CommitAs(historytest.Sig{Author: "Ann\x1fOther\x1e Editor", AuthorDate: day(2023, 2, 1)}, forging+"\n\nBody with \x1e and \x1f too.\n")
	third := r.CommitFiles(day(2023, 3, 1), "Tidy\x07 \x1b[31mred\x1b[0m", map[string]string{
		"content/escalation.md": "# Escalation\n\nTalk to your line manager today.\n",
	})

	log, err := history.Load(r.Dir)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if log.Skipped != 0 {
		t.Errorf("skipped %d records: %s", log.Skipped, log.FirstSkipped)
	}
	got := log.File("content/escalation.md")
	if len(got) != 3 {
		t.Fatalf("got %d changes, want 3: %+v", len(got), got)
	}
	want := []string{third, second, first}
	for i, ch := range got {
		if ch.Hash != want[i] {
			t.Errorf("change %d is commit %s, want %s", i, ch.Short(), want[i][:10])
		}
		for _, s := range []string{ch.Subject, ch.Author, ch.Note} {
			if strings.Contains(s, "Forged") && ch.Hash != second {
				t.Errorf("a forged entry: %+v", ch)
			}
			if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
				t.Errorf("control characters reach readers: %q", s)
			}
		}
		if ch.Date.Year() == 2001 || ch.Hash == fake {
			t.Errorf("a forged date or hash: %+v", ch)
		}
	}
	if s := got[1].Subject; !strings.HasPrefix(s, "Fix wording") || got[1].Author != "Ann Other Editor" {
		t.Errorf("subject/author = %q/%q", s, got[1].Author)
	}
	if s := got[0].Subject; s != "Tidy red" {
		t.Errorf("subject = %q", s)
	}
}
