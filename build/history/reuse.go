package history

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
)

// RawLog is the output of the git log an earlier build read, kept (in the
// folder of handbook build --cache) so that the next build asks git only
// for the commits made since. On a long history git log is the slowest
// part of reading it: 4.4 s of tldr-pages' 23,000 commits, most of it
// comparing each commit's tree with its parent's.
type RawLog struct {
	Head string // the commit the log was read at
	Key  string // what else git's output depended on (logKey)
	Raw  []byte // git's output
}

// LoadReusing is Load, reading only the commits made since earlier.Head
// when it can: when earlier was read with the same settings and every
// commit since descends from earlier.Head alone, so that the log of the
// whole history is the log of the new commits followed by earlier's,
// byte for byte. It returns what to keep for the next build, which is nil
// when there is no history.
func LoadReusing(dir string, earlier *RawLog) (*Log, *RawLog, error) {
	l, err := open(dir)
	if err != nil {
		return l, nil, err
	}
	head, err := l.git(nil, "rev-parse", "--verify", "HEAD^{commit}")
	if err != nil {
		return l, nil, &UnavailableError{"git cannot read the repository: " + err.Error()}
	}
	kept := &RawLog{Head: strings.TrimSpace(string(head)), Key: l.logKey()}
	revs, after := "HEAD", []byte(nil)
	if earlier != nil && earlier.Key == kept.Key && isHash([]byte(earlier.Head)) {
		switch {
		case earlier.Head == kept.Head:
			revs, after = "", earlier.Raw
		case l.descendsOnlyFrom(earlier.Head):
			revs, after = earlier.Head+"..HEAD", earlier.Raw
		}
	}
	raw, err := l.readLogThen(revs, after, true)
	if err != nil {
		return l, nil, &UnavailableError{err.Error()}
	}
	l.reused = after != nil
	kept.Raw = raw
	return l, kept, nil
}

// descendsOnlyFrom reports whether every commit reachable from HEAD and
// not from last has parents, all of them such commits or last itself: then
// git's topological order lists all of them before last and its ancestors,
// which it lists as it would from last.
func (l *Log) descendsOnlyFrom(last string) bool {
	out, err := l.git(nil, "rev-list", "--parents", last+"..HEAD")
	if err != nil {
		return false
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) == 0 || lines[0] == "" {
		return false // HEAD is last's ancestor, or last is not in this repository
	}
	since := make(map[string]bool, len(lines))
	for _, line := range lines {
		since[strings.Fields(line)[0]] = true
	}
	for _, line := range lines {
		f := strings.Fields(line)
		if len(f) < 2 {
			return false // a root commit
		}
		for _, p := range f[1:] {
			if !since[p] && p != last {
				return false
			}
		}
	}
	return true
}

// logKey names what git's log of the same commits depends on besides
// them: where the site is in the repository, the settings that change the
// names, renames, paths and encoding git writes (.mailmap, mailmap.*,
// diff.renameLimit and others), and replaced commits (git replace). Not
// the whole configuration: a CI's checkout sets a new token in it at
// every run.
func (l *Log) logKey() string {
	h := sha256.New()
	h.Write([]byte(l.prefix + "\x00"))
	if b, err := os.ReadFile(filepath.Join(l.top, ".mailmap")); err == nil {
		h.Write(b)
	}
	h.Write([]byte("\x00"))
	// No setting or ref matched is not an error here (git config says so
	// with status 1).
	conf, _ := l.git(nil, "config", "--get-regexp", `^(mailmap\.|diff\.(renamelimit|relative|ignoresubmodules)|i18n\.|core\.precomposeunicode)`)
	h.Write(conf)
	replaced, _ := l.git(nil, "for-each-ref", "--format=%(refname) %(objectname)", "refs/replace/")
	h.Write([]byte("\x00"))
	h.Write(replaced)
	for _, line := range strings.Split(string(conf), "\n") {
		if file, ok := strings.CutPrefix(line, "mailmap.file "); ok {
			if b, err := os.ReadFile(file); err == nil {
				h.Write(b)
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
