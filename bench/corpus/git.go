package corpus

import (
	"fmt"
	"os"
	"os/exec"
)

// Commit makes dir a git repository holding everything in it as one commit
// with a fixed author and date, so that the build reads a history as it
// does for a real site. It returns nil without doing anything when git is
// not installed.
func Commit(dir string) error {
	if _, err := exec.LookPath("git"); err != nil {
		return nil
	}
	env := append(os.Environ(),
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null",
		"GIT_AUTHOR_NAME=Corpus", "GIT_AUTHOR_EMAIL=corpus@example.org", "GIT_AUTHOR_DATE=2024-06-01T12:00:00Z",
		"GIT_COMMITTER_NAME=Corpus", "GIT_COMMITTER_EMAIL=corpus@example.org", "GIT_COMMITTER_DATE=2024-06-01T12:00:00Z",
	)
	for _, args := range [][]string{
		{"init", "-q", "-b", "main"},
		{"add", "-A"},
		{"commit", "-q", "-m", "Generated corpus"},
	} {
		// No automatic "git gc" in the background: it would compete
		// with the build being timed.
		cmd := exec.Command("git", append([]string{"-c", "gc.auto=0"}, args...)...)
		cmd.Dir = dir
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("corpus: git %s: %v: %s", args[0], err, out)
		}
	}
	return nil
}
