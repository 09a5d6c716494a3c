package history

import (
	"reflect"
	"testing"
)

func TestDiffCache(t *testing.T) {
	a, b := "One two three.\n\nFour five.", "One two four.\n\nFour five six."
	want := DiffParagraphs(a, b)
	var none *DiffCache
	if got := none.Paragraphs(a, b); !reflect.DeepEqual(got, want) {
		t.Errorf("nil cache: %v, want %v", got, want)
	}
	c := NewDiffCache()
	first := c.Paragraphs(a, b)
	second := c.Paragraphs(a, b)
	if !reflect.DeepEqual(first, want) || !reflect.DeepEqual(second, want) {
		t.Errorf("cached diff differs from DiffParagraphs")
	}
	if len(c.diffs) != 1 {
		t.Errorf("cache holds %d diffs after the same diff twice, want 1", len(c.diffs))
	}
	if got := c.Paragraphs(b, a); reflect.DeepEqual(got, want) {
		t.Errorf("the diff of b to a came back as the diff of a to b")
	}
}
