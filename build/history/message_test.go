package history_test

import (
	"testing"
	"time"

	"github.com/rscp/handbook/build/history"
)

func TestReadMessage(t *testing.T) {
	const note = "Stage 2 must now be reached within 5 working days."
	tests := []struct {
		name, msg, note string
		date            time.Time
		problem         bool
	}{
		{name: "trailer", msg: "Escalation\n\nChange-Note: " + note + "\nSigned-off-by: A <a@example.org>\n", note: note},
		{name: "space and lower case", msg: "Escalation\n\nchange note: " + note + "\n", note: note},
		{name: "upper case, no hyphen", msg: "Escalation\n\nCHANGE NOTE:   " + note + "\n", note: note},
		{name: "followed by a paragraph", msg: "Escalation\n\nChange Note: " + note + "\n\nThe review asked for it.\n", note: note},
		{name: "wrapped over two lines", msg: "Escalation\n\nChange-Note: Stage 2 must now be reached\nwithin 5 working days.\n", note: note},
		{name: "wrapped and indented, then a trailer", msg: "Escalation\n\nChange-Note: Stage 2 must now be reached\n  within 5 working days.\nCo-authored-by: B <b@example.org>\n", note: note},
		{
			name: "GitHub squash merge",
			msg: "Update escalation timescales (#42)\n\n* Update escalation timescales\n\nChange-Note: " + note +
				"\n\n* Fix typo\n\n* Review comments\n\n---------\n\nCo-authored-by: Ann Editor <ann@example.org>\n",
			note: note,
		},
		{name: "as a list item of a squash merge", msg: "Squash (#7)\n\n* Change-Note: " + note + "\n* Fix typo\n", note: note},
		{name: "two notes", msg: "Two\n\nChange-Note: One.\n\n* Other\n\nChange-Note: Two.\n", note: "One. Two."},
		{name: "none", msg: "Fix a typo\n\nNothing for readers.\n"},
		{name: "empty note", msg: "Fix\n\nChange-Note:\n"},
		{name: "the words in a sentence", msg: "Fix\n\nThis is not a change note: it says so.\n"},
		{name: "control characters", msg: "Fix\n\nChange-Note: Ring\x07 the \x1b[1mMASH\x1e.\n", note: "Ring the MASH ."},
		{name: "date", msg: "Fix\n\nChange-Note: " + note + "\nChange-Date: 2026-12-03\n", note: note, date: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)},
		{name: "date, other spelling", msg: "Fix\n\nchange date: 2026-12-03\n", date: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)},
		{name: "bad date", msg: "Fix\n\nChange-Date: 3 December\n", problem: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := history.ReadMessage(tt.msg)
			if m.Note != tt.note {
				t.Errorf("note = %q, want %q", m.Note, tt.note)
			}
			if !m.Date.Equal(tt.date) {
				t.Errorf("date = %v, want %v", m.Date, tt.date)
			}
			if (m.Problem != "") != tt.problem {
				t.Errorf("problem = %q", m.Problem)
			}
		})
	}
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                    "plain",
		"  spaced  out\t\ttabs\n":  "spaced out tabs",
		"bell\x07 and \x1b escape": "bell and escape",
		"\x1b[31mred\x1b[0m text":  "red text",
		"cut \x1b[3":               "cut",
		"rs\x1eus\x1fgs\x1d":       "rs us gs",
		"bidi \u202Eevil\u202C":    "bidi evil",
		"bad \xff utf-8":           "bad utf-8",
		"del\x7fete":               "del ete",
	} {
		if got := history.Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}
