package history

import (
	"crypto/sha256"
	"maps"
	"sync"
)

// DiffCache remembers paragraph diffs, so that the dev server's rebuilds
// do not diff the same two versions of a page again. A nil *DiffCache
// diffs every time.
type DiffCache struct {
	mu    sync.Mutex
	diffs map[DiffKey][][]Segment
	// What an earlier process kept (DiffCacheOf) and this one has not used
	// yet: a diff moves to diffs when it is used; Entries leaves the rest.
	earlier map[DiffKey][][]Segment
}

// diffCacheMax bounds the cache; past it, it starts again empty.
const diffCacheMax = 20000

// NewDiffCache returns an empty cache.
func NewDiffCache() *DiffCache { return &DiffCache{diffs: map[DiffKey][][]Segment{}} }

// Paragraphs is DiffParagraphs, remembered. The segments returned are
// shared: callers must not change them.
func (c *DiffCache) Paragraphs(a, b string) [][]Segment {
	if c == nil {
		return DiffParagraphs(a, b)
	}
	key := DiffKey{sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))}
	c.mu.Lock()
	d, ok := c.diffs[key]
	if e, was := c.earlier[key]; !ok && was {
		d, ok = e, true
		c.diffs[key] = e
		delete(c.earlier, key)
	}
	c.mu.Unlock()
	if ok {
		return d
	}
	d = DiffParagraphs(a, b)
	c.mu.Lock()
	if len(c.diffs) >= diffCacheMax {
		c.diffs = map[DiffKey][][]Segment{}
	}
	c.diffs[key] = d
	c.mu.Unlock()
	return d
}

// DiffKey names a diff: the sha256 of the two texts.
type DiffKey = [2][32]byte

// Entries returns a copy of the diffs c holds, to keep them between
// processes: those this process made or used, not the ones an earlier
// process kept that it did not use.
func (c *DiffCache) Entries() map[DiffKey][][]Segment {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.diffs)
}

// DiffCacheOf returns a cache holding diffs an earlier process kept (at
// most its bound: the rest are left out).
func DiffCacheOf(diffs map[DiffKey][][]Segment) *DiffCache {
	c := NewDiffCache()
	c.earlier = map[DiffKey][][]Segment{}
	for k, v := range diffs {
		if len(c.earlier) >= diffCacheMax {
			break
		}
		c.earlier[k] = v
	}
	return c
}
