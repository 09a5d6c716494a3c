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
	// The commit itself, not HEAD, from here on: a commit made while the
	// log is read must not be read twice in the next build.
	kept := &RawLog{Head: strings.TrimSpace(string(head)), Key: l.logKey()}
	revs, after := kept.Head, []byte(nil)
	if earlier != nil && earlier.Key == kept.Key && isHash([]byte(earlier.Head)) {
		switch {
		case earlier.Head == kept.Head:
			revs, after = "", earlier.Raw
		case l.descendsOnlyFrom(earlier.Head, kept.Head):
			revs, after = earlier.Head+".."+kept.Head, earlier.Raw
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

// descendsOnlyFrom reports whether every commit reachable from head and
// not from last has parents, all of them such commits or last itself: then
// git's topological order lists all of them before last and its ancestors,
// which it lists as it would from last.
func (l *Log) descendsOnlyFrom(last, head string) bool {
	out, err := l.git(nil, "rev-list", "--parents", last+".."+head)
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
// them: git's version; where the site is in the repository; the settings
// and environment that change the names, renames, paths, order and
// encoding git writes (.mailmap and mailmap.*, log.*, diff.renameLimit and
// others); and which commits are replaced or grafted. Not the whole
// configuration: a CI's checkout sets a new token in it at every run.
func (l *Log) logKey() string {
	h := sha256.New()
	part := func(b []byte) {
		h.Write(b)
		h.Write([]byte{0})
	}
	version, _ := l.git(nil, "version")
	part(version)
	part([]byte(l.prefix))
	b, _ := os.ReadFile(filepath.Join(l.top, ".mailmap"))
	part(b)
	// No setting or ref matched is not an error here (git config says so
	// with status 1).
	conf, _ := l.git(nil, "config", "--get-regexp",
		`^(mailmap\.|log\.|diff\.(renamelimit|relative|ignoresubmodules|orderfile)|i18n\.|core\.(precomposeunicode|usereplacerefs))`)
	part(conf)
	for _, line := range strings.Split(string(conf), "\n") {
		switch key, value, _ := strings.Cut(line, " "); key {
		case "mailmap.file":
			part(l.readConfigFile(value))
		case "mailmap.blob":
			id, _ := l.git(nil, "rev-parse", "--verify", "--quiet", value)
			part(id)
		case "diff.orderfile":
			part(l.readConfigFile(value))
		}
	}
	for _, v := range []string{"GIT_NO_REPLACE_OBJECTS", "GIT_REPLACE_REF_BASE", "GIT_GRAFT_FILE"} {
		part([]byte(v + "=" + os.Getenv(v)))
	}
	replaced, _ := l.git(nil, "for-each-ref", "--format=%(refname) %(objectname)", "refs/replace/")
	part(replaced)
	if grafts, err := l.git(nil, "rev-parse", "--git-path", "info/grafts"); err == nil {
		part(l.readConfigFile(strings.TrimSpace(string(grafts))))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// readConfigFile reads a file a git setting names as git does: a path
// relative to the folder git runs in, or under the home folder with "~/".
func (l *Log) readConfigFile(name string) []byte {
	if rest, ok := strings.CutPrefix(name, "~/"); ok {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil
		}
		name = filepath.Join(home, rest)
	} else if !filepath.IsAbs(name) {
		name = filepath.Join(l.dir, name)
	}
	b, _ := os.ReadFile(name)
	return b
}
