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

// TestFrontDoor: the emergency line of a procedure names the front door
// that handbook.yaml's front_door gives, from data/contacts.yaml; without
// it only the police.
func TestFrontDoor(t *testing.T) {
	build1 := func(cfg string) (*build.Result, error) {
		return build.BuildFS(fstest.MapFS{
			"handbook.yaml":      {Data: []byte("title: Test\n" + cfg)},
			"content/_index.md":  {Data: []byte("---\ntitle: Test\n---\nWelcome.\n")},
			"content/p.md":       {Data: []byte("---\ntitle: P\ntype: procedure\n---\nText.\n")},
			"data/contacts.yaml": {Data: []byte("- id: front\n  service: Children's Services Front Door\n  phone: 0300 123 4567\n")},
		}, build.Options{})
	}
	res, err := build1("front_door: front\n")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := output.NewMemory(res.Files)
	if text := mainText(t, get(t, m, "p/index.html")); !strings.Contains(text, "call the police on 999. If you are worried about a child, contact Children's Services Front Door on 0300 123 4567.") {
		t.Errorf("emergency line:\n%s", text)
	}
	res, _ = build1("")
	m, _ = output.NewMemory(res.Files)
	if text := mainText(t, get(t, m, "p/index.html")); strings.Contains(text, "If you are worried") || strings.Contains(text, "MASH") {
		t.Errorf("without front_door:\n%s", text)
	}
	if _, err := build1("front_door: mash\n"); err == nil || !strings.Contains(err.Error(), `front_door "mash" is not a contact in data/contacts.yaml`) {
		t.Errorf("unknown front door: %v", err)
	}
}
