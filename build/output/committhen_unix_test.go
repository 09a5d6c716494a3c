//go:build unix

package output

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestCommitThenHoldsTheFolder: what CommitThen calls sees the new site,
// and no other build of the folder starts before it returns (the build
// stamp records the folder there, and must record this build's site).
func TestCommitThenHoldsTheFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "public")
	w, err := Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(File{Path: "index.html", Data: []byte("first")}); err != nil {
		t.Fatal(err)
	}
	inside, release := make(chan string), make(chan struct{})
	committed := make(chan error)
	go func() {
		committed <- w.CommitThen(func() {
			b, _ := os.ReadFile(filepath.Join(dir, "index.html"))
			inside <- string(b)
			<-release
		})
	}()
	if got := <-inside; got != "first" {
		t.Errorf("CommitThen's function saw %q, not the new site", got)
	}
	other := make(chan *Writer)
	go func() {
		w2, err := Create(dir)
		if err != nil {
			t.Error(err)
		}
		other <- w2
	}()
	select {
	case w2 := <-other:
		w2.Abort()
		t.Fatal("another build of the folder started while CommitThen's function ran")
	case <-time.After(200 * time.Millisecond): // it waits, as it should
	}
	close(release)
	if err := <-committed; err != nil {
		t.Fatal(err)
	}
	(<-other).Abort()
}
