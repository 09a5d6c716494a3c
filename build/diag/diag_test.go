package diag

import (
	"errors"
	"testing"
)

// An error handed back must not change when the list it came from grows:
// a caller may keep it while the build goes on collecting problems.
func TestErrIsASnapshot(t *testing.T) {
	var l List
	l.Errorf("content/a.md", 3, "first problem")
	err := l.Err()
	if err == nil {
		t.Fatal("Err() = nil with an error in the list")
	}
	before := err.Error()
	l.Errorf("content/b.md", 1, "later problem")
	if after := err.Error(); after != before {
		t.Errorf("the returned error changed after the list grew:\nbefore: %s\nafter:  %s", before, after)
	}
	var be *BuildError
	if !errors.As(err, &be) {
		t.Fatalf("Err() is %T, not a *BuildError", err)
	}
	if n, _ := be.List.Count(); n != 1 {
		t.Errorf("the error's list has %d errors, want 1", n)
	}
}

func TestErrNilWithoutErrors(t *testing.T) {
	var l List
	l.Warnf("content/a.md", 1, "only a warning")
	if err := l.Err(); err != nil {
		t.Errorf("Err() = %v with only warnings", err)
	}
}
