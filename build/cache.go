package build

import (
	"sync"
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
	program  string // the program alone, for the kept git log
	load     func() // reads the folder's entries once (OpenCache); nil when there is no folder
	used     atomic.Bool

	// The git log: the one the folder kept (lastLog), and the one this
	// process read, to keep (keepLog).
	lastLog   func() *history.RawLog
	logMu     sync.Mutex
	readLog   *history.RawLog
	logReused bool
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

// keepsLog reports whether c keeps the git log between builds: only a
// cache folder does (the dev server reads the log once).
func (c *Cache) keepsLog() bool { return c != nil && c.lastLog != nil }

// keepLog records the git log a build read, for Save, and whether it
// was read partly from the folder's.
func (c *Cache) keepLog(l *history.RawLog, reused bool) {
	c.logMu.Lock()
	defer c.logMu.Unlock()
	c.readLog, c.logReused = l, reused
}

// LogReused reports whether the last build's git log was read partly from
// the one the cache folder kept: git was asked only for newer commits.
func (c *Cache) LogReused() bool {
	c.logMu.Lock()
	defer c.logMu.Unlock()
	return c.logReused
}
