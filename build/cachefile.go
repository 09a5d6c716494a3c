package build

import (
	"bytes"
	"cmp"
	"errors"
	"io"
	"maps"
	"slices"

	"github.com/rscp/handbook/build/history"
	"github.com/rscp/handbook/build/pagehistory"
	"github.com/rscp/handbook/internal/record"
)

// The cache folder's file is a binary record of savedCache rather than gob.
// On a site of 5,000 pages and 25,000 commits it holds about 100 MB (the
// text of 15,000 earlier versions, 83,000 draft flags, 10,000 diffs of
// 320,000 runs of words), which gob took 1.6 s to read and 2.1 s to write
// on every build that used it. Read, the whole file is one string that
// every text and run of words is a part of: nothing is copied.
//
// It is a record file (internal/record: a magic line, varints, and a
// checksum at the end): the key; the texts (a count, then each blob id
// and text); the draft flags (a count, then each blob id and a byte); the
// diffs by text (a count, then each: its key's 64 bytes and the diff,
// writeDiff); and the change pages' diffs by version (a count, then each:
// the blob ids before and after, the redactions' key, and the diff).
const cacheMagic = "handbook build cache 3\n"

// errBadCache is what decodeCache says of a file it cannot use: the build
// then starts again without it.
var errBadCache = errors.New("not a cache this program wrote, or damaged")

// encodeCache writes s to w. It writes as it goes: the file is a tenth of
// a gigabyte on a long history, and one buffer of it took longer to
// allocate than the rest of the work.
func encodeCache(w io.Writer, s savedCache) error {
	rw := record.NewWriter(w, cacheMagic)
	rw.Str(s.Key)
	// In order of key, so that the same cache makes the same file.
	rw.Uint(len(s.Versions.Texts))
	for _, id := range slices.Sorted(maps.Keys(s.Versions.Texts)) {
		rw.Str(id)
		rw.Str(s.Versions.Texts[id])
	}
	rw.Uint(len(s.Versions.Drafts))
	for _, id := range slices.Sorted(maps.Keys(s.Versions.Drafts)) {
		rw.Str(id)
		if s.Versions.Drafts[id] {
			rw.Byte(1)
		} else {
			rw.Byte(0)
		}
	}
	rw.Uint(len(s.Diffs))
	keys := slices.SortedFunc(maps.Keys(s.Diffs), func(x, y history.DiffKey) int {
		return cmp.Or(bytes.Compare(x[0][:], y[0][:]), bytes.Compare(x[1][:], y[1][:]))
	})
	for _, k := range keys {
		rw.Bytes(k[0][:])
		rw.Bytes(k[1][:])
		writeDiff(rw, s.Diffs[k])
	}
	rw.Uint(len(s.Versions.Diffs))
	pairs := slices.SortedFunc(maps.Keys(s.Versions.Diffs), func(x, y pagehistory.VersionPair) int {
		return cmp.Or(cmp.Compare(x[0], y[0]), cmp.Compare(x[1], y[1]), cmp.Compare(x[2], y[2]))
	})
	for _, k := range pairs {
		rw.Str(k[0])
		rw.Str(k[1])
		rw.Str(k[2])
		writeDiff(rw, s.Versions.Diffs[k])
	}
	return rw.Close()
}

// writeDiff writes a diff: its number of paragraphs and of runs, each
// paragraph's number of runs, and each run's operation and text.
func writeDiff(rw *record.Writer, d [][]history.Segment) {
	runs := 0
	for _, p := range d {
		runs += len(p)
	}
	rw.Uint(len(d))
	rw.Uint(runs)
	for _, p := range d {
		rw.Uint(len(p))
	}
	for _, p := range d {
		for _, seg := range p {
			rw.Byte(byte(seg.Op + 1)) // Delete, Equal, Insert: 0, 1, 2
			rw.Str(seg.Text)
		}
	}
}

// decodeCache reads what encodeCache wrote. The strings it returns are
// parts of data, which must not change afterwards.
func decodeCache(data []byte) (savedCache, error) {
	d, ok := record.Open(data, cacheMagic)
	if !ok {
		return savedCache{}, errBadCache
	}
	var s savedCache
	s.Key = d.Str()
	// Blob ids are 40 or 64 hex digits, so an entry takes at least
	// minEntry bytes; a count larger than the rest of the file could hold
	// is refused before anything is made for it.
	texts := d.Count(minEntry)
	s.Versions.Texts = make(map[string]string, texts)
	for range texts {
		id := blobID(d)
		s.Versions.Texts[id] = d.Str()
	}
	drafts := d.Count(minEntry)
	s.Versions.Drafts = make(map[string]bool, drafts)
	for range drafts {
		id := blobID(d)
		s.Versions.Drafts[id] = d.Byte() == 1
	}
	diffs := d.Count(66)
	s.Diffs = make(map[history.DiffKey][][]history.Segment, diffs)
	for range diffs {
		var k history.DiffKey
		copy(k[0][:], d.Bytes(32))
		copy(k[1][:], d.Bytes(32))
		diff := readDiff(d)
		if d.Bad() {
			break
		}
		s.Diffs[k] = diff
	}
	// A page added has no version before it: "".
	pairs := d.Count(minEntry + 1)
	s.Versions.Diffs = make(map[pagehistory.VersionPair][][]history.Segment, pairs)
	for range pairs {
		var k pagehistory.VersionPair
		if k[0] = d.Str(); k[0] != "" && len(k[0]) != 40 && len(k[0]) != 64 {
			d.Fail()
		}
		k[1] = blobID(d)
		k[2] = d.Str()
		diff := readDiff(d)
		if d.Bad() {
			break
		}
		s.Versions.Diffs[k] = diff
	}
	if d.Bad() || d.Left() != 0 {
		return savedCache{}, errBadCache
	}
	return s, nil
}

// readDiff reads what writeDiff wrote. What is made grows with what is
// read, not with what the counts claim.
func readDiff(d *record.Decoder) [][]history.Segment {
	paras, runs := d.Count(1), d.Count(2)
	var counts []int
	total := 0
	for range paras {
		m := d.Count(0)
		if d.Bad() {
			return nil
		}
		counts, total = append(counts, m), total+m
	}
	if total != runs {
		d.Fail()
		return nil
	}
	var segs []history.Segment
	for range runs {
		op := history.Op(d.Byte()) - 1
		if op < history.Delete || op > history.Insert {
			d.Fail()
		}
		if d.Bad() {
			return nil
		}
		segs = append(segs, history.Segment{Op: op, Text: d.Str()})
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
func blobID(d *record.Decoder) string {
	id := d.Str()
	if len(id) != 40 && len(id) != 64 {
		d.Fail()
	}
	return id
}

// The log file (logFile) keeps the git log a build read (history.RawLog),
// so that the next build asks git only for the commits made since. It is
// logMagic, the program's key, the log's commit, its own key and git's
// output, then the checksum of all before it.
const logMagic = "handbook git log cache 1\n"

func encodeLog(w io.Writer, key string, l *history.RawLog) error {
	rw := record.NewWriter(w, logMagic)
	rw.Str(key)
	rw.Str(l.Head)
	rw.Str(l.Key)
	rw.Uint(len(l.Raw))
	rw.Bytes(l.Raw)
	return rw.Close()
}

// decodeLog reads what encodeLog wrote, and the key it was written with.
// The log's output is part of data, which must not change afterwards.
func decodeLog(data []byte) (key string, l *history.RawLog, err error) {
	d, ok := record.Open(data, logMagic)
	if !ok {
		return "", nil, errBadCache
	}
	key = d.Str()
	l = &history.RawLog{Head: d.Str(), Key: d.Str()}
	l.Raw = d.Bytes(d.Count(1))
	if d.Bad() || d.Left() != 0 {
		return "", nil, errBadCache
	}
	return key, l, nil
}
