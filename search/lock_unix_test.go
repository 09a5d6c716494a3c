//go:build unix

package search

import (
	"errors"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// assertSharedLockGranted fails the test unless another open file can take a
// shared flock on path without waiting: true while every holder is a reader.
func assertSharedLockGranted(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	err = unix.Flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) {
		t.Fatalf("%s is locked for writing: the index was opened read-write", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	_ = unix.Flock(int(f.Fd()), unix.LOCK_UN)
}
