package history

import (
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// State names everything of git that a build of the site folder dir reads:
// the commit its history ends at and every ref of the repository (an
// edition may be read at any of them); whether the clone is shallow; and
// what shapes git's answers besides the commits: its settings (the
// names a mailmap gives, encodings, attributes), the .mailmap files, the
// repository's info/grafts and info/attributes, and the GIT_ environment.
// Two builds that see the same State read the same history. When dir has
// no readable history, State says why, which is as stable. It runs git
// three times and reads no history.
func State(dir string) string {
	if _, err := exec.LookPath("git"); err != nil {
		return "no git"
	}
	l := &Log{dir: dir}
	out, err := l.git(nil, "rev-parse", "--is-shallow-repository", "--show-toplevel", "--show-prefix", "--absolute-git-dir", "--verify", "--quiet", "HEAD^{commit}")
	if err != nil {
		// Not a repository, or no commit yet: say which.
		return "unavailable: " + err.Error() + " " + string(out)
	}
	var b strings.Builder
	b.Write(out)
	refs, err := l.git(nil, "for-each-ref", "--format=%(objectname) %(refname)")
	if err != nil {
		return "unreadable refs: " + err.Error()
	}
	b.Write(refs)
	config, _ := l.git(nil, "config", "--list", "-z") // none is fine
	b.Write(config)
	files := []string{}
	if lines := strings.Split(string(out), "\n"); len(lines) > 3 {
		top, gitDir := lines[1], lines[3]
		files = append(files, filepath.Join(top, ".mailmap"), filepath.Join(gitDir, "info", "grafts"), filepath.Join(gitDir, "info", "attributes"))
	}
	for _, kv := range strings.Split(string(config), "\x00") {
		if k, v, _ := strings.Cut(kv, "\n"); k == "mailmap.file" {
			files = append(files, v)
		}
	}
	for _, f := range files {
		if data, err := os.ReadFile(f); err == nil {
			fmt.Fprintf(&b, "%s %x\n", f, sha256.Sum256(data))
		}
	}
	env := slices.Sorted(slices.Values(os.Environ()))
	for _, e := range env {
		if strings.HasPrefix(e, "GIT_") {
			b.WriteString(e + "\n")
		}
	}
	return b.String()
}
