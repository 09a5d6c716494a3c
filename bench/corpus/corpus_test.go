package corpus

import (
	"bytes"
	"strings"
	"testing"
)

func TestDeterministic(t *testing.T) {
	a := New(Options{Pages: 200}).HandbookFiles()
	b := New(Options{Pages: 200}).HandbookFiles()
	if len(a) != len(b) {
		t.Fatalf("%d files, then %d", len(a), len(b))
	}
	for i := range a {
		if a[i].Path != b[i].Path || !bytes.Equal(a[i].Data, b[i].Data) {
			t.Fatalf("%s differs between two runs", a[i].Path)
		}
	}
	c := New(Options{Pages: 200, Seed: 99}).HandbookFiles()
	if bytes.Equal(a[len(a)-1].Data, c[len(c)-1].Data) {
		t.Errorf("another seed gave the same page")
	}
}

func TestShape(t *testing.T) {
	c := New(Options{Pages: 500})
	if c.Pages() != 500 {
		t.Errorf("%d pages, want 500", c.Pages())
	}
	types := map[string]int{}
	var sizes []int
	for _, f := range c.HandbookFiles() {
		if !strings.HasPrefix(f.Path, "content/") {
			continue
		}
		_, body, _ := strings.Cut(strings.TrimPrefix(string(f.Data), "---\n"), "\n---\n")
		if strings.HasSuffix(f.Path, "/_index.md") || f.Path == "content/_index.md" {
			continue
		}
		sizes = append(sizes, len(body))
		for _, typ := range []string{"arrangement", "threshold", "briefing", "procedure", "report"} {
			if strings.Contains(string(f.Data), "\ntype: "+typ+"\n") {
				types[typ]++
			}
		}
	}
	for _, typ := range []string{"arrangement", "threshold", "briefing", "procedure", "report"} {
		if types[typ] == 0 {
			t.Errorf("no %s pages", typ)
		}
	}
	for _, n := range sizes {
		if n < 1500 || n > 7500 {
			t.Errorf("a page body of %d bytes", n)
			break
		}
	}
	hugo := map[string]bool{}
	for _, f := range c.HugoFiles() {
		hugo[f.Path] = true
	}
	for _, p := range []string{"hugo.toml", "layouts/_default/single.html", "layouts/_default/list.html", "content/_index.md"} {
		if !hugo[p] {
			t.Errorf("the Hugo site has no %s", p)
		}
	}
	govuk, err := c.HugoGOVUKFiles()
	if err != nil {
		t.Fatal(err)
	}
	ported := map[string]bool{}
	for _, f := range govuk {
		ported[f.Path] = true
	}
	// _default/ would be left out of the embedded files without "all:".
	for _, p := range []string{"hugo.toml", "layouts/_default/baseof.html", "layouts/_default/single.html", "layouts/procedure/single.html", "layouts/partials/aside.html", "content/_index.md"} {
		if !ported[p] {
			t.Errorf("the Hugo site with the port of the default theme has no %s", p)
		}
	}
}
