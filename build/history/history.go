// Package history reads a site's change history from git: which commits
// changed each file (following renames), the Change-Note trailers that mark
// major changes, blobs of earlier versions and whole trees at a ref.
//
// git is run a fixed number of times per build, never once per file: Load
// runs one "git rev-parse" and one "git log" for every file of the site;
// Log.EachBlob and Log.Blobs read any number of earlier versions through
// "git cat-file --batch", one per core; Log.Tree reads a whole edition
// with one "git archive". Nothing here knows about pages or templates.
package history

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Commit is one commit that changed the site.
type Commit struct {
	Hash string
	// Date is when the change takes effect: the message's Change-Date,
	// else the author date (kept through rebases and cherry-picks, unlike
	// the committer date).
	Date    time.Time
	Author  string // author name, through the repository's .mailmap (never the email)
	Subject string // control characters removed
	Note    string // the Change-Note; set only for a major change
	Seq     int    // position in the log: 0 is the newest commit
	// Problem says what was wrong with the message (a Change-Date that is
	// not a date); "" when nothing was.
	Problem string
}

// Short is the abbreviated hash shown to readers and used in URLs.
func (c *Commit) Short() string {
	if len(c.Hash) > 10 {
		return c.Hash[:10]
	}
	return c.Hash
}

// Major reports whether the commit carries a Change-Note.
func (c *Commit) Major() bool { return c.Note != "" }

// Change is what one commit did to one file.
type Change struct {
	*Commit
	Status  byte   // 'A' added, 'M' modified, 'R' renamed, 'D' deleted, 'T' type changed
	Path    string // the file's path after the commit, relative to the site folder
	OldPath string // its path before, when renamed
	OldBlob string // blob id before the commit ("" when added)
	NewBlob string // blob id after the commit ("" when deleted)
}

// UnavailableError says why there is no history. A build goes on without
// it and reports the reason once.
type UnavailableError struct{ Reason string }

func (e *UnavailableError) Error() string { return e.Reason }

// Log is the history of every file under the site folder.
type Log struct {
	dir     string // the site folder; git runs here
	top     string // the top of the work tree
	prefix  string // the site folder's path inside the repository, "" or "site/"
	repo    bool   // dir is inside a work tree and git runs: Tree and Blobs may work
	files   map[string][]Change
	commits int
	reused  bool // LoadReusing read an earlier build's log

	// Skipped counts the records of git's output that did not read as a
	// commit; FirstSkipped says what was wrong with the first.
	Skipped      int
	FirstSkipped string
}

// Reused reports whether the log was read partly from an earlier build's
// (LoadReusing).
func (l *Log) Reused() bool { return l != nil && l.reused }

// Commits is the number of commits read.
func (l *Log) Commits() int {
	if l == nil {
		return 0
	}
	return l.commits
}

// File returns the changes to the file at path (relative to the site
// folder, slash-separated), newest first, following it through renames.
func (l *Log) File(path string) []Change {
	if l == nil {
		return nil
	}
	return l.files[path]
}

// HasCommit reports whether a commit whose hash starts with prefix
// changed a file of the site.
func (l *Log) HasCommit(prefix string) bool {
	if l == nil {
		return false
	}
	for _, changes := range l.files {
		for _, ch := range changes {
			if strings.HasPrefix(ch.Hash, prefix) {
				return true
			}
		}
	}
	return false
}

// Files returns the paths that have a history.
func (l *Log) Files() []string {
	if l == nil {
		return nil
	}
	out := make([]string, 0, len(l.files))
	for p := range l.files {
		out = append(out, p)
	}
	return out
}

// gitTimeout bounds every git command.
const gitTimeout = 2 * time.Minute

// Load reads the history of the site folder dir with one "git log" pass.
// When git is missing, dir is not in a repository, the repository has no
// commits or is a shallow clone, it returns an empty Log and an
// *UnavailableError: callers build without history and say why once.
func Load(dir string) (*Log, error) {
	l, err := open(dir)
	if err != nil {
		return l, err
	}
	if err := l.readLog("HEAD"); err != nil {
		return l, &UnavailableError{err.Error()}
	}
	return l, nil
}

// open finds the repository of the site folder dir and checks that its
// history can be read.
func open(dir string) (*Log, error) {
	l := &Log{dir: dir, files: map[string][]Change{}}
	if _, err := exec.LookPath("git"); err != nil {
		return l, &UnavailableError{"git is not installed (or not on PATH)"}
	}
	out, err := l.git(nil, "rev-parse", "--is-shallow-repository", "--show-toplevel", "--show-prefix")
	if err != nil {
		if strings.Contains(err.Error(), "not a git repository") {
			return l, &UnavailableError{"the site folder is not in a git repository"}
		}
		return l, &UnavailableError{"git cannot read the repository: " + err.Error()}
	}
	l.repo = true
	lines := strings.Split(string(out), "\n")
	if len(lines) > 0 && lines[0] == "true" {
		return l, &UnavailableError{"the repository is a shallow clone, so the history is incomplete (run git fetch --unshallow)"}
	}
	if len(lines) > 2 {
		l.top, l.prefix = lines[1], lines[2]
	}
	if _, err := l.git(nil, "rev-parse", "--verify", "--quiet", "HEAD^{commit}"); err != nil {
		return l, &UnavailableError{"the repository has no commits yet"}
	}
	return l, nil
}

// LoadSince reads the commits reachable from HEAD but not from ref (for a
// pull request, the branch it will be merged into): the changes it brings.
func LoadSince(dir, ref string) (*Log, error) {
	l, err := open(dir)
	if err != nil {
		return l, err
	}
	if ref == "" || strings.HasPrefix(ref, "-") || strings.ContainsAny(ref, " \t\n\x00") {
		return l, fmt.Errorf("%q is not a git ref", ref)
	}
	if _, err := l.git(nil, "rev-parse", "--verify", "--quiet", ref+"^{commit}"); err != nil {
		return l, fmt.Errorf("git does not know %s: fetch it first (git fetch origin, or in a GitHub workflow checkout with fetch-depth: 0)", ref)
	}
	return l, l.readLog(ref + "..HEAD")
}

// logFormat writes each commit's fields NUL-terminated. Commit text can
// hold any byte but NUL, so no subject, name or message can end a field
// early or start a record: the fields are read by position. With -z, git
// ends the format with one more NUL, then writes the commit's raw
// changes as NUL-terminated fields too.
const logFormat = "%H%x00%aI%x00%aN%x00%s%x00%B%x00"

// readLog runs one "git log" of revs and reads its output as it comes.
func (l *Log) readLog(revs string) error {
	_, err := l.readLogThen(revs, nil, false)
	return err
}

// readLogThen runs one "git log" of revs (none when revs is "") and reads
// its output as it comes, then the output of an earlier log, after. With
// keep, it returns all it read.
func (l *Log) readLogThen(revs string, after []byte, keep bool) ([]byte, error) {
	var got bytes.Buffer
	var in io.Reader = bytes.NewReader(after)
	var cmd *exec.Cmd
	var stdout io.ReadCloser
	var stderr bytes.Buffer
	if revs != "" {
		ctx, cancel := context.WithTimeout(context.Background(), gitTimeout)
		defer cancel()
		cmd = l.command(ctx, l.dir, "log", "-z", "--raw", "--no-abbrev", "-M", "--topo-order", "--no-color",
			"--format="+logFormat, revs, "--", ".")
		cmd.Stderr = &stderr
		var err error
		if stdout, err = cmd.StdoutPipe(); err != nil {
			return nil, fmt.Errorf("git log: %w", err)
		}
		if err := cmd.Start(); err != nil {
			return nil, fmt.Errorf("git log: %w", err)
		}
		var out io.Reader = stdout
		if keep {
			out = io.TeeReader(stdout, &got)
		}
		in = io.MultiReader(out, in)
	}
	parseErr := l.parse(bufio.NewReaderSize(in, 64<<10))
	if cmd != nil {
		_, _ = io.Copy(io.Discard, stdout) // let git finish when parsing stopped early
		if err := cmd.Wait(); err != nil {
			return nil, fmt.Errorf("git log failed: %s", firstLine(stderr.String(), err))
		}
	}
	if parseErr != nil {
		return nil, fmt.Errorf("cannot read git log: %w", parseErr)
	}
	if !keep {
		return nil, nil
	}
	if got.Len() == 0 {
		return after, nil // nothing new: not copied
	}
	return append(got.Bytes(), after...), nil
}

// ended marks a path whose file was added by a commit already read: an
// older change at the same path belongs to another (earlier) file.
const ended = "\x00"

// fields reads the NUL-terminated fields of git's output one at a time,
// with one field of look-ahead.
type fields struct {
	r    *bufio.Reader
	next []byte
	have bool
	err  error
}

// peek returns the next field without taking it; ok is false at the end.
func (f *fields) peek() ([]byte, bool) {
	if !f.have && f.err == nil {
		b, err := f.r.ReadBytes(0)
		if len(b) > 0 && b[len(b)-1] == 0 {
			b = b[:len(b)-1]
		}
		if err != nil {
			f.err = err
			if len(b) == 0 {
				return nil, false
			}
		}
		f.next, f.have = b, true
	}
	return f.next, f.have
}

// take returns the next field and moves past it.
func (f *fields) take() ([]byte, bool) {
	b, ok := f.peek()
	f.have = false
	return b, ok
}

// parse reads git log's output. A record that does not read as a commit
// (which git does not write) is skipped up to the next commit, and
// counted in l.Skipped: one bad record never costs the rest.
func (l *Log) parse(r *bufio.Reader) error {
	// alias maps a path, as it was at the point of the history being read,
	// to the key of the file: the file's path at HEAD (or, for a file that
	// no longer exists, its last path).
	alias := map[string]string{}
	key := func(path, hash string) string {
		k, ok := alias[path]
		switch {
		case !ok:
			alias[path] = path
			return path
		case k == ended:
			k = path + "@" + hash
			alias[path] = k
		}
		return k
	}
	f := &fields{r: r}
	for {
		c, ok := l.readCommit(f)
		if !ok {
			break
		}
		for {
			meta, ok := f.peek()
			if !ok {
				break
			}
			meta = bytes.TrimLeft(meta, "\n")
			if len(meta) == 0 {
				f.take() // the NUL that ends the format, or a blank line
				continue
			}
			if meta[0] != ':' {
				break // the next commit
			}
			f.take()
			ch, ok := parseRaw(meta)
			if !ok {
				l.skip(fmt.Sprintf("commit %s: unexpected change %.60q", c.Short(), meta))
				continue
			}
			p1, _ := f.take()
			var p2 []byte
			if ch.Status == 'R' || ch.Status == 'C' {
				p2, _ = f.take()
			}
			if c == nil {
				continue // the changes of a record that was skipped
			}
			ch.Commit = c
			oldPath, newPath, inOld, inNew := string(p1), string(p2), true, true
			if ch.Status != 'R' && ch.Status != 'C' {
				newPath = oldPath
			}
			oldPath, inOld = l.rel(oldPath)
			newPath, inNew = l.rel(newPath)
			if !inNew {
				continue
			}
			switch ch.Status {
			case 'C':
				// A copy starts a new file; the original is untouched.
				ch.Status, ch.OldBlob, ch.Path = 'A', "", newPath
				k := key(newPath, c.Hash)
				l.files[k] = append(l.files[k], ch)
				alias[newPath] = ended
			case 'R':
				ch.Path = newPath
				k := key(newPath, c.Hash)
				if inOld {
					ch.OldPath = oldPath
					alias[oldPath] = k
				} else {
					ch.Status, ch.OldBlob = 'A', ""
				}
				l.files[k] = append(l.files[k], ch)
				alias[newPath] = ended
			default:
				ch.Path = newPath
				k := key(newPath, c.Hash)
				l.files[k] = append(l.files[k], ch)
				if ch.Status == 'A' {
					alias[newPath] = ended
				}
			}
		}
	}
	if f.err != nil && f.err != io.EOF {
		return f.err
	}
	return nil
}

// readCommit reads one commit's fields. It returns nil and true for a
// record that is not a commit, having skipped to the next one, and false
// at the end of the output.
func (l *Log) readCommit(f *fields) (*Commit, bool) {
	hash, ok := f.take()
	if !ok {
		return nil, false
	}
	if !isHash(hash) {
		l.skip(fmt.Sprintf("unexpected field %.60q where a commit should start", hash))
		// Resynchronise: the next commit starts with a hash; changes
		// seen before it belong to no commit and are passed over.
		for {
			b, ok := f.peek()
			if !ok {
				return nil, false
			}
			if b = bytes.TrimLeft(b, "\n"); isHash(b) || len(b) > 0 && b[0] == ':' {
				return nil, true
			}
			f.take()
		}
	}
	var v [4][]byte // author date, author, subject, message
	for i := range v {
		if v[i], ok = f.take(); !ok {
			l.skip(fmt.Sprintf("commit %.10s: the log ends inside it", hash))
			return nil, false
		}
	}
	date, err := time.Parse(time.RFC3339, string(v[0]))
	if err != nil {
		l.skip(fmt.Sprintf("commit %.10s: unexpected date %.40q", hash, v[0]))
		return nil, true
	}
	msg := ReadMessage(string(v[3]))
	c := &Commit{
		Hash:    string(hash),
		Date:    date,
		Author:  Clean(string(v[1])),
		Subject: Clean(string(v[2])),
		Note:    msg.Note,
		Seq:     l.commits,
	}
	if !msg.Date.IsZero() {
		c.Date = msg.Date
	}
	c.Problem = msg.Problem
	l.commits++
	return c, true
}

// skip notes a record of the log that could not be read.
func (l *Log) skip(why string) {
	if l.Skipped == 0 {
		l.FirstSkipped = why
	}
	l.Skipped++
}

func isHash(b []byte) bool {
	return (len(b) == 40 || len(b) == 64) && isHex(string(b))
}

// rel turns a path from the top of the repository into one relative to the
// site folder; ok is false for a path outside it.
func (l *Log) rel(p string) (string, bool) {
	if l.prefix == "" {
		return p, true
	}
	if !strings.HasPrefix(p, l.prefix) {
		return "", false
	}
	return p[len(l.prefix):], true
}

// parseRaw reads ":100644 100644 <old> <new> M" (status may carry a score, "R087").
func parseRaw(meta []byte) (Change, bool) {
	f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(string(meta)), ":"))
	if len(f) != 5 || f[4] == "" {
		return Change{}, false
	}
	ch := Change{Status: f[4][0], OldBlob: f[2], NewBlob: f[3]}
	if isZero(ch.OldBlob) {
		ch.OldBlob = ""
	}
	if isZero(ch.NewBlob) {
		ch.NewBlob = ""
	}
	return ch, true
}

func isZero(id string) bool { return strings.Trim(id, "0") == "" }

// git runs git in the site folder and returns its standard output. The
// error holds the first line git wrote to standard error.
func (l *Log) git(stdin []byte, args ...string) ([]byte, error) {
	return l.gitIn(l.dir, stdin, args...)
}

func (l *Log) gitIn(dir string, stdin []byte, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), gitTimeout)
	defer cancel()
	cmd := l.command(ctx, dir, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, errors.New(firstLine(stderr.String(), err))
	}
	return out, nil
}

// command is git with args, run in dir, with settings that keep its
// output the same on every machine: log.follow would turn off the history
// simplification that leaves out what a merge threw away, and
// log.showRoot=false the files the first commit added.
func (l *Log) command(ctx context.Context, dir string, args ...string) *exec.Cmd {
	fixed := []string{"-c", "core.quotepath=off", "-c", "log.showSignature=false", "-c", "log.follow=false", "-c", "log.showRoot=true"}
	cmd := exec.CommandContext(ctx, "git", append(fixed, args...)...)
	cmd.Dir = dir
	return cmd
}

// firstLine is the first line git wrote to standard error, or err.
func firstLine(stderr string, err error) string {
	msg, _, _ := strings.Cut(strings.TrimSpace(stderr), "\n")
	msg = strings.TrimPrefix(msg, "fatal: ")
	if msg == "" {
		msg = err.Error()
	}
	return msg
}

// Blobs reads the blobs with the given ids as EachBlob does. A blob that
// does not exist is left out of the result.
func (l *Log) Blobs(ids []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	err := l.EachBlob(ids, func(id string, b []byte) {
		out[id] = bytes.Clone(b)
	})
	return out, err
}

// EachBlob reads the blobs with the given ids through "git cat-file
// --batch", handing each to use as it arrives; b is valid only until use
// returns, so that reading many versions takes the memory of a few. A blob
// that does not exist is passed over. Many ids are split in runs, one
// git cat-file each on every core, each run in the order given (git
// unpacks a blob fastest just after those stored before it); use is
// called for one blob at a time.
func (l *Log) EachBlob(ids []string, use func(id string, b []byte)) error {
	if l == nil || !l.repo || len(ids) == 0 {
		return nil
	}
	var list []string
	seen := map[string]bool{}
	for _, id := range ids {
		if id == "" || seen[id] || !isHex(id) {
			continue
		}
		seen[id] = true
		list = append(list, id)
	}
	if len(list) == 0 {
		return nil
	}
	runs := max(1, min(runtime.GOMAXPROCS(0), len(list)/minBlobRun))
	var mu sync.Mutex
	one := func(id string, b []byte) {
		mu.Lock()
		defer mu.Unlock()
		use(id, b)
	}
	errs := make([]error, runs)
	var wg sync.WaitGroup
	for r := range runs {
		part := list[r*len(list)/runs : (r+1)*len(list)/runs]
		wg.Go(func() { errs[r] = l.catFile(part, one) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// minBlobRun is the fewest blobs worth a git cat-file of their own.
const minBlobRun = 500

// catFile reads the blobs ids names through one "git cat-file --batch".
func (l *Log) catFile(ids []string, use func(id string, b []byte)) error {
	var in bytes.Buffer
	for _, id := range ids {
		in.WriteString(id)
		in.WriteByte('\n')
	}
	ctx, cancel := context.WithTimeout(context.Background(), gitTimeout)
	defer cancel()
	cmd := l.command(ctx, l.dir, "cat-file", "--batch")
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("git cat-file: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("git cat-file: %w", err)
	}
	readErr := readBatch(bufio.NewReaderSize(stdout, 64<<10), use)
	_, _ = io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("git cat-file: %s", firstLine(stderr.String(), err))
	}
	return readErr
}

// readBatch reads "git cat-file --batch" output: a header line
// "<id> <type> <size>" (or "<id> missing"), the content and a newline.
func readBatch(r *bufio.Reader, use func(id string, b []byte)) error {
	var buf []byte
	for {
		header, err := r.ReadString('\n')
		if err != nil {
			return nil
		}
		f := strings.Fields(header)
		if len(f) != 3 {
			continue // "<id> missing"
		}
		size, err := strconv.Atoi(f[2])
		if err != nil || size < 0 {
			return fmt.Errorf("git cat-file: bad header %q", header)
		}
		if cap(buf) < size {
			buf = make([]byte, size)
		}
		b := buf[:size]
		if _, err := io.ReadFull(r, b); err != nil {
			return fmt.Errorf("git cat-file: %w", err)
		}
		_, _ = r.ReadByte() // the newline after the content
		if f[1] == "blob" {
			use(f[0], b)
		}
	}
}

func isHex(s string) bool {
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return s != ""
}
