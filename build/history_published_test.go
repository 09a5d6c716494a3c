package build_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/history/historytest"
	"github.com/rscp/handbook/build/output"
)

func page(status, body string) string {
	return "---\ntitle: Escalation\nid: escalation\nstatus: " + status + "\n---\n\n" + body + "\n"
}

// filesContaining lists the built files that hold s.
func filesContaining(m *output.Memory, s string) []string {
	var out []string
	for _, p := range m.Paths() {
		if b, _ := m.Get(p); strings.Contains(string(b), s) {
			out = append(out, p)
		}
	}
	return out
}

// changePages lists the change pages built for the page at dir.
func changePages(m *output.Memory, dir string) []string {
	var out []string
	for _, p := range m.Paths() {
		if rest, ok := strings.CutPrefix(p, dir+"history/"); ok && strings.Count(rest, "/") == 1 && strings.HasSuffix(rest, "/index.html") {
			out = append(out, p)
		}
	}
	return out
}

// Versions committed while a page was a draft were never published: no
// history entry, change page or diff shows their text.
func TestHistorySkipsDraftVersions(t *testing.T) {
	r := historytest.New(t)
	r.Write(baseSite)
	draft1 := r.CommitFiles(day(2024, 1, 10), "Start escalation", map[string]string{"content/escalation.md": page("draft", "Draft wording about the unagreed plan.")})
	draft2 := r.CommitFiles(day(2024, 1, 20), "More drafting", map[string]string{"content/escalation.md": page("draft", "Draft wording about the unagreed plan, revised.")})
	publish := r.CommitFiles(day(2024, 2, 1), "Publish escalation", map[string]string{"content/escalation.md": page("published", "Talk to your manager.")})
	r.CommitFiles(day(2024, 3, 1), "Back to draft for a rewrite", map[string]string{"content/escalation.md": page("draft", "A rewrite nobody agreed.")})
	again := r.CommitFiles(day(2024, 4, 1), "Publish the rewrite", map[string]string{"content/escalation.md": page("published", "Talk to your line manager.")})

	_, m := buildSite(t, build.Options{SiteDir: r.Dir})
	checkAllPages(t, m)
	for _, secret := range []string{"unagreed", "rewrite nobody", "More drafting", "Back to draft", draft1[:10], draft2[:10]} {
		if f := filesContaining(m, secret); len(f) > 0 {
			t.Errorf("%q was never published but is in %v", secret, f)
		}
	}
	hist := mainText(t, get(t, m, "escalation/history/index.html"))
	if !strings.Contains(hist, "Published 1 February 2024") {
		t.Errorf("the page was first published on 1 February:\n%s", hist)
	}
	first := get(t, m, "escalation/history/"+publish[:10]+"/index.html")
	if !strings.Contains(mainText(t, first), "The page as first published") || strings.Contains(first, "<del>") {
		t.Errorf("the publishing commit is not the first version:\n%s", mainText(t, first))
	}
	change := get(t, m, "escalation/history/"+again[:10]+"/index.html")
	if !marked(change, "ins", "line ") {
		t.Errorf("the republished version is not compared with the last published one:\n%s", mainText(t, change))
	}
}

// data/redactions.yaml takes a commit or a passage out of published
// history, without rewriting git.
func TestHistoryRedactions(t *testing.T) {
	r := historytest.New(t)
	r.Write(baseSite)
	r.CommitFiles(day(2024, 1, 10), "Publish", map[string]string{"content/escalation.md": page("published", "Call the team.")})
	r.CommitFiles(day(2024, 2, 1), "Add a number", map[string]string{"content/escalation.md": page("published", "Call Jo on 07700 900123.")})
	r.CommitFiles(day(2024, 3, 1), "Use the team number", map[string]string{"content/escalation.md": page("published", "Call the team on its main number.")})
	named := r.CommitFiles(day(2024, 4, 1), "Case example for Tom Example", map[string]string{"content/escalation.md": page("published", "Call the team on its main number. Tom Example, aged 7, was helped.")})
	r.CommitFiles(day(2024, 4, 2), "Remove the case example", map[string]string{"content/escalation.md": page("published", "Call the team on its main number, day or night.")})
	r.Write(map[string]string{"data/redactions.yaml": fmt.Sprintf(
		"- text: 07700 900123\n  reason: A personal phone number.\n- commit: %s\n  reason: A child's name was pasted by mistake.\n", named[:10])})
	r.Commit(day(2024, 4, 3), "Redact")

	_, m := buildSite(t, build.Options{SiteDir: r.Dir})
	checkAllPages(t, m)
	for _, secret := range []string{"07700 900123", "Tom Example", named[:10]} {
		if f := filesContaining(m, secret); len(f) > 0 {
			t.Errorf("%q is redacted but is in %v", secret, f)
		}
	}
	if f := filesContaining(m, "[removed]"); len(f) == 0 {
		t.Error("no history page says a passage was removed")
	}

	r.Write(map[string]string{"data/redactions.yaml": "- text: x\n  commit: abcdef1\n  reason: both\n- commit: zz\n  reason: not a hash\n- text: y\n"})
	_, err := build.Build(build.Options{SiteDir: r.Dir})
	for _, want := range []string{"data/redactions.yaml:1: error: each redaction needs either commit", "data/redactions.yaml:4: error: commit \"zz\" is not a commit hash", "data/redactions.yaml:6: error: give the reason"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("bad redactions: want %q, got %v", want, err)
		}
	}
}

// The history and change pages of a withdrawn page are not indexed, like
// the tombstone itself.
func TestWithdrawnHistoryIsNoindex(t *testing.T) {
	r := historytest.New(t)
	r.Write(baseSite)
	r.CommitFiles(day(2024, 1, 10), "Publish", map[string]string{"content/escalation.md": page("published", "Talk to your manager.")})
	withdraw := r.CommitFiles(day(2024, 2, 1), "Withdraw", map[string]string{"content/escalation.md": page("withdrawn\nwithdrawn_reason: Replaced by the regional procedure.", "Talk to your manager.")})
	_, m := buildSite(t, build.Options{SiteDir: r.Dir})
	pages := append(changePages(m, "escalation/"), "escalation/history/index.html", "escalation/index.html")
	if len(pages) < 3 {
		t.Fatalf("change pages: %v (withdrawal %s)", pages, withdraw[:10])
	}
	for _, p := range pages {
		if !strings.Contains(get(t, m, p), `<meta name="robots" content="noindex">`) {
			t.Errorf("%s is indexed", p)
		}
	}
}

// A bulk edit repeated many times adds a bounded number of change pages:
// the latest history.change_pages changes of each page have one, older
// ones are listed without their text.
func TestChangePagesAreBounded(t *testing.T) {
	r := historytest.New(t)
	r.Write(baseSite)
	for i := range 15 {
		r.CommitFiles(day(2024, 1, 1+i), fmt.Sprintf("Edit %d", i), map[string]string{"content/escalation.md": page("published", fmt.Sprintf("Revision %d of the text.", i))})
	}
	for _, tt := range []struct {
		yaml string
		want int
	}{{"", 10}, {"history:\n  change_pages: 3\n", 3}} {
		r.Write(map[string]string{"handbook.yaml": "title: Test Partnership\n" + tt.yaml})
		_, m := buildSite(t, build.Options{SiteDir: r.Dir})
		if got := changePages(m, "escalation/"); len(got) != tt.want {
			t.Errorf("%q: %d change pages, want %d", tt.yaml, len(got), tt.want)
		}
		hist := mainText(t, get(t, m, "escalation/history/index.html"))
		// Every change is listed by its date, in plain words (not its
		// commit subject).
		for i := range 15 {
			if !strings.Contains(hist, fmt.Sprintf("%d January 2024 Minor wording changes", 1+i)) {
				t.Errorf("%q: the history does not list the change of %d January 2024 (Edit %d)", tt.yaml, 1+i, i)
			}
		}
		if n := strings.Count(hist, "only the latest changes are shown word by word"); n != 15-tt.want {
			t.Errorf("%q: %d changes listed without their text, want %d", tt.yaml, n, 15-tt.want)
		}
	}
}

// The whole site's change pages are bounded too (history.site_change_pages):
// the newest changes keep theirs, older ones are listed without their text.
// By default a small site keeps every page's latest ten: the bound is at
// least site.MinSiteChangePages.
func TestSiteChangePagesAreBounded(t *testing.T) {
	const commits = 12
	r := historytest.BulkEdit(t, 6, commits) // 6 pages, each changed by each commit
	for _, tt := range []struct {
		yaml string
		want int // change pages of each page
	}{{"", 10}, {"history:\n  site_change_pages: 12\n", 2}} {
		r.Write(map[string]string{"handbook.yaml": "title: Bulk Partnership\n" + tt.yaml})
		_, m := buildSite(t, build.Options{SiteDir: r.Dir})
		for p := range 6 {
			dir := fmt.Sprintf("section-%02d/page-%03d/", p%10, p)
			if got := changePages(m, dir); len(got) != tt.want {
				t.Errorf("%q: %s has %d change pages, want %d", tt.yaml, dir, len(got), tt.want)
			}
			hist := mainText(t, get(t, m, dir+"history/index.html"))
			if n := strings.Count(hist, "only the latest changes are shown word by word"); n != commits-tt.want {
				t.Errorf("%q: %s lists %d changes without their text, want %d", tt.yaml, dir, n, commits-tt.want)
			}
			// The history lists the newest first: the changes with a page
			// come before those without.
			last, first := strings.LastIndex(hist, "See the difference"), strings.Index(hist, "only the latest changes")
			if last < 0 || first >= 0 && first < last {
				t.Errorf("%q: %s: not the newest changes have a page:\n%s", tt.yaml, dir, hist)
			}
		}
	}
}

// TestEveryChangePageHasItsText builds a site whose change pages show more
// earlier versions than are read at a time (30 pages of 12 commits, each
// changing every page): every change page shows the words that changed,
// whichever batch its versions were parsed in.
func TestEveryChangePageHasItsText(t *testing.T) {
	r := historytest.BulkEdit(t, 30, 12)
	r.Write(map[string]string{"handbook.yaml": "title: Bulk Partnership\nhistory:\n  site_change_pages: 300\n"})
	_, m := buildSite(t, build.Options{SiteDir: r.Dir})
	pages := 0
	for p := range 30 {
		dir := fmt.Sprintf("section-%02d/page-%03d/", p%10, p)
		changes := changePages(m, dir)
		if len(changes) != 10 {
			t.Errorf("%s: %d change pages, want 10", dir, len(changes))
		}
		for _, c := range changes {
			text := mainText(t, get(t, m, c))
			if !strings.Contains(text, "Changes to the text") || !strings.Contains(text, "[added:") {
				t.Errorf("%s shows no changed words:\n%.400s", c, text)
			}
			pages++
		}
	}
	if pages < 300 {
		t.Errorf("%d change pages checked", pages)
	}
}
