package markdown

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rscp/handbook/internal/cpuclock"
)

// hostilePages are Markdown pages made to find work that grows faster than
// the page: the same heading over and over, link reference definitions in
// one paragraph, and footnotes. Each is at most MaxFileSize in the site.
func hostilePage(kind string, n int) []byte {
	var b strings.Builder
	for i := range n {
		switch kind {
		case "headings":
			b.WriteString("## Same\n\n")
		case "link-definitions":
			fmt.Fprintf(&b, "[r%d]: /x%d\n", i, i)
		case "footnotes":
			fmt.Fprintf(&b, "x[^f%d]\n\n[^f%d]: note\n\n", i, i)
		}
	}
	return []byte(b.String())
}

// BenchmarkHostile parses each hostile page at sizes four times apart:
// CPU time per op that grows four times, not sixteen, is linear.
func BenchmarkHostile(b *testing.B) {
	c := New(Options{ReservedIDs: []string{"main-content"}})
	for _, kind := range []string{"headings", "link-definitions", "footnotes"} {
		for _, n := range []int{1000, 4000, 16000, 64000} {
			src := hostilePage(kind, n)
			b.Run(fmt.Sprintf("%s/%d", kind, n), func(b *testing.B) {
				b.SetBytes(int64(len(src)))
				defer cpuclock.Report(b)()
				for b.Loop() {
					c.Parse(src, 0)
				}
			})
		}
	}
}
