package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/history/historytest"
)

const editionsYAML = `title: Test Partnership
# Editions, newest first.
editions:
  - name: current
    label: Working Together 2023
    effective_from: 2024-12-01
  # The first edition, kept as a folder.
  - name: "2019"
    label: Working Together 2018
    effective_from: 2019-09-29
    dir: editions/2019

quick_exit:
  url: https://www.bbc.co.uk/weather
`

// TestEditionAdd checks handbook edition add: in one step it tags the
// site as it is now and lists the tag in handbook.yaml, just after the
// current edition, with the current edition's label and date, keeping the
// file's comments; the site then builds with the edition under /v/NAME/,
// from the tag, after content/ has moved on. Mistakes change nothing.
func TestEditionAdd(t *testing.T) {
	r := historytest.New(t)
	d := historytest.Date
	r.CommitFiles(d(2024, 12, 1), "Working Together 2023 edition", map[string]string{
		"handbook.yaml":           editionsYAML,
		"content/_index.md":       "---\ntitle: Test Partnership\n---\nWelcome.\n",
		"content/arrangements.md": "---\ntitle: Arrangements\nid: arrangements\n---\n\nThe chair is the council's chief executive.\n",
		"editions/2019/_index.md": "---\ntitle: Test Partnership\n---\nWelcome (2019).\n",
	})
	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		m := &Main{Stdout: &out, Stderr: &errOut}
		code := m.Run(context.Background(), append([]string{"edition"}, append(args, "-s", r.Dir)...))
		return code, out.String(), errOut.String()
	}
	yamlFile := filepath.Join(r.Dir, "handbook.yaml")
	read := func() string {
		b, err := os.ReadFile(yamlFile)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	// Uncommitted changes to content/ would not be in the tag.
	os.WriteFile(filepath.Join(r.Dir, "content", "arrangements.md"), []byte("---\ntitle: Arrangements\n---\n\nEdited.\n"), 0o644)
	if code, _, errOut := run("add", "2023"); code != 1 || !strings.Contains(errOut, "content/ has changes that are not committed") {
		t.Errorf("with uncommitted changes: exit %d, %s", code, errOut)
	}
	r.Git("checkout", "--", "content")
	if got := read(); got != editionsYAML || strings.TrimSpace(r.Git("tag")) != "" {
		t.Fatalf("a refused edition changed handbook.yaml or made a tag:\n%s\ntags: %s", got, r.Git("tag"))
	}

	code, out, errOut := run("add", "2023")
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	if tag, head := r.Git("rev-parse", "edition-2023"), r.Git("rev-parse", "HEAD"); tag != head {
		t.Errorf("edition-2023 is %s, not the last commit %s", tag, head)
	}
	want := strings.Replace(editionsYAML, "  # The first edition, kept as a folder.\n",
		"  - name: \"2023\"\n    label: \"Working Together 2023\"\n    effective_from: 2024-12-01\n    ref: \"edition-2023\"\n  # The first edition, kept as a folder.\n", 1)
	if got := read(); got != want {
		t.Errorf("handbook.yaml is\n%s\nwant\n%s", got, want)
	}
	if !strings.Contains(errOut, "git push origin edition-2023") {
		t.Errorf("the next steps do not say to push the tag: %s", errOut)
	}

	// The editor then writes the new edition into content/.
	r.CommitFiles(d(2025, 6, 1), "New edition", map[string]string{
		"handbook.yaml":           strings.Replace(read(), "  - name: current\n    label: Working Together 2023\n    effective_from: 2024-12-01\n", "  - name: current\n    label: Working Together 2025\n    effective_from: 2025-06-01\n", 1),
		"content/arrangements.md": "---\ntitle: Arrangements\nid: arrangements\n---\n\nThe chair is independent.\n",
	})
	res, err := build.Build(build.Options{SiteDir: r.Dir, NoSearch: true})
	if err != nil {
		t.Fatalf("the site does not build with the new edition: %v\n%v", err, res.Diags.Sorted())
	}
	pages := map[string]string{}
	for _, f := range res.Files {
		pages[f.Path] = string(f.Data)
	}
	if old := pages["v/2023/arrangements/index.html"]; !strings.Contains(old, "chief executive") {
		t.Errorf("/v/2023/arrangements/ does not hold the tagged text")
	}
	if cur := pages["arrangements/index.html"]; !strings.Contains(cur, "independent") {
		t.Errorf("/arrangements/ does not hold the new text")
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"add", "2023"}, "already has an edition called 2023"},
		{[]string{"add", "Draft 1"}, "cannot name an edition"},
		{[]string{"add", "2017", "--ref", "no-such-tag"}, "git does not know no-such-tag"},
		{[]string{"add", "2024"}, "the tag edition-2024"}, // made below
	} {
		if tc.want == "the tag edition-2024" {
			r.Git("tag", "edition-2024")
			tc.want = "the tag edition-2024 already exists"
		}
		before := read()
		if code, _, errOut := run(tc.args...); code == 0 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %q; want an error saying %q", tc.args, code, errOut, tc.want)
		}
		if read() != before {
			t.Errorf("%v changed handbook.yaml", tc.args)
		}
	}
	// --ref lists an existing tag, with the label given.
	if code, out, errOut := run("add", "2024", "--ref", "edition-2024", "--label", "Interim 2024"); code != 0 {
		t.Fatalf("--ref: exit %d: %s%s", code, out, errOut)
	}
	if !strings.Contains(read(), "  - name: \"2024\"\n    label: \"Interim 2024\"\n    ref: \"edition-2024\"\n  - name: \"2023\"") {
		t.Errorf("--ref: handbook.yaml is\n%s", read())
	}
}

// A site without editions gets an editions list: the current site first,
// then the tagged edition.
func TestEditionAddFirst(t *testing.T) {
	r := historytest.New(t)
	r.CommitFiles(historytest.Date(2024, 1, 10), "Publish", map[string]string{
		"handbook.yaml":     "title: Test Partnership\n",
		"content/_index.md": "---\ntitle: Test Partnership\n---\nWelcome.\n",
	})
	var out, errOut bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errOut}
	if code := m.Run(context.Background(), []string{"edition", "add", "2024", "-s", r.Dir, "--label", "First edition"}); code != 0 {
		t.Fatalf("exit %d: %s%s", code, out.String(), errOut.String())
	}
	res, err := build.Build(build.Options{SiteDir: r.Dir, NoSearch: true})
	if err != nil {
		t.Fatalf("%v\n%v", err, res.Diags.Sorted())
	}
	if len(res.Editions) != 2 || res.Editions[0].Name != "current" || res.Editions[1].Name != "2024" || res.Editions[1].Label != "First edition" {
		t.Errorf("editions after adding the first: %+v", res.Editions)
	}
}
