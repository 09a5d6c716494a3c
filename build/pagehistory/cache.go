package pagehistory

import (
	"maps"
	"sync"

	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/history"
)

// Cache keeps what one build read of earlier versions of pages for the
// next: the text readers saw of each (a blob never changes) and whether it
// was a draft. A nil Cache reads everything again. It is safe for
// concurrent use.
type Cache struct {
	mu           sync.Mutex
	texts        map[string]string // blob id → page text
	drafts       map[string]bool   // blob id → whether that version was a draft
	diffs        map[VersionPair][][]history.Segment
	hits, misses int // texts or diffs asked for and found; texts not found
	// What an earlier process kept (CacheOf) and no build of this one has
	// used yet: an entry moves to texts or drafts when it is used, and
	// Entries leaves the others out.
	earlier Entries
}

// NewCache returns an empty cache.
func NewCache() *Cache {
	return &Cache{texts: map[string]string{}, drafts: map[string]bool{}, diffs: map[VersionPair][][]history.Segment{}}
}

// VersionPair names a change page's diff by the blob ids of the version
// before ("" for a page added) and after, and the passages redacted from
// them (redactor.key). Under one cache (one program, one set of settings
// and data, which decide the text readers see) these decide the diff, so
// a kept diff needs neither text. The dev server keeps one cache while
// data/redactions.yaml is edited: hence the passages.
type VersionPair = [3]string

// knownDiff returns the diff kept for the two versions; nil when their
// texts are the same.
func (c *Cache) knownDiff(before, after, redactions string) ([][]history.Segment, bool) {
	if c == nil {
		return nil, false
	}
	k := VersionPair{before, after, redactions}
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := c.diffs[k]
	if e, was := c.earlier.Diffs[k]; !ok && was {
		d, ok = e, true
		c.diffs[k] = e
		delete(c.earlier.Diffs, k)
	}
	if ok {
		c.hits++
	}
	if len(d) == 0 {
		d = nil // as made: an empty diff read back is the same
	}
	return d, ok
}

func (c *Cache) rememberDiff(before, after, redactions string, d [][]history.Segment) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.diffs[VersionPair{before, after, redactions}] = d
}

// knownTexts returns the cached texts of ids and the ids it does not have.
func (c *Cache) knownTexts(ids []string) (known map[string]string, missing []string) {
	known = map[string]string{}
	if c == nil {
		return known, ids
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	asked := map[string]bool{"": true} // "": no version (a file added)
	for _, id := range ids {
		if asked[id] {
			continue
		}
		asked[id] = true
		if t, ok := c.texts[id]; ok {
			known[id] = t
		} else if t, ok := c.earlier.Texts[id]; ok {
			known[id], c.texts[id] = t, t
			delete(c.earlier.Texts, id)
		} else {
			missing = append(missing, id)
		}
	}
	c.hits += len(known)
	c.misses += len(missing)
	return known, missing
}

// TextStats says how many earlier page texts, or diffs between two
// versions, the builds using c asked for were found in it, and how many
// texts had to be read from git.
func (c *Cache) TextStats() (hits, misses int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses
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

// draftVersions says of each version (blob id) whether the page was a
// draft in it, reading the versions the cache does not know through
// git cat-file (Log.EachBlob), one at a time.
func (c *Cache) draftVersions(ids []string, log *history.Log, diags *diag.List) map[string]bool {
	out := make(map[string]bool, len(ids))
	missing := ids
	if c != nil {
		missing = nil
		c.mu.Lock()
		for _, id := range ids {
			if d, ok := c.drafts[id]; ok {
				out[id] = d
			} else if d, ok := c.earlier.Drafts[id]; ok {
				out[id], c.drafts[id] = d, d
				delete(c.earlier.Drafts, id)
			} else {
				missing = append(missing, id)
			}
		}
		c.mu.Unlock()
	}
	read := map[string]bool{}
	err := log.EachBlob(missing, func(id string, b []byte) { read[id] = draftVersion(b) })
	if err != nil {
		diags.Warnf("", 0, "earlier versions of pages could not be read, so draft versions cannot be told apart: %v", err)
	}
	if c != nil {
		c.mu.Lock()
		maps.Copy(c.drafts, read)
		c.mu.Unlock()
	}
	maps.Copy(out, read)
	return out
}

// Entries are what a Cache knows, to keep it between processes.
type Entries struct {
	Texts  map[string]string // blob id → the text readers saw of that version
	Drafts map[string]bool   // blob id → whether that version was a draft
	Diffs  map[VersionPair][][]history.Segment
}

// Entries returns a copy of what the builds that used c read or used: an
// entry CacheOf was given that none of them used is left out, so that a
// cache kept between builds holds what the site's history needs now, not
// every version it ever had.
func (c *Cache) Entries() Entries {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Entries{Texts: maps.Clone(c.texts), Drafts: maps.Clone(c.drafts), Diffs: maps.Clone(c.diffs)}
}

// CacheOf returns a cache that knows e, kept by an earlier process. It
// takes e's maps (a long history's are a hundred thousand entries), which
// the caller must not use again.
func CacheOf(e Entries) *Cache {
	c := NewCache()
	c.earlier = e
	if c.earlier.Texts == nil {
		c.earlier.Texts = map[string]string{}
	}
	if c.earlier.Drafts == nil {
		c.earlier.Drafts = map[string]bool{}
	}
	if c.earlier.Diffs == nil {
		c.earlier.Diffs = map[VersionPair][][]history.Segment{}
	}
	return c
}
