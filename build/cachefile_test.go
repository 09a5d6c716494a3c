package build

import (
	"bytes"
	"encoding/binary"
	"errors"
	"reflect"
	"runtime"
	"testing"

	"github.com/rscp/handbook/build/history"
	"github.com/rscp/handbook/build/pagehistory"
	"github.com/rscp/handbook/internal/record"
)

func sampleCache() savedCache {
	c := savedCache{
		Key: "program and settings",
		Versions: pagehistory.Entries{
			Texts: map[string]string{
				"3b18e512dba79e4c8300dd08aeb37f8e728b8dad": "Escalation\n\nRaise it with the named lead — within 24 hours.",
				"e69de29bb2d1d6434b8b29ae775ad8c2e48c5391": "",
			},
			Drafts: map[string]bool{
				"3b18e512dba79e4c8300dd08aeb37f8e728b8dad": false,
				"a0423896973644771497bdc03eb99d5281615b51": true,
			},
		},
		Diffs: map[history.DiffKey][][]history.Segment{
			{{1}, {2}}: {
				{{Op: history.Equal, Text: "Raise it with the "}, {Op: history.Delete, Text: "lead"}, {Op: history.Insert, Text: "named lead"}},
				{},
				{{Op: history.Equal, Text: "Ring 999 in an emergency."}},
			},
			{{3}, {4}}: {},
		},
	}
	c.Versions.Diffs = map[pagehistory.VersionPair][][]history.Segment{
		{"", "3b18e512dba79e4c8300dd08aeb37f8e728b8dad"}:                                         {{{Op: history.Equal, Text: "Escalation"}}},
		{"3b18e512dba79e4c8300dd08aeb37f8e728b8dad", "a0423896973644771497bdc03eb99d5281615b51"}: {{{Op: history.Insert, Text: "Signs."}}},
		{"a0423896973644771497bdc03eb99d5281615b51", "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"}: {},
	}
	return c
}

func encoded(t *testing.T, s savedCache) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := encodeCache(&b, s); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCacheFileRoundTrip(t *testing.T) {
	want := sampleCache()
	data := encoded(t, want)
	got, err := decodeCache(data)
	if err != nil {
		t.Fatalf("decodeCache: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the cache read back is\n%#v\nwant\n%#v", got, want)
	}
	for range 5 {
		if again := encoded(t, want); string(again) != string(data) {
			t.Fatal("the same cache made two different files")
		}
	}
}

// A file cut short or changed in any byte is not used: the build starts
// again without it rather than showing a wrong text or diff.
func TestDamagedCacheFileIsNotUsed(t *testing.T) {
	data := encoded(t, sampleCache())
	for n := range len(data) {
		if _, err := decodeCache(data[:n]); !errors.Is(err, errBadCache) {
			t.Fatalf("a file cut at byte %d of %d was read: %v", n, len(data), err)
		}
	}
	for i := range data {
		bad := append([]byte(nil), data...)
		bad[i] ^= 0x20
		if _, err := decodeCache(bad); !errors.Is(err, errBadCache) {
			t.Fatalf("a file with byte %d changed was read: %v", i, err)
		}
	}
}

// A file whose checksum is right but whose contents are not what
// encodeCache writes (another program's, or a bug's) is refused too, and
// a count it claims never makes the reader allocate what the file could
// not hold.
func TestMalformedCacheFileIsRefused(t *testing.T) {
	head := append([]byte(cacheMagic), 0) // an empty key
	cases := map[string][]byte{
		"a count of 2^40 texts":       binary.AppendUvarint(append([]byte(nil), head...), 1<<40),
		"a count of 2^20 diffs":       binary.AppendUvarint(append(append([]byte(nil), head...), 0, 0), 1<<20),
		"bytes after the last diff":   append(append(append([]byte(nil), head...), 0, 0, 0), 7),
		"a text longer than the file": append(append(append(append([]byte(nil), head...), 1, 40), bytes.Repeat([]byte("a"), 40)...), 0xff, 0x7f),
		"a blob id of 3 digits":       append(append(append(append([]byte(nil), head...), 1, 3), "abc"...), bytes.Repeat([]byte{0}, 40)...),
	}
	// One diff of one paragraph of one run whose operation is 7, and no
	// diffs by version.
	diff := append(append([]byte(nil), head...), 0, 0, 1)
	diff = append(diff, make([]byte, 64)...)
	diff = append(diff, 1, 1, 1, 7, 1, 'x', 0)
	cases["an unknown operation"] = diff
	// The same diff with a paragraph claiming more runs than the diff has.
	over := append([]byte(nil), diff...)
	over[len(over)-5], over[len(over)-4] = 5, 1
	cases["a paragraph of more runs than its diff"] = over
	// A diff by version whose version after is 3 digits.
	cases["a version of 3 digits"] = append(append(append(append([]byte(nil), head...), 0, 0, 0, 1, 0, 3), "abc"...), bytes.Repeat([]byte{0}, 40)...)
	for name, body := range cases {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := decodeCache(record.Seal(body))
		runtime.ReadMemStats(&after)
		if !errors.Is(err, errBadCache) {
			t.Errorf("%s: read, err %v", name, err)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
			t.Errorf("%s: the reader allocated %d bytes", name, grew)
		}
	}
	// The good diff is read, so the cases above fail where they say.
	good := append([]byte(nil), diff...)
	good[len(good)-4] = 1
	if _, err := decodeCache(record.Seal(good)); err != nil {
		t.Errorf("a well-formed diff was refused: %v", err)
	}
}

func TestLogFileRoundTrip(t *testing.T) {
	want := &history.RawLog{Head: "3b18e512dba79e4c8300dd08aeb37f8e728b8dad", Key: "prefix and mailmap", Raw: []byte("3b18e512\x00raw\x00log\x00")}
	var b bytes.Buffer
	if err := encodeLog(&b, "program and settings", want); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	key, got, err := decodeLog(data)
	if err != nil || key != "program and settings" || !reflect.DeepEqual(got, want) {
		t.Fatalf("read back %q, %#v, %v; want %#v", key, got, err, want)
	}
	for n := range len(data) {
		if _, _, err := decodeLog(data[:n]); !errors.Is(err, errBadCache) {
			t.Fatalf("a log file cut at byte %d of %d was read: %v", n, len(data), err)
		}
	}
	for i := range data {
		bad := append([]byte(nil), data...)
		bad[i] ^= 0x20
		if _, _, err := decodeLog(bad); !errors.Is(err, errBadCache) {
			t.Fatalf("a log file with byte %d changed was read: %v", i, err)
		}
	}
	// A log longer than the file, with a right checksum.
	body := append([]byte(logMagic), 0, 0, 0)
	if _, _, err := decodeLog(record.Seal(binary.AppendUvarint(body, 1<<40))); !errors.Is(err, errBadCache) {
		t.Errorf("a log claiming 2^40 bytes was read: %v", err)
	}
}
