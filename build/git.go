package build

import (
	"errors"

	"github.com/rscp/handbook/build/history"
)

// gitHistory is what the build knows of the site's git history.
type gitHistory struct {
	log     *history.Log
	missing string // why there is no history; "" when there is
}

// readHistory reads the history of the site folder: one git log for every
// file. Without a site folder (a build from an in-memory file system) there
// is nothing to read.
func readHistory(siteDir string, cache *Cache) *gitHistory {
	if siteDir == "" {
		return &gitHistory{missing: "the site was not read from a folder"}
	}
	var log *history.Log
	var err error
	if cache.keepsLog() {
		// A cache folder keeps the log: git is asked only for the commits
		// since the last build's.
		var kept *history.RawLog
		log, kept, err = history.LoadReusing(siteDir, cache.lastLog())
		cache.keepLog(kept, log.Reused())
	} else {
		log, err = history.Load(siteDir)
	}
	h := &gitHistory{log: log}
	var ue *history.UnavailableError
	if errors.As(err, &ue) {
		h.missing = ue.Reason
	} else if err != nil {
		h.missing = err.Error()
	}
	return h
}
