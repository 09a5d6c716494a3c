package e2e

import (
	"maps"
	"os"
	"regexp"
	"strings"
	"testing"
)

// docs/hosting.md gives nginx and IIS the headers netlify.toml sets, and
// the GitHub Pages workflow builds with the whole history and publishes
// only the site folder: the page must stay true when netlify.toml changes.
func TestHostingDocsMatchNetlifyHeaders(t *testing.T) {
	rules, err := LoadNetlifyHeaders("../netlify.toml")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, r := range rules {
		if r.For == "/*" {
			maps.Copy(want, r.Values)
		}
	}
	if len(want) == 0 {
		t.Fatal("netlify.toml sets no headers for /*")
	}
	doc, err := os.ReadFile("../docs/hosting.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	for name, re := range map[string]*regexp.Regexp{
		"nginx": regexp.MustCompile(`(?m)^\s*add_header ([A-Za-z-]+) "([^"]*)" always;`),
		"IIS":   regexp.MustCompile(`<add name="([A-Za-z-]+)" value="([^"]*)" />`),
	} {
		got := map[string]string{}
		for _, m := range re.FindAllStringSubmatch(text, -1) {
			if m[1] == "Cache-Control" {
				continue
			}
			if prev, ok := got[m[1]]; ok && prev != m[2] {
				t.Errorf("%s: %s is given two values in docs/hosting.md", name, m[1])
			}
			got[m[1]] = m[2]
		}
		for h, v := range want {
			if got[h] != v {
				t.Errorf("%s: docs/hosting.md gives %s: %q, netlify.toml %q", name, h, got[h], v)
			}
		}
		for h := range got {
			if _, ok := want[h]; !ok {
				t.Errorf("%s: docs/hosting.md sets %s, which netlify.toml does not", name, h)
			}
		}
	}

	wf, err := os.ReadFile("../.github/workflows/pages.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, must := range []string{"fetch-depth: 0", "--base-url", "actions/upload-pages-artifact", "path: public\n", "actions/deploy-pages"} {
		if !strings.Contains(string(wf), must) {
			t.Errorf("the GitHub Pages workflow lacks %q", must)
		}
	}
}
