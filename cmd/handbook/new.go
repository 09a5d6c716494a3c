package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rscp/handbook/build/markdown"
	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/build/source"
)

// pageKinds are the types `handbook new` makes, with the folder under
// content/ their pages go in and the prefix of their ids.
var pageKinds = map[string]struct{ dir, idPrefix string }{
	site.TypeArrangement: {"arrangements", "arrangements-"},
	site.TypeThreshold:   {"thresholds", "threshold-"},
	site.TypeBriefing:    {"briefings", "briefing-"},
	site.TypeProcedure:   {"procedures", ""},
	site.TypeReport:      {"reports", ""},
	"page":               {"", ""},
}

func kindNames() string {
	names := make([]string, 0, len(pageKinds))
	for k := range pageKinds {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func (m *Main) newPage(_ context.Context, args []string) int {
	fs := m.flags("new")
	siteDir := fs.String("s", ".", "site folder holding handbook.yaml, content/ and data/")
	todayFlag := fs.String("today", "", "date to write as last_reviewed (YYYY-MM-DD); default today")
	fs.Usage = func() {
		fmt.Fprintf(m.Stderr, "Usage: handbook new TYPE TITLE [-s SITE_DIR]\n\nTYPE is one of %s.\n\n", kindNames())
		fs.PrintDefaults()
	}
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) < 2 {
		fs.Usage()
		return 2
	}
	kind, title := pos[0], strings.TrimSpace(strings.Join(pos[1:], " "))
	k, ok := pageKinds[kind]
	if !ok {
		fmt.Fprintf(m.Stderr, "handbook new: unknown type %q: use one of %s\n", kind, kindNames())
		return 2
	}
	slug := markdown.Slug(title)
	if slug == "" {
		fmt.Fprintf(m.Stderr, "handbook new: the title %q has no letters or digits to make a file name from\n", title)
		return 2
	}
	today := time.Now()
	if *todayFlag != "" {
		d, err := site.ParseDate(*todayFlag)
		if err != nil {
			fmt.Fprintf(m.Stderr, "handbook new: --today: %v\n", err)
			return 2
		}
		today = d.Time
	}
	if st, err := os.Stat(*siteDir); err != nil || !st.IsDir() {
		fmt.Fprintf(m.Stderr, "handbook new: site folder %s: not found\n", *siteDir)
		return 1
	}

	rel := filepath.Join("content", k.dir, slug+".md")
	full := filepath.Join(*siteDir, rel)
	if _, err := os.Lstat(full); err == nil {
		fmt.Fprintf(m.Stderr, "handbook new: %s already exists: it was not changed (choose a different title, or edit that file)\n", full)
		return 1
	}
	id := k.idPrefix + slug
	fsys, err := source.Open(*siteDir)
	if err != nil {
		fmt.Fprintf(m.Stderr, "handbook new: site folder %s: %v\n", *siteDir, err)
		return 1
	}
	in, _ := source.Load(fsys)
	for _, p := range in.Pages {
		pid := p.ID
		if pid == "" {
			pid = strings.ReplaceAll(strings.Trim(p.URL, "/"), "/", "-")
		}
		if pid == id {
			fmt.Fprintf(m.Stderr, "handbook new: the page %s already has the id %q: choose a different title\n", p.File, id)
			return 1
		}
	}
	data := scaffold(kind, title, id, today, in)

	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		fmt.Fprintf(m.Stderr, "handbook new: %v\n", err)
		return 1
	}
	f, err := os.OpenFile(full, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		fmt.Fprintf(m.Stderr, "handbook new: %s already exists: it was not changed (choose a different title, or edit that file)\n", full)
		return 1
	}
	if err != nil {
		fmt.Fprintf(m.Stderr, "handbook new: %v\n", err)
		return 1
	}
	_, werr := f.Write(data)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(full)
		fmt.Fprintf(m.Stderr, "handbook new: %v\n", werr)
		return 1
	}
	fmt.Fprintln(m.Stdout, full)
	fmt.Fprintf(m.Stderr, "Created a draft %s. Replace every TODO, preview it with \"handbook serve\", and set status: published when it is approved.\n", kindLabel(kind))
	return 0
}

func kindLabel(kind string) string {
	if kind == "page" {
		return "page"
	}
	return kind + " page"
}

// parseInterleaved parses flags that may come before, between or after the
// other arguments ("new briefing Online safety -s site"), which the flag
// package alone does not allow.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// q quotes s as a YAML (JSON) string.
func q(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSpace(b.String())
}

// scaffold writes the front matter and a starting body for a new page.
// What the editor must write is marked TODO, which `handbook check`
// reports until it is replaced; everything else passes the build.
func scaffold(kind, title, id string, today time.Time, in *site.Input) []byte {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w("---")
	w("title: %s", q(title))
	w("summary: %s", q("TODO: one sentence, up to 160 characters, saying what this page is for."))
	w("id: %s", id)
	if kind != "page" {
		w("type: %s", kind)
	}
	w("status: draft")
	w("owner: %s", q("TODO: the team or group that owns this page"))
	w("approved_by: %s", q("TODO: the group that approved it"))
	w("last_reviewed: %s", today.Format("2006-01-02"))
	w("next_review: %s", today.AddDate(1, 0, 0).Format("2006-01-02"))
	w("audience: [practitioner]")
	switch kind {
	case site.TypeArrangement:
		n := nextNumber(in, func(p *site.Page) (int, bool) {
			if p.Arrangement == nil {
				return 0, false
			}
			v, err := strconv.Atoi(p.Arrangement.Section)
			return v, err == nil
		})
		w("weight: %d", n*10)
		w("# The section number of the arrangements this page is.")
		w("section: %s", q(strconv.Itoa(n)))
		w("requirement: %s", q("TODO: the statutory requirement this section meets, e.g. Working Together to Safeguard Children 2023"))
	case site.TypeThreshold:
		n := nextNumber(in, func(p *site.Page) (int, bool) {
			if p.Threshold == nil {
				return 0, false
			}
			return p.Threshold.Level, true
		})
		level, label := thresholdTitle(title)
		if level == 0 {
			level = n
		}
		w("weight: %d", level*10)
		w("level: %d", level)
		w("label: %s", q(label))
		w("response: %s", q("TODO: what happens at this level, and who leads it"))
		w("legal_basis: %s", q("TODO: e.g. Children Act 1989 s17"))
		if route := defaultRoute(in.Contacts); route != "" {
			w("# route is the id of the service to contact at this level, from data/contacts.yaml.")
			w("route: %s", route)
		} else {
			w("# route must be the id of a contact in data/contacts.yaml: add the service there, then put its id here.")
			w("route: \"\"")
		}
		w("indicators:")
		for _, d := range []string{"child_development", "parenting_capacity", "family_environment"} {
			w("  %s:", d)
			w("    - %s", q("TODO: a sign of need at this level"))
		}
	case site.TypeBriefing:
		w("themes: []")
		w("source: %s", q("TODO: the review, audit or guidance this briefing comes from"))
		w("# A 7-minute briefing has exactly seven boxes. Each body is Markdown.")
		w("boxes:")
		for _, h := range []string{"Background", "Why it matters", "What to look for", "What to think about", "Learning", "What to do", "Find out more"} {
			w("  - heading: %s", h)
			w("    body: |")
			w("      TODO: write this box in a few short sentences.")
		}
		w("questions:")
		w("  - %s", q("TODO: a question for teams to discuss"))
		w("# Ids of related procedure pages, e.g. [escalation].")
		w("procedures: []")
	case site.TypeProcedure:
		w("chapter: %s", q("TODO"))
		w("scope: %s", q("TODO: who and what this procedure applies to"))
		w("# Escalation stages, if the procedure has any; remove stages if not.")
		w("stages:")
		w("  - who: %s", q("TODO: who acts at this stage"))
		w("    timescale: %s", q("TODO: how quickly"))
		w("    action: %s", q("TODO: what they do"))
		w("# Threshold levels this procedure relates to, e.g. [3, 4].")
		w("levels: []")
		w("# Ids of contacts from data/contacts.yaml, e.g. [mash].")
		w("contacts: []")
	case site.TypeReport:
		start := financialYearStart(today).AddDate(-1, 0, 0)
		w("period_start: %s", start.Format("2006-01-02"))
		w("period_end: %s", start.AddDate(1, 0, -1).Format("2006-01-02"))
		w("# Tables of figures; chart: bar draws one as a chart. Example:")
		w("# tables:")
		w("#   - id: referrals")
		w("#     caption: Referrals to children's social care")
		w("#     unit: referrals")
		w("#     columns: [Quarter, Referrals]")
		w("#     rows:")
		w("#       - [Q1, 100]")
		w("#     source: Where the figures come from")
		w("#     chart: bar")
		w("tables: []")
	}
	w("---")
	w("")
	switch kind {
	case site.TypeBriefing:
		w("TODO: an introduction of one or two sentences, or delete this line: the seven boxes above are the briefing.")
	case site.TypeThreshold:
		w("TODO: describe this level of need in plain words: who the children are and what help they need.")
	default:
		w("TODO: write the page here in plain language. Start sections with ## headings, like the one below.")
		w("")
		w("## What you need to do")
		w("")
		w("TODO: the steps practitioners should take.")
	}
	return []byte(b.String())
}

// nextNumber returns one more than the highest number num finds in the
// site's pages (1 when none has one).
func nextNumber(in *site.Input, num func(*site.Page) (int, bool)) int {
	n := 0
	for _, p := range in.Pages {
		if v, ok := num(p); ok && v > n {
			n = v
		}
	}
	return n + 1
}

// defaultRoute picks the contact a new threshold page points to: the
// MASH, the single front door, when there is one.
func defaultRoute(contacts []site.Contact) string {
	for _, c := range contacts {
		if c.ID == "mash" {
			return c.ID
		}
	}
	if len(contacts) > 0 {
		return contacts[0].ID
	}
	return ""
}

// financialYearStart returns 1 April of the financial year holding t.
func financialYearStart(t time.Time) time.Time {
	y := t.Year()
	if t.Month() < time.April {
		y--
	}
	return time.Date(y, time.April, 1, 0, 0, 0, 0, time.UTC)
}

// levelTitle matches a threshold title that names its level, such as
// "Level 4: Acute" or "Level 4 - Acute".
var levelTitle = regexp.MustCompile(`(?i)^level\s+(\d+)\s*(?:[:–—-]\s*(.*))?$`)

// thresholdTitle splits a title that names its level into the level and
// the label readers see beside it ("Level 4: Acute" gives 4 and "Acute"),
// so that the label does not repeat the level. Otherwise it returns 0 and
// the whole title.
func thresholdTitle(title string) (level int, label string) {
	m := levelTitle.FindStringSubmatch(title)
	if m == nil {
		return 0, title
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n <= 0 {
		return 0, title
	}
	if label = strings.TrimSpace(m[2]); label == "" {
		label = title
	}
	return n, label
}
