//go:build linux

package output

import (
	"io/fs"
	"syscall"
)

// keyOf is the stat key of what info describes, from its lstat.
func keyOf(info fs.FileInfo) (statKey, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return statKey{}, false
	}
	return statKey{dev: uint64(st.Dev), ino: uint64(st.Ino), size: int64(st.Size), mode: uint32(st.Mode),
		mtime: st.Mtim.Nano(), ctime: st.Ctim.Nano()}, true
}
