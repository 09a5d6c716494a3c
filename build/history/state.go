package history

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// State names everything of git that a build of the site folder dir reads:
// the commit its history ends at, every ref of the repository (an edition
// may be read at any of them), whether the clone is shallow, and the
// .mailmap that gives authors' names. Two builds that see the same State
// read the same history. When dir has no readable history, State says why,
// which is as stable. It runs git twice and reads no history.
func State(dir string) string {
	if _, err := exec.LookPath("git"); err != nil {
		return "no git"
	}
	l := &Log{dir: dir}
	var b strings.Builder
	out, err := l.git(nil, "rev-parse", "--is-shallow-repository", "--show-toplevel", "--show-prefix", "--verify", "--quiet", "HEAD^{commit}")
	if err != nil {
		// Not a repository, or no commit yet: say which.
		return "unavailable: " + err.Error() + " " + string(out)
	}
	b.Write(out)
	refs, err := l.git(nil, "for-each-ref", "--format=%(objectname) %(refname)")
	if err != nil {
		return "unreadable refs: " + err.Error()
	}
	b.Write(refs)
	if lines := strings.Split(string(out), "\n"); len(lines) > 1 {
		if m, err := os.ReadFile(filepath.Join(lines[1], ".mailmap")); err == nil {
			sum := sha256.Sum256(m)
			b.WriteString("mailmap " + hex.EncodeToString(sum[:]))
		}
	}
	return b.String()
}
