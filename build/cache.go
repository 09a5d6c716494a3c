package build

import (
	"sync/atomic"

	"github.com/rscp/handbook/build/history"
	"github.com/rscp/handbook/build/pagehistory"
)

// Cache keeps what one build worked out from git for the next, for the
// stages that use it: page histories get the earlier versions' texts
// (pagehistory.Cache), page histories and edition comparisons the word
// diffs. The dev server passes one Cache to every rebuild; a one-off build
// needs none. It is safe for concurrent use.
type Cache struct {
	versions *pagehistory.Cache
	diffs    *history.DiffCache
	dir, key string // OpenCache's folder and what the entries were made with
	load     func() // reads the folder's entries once (OpenCache); nil when there is no folder
	used     atomic.Bool
}

// entries makes sure the cache holds what its folder kept.
func (c *Cache) entries() {
	if c.load != nil {
		c.load()
	}
}

// NewCache returns an empty cache.
func NewCache() *Cache {
	return &Cache{versions: pagehistory.NewCache(), diffs: history.NewDiffCache()}
}

// TextStats says how many earlier page texts the builds using c asked for
// were found in it, and how many had to be read from git.
func (c *Cache) TextStats() (hits, misses int) {
	c.entries()
	return c.versions.TextStats()
}

// pageVersions is the page histories' part; nil (read again) without a Cache.
func (c *Cache) pageVersions() *pagehistory.Cache {
	if c == nil {
		return nil
	}
	c.entries()
	return c.versions
}

// diffCache is the word diffs' part; nil (diff every time) without a Cache.
func (c *Cache) diffCache() *history.DiffCache {
	if c == nil {
		return nil
	}
	c.entries()
	return c.diffs
}
