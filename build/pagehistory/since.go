package pagehistory

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/history"
	"github.com/rscp/handbook/build/source"
)

// PendingChange is a published page whose text the commits since a ref
// (a pull request's) change, with the change notes readers will get.
type PendingChange struct {
	File    string   `json:"file"`
	Notes   []string `json:"notes"`   // the distinct Change-Notes of those commits; empty for a minor change
	Commits []string `json:"commits"` // the commits, abbreviated, newest first
}

// PendingChanges reads the commits made since ref (for a pull request,
// the branch it will be merged into, such as origin/main) and returns the
// published pages whose text they change, with their change notes, and
// the files of every page they change at all (front matter included). A
// page whose text changed with no note gets a warning: readers will not be
// told of the change, which is right only for a minor one.
func PendingChanges(siteDir, ref string) (changes []PendingChange, touched []string, diags *diag.List, err error) {
	diags = &diag.List{}
	log, err := history.LoadSince(siteDir, ref)
	if err != nil {
		var ue *history.UnavailableError
		if errors.As(err, &ue) {
			return nil, nil, diags, fmt.Errorf("--since %s: %s", ref, ue.Reason)
		}
		return nil, nil, diags, err
	}
	in, _ := source.Load(os.DirFS(siteDir))
	var out []PendingChange
	var ids []string
	type span struct{ before, after string }
	spans := map[string]span{}
	for _, p := range in.Pages {
		commits := log.File(p.File)
		if len(commits) > 0 {
			touched = append(touched, p.File)
		}
		if p.Draft() || len(commits) == 0 {
			continue
		}
		pc := PendingChange{File: p.File}
		seen := map[string]bool{}
		for _, ch := range commits {
			pc.Commits = append(pc.Commits, ch.Short())
			if ch.Note != "" && !seen[ch.Note] {
				seen[ch.Note] = true
				pc.Notes = append(pc.Notes, ch.Note)
			}
		}
		sp := span{before: commits[len(commits)-1].OldBlob, after: commits[0].NewBlob}
		spans[p.File] = sp
		ids = append(ids, sp.before, sp.after)
		out = append(out, pc)
	}
	blobs, err := log.Blobs(ids)
	if err != nil {
		return nil, nil, diags, err
	}
	texts := blobTexts(in.Markdown, blobs)
	kept := out[:0]
	for _, pc := range out {
		sp := spans[pc.File]
		if sp.before != "" && texts[sp.before] == texts[sp.after] {
			continue // front matter only: review dates, owner, summary
		}
		if len(pc.Notes) == 0 {
			what := "changes the text of this published page"
			if sp.before == "" {
				what = "publishes this new page"
			}
			diags.Warnf(pc.File, 0, "%s since %s (%s) with no change note: if practitioners must know about it, add a line \"Change-Note: <what changed, for readers>\" to a commit message or to the squash-merge message",
				what, ref, strings.Join(pc.Commits, ", "))
		}
		kept = append(kept, pc)
	}
	return kept, touched, diags, nil
}
