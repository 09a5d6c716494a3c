//go:build unix

package scratch

import (
	"errors"
	"syscall"
)

// running reports whether a process with the id pid exists. A process of
// another user counts as running.
func running(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || !errors.Is(err, syscall.ESRCH)
}
