package localfs

import (
	"os"
	"runtime"
	"testing"
)

// TestTrusted: the test's own temporary folder is on a local disk or
// tmpfs on a Linux machine; /proc, which no build writes to, is not one
// of the file systems whose stat data is trusted.
func TestTrusted(t *testing.T) {
	if runtime.GOOS != "linux" {
		if Trusted(t.TempDir()) {
			t.Error("a folder is trusted where the change time is not at hand")
		}
		return
	}
	if _, err := os.Stat("/proc/self"); err == nil && Trusted("/proc/self") {
		t.Error("/proc is trusted")
	}
	if !Trusted(t.TempDir()) {
		t.Skipf("the temporary folder %s is not on a local file system here", t.TempDir())
	}
}
