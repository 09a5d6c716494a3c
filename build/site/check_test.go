package site_test

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/build/source"
)

// checkSite builds the model of files and runs the editorial checks.
func checkSite(t *testing.T, files map[string]string, today string) []diag.Diagnostic {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	in, d := source.Load(fsys)
	if d.HasErrors() {
		t.Fatalf("source: %v", d.Err())
	}
	s, _ := site.New(in, site.Options{Drafts: true})
	day, err := time.Parse("2006-01-02", today)
	if err != nil {
		t.Fatal(err)
	}
	return site.Check(s, day).Sorted()
}

// format gives "file:line: severity: check: message-start" for comparing.
func format(ds []diag.Diagnostic) []string {
	var out []string
	for _, d := range ds {
		out = append(out, fmt.Sprintf("%s:%d: %s: %s: %s", d.File, d.Line, d.Severity, d.Check, d.Message))
	}
	return out
}

func TestCheck(t *testing.T) {
	const glossary = "- term: Multi-Agency Safeguarding Hub\n  acronym: MASH\n  definition: The front door.\n  aliases: [MASHes, SPOC]\n" +
		"- term: Local Safeguarding Children Board\n  acronym: LSCB\n  definition: The old board.\n"
	page := func(front, body string) string { return "---\n" + front + "---\n" + body }
	tests := []struct {
		name  string
		files map[string]string
		today string
		want  []string // prefixes of format(diagnostic), in order
	}{
		{
			name:  "clean page",
			files: map[string]string{"content/a.md": page("title: A\nsummary: Fine.\nnext_review: 2024-07-01\n", "## One\n\n### Two\n\n## Three\n\n![A chart](a.png)\n"), "content/a.png": "x"},
			today: "2024-06-01",
		},
		{
			name: "two pages with one title",
			files: map[string]string{
				"content/a.md":   page("title: Information sharing\nsummary: S.\n", "Text.\n"),
				"content/b/c.md": page("summary: S.\ntitle: Information  Sharing\n", "Text.\n"),
			},
			want: []string{`content/b/c.md:3: warning: duplicate-title: the title "Information  Sharing" is also the title of /a/ (content/a.md)`},
		},
		{
			name:  "no summary",
			files: map[string]string{"content/a.md": page("title: A\n", "Text.\n")},
			want:  []string{"content/a.md:2: warning: summary: the page has no summary"},
		},
		{
			name:  "no summary, no front matter",
			files: map[string]string{"content/a.md": "# A\n\nText.\n"},
			want:  []string{"content/a.md:1: warning: summary: the page has no summary"},
		},
		{
			name:  "image without alt text",
			files: map[string]string{"content/a.md": page("title: A\nsummary: S.\n", "Text.\n\n![](a.png)\n\n![  ](a.png)\n"), "content/a.png": "x"},
			want: []string{
				"content/a.md:7: error: alt-text: the image a.png has no alt text",
				"content/a.md:9: error: alt-text: the image a.png has no alt text",
			},
		},
		{
			name:  "headings skip levels",
			files: map[string]string{"content/a.md": page("title: A\nsummary: S.\n", "### Starts at three\n\n## Two\n\n#### Four\n\n# One\n")},
			want: []string{
				`content/a.md:5: warning: heading-levels: the heading "Starts at three" skips a level: it is level 3 (###) after a level 1 heading; use ##`,
				`content/a.md:9: warning: heading-levels: the heading "Four" skips a level: it is level 4 (####) after a level 2 heading; use ###`,
				`content/a.md:11: warning: heading-levels: the heading "One" is a top-level heading (#)`,
			},
		},
		{
			name: "headings in briefing boxes start at three",
			files: map[string]string{"content/b.md": page("title: B\nsummary: S.\ntype: briefing\nboxes:\n"+
				strings.Repeat("  - {heading: H, body: \"### Fine\"}\n", 6)+"  - {heading: H, body: \"## Too high\"}\n", "")},
			want: []string{`content/b.md:6: warning: heading-levels: the heading "Too high" is level 2, but headings inside a box start at level 3: use ###`},
		},
		{
			name: "acronyms",
			files: map[string]string{
				"data/glossary.yaml": glossary,
				"content/a.md": page("title: What the LSCB did\nsummary: The LSCB and the QQQ.\n",
					"The MASH, the MASHes, the SPOC and LSCBs.\n\nThe XYZ and the XYZ again; ABCs too.\n\n"+
						"## The Multi-Agency Safeguarding Hub (MASH)\n\n## Calling the MASH\n\n"+
						"IF A CHILD IS IN DANGER CALL NOW.\n\n`CODE` and a [LINKED](https://example.org/ABCDEF) word, and OK.\n"),
			},
			want: []string{
				`content/a.md:2: warning: acronym: the heading "What the LSCB did" uses the abbreviation LSCB: write it out in headings (Local Safeguarding Children Board)`,
				`content/a.md:3: warning: acronym: QQQ is not in the glossary`,
				`content/a.md:7: warning: acronym: ABCs is not in the glossary`,
				`content/a.md:7: warning: acronym: XYZ is not in the glossary`,
				`content/a.md:11: warning: acronym: the heading "Calling the MASH" uses the abbreviation MASH: write it out in headings (Multi-Agency Safeguarding Hub)`,
				`content/a.md:15: warning: acronym: LINKED is not in the glossary`,
			},
		},
		{
			name: "review dates",
			files: map[string]string{
				"content/due.md":     page("title: Due\nsummary: S.\nnext_review: 2024-05-31\n", ""),
				"content/late.md":    page("title: Late\nsummary: S.\nnext_review: 2024-03-03\n", ""),
				"content/later.md":   page("title: Later\nsummary: S.\nnext_review: 2024-03-02\n", ""),
				"content/today.md":   page("title: Today\nsummary: S.\nnext_review: 2024-06-01\n", ""),
				"content/draft.md":   page("title: Draft\nsummary: S.\nstatus: draft\nnext_review: 2020-01-01\n", ""),
				"content/nodate.md":  page("title: No date\nsummary: S.\n", ""),
				"content/gone.md":    page("title: Gone\nsummary: S.\nstatus: withdrawn\nwithdrawn_reason: Replaced.\nnext_review: 2020-01-01\n", ""),
				"content/_index.md":  page("title: Home\nsummary: S.\n", ""),
				"content/future.md":  page("title: Future\nsummary: S.\nnext_review: 2030-01-01\n", ""),
				"content/unused.txt": "",
			},
			today: "2024-06-01",
			want: []string{
				"content/due.md:4: warning: review-date: the page is due for review (next_review: 2024-05-31, 1 day ago)",
				"content/late.md:4: warning: review-date: the page is due for review (next_review: 2024-03-03, 90 days ago)",
				"content/later.md:4: warning: review-overdue: the review of this page is 91 days overdue (next_review: 2024-03-02)",
			},
		},
		{
			name: "contacts",
			files: map[string]string{
				"data/contacts.yaml": "- id: fresh\n  service: Fresh\n  last_verified: 2023-12-01\n" +
					"- id: stale\n  service: Stale\n  last_verified: 2023-11-30\n" +
					"- id: never\n  service: Never\n" +
					"- id: future\n  service: Future\n  last_verified: 2025-01-01\n",
			},
			today: "2024-06-01",
			want: []string{
				`data/contacts.yaml:4: warning: contact-verified: contact "stale" was last verified on 2023-11-30, more than 6 months ago`,
				`data/contacts.yaml:7: warning: contact-verified: contact "never" has no last_verified date`,
				`data/contacts.yaml:9: warning: contact-verified: contact "future": last_verified 2025-01-01 is in the future`,
			},
		},
		{
			name: "placeholders",
			files: map[string]string{
				"content/draft.md": page("title: Draft\nsummary: \"TODO: a summary\"\nstatus: draft\nowner: TODO\n", "TODO: write it.\n"),
				"content/pub.md":   page("title: Published\nsummary: Done.\n", "Mostly done. TODO: the last part.\n"),
				"content/fine.md":  page("title: Fine\nsummary: Todo lists and TODOS are words here.\n", ""),
			},
			want: []string{
				"content/draft.md:3: warning: placeholder: this line still has placeholder text (TODO)",
				"content/draft.md:5: warning: placeholder: owner still has placeholder text (TODO)",
				"content/draft.md:7: warning: placeholder: this line still has placeholder text (TODO)",
				"content/fine.md:3: warning: acronym: TODOS is not in the glossary",
				"content/pub.md:5: error: placeholder: this line still has placeholder text (TODO)",
			},
		},
		{
			name: "theme pages and folders without _index.md are not checked",
			files: map[string]string{
				"content/sec/a.md": page("title: A\nsummary: S.\n", ""),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			today := tt.today
			if today == "" {
				today = "2024-06-01"
			}
			got := format(checkSite(t, tt.files, today))
			if len(got) != len(tt.want) {
				t.Fatalf("got %d diagnostics, want %d:\n%s", len(got), len(tt.want), strings.Join(got, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("diagnostic %d:\n got %s\nwant %s…", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestCheckNilSite(t *testing.T) {
	if n := len(site.Check(nil, time.Now()).Sorted()); n != 0 {
		t.Errorf("Check(nil) gave %d diagnostics", n)
	}
}
