package pagehistory

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/history"
	"github.com/rscp/handbook/build/site"
)

// redactionsFile lists what page history must not show.
const redactionsFile = "data/redactions.yaml"

// redacted replaces a redacted passage wherever history shows text.
const redacted = "[removed]"

// redactor applies data/redactions.yaml to page history.
type redactor struct {
	commits []string // hashes or their prefixes, lower case
	texts   []string
	key     string // names texts: "" when there are none
}

// newRedactor checks the redactions and returns what applies them. An
// entry must name a commit (7 or more hex digits, found in the history
// when there is one) or a passage, and say why.
func newRedactor(rs []site.Redaction, log *history.Log, diags *diag.List) *redactor {
	r := &redactor{}
	for _, x := range rs {
		commit, text := strings.ToLower(strings.TrimSpace(x.Commit)), x.Text
		switch {
		case (commit == "") == (strings.TrimSpace(text) == ""):
			diags.Errorf(redactionsFile, x.Line, "each redaction needs either commit (the commit to leave out of page history) or text (a passage to remove from it), not both or neither")
			continue
		case strings.TrimSpace(x.Reason) == "":
			diags.Errorf(redactionsFile, x.Line, "give the reason for the redaction (reason: …), for the editors who come later")
		}
		if text != "" {
			r.texts = append(r.texts, text)
			continue
		}
		if len(commit) < 7 || strings.Trim(commit, "0123456789abcdef") != "" {
			diags.Errorf(redactionsFile, x.Line, "commit %q is not a commit hash: give the hash (git log shows it), or at least its first 7 characters", x.Commit)
			continue
		}
		if log.Commits() > 0 && !log.HasCommit(commit) {
			diags.Warnf(redactionsFile, x.Line, "commit %s is not in the history of any page: check the hash", commit)
		}
		r.commits = append(r.commits, commit)
	}
	// The longest passage first, so that one inside another goes whole.
	slices.SortFunc(r.texts, func(a, b string) int { return len(b) - len(a) })
	if len(r.texts) > 0 {
		sum := sha256.Sum256([]byte(strings.Join(r.texts, "\x00")))
		r.key = hex.EncodeToString(sum[:])
	}
	return r
}

// commit reports whether the commit with hash is left out.
func (r *redactor) commit(hash string) bool {
	for _, c := range r.commits {
		if strings.HasPrefix(hash, c) {
			return true
		}
	}
	return false
}

// text returns s with every redacted passage replaced.
func (r *redactor) text(s string) string {
	for _, t := range r.texts {
		if strings.Contains(s, t) {
			s = strings.ReplaceAll(s, t, redacted)
		}
	}
	return s
}

// publishedChanges returns the changes of a file's log (newest first)
// that published a version: not those that left the page a draft, nor
// redacted commits. Each is paired with the version readers saw before it.
func publishedChanges(log []history.Change, drafts map[string]bool, red *redactor) []shownChange {
	var out []shownChange
	prev := ""
	for i := len(log) - 1; i >= 0; i-- {
		ch := log[i]
		switch {
		case ch.NewBlob == "":
			prev = "" // deleted: a later version starts again
			continue
		case drafts[ch.NewBlob] || red.commit(ch.Hash):
			continue
		}
		out = append(out, shownChange{Change: ch, before: prev})
		prev = ch.NewBlob
	}
	slices.Reverse(out)
	return out
}

// draftVersion reports whether a version of a page says status: draft in
// its front matter. Only that line is read: the whole page is parsed only
// for the versions whose text is shown.
func draftVersion(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	rest, ok := bytes.CutPrefix(b, []byte("---"))
	if !ok {
		return false
	}
	_, rest, _ = bytes.Cut(rest, []byte("\n"))
	for len(rest) > 0 {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		line = bytes.TrimRight(line, "\r")
		if string(line) == "---" || string(line) == "..." {
			return false
		}
		if v, ok := bytes.CutPrefix(line, []byte("status:")); ok {
			if i := bytes.Index(v, []byte(" #")); i >= 0 {
				v = v[:i]
			}
			return string(bytes.Trim(bytes.TrimSpace(v), `"'`)) == site.StatusDraft
		}
	}
	return false
}
