package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rscp/handbook/build/diag"
)

// defaultSiteCopy copies the default site into a temporary folder.
func defaultSiteCopy(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	copyTree(t, "../..", dir, "handbook.yaml", "content", "data", "editions")
	return dir
}

// edit replaces old with new in the site's file, which must hold old.
func edit(t *testing.T, dir, file, old, new string) {
	t.Helper()
	p := filepath.Join(dir, file)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("%s does not hold %q", file, old)
	}
	if err := os.WriteFile(p, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkErrors runs handbook check on dir and returns its errors, in the
// order it prints them.
func checkErrors(t *testing.T, dir string) []string {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errOut}
	m.Run(t.Context(), []string{"check", "-s", dir, "--format", "json", "--today", "2026-12-07"})
	var report struct{ Diagnostics []diag.Diagnostic }
	if err := json.Unmarshal(out.Bytes(), &report); err != nil {
		t.Fatalf("check output: %v\n%s%s", err, out.String(), errOut.String())
	}
	var errs []string
	for _, d := range report.Diagnostics {
		if d.Severity == diag.Error {
			errs = append(errs, d.String())
		}
	}
	return errs
}

// buildErrors runs handbook build on dir and returns the errors it prints.
func buildErrors(t *testing.T, dir string) []string {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errOut}
	m.Run(t.Context(), []string{"build", "-s", dir, "-o", filepath.Join(t.TempDir(), "public")})
	var errs []string
	for _, l := range strings.Split(errOut.String(), "\n") {
		if strings.Contains(l, ": error: ") {
			errs = append(errs, l)
		}
	}
	return errs
}

// TestOneMistakeOneError: an unquoted ": " in a summary of the default
// site gives one error, the cause, not one more for every page linking to
// the page; two such mistakes give two; and check and build list them the
// same, in the same order.
func TestOneMistakeOneError(t *testing.T) {
	dir := defaultSiteCopy(t)
	edit(t, dir, "content/procedures/escalation.md", "\nsummary: What to do when", "\nsummary: Note: what to do when")
	errs := checkErrors(t, dir)
	want := `content/procedures/escalation.md:3: error: mapping values are not allowed in this context`
	if len(errs) != 1 || !strings.HasPrefix(errs[0], want) {
		t.Fatalf("one mistake gave %d errors:\n%s", len(errs), strings.Join(errs, "\n"))
	}

	edit(t, dir, "content/thresholds/level-4.md", "\nsummary: ", "\nsummary: Level 4: ")
	errs = checkErrors(t, dir)
	if len(errs) != 2 || !strings.HasPrefix(errs[0], want) || !strings.HasPrefix(errs[1], "content/thresholds/level-4.md:") {
		t.Fatalf("two mistakes gave %d errors:\n%s", len(errs), strings.Join(errs, "\n"))
	}
	if b := buildErrors(t, dir); strings.Join(b, "\n") != strings.Join(errs, "\n") {
		t.Errorf("build and check differ:\nbuild:\n%s\ncheck:\n%s", strings.Join(b, "\n"), strings.Join(errs, "\n"))
	}
}

// TestBrokenFrontMatterBodyChecked: the body of a page whose front matter
// has an error is still checked, the front matter's error first.
func TestBrokenFrontMatterBodyChecked(t *testing.T) {
	dir := defaultSiteCopy(t)
	edit(t, dir, "content/procedures/escalation.md", "\nsummary: What to do when", "\nsummary: Note: what to do when")
	b, err := os.ReadFile(filepath.Join(dir, "content/procedures/escalation.md"))
	if err != nil {
		t.Fatal(err)
	}
	img := bytes.Count(b, []byte("\n")) + 2 // the line of the image added below
	b = append(b, "\n![](chart.png)\n\nSee [the stages](no-such-page.md).\n"...)
	if err := os.WriteFile(filepath.Join(dir, "content/procedures/escalation.md"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	errs := checkErrors(t, dir)
	want := []string{
		"content/procedures/escalation.md:3: error: mapping values are not allowed in this context",
		fmt.Sprintf(`content/procedures/escalation.md:%d: error: link to "chart.png": no such file in content/`, img),
		fmt.Sprintf("content/procedures/escalation.md:%d: error: the image chart.png has no alt text", img),
		fmt.Sprintf(`content/procedures/escalation.md:%d: error: link to "no-such-page.md": content/procedures/no-such-page.md does not exist`, img+2),
	}
	if len(errs) != len(want) {
		t.Fatalf("errors:\n%s", strings.Join(errs, "\n"))
	}
	for i, w := range want {
		if !strings.HasPrefix(errs[i], w) {
			t.Errorf("error %d = %q, want %q", i+1, errs[i], w)
		}
	}
}
