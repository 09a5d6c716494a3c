package record

import (
	"bytes"
	"testing"
)

func TestRecordRoundTripAndRefusals(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b, "test 1\n")
	w.Str("a page")
	w.Uint(3)
	w.Byte(7)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	d, ok := Open(data, "test 1\n")
	if !ok {
		t.Fatal("a file just written is refused")
	}
	if s, n, c := d.Str(), d.Uint(-1), d.Byte(); s != "a page" || n != 3 || c != 7 || d.Bad() || d.Left() != 0 {
		t.Errorf("read back %q %d %d (bad %v, %d left)", s, n, c, d.Bad(), d.Left())
	}
	if _, ok := Open(data, "test 2\n"); ok {
		t.Error("a file of another format is read")
	}
	for n := range len(data) {
		if _, ok := Open(data[:n], "test 1\n"); ok {
			t.Fatalf("a file cut at byte %d is read", n)
		}
	}
	for i := range data {
		bad := bytes.Clone(data)
		bad[i] ^= 1
		if _, ok := Open(bad, "test 1\n"); ok {
			t.Fatalf("a file with byte %d changed is read", i)
		}
	}
	// A count of more things than the rest could hold.
	d = NewDecoder([]byte{10, 1, 2, 3})
	if n := d.Count(1); n != 0 || !d.Bad() {
		t.Errorf("a count of 10 one-byte things in 3 bytes reads as %d, bad %v", n, d.Bad())
	}
	if s := d.Str(); s != "" {
		t.Errorf("a bad decoder gives %q", s)
	}
}
