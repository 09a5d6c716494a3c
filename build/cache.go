package build

import (
	"sync"

	"github.com/rscp/handbook/build/history"
)

// Cache keeps what one build worked out from git for the next: the text
// readers saw of earlier versions of pages (a blob never changes) and the
// diffs between them. The dev server passes one Cache to every rebuild; a
// one-off build needs none. It is safe for concurrent use.
type Cache struct {
	mu    sync.Mutex
	texts map[string]string // blob id → page text
	diff  *history.DiffCache
}

// NewCache returns an empty cache.
func NewCache() *Cache {
	return &Cache{texts: map[string]string{}, diff: history.NewDiffCache()}
}

// diffs returns the diff cache; nil (diff every time) without a Cache.
func (c *Cache) diffs() *history.DiffCache {
	if c == nil {
		return nil
	}
	return c.diff
}

// knownTexts returns the cached texts of ids and the ids it does not have.
func (c *Cache) knownTexts(ids []string) (known map[string]string, missing []string) {
	known = map[string]string{}
	if c == nil {
		return known, ids
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		if t, ok := c.texts[id]; ok {
			known[id] = t
		} else {
			missing = append(missing, id)
		}
	}
	return known, missing
}

func (c *Cache) rememberTexts(texts map[string]string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, t := range texts {
		c.texts[id] = t
	}
}
