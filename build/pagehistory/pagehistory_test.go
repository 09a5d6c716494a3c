package pagehistory

import (
	"testing"

	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/history"
	"github.com/rscp/handbook/build/site"
)

// A version of a page is a draft when its front matter says so, however
// an editor's tools wrote it; the word in the body or in a comment does
// not count.
func TestDraftVersion(t *testing.T) {
	for text, want := range map[string]bool{
		"---\ntitle: A\nstatus: draft\n---\nText.\n":              true,
		"\xef\xbb\xbf---\r\ntitle: A\r\nstatus: draft\r\n---\r\n": true,
		"---\nstatus: \"draft\" # until the board agrees\n---\n":  true,
		"---\nstatus: 'draft'\n---\n":                             true,
		"---\nstatus: published\n---\nstatus: draft\n":            false,
		"---\ntitle: A\n---\nstatus: draft\n":                     false,
		"---\ntitle: A\n...\nstatus: draft\n":                     false,
		"status: draft\n":                                         false,
		"---\n# status: draft\ntitle: A\n---\n":                   false,
	} {
		if got := draftVersion([]byte(text)); got != want {
			t.Errorf("draftVersion(%q) = %v, want %v", text, got, want)
		}
	}
}

// Redactions: a passage is replaced wherever history shows text, the
// longest first, so one inside another goes whole; a commit named by a
// prefix of its hash is left out; an entry without a reason, or naming
// neither or both, is an error at its line.
func TestRedactor(t *testing.T) {
	var diags diag.List
	r := newRedactor([]site.Redaction{
		{Text: "Jane", Reason: "a name", Line: 1},
		{Text: "Jane Smith of Flat 2", Reason: "an address", Line: 2},
		{Commit: "ABCDEF1", Reason: "a child's name in the message", Line: 3},
		{Text: "x", Commit: "abcdef1", Reason: "both", Line: 4},
		{Text: "y", Line: 5},
		{Commit: "xyz", Reason: "not a hash", Line: 6},
	}, nil, &diags)
	if got, want := r.text("Call Jane Smith of Flat 2, then Jane."), "Call [removed], then [removed]."; got != want {
		t.Errorf("text: %q, want %q", got, want)
	}
	if !r.commit("abcdef1234567890") || r.commit("abcdee1234567890") {
		t.Error("a commit is left out when its hash starts with a redacted prefix, and only then")
	}
	lines := map[int]bool{}
	for _, d := range diags.Sorted() {
		if d.Severity == diag.Error {
			lines[d.Line] = true
		}
	}
	for _, l := range []int{4, 5, 6} {
		if !lines[l] {
			t.Errorf("no error at line %d of %s: %v", l, redactionsFile, diags.Sorted())
		}
	}
	if lines[1] || lines[2] || lines[3] {
		t.Errorf("errors at good entries: %v", diags.Sorted())
	}
}

// The changes shown are those that published a version, each with the
// version readers saw before it: draft versions and redacted commits are
// skipped, and a deleted file starts again.
func TestPublishedChanges(t *testing.T) {
	log := []history.Change{ // newest first, as git log gives them
		{Commit: &history.Commit{Hash: "e5"}, NewBlob: "v5"},
		{Commit: &history.Commit{Hash: "d4"}, NewBlob: "v4"}, // a draft
		{Commit: &history.Commit{Hash: "c3"}, NewBlob: "v3"},
		{Commit: &history.Commit{Hash: "b2"}, NewBlob: ""}, // deleted
		{Commit: &history.Commit{Hash: "a1"}, NewBlob: "v1"},
		{Commit: &history.Commit{Hash: "99"}, NewBlob: "v0"}, // redacted
	}
	r := &redactor{commits: []string{"99"}}
	got := publishedChanges(log, map[string]bool{"v4": true}, r)
	want := []struct{ hash, before string }{{"e5", "v3"}, {"c3", ""}, {"a1", ""}}
	if len(got) != len(want) {
		t.Fatalf("%d changes, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].Hash != w.hash || got[i].before != w.before {
			t.Errorf("change %d: %s after %q, want %s after %q", i, got[i].Hash, got[i].before, w.hash, w.before)
		}
	}
}
