package site

import (
	"path"
	"strings"

	"github.com/rscp/handbook/build/diag"
)

// Addresses the build generates besides the pages. A page or an alias at
// one of them would be written over, or would make the build fail with two
// files at one address, so the model refuses it here, where check sees it
// and both files can be named.
const (
	historyDir = "history/"    // <page>history/: a page's history; <page>history/<commit>/: one change
	feedName   = "updates.xml" // <page>updates.xml: a page's feed of major changes
)

// siteFiles are the files at the top of the site the build writes.
var siteFiles = map[string]bool{
	"/404.html": true, "/sitemap.xml": true, "/robots.txt": true, "/_redirects": true, "/amendments.xml": true,
}

// HistoryURL is the site path of p's history page; its change pages are
// below it.
func HistoryURL(p *Page) string { return p.URL + historyDir }

// FeedURL is the site path of p's Atom feed of major changes.
func FeedURL(p *Page) string { return p.URL + feedName }

// generatedAt says what the build generates at the site path u ("the
// history of content/about.md"), or "" when nothing is.
func (s *Site) generatedAt(u string) string {
	if siteFiles[u] {
		return "the site file " + strings.TrimPrefix(u, "/")
	}
	if owner := s.historyOwner(u); owner != nil {
		return "the history of " + owner.File
	}
	if dir, name := path.Split(u); name == feedName {
		if owner := s.ByURL[dir]; owner != nil && editable(owner) {
			return "the feed of updates to " + owner.File
		}
	}
	return ""
}

// historyOwner returns the page whose history pages u is at or under:
// the page at X/ for any u that starts with X/history/.
func (s *Site) historyOwner(u string) *Page {
	for i := 0; i < len(u); i++ {
		if u[i] != '/' || !strings.HasPrefix(u[i+1:], historyDir) {
			continue
		}
		if owner := s.ByURL[u[:i+1]]; owner != nil && editable(owner) {
			return owner
		}
	}
	return nil
}

// checkGenerated reports every page at an address the build generates for
// another page: the history of the page at /about/ is /about/history/, so
// content/about/history.md cannot be published there.
func (s *Site) checkGenerated(diags *diag.List) {
	for _, p := range s.Pages {
		if !editable(p) {
			continue
		}
		if owner := s.historyOwner(p.URL); owner != nil && owner != p {
			diags.Errorf(p.File, 1, "the address %s is where the history of %s is published: rename this file (or its folder) so that its address does not start with %s", p.URL, owner.File, HistoryURL(owner))
		}
	}
}
