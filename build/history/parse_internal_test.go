package history

import (
	"bufio"
	"strings"
	"testing"
)

// One record that does not read as a commit costs that record only.
func TestParseSkipsABadRecord(t *testing.T) {
	h1, h2, h3 := strings.Repeat("a", 40), strings.Repeat("b", 40), strings.Repeat("c", 40)
	blob := strings.Repeat("1", 40)
	zero := strings.Repeat("0", 40)
	commit := func(hash, date, subject string) string {
		return hash + "\x00" + date + "\x00Ann\x00" + subject + "\x00" + subject + "\n\x00\x00\n" +
			":000000 100644 " + zero + " " + blob + " A\x00content/" + subject + ".md\x00"
	}
	out := commit(h1, "2024-03-01T10:00:00+00:00", "three") +
		commit(h2, "not a date", "two") +
		"stray\x00" +
		commit(h3, "2024-01-01T10:00:00+00:00", "one")
	l := &Log{files: map[string][]Change{}}
	if err := l.parse(bufio.NewReader(strings.NewReader(out))); err != nil {
		t.Fatal(err)
	}
	if l.Skipped != 2 || !strings.Contains(l.FirstSkipped, "not a date") {
		t.Errorf("skipped %d (%s), want 2: the bad date and the stray field", l.Skipped, l.FirstSkipped)
	}
	if len(l.File("content/three.md")) != 1 || len(l.File("content/one.md")) != 1 || l.File("content/two.md") != nil {
		t.Errorf("files = %v", l.Files())
	}
}
