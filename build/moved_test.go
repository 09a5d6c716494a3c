package build_test

import (
	"strings"
	"testing"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/history/historytest"
)

// After git mv, the page's old address redirects to the new one, from
// git's rename record, with no alias written by hand.
func TestMovedPageKeepsItsAddress(t *testing.T) {
	r := historytest.New(t)
	r.Write(baseSite)
	r.CommitFiles(day(2024, 1, 10), "Publish", map[string]string{
		"content/escalation.md": "---\ntitle: Escalation\nid: escalation\n---\nTalk to your manager.\n",
		"content/old-news.md":   "---\ntitle: Old news\n---\nNews.\n",
		"content/a.md":          "---\ntitle: A\naliases: [/old-a/, /escalation/]\n---\nA.\n",
	})
	r.Git("mv", "content/escalation.md", "content/procedures/escalation-policy.md")
	r.Commit(day(2024, 2, 1), "Move escalation into procedures")
	r.Git("mv", "content/procedures/escalation-policy.md", "content/procedures/escalation-and-resolution.md")
	r.Commit(day(2024, 3, 1), "Rename escalation")
	// A page moved away whose old address a new page then takes.
	r.Git("mv", "content/old-news.md", "content/archive-news.md")
	r.Commit(day(2024, 3, 2), "Move old news")
	r.CommitFiles(day(2024, 3, 3), "New page at the old address", map[string]string{"content/old-news.md": "---\ntitle: Fresh news\n---\nFresh.\n"})

	res, m := buildSite(t, build.Options{SiteDir: r.Dir})
	if w := warnings(res.Diags); len(w) != 0 {
		t.Errorf("warnings: %v", w)
	}
	for _, old := range []string{"procedures/escalation-policy/index.html"} {
		page, ok := m.Get(old)
		if !ok {
			t.Errorf("the old address %s is gone", old)
			continue
		}
		if !strings.Contains(string(page), `http-equiv="refresh" content="0; url=/procedures/escalation-and-resolution/"`) {
			t.Errorf("%s does not redirect to the page's new address:\n%s", old, page)
		}
	}
	if !strings.Contains(get(t, m, "old-news/index.html"), "Fresh.") {
		t.Error("a redirect took the address of the page there now")
	}
	if page := get(t, m, "escalation/index.html"); !strings.Contains(page, "url=/a/") {
		t.Error("an alias written in front matter lost its address to a rename")
	}
}
