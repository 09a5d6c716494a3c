package build_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/history/historytest"
	"github.com/rscp/handbook/build/output"
)

// editionsSite is a site with a current edition, an archived 2019 one and
// a "2026" edition due on 1 December 2026, each from a folder.
// currentFrom is the current edition's effective_from ("" for none);
// nextFirst lists the 2026 edition straight after the current one, rather
// than after 2019 where an editor adding it last would put it.
func editionsSite(currentFrom, oldFrom, nextFrom string, nextFirst bool) fstest.MapFS {
	ed := func(name, label, from string) string {
		s := fmt.Sprintf("  - name: %q\n    label: %s\n", name, label)
		if from != "" {
			s += "    effective_from: " + from + "\n"
		}
		if name != "current" {
			s += "    dir: editions/" + name + "\n"
		}
		return s
	}
	cur, old, next := ed("current", "Working Together 2023", currentFrom), ed("2019", "Working Together 2018", oldFrom), ed("2026", "Working Together 2026", nextFrom)
	yaml := "title: Test\neditions:\n" + cur + old + next
	if nextFirst {
		yaml = "title: Test\neditions:\n" + cur + next + old
	}
	page := func(text string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\ntitle: Partners\nid: partners\n---\n" + text + "\n")}
	}
	return fstest.MapFS{
		"handbook.yaml":             {Data: []byte(yaml)},
		"content/_index.md":         {Data: []byte("---\ntitle: Test\n---\nWelcome.\n")},
		"content/partners.md":       page("The partners today."),
		"editions/2019/_index.md":   {Data: []byte("---\ntitle: Test\n---\nWelcome.\n")},
		"editions/2019/partners.md": page("The partners in 2019."),
		"editions/2026/_index.md":   {Data: []byte("---\ntitle: Test\n---\nWelcome.\n")},
		"editions/2026/partners.md": page("The partners from December 2026."),
	}
}

// TestEditionDates builds the editions the day before, the day of and the
// day after the 2026 edition comes into force, with and without dates on
// the other editions, and reads each banner as a reader would.
func TestEditionDates(t *testing.T) {
	days := []struct {
		name  string
		now   time.Time
		inNow bool // the 2026 edition is in force
	}{
		{"day before", day(2026, 11, 30), false},
		{"day of", day(2026, 12, 1), true},
		{"day after", day(2026, 12, 2), true},
	}
	setups := []struct {
		name        string
		currentFrom string
		nextFirst   bool
	}{
		{"current without effective_from, new edition listed last", "", false},
		{"every edition with effective_from, new edition listed last", "2024-12-01", false},
		{"every edition with effective_from, new edition listed second", "2024-12-01", true},
	}
	for _, s := range setups {
		for _, d := range days {
			t.Run(s.name+"/"+d.name, func(t *testing.T) {
				res, err := build.BuildFS(editionsSite(s.currentFrom, "2019-09-29", "2026-12-01", s.nextFirst), build.Options{Now: d.now})
				if err != nil {
					t.Fatal(err)
				}
				m, err := output.NewMemory(res.Files)
				if err != nil {
					t.Fatal(err)
				}
				next := mainText(t, get(t, m, "v/2026/partners/index.html"))
				old := mainText(t, get(t, m, "v/2019/partners/index.html"))
				if strings.Contains(next, "no longer in force") || strings.Contains(next, "until 29 September 2019") {
					t.Errorf("the 2026 edition is shown as archived:\n%s", next)
				}
				if strings.Contains(old, "until 1 December 2026") {
					t.Errorf("the 2019 edition says it was in force until the 2026 one:\n%s", old)
				}
				if !strings.Contains(old, "It was in force from 29 September 2019 until") {
					t.Errorf("2019 banner:\n%s", old)
				}
				w := warnings(res.Diags)
				if !d.inNow {
					if !strings.Contains(next, "These arrangements come into force on 1 December 2026. They are not in force yet.") {
						t.Errorf("banner the day before:\n%s", next)
					}
					// Without a date on the current edition, the build
					// asks for one while it can still tell the order.
					if want := 0; s.currentFrom == "" && (len(w) != 1 || !strings.Contains(w[0], "the current edition (current) has no effective_from, and the 2026 edition comes into force on 1 December 2026")) ||
						s.currentFrom != "" && len(w) != want {
						t.Errorf("warnings the day before: %q", w)
					}
					return
				}
				if !strings.Contains(next, "These arrangements came into force on 1 December 2026.") {
					t.Errorf("banner once in force:\n%s", next)
				}
				if len(w) != 1 || !strings.Contains(w[0], `edition "2026" came into force on 1 December 2026: make it the current edition`) {
					t.Errorf("warnings once in force: %q", w)
				}
			})
		}
	}
}

// TestEditionsWithoutDates: no edition has a date, so nothing is upcoming
// and an archived edition names the one that replaced it.
func TestEditionsWithoutDates(t *testing.T) {
	res, err := build.BuildFS(editionsSite("", "", "", false), build.Options{Now: day(2026, 12, 1)})
	if err != nil {
		t.Fatal(err)
	}
	if w := warnings(res.Diags); len(w) != 0 {
		t.Errorf("warnings: %q", w)
	}
	m, err := output.NewMemory(res.Files)
	if err != nil {
		t.Fatal(err)
	}
	if old := mainText(t, get(t, m, "v/2019/partners/index.html")); !strings.Contains(old, "It was in force until it was replaced by the Working Together 2023 edition.") {
		t.Errorf("banner:\n%s", old)
	}
}

// TestEditionRefInFreshClone: an edition kept on a branch is read in a
// fresh clone (as CI and Netlify make one), where the branch is only
// origin's; a ref that is nowhere says how to fix it.
func TestEditionRefInFreshClone(t *testing.T) {
	r := historytest.New(t)
	r.Write(baseSite)
	r.CommitFiles(day(2019, 6, 1), "2019 arrangements", map[string]string{
		"content/partners.md": "---\ntitle: Safeguarding partners\nid: partners\n---\nThe partners in 2019.\n",
	})
	r.Git("branch", "arrangements-2019")
	r.CommitFiles(day(2024, 12, 1), "Working Together 2023", map[string]string{
		"content/partners.md": "---\ntitle: Safeguarding partners\nid: partners\n---\nThe partners today.\n",
		"handbook.yaml": "title: Test Partnership\neditions:\n  - name: current\n    label: Working Together 2023\n" +
			"  - name: \"2019\"\n    label: June 2019\n    effective_from: 2019-09-29\n    ref: arrangements-2019\n",
	})
	clone := filepath.Join(t.TempDir(), "clone")
	if out, err := exec.Command("git", "clone", "-q", r.Dir, clone).CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}
	_, m := buildSite(t, build.Options{SiteDir: clone, Now: day(2025, 3, 1)})
	if old := mainText(t, get(t, m, "v/2019/partners/index.html")); !strings.Contains(old, "The partners in 2019.") {
		t.Errorf("the 2019 edition in a fresh clone:\n%s", old)
	}

	// A ref nowhere to be found: the error says how to make it readable.
	yaml := "title: Test Partnership\neditions:\n  - name: current\n  - name: \"2019\"\n    ref: only-on-my-laptop\n"
	if err := os.WriteFile(filepath.Join(clone, "handbook.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := build.Build(build.Options{SiteDir: clone})
	if err == nil || !strings.Contains(err.Error(), `handbook.yaml:4: error: edition "2019": cannot read ref only-on-my-laptop`) ||
		!strings.Contains(err.Error(), "git push origin edition-name") || !strings.Contains(err.Error(), "git push origin only-on-my-laptop") {
		t.Errorf("error = %v", err)
	}
}
