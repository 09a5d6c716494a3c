package stamp

import (
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// racyWindow is how long before a build a file must have last changed
// for its key to be trusted: longer than any file system's clock tick.
var racyWindow = 2 * time.Second

// fileKey says which file is at path (following links) and when it last
// changed: its device, inode, size, mode and modification and change
// times. A file whose key is the same has the same bytes, as git assumes
// of its index; the change time cannot be set back by a program, as the
// modification time can. A file changed less than racyWindow before
// since is not keyed (""): a change within the file system's clock tick
// could leave the key as it was (git's "racy" files).
func fileKey(path string, since time.Time) string {
	var st unix.Stat_t
	if unix.Stat(path, &st) != nil {
		return ""
	}
	if !time.Unix(st.Ctim.Unix()).Before(since.Add(-racyWindow)) {
		return ""
	}
	return fmt.Sprintf("%d %d %d %o %d.%d %d.%d", st.Dev, st.Ino, st.Size, st.Mode,
		st.Mtim.Sec, st.Mtim.Nsec, st.Ctim.Sec, st.Ctim.Nsec)
}
