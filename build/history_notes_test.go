package build_test

import (
	"strings"
	"testing"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/history/historytest"
)

// The Change-Note of a GitHub squash merge, of a note followed by another
// paragraph and of "Change Note:" with a space reaches the amendments log,
// dated by the author date or the Change-Date the editor wrote.
func TestAmendmentsFromRealisticCommits(t *testing.T) {
	r := historytest.New(t)
	r.Write(baseSite)
	r.CommitFiles(day(2024, 1, 10), "Publish", map[string]string{
		"content/procedures/escalation.md": "---\ntitle: Escalation\n---\nTalk to your manager within 28 days.\n",
		"content/procedures/missing.md":    "---\ntitle: Children missing\n---\nCall the MASH.\n",
		"content/about.md":                 "---\ntitle: About\n---\nAbout us.\n",
	})
	// Written on 3 December, squash-merged on 7 December.
	r.Write(map[string]string{"content/procedures/escalation.md": "---\ntitle: Escalation\n---\nTalk to your manager within 5 working days.\n"})
	r.CommitAs(historytest.Sig{AuthorDate: day(2024, 12, 3), CommitDate: day(2024, 12, 7)},
		"Update escalation timescales (#42)\n\n* Update escalation timescales\n\nChange-Note: Stage 2 must now be reached within 5 working days.\n\n"+
			"* Fix typo\n\n---------\n\nCo-authored-by: Ann Editor <ann@example.org>\n")
	r.CommitFiles(day(2024, 12, 8), "Missing children\n\nChange Note: Ring the MASH first.\n\nAgreed by the subgroup.", map[string]string{
		"content/procedures/missing.md": "---\ntitle: Children missing\n---\nRing the MASH first.\n",
	})
	r.CommitFiles(day(2024, 12, 9), "About\n\nchange note: The partnership has a new chair.\nChange-Date: 2024-11-30", map[string]string{
		"content/about.md": "---\ntitle: About\n---\nA new chair.\n",
	})
	res, m := buildSite(t, build.Options{SiteDir: r.Dir})
	if w := warnings(res.Diags); len(w) != 0 {
		t.Errorf("warnings: %v", w)
	}
	text := mainText(t, get(t, m, "amendments/index.html"))
	for _, want := range []string{
		"3 December 2024 Stage 2 must now be reached within 5 working days. Page changed: Escalation",
		"8 December 2024 Ring the MASH first. Page changed: Children missing",
		"30 November 2024 The partnership has a new chair. Page changed: About",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the amendments page does not say %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "7 December") || strings.Contains(text, "9 December") {
		t.Errorf("the amendments page shows a committer date:\n%s", text)
	}
}
