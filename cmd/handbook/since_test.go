package main

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/rscp/handbook/build/history/historytest"
)

// check --since REF looks at a pull request's commits: a published page
// whose text changed with no Change-Note gets a warning, and the notes
// that will be published are shown.
func TestCheckSince(t *testing.T) {
	r := historytest.New(t)
	d := historytest.Date
	r.CommitFiles(d(2024, 1, 10), "Publish", map[string]string{
		"handbook.yaml":         "title: Test Partnership\n",
		"content/_index.md":     "---\ntitle: Test Partnership\n---\nWelcome.\n",
		"content/escalation.md": reviewedPage("Escalation", "2030-01-01", "Talk to your manager within 28 days."),
		"content/missing.md":    reviewedPage("Children missing", "2030-01-01", "Call the MASH."),
		"content/review.md":     reviewedPage("Review", "2030-01-01", "Reviewed text."),
		"content/draft.md":      "---\ntitle: Draft\nstatus: draft\n---\nDraft text.\n",
	})
	r.Git("branch", "base")
	r.CommitFiles(d(2024, 2, 1), "Escalation: shorter timescales", map[string]string{
		"content/escalation.md": reviewedPage("Escalation", "2030-01-01", "Talk to your manager within 5 working days."),
	})
	r.CommitFiles(d(2024, 2, 2), "Missing children (#12)\n\n* Ring first\n\nChange note: Ring the MASH before you write to it.\n\n---------\n\nCo-authored-by: A <a@example.org>",
		map[string]string{"content/missing.md": reviewedPage("Children missing", "2030-01-01", "Ring the MASH first.")})
	r.CommitFiles(d(2024, 2, 3), "Review dates only", map[string]string{
		"content/review.md": reviewedPage("Review", "2031-01-01", "Reviewed text."),
		"content/draft.md":  "---\ntitle: Draft\nstatus: draft\n---\nDraft text, edited.\n",
	})

	var out, errOut bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errOut}
	code := m.Run(context.Background(), []string{"check", "-s", r.Dir, "--today", "2024-03-01", "--since", "base"})
	text := out.String()
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, text, errOut.String())
	}
	if !regexp.MustCompile(`content/escalation.md: warning: changes the text of this published page since base \([0-9a-f]{10}\) with no change note`).MatchString(text) {
		t.Errorf("no warning for the change without a note:\n%s", text)
	}
	if !strings.Contains(text, "content/missing.md: change note that will be published: Ring the MASH before you write to it.") {
		t.Errorf("the note to be published is not shown:\n%s", text)
	}
	for _, line := range strings.Split(text, "\n") {
		if !strings.Contains(line, "change note") {
			continue
		}
		for _, quiet := range []string{"content/review.md", "content/draft.md", "missing.md: warning"} {
			if strings.Contains(line, quiet) {
				t.Errorf("%s is reported: %s", quiet, line)
			}
		}
	}

	out.Reset()
	m.Run(context.Background(), []string{"check", "-s", r.Dir, "--today", "2024-03-01", "--since", "base", "--format", "json"})
	var report struct {
		Diagnostics []struct{ File, Check string }
		ChangeNotes []struct {
			File  string
			Notes []string
		} `json:"change_notes"`
	}
	if err := json.Unmarshal(out.Bytes(), &report); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range report.Diagnostics {
		found = found || d.File == "content/escalation.md" && d.Check == "change-notes"
	}
	if !found || len(report.ChangeNotes) != 2 {
		t.Errorf("json report = %+v", report)
	}

	out.Reset()
	errOut.Reset()
	if code := m.Run(context.Background(), []string{"check", "-s", r.Dir, "--since", "origin/nowhere"}); code != 1 || !strings.Contains(errOut.String(), "git does not know origin/nowhere: fetch it first") {
		t.Errorf("an unknown ref: exit %d, %s", code, errOut.String())
	}
}

// An overdue review is an error on a pull request that changes the page,
// and a warning on one that does not: an urgent change elsewhere is never
// held up by it.
func TestCheckSinceOverdueReview(t *testing.T) {
	r := historytest.New(t)
	d := historytest.Date
	r.CommitFiles(d(2024, 1, 10), "Publish", map[string]string{
		"handbook.yaml":        "title: Test Partnership\n",
		"content/_index.md":    "---\ntitle: Test Partnership\n---\nWelcome.\n",
		"content/touched.md":   reviewedPage("Touched", "2023-06-01", "Call the MASH."),
		"content/elsewhere.md": reviewedPage("Elsewhere", "2023-06-01", "Ask your manager."),
	})
	r.Git("branch", "base")
	r.CommitFiles(d(2024, 2, 1), "Touched: ring first\n\nChange-Note: Ring the MASH first.", map[string]string{
		"content/touched.md": reviewedPage("Touched", "2023-06-01", "Ring the MASH first."),
	})
	var out, errOut bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errOut}
	code := m.Run(context.Background(), []string{"check", "-s", r.Dir, "--today", "2024-03-01", "--since", "base"})
	text := out.String()
	if code != 1 {
		t.Errorf("exit %d with an overdue review on a page the pull request changes, want 1:\n%s%s", code, text, errOut.String())
	}
	if !regexp.MustCompile(`content/touched.md:3: error: the review of this page is 274 days overdue \(next_review: 2023-06-01\).* the commits since base change this page`).MatchString(text) {
		t.Errorf("the overdue review of the changed page is not an error that says why:\n%s", text)
	}
	if !strings.Contains(text, "content/elsewhere.md:3: warning: the review of this page is 274 days overdue") {
		t.Errorf("the overdue review of a page the pull request does not change is not a warning:\n%s", text)
	}

	out.Reset()
	if code := m.Run(context.Background(), []string{"check", "-s", r.Dir, "--today", "2024-03-01"}); code != 0 || strings.Contains(out.String(), "error") {
		t.Errorf("without --since an overdue review holds up the check: exit %d\n%s", code, out.String())
	}
}

// reviewedPage is a page file with a title, a next_review date and a body.
func reviewedPage(title, review, body string) string {
	return "---\ntitle: " + title + "\nnext_review: " + review + "\n---\n\n" + body + "\n"
}
