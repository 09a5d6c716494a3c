package render

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rscp/handbook/build/history"
	"github.com/rscp/handbook/build/output"
	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/themes"
)

// RenderTo hands pages over in reused buffers: an emit that copies them
// gets the same files as Render, including history and change pages,
// feeds, cached contact cards and inline Markdown.
func TestRenderToMatchesRender(t *testing.T) {
	s := testSite(t, fstest.MapFS{
		"handbook.yaml":         {Data: []byte("title: Test partnership\nbase_url: https://example.org/\n")},
		"data/contacts.yaml":    {Data: []byte("- id: mash\n  service: MASH\n  phone: \"0100 000 000\"\n")},
		"content/s/_index.md":   {Data: []byte("---\ntitle: Section\n---\n")},
		"content/s/a.md":        {Data: []byte("---\ntitle: Page A\ntype: procedure\ncontacts: [mash]\nstages:\n  - who: Anyone\n    action: Call the **MASH**.\n---\nA.\n")},
		"content/s/b.md":        {Data: []byte("---\ntitle: Page B\ntype: procedure\ncontacts: [mash]\nstages:\n  - who: Anyone\n    action: Call the **MASH**.\n---\nB.\n")},
		"content/amendments.md": {Data: []byte("---\ntitle: Amendments\nlayout: amendments\n---\n")},
	})
	theme, err := LoadTheme(themes.Default())
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	hist := map[*site.Page]*PageHistory{}
	for _, p := range s.Pages {
		older := Update{Date: t0, Subject: "Add", Author: "Ed", Hash: "0123456789abcdef", Seq: 1, Added: true}
		newer := Update{Date: t0.AddDate(0, 1, 0), Note: "Clearer.", Subject: "Edit", Author: "Ed", Hash: "fedcba9876543210",
			Diff: [][]history.Segment{{{Op: history.Delete, Text: "old"}, {Op: history.Insert, Text: "new"}}}}
		hist[p] = &PageHistory{Published: older.Date, Updated: newer.Date, Updates: []Update{newer}, All: []Update{newer, older}, Git: true}
	}
	x := &Versions{History: hist}
	want, err := theme.Render(s, x)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	got := map[string][]byte{}
	err = theme.RenderTo(s, x, func(f output.File) error {
		mu.Lock()
		defer mu.Unlock()
		got[f.Path] = bytes.Clone(f.Data)
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Errorf("RenderTo made %d files, Render %d", len(got), len(want))
	}
	for _, f := range want {
		if !bytes.Equal(got[f.Path], f.Data) {
			t.Errorf("%s differs between Render and RenderTo", f.Path)
		}
	}
	for _, path := range []string{"s/a/history/index.html", "s/a/history/fedcba9876/index.html", "s/a/updates.xml"} {
		if got[path] == nil {
			t.Errorf("no %s", path)
		}
	}
	if a := page(t, want, "s/a/index.html"); !strings.Contains(a, "hb-contact-card") || !strings.Contains(a, "<strong>MASH</strong>") {
		t.Error("page A lacks its contact card or its stage's inline Markdown")
	}
}
