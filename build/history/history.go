// Package history reads a site's change history from git: which commits
// changed each file (following renames), the Change-Note trailers that mark
// major changes, blobs of earlier versions and whole trees at a ref.
//
// git is run a fixed number of times per build, never once per file: Load
// runs one "git rev-parse" and one "git log" for every file of the site;
// Log.Blobs reads any number of earlier versions through one
// "git cat-file --batch"; Log.Tree reads a whole edition with one
// "git archive". Nothing here knows about pages or templates.
package history

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"
)

// NoteTrailer is the commit message trailer that marks a major change.
// Its text is what readers see.
const NoteTrailer = "Change-Note"

// Commit is one commit that changed the site.
type Commit struct {
	Hash    string
	Date    time.Time // committer date: when the change entered the history
	Author  string    // author name (never the email)
	Subject string
	Note    string // the Change-Note trailer; set only for a major change
	Seq     int    // position in the log: 0 is the newest commit
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
}

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

// Timeout bounds every git command.
var Timeout = 2 * time.Minute

// Load reads the history of the site folder dir with one "git log" pass.
// When git is missing, dir is not in a repository, the repository has no
// commits or is a shallow clone, it returns an empty Log and an
// *UnavailableError: callers build without history and say why once.
func Load(dir string) (*Log, error) {
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
	out, err = l.git(nil, "log", "-z", "--raw", "--no-abbrev", "-M", "--topo-order", "--no-color",
		"--format="+logFormat, "HEAD", "--", ".")
	if err != nil {
		return l, &UnavailableError{"git log failed: " + err.Error()}
	}
	if err := l.parse(out); err != nil {
		return l, &UnavailableError{"cannot read git log: " + err.Error()}
	}
	return l, nil
}

// logFormat starts each commit with RS and separates fields with US; the
// Change-Note trailers, unfolded, are separated by GS.
const logFormat = "%x1e%H%x1f%cI%x1f%an%x1f%s%x1f%(trailers:key=" + NoteTrailer + ",valueonly,unfold,separator=%x1d)%x1f"

// ended marks a path whose file was added by a commit already read: an
// older change at the same path belongs to another (earlier) file.
const ended = "\x00"

func (l *Log) parse(out []byte) error {
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
	for _, rec := range bytes.Split(out, []byte{0x1e}) {
		if len(rec) == 0 {
			continue
		}
		fields := bytes.SplitN(rec, []byte{0x1f}, 6)
		if len(fields) < 6 {
			return fmt.Errorf("unexpected record %.60q", rec)
		}
		date, err := time.Parse(time.RFC3339, string(fields[1]))
		if err != nil {
			return fmt.Errorf("commit %s: bad date %q", fields[0], fields[1])
		}
		c := &Commit{
			Hash:    string(fields[0]),
			Date:    date,
			Author:  string(fields[2]),
			Subject: string(fields[3]),
			Note:    joinNotes(string(fields[4])),
			Seq:     l.commits,
		}
		l.commits++
		raw := bytes.TrimLeft(fields[5], "\x00\n")
		for len(raw) > 0 {
			var meta, p1, p2 []byte
			meta, raw = cut(raw)
			if len(meta) == 0 {
				continue
			}
			ch, ok := parseRaw(meta)
			if !ok {
				return fmt.Errorf("commit %s: unexpected change %.60q", c.Short(), meta)
			}
			p1, raw = cut(raw)
			if ch.Status == 'R' || ch.Status == 'C' {
				p2, raw = cut(raw)
			}
			ch.Commit = c
			oldPath, newPath, inOld, inNew := string(p1), string(p2), true, true
			if ch.Status != 'R' && ch.Status != 'C' {
				newPath = oldPath
			}
			oldPath, inOld = l.rel(oldPath)
			newPath, inNew = l.rel(newPath)
			switch ch.Status {
			case 'C':
				// A copy starts a new file; the original is untouched.
				if !inNew {
					continue
				}
				ch.Status, ch.OldBlob, ch.Path = 'A', "", newPath
				k := key(newPath, c.Hash)
				l.files[k] = append(l.files[k], ch)
				alias[newPath] = ended
			case 'R':
				if !inNew {
					continue
				}
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
				if !inNew {
					continue
				}
				ch.Path = newPath
				k := key(newPath, c.Hash)
				l.files[k] = append(l.files[k], ch)
				if ch.Status == 'A' {
					alias[newPath] = ended
				}
			}
		}
	}
	return nil
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

// cut returns the bytes up to the next NUL and the rest.
func cut(b []byte) (head, rest []byte) {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i], b[i+1:]
	}
	return b, nil
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

// joinNotes joins several Change-Note trailers of one commit.
func joinNotes(s string) string {
	var parts []string
	for _, p := range strings.Split(s, "\x1d") {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}

// git runs git in the site folder and returns its standard output. The
// error holds the first line git wrote to standard error.
func (l *Log) git(stdin []byte, args ...string) ([]byte, error) {
	return l.gitIn(l.dir, stdin, args...)
}

func (l *Log) gitIn(dir string, stdin []byte, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", append([]string{"-c", "core.quotepath=off", "-c", "log.showSignature=false"}, args...)...)
	cmd.Dir = dir
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		msg, _, _ = strings.Cut(msg, "\n")
		msg = strings.TrimPrefix(msg, "fatal: ")
		if msg == "" {
			msg = err.Error()
		}
		return out, errors.New(msg)
	}
	return out, nil
}

// Blobs reads the blobs with the given ids through one "git cat-file
// --batch". A blob that does not exist is left out of the result.
func (l *Log) Blobs(ids []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	if l == nil || !l.repo || len(ids) == 0 {
		return out, nil
	}
	var in bytes.Buffer
	seen := map[string]bool{}
	for _, id := range ids {
		if id == "" || seen[id] || !isHex(id) {
			continue
		}
		seen[id] = true
		in.WriteString(id)
		in.WriteByte('\n')
	}
	if in.Len() == 0 {
		return out, nil
	}
	data, err := l.git(in.Bytes(), "cat-file", "--batch")
	if err != nil {
		return out, fmt.Errorf("git cat-file: %w", err)
	}
	r := bufio.NewReader(bytes.NewReader(data))
	for {
		header, err := r.ReadString('\n')
		if err != nil {
			break
		}
		f := strings.Fields(header)
		if len(f) != 3 {
			continue // "<id> missing"
		}
		var size int
		if _, err := fmt.Sscan(f[2], &size); err != nil {
			return out, fmt.Errorf("git cat-file: bad header %q", header)
		}
		b := make([]byte, size)
		if _, err := io.ReadFull(r, b); err != nil {
			return out, fmt.Errorf("git cat-file: %w", err)
		}
		_, _ = r.ReadByte() // the newline after the content
		if f[1] == "blob" {
			out[f[0]] = b
		}
	}
	return out, nil
}

func isHex(s string) bool {
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return s != ""
}
