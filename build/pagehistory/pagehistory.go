// Package pagehistory turns the site's git log into what readers see of
// each page's past: its published versions with dates, change notes and
// word-level diffs, less drafts and redactions (data/redactions.yaml); the
// redirects that keep moved pages' addresses working; and, for a pull
// request, the pages it changes and the change notes it gives them. git
// itself is read by package history; render shows what this package
// makes.
package pagehistory

import (
	"bytes"
	"cmp"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing/fstest"

	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/history"
	"github.com/rscp/handbook/build/markdown"
	"github.com/rscp/handbook/build/render"
	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/build/source"
)

// shownChange is a commit that published a version of a page, with the
// version before it that readers saw.
type shownChange struct {
	history.Change
	before string // blob id of the previous published version; "" for the first
	diff   bool   // the change gets a page showing its text
	// The diff the cache kept for the two versions, if it did.
	keptDiff [][]history.Segment
	kept     bool
}

// pageHistories builds each page's history from its commits and its
// front matter "changes:". Only published text is shown: versions
// committed while the page was a draft, and commits that
// data/redactions.yaml names, are left out, and the redacted passages are
// removed wherever the history shows text. The latest ChangePages changes
// of each page get a word-level diff of the text a reader sees; older ones
// are listed without. Earlier versions are read through git cat-file: once
// to tell drafts from published versions, again only for the texts diffed.
// cache and diffs, when not nil, keep what was read and diffed for the
// next build; log may be nil (no history).
func Build(s *site.Site, redactions []site.Redaction, log *history.Log, cache *Cache, diffs *history.DiffCache, diags *diag.List) map[*site.Page]*render.PageHistory {
	red := newRedactor(redactions, log, diags)
	limit := s.Config.History.ChangePages
	out := map[*site.Page]*render.PageHistory{}

	// Which earlier versions were drafts. A page with one commit has one
	// version: the page as it is.
	var versions []string
	seq := map[string]int{} // a version → the commit that made it (Seq)
	for _, p := range s.Pages {
		if log := log.File(p.File); len(log) > 1 {
			for _, ch := range log {
				versions = append(versions, ch.NewBlob)
				seq[ch.NewBlob] = ch.Seq
			}
		}
	}
	inLogOrder(versions, seq)
	drafts := cache.draftVersions(versions, log, diags)

	shown := map[*site.Page][]shownChange{}
	var diffed []*shownChange
	for _, p := range s.Pages {
		list := publishedChanges(log.File(p.File), drafts, red)
		if len(list) > 1 {
			for i := range list[:min(limit, len(list))] {
				diffed = append(diffed, &list[i])
			}
		}
		shown[p] = list
	}
	// The whole site's change pages are bounded too: the newest changes
	// keep theirs.
	budget := s.Config.History.SiteChangePages
	if budget <= 0 {
		budget = max(site.DefaultSiteChangePages*len(s.Pages), site.MinSiteChangePages)
	}
	if len(diffed) > budget {
		order := make([]int, len(diffed))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(i, j int) int {
			a, b := diffed[i], diffed[j]
			return cmp.Or(b.Date.Compare(a.Date), cmp.Compare(a.Seq, b.Seq))
		})
		// Read in page order, as git keeps a file's versions together.
		order = order[:budget]
		slices.Sort(order)
		kept := make([]*shownChange, budget)
		for k, i := range order {
			kept[k] = diffed[i]
		}
		diffed = kept
	}
	// A diff the cache keeps needs neither text.
	var blobIDs []string
	for _, ch := range diffed {
		ch.diff = true
		if ch.keptDiff, ch.kept = cache.knownDiff(ch.before, ch.NewBlob, red.key); !ch.kept {
			blobIDs = append(blobIDs, ch.before, ch.NewBlob)
		}
	}
	inLogOrder(blobIDs, seq)
	texts, missing := cache.knownTexts(blobIDs)
	// The versions are parsed a batch at a time as git hands them over,
	// keeping only their text: a site's earlier versions are many times
	// its pages, and their parsed documents side by side took gigabytes.
	batch := make(map[string][]byte, versionBatch)
	flush := func() {
		if len(batch) == 0 {
			return
		}
		read := blobTexts(s.Markdown, batch)
		cache.rememberTexts(read)
		maps.Copy(texts, read)
		clear(batch)
	}
	err := log.EachBlob(missing, func(id string, b []byte) {
		batch[id] = bytes.Clone(b)
		if len(batch) == versionBatch {
			flush()
		}
	})
	flush()
	if err != nil {
		diags.Warnf("", 0, "earlier versions of pages could not be read, so page histories have no diffs: %v", err)
	}
	text := func(id string) (string, bool) {
		if id == "" {
			return "", true
		}
		t, ok := texts[id]
		return red.text(t), ok
	}
	warned := map[*history.Commit]bool{}
	for _, p := range s.Pages {
		ph := &render.PageHistory{}
		for _, ch := range shown[p] {
			if ch.Problem != "" && !warned[ch.Commit] {
				warned[ch.Commit] = true
				diags.Warnf(p.File, 0, "commit %s: %s", ch.Short(), ch.Problem)
			}
			u := render.Update{Date: ch.Date, Note: red.text(ch.Note), Subject: red.text(ch.Subject), Author: author(s.Config.History, ch.Author),
				Hash: ch.Hash, Seq: ch.Seq, Added: ch.before == "", Older: !ch.diff}
			if ch.diff {
				u.Diff = changeDiff(cache, diffs, ch, red.key, text)
			}
			ph.All = append(ph.All, u)
		}
		for _, c := range p.Changes {
			if !c.Date.Set() || c.Note == "" {
				diags.Warnf(p.File, p.Line("changes"), "each entry of changes needs a date and a note: an entry without them is left out")
				continue
			}
			ph.All = append(ph.All, render.Update{Date: c.Date.Time, Note: c.Note})
		}
		if len(ph.All) == 0 {
			continue
		}
		// A page that has not changed since it was first published needs no
		// "first version" page: it would repeat the page itself.
		if commits := countCommits(ph.All); commits == 1 {
			for i := range ph.All {
				if ph.All[i].Added {
					ph.All[i].Diff, ph.All[i].Older = nil, false
				}
			}
		}
		// Newest first; changes of the same time in log order, commits
		// before front matter notes.
		sort.SliceStable(ph.All, func(i, j int) bool {
			a, b := ph.All[i], ph.All[j]
			if !a.Date.Equal(b.Date) {
				return a.Date.After(b.Date)
			}
			return a.Hash != "" && b.Hash == ""
		})
		for _, u := range ph.All {
			if u.Major() {
				ph.Updates = append(ph.Updates, u)
			}
			if u.Hash != "" {
				ph.Git = true
			}
		}
		// The dates need git: front matter notes alone do not say when the
		// page last changed. With git, an older note moves Published back.
		if ph.Git {
			for _, u := range ph.All {
				if ph.Published.IsZero() || u.Date.Before(ph.Published) {
					ph.Published = u.Date
				}
				if u.Date.After(ph.Updated) {
					ph.Updated = u.Date
				}
			}
		}
		out[p] = ph
	}
	return out
}

// changeDiff is the diff a change page shows: kept by the cache, or made
// from the two versions' texts (text), the whole text for a page added,
// nil when a text could not be read or readers saw no change. With a
// cache, the diff is kept by the versions' blob ids (not in diffs, by the
// texts, which the next build would need to have to find it).
func changeDiff(cache *Cache, diffs *history.DiffCache, ch shownChange, redactions string, text func(string) (string, bool)) [][]history.Segment {
	if ch.kept {
		return ch.keptDiff
	}
	before, okB := text(ch.before)
	after, okA := text(ch.NewBlob)
	if !okB || !okA {
		return nil
	}
	if ch.before == "" {
		before = after // a page added: its whole text, as it first read
	}
	var d [][]history.Segment
	switch {
	case cache != nil && (ch.before == "" || before != after):
		d = history.DiffParagraphs(before, after)
	case ch.before == "" || before != after:
		d = diffs.Paragraphs(before, after)
	}
	cache.rememberDiff(ch.before, ch.NewBlob, redactions, d)
	return d
}

// versionBatch is how many earlier versions are parsed at a time: enough
// to keep every core busy, few enough that their documents take little
// memory.
const versionBatch = 256

// inLogOrder sorts versions of pages by the commit that made them, newest
// first, as git packs them: git cat-file unpacks a version from the ones
// it has just unpacked. Read page by page instead, the versions of 5,000
// pages and 25,000 commits took three times as long (11.5 s against 3.8 s).
func inLogOrder(versions []string, seq map[string]int) {
	slices.SortStableFunc(versions, func(a, b string) int { return cmp.Compare(seq[a], seq[b]) })
}

// blobTexts returns the text a reader saw of each earlier version of a
// page, by blob id. The versions are read as the pages of one folder, so
// the source stage parses them side by side.
func blobTexts(conv *markdown.Converter, blobs map[string][]byte) map[string]string {
	out := make(map[string]string, len(blobs))
	fsys := fstest.MapFS{}
	for id, b := range blobs {
		fsys["content/"+id+".md"] = &fstest.MapFile{Data: b}
	}
	pages, _ := source.LoadContent(fsys, "content", conv)
	for _, p := range pages {
		id := strings.TrimSuffix(strings.TrimPrefix(p.File, "content/"), ".md")
		out[id] = render.PageText(conv, p)
	}
	for id, b := range blobs {
		if _, ok := out[id]; !ok {
			out[id] = string(b) // not a readable page then: compare its source
		}
	}
	return out
}

func countCommits(us []render.Update) int {
	n := 0
	for _, u := range us {
		if u.Hash != "" {
			n++
		}
	}
	return n
}

// author is the name shown for a change made by name, as the site's
// history settings say.
func author(c site.HistoryConfig, name string) string {
	switch c.Authors {
	case site.AuthorsNames:
		return name
	case site.AuthorsNone:
		return ""
	}
	return c.Team
}
