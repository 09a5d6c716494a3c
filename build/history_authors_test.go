package build_test

import (
	"strings"
	"testing"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/history/historytest"
)

// Who made a change is shown as handbook.yaml's history.authors says: the
// team's name by default, each name through .mailmap, or nothing.
func TestHistoryAuthors(t *testing.T) {
	r := historytest.New(t)
	r.Write(baseSite)
	r.Write(map[string]string{
		".mailmap":              "Jane Smith <jane@example.org> <js@laptop.local>\n",
		"content/escalation.md": "---\ntitle: Escalation\n---\nTalk to your manager.\n",
	})
	r.CommitAs(historytest.Sig{Author: "js", Email: "js@laptop.local", AuthorDate: day(2024, 1, 10)}, "Publish escalation")
	r.Write(map[string]string{"content/escalation.md": "---\ntitle: Escalation\n---\nTalk to your line manager.\n"})
	fix := r.CommitAs(historytest.Sig{Author: "js", Email: "js@laptop.local", AuthorDate: day(2024, 2, 1)}, "Fix\x1b[2J a \x07word")

	for _, tt := range []struct {
		name, yaml string
		want, not  []string
	}{
		{name: "default", want: []string{"Test Partnership"}, not: []string{"Jane", "js"}},
		{name: "team", yaml: "history:\n  authors: team\n  team: RSCP business unit\n", want: []string{"RSCP business unit"}, not: []string{"Jane", "js"}},
		{name: "names", yaml: "history:\n  authors: names\n", want: []string{"Jane Smith"}, not: []string{" js "}},
		{name: "none", yaml: "history:\n  authors: none\n", not: []string{"Jane", " js ", "RSCP", "By "}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r.Write(map[string]string{"handbook.yaml": "title: Test Partnership\n" + tt.yaml})
			_, m := buildSite(t, build.Options{SiteDir: r.Dir})
			hist := get(t, m, "escalation/history/index.html")
			change := get(t, m, "escalation/history/"+fix[:10]+"/index.html")
			for _, page := range []string{hist, change} {
				text := " " + mainText(t, page) + " "
				for _, w := range tt.want {
					if !strings.Contains(text, w) {
						t.Errorf("does not show %q:\n%s", w, text)
					}
				}
				for _, n := range tt.not {
					if strings.Contains(text, n) {
						t.Errorf("shows %q:\n%s", n, text)
					}
				}
				if strings.ContainsAny(page, "\x1b\x07") {
					t.Error("control characters of the subject reach the HTML")
				}
			}
			// Readers see what changed in plain words, not the commit subject.
			if ct := mainText(t, change); strings.Contains(ct, "Fix a word") || !strings.Contains(ct, "What changed Minor wording changes") {
				t.Errorf("the change page shows the commit subject, or not what changed in plain words:\n%s", ct)
			}
		})
	}

	r.Write(map[string]string{"handbook.yaml": "title: Test Partnership\nhistory:\n  authors: everyone\n"})
	_, err := build.Build(build.Options{SiteDir: r.Dir})
	if err == nil || !strings.Contains(err.Error(), "handbook.yaml:3") || !strings.Contains(err.Error(), "team, names or none") {
		t.Errorf("an unknown setting gave %v", err)
	}
}
