package main

import (
	"bytes"
	"context"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rscp/handbook/build/output"
	"github.com/rscp/handbook/internal/treetest"
)

// Limits every hostile input must stay within.
const (
	hostileTimeout = 30 * time.Second
	hostileMaxRSS  = 1 << 30 // bytes
)

// hostileCase is a site made to break the build. want is the exit status;
// stderr and absent are patterns the output must or must not show.
// handbook check must give the same exit status and message.
type hostileCase struct {
	name   string
	files  map[string]string
	setup  func(t *testing.T, dir string)
	want   int
	stderr string
	absent string            // must not appear in any built file
	pages  map[string]string // built file → pattern it must show
}

func hostileCases() []hostileCase {
	bomb := "---\ntitle: Bomb\n" + "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
	for i := 1; i < 10; i++ {
		refs := strings.TrimSuffix(strings.Repeat("*a"+itoa(i-1)+", ", 9), ", ")
		bomb += "a" + itoa(i) + ": &a" + itoa(i) + " [" + refs + "]\n"
	}
	bomb += "---\n"
	return []hostileCase{
		{name: "invalid utf-8", files: map[string]string{"content/a.md": "---\ntitle: A\n---\nfine\n\xff\xfe broken\n"},
			want: 1, stderr: `content/a.md:5: error: the file is not valid UTF-8 text`},
		// A byte order mark or Windows line endings must not hide the
		// front matter: the page keeps its title and its links resolve.
		{name: "byte order mark", files: map[string]string{"content/a.md": "\xEF\xBB\xBF---\ntitle: With BOM\n---\nText\n"}, want: 0,
			pages: map[string]string{"a/index.html": `<h1[^>]*>With BOM</h1>`}, absent: "title: With BOM"},
		{name: "crlf line endings", files: map[string]string{"content/a.md": "---\r\ntitle: Windows\r\n---\r\n[x](b.md)\r\n", "content/b.md": "B\r\n"}, want: 0,
			pages: map[string]string{"a/index.html": `<h1[^>]*>Windows</h1>[\s\S]*<a href="/b/">x</a>`}, absent: "title: Windows"},
		{name: "front matter not closed", files: map[string]string{"content/a.md": "---\ntitle: A\nsummary: B\n"},
			want: 1, stderr: `content/a.md:1: error: the front matter that starts here is not closed`},
		{name: "only dashes", files: map[string]string{"content/a.md": "---"},
			want: 1, stderr: `content/a.md:1: error: the front matter that starts here is not closed`},
		{name: "yaml alias bomb", files: map[string]string{"content/a.md": bomb}, want: 0, stderr: `content/a.md:3: warning: unknown field "a0"`},
		{name: "deeply nested yaml", files: map[string]string{"content/a.md": "---\nx: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n---\n"},
			want: 0, stderr: `content/a.md:2: warning: unknown field "x"`},
		{name: "50 MB markdown file", setup: func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "content/a.md"), bytes.Repeat([]byte(strings.Repeat("Some words here. ", 60)+"\n\n"), 50<<20/1022))
		}, want: 1, stderr: `content/a.md:1: error: the file is 50.0 MB, more than the limit of 8 MB for one page`},
		{name: "10 MB line", setup: func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "content/a.md"), append(bytes.Repeat([]byte("x"), 10<<20), '\n'))
		}, want: 1, stderr: `content/a.md:1: error: the file is 10.0 MB`},
		{name: "10,000-deep nested list", files: map[string]string{"content/a.md": strings.Repeat("- ", 10000) + "x\n"}, want: 0},
		{name: "10,000-deep block quotes", files: map[string]string{"content/a.md": strings.Repeat(">", 10000) + " x\n"}, want: 0},
		{name: "symlink out of the site", files: map[string]string{"content/a.md": "A"}, setup: func(t *testing.T, dir string) {
			secret := filepath.Join(t.TempDir(), "secret.md")
			writeFile(t, secret, []byte("TOP-SECRET-CONTENT"))
			symlink(t, secret, filepath.Join(dir, "content/leak.md"))
			symlink(t, filepath.Dir(secret), filepath.Join(dir, "content/leakdir"))
		}, want: 0, stderr: `content/leak.md: warning: symbolic link skipped`, absent: "TOP-SECRET-CONTENT"},
		{name: "symlink loop", files: map[string]string{"content/a.md": "A"}, setup: func(t *testing.T, dir string) {
			symlink(t, filepath.Join(dir, "content/loop"), filepath.Join(dir, "content/loop"))
			symlink(t, filepath.Join(dir, "content"), filepath.Join(dir, "content/self"))
		}, want: 0, stderr: `content/loop: warning: symbolic link skipped`},
		{name: "two files with one URL", files: map[string]string{"content/a.md": "A", "content/a/_index.md": "A again"},
			want: 1, stderr: `both have the address /a/`},
		{name: "file names with spaces, unicode and dots", files: map[string]string{
			"content/my page.md": "[u](über%20uns.md) [d](a..b.md)", "content/über uns.md": "U", "content/a..b.md": "D"}, want: 0},
		{name: "file names of signs alone", files: map[string]string{
			"handbook.yaml":  "base_url: https://example.org/\n",
			"content/!!!.md": "[p](%25.md) [b](%5B.md) [c](clang++.md) [m](move_volume.md) [u](/%C3%BCber/)",
			"content/%.md":   "P", "content/[.md": "B", "content/]].md": "BB", "content/{.md": "C", "content/~.md": "T", "content/$.md": "D",
			"content/clang++.md": "CPP", "content/clang.md": "C", "content/move_volume.md": "MV", "content/move-volume.md": "MH", "content/über.md": "U"},
			want: 0, pages: map[string]string{
				"!!!/index.html": `href="/%25/".*href="/%5B/".*href="/clang\+\+/".*href="/move_volume/".*href="/%C3%BCber/"`,
				"%/index.html":   "<p>P</p>", "[/index.html": "<p>B</p>", "]]/index.html": "<p>BB</p>", "{/index.html": "<p>C</p>",
				"~/index.html": "<p>T</p>", "$/index.html": "<p>D</p>", "clang++/index.html": "<p>CPP</p>", "clang/index.html": "<p>C</p>",
				"move_volume/index.html": "<p>MV</p>", "move-volume/index.html": "<p>MH</p>", "über/index.html": "<p>U</p>",
				"sitemap.xml": `<loc>[^<]*/%5D%5D/</loc>`}},
		{name: "two file names that differ only in case", files: map[string]string{"content/A.md": "x", "content/a.md": "y"},
			want: 1, stderr: `content/a.md:1: error: this page and content/A.md both have the address /a/`},
		{name: "file name of white space alone", files: map[string]string{"content/ .md": "x"},
			want: 1, stderr: `content/ .md: error: the file name " .md" gives no web address`},
		{name: "hidden files are ignored", files: map[string]string{"content/....md": "x", "content/.draft.md": "y"}, want: 0},
		{name: "empty file", files: map[string]string{"content/a.md": ""}, want: 0},
		{name: "impossible date", files: map[string]string{"content/a.md": "---\ntitle: A\nlast_reviewed: 2024-13-45\n---\n"},
			want: 1, stderr: `content/a.md:3: error: field "last_reviewed": "2024-13-45" is not a date`},
		{name: "javascript link", files: map[string]string{"content/a.md": "Click [here](javascript:alert(1)).\n"},
			want: 1, stderr: `content/a.md:1: error: link to "javascript:alert\(1\)": links may not run code`},
		{name: "data autolink", files: map[string]string{"content/a.md": "See <data:image/png;base64,AAAA>.\n"},
			want: 1, stderr: `content/a.md:1: error: link to "data:image/png;base64,AAAA": links may not run code`},
		{name: "raw script and event handlers", files: map[string]string{"content/a.md": "<script>alert(1)</script>\n\nHi <img src=x onerror=alert(2)>\n"},
			want: 0, absent: "<script>alert"},
		{name: "template error in a theme override", files: map[string]string{
			"content/a.md": "A", "themes/default/templates/page.html": "{{define \"main\"}}{{if}}{{end}}"},
			want: 1, stderr: `templates/page.html:1: .*missing value for if`},
	}
}

// TestHostileInputs runs the real binary on each hostile site: a clear
// error or a clean build, never a panic, a half-written output folder, or
// unbounded time and memory.
func TestHostileInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the handbook binary")
	}
	bin := filepath.Join(t.TempDir(), "handbook")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, c := range append(hostileCases(), hostileMarkdownCases()...) {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			site := filepath.Join(dir, "site")
			for name, body := range c.files {
				writeFile(t, filepath.Join(site, name), []byte(body))
			}
			if err := os.MkdirAll(filepath.Join(site, "content"), 0o755); err != nil {
				t.Fatal(err)
			}
			if c.setup != nil {
				c.setup(t, site)
			}
			out := filepath.Join(dir, "public")
			writeFile(t, filepath.Join(out, "previous.html"), []byte("the last good site"))
			writeFile(t, filepath.Join(out, output.Marker), nil)

			r := runBounded(t, bin, "build", "-s", site, "-o", out)
			if r.code != c.want {
				t.Fatalf("exit status %d, want %d\nstderr:\n%s", r.code, c.want, r.stderr)
			}
			if c.stderr != "" && !regexp.MustCompile(c.stderr).MatchString(r.stderr) {
				t.Errorf("stderr does not match %q:\n%s", c.stderr, r.stderr)
			}
			_, previous := os.Stat(filepath.Join(out, "previous.html"))
			if c.want != 0 && previous != nil {
				t.Errorf("a failed build changed the output folder")
			}
			if c.want == 0 && previous == nil {
				t.Errorf("a successful build kept a stale file of the old site")
			}
			if stray, _ := filepath.Glob(filepath.Join(dir, ".handbook-tmp-*")); len(stray) > 0 {
				t.Errorf("temporary folders left behind: %v", stray)
			}
			if c.absent != "" {
				assertAbsent(t, out, c.absent)
			}
			for page, pattern := range c.pages {
				data, err := os.ReadFile(filepath.Join(out, page))
				if err != nil {
					t.Errorf("%s: %v", page, err)
				} else if !regexp.MustCompile(pattern).Match(data) {
					t.Errorf("%s does not show %q", page, pattern)
				}
			}
			t.Logf("build: exit %d in %s", r.code, r.elapsed.Round(time.Millisecond))

			// handbook check reads the same site: the same verdict, at
			// the same file and line, and it writes nothing.
			want, pattern := c.want, c.stderr
			before := treetest.Stats(t, dir)
			r = runBounded(t, bin, "check", "-s", site, "--today", "2024-06-01")
			if r.code != want {
				t.Fatalf("check: exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, want, r.stdout, r.stderr)
			}
			if pattern != "" && !regexp.MustCompile(pattern).MatchString(r.stdout+r.stderr) {
				t.Errorf("check does not print %q:\nstdout:\n%s\nstderr:\n%s", pattern, r.stdout, r.stderr)
			}
			if want == 1 && !regexp.MustCompile(`(?m)^checked \d+ pages?: \d+ errors?|^handbook check: `).MatchString(r.stdout+r.stderr) {
				t.Errorf("check failed without saying why:\n%s%s", r.stdout, r.stderr)
			}
			if after := treetest.Stats(t, dir); !maps.Equal(before, after) {
				t.Errorf("check changed files: %v", changedPaths(before, after))
			}
			t.Logf("check: exit %d in %s", r.code, r.elapsed.Round(time.Millisecond))
		})
	}
}

// changedPaths lists the paths added, removed or changed between two states.
func changedPaths(before, after map[string]string) []string {
	var out []string
	for p, s := range after {
		if before[p] != s {
			out = append(out, p)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			out = append(out, p+" (removed)")
		}
	}
	slices.Sort(out)
	return out
}

// run is what one run of the binary did.
type run struct {
	code           int
	stdout, stderr string
	elapsed        time.Duration
}

// runBounded runs the binary with args and fails the test if it panics,
// runs longer than hostileTimeout or uses more than hostileMaxRSS.
func runBounded(t *testing.T, bin string, args ...string) run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hostileTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	_ = cmd.Run()
	r := run{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String(), elapsed: time.Since(start)}
	if ctx.Err() != nil {
		t.Fatalf("handbook %s took longer than %s", args[0], hostileTimeout)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss*1024 > hostileMaxRSS {
		t.Errorf("handbook %s: peak memory %d MB, over the %d MB bound", args[0], ru.Maxrss>>10, hostileMaxRSS>>20)
	}
	if strings.Contains(r.stderr, "panic:") || strings.Contains(r.stderr, "goroutine ") {
		t.Fatalf("handbook %s panicked:\n%s", args[0], r.stderr)
	}
	return r
}

// assertAbsent checks the pages a browser would run: the search index
// holds page text too, but it is data that no browser executes.
func assertAbsent(t *testing.T, dir, text string) {
	t.Helper()
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") && !strings.HasSuffix(p, ".xml") && !strings.HasSuffix(p, ".js") {
			return err
		}
		if b, _ := os.ReadFile(p); bytes.Contains(b, []byte(text)) {
			t.Errorf("%s contains %q", p, text)
		}
		return nil
	})
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symlinks not supported here: %v", err)
	}
}

func itoa(i int) string { return string(rune('0' + i)) }
