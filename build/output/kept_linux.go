//go:build linux

package output

import (
	"io/fs"
	"syscall"

	"golang.org/x/sys/unix"
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

// localFileSystems are the file systems whose lstat is the file's own,
// at once, by the low 32 bits of their statfs type (32 bits wide on some
// systems). Network file systems (NFS, SMB) and FUSE answer lstat from a
// cache for up to a minute and take times from another machine's clock,
// so a file changed there could look unchanged: on those, every file is
// compared by its bytes.
var localFileSystems = map[uint32]bool{
	unix.EXT4_SUPER_MAGIC:      true, // also ext2 and ext3
	unix.XFS_SUPER_MAGIC:       true,
	unix.BTRFS_SUPER_MAGIC:     true,
	unix.TMPFS_MAGIC:           true,
	unix.F2FS_SUPER_MAGIC:      true,
	unix.OVERLAYFS_SUPER_MAGIC: true, // containers: the files are the upper layer's
	0x2fc12fc1:                 true, // ZFS
}

// keysTrusted reports whether the folder dir is on a file system whose
// stat keys can be trusted.
func keysTrusted(dir string) bool {
	var st unix.Statfs_t
	return unix.Statfs(dir, &st) == nil && localFileSystems[uint32(st.Type)]
}
