//go:build linux

// Package localfs says whether a folder is on a file system whose stat
// data can be trusted to show every change to a file at once: the build's
// record of kept output files (build/output) and its stamp of the files
// it read (build/stamp) skip reading a file whose device, inode, size and
// times are as recorded, and must not on the others.
package localfs

import "golang.org/x/sys/unix"

// local are the file systems whose lstat is the file's own, at once, by
// the low 32 bits of their statfs type (32 bits wide on some systems).
// Network file systems (NFS, SMB) and FUSE answer lstat from a cache for
// up to a minute and take times from another machine's clock, so a file
// changed there could look unchanged.
var local = map[uint32]bool{
	unix.EXT4_SUPER_MAGIC:      true, // also ext2 and ext3
	unix.XFS_SUPER_MAGIC:       true,
	unix.BTRFS_SUPER_MAGIC:     true,
	unix.TMPFS_MAGIC:           true,
	unix.F2FS_SUPER_MAGIC:      true,
	unix.OVERLAYFS_SUPER_MAGIC: true, // containers: the files are the upper layer's
	0x2fc12fc1:                 true, // ZFS
}

// Trusted reports whether dir is on such a file system.
func Trusted(dir string) bool {
	var st unix.Statfs_t
	return unix.Statfs(dir, &st) == nil && local[uint32(st.Type)]
}
