//go:build unix

package output

import (
	"bytes"
	"io/fs"
	"sync"
	"syscall"
)

// writeFile writes data to a new file at name, as os.WriteFile does, with
// plain system calls. os.OpenFile offers every file to the runtime's network
// poller: on Linux that costs four fcntl calls and a failing epoll_ctl per
// regular file, plus a finalizer, which for the thousands of small files of
// a site was as many system calls as the writing itself.
func writeFile(name string, data []byte, perm fs.FileMode) error {
	fd, err := open(name, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC|syscall.O_CLOEXEC|syscall.O_NOFOLLOW, uint32(perm))
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

// readBufs holds the buffers sameBytes reads files into.
var readBufs = sync.Pool{New: func() any { return new([]byte) }}

// sameBytes reports whether the file name holds exactly data, reading it
// with plain system calls, as writeFile writes.
func sameBytes(name string, data []byte) bool {
	fd, err := open(name, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return false
	}
	defer syscall.Close(fd)
	bp := readBufs.Get().(*[]byte)
	defer readBufs.Put(bp)
	if cap(*bp) < len(data)+1 {
		*bp = make([]byte, len(data)+1)
	}
	buf := (*bp)[:len(data)+1]
	n := 0
	for n < len(buf) {
		m, err := syscall.Read(fd, buf[n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return false
		}
		if m == 0 {
			break
		}
		n += m
	}
	return n == len(data) && bytes.Equal(buf[:n], data)
}
