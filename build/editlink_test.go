package build_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/output"
)

// TestEditThisPage: with repo_url and edit_branch every page an editor
// wrote links to its file in GitHub's editor; without them none does.
func TestEditThisPage(t *testing.T) {
	site := func(cfg string) *output.Memory {
		res, err := build.BuildFS(fstest.MapFS{
			"handbook.yaml":                    {Data: []byte("title: Test\n" + cfg)},
			"content/_index.md":                {Data: []byte("---\ntitle: Test\n---\nWelcome.\n")},
			"content/procedures/escalation.md": {Data: []byte("---\ntitle: Escalation\n---\nTalk first.\n")},
		}, build.Options{})
		if err != nil {
			t.Fatal(err)
		}
		m, err := output.NewMemory(res.Files)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	m := site("repo_url: https://github.com/example/handbook/\nedit_branch: live\n")
	page := get(t, m, "procedures/escalation/index.html")
	if !strings.Contains(page, `<a class="govuk-link" href="https://github.com/example/handbook/edit/live/content/procedures/escalation.md">Edit this page`) {
		t.Errorf("no edit link on the escalation page:\n%s", mainText(t, page))
	}
	if !strings.Contains(mainText(t, page), "Edit this page: Escalation (for partnership editors") {
		t.Errorf("edit link text:\n%s", mainText(t, page))
	}
	if strings.Contains(get(t, m, "procedures/index.html"), "Edit this page") {
		t.Error("a section page the model made links to a file that does not exist")
	}
	if strings.Contains(get(t, site(""), "procedures/escalation/index.html"), "Edit this page") {
		t.Error("an edit link without repo_url")
	}
}
