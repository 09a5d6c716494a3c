package build_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/output"
)

// cloneSite gives a git clone of the repository's own site, so that
// builds read page history as in an editor's working copy.
func cloneSite(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := filepath.Join(t.TempDir(), "site")
	if out, err := exec.Command("git", "clone", "-q", "..", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot clone the repository: %v: %s", err, out)
	}
	return dir
}

func appendTo(t *testing.T, dir, file, text string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(file))
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, append(data, text...), 0o644); err != nil {
		t.Fatal(err)
	}
}

// patchAsWholeBuild patches the edited file into res and checks that every
// patched file is what a whole build of the edited site gives.
func patchAsWholeBuild(t *testing.T, res *build.Result, opts build.Options, file, edit string) []output.File {
	t.Helper()
	files, diags, ok := res.Patch([]string{file})
	if !ok {
		t.Fatalf("%s: not patched", edit)
	}
	if n, _ := diags.Count(); n > 0 {
		t.Fatalf("%s: errors %v", edit, diags.Sorted())
	}
	if len(files) == 0 {
		t.Fatalf("%s: no files", edit)
	}
	full, err := build.Build(opts)
	if err != nil {
		t.Fatalf("%s: the edited site does not build: %v", edit, err)
	}
	want := map[string][]byte{}
	for _, f := range full.Files {
		want[f.Path] = f.Data
	}
	for _, f := range files {
		if !bytes.Equal(f.Data, want[f.Path]) {
			t.Errorf("%s: %s differs from a whole build's", edit, f.Path)
		}
	}
	return files
}

// A patched page must be exactly the page a whole build gives.
func TestPatchMatchesFullBuild(t *testing.T) {
	dir := cloneSite(t)
	opts := build.Options{SiteDir: dir, Drafts: true, NoSearch: true, Now: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}
	res, err := build.Build(opts)
	if err != nil {
		t.Fatalf("the site does not build: %v", err)
	}
	edits := []struct{ file, text string }{
		{"content/procedures/escalation.md", "\nIf in doubt, talk to the MASH or read [the stages](#stages) again.\n"},
		{"content/thresholds/level-3.md", "\nA new paragraph about the LADO, with a link to [escalation](../procedures/escalation.md#why).\n"},
		{"content/briefings/_index.md", "\nBriefings are reviewed by the partnership every year.\n"},
		{"content/about.md", "\n> [!WARNING]\n> A warning added in an edit.\n"},
		{"content/briefings/online-safety.md", "\nThe partnership's LADO reviews this briefing.\n"},
		{"content/procedures/escalation.md", "\nA second edit of the same page.\n"},
	}
	for i, e := range edits {
		appendTo(t, dir, e.file, e.text)
		files := patchAsWholeBuild(t, res, opts, e.file, fmt.Sprintf("edit %d of %s", i, e.file))
		if !bytes.Contains(files[0].Data, []byte(strings.Fields(e.text)[2])) {
			t.Errorf("edit %d: %s does not show the edit", i, files[0].Path)
		}
	}
}

// An edit of front matter that other pages do not show at once (owner,
// summary, a procedure's stages, related pages, a threshold's response) is
// patched too, and the page is what a whole build makes of it.
func TestPatchFrontMatterMatchesFullBuild(t *testing.T) {
	dir := cloneSite(t)
	opts := build.Options{SiteDir: dir, Drafts: true, NoSearch: true, Now: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}
	res, err := build.Build(opts)
	if err != nil {
		t.Fatalf("the site does not build: %v", err)
	}
	// shows is what the page shows of the edit ("": only the comparison).
	edits := []struct{ file, old, new, shows string }{
		{"content/procedures/escalation.md", "owner: Executive Group, Rotherham Safeguarding Children Partnership", "owner: Business unit of the partnership", "Business unit of the partnership"},
		{"content/procedures/escalation.md", "Most disagreements should end here", "Most disagreements end at this stage", "Most disagreements end at this stage"},
		{"content/procedures/escalation.md", "related: [thresholds, threshold-level-4, information-sharing, serious-incident-notification]", "related: [threshold-level-4, thresholds]", ""},
		{"content/thresholds/level-3.md", "response: Immediate referral", "response: An urgent referral", "An urgent referral"},
		{"content/thresholds/level-3.md", "summary: Children who may be suffering", "summary: Children who might be suffering", "Children who might be suffering"},
		{"content/about.md", "status: published\n", "status: published\nsensitive: true\n", "hb-quick-exit"},
	}
	for i, e := range edits {
		p := filepath.Join(dir, filepath.FromSlash(e.file))
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte(e.old)) {
			t.Fatalf("edit %d: %s has no %q", i, e.file, e.old)
		}
		if err := os.WriteFile(p, bytes.Replace(data, []byte(e.old), []byte(e.new), 1), 0o644); err != nil {
			t.Fatal(err)
		}
		files := patchAsWholeBuild(t, res, opts, e.file, fmt.Sprintf("edit %d of %s (%s)", i, e.file, e.new))
		if e.shows != "" && !bytes.Contains(files[0].Data, []byte(e.shows)) {
			t.Errorf("edit %d: %s does not show %q", i, files[0].Path, e.shows)
		}
	}
}

// Anything more than a body edit needs a whole build, and leaves the
// result as it was.
func TestPatchRefusesMoreThanBody(t *testing.T) {
	dir := cloneSite(t)
	opts := build.Options{SiteDir: dir, Drafts: true, NoSearch: true}
	res, err := build.Build(opts)
	if err != nil {
		t.Fatalf("the site does not build: %v", err)
	}
	page := "content/procedures/escalation.md"
	orig, err := os.ReadFile(filepath.Join(dir, page))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		edit  func(string) string
		paths []string
	}{
		{"title", func(s string) string { return strings.Replace(s, "title: ", "title: Changed ", 1) }, nil},
		{"weight", func(s string) string { return strings.Replace(s, "weight: 10", "weight: 99", 1) }, nil},
		{"id", func(s string) string { return strings.Replace(s, "id: escalation", "id: escalation-route", 1) }, nil},
		{"status", func(s string) string { return strings.Replace(s, "status: published", "status: draft", 1) }, nil},
		{"aliases", func(s string) string {
			return strings.Replace(s, "status: published", "status: published\naliases: [/old/escalation/]", 1)
		}, nil},
		{"changes", func(s string) string {
			return strings.Replace(s, "status: published", "status: published\nchanges:\n  - date: 2024-01-02\n    note: Stages reworded.", 1)
		}, nil},
		{"related page that does not exist", func(s string) string { return strings.Replace(s, "related: [", "related: [no-such-page, ", 1) }, nil},
		{"a stage and its anchor gone", func(s string) string {
			before, after, _ := strings.Cut(s, "  - who: The Chief Officers Group\n")
			_, rest, _ := strings.Cut(after, "\n")
			return before + rest
		}, nil},
		{"new heading", func(s string) string { return s + "\n## A new section\n\nText.\n" }, nil},
		{"broken link", func(s string) string { return s + "\nSee [nothing](missing.md).\n" }, nil},
		{"bad front matter", func(s string) string { return strings.Replace(s, "title: ", "title: [", 1) }, nil},
		{"data file", func(s string) string { return s + "\nText.\n" }, []string{page, "data/contacts.yaml"}},
		{"new page", func(s string) string { return s + "\nText.\n" }, []string{page, "content/procedures/new.md"}},
	}
	for _, c := range cases {
		if err := os.WriteFile(filepath.Join(dir, page), []byte(c.edit(string(orig))), 0o644); err != nil {
			t.Fatal(err)
		}
		paths := c.paths
		if paths == nil {
			paths = []string{page}
		}
		if _, _, ok := res.Patch(paths); ok {
			t.Errorf("%s: patched; want a whole build", c.name)
		}
	}
	// The result is unchanged: the original file patches to what it was.
	if err := os.WriteFile(filepath.Join(dir, page), orig, 0o644); err != nil {
		t.Fatal(err)
	}
	files, _, ok := res.Patch([]string{page})
	if !ok {
		t.Fatal("the original page does not patch")
	}
	for _, f := range res.Files {
		if f.Path == files[0].Path && !bytes.Equal(f.Data, files[0].Data) {
			t.Errorf("%s changed after refused edits", f.Path)
		}
	}
}
