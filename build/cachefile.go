package build

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"io"
	"maps"
	"slices"
	"unsafe"

	"github.com/cespare/xxhash/v2"

	"github.com/rscp/handbook/build/history"
	"github.com/rscp/handbook/build/pagehistory"
)

// The cache folder's file is a binary record of savedCache rather than gob.
// On a site of 5,000 pages and 25,000 commits it holds about 100 MB (the
// text of 15,000 earlier versions, 83,000 draft flags, 10,000 diffs of
// 320,000 runs of words), which gob took 1.6 s to read and 2.1 s to write
// on every build that used it. Read, the whole file is one string that
// every text and run of words is a part of: nothing is copied.
//
// The file is: cacheMagic; the key; the texts (a count, then each blob id
// and text); the draft flags (a count, then each blob id and a byte); the
// diffs by text (a count, then each: its key's 64 bytes, then the diff: its
// number of paragraphs and of runs, each paragraph's number of runs, and
// each run's operation and text); the change pages' diffs by version (a
// count, then each: the blob ids before and after, the redactions' key,
// and the diff); and last
// the xxHash64 of all before it, so a file cut short or damaged is not
// used. Lengths and counts are unsigned varints.
const cacheMagic = "handbook build cache 3\n"

// errBadCache is what decodeCache says of a file it cannot use: the build
// then starts again without it.
var errBadCache = errors.New("not a cache this program wrote, or damaged")

// encodeCache writes s to w. It writes as it goes: the file is a tenth of
// a gigabyte on a long history, and one buffer of it took longer to
// allocate than the rest of the work.
func encodeCache(w io.Writer, s savedCache) error {
	sw := newSealedWriter(w)
	bw := sw.bw
	var buf [binary.MaxVarintLen64]byte
	number := func(v int) {
		_, _ = bw.Write(binary.AppendUvarint(buf[:0], uint64(v)))
	}
	str := func(v string) {
		number(len(v))
		_, _ = bw.WriteString(v)
	}
	_, _ = bw.WriteString(cacheMagic)
	str(s.Key)
	// In order of key, so that the same cache makes the same file.
	number(len(s.Versions.Texts))
	for _, id := range slices.Sorted(maps.Keys(s.Versions.Texts)) {
		str(id)
		str(s.Versions.Texts[id])
	}
	number(len(s.Versions.Drafts))
	for _, id := range slices.Sorted(maps.Keys(s.Versions.Drafts)) {
		str(id)
		if s.Versions.Drafts[id] {
			_ = bw.WriteByte(1)
		} else {
			_ = bw.WriteByte(0)
		}
	}
	number(len(s.Diffs))
	keys := slices.SortedFunc(maps.Keys(s.Diffs), func(x, y history.DiffKey) int {
		return cmp.Or(bytes.Compare(x[0][:], y[0][:]), bytes.Compare(x[1][:], y[1][:]))
	})
	diff := func(d [][]history.Segment) {
		runs := 0
		for _, p := range d {
			runs += len(p)
		}
		number(len(d))
		number(runs)
		for _, p := range d {
			number(len(p))
		}
		for _, p := range d {
			for _, seg := range p {
				_ = bw.WriteByte(byte(seg.Op + 1)) // Delete, Equal, Insert: 0, 1, 2
				str(seg.Text)
			}
		}
	}
	for _, k := range keys {
		_, _ = bw.Write(k[0][:])
		_, _ = bw.Write(k[1][:])
		diff(s.Diffs[k])
	}
	number(len(s.Versions.Diffs))
	pairs := slices.SortedFunc(maps.Keys(s.Versions.Diffs), func(x, y pagehistory.VersionPair) int {
		return cmp.Or(cmp.Compare(x[0], y[0]), cmp.Compare(x[1], y[1]), cmp.Compare(x[2], y[2]))
	})
	for _, k := range pairs {
		str(k[0])
		str(k[1])
		str(k[2])
		diff(s.Versions.Diffs[k])
	}
	return sw.seal()
}

// decodeCache reads what encodeCache wrote. The strings it returns are
// parts of data, which must not change afterwards.
func decodeCache(data []byte) (savedCache, error) {
	d, ok := openSealed(data, cacheMagic)
	if !ok {
		return savedCache{}, errBadCache
	}
	var s savedCache
	s.Key = d.str()
	// Blob ids are 40 or 64 hex digits, so an entry takes at least
	// minEntry bytes; a count larger than the rest of the file could hold
	// is refused before anything is made for it.
	texts := d.count(minEntry)
	s.Versions.Texts = make(map[string]string, texts)
	for range texts {
		id := d.blobID()
		s.Versions.Texts[id] = d.str()
	}
	drafts := d.count(minEntry)
	s.Versions.Drafts = make(map[string]bool, drafts)
	for range drafts {
		id := d.blobID()
		s.Versions.Drafts[id] = d.byte() == 1
	}
	diffs := d.count(66)
	s.Diffs = make(map[history.DiffKey][][]history.Segment, diffs)
	for range diffs {
		var k history.DiffKey
		copy(k[0][:], d.take(32))
		copy(k[1][:], d.take(32))
		diff := d.diff()
		if d.bad {
			break
		}
		s.Diffs[k] = diff
	}
	// A page added has no version before it: "".
	pairs := d.count(minEntry + 1)
	s.Versions.Diffs = make(map[pagehistory.VersionPair][][]history.Segment, pairs)
	for range pairs {
		var k pagehistory.VersionPair
		if k[0] = d.str(); k[0] != "" && len(k[0]) != 40 && len(k[0]) != 64 {
			d.bad = true
		}
		k[1] = d.blobID()
		k[2] = d.str()
		diff := d.diff()
		if d.bad {
			break
		}
		s.Versions.Diffs[k] = diff
	}
	if d.bad || d.at != len(d.s) {
		return savedCache{}, errBadCache
	}
	return s, nil
}

// sealedWriter writes a file of the cache folder through a buffer,
// keeping the xxHash64 of what it wrote, which seal adds at the end.
type sealedWriter struct {
	w   io.Writer
	sum *xxhash.Digest
	bw  *bufio.Writer
}

func newSealedWriter(w io.Writer) *sealedWriter {
	sum := xxhash.New()
	return &sealedWriter{w: w, sum: sum, bw: bufio.NewWriterSize(io.MultiWriter(w, sum), 256<<10)}
}

// seal writes what is buffered, then the checksum of all of it.
func (sw *sealedWriter) seal() error {
	if err := sw.bw.Flush(); err != nil {
		return err
	}
	_, err := sw.w.Write(binary.BigEndian.AppendUint64(nil, sw.sum.Sum64()))
	return err
}

// openSealed checks that data starts with magic and ends with the
// checksum of the rest, and returns a decoder of what follows magic. The
// decoder's strings are parts of data, which must not change afterwards.
func openSealed(data []byte, magic string) (*cacheDecoder, bool) {
	n := len(data) - 8
	if n < len(magic) || string(data[:len(magic)]) != magic ||
		xxhash.Sum64(data[:n]) != binary.BigEndian.Uint64(data[n:]) {
		return nil, false
	}
	// One string for the whole file; data is never written again.
	return &cacheDecoder{b: data[:n], s: unsafe.String(unsafe.SliceData(data), n), at: len(magic)}, true
}

// cacheDecoder reads the parts of a cache file in order: b is the file
// and s the same bytes as a string. Past the first problem it marks the
// file bad and gives zero values.
type cacheDecoder struct {
	b   []byte
	s   string
	at  int
	bad bool
}

func (d *cacheDecoder) uvarint() uint64 {
	if d.bad {
		return 0
	}
	v, n := binary.Uvarint(d.b[d.at:])
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.at += n
	return v
}

// count reads a count of things that each take at least each bytes of
// what is left (0: a count checked by the caller), so that a damaged
// count cannot make the reader allocate more than the file could hold.
func (d *cacheDecoder) count(each int) int {
	v := d.uvarint()
	if left := uint64(len(d.s) - d.at); v > left || (each > 0 && v > left/uint64(each)) {
		d.bad = true
		return 0
	}
	return int(v)
}

func (d *cacheDecoder) take(n int) string {
	if d.bad || n > len(d.s)-d.at {
		d.bad = true
		return ""
	}
	v := d.s[d.at : d.at+n]
	d.at += n
	return v
}

func (d *cacheDecoder) str() string { return d.take(d.count(1)) }

// diff reads a diff: its number of paragraphs and of runs, each
// paragraph's number of runs, and the runs. What is made grows with what
// is read, not with what the counts claim.
func (d *cacheDecoder) diff() [][]history.Segment {
	paras, runs := d.count(1), d.count(2)
	var counts []int
	total := 0
	for range paras {
		m := d.count(0)
		if d.bad {
			return nil
		}
		counts, total = append(counts, m), total+m
	}
	if total != runs {
		d.bad = true
		return nil
	}
	var segs []history.Segment
	for range runs {
		op := history.Op(d.byte()) - 1
		if op < history.Delete || op > history.Insert {
			d.bad = true
		}
		if d.bad {
			return nil
		}
		segs = append(segs, history.Segment{Op: op, Text: d.str()})
	}
	diff := make([][]history.Segment, len(counts))
	used := 0
	for i, m := range counts {
		diff[i] = segs[used : used+m : used+m]
		used += m
	}
	return diff
}

// minEntry is the fewest bytes a text or draft flag takes: a blob id's
// length and 40 digits, and the text's length or the flag.
const minEntry = 42

// blobID reads a blob id: 40 or 64 hex digits (SHA-1 or SHA-256).
func (d *cacheDecoder) blobID() string {
	id := d.str()
	if len(id) != 40 && len(id) != 64 {
		d.bad = true
	}
	return id
}

func (d *cacheDecoder) byte() byte {
	if v := d.take(1); v != "" {
		return v[0]
	}
	return 0
}

// The log file (logFile) keeps the git log a build read (history.RawLog),
// so that the next build asks git only for the commits made since. It is
// logMagic, the cache's key, the log's commit, its own key and git's
// output, then the xxHash64 of all before it.
const logMagic = "handbook git log cache 1\n"

func encodeLog(w io.Writer, key string, l *history.RawLog) error {
	sw := newSealedWriter(w)
	var buf [binary.MaxVarintLen64]byte
	str := func(v []byte) {
		_, _ = sw.bw.Write(binary.AppendUvarint(buf[:0], uint64(len(v))))
		_, _ = sw.bw.Write(v)
	}
	_, _ = sw.bw.WriteString(logMagic)
	str([]byte(key))
	str([]byte(l.Head))
	str([]byte(l.Key))
	str(l.Raw)
	return sw.seal()
}

// decodeLog reads what encodeLog wrote, and the cache key it was written
// with. The log's output is part of data, which must not change afterwards.
func decodeLog(data []byte) (key string, l *history.RawLog, err error) {
	d, ok := openSealed(data, logMagic)
	if !ok {
		return "", nil, errBadCache
	}
	key = d.str()
	l = &history.RawLog{Head: d.str(), Key: d.str()}
	size := d.count(1)
	if !d.bad {
		l.Raw = d.b[d.at : d.at+size : d.at+size]
		d.at += size
	}
	if d.bad || d.at != len(d.s) {
		return "", nil, errBadCache
	}
	return key, l, nil
}
