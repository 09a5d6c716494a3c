// Package record writes and reads the binary files a build keeps for the
// builds after it (the output folder's record of kept files, the cache
// folder's files). Such a file is a magic line naming its format, fields
// of unsigned or signed varints and length-prefixed bytes, and last the
// xxHash64 of all before it, so that a file cut short or damaged is
// refused whole. Reading checks every count against what is left of the
// file, so that a damaged count cannot make the reader allocate more than
// the file could hold.
package record

import (
	"bufio"
	"encoding/binary"
	"io"
	"unsafe"

	"github.com/cespare/xxhash/v2"
)

// Sum is the checksum a file ends with (xxHash64).
func Sum(data []byte) uint64 { return xxhash.Sum64(data) }

// Seal appends the checksum of b to it.
func Seal(b []byte) []byte { return binary.BigEndian.AppendUint64(b, Sum(b)) }

// Open checks that data starts with magic and ends with the checksum of
// all before it, and returns a decoder of what lies between.
func Open(data []byte, magic string) (*Decoder, bool) {
	n := len(data) - 8
	if n < len(magic) || string(data[:len(magic)]) != magic || Sum(data[:n]) != binary.BigEndian.Uint64(data[n:]) {
		return nil, false
	}
	return NewDecoder(data[len(magic):n]), true
}

// Decoder reads fields in order. Past the first problem it is Bad and
// gives zero values. The strings it gives are parts of the bytes it was
// made with, which must not change afterwards.
type Decoder struct {
	b   []byte
	s   string // b, as a string: nothing is copied
	at  int
	bad bool
}

// NewDecoder reads b.
func NewDecoder(b []byte) *Decoder {
	return &Decoder{b: b, s: unsafe.String(unsafe.SliceData(b), len(b))}
}

// Bad reports whether a field could not be read.
func (d *Decoder) Bad() bool { return d.bad }

// Fail marks what is being read as bad.
func (d *Decoder) Fail() { d.bad = true }

// Left is how many bytes are left to read.
func (d *Decoder) Left() int { return len(d.b) - d.at }

// Uint reads an unsigned varint, which must be at most most (-1: any).
func (d *Decoder) Uint(most int) uint64 {
	if d.bad {
		return 0
	}
	v, n := binary.Uvarint(d.b[d.at:])
	if n <= 0 || most >= 0 && v > uint64(most) {
		d.bad = true
		return 0
	}
	d.at += n
	return v
}

// Int reads a signed varint.
func (d *Decoder) Int() int64 {
	if d.bad {
		return 0
	}
	v, n := binary.Varint(d.b[d.at:])
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.at += n
	return v
}

// Count reads a count of things that each take at least each bytes of
// what is left (0: a count no larger than the bytes left, whose things
// the caller checks).
func (d *Decoder) Count(each int) int {
	most := d.Left()
	if each > 0 {
		most /= each
	}
	return int(d.Uint(most))
}

// Bytes reads the next n bytes.
func (d *Decoder) Bytes(n int) []byte {
	if d.bad || n < 0 || n > d.Left() {
		d.bad = true
		return nil
	}
	v := d.b[d.at : d.at+n : d.at+n]
	d.at += n
	return v
}

// String reads the next n bytes as a string.
func (d *Decoder) String(n int) string {
	if d.bad || n < 0 || n > d.Left() {
		d.bad = true
		return ""
	}
	v := d.s[d.at : d.at+n]
	d.at += n
	return v
}

// Str reads a length and that many bytes, as a string.
func (d *Decoder) Str() string { return d.String(d.Count(1)) }

// Byte reads one byte.
func (d *Decoder) Byte() byte {
	if v := d.String(1); v != "" {
		return v[0]
	}
	return 0
}

// Uint64 reads 8 bytes, big-endian.
func (d *Decoder) Uint64() uint64 {
	if v := d.Bytes(8); v != nil {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

// Writer writes a file field by field through a buffer, keeping the
// checksum of what it wrote, which Close adds at the end.
type Writer struct {
	w   io.Writer
	sum *xxhash.Digest
	bw  *bufio.Writer
	buf [binary.MaxVarintLen64]byte
}

// NewWriter starts a file of the format magic on w.
func NewWriter(w io.Writer, magic string) *Writer {
	sum := xxhash.New()
	rw := &Writer{w: w, sum: sum, bw: bufio.NewWriterSize(io.MultiWriter(w, sum), 256<<10)}
	_, _ = rw.bw.WriteString(magic)
	return rw
}

// Uint writes an unsigned varint. Errors are Close's.
func (w *Writer) Uint(v int) { _, _ = w.bw.Write(binary.AppendUvarint(w.buf[:0], uint64(v))) }

// Str writes the length of v, then v.
func (w *Writer) Str(v string) {
	w.Uint(len(v))
	_, _ = w.bw.WriteString(v)
}

// Bytes writes b as it is.
func (w *Writer) Bytes(b []byte) { _, _ = w.bw.Write(b) }

// Byte writes one byte.
func (w *Writer) Byte(c byte) { _ = w.bw.WriteByte(c) }

// Close writes what is buffered, then the checksum of all of it.
func (w *Writer) Close() error {
	if err := w.bw.Flush(); err != nil {
		return err
	}
	_, err := w.w.Write(binary.BigEndian.AppendUint64(nil, w.sum.Sum64()))
	return err
}
