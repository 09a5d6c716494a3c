package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/extlinks"
	"github.com/rscp/handbook/build/markdown"
	"github.com/rscp/handbook/build/pagehistory"
	"github.com/rscp/handbook/build/site"
)

// checkBuild names, in JSON output, the problems the build itself finds.
const checkBuild = "build"

// checkChangeNotes names the warnings of --since: changes without a note.
const checkChangeNotes = "change-notes"

// printChangeNotes shows, for each page changed since ref, the change
// note readers will get.
func printChangeNotes(m *Main, ref string, pending []pagehistory.PendingChange) {
	for _, pc := range pending {
		for _, n := range pc.Notes {
			fmt.Fprintf(m.Stdout, "%s: change note that will be published: %s\n", pc.File, n)
		}
	}
	if ref != "" && len(pending) == 0 {
		fmt.Fprintf(m.Stdout, "no published page's text changed since %s\n", ref)
	}
}

func (m *Main) check(ctx context.Context, args []string) int {
	fs := m.flags("check")
	siteDir := fs.String("s", ".", "site folder holding handbook.yaml, content/ and data/")
	format := fs.String("format", "text", "output format: text (file:line: severity: message) or json")
	todayFlag := fs.String("today", "", "check review and verification dates as if today were this date (YYYY-MM-DD)")
	since := fs.String("since", "", "also check the commits since this git ref (for a pull request, e.g. origin/main): warn when a published page's text changes with no Change-Note, and show the notes readers will get")
	external := fs.Bool("external", false, "also check that links to other sites still work (answers kept for a day in .handbook-cache/)")
	externalTimeout := fs.Duration("external-timeout", 10*time.Second, "with --external, how long to wait for each site")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(m.Stderr, "handbook check: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(m.Stderr, "handbook check: --format must be text or json, not %q\n", *format)
		return 2
	}
	today := time.Now()
	if *todayFlag != "" {
		d, err := site.ParseDate(*todayFlag)
		if err != nil {
			fmt.Fprintf(m.Stderr, "handbook check: --today: %v\n", err)
			return 2
		}
		today = d.Time
	}
	diags, pages, tbc, err := runChecks(*siteDir, today)
	if err != nil {
		fmt.Fprintf(m.Stderr, "handbook check: %v\n", err)
		return 1
	}
	if *external {
		checker := &extlinks.Checker{Timeout: *externalTimeout, CacheFile: filepath.Join(*siteDir, ".handbook-cache", "external-links.json")}
		if err := checkExternal(ctx, checker, *siteDir, diags); err != nil {
			fmt.Fprintf(m.Stderr, "handbook check: external links: %v\n", err)
		}
	}
	if ctx.Err() != nil {
		return 1
	}
	var pending []pagehistory.PendingChange
	if *since != "" {
		var more *diag.List
		var touched []string
		pending, touched, more, err = pagehistory.PendingChanges(*siteDir, *since)
		if err != nil {
			fmt.Fprintf(m.Stderr, "handbook check: %v\n", err)
			return 1
		}
		diags = overdueInChange(diags, touched, *since)
		for _, d := range more.Sorted() {
			d.Check = checkChangeNotes
			diags.Add(d)
		}
	}
	list := diags.Sorted()
	nerr, nwarn := diags.Count()
	if *format == "json" {
		out := struct {
			Diagnostics []diag.Diagnostic           `json:"diagnostics"`
			Errors      int                         `json:"errors"`
			Warnings    int                         `json:"warnings"`
			ChangeNotes []pagehistory.PendingChange `json:"change_notes,omitempty"`
			Unconfirmed []site.ToConfirm            `json:"unconfirmed"`
		}{append([]diag.Diagnostic{}, list...), nerr, nwarn, pending, append([]site.ToConfirm{}, tbc...)}
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			fmt.Fprintf(m.Stderr, "handbook check: %v\n", err)
			return 1
		}
	} else {
		for _, d := range list {
			fmt.Fprintln(m.Stdout, d.String())
		}
		printChangeNotes(m, *since, pending)
		for _, u := range tbc {
			fmt.Fprintf(m.Stdout, "%s:%d: to confirm: %s\n", u.File, u.Line, u.What)
		}
		if len(tbc) > 0 {
			fmt.Fprintf(m.Stdout, "%s still to be confirmed: confirm them with the partnership before launch\n", plural(len(tbc), "detail"))
		}
		switch {
		case nerr+nwarn == 0:
			fmt.Fprintf(m.Stdout, "checked %s: no problems found\n", plural(pages, "page"))
		case nerr == 0:
			fmt.Fprintf(m.Stdout, "checked %s: %s; the site can be published\n", plural(pages, "page"), plural(nwarn, "warning"))
		default:
			fmt.Fprintf(m.Stdout, "checked %s: %s, %s; fix the errors before publishing\n", plural(pages, "page"), plural(nerr, "error"), plural(nwarn, "warning"))
		}
	}
	if nerr > 0 {
		return 1
	}
	return 0
}

// overdueInChange makes an overdue review an error on the pages the
// commits since ref change: the editor changing a page reviews it (or
// agrees a new next_review with its owner) in the same pull request. On
// the pages it does not change, the overdue review stays a warning, so
// that it never holds up an urgent change elsewhere.
func overdueInChange(diags *diag.List, touched []string, ref string) *diag.List {
	changed := map[string]bool{}
	for _, f := range touched {
		changed[f] = true
	}
	out := &diag.List{}
	for _, d := range diags.Sorted() {
		if d.Check == site.CheckReviewOverdue && changed[d.File] && d.Severity == diag.Warning {
			d.Severity = diag.Error
			d.Message += fmt.Sprintf(" (an error because the commits since %s change this page: review it in the same pull request)", ref)
		}
		out.Add(d)
	}
	return out
}

// runChecks runs the build's own validation and the editorial checks, and
// lists what the published site still has to confirm.
//
// The build is run twice: without drafts, exactly as it is published, so
// that a problem only the published site has (a link to a draft) is
// reported; and with drafts, as previews show them, keeping only the
// problems of the draft pages themselves. The editorial checks look at
// every page, drafts included.
func runChecks(siteDir string, today time.Time) (*diag.List, int, []site.ToConfirm, error) {
	all := &diag.List{}
	seen := map[diag.Diagnostic]bool{}
	add := func(d diag.Diagnostic) {
		if d.Check == "" {
			d.Check = checkBuild
		}
		if !seen[d] {
			seen[d] = true
			all.Add(d)
		}
	}
	pub, err := build.Build(build.Options{SiteDir: siteDir, Publishing: true})
	if pub == nil {
		return nil, 0, nil, err
	}
	for _, d := range pub.Diags.Sorted() {
		add(d)
	}
	if err != nil && !isBuildError(err) {
		add(diag.Diagnostic{Severity: diag.Error, Message: err.Error()})
	}
	withDrafts, err := build.Build(build.Options{SiteDir: siteDir, Drafts: true, NoSearch: true})
	if withDrafts == nil {
		return nil, 0, nil, err
	}
	pages := 0
	var tbc []site.ToConfirm
	if s := pub.Site; s != nil {
		tbc = site.Unconfirmed(s)
	}
	if s := withDrafts.Site; s != nil {
		drafts := map[string]bool{}
		for _, p := range s.Pages {
			if p.Draft() {
				drafts[p.File] = true
			}
		}
		for _, d := range withDrafts.Diags.Sorted() {
			if drafts[d.File] {
				add(d)
			}
		}
		for _, d := range site.Check(s, today).Sorted() {
			add(d)
		}
		pages = len(s.Pages)
	}
	return all, pages, tbc, nil
}

func isBuildError(err error) bool {
	var be *diag.BuildError
	return errors.As(err, &be)
}

// checkExternal checks every link to another site of the published pages
// and adds a problem for each that does not lead to a page: an error when
// the site says the page is not there, a warning otherwise (the site may
// be down for a while).
func checkExternal(ctx context.Context, c *extlinks.Checker, siteDir string, diags *diag.List) error {
	res, _ := build.Build(build.Options{SiteDir: siteDir, NoSearch: true})
	if res == nil || res.Site == nil {
		return nil
	}
	type place struct {
		file string
		line int
	}
	where := map[string][]place{}
	var urls []string
	for _, p := range res.Site.Pages {
		for _, doc := range append([]*markdown.Doc{p.Body}, p.BoxBodies...) {
			if doc == nil {
				continue
			}
			for _, l := range doc.Links {
				if u := strings.ToLower(l.Dest); !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
					continue
				}
				if where[l.Dest] == nil {
					urls = append(urls, l.Dest)
				}
				where[l.Dest] = append(where[l.Dest], place{p.File, l.Line})
			}
		}
	}
	results, err := c.Check(ctx, urls)
	for _, u := range urls {
		r, ok := results[u]
		if !ok || r.OK() || r.Checked.IsZero() {
			continue
		}
		for _, at := range where[u] {
			d := diag.Diagnostic{File: at.file, Line: at.line, Severity: diag.Warning, Check: checkExternalLink}
			switch {
			case r.Gone():
				d.Severity = diag.Error
				d.Message = fmt.Sprintf("link to %s: the site says there is no such page (%d): find where the page has moved to, or remove the link", u, r.Status)
			case r.Err != "":
				d.Message = fmt.Sprintf("link to %s: %s: check that the address is right; the site may be down for a while", u, r.Err)
			default:
				d.Message = fmt.Sprintf("link to %s: the site answered %d %s: check that the link still leads where it should", u, r.Status, http.StatusText(r.Status))
			}
			diags.Add(d)
		}
	}
	return err
}

// checkExternalLink names, in JSON output, the problems of links to other
// sites.
const checkExternalLink = "external-link"
