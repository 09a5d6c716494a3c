package e2e

import (
	"os"
	"testing"
	"time"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/history/historytest"
)

// TestBrandingInBrowser builds a small site with a logo in handbook.yaml
// and a page whose review date has passed, serves it with netlify.toml's
// headers, and runs branding.mjs in Chromium at 1280 and 360 px.
func TestBrandingInBrowser(t *testing.T) {
	needBrowser(t)
	dir := t.TempDir()
	files := map[string]string{
		"handbook.yaml":     "title: Test Safeguarding Children Partnership\nlogo:\n  src: images/logo.svg\n  alt: Test partnership logo\n",
		"content/_index.md": "---\ntitle: Test Safeguarding Children Partnership\nsummary: Procedures and guidance.\n---\nWelcome.\n",
		"content/escalation.md": "---\ntitle: Escalation\nsummary: What to do when you disagree with another agency.\nnext_review: 2024-03-01\n---\n\n" +
			"## Talk first\n\nTalk to the worker who made the decision.\n\n## Then escalate\n\nAsk your manager to take it up.\n",
		"content/images/logo.svg": `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 48"><rect width="160" height="48" fill="#ffffff"/><circle cx="24" cy="24" r="18" fill="#1d70b8"/></svg>`,
	}
	historytest.WriteFiles(t, dir, files)
	now, _ := time.Parse(time.DateOnly, "2024-06-01")
	res, err := build.Build(build.Options{SiteDir: dir, NoSearch: true, Now: now})
	if err != nil {
		t.Fatalf("%v\n%v", err, res.Diags.Sorted())
	}
	built := map[string][]byte{}
	for _, f := range res.Files {
		built[f.Path] = f.Data
	}
	headers, err := LoadNetlifyHeaders("../netlify.toml")
	if err != nil {
		t.Fatal(err)
	}
	addr := listen(t, NewServer(built, headers))
	artifacts := os.Getenv("HANDBOOK_E2E_ARTIFACTS")
	if artifacts == "" {
		artifacts = "artifacts"
	}
	results := runScript(t, "branding.mjs", map[string]string{
		"baseURL": "http://" + addr, "chromium": chromiumPath, "artifacts": artifacts,
		"title": "Test Safeguarding Children Partnership", "reviewURL": "/escalation/", "reviewDate": "1 March 2024",
	}, 5*time.Minute)
	ran := map[string]bool{}
	for _, r := range results {
		ran[r.Name] = true
		t.Run(r.Name, func(t *testing.T) {
			if !r.OK {
				t.Error(r.Msg)
			}
		})
	}
	for _, w := range []string{"1280", "360"} {
		for _, name := range []string{"branding/logo-in-header-", "review-due/notice-", "branding/axe-"} {
			if !ran[name+w] {
				t.Errorf("%s%s did not run", name, w)
			}
		}
	}
}
