package build_test

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/rscp/handbook/build"
)

// TestReviewDueNotice checks the "Due for review" notice: a published page
// shows it from the day after its next_review date, in words, with the
// date as a <time>; not on that day or before, not on a page without
// next_review, and not on a draft.
func TestReviewDueNotice(t *testing.T) {
	page := func(extra string) string {
		return "---\ntitle: Escalation\nsummary: How to escalate a concern.\nnext_review: 2024-03-01\n" + extra + "---\n\nTalk to your manager.\n"
	}
	dir := writeSite(t, map[string]string{
		"handbook.yaml":         "title: Test Partnership\n",
		"content/_index.md":     "---\ntitle: Test Partnership\n---\nWelcome.\n",
		"content/escalation.md": page(""),
		"content/procedure.md":  page("type: procedure\n"),
		"content/threshold.md":  "---\ntitle: Level 2\ntype: threshold\nlevel: 2\nlabel: Additional needs\nroute: mash\nnext_review: 2024-03-01\n---\n",
		"content/draft.md":      page("status: draft\n"),
		"content/no-review.md":  "---\ntitle: No review date\n---\n\nText.\n",
		"data/contacts.yaml":    "- id: mash\n  service: MASH\n",
	})
	notice := func(doc *html.Node) string {
		if n := findAll(doc, func(n *html.Node) bool { return hasClass(n, "hb-review-due") }); len(n) == 1 {
			return text(n[0])
		}
		return ""
	}
	for _, tc := range []struct {
		today string
		due   bool
	}{{"2024-02-29", false}, {"2024-03-01", false}, {"2024-03-02", true}, {"2025-01-01", true}} {
		now, _ := time.Parse("2006-01-02", tc.today)
		_, pages := builtPages(t, build.Options{SiteDir: dir, NoSearch: true, Now: now.Add(15 * time.Hour)})
		for _, path := range []string{"escalation/index.html", "procedure/index.html", "threshold/index.html"} {
			got := notice(pages[path])
			if tc.due != (got != "") {
				t.Errorf("on %s, %s: notice %q, want one: %v", tc.today, path, got, tc.due)
			}
			if got != "" && (!strings.HasPrefix(got, "Due for review.") || !strings.Contains(got, "reviewed by 1 March 2024")) {
				t.Errorf("on %s, %s: the notice does not say in words when the review was due: %q", tc.today, path, got)
			}
			if got != "" && len(findAll(pages[path], func(n *html.Node) bool {
				return n.Data == "time" && attr(n, "datetime") == "2024-03-01" && hasClass(n.Parent.Parent, "hb-review-due")
			})) != 1 {
				t.Errorf("on %s, %s: the due date is not a <time datetime=2024-03-01> in the notice", tc.today, path)
			}
		}
		if got := notice(pages["no-review/index.html"]); got != "" {
			t.Errorf("a page without next_review says %q", got)
		}
		if _, ok := pages["draft/index.html"]; ok {
			t.Errorf("the draft was published")
		}
	}
}
