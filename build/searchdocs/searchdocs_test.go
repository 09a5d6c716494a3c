package searchdocs

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rscp/handbook/bench/corpus"
	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/build/source"
	"github.com/rscp/handbook/search"
)

// TestDocs checks the search documents of a small site against what a
// reader searching it should find: each page they can open once, with its
// section, type and threshold level, and each part of it a result can link
// to (a body heading, a procedure stage, a briefing box, a threshold's
// indicators) with its anchor and its own text, which the body holds too.
// Drafts, withdrawn pages and the search page are not found.
func TestDocs(t *testing.T) {
	boxes := ""
	for i := 1; i <= 7; i++ {
		boxes += fmt.Sprintf("  - heading: Box %d\n    body: Box %d text.\n", i, i)
	}
	fsys := fstest.MapFS{
		"handbook.yaml":                {Data: []byte("title: Test Partnership\n")},
		"data/contacts.yaml":           {Data: []byte("- id: mash\n  service: MASH\n  phone: unknown\n")},
		"content/_index.md":            {Data: []byte("---\ntitle: Test Partnership\n---\nWelcome.\n")},
		"content/about.md":             {Data: []byte("---\ntitle: About us\n---\nWho we are.\n")},
		"content/procedures/_index.md": {Data: []byte("---\ntitle: Procedures\n---\nAll procedures.\n")},
		"content/procedures/escalation.md": {Data: []byte("---\ntitle: Escalation\ntype: procedure\nstages:\n" +
			"  - who: Practitioners\n    timescale: Within 2 days\n    action: Talk to each other.\n" +
			"  - who: Managers\n    action: Follow the protocol.\n---\n" +
			"Resolve disagreements early.\n\n## Why it matters {#why}\n\nChildren wait while adults disagree.\n\n" +
			"Keep a record.\n\n### Whistleblowing\n\nUse your organisation's policy.\n")},
		"content/procedures/draft.md":     {Data: []byte("---\ntitle: Not yet agreed\nstatus: draft\n---\nDraft text.\n")},
		"content/procedures/withdrawn.md": {Data: []byte("---\ntitle: Replaced procedure\nstatus: withdrawn\nwithdrawn_reason: Replaced by escalation.\n---\nOld text.\n")},
		"content/thresholds/_index.md":    {Data: []byte("---\ntitle: Thresholds\n---\nThe levels of need.\n")},
		"content/thresholds/level-3.md": {Data: []byte("---\ntitle: \"Level 3: Child protection\"\ntype: threshold\nlevel: 3\n" +
			"route: mash\nlabel: Child protection\nresponse: Refer at once.\nlegal_basis: Children Act 1989 s47\n" +
			"indicators:\n  parenting_capacity:\n    - Parent unable to keep the child safe\n---\nWhen a child is at risk of significant harm.\n")},
		"content/briefings/_index.md": {Data: []byte("---\ntitle: Briefings\n---\nSeven-minute briefings.\n")},
		"content/briefings/neglect.md": {Data: []byte("---\ntitle: Neglect\ntype: briefing\nboxes:\n" + boxes +
			"questions:\n  - What would you do?\n---\n")},
	}
	in, diags := source.Load(fsys)
	s, d := site.New(in, site.Options{})
	diags.Merge(d)
	if err := diags.Err(); err != nil {
		t.Fatal(err)
	}
	docs := map[string]search.Doc{}
	for _, d := range Docs(s) {
		if _, dup := docs[d.URL]; dup {
			t.Errorf("%s has two documents", d.URL)
		}
		docs[d.URL] = d
	}
	for _, u := range []string{"/procedures/draft/", "/procedures/withdrawn/", "/search/"} {
		if _, ok := docs[u]; ok {
			t.Errorf("%s is found by search; a reader cannot open it", u)
		}
	}
	for _, u := range []string{"/", "/about/", "/procedures/", "/procedures/escalation/", "/thresholds/", "/thresholds/level-3/", "/briefings/", "/briefings/neglect/"} {
		if _, ok := docs[u]; !ok {
			t.Errorf("%s is not found by search", u)
		}
	}

	section := func(d search.Doc, anchor string) search.Heading {
		t.Helper()
		for _, h := range d.Headings {
			if h.Anchor == anchor {
				if !strings.Contains(d.Body, h.Body) {
					t.Errorf("%s#%s: the body does not hold the section's text %q", d.URL, anchor, h.Body)
				}
				return h
			}
		}
		t.Errorf("%s has no section #%s; it has %+v", d.URL, anchor, d.Headings)
		return search.Heading{}
	}
	type want struct{ anchor, text, body string }
	check := func(u, title, sectionTitle, typ string, level int, sections []want) {
		t.Helper()
		d := docs[u]
		if d.Title != title || d.Section != sectionTitle || d.Type != typ || d.Level != level || d.Version != "current" {
			t.Errorf("%s: title %q, section %q, type %q, level %d, version %q; want %q, %q, %q, %d, current",
				u, d.Title, d.Section, d.Type, d.Level, d.Version, title, sectionTitle, typ, level)
		}
		for _, w := range sections {
			if h := section(d, w.anchor); h.Text != w.text || strings.TrimSpace(h.Body) != w.body {
				t.Errorf("%s#%s: %q / %q, want %q / %q", u, w.anchor, h.Text, h.Body, w.text, w.body)
			}
		}
		if len(d.Headings) != len(sections) {
			t.Errorf("%s: %d sections, want %d: %+v", u, len(d.Headings), len(sections), d.Headings)
		}
	}
	check("/about/", "About us", "", "page", 0, nil)
	check("/procedures/", "Procedures", "Procedures", "page", 0, nil)
	check("/procedures/escalation/", "Escalation", "Procedures", "procedure", 0, []want{
		{"route-stage-1", "Stage 1: Practitioners", "Within 2 days\nTalk to each other."},
		{"route-stage-2", "Stage 2: Managers", "Follow the protocol."},
		{"why", "Why it matters", "Children wait while adults disagree.\nKeep a record."},
		{"whistleblowing", "Whistleblowing", "Use your organisation’s policy."}, // the typographer's apostrophe, as the page shows it
	})
	check("/thresholds/level-3/", "Level 3: Child protection", "Thresholds", "threshold", 3, []want{
		{"", "Child protection", "Level 3: Child protection\nRefer at once.\nChildren Act 1989 s47"},
		{"domain-parenting-capacity", "Parenting capacity", "Parent unable to keep the child safe"},
	})
	var box []want
	for i := 1; i <= 7; i++ {
		box = append(box, want{fmt.Sprintf("box-%d", i), fmt.Sprintf("Box %d", i), fmt.Sprintf("Box %d text.", i)})
	}
	check("/briefings/neglect/", "Neglect", "Briefings", "briefing", 0, append(box, want{"hb-questions", "Questions for your team", "What would you do?"}))

	// The body is the page's text first, then what its template shows
	// from front matter, each part once.
	esc := docs["/procedures/escalation/"]
	if !strings.HasPrefix(esc.Body, "Resolve disagreements early.") {
		t.Errorf("the escalation body starts %q; want the page's own text first", esc.Body)
	}
	if n := strings.Count(esc.Body, "Children wait while adults disagree."); n != 1 {
		t.Errorf("the escalation body holds a paragraph %d times, want once:\n%s", n, esc.Body)
	}
}

// testSites are the default site and, unless -short, 300 generated pages
// of every type (two units of the search index).
func testSites(t *testing.T) map[string]*site.Site {
	t.Helper()
	dirs := map[string]string{"default": ".."}
	if !testing.Short() {
		dir := filepath.Join(t.TempDir(), "site")
		if err := corpus.Generate(dir, 300); err != nil {
			t.Fatal(err)
		}
		dirs["generated"] = dir
	}
	sites := map[string]*site.Site{}
	for name, dir := range dirs {
		in, diags := source.Load(os.DirFS(dir))
		if err := diags.Err(); err != nil {
			t.Fatal(err)
		}
		s, diags := site.New(in, site.Options{})
		if err := diags.Err(); err != nil {
			t.Fatal(err)
		}
		sites[name] = s
	}
	return sites
}

// TestSearchIndexFiles checks that the index handbook build makes, lending
// each document to the index while it is analysed (searchIndexFiles), is
// the one search.Build makes of SearchDocs: the same side files, segments
// of the same size, the same answers.
func TestSearchIndexFiles(t *testing.T) {
	queries := []string{"escalation", "CSE", "level 3", "missing from education", "escalaton", `"core group"`,
		"neglect -domestic", "early help assessment", "significant harm", "strategy meeting", "MASH phone number"}
	for name, s := range testSites(t) {
		t.Run(name, func(t *testing.T) {
			files, _, err := Index(s, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := filepath.Join(t.TempDir(), "got")
			for _, f := range files {
				p := filepath.Join(got, filepath.FromSlash(f.Path))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want := filepath.Join(t.TempDir(), "want")
			if err := search.Build(want, Docs(s), Synonyms(s)); err != nil {
				t.Fatal(err)
			}
			for _, f := range files {
				name := f.Path
				data, err := os.ReadFile(filepath.Join(want, filepath.FromSlash(name)))
				if err != nil {
					t.Fatal(err)
				}
				if strings.HasPrefix(name, "store/") && len(data) != len(f.Data) || !strings.HasPrefix(name, "store/") && !bytes.Equal(data, f.Data) {
					t.Errorf("%s differs from search.Build's", name)
				}
			}
			gotIx, err := search.Open(got)
			if err != nil {
				t.Fatal(err)
			}
			defer gotIx.Close()
			wantIx, err := search.Open(want)
			if err != nil {
				t.Fatal(err)
			}
			defer wantIx.Close()
			for _, q := range queries {
				g, err1 := gotIx.Search(context.Background(), search.Query{Text: q, Limit: 20})
				w, err2 := wantIx.Search(context.Background(), search.Query{Text: q, Limit: 20})
				if err1 != nil || err2 != nil || !reflect.DeepEqual(g, w) {
					t.Errorf("%q: %v %v\n got %+v\nwant %+v", q, err1, err2, g, w)
				}
			}
		})
	}
}
