//go:build unix

package output

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lock takes an exclusive lock on the folder that holds dir, so two builds
// into the same folder take turns instead of corrupting it. Locking the
// parent leaves no lock file behind.
func lock(dir string) (func(), error) {
	f, err := os.Open(filepath.Dir(dir))
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("%w: %v", ErrLocked, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
