package serve

import (
	"os"
	"runtime/debug"
)

// startupGCPercent is the collector's setting while the first build runs.
const startupGCPercent = 300

// startupGC lets the heap grow to four times what is live, not twice,
// while the first build reads and parses every page, as the Go compiler
// does when it starts (cmd/compile's AdjustStartingHeap): the heap grows
// from nothing to hundreds of megabytes, and the many collections on the
// way find little garbage. On 5,000 pages this brings the first page
// from 1.53–1.55 s to 1.45–1.48 s after start (bench/servetime, see
// docs/performance.md). It returns what puts the setting back. A GOGC
// the user set is left alone.
func startupGC() (restore func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	old := debug.SetGCPercent(startupGCPercent)
	return func() { debug.SetGCPercent(old) }
}
