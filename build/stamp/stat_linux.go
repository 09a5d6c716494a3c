package stamp

import (
	"fmt"
	"io/fs"
	"syscall"
	"time"
)

// racyWindow is how long before a build a file must have last changed
// for its key to be trusted: longer than any file system's clock tick.
var racyWindow = 2 * time.Second

// statKey says which file st is and when it last changed: its device,
// inode, size, mode and modification and change times. A file whose key
// is the same has the same bytes, as git assumes of its index; the change
// time cannot be set back by a program, as the modification time can. A
// file changed less than two seconds before since is not keyed (""): a
// change within the file system's clock tick could leave the key as it
// was (git's "racy" files).
func statKey(st fs.FileInfo, since time.Time) string {
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	changed := time.Unix(sys.Ctim.Unix())
	if !changed.Before(since.Add(-racyWindow)) {
		return ""
	}
	return fmt.Sprintf("%d %d %d %v %d.%d %d.%d", sys.Dev, sys.Ino, st.Size(), st.Mode(),
		sys.Mtim.Sec, sys.Mtim.Nsec, sys.Ctim.Sec, sys.Ctim.Nsec)
}
