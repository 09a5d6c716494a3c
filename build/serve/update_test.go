package serve

import (
	"slices"
	"testing"
)

// TestPagesOfEncodesAddresses checks that a reload event names pages as
// browsers see location.pathname: percent-encoded, not as files on disk.
func TestPagesOfEncodesAddresses(t *testing.T) {
	got := pagesOf([]string{"index.html", "tools/[/index.html", "über/index.html", "a/b.html", "sitemap.xml"})
	want := []string{"/", "/tools/%5B/", "/%C3%BCber/", "/a/b.html"}
	if !slices.Equal(got, want) {
		t.Errorf("pagesOf = %q, want %q", got, want)
	}
}
