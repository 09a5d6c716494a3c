package serve

import (
	"os"
	"runtime/debug"
	"testing"
)

// The first build runs with a larger heap goal, put back afterwards; a
// GOGC the user set is never changed.
func TestStartupGC(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)

	t.Setenv("GOGC", "")
	restore := startupGC()
	if got := debug.SetGCPercent(startupGCPercent); got != 100 {
		t.Errorf("GOGC set by the user (even empty): the setting became %d, want it left at 100", got)
	}
	restore()

	debug.SetGCPercent(100)
	unsetenv(t, "GOGC")
	restore = startupGC()
	if got := debug.SetGCPercent(startupGCPercent); got != startupGCPercent {
		t.Errorf("during the first build the setting is %d, want %d", got, startupGCPercent)
	}
	restore()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("after the first build the setting is %d, want 100 again", got)
	}
}

// unsetenv removes name from the environment for the rest of the test.
func unsetenv(t *testing.T, name string) {
	t.Helper()
	t.Setenv(name, "") // restores the old value after the test
	if err := os.Unsetenv(name); err != nil {
		t.Fatal(err)
	}
}
