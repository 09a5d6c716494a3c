package site

import (
	"bytes"
	"strings"

	"github.com/rscp/handbook/build/markdown"
)

// ToConfirm is a detail of the site that is still to be confirmed: a
// contact without a phone number, or a place where a page says "to be
// confirmed". A partnership confirms them all before it launches.
type ToConfirm struct {
	File string `json:"file"`
	Line int    `json:"line"`
	What string `json:"what"`
}

// Unconfirmed lists what s still has to confirm, contacts first, then
// pages in site order.
func Unconfirmed(s *Site) []ToConfirm {
	var out []ToConfirm
	for _, c := range s.Contacts {
		if strings.TrimSpace(c.Phone) == "" {
			out = append(out, ToConfirm{File: "data/contacts.yaml", Line: c.Line, What: "the phone number of " + c.Service})
		}
	}
	for _, p := range s.Pages {
		if !editable(p) || p.Withdrawn() {
			continue
		}
		if mentionsTBC(p.Summary) {
			out = append(out, ToConfirm{File: p.File, Line: p.Line("summary"), What: "the summary"})
		}
		if pr := p.Procedure; pr != nil {
			for i, st := range pr.Stages {
				if mentionsTBC(st.Who + " " + st.Timescale + " " + st.Action) {
					out = append(out, ToConfirm{File: p.File, Line: p.Line("stages"), What: "stage " + itoa(i+1) + " of the procedure"})
				}
			}
		}
		for _, doc := range append([]*markdown.Doc{p.Body}, p.BoxBodies...) {
			out = append(out, docTBC(p, doc)...)
		}
	}
	return out
}

func mentionsTBC(s string) bool {
	return strings.Contains(strings.ToLower(s), "to be confirmed")
}

// docTBC finds the lines of doc that say "to be confirmed".
func docTBC(p *Page, doc *markdown.Doc) []ToConfirm {
	if doc == nil {
		return nil
	}
	var out []ToConfirm
	for i, line := range bytes.Split(doc.Source, []byte("\n")) {
		if mentionsTBC(string(line)) {
			out = append(out, ToConfirm{File: p.File, Line: doc.LineOffset + i + 1, What: "a detail the page marks as to be confirmed"})
		}
	}
	return out
}
