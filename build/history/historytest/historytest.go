// Package historytest makes git repositories for tests: small ones commit
// by commit with fixed dates, and a large one in one "git fast-import".
package historytest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Repo is a git work tree in a temporary folder.
type Repo struct {
	t   testing.TB
	Dir string
}

// NeedGit skips the test when git is not installed.
func NeedGit(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
}

// New makes an empty repository in a new temporary folder.
func New(t testing.TB) *Repo {
	t.Helper()
	NeedGit(t)
	r := &Repo{t: t, Dir: t.TempDir()}
	r.Git("init", "-q", "-b", "main")
	return r
}

// env isolates git from the machine's configuration.
func env(date time.Time) []string {
	e := append(os.Environ(),
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "HOME=/nonexistent",
		"GIT_AUTHOR_NAME=Test Author", "GIT_AUTHOR_EMAIL=author@example.org",
		"GIT_COMMITTER_NAME=Test Committer", "GIT_COMMITTER_EMAIL=committer@example.org",
	)
	if !date.IsZero() {
		d := date.Format(time.RFC3339)
		e = append(e, "GIT_AUTHOR_DATE="+d, "GIT_COMMITTER_DATE="+d)
	}
	return e
}

// Git runs git in the repository and returns its output; it fails the
// test when git fails.
func (r *Repo) Git(args ...string) string {
	r.t.Helper()
	return r.gitAt(time.Time{}, nil, args...)
}

func (r *Repo) gitAt(date time.Time, stdin []byte, args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.Dir
	cmd.Env = env(date)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Write writes files (path → content) into the work tree.
func (r *Repo) Write(files map[string]string) {
	r.t.Helper()
	WriteFiles(r.t, r.Dir, files)
}

// WriteFiles writes files (slash-separated path → content) under dir.
func WriteFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Commit stages everything and commits it with message, dated date. The
// author is "Test Author".
func (r *Repo) Commit(date time.Time, message string) string {
	r.t.Helper()
	r.Git("add", "-A")
	r.gitAt(date, nil, "commit", "-q", "--allow-empty", "-m", message)
	return strings.TrimSpace(r.Git("rev-parse", "HEAD"))
}

// Sig is who made a commit and when: the author and the dates git keeps
// apart (a rebase or squash keeps the author date and sets a new
// committer date). A zero CommitDate is the AuthorDate.
type Sig struct {
	Author, Email          string
	AuthorDate, CommitDate time.Time
}

// CommitAs stages everything and commits it with message, made by s.
func (r *Repo) CommitAs(s Sig, message string) string {
	r.t.Helper()
	r.Git("add", "-A")
	if s.CommitDate.IsZero() {
		s.CommitDate = s.AuthorDate
	}
	cmd := exec.Command("git", "commit", "-q", "--allow-empty", "--cleanup=verbatim", "-F", "-")
	cmd.Dir = r.Dir
	cmd.Env = append(env(time.Time{}),
		"GIT_AUTHOR_DATE="+s.AuthorDate.Format(time.RFC3339), "GIT_COMMITTER_DATE="+s.CommitDate.Format(time.RFC3339))
	if s.Author != "" {
		cmd.Env = append(cmd.Env, "GIT_AUTHOR_NAME="+s.Author)
	}
	if s.Email != "" {
		cmd.Env = append(cmd.Env, "GIT_AUTHOR_EMAIL="+s.Email)
	}
	cmd.Stdin = strings.NewReader(message)
	if out, err := cmd.CombinedOutput(); err != nil {
		r.t.Fatalf("git commit: %v\n%s", err, out)
	}
	return strings.TrimSpace(r.Git("rev-parse", "HEAD"))
}

// CommitFiles writes files and commits them.
func (r *Repo) CommitFiles(date time.Time, message string, files map[string]string) string {
	r.t.Helper()
	r.Write(files)
	return r.Commit(date, message)
}

// Date is a fixed time on day d of 2024 month m, at noon UTC.
func Date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
}

// Large makes a repository of files Markdown files under content/ and
// commits commits, in one "git fast-import". Every commit changes one or
// two files; every 50th renames a file; every 10th carries a Change-Note.
// It returns the repository and the number of renames.
func Large(t testing.TB, files, commits int) (*Repo, int) {
	t.Helper()
	r := New(t)
	var b bytes.Buffer
	names := make([]string, files)
	for i := range names {
		names[i] = fmt.Sprintf("content/section-%02d/page-%04d.md", i%40, i)
	}
	when := time.Date(2019, 1, 1, 9, 0, 0, 0, time.UTC).Unix()
	mark := 0
	blob := func(text string) int {
		mark++
		fmt.Fprintf(&b, "blob\nmark :%d\ndata %d\n%s\n", mark, len(text), text)
		return mark
	}
	page := func(i, rev int) string {
		return fmt.Sprintf("---\ntitle: Page %d\n---\n\nRevision %d of page %d. %s\n", i, rev, i, strings.Repeat("Some words about safeguarding. ", 20))
	}
	renames := 0
	for c := 0; c < commits; c++ {
		var ops []string
		if c == 0 {
			for i := range names {
				ops = append(ops, fmt.Sprintf("M 100644 :%d %s", blob(page(i, 0)), names[i]))
			}
		} else {
			i := (c * 7919) % files
			ops = append(ops, fmt.Sprintf("M 100644 :%d %s", blob(page(i, c)), names[i]))
			if c%3 == 0 {
				j := (c * 104729) % files
				if j != i {
					ops = append(ops, fmt.Sprintf("M 100644 :%d %s", blob(page(j, c)), names[j]))
				}
			}
			if c%50 == 0 {
				k := (c * 31) % files
				if k != i {
					to := fmt.Sprintf("content/section-%02d/renamed-%04d-%d.md", k%40, k, c)
					ops = append(ops, fmt.Sprintf("R %s %s", names[k], to))
					names[k] = to
					renames++
				}
			}
		}
		msg := fmt.Sprintf("Change %d", c)
		if c%10 == 0 {
			msg += fmt.Sprintf("\n\nChange-Note: Major change number %d.", c)
		}
		mark++
		fmt.Fprintf(&b, "commit refs/heads/main\nmark :%d\nauthor Editor %d <e@example.org> %d +0000\ncommitter Editor <e@example.org> %d +0000\ndata %d\n%s\n",
			mark, c%5, when+int64(c)*3600, when+int64(c)*3600, len(msg), msg)
		for _, op := range ops {
			b.WriteString(op)
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	r.gitAt(time.Time{}, b.Bytes(), "fast-import", "--quiet")
	r.Git("reset", "-q", "--hard", "main")
	return r, renames
}

// BulkEdit makes a site of pages pages under content/ (with handbook.yaml
// and a home page) and commits commits times, every commit changing the
// text of every page: the worst case for page history, a bulk edit
// repeated. Made in one "git fast-import".
func BulkEdit(t testing.TB, pages, commits int) *Repo {
	t.Helper()
	r := New(t)
	var b bytes.Buffer
	when := time.Date(2020, 1, 1, 9, 0, 0, 0, time.UTC).Unix()
	file := func(path, text string) {
		fmt.Fprintf(&b, "M 100644 inline %s\ndata %d\n%s\n", path, len(text), text)
	}
	for c := range commits {
		msg := fmt.Sprintf("Bulk edit %d", c)
		if c%10 == 0 {
			msg += fmt.Sprintf("\n\nChange-Note: Bulk edit number %d of every page.", c)
		}
		fmt.Fprintf(&b, "commit refs/heads/main\ncommitter Editor <e@example.org> %d +0000\ndata %d\n%s\n", when+int64(c)*3600, len(msg), msg)
		if c == 0 {
			file("handbook.yaml", "title: Bulk Partnership\n")
			file("content/_index.md", "---\ntitle: Bulk Partnership\nsummary: Home.\n---\nWelcome.\n")
		}
		for p := range pages {
			file(fmt.Sprintf("content/section-%02d/page-%03d.md", p%10, p), fmt.Sprintf(
				"---\ntitle: Page %d\nsummary: Page %d of the bulk site.\n---\n\nRevision %d of page %d.\n\n%s\n", p, p, c, p, strings.Repeat("Words about safeguarding children. ", 30)))
		}
		b.WriteByte('\n')
	}
	r.gitAt(time.Time{}, b.Bytes(), "fast-import", "--quiet")
	r.Git("reset", "-q", "--hard", "main")
	return r
}
