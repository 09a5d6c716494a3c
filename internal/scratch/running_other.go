//go:build !unix

package scratch

// running reports whether a process with the id pid may exist: where it
// cannot be asked, every process counts as running, and nothing is removed.
func running(pid int) bool { return true }
