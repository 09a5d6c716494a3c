package site_test

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/build/source"
)

// TestUnconfirmed checks that every detail still to be confirmed is
// listed with its file and line: a contact without a number, a summary,
// a procedure stage and body lines that say "to be confirmed".
func TestUnconfirmed(t *testing.T) {
	fsys := fstest.MapFS{
		"data/contacts.yaml": {Data: []byte("- id: mash\n  service: MASH\n  phone: \"\"\n- id: police\n  service: Police\n  phone: \"101\"\n")},
		"content/a.md":       {Data: []byte("---\ntitle: A\nsummary: Hours to be confirmed.\n---\n\nFine.\n\nThe date is **To be confirmed**.\n")},
		"content/p.md":       {Data: []byte("---\ntitle: P\ntype: procedure\nstages:\n  - who: Anyone\n    timescale: To be confirmed\n    action: Act.\n  - who: Manager\n    action: Decide.\n---\n\nNothing unknown here.\n")},
		"content/b.md":       {Data: []byte("---\ntitle: B\n---\n\nAll confirmed.\n")},
	}
	in, d := source.Load(fsys)
	if d.HasErrors() {
		t.Fatalf("source: %v", d.Err())
	}
	s, _ := site.New(in, site.Options{})
	var got []string
	for _, u := range site.Unconfirmed(s) {
		got = append(got, fmt.Sprintf("%s:%d: %s", u.File, u.Line, u.What))
	}
	want := []string{
		"data/contacts.yaml:1: the phone number of MASH",
		"content/a.md:3: the summary",
		"content/a.md:8: a detail the page marks as to be confirmed",
		"content/p.md:4: stage 1 of the procedure",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Unconfirmed:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
