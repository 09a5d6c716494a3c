//go:build unix

package output

import (
	"io/fs"
	"syscall"
)

// writeFile writes data to a new file at name, as os.WriteFile does, with
// plain system calls. os.OpenFile offers every file to the runtime's network
// poller: on Linux that costs four fcntl calls and a failing epoll_ctl per
// regular file, plus a finalizer, which for the thousands of small files of
// a site was as many system calls as the writing itself.
func writeFile(name string, data []byte, perm fs.FileMode) error {
	fd, err := open(name, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC|syscall.O_CLOEXEC, uint32(perm))
	if err != nil {
		return &fs.PathError{Op: "open", Path: name, Err: err}
	}
	for len(data) > 0 && err == nil {
		var n int
		n, err = syscall.Write(fd, data)
		if err == syscall.EINTR {
			err = nil
			continue
		}
		if n == 0 && err == nil {
			err = syscall.EIO // a regular file never takes nothing
		}
		data = data[max(n, 0):]
	}
	if cerr := syscall.Close(fd); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return &fs.PathError{Op: "write", Path: name, Err: err}
	}
	return nil
}

// open is syscall.Open, tried again when a signal interrupts it.
func open(name string, flags int, perm uint32) (int, error) {
	for {
		fd, err := syscall.Open(name, flags, perm)
		if err != syscall.EINTR {
			return fd, err
		}
	}
}
