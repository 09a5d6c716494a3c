package site_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/build/source"
	"github.com/yuin/goldmark/ast"
)

func siteFromFiles(t *testing.T, files map[string]string, opts site.Options) (*site.Site, []string) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, body := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(body)}
	}
	in, diags := source.Load(fsys)
	for _, d := range diags.Sorted() {
		t.Fatalf("source: %s", d)
	}
	s, diags := site.New(in, opts)
	var out []string
	for _, d := range diags.Sorted() {
		out = append(out, d.String())
	}
	return s, out
}

func TestNavigationTree(t *testing.T) {
	s, diags := siteFromFiles(t, map[string]string{
		"content/_index.md":                "# Home",
		"content/procedures/_index.md":     "---\ntitle: Procedures\nweight: 2\n---\n",
		"content/procedures/b.md":          "---\ntitle: Bravo\nweight: 1\n---\n",
		"content/procedures/a.md":          "---\ntitle: Alpha\nweight: 2\n---\n",
		"content/procedures/c.md":          "---\ntitle: Charlie\n---\n",
		"content/procedures/old.md":        "---\ntitle: Old\nstatus: withdrawn\nwithdrawn_reason: Replaced.\nreplaced_by: procedures-a\n---\n",
		"content/thresholds/_index.md":     "---\ntitle: Thresholds\nweight: 1\n---\n",
		"content/guides/nested/deep.md":    "---\ntitle: Deep\n---\n",
		"content/procedures/draft-page.md": "---\ntitle: Draft\nstatus: draft\n---\n",
	}, site.Options{})
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	var sections []string
	for _, sec := range s.Sections {
		sections = append(sections, sec.Title)
	}
	if got := strings.Join(sections, ","); got != "Thresholds,Procedures,Guides" {
		t.Errorf("sections = %s, want Thresholds,Procedures,Guides (weight, then title; folders without _index.md get a section)", got)
	}
	proc := s.ByURL["/procedures/"]
	var children []string
	for _, c := range proc.Children {
		children = append(children, c.Title)
	}
	if got := strings.Join(children, ","); got != "Bravo,Alpha,Charlie" {
		t.Errorf("procedures = %s, want Bravo,Alpha,Charlie (withdrawn and draft pages left out)", got)
	}
	a := s.ByURL["/procedures/a/"]
	if a.Prev == nil || a.Prev.Title != "Bravo" || a.Next == nil || a.Next.Title != "Charlie" {
		t.Errorf("Alpha: prev %v next %v, want Bravo and Charlie", a.Prev, a.Next)
	}
	deep := s.ByURL["/guides/nested/deep/"]
	var crumbs []string
	for _, c := range deep.Ancestors() {
		crumbs = append(crumbs, c.URL)
	}
	if got := strings.Join(crumbs, " "); got != "/ /guides/ /guides/nested/" {
		t.Errorf("breadcrumbs of a nested page = %s", got)
	}
	if s.ByURL["/procedures/draft-page/"] != nil {
		t.Error("a draft page was built")
	}
	s2, _ := siteFromFiles(t, map[string]string{"content/d.md": "---\nstatus: draft\n---\n"}, site.Options{Drafts: true})
	if s2.ByURL["/d/"] == nil {
		t.Error("drafts were not built with Drafts: true")
	}
}

func TestLinksAndReferences(t *testing.T) {
	files := map[string]string{
		"data/contacts.yaml":               "- id: mash\n  service: MASH\n  phone: \"01234 567890\"\n",
		"content/procedures/escalation.md": "---\ntitle: Escalation\n---\n## Stage 2 {#stage-2}\n",
		"content/a.md": "---\ntitle: A\nrelated: [procedures-escalation]\n---\n" +
			"[to stage](procedures/escalation.md#stage-2) [self](#here) [ext](https://example.org) [abs](/procedures/escalation/)\n\n## Here\n\n[call](contact:mash)\n",
	}
	s, diags := siteFromFiles(t, files, site.Options{})
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	a := s.ByURL["/a/"]
	var got []string
	for _, l := range a.Body.Links {
		got = append(got, destOf(l.Node))
	}
	want := "/procedures/escalation/#stage-2 /a/#here https://example.org /procedures/escalation/"
	if strings.Join(got, " ") != want {
		t.Errorf("resolved links = %q, want %q", strings.Join(got, " "), want)
	}
	if len(a.RelatedPages) != 1 || a.RelatedPages[0].Title != "Escalation" {
		t.Errorf("related = %v", a.RelatedPages)
	}
	if c := a.Body.Contacts; len(c) != 1 || c[0].Info.Phone != "01234 567890" || c[0].Info.URL != "/contacts/#mash" {
		t.Errorf("contact not filled in: %+v", c)
	}
}

func TestProblems(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"missing page", map[string]string{"content/a.md": "\n[x](nope.md)\n"}, `content/a.md:2: error: link to "nope.md": content/nope.md does not exist`},
		{"missing anchor", map[string]string{"content/a.md": "[x](b.md#two)\n", "content/b.md": "## One\n"}, `content/a.md:1: error: link to "b.md#two": content/b.md has no heading with the anchor #two`},
		{"missing anchor on same page", map[string]string{"content/a.md": "[x](#nowhere)\n"}, `content/a.md:1: error: link to "#nowhere"`},
		{"missing absolute", map[string]string{"content/a.md": "[x](/gone/)\n"}, `content/a.md:1: error: link to "/gone/": there is no page at that address`},
		{"outside content", map[string]string{"content/a.md": "[x](../../etc/passwd.md)\n"}, `content/a.md:1: error: link to "../../etc/passwd.md" points outside content/`},
		{"javascript", map[string]string{"content/a.md": "[x](JavaScript:alert(1))\n"}, `content/a.md:1: error: link to "JavaScript:alert(1)": links may not run code`},
		{"unknown related", map[string]string{"content/a.md": "---\nrelated: [nope]\n---\n"}, `content/a.md:2: error: related page "nope" does not exist`},
		{"unknown contact", map[string]string{"content/a.md": "\n\n[x](contact:nobody)\n"}, `content/a.md:3: error: contact "nobody" is not in data/contacts.yaml`},
		{"threshold route", map[string]string{"content/t.md": "---\ntype: threshold\nlevel: 1\nlabel: L\nroute: nobody\n---\n"}, `content/t.md:5: error: route "nobody" is not a contact`},
		{"duplicate id", map[string]string{"content/a.md": "---\nid: x\n---\n", "content/b.md": "---\nid: x\n---\n"}, `content/b.md:2: error: id "x" is already used by content/a.md`},
		{"bad id", map[string]string{"content/a.md": "---\nid: Not Valid\n---\n"}, `content/a.md:2: error: id "Not Valid" must be lower-case`},
		{"alias shadows page", map[string]string{"content/a.md": "---\naliases: [/b/]\n---\n", "content/b.md": "B"}, `content/a.md:2: error: alias /b/ would hide the page content/b.md`},
		{"alias twice", map[string]string{"content/a.md": "---\naliases: [/old/]\n---\n", "content/b.md": "---\naliases: [/old/]\n---\n"}, `content/b.md:2: error: alias /old/ is also an alias of content/a.md`},
		{"briefing boxes", map[string]string{"content/b.md": "---\ntype: briefing\nboxes: [{heading: a, body: b}]\n---\n"}, `content/b.md:3: error: a 7-minute briefing has exactly seven boxes; this one has 1`},
		{"chart kind", map[string]string{"content/r.md": "---\ntype: report\nperiod_start: 2023-04-01\nperiod_end: 2024-03-31\ntables:\n  - id: t\n    columns: [a, b]\n    rows: [[x, 1]]\n    chart: pie\n---\n"}, `content/r.md:5: error: table t: chart: "pie" is not a kind of chart handbook draws; write chart: bar, or leave chart out`},
		{"chart columns", map[string]string{"content/r.md": "---\ntype: report\nperiod_start: 2023-04-01\nperiod_end: 2024-03-31\ntables:\n  - columns: [a, b]\n    rows: [[x, 1]]\n    chart: bar\n    chart_columns: [c]\n---\n"}, `content/r.md:5: error: table number 1: chart_columns names "c", which is not one of its columns (a, b)`},
		{"withdrawn without reason", map[string]string{"content/a.md": "---\nstatus: withdrawn\n---\n"}, `content/a.md:2: error: a withdrawn page needs withdrawn_reason`},
		{"long summary", map[string]string{"content/a.md": "---\nsummary: " + strings.Repeat("x", 161) + "\n---\n"}, `content/a.md:2: warning: the summary is 161 characters`},
		{"duplicate acronym", map[string]string{"data/glossary.yaml": "- term: A\n  acronym: X\n  definition: a\n- term: B\n  acronym: X\n  definition: b\n"}, `data/glossary.yaml:4: error: the acronym X is defined twice (first at line 1)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, diags := siteFromFiles(t, c.files, site.Options{})
			for _, d := range diags {
				if strings.HasPrefix(d, c.want) {
					return
				}
			}
			t.Errorf("want a problem starting %q, got %q", c.want, diags)
		})
	}
}

func TestBaseURLAndPrefix(t *testing.T) {
	files := map[string]string{
		"handbook.yaml": "base_url: https://example.org/handbook\n",
		"content/a.md":  "[b](b.md)\n",
		"content/b.md":  "B",
	}
	s, diags := siteFromFiles(t, files, site.Options{Prefix: "v/2019"})
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	if got := destOf(s.ByURL["/a/"].Body.Links[0].Node); got != "/handbook/v/2019/b/" {
		t.Errorf("link = %s, want /handbook/v/2019/b/", got)
	}
	if got := s.AbsURL("/b/"); got != "https://example.org/handbook/v/2019/b/" {
		t.Errorf("AbsURL = %s", got)
	}
}

func destOf(n ast.Node) string {
	switch n := n.(type) {
	case *ast.Link:
		return string(n.Destination)
	case *ast.Image:
		return string(n.Destination)
	}
	return ""
}
