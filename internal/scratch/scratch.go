// Package scratch makes the temporary folders handbook works in (the
// search index while it is built, the preview's index), and removes those
// that a killed handbook left behind.
package scratch

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// started is about when this process started: a folder changed after it
// may belong to a handbook that is running now.
var started = time.Now()

// Dir makes a new folder named <prefix>-<pid>-<random> in the system's
// temporary folder. First it removes the folders of the same prefix left
// by handbook processes that are no longer running: only folders whose
// name carries the process id of a process that has ended, and that were
// last changed before this process started, so that nothing of another
// program, or of a handbook still at work, is ever touched.
func Dir(prefix string) (string, error) {
	RemoveStale(prefix)
	return os.MkdirTemp("", prefix+"-"+strconv.Itoa(os.Getpid())+"-")
}

// RemoveStale removes the folders Dir made with prefix in processes that
// have ended (see Dir).
func RemoveStale(prefix string) {
	tmp := os.TempDir()
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix+"-")
		if !ok || !e.IsDir() {
			continue
		}
		pidText, random, ok := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid <= 0 || pid == os.Getpid() || !digits(random) {
			continue
		}
		info, err := e.Info()
		if err != nil || !info.ModTime().Before(started) || running(pid) {
			continue
		}
		_ = os.RemoveAll(filepath.Join(tmp, e.Name()))
	}
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
