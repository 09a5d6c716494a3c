//go:build linux

package output

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/rscp/handbook/internal/localfs"
	"github.com/rscp/handbook/internal/record"
)

// writeSite writes files into dir as one build, and returns how many of
// them were kept on the record of kept files alone.
func writeSite(t *testing.T, dir string, files []File) int {
	t.Helper()
	if !localfs.Trusted(filepath.Dir(dir)) {
		t.Skipf("%s is on a file system whose stat keys are not trusted", filepath.Dir(dir))
	}
	w, err := Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if err := w.Write(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return w.onTrust
}

// TestUnchangedFilesAreKeptOnTheRecord: the builds of a site take turns in
// two folders; once a build has found the files of a folder unchanged and
// recorded them, the next build in that folder keeps them from one lstat
// each, and the record itself is never published.
func TestUnchangedFilesAreKeptOnTheRecord(t *testing.T) {
	noRacyWindow(t)
	dir := filepath.Join(t.TempDir(), "public")
	site := []File{{"index.html", []byte("home")}, {"a/index.html", []byte("a")}, {"a/b/index.html", []byte("b")}, {"style.css", []byte("css")}}
	// Folder A: written (1), compared and recorded (3), trusted (5);
	// folder B: written (2), compared and recorded (4), trusted (6).
	want := []int{0, 0, 0, 0, len(site), len(site)}
	for i, n := range want {
		if got := writeSite(t, dir, site); got != n {
			t.Errorf("build %d kept %d files on the record, want %d", i+1, got, n)
		}
		sameAsClean(t, "build "+string(rune('1'+i)), dir, site)
		if _, err := os.Lstat(filepath.Join(dir, keptFile)); err == nil {
			t.Errorf("build %d published the record of kept files", i+1)
		}
	}
	// A changed file is written; the others are kept on the record.
	site[1].Data = []byte("A")
	if got := writeSite(t, dir, site); got != len(site)-1 {
		t.Errorf("after an edit, %d files were kept on the record, want %d", got, len(site)-1)
	}
	sameAsClean(t, "after an edit", dir, site)
}

// TestTamperedFilesAreNotTrusted changes the files of a folder that has a
// record, in every way that leaves bytes or mode different from what the
// record says (some of them with the size and modification time put back):
// each such file is written again, the others are kept, and the result is
// a clean build's. A damaged record is not used at all.
func TestTamperedFilesAreNotTrusted(t *testing.T) {
	noRacyWindow(t)
	dir := filepath.Join(t.TempDir(), "public")
	var site []File
	for _, name := range []string{"same-size", "new-inode", "mode", "link", "folder", "gone", "kept1", "kept2"} {
		site = append(site, File{name + "/index.html", []byte("the page " + name)})
	}
	for range 4 {
		writeSite(t, dir, site) // both folders now have records
	}
	// The spare is the folder the next build writes into.
	spare := spareDir(dir)
	at := func(name string) string { return filepath.Join(spare, name, "index.html") }
	info, err := os.Lstat(at("same-size"))
	if err != nil {
		t.Fatal(err)
	}
	tamper := []error{
		os.WriteFile(at("same-size"), []byte("the PAGE same-size"), 0o644),
		os.Chtimes(at("same-size"), info.ModTime(), info.ModTime()),
		os.Remove(at("new-inode")),
		os.WriteFile(at("new-inode"), []byte("the page new-inode"), 0o644),
		os.Chmod(at("mode"), 0o600),
		os.Remove(at("link")),
		os.Symlink(at("kept1"), at("link")),
		os.Remove(at("folder")),
		os.Mkdir(at("folder"), 0o755),
		os.Remove(at("gone")),
	}
	for _, err := range tamper {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := writeSite(t, dir, site); got != 2 {
		t.Errorf("%d files were kept on the record, want 2 (kept1 and kept2)", got)
	}
	sameAsClean(t, "after tampering", dir, site)

	// A damaged record: one byte changed.
	writeSite(t, dir, site)
	rec := filepath.Join(spareDir(dir), keptFile)
	b, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	if err := os.WriteFile(rec, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := writeSite(t, dir, site); got != 0 {
		t.Errorf("a damaged record kept %d files", got)
	}
	sameAsClean(t, "after a damaged record", dir, site)
}

// TestRecentFilesAreNotTrusted: a file changed within racyWindow of the
// record could change again within the same clock tick without a new
// change time, so it is not recorded.
func TestRecentFilesAreNotTrusted(t *testing.T) {
	old := racyWindow
	racyWindow = time.Hour
	t.Cleanup(func() { racyWindow = old })
	dir := filepath.Join(t.TempDir(), "public")
	site := []File{{"index.html", []byte("home")}}
	for i := range 6 {
		if got := writeSite(t, dir, site); got != 0 {
			t.Errorf("build %d kept %d files changed a moment ago on the record", i+1, got)
		}
	}
}

func TestKeptRecordRoundTrip(t *testing.T) {
	folder := t.TempDir()
	a, b := statKey{dev: 1, ino: 2}, statKey{dev: 1, ino: 3}
	files := []keptPath{
		{"index.html", keptEntry{key: statKey{dev: 1, ino: 10, size: 4, mode: 0o100644, mtime: -5, ctime: 1 << 62}, sum: sumOf([]byte("home"))}},
		{"a/b.html", keptEntry{key: statKey{dev: 1, ino: 11, size: 0, mode: 0o100644, mtime: 7, ctime: 8}, sum: sumOf(nil)}},
	}
	// b's record as a build reads it and hands it on.
	if err := os.WriteFile(filepath.Join(folder, keptFile), encodeKept(b, files[1:], nil), 0o644); err != nil {
		t.Fatal(err)
	}
	_, other := readKept(folder, a, b)
	if other == nil {
		t.Fatal("the record of b was not read")
	}
	if err := os.WriteFile(filepath.Join(folder, keptFile), encodeKept(a, files, other), 0o644); err != nil {
		t.Fatal(err)
	}
	ra, rb := readKept(folder, a, b)
	if ra == nil || len(ra.files) != 2 || ra.files["index.html"] != files[0].keptEntry || ra.files["a/b.html"] != files[1].keptEntry {
		t.Errorf("record of a = %+v", ra)
	}
	if string(rb) != string(other) {
		t.Errorf("the record of b was not handed on as it was")
	}
	if rb, _ := readKept(folder, b, a); rb == nil || len(rb.files) != 1 || rb.files["a/b.html"] != files[1].keptEntry {
		t.Errorf("record of b = %+v", rb)
	}
	// A count of files the bytes cannot hold is refused before anything
	// is made for them.
	seg := binary.AppendUvarint(keptFolderPrefix(a), 8<<20)
	seg = append(seg, make([]byte, 8<<20)...)
	huge := binary.AppendUvarint([]byte(keptMagic), uint64(len(seg)))
	huge = append(huge, seg...)
	if err := os.WriteFile(filepath.Join(folder, keptFile), record.Seal(huge), 0o644); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	ra, _ = readKept(folder, a, b)
	runtime.ReadMemStats(&after)
	if ra != nil {
		t.Errorf("a record claiming 8M files in 8 MB was read: %d files", len(ra.files))
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 64<<20 {
		t.Errorf("reading a record claiming 8M files in 8 MB allocated %d MB", n>>20)
	}
	// Cut short anywhere, it is not used.
	full := encodeKept(a, files, other)
	for n := range len(full) {
		if err := os.WriteFile(filepath.Join(folder, keptFile), full[:n], 0o644); err != nil {
			t.Fatal(err)
		}
		if ra, rb := readKept(folder, a, b); ra != nil || rb != nil {
			t.Fatalf("a record cut to %d bytes was read", n)
		}
	}
}
