package corpus

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
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

// TestSmallShape checks the small-pages variant: pages of about 1 KB with
// no front matter, and file names that only an address mapping that keeps
// signs can tell apart.
func TestSmallShape(t *testing.T) {
	c := New(Options{Pages: 2000, Small: true})
	names := map[string]bool{}
	for _, f := range c.HandbookFiles() {
		if !strings.HasPrefix(f.Path, "content/") {
			continue
		}
		names[f.Path[strings.LastIndexByte(f.Path, '/')+1:]] = true
		if bytes.HasPrefix(f.Data, []byte("---")) {
			t.Errorf("%s has front matter", f.Path)
		}
		if n := len(f.Data); n < 800 || n > 1600 {
			t.Errorf("%s has %d bytes, want about 1 KB", f.Path, n)
		}
	}
	if len(names) < 1500 {
		t.Errorf("%d distinct names", len(names))
	}
	for _, want := range []string{"!.md", "$.md", "%.md", "[.md", "]].md", "{.md", "~.md"} {
		if !names[want] {
			t.Errorf("no file named %s", want)
		}
	}
	var plus, under, nonASCII int
	for name := range names {
		base := strings.TrimSuffix(name, ".md")
		if strings.HasSuffix(base, "++") && names[strings.TrimSuffix(base, "++")+".md"] {
			plus++
		}
		if strings.HasSuffix(base, "_volume") && names[strings.TrimSuffix(base, "_volume")+"-volume.md"] {
			under++
		}
		if strings.ContainsFunc(base, func(r rune) bool { return r > 127 }) {
			nonASCII++
		}
	}
	if plus == 0 || nonASCII == 0 {
		t.Errorf("%d names with ++ beside the plain name, %d beyond ASCII", plus, nonASCII)
	}
	t.Logf("%d x_volume beside x-volume", under)
}

// TestHistory checks the generated history: the number of commits asked
// for, most of them small, a few bulk edits of every page, some change
// notes, and a work tree that is the last commit.
func TestHistory(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := filepath.Join(t.TempDir(), "site")
	if err := History(dir, Options{Pages: 40}, 100); err != nil {
		t.Fatal(err)
	}
	git := func(args ...string) string {
		out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).Output()
		if err != nil {
			t.Fatalf("git %v: %v", args, err)
		}
		return string(out)
	}
	if n := strings.TrimSpace(git("rev-list", "--count", "HEAD")); n != "100" {
		t.Errorf("%s commits, want 100", n)
	}
	if s := git("status", "--porcelain"); s != "" {
		t.Errorf("the work tree is not the last commit:\n%s", s)
	}
	var small, bulk int
	for _, l := range strings.Split(git("log", "--format=", "--shortstat"), "\n") {
		var n int
		if _, err := fmt.Sscanf(strings.TrimSpace(l), "%d file", &n); err != nil {
			continue
		}
		switch {
		case n <= 3:
			small++
		case n >= 40:
			bulk++
		}
	}
	if small < 80 || bulk < 2 {
		t.Errorf("%d commits of 1-3 files, %d of every page", small, bulk)
	}
	if notes := strings.Count(git("log", "--format=%B"), "Change-Note: "); notes < 3 {
		t.Errorf("%d change notes", notes)
	}
}
