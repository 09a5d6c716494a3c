package pagehistory

import (
	"sort"
	"strings"

	"github.com/rscp/handbook/build/history"
	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/build/source"
)

// AddMoveRedirects keeps the addresses of moved pages working: for every
// earlier path git's rename records give a page (git mv), the address that
// path had redirects to the page, as an alias in front matter would. An
// address that a page or an alias has now is left to it.
func AddMoveRedirects(s *site.Site, log *history.Log) {
	taken := map[string]bool{}
	for _, r := range s.Redirects {
		taken[r.From] = true
	}
	added := false
	for _, p := range s.Pages {
		for _, ch := range log.File(p.File) {
			rel, ok := strings.CutPrefix(ch.OldPath, "content/")
			if !ok || !strings.HasSuffix(rel, ".md") {
				continue
			}
			old := source.URLFor(rel)
			if old == "" || old == p.URL || taken[old] || s.ByURL[old] != nil {
				continue
			}
			taken[old] = true
			s.Redirects = append(s.Redirects, site.Redirect{From: old, To: p})
			added = true
		}
	}
	if added {
		sort.Slice(s.Redirects, func(i, j int) bool { return s.Redirects[i].From < s.Redirects[j].From })
	}
}
