package build_test

import (
	"strings"
	"testing"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/history/historytest"
)

// TestEditionBrokenLinkPath checks that a broken link inside an edition
// names the file the editor would look for: in the edition's folder for a
// dir edition, and in content/ at the tag for a ref edition (where the
// page itself is named TAG:content/…), never the current content/.
func TestEditionBrokenLinkPath(t *testing.T) {
	const broken = "---\ntitle: Old arrangements\n---\n\nSee [the old policy](policy.md) and ![a chart](chart.png) and [up](../../x.md).\n"
	diagnostics := func(res *build.Result) string {
		var all []string
		for _, d := range res.Diags.Sorted() {
			all = append(all, d.String())
		}
		return strings.Join(all, "\n")
	}

	dir := writeSite(t, map[string]string{
		"handbook.yaml":                 "title: Test Partnership\neditions:\n  - name: current\n  - name: \"2019\"\n    dir: editions/2019\n",
		"content/_index.md":             "---\ntitle: Test Partnership\n---\nWelcome.\n",
		"content/policy.md":             "---\ntitle: Policy\n---\nThe current policy.\n",
		"content/chart.png":             "png",
		"editions/2019/_index.md":       "---\ntitle: Test Partnership 2019\n---\nWelcome.\n",
		"editions/2019/arrangements.md": broken,
	})
	res, err := build.Build(build.Options{SiteDir: dir, NoSearch: true})
	if err == nil {
		t.Fatal("a dir edition with broken links builds")
	}
	got := diagnostics(res)
	for _, want := range []string{
		`editions/2019/arrangements.md:5: error: link to "policy.md": editions/2019/policy.md does not exist in this edition`,
		`editions/2019/arrangements.md:5: error: link to "chart.png": no such file in editions/2019/`,
		`editions/2019/arrangements.md:5: error: link to "../../x.md" points outside editions/2019/`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}

	r := historytest.New(t)
	r.CommitFiles(historytest.Date(2024, 1, 10), "First edition", map[string]string{
		"handbook.yaml":           "title: Test Partnership\n",
		"content/_index.md":       "---\ntitle: Test Partnership\n---\nWelcome.\n",
		"content/arrangements.md": broken,
	})
	r.Git("tag", "edition-2019")
	r.CommitFiles(historytest.Date(2024, 2, 1), "Current edition", map[string]string{
		"handbook.yaml":           "title: Test Partnership\neditions:\n  - name: current\n  - name: \"2019\"\n    ref: edition-2019\n",
		"content/arrangements.md": "---\ntitle: Arrangements\n---\n\nSee [the policy](policy.md).\n",
		"content/policy.md":       "---\ntitle: Policy\n---\nThe current policy.\n",
	})
	res, err = build.Build(build.Options{SiteDir: r.Dir, NoSearch: true})
	if err == nil {
		t.Fatal("a ref edition with broken links builds")
	}
	if got := diagnostics(res); !strings.Contains(got, `edition-2019:content/arrangements.md:5: error: link to "policy.md": content/policy.md does not exist in this edition`) {
		t.Errorf("the ref edition's broken link is not named at its tag:\n%s", got)
	}
}
