package serve

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rscp/handbook/themes"
)

// Change-to-reload time: from writing one file to the reload event reaching
// the browser, through the watcher, the debounce, the update (a patch of
// the one page for a Markdown edit, a whole build for a template change)
// and the event stream.
//
//	go test -run '^$' -bench Reload -benchtime 20x ./build/serve/
//
// reports the median and 90th percentile for the default site and for a
// generated 2,000-page site.
func BenchmarkReload(b *testing.B) {
	b.Run("default-site", func(b *testing.B) {
		// A clone, so that the build reads the page history from git as it
		// does in an editor's working copy.
		dir := filepath.Join(b.TempDir(), "site")
		if out, err := exec.Command("git", "clone", "-q", filepath.Join("..", ".."), dir).CombinedOutput(); err != nil {
			b.Logf("no git clone (%v: %s): copying the site without history", err, out)
			copyDefaultSite(b, dir)
		}
		benchReload(b, dir, "content/procedures/escalation.md", appendLine)
	})
	b.Run("generated-2000-pages", func(b *testing.B) {
		dir := b.TempDir()
		GenerateSite(b, dir, 2000)
		benchReload(b, dir, "content/section-07/page-0750.md", appendLine)
	})
	// A template change rebuilds every page.
	b.Run("template-2000-pages", func(b *testing.B) {
		dir := b.TempDir()
		GenerateSite(b, dir, 2000)
		footer, err := fs.ReadFile(themes.Default(), "templates/partials/footer.html")
		if err != nil {
			b.Fatal(err)
		}
		writeFiles(b, dir, map[string]string{"themes/default/templates/partials/footer.html": string(footer)})
		benchReload(b, dir, "themes/default/templates/partials/footer.html", func(orig []byte, i int) []byte {
			return bytes.Replace(orig, []byte("<footer class=\"govuk-footer\">"), fmt.Appendf(nil, "<footer class=\"govuk-footer\"><p>Edited %d times.</p>", i), 1)
		})
	})
}

// appendLine adds a line to a page's Markdown.
func appendLine(orig []byte, i int) []byte {
	return fmt.Appendf(append([]byte(nil), orig...), "\nEdited %d times.\n", i)
}

func benchReload(b *testing.B, dir, page string, edit func(orig []byte, i int) []byte) {
	ts := start(b, dir, Options{Log: quiet{}})
	if st := ts.cur.Load(); st.site == nil {
		b.Fatalf("the site does not build: %v", st.problems)
	}
	ev := ts.events(b)
	gen := ev.next(b).gen
	path := filepath.Join(dir, filepath.FromSlash(page))
	orig, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var samples []time.Duration
	b.ResetTimer()
	for i := range b.N {
		data := edit(orig, i+1)
		t0 := time.Now()
		if err := os.WriteFile(path, data, 0o644); err != nil {
			b.Fatal(err)
		}
		gen = ev.reload(b, gen).gen
		samples = append(samples, time.Since(t0))
	}
	b.StopTimer()
	if st := ts.cur.Load(); len(st.problems) > 0 {
		b.Fatalf("the edited site does not build: %v", st.problems)
	}
	slices.Sort(samples)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(samples[len(samples)/2]), "ms-median")
	b.ReportMetric(ms(samples[len(samples)*9/10]), "ms-p90")
	b.ReportMetric(float64(ts.cur.Load().pages), "pages")
}

type quiet struct{}

func (quiet) Write(b []byte) (int, error) { return len(b), nil }

// copyDefaultSite copies the repository's own site (content, data,
// editions, handbook.yaml) into dir.
func copyDefaultSite(tb testing.TB, dir string) {
	tb.Helper()
	root := filepath.Join("..", "..")
	for _, name := range []string{"content", "data", "editions", "handbook.yaml"} {
		src := filepath.Join(root, name)
		err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			dst := filepath.Join(dir, rel)
			if d.IsDir() {
				return os.MkdirAll(dst, 0o755)
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(dst, data, 0o644)
		})
		if err != nil && !os.IsNotExist(err) {
			tb.Fatal(err)
		}
	}
}

// GenerateSite writes a site of n pages of about 4 KB into dir: 20
// sections, glossary and contacts, typed pages among plain ones, headings,
// links between pages and to anchors. The same n gives the same files.
func GenerateSite(tb testing.TB, dir string, n int) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(2024, 6))
	words := strings.Fields(`child children family parent carer practitioner school health police social care
		referral assessment plan concern risk harm neglect abuse exploitation safeguarding support early help
		meeting review agency partner information share consent record decision manager escalate threshold level
		need service response timescale strategy discussion protection enquiry section duty guidance local area`)
	acronyms := []string{"MASH", "LADO", "CSE", "CCE", "EHCP"}
	sentence := func() string {
		k := 8 + rng.IntN(12)
		ws := make([]string, k)
		for i := range ws {
			ws[i] = words[rng.IntN(len(words))]
		}
		if rng.IntN(4) == 0 {
			ws[rng.IntN(k)] = acronyms[rng.IntN(len(acronyms))]
		}
		s := strings.Join(ws, " ")
		return strings.ToUpper(s[:1]) + s[1:] + "."
	}
	paragraph := func() string {
		ss := make([]string, 3+rng.IntN(4))
		for i := range ss {
			ss[i] = sentence()
		}
		return strings.Join(ss, " ")
	}
	files := map[string]string{
		"handbook.yaml": "title: Generated partnership\n",
		"data/contacts.yaml": "- id: mash\n  service: Multi-Agency Safeguarding Hub\n  last_verified: 2024-05-01\n" +
			"- id: lado\n  service: Local Authority Designated Officer\n  last_verified: 2024-05-01\n",
		"data/glossary.yaml": "- term: Multi-Agency Safeguarding Hub\n  acronym: MASH\n  definition: The front door.\n" +
			"- term: Local Authority Designated Officer\n  acronym: LADO\n  definition: Allegations against staff.\n" +
			"- term: Child sexual exploitation\n  acronym: CSE\n  definition: A form of sexual abuse.\n" +
			"- term: Child criminal exploitation\n  acronym: CCE\n  definition: Coercion into crime.\n" +
			"- term: Education, health and care plan\n  acronym: EHCP\n  definition: A plan for special educational needs.\n",
		"content/_index.md": "---\ntitle: Home\nsummary: A generated handbook for measuring builds.\n---\nWelcome.\n",
	}
	const sections = 20
	perSection := (n + sections - 1) / sections
	for i := range n {
		sec, num := i/perSection, i
		secDir := fmt.Sprintf("content/section-%02d", sec)
		if _, ok := files[secDir+"/_index.md"]; !ok {
			files[secDir+"/_index.md"] = fmt.Sprintf("---\ntitle: Section %d\nsummary: Generated section %d.\nweight: %d\n---\nPages of section %d.\n", sec, sec, sec+1, sec)
		}
		var b strings.Builder
		fmt.Fprintf(&b, "---\ntitle: Generated page %d\nsummary: %s\nid: page-%04d\nstatus: published\nowner: Generated group\n", num, strings.TrimSuffix(sentence(), ".")[:40], num)
		switch i % 5 {
		case 0:
			fmt.Fprintf(&b, "type: procedure\nchapter: \"%d.%d\"\nscope: %s\ncontacts: [mash]\nstages:\n", sec, i%perSection, sentence())
			for st := range 3 {
				fmt.Fprintf(&b, "  - who: Stage %d lead\n    timescale: %d working days\n    action: %s\n", st+1, st+2, sentence())
			}
		case 1:
			fmt.Fprintf(&b, "type: arrangement\nsection: \"%d\"\nrequirement: Working Together 2023\n", i)
		}
		if i%perSection > 0 {
			fmt.Fprintf(&b, "related: [page-%04d]\n", num-1)
		}
		b.WriteString("---\n\n")
		b.WriteString(paragraph() + "\n\n")
		for h := range 4 {
			fmt.Fprintf(&b, "## Part %d\n\n%s\n\n%s\n\n", h+1, paragraph(), paragraph())
			if h == 1 {
				fmt.Fprintf(&b, "### Detail\n\n%s\n\n- %s\n- %s\n\n", paragraph(), sentence(), sentence())
			}
		}
		if i%perSection > 0 {
			fmt.Fprintf(&b, "See [the previous page](page-%04d.md#part-2) or call the [MASH](contact:mash).\n", num-1)
		}
		files[fmt.Sprintf("%s/page-%04d.md", secDir, num)] = b.String()
	}
	writeFiles(tb, dir, files)
}

func TestGenerateSite(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	GenerateSite(t, a, 40)
	GenerateSite(t, b, 40)
	pa, _ := os.ReadFile(filepath.Join(a, "content/section-03/page-0007.md"))
	pb, _ := os.ReadFile(filepath.Join(b, "content/section-03/page-0007.md"))
	if len(pa) == 0 || string(pa) != string(pb) {
		t.Fatalf("GenerateSite is not deterministic")
	}
	s := New(Options{SiteDir: a, Log: testLog{t}})
	if info := s.Rebuild(); !info.OK || info.Pages < 40 {
		t.Fatalf("the generated site does not build: %+v %v", info, s.cur.Load().problems)
	}
}
