package corpus

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path"
	"strings"
	"time"
)

// History writes the handbook site into dir as a git repository with a
// realistic history of commits: the first adds every file; most of the
// others change one to three pages, some change a whole section, and a
// few are bulk edits of every page. About one commit in ten carries a
// Change-Note. The commits are made with one "git fast-import", so 25,000
// of them take a minute or so, and the same options always give the same
// repository. dir must hold no content/ yet.
func History(dir string, opts Options, commits int) error {
	if _, err := exec.LookPath("git"); err != nil {
		return fmt.Errorf("corpus: git is needed for a history: %w", err)
	}
	if err := Write(dir, opts); err != nil {
		return err
	}
	c := New(opts)
	return c.commitHistory(dir, commits)
}

// historyAuthors are the editors who make the commits.
var historyAuthors = []string{"Amira Khan", "Ben Osei", "Chloe Price", "Dan Walsh", "Ellie Hughes", "Femi Adeyemi",
	"Grace Liu", "Harry Stone", "Isla Reid", "Jack Moss", "Kiran Patel", "Lucy Byrne"}

func (c *Corpus) commitHistory(dir string, commits int) error {
	git := func(args ...string) *exec.Cmd {
		cmd := exec.Command("git", append([]string{"-c", "gc.auto=0"}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null")
		return cmd
	}
	if out, err := git("init", "-q", "-b", "main").CombinedOutput(); err != nil {
		return fmt.Errorf("corpus: git init: %v: %s", err, out)
	}
	imp := git("fast-import", "--quiet", "--done")
	stdin, err := imp.StdinPipe()
	if err != nil {
		return err
	}
	out := &strings.Builder{}
	imp.Stdout, imp.Stderr = out, out
	if err := imp.Start(); err != nil {
		return err
	}
	w := bufio.NewWriterSize(stdin, 1<<20)
	r := c.rng(1 << 30)
	date := time.Date(2019, 1, 7, 9, 0, 0, 0, time.UTC)
	base := map[*page][]byte{}
	revision := map[*page]string{}
	var pages []*page
	for _, p := range c.pages {
		base[p] = c.pageFile(p)
		pages = append(pages, p)
	}
	blob := func(p *page) []byte {
		if rev := revision[p]; rev != "" {
			return append(append([]byte(nil), base[p]...), rev...)
		}
		return base[p]
	}
	commit := func(n int, author, msg string, files []File) {
		email := strings.ToLower(strings.ReplaceAll(author, " ", ".")) + "@example.org"
		stamp := fmt.Sprintf("%s <%s> %d +0000", author, email, date.Unix())
		fmt.Fprintf(w, "commit refs/heads/main\nmark :%d\nauthor %s\ncommitter %s\ndata %d\n%s\n", n, stamp, stamp, len(msg), msg)
		if n > 1 {
			fmt.Fprintf(w, "from :%d\n", n-1)
		}
		for _, f := range files {
			fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n", quotePath(f.Path), len(f.Data))
			w.Write(f.Data)
			w.WriteByte('\n')
		}
		w.WriteByte('\n')
	}
	commit(1, historyAuthors[0], "Publish the handbook\n", c.HandbookFiles())
	sections := map[string][]*page{}
	var sectionNames []string
	for _, p := range pages {
		top, _, _ := strings.Cut(p.file, "/")
		if !strings.Contains(p.file, "/") {
			continue
		}
		if sections[top] == nil {
			sectionNames = append(sectionNames, top)
		}
		sections[top] = append(sections[top], p)
	}
	bulkEvery := max(commits/5, 1)
	sectionEvery := max(commits/25, 1)
	for n := 2; n <= commits; n++ {
		date = date.Add(time.Duration(20+r.IntN(160)) * time.Minute)
		var touched []*page
		var subject string
		switch {
		case n%bulkEvery == 0:
			touched, subject = pages, "Use the partnership's new name on every page"
		case n%sectionEvery == 0:
			name := one(r, sectionNames)
			touched, subject = sections[name], "Review the "+name+" section"
		default:
			k := 1
			if x := r.IntN(10); x >= 9 {
				k = 3
			} else if x >= 6 {
				k = 2
			}
			touched = pick(r, pages, k)
			subject = "Update " + path.Base(strings.TrimSuffix(touched[0].file, ".md"))
		}
		msg := subject + "\n"
		if r.IntN(10) == 0 {
			msg += "\nChange-Note: " + capitalise(strings.TrimPrefix(strings.ToLower(w2sentence(c, r.IntN(1<<20))), "the ")) + "\n"
		}
		files := make([]File, 0, len(touched))
		for _, p := range touched {
			revision[p] = fmt.Sprintf("\nRevised in change %d.\n", n)
			files = append(files, File{Path: "content/" + p.file, Data: blob(p)})
		}
		commit(n, one(r, historyAuthors), msg, files)
	}
	fmt.Fprintf(w, "done\n")
	if err := w.Flush(); err != nil {
		return err
	}
	stdin.Close()
	if err := imp.Wait(); err != nil {
		return fmt.Errorf("corpus: git fast-import: %v: %s", err, out)
	}
	// The work tree takes the files of the last commit.
	if out, err := git("reset", "-q", "--hard", "main").CombinedOutput(); err != nil {
		return fmt.Errorf("corpus: git reset: %v: %s", err, out)
	}
	return nil
}

// w2sentence is a sentence of the corpus's prose from its own stream.
func w2sentence(c *Corpus, stream int) string {
	w := &writer{c: c, r: c.rng(2_000_000 + stream)}
	return w.sentence(8)
}

// quotePath quotes a path for fast-import when it needs it.
func quotePath(p string) string {
	if strings.ContainsAny(p, "\"\\\n") || strings.HasPrefix(p, " ") {
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(p) + `"`
	}
	return p
}
