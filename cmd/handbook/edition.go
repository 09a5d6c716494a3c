package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing/fstest"

	"go.yaml.in/yaml/v3"

	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/editions"
	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/build/source"
)

const editionUsage = `Usage: handbook edition add NAME [--label LABEL] [--effective-from YYYY-MM-DD] [--ref REF] [-s SITE_DIR]

Adds a published edition to handbook.yaml, read from a git tag, in one step.

Without --ref it keeps the site as it is now: it tags the last commit
edition-NAME (content/ must have no uncommitted changes) and lists that tag
as an archived edition, with the current edition's label and effective_from
unless you give others. Then change content/ for the new edition and give
the first edition in handbook.yaml its new label and effective_from.

With --ref it lists an existing tag (or commit) as an edition.

Either way, push the tag (git push origin TAG) and commit handbook.yaml:
CI and Netlify build from a fresh clone, which has only what was pushed.

`

func (m *Main) edition(_ context.Context, args []string) int {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprint(m.Stderr, editionUsage)
		return 2
	}
	flags := m.flags("edition add")
	siteDir := flags.String("s", ".", "site folder holding handbook.yaml, content/ and data/")
	label := flags.String("label", "", "what readers see, such as \"Working Together 2023\"")
	from := flags.String("effective-from", "", "the day the edition came into force (YYYY-MM-DD)")
	ref := flags.String("ref", "", "an existing git tag or commit to read the edition's content/ from; default: tag the last commit edition-NAME")
	flags.Usage = func() {
		fmt.Fprint(m.Stderr, editionUsage)
		flags.PrintDefaults()
	}
	pos, err := parseInterleaved(flags, args[1:])
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		flags.Usage()
		return 2
	}
	e := site.Edition{Name: pos[0], Label: strings.TrimSpace(*label), Ref: *ref}
	fail := func(format string, args ...any) int {
		fmt.Fprintf(m.Stderr, "handbook edition add: "+format+"\n", args...)
		return 1
	}
	if !editions.ValidName(e.Name) {
		return fail("%q cannot name an edition: it is part of the address /v/NAME/, so use lower-case letters, digits, dots and hyphens, such as 2023", e.Name)
	}
	if *from != "" {
		d, err := site.ParseDate(*from)
		if err != nil {
			return fail("--effective-from: %v", err)
		}
		e.EffectiveFrom = d
	}
	yamlPath := filepath.Join(*siteDir, "handbook.yaml")
	data, err := os.ReadFile(yamlPath)
	if err != nil {
		return fail("%v (run it in the site folder, or give it with -s)", err)
	}
	sfs, err := source.Open(*siteDir)
	if err != nil {
		return fail("site folder %s: %v", *siteDir, err)
	}
	in, diags := source.Load(sfs)
	for _, d := range diags.Sorted() {
		if d.File == "handbook.yaml" && d.Severity == diag.Error {
			return fail("handbook.yaml has an error; fix it first:\n%s", d)
		}
	}
	cfg := in.Config.Editions
	for _, x := range cfg {
		if x.Name == e.Name {
			return fail("handbook.yaml already has an edition called %s", e.Name)
		}
	}
	git := func(args ...string) (string, error) {
		cmd := exec.Command("git", append([]string{"-C", *siteDir}, args...)...)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(errOut.String()))
		}
		return strings.TrimSpace(out.String()), nil
	}
	if _, err := git("rev-parse", "--git-dir"); err != nil {
		return fail("%s is not in a git repository: an edition from a tag needs the site's history in git", *siteDir)
	}
	tagged := e.Ref == ""
	if tagged {
		e.Ref = "edition-" + e.Name
		if len(cfg) > 0 {
			// The site as it is now is the current edition's content.
			if e.Label == "" {
				e.Label = cfg[0].Label
			}
			if !e.EffectiveFrom.Set() {
				e.EffectiveFrom = cfg[0].EffectiveFrom
			}
		}
		if out, err := git("status", "--porcelain", "--", "content"); err != nil {
			return fail("%v", err)
		} else if out != "" {
			return fail("content/ has changes that are not committed, and the tag would not hold them: commit them first (git status shows them)")
		}
		if _, err := git("rev-parse", "--verify", "--quiet", "refs/tags/"+e.Ref); err == nil {
			return fail("the tag %s already exists: give it with --ref %s to list it, or choose another name", e.Ref, e.Ref)
		}
	}
	target := e.Ref
	if tagged {
		target = "HEAD"
	}
	if _, err := git("rev-parse", "--verify", "--quiet", target+"^{commit}"); err != nil {
		if tagged {
			return fail("the repository has no commit to tag yet: commit content/ first")
		}
		return fail("git does not know %s: give a tag, branch or commit of this repository (git fetch --tags first if it was made elsewhere)", e.Ref)
	}
	if !tagged {
		if _, err := git("cat-file", "-e", e.Ref+":./content"); err != nil {
			return fail("%s has no content/ folder beside handbook.yaml: an edition is read from content/ at that ref", e.Ref)
		}
	}
	updated, err := addEdition(data, e, len(cfg) == 0)
	if err != nil {
		return fail("%v", err)
	}
	// Check the new handbook.yaml as the build will read it before
	// touching anything.
	check, diags := source.Load(overlay{sfs, updated})
	for _, d := range diags.Sorted() {
		if d.File == "handbook.yaml" && d.Severity == diag.Error {
			return fail("the edition would make handbook.yaml wrong, so nothing was changed: %s", d)
		}
	}
	if n := len(check.Config.Editions); n != len(cfg)+1+btoi(len(cfg) == 0) {
		return fail("the edition was not added as expected (%d editions read back), so nothing was changed", n)
	}
	if tagged {
		if _, err := git("tag", e.Ref, "HEAD"); err != nil {
			return fail("%v", err)
		}
	}
	if err := os.WriteFile(yamlPath, updated, 0o644); err != nil {
		if tagged {
			git("tag", "-d", e.Ref)
		}
		return fail("%v", err)
	}
	if tagged {
		fmt.Fprintf(m.Stdout, "tagged the last commit %s\n", e.Ref)
	}
	fmt.Fprintf(m.Stdout, "added the edition %s (ref: %s) to %s\n", e.Name, e.Ref, yamlPath)
	fmt.Fprintf(m.Stderr, "Next:\n  git push origin %s      so that CI and Netlify can read the edition\n  git commit %s\n", e.Ref, yamlPath)
	if tagged {
		fmt.Fprintf(m.Stderr, "Then change content/ for the new edition, and give the first edition in handbook.yaml its new label and effective_from.\n")
	}
	return 0
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// addEdition returns handbook.yaml (data) with the edition e listed just
// after the first edition (the current site): editions are listed newest
// first. Comments and layout are kept: the lines are inserted as text.
// With noneYet, handbook.yaml lists no editions, and an editions: list is
// added with the current site first.
func addEdition(data []byte, e site.Edition, noneYet bool) ([]byte, error) {
	item := func(indent string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "%s- name: %s\n", indent, strconv.Quote(e.Name))
		if e.Label != "" {
			fmt.Fprintf(&b, "%s  label: %s\n", indent, strconv.Quote(e.Label))
		}
		if e.EffectiveFrom.Set() {
			fmt.Fprintf(&b, "%s  effective_from: %s\n", indent, e.EffectiveFrom.ISO())
		}
		fmt.Fprintf(&b, "%s  ref: %s\n", indent, strconv.Quote(e.Ref))
		return b.String()
	}
	text := string(data)
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	var top yaml.Node
	if err := yaml.Unmarshal([]byte(text), &top); err != nil {
		return nil, fmt.Errorf("handbook.yaml: %v", err)
	}
	var seq *yaml.Node
	if len(top.Content) == 1 && top.Content[0].Kind == yaml.MappingNode {
		m := top.Content[0]
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == "editions" {
				seq = m.Content[i+1]
			}
		}
	}
	if noneYet || seq == nil || seq.Kind != yaml.SequenceNode || len(seq.Content) == 0 {
		if seq != nil && seq.Kind == yaml.SequenceNode && len(seq.Content) > 0 {
			return nil, fmt.Errorf("handbook.yaml lists editions that could not be read")
		}
		if seq != nil {
			return nil, fmt.Errorf("handbook.yaml:%d: editions is not a list of editions: correct it, or remove it, first", seq.Line)
		}
		return []byte(text + "\n# Published editions, newest first; the first is the current site (see docs/history.md).\neditions:\n  - name: current\n    label: Current edition\n" + item("  ")), nil
	}
	lines := strings.SplitAfter(text, "\n")
	first := seq.Content[0]
	dash := first.Column - 3 // the column of "- " before the item's first key, from 0
	if dash < 0 {
		dash = 0
	}
	var at int // the line the new item goes before, from 0
	if len(seq.Content) > 1 {
		// Before the second item and the comments just above it.
		at = seq.Content[1].Line - 1
		for at > first.Line && strings.HasPrefix(strings.TrimSpace(lines[at-1]), "#") {
			at--
		}
	} else {
		// After the first item's last line: the first later line that is
		// not blank or a comment and is indented no deeper than its dash.
		last := first.Line - 1
		for i := first.Line; i < len(lines); i++ {
			l := strings.TrimRight(lines[i], "\r\n")
			t := strings.TrimSpace(l)
			if t == "" || strings.HasPrefix(t, "#") {
				continue
			}
			if len(l)-len(strings.TrimLeft(l, " ")) <= dash {
				break
			}
			last = i
		}
		at = last + 1
	}
	out := strings.Join(lines[:at], "") + item(strings.Repeat(" ", dash)) + strings.Join(lines[at:], "")
	return []byte(out), nil
}

// overlay is the site folder with handbook.yaml replaced.
type overlay struct {
	fs.FS
	config []byte
}

func (o overlay) Open(name string) (fs.File, error) {
	if name == "handbook.yaml" {
		return fstest.MapFS{name: {Data: o.config}}.Open(name)
	}
	return o.FS.Open(name)
}
