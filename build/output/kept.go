package output

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"time"

	"github.com/cespare/xxhash/v2"

	"github.com/rscp/handbook/internal/record"
)

// A build that writes into the spare compares each file with what is
// already there. Reading every unchanged file again (an lstat, an open,
// two reads and a close) was a tenth of a repeated build of 2,000 pages.
// So each build also records, for the files it found unchanged, their
// stat key (device, inode, size, mode, modification and change times)
// and a hash of their bytes (sumOf). That folder is the spare again two
// builds later: a file whose key is still the one recorded and whose
// recorded hash is that of the bytes to write is kept after one lstat,
// as git trusts its index. Any change to a file changes its change time,
// which no program can set back. A file that changed less than
// racyWindow before the recording build began is left out of the record
// (git's "racy" files: a second change within the file system's clock
// tick could leave the key as it was), and so are the files the build
// wrote, which are recorded by the build after, when it finds them
// unchanged. Keys are trusted only on local file systems (localfs.Trusted).
//
// The record is kept in the spare itself (keptFile), which is never
// published: the next build deletes the file with whatever else it does
// not write. It holds two records, one for each folder the builds of a
// site take turns in, each naming its folder by device and inode.

// keptFile is the record's file in the spare.
const keptFile = ".handbook-kept"

// racyWindow is how long before the recording build began a file must
// have last changed for its key to be trusted: longer than any file
// system's clock tick.
var racyWindow = 2 * time.Second

// statKey says which file is at a path and when it last changed.
type statKey struct {
	dev, ino     uint64
	size         int64
	mode         uint32
	mtime, ctime int64 // nanoseconds since 1970
}

// keptEntry is a file a build found holding the bytes it would write.
type keptEntry struct {
	key statKey
	sum uint64 // of its bytes: sumOf
}

// keptPath is a kept file and its path, as a build collects them.
type keptPath struct {
	path string
	keptEntry
}

// keptRecord is what one build kept in one folder.
type keptRecord struct {
	folder statKey // its device and inode only
	files  map[string]keptEntry
}

// sumOf is the hash of a file's bytes a record keeps (xxHash64). It
// tells whether the bytes a build is about to write are the ones a file,
// unchanged since, held then (its size must be the same too). A hash that
// is not cryptographic is enough there: an editor who could make two
// pages with the same hash could as well publish either page. Every
// unchanged file of every repeated build is hashed: the 49 MB of a
// 2,000-page site took 34 ms with SHA-256, 6 ms with this.
func sumOf(data []byte) uint64 { return xxhash.Sum64(data) }

// folderID is the device and inode of the folder name, or false where
// there are none.
func folderID(name string) (statKey, bool) {
	info, err := os.Lstat(name)
	if err != nil || !info.IsDir() {
		return statKey{}, false
	}
	k, ok := keyOf(info)
	return statKey{dev: k.dev, ino: k.ino}, ok
}

// The file is a record file (internal/record) of the format keptMagic:
// each record as a length and its bytes. A record
// is decoded only for the folder a build writes into; the other is handed
// on as it was read.
const keptMagic = "handbook kept files 2\n"

// readKept returns the record kept in folder for the folder a, decoded,
// and the one for the folder b, as its bytes (each nil when there is
// none, or when the file is missing or damaged).
func readKept(folder string, a, b statKey) (ra *keptRecord, rb []byte) {
	name := filepath.Join(folder, keptFile)
	if info, err := os.Lstat(name); err != nil || !info.Mode().IsRegular() || info.Size() > maxKept {
		return nil, nil
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, nil
	}
	d, ok := record.Open(data, keptMagic)
	if !ok {
		return nil, nil
	}
	for d.Left() > 0 && !d.Bad() {
		// Each record on bytes of its own (a's paths are parts of them):
		// not to keep the whole file.
		seg := bytes.Clone(d.Bytes(d.Count(1)))
		sd := record.NewDecoder(seg)
		id := statKey{dev: sd.Uint(-1), ino: sd.Uint(-1)}
		switch {
		case sd.Bad():
			return nil, nil
		case id == a && ra == nil:
			if ra = decodeKept(id, sd); ra == nil {
				return nil, nil
			}
		case id == b && rb == nil:
			rb = seg
		}
	}
	if d.Bad() {
		return nil, nil
	}
	return ra, rb
}

// encodeKept encodes the record of the files kept in the folder id, with
// the record of another folder, as read.
func encodeKept(id statKey, files []keptPath, other []byte) []byte {
	// One buffer for all of it (records are megabytes on big sites): the
	// folder's record is encoded after room for its length, then moved up
	// to the length once it is known.
	size := len(keptMagic) + 3*binary.MaxVarintLen64 + len(other) + 8
	for _, f := range files {
		size += len(f.path) + 3 + 6*binary.MaxVarintLen64 + 8
	}
	b := append(make([]byte, 0, size), keptMagic...)
	start := len(b) + binary.MaxVarintLen64
	b = b[:start]
	b = append(b, keptFolderPrefix(id)...)
	b = binary.AppendUvarint(b, uint64(len(files)))
	for _, f := range files {
		b = binary.AppendUvarint(b, uint64(len(f.path)))
		b = append(b, f.path...)
		b = binary.AppendUvarint(b, f.key.dev)
		b = binary.AppendUvarint(b, f.key.ino)
		b = binary.AppendVarint(b, f.key.size)
		b = binary.AppendUvarint(b, uint64(f.key.mode))
		b = binary.AppendVarint(b, f.key.mtime)
		b = binary.AppendVarint(b, f.key.ctime)
		b = binary.BigEndian.AppendUint64(b, f.sum)
	}
	segLen := len(b) - start
	at := len(keptMagic) + binary.PutUvarint(b[len(keptMagic):], uint64(segLen))
	b = b[:at+copy(b[at:], b[start:])]
	if other != nil {
		b = binary.AppendUvarint(b, uint64(len(other)))
		b = append(b, other...)
	}
	return record.Seal(b)
}

// minKeptEntry is the fewest bytes a file's entry takes: a length, six
// numbers of a byte at least and the hash.
const minKeptEntry = 7 + 8

// maxKept bounds the record's file: at about 67 bytes a file, two
// folders of 100,000 files take 13 MB.
const maxKept = 256 << 20

// decodeKept decodes the files of the record of folder id, which d holds
// after the folder's own key; nil if it is damaged. The paths are parts
// of d's bytes: no allocation a file.
func decodeKept(id statKey, d *record.Decoder) *keptRecord {
	n := d.Count(minKeptEntry)
	r := &keptRecord{folder: id, files: make(map[string]keptEntry, n)}
	for range n {
		p := d.Str()
		var e keptEntry
		e.key.dev, e.key.ino, e.key.size = d.Uint(-1), d.Uint(-1), d.Int()
		e.key.mode, e.key.mtime, e.key.ctime = uint32(d.Uint(-1)), d.Int(), d.Int()
		e.sum = d.Uint64()
		if d.Bad() {
			return nil
		}
		r.files[p] = e
	}
	if d.Bad() || d.Left() > 0 {
		return nil
	}
	return r
}

// file returns the entry of p, on a record that may be nil.
func (r *keptRecord) file(p string) (keptEntry, bool) {
	if r == nil {
		return keptEntry{}, false
	}
	e, ok := r.files[p]
	return e, ok
}

// matches reports whether the file at name has the key k, from one lstat.
func (k statKey) matches(name string) bool {
	info, err := os.Lstat(name)
	if err != nil {
		return false
	}
	got, ok := keyOf(info)
	return ok && got == k
}

// keptFolderPrefix is how a record of the folder id starts.
func keptFolderPrefix(id statKey) []byte {
	return binary.AppendUvarint(binary.AppendUvarint(nil, id.dev), id.ino)
}
