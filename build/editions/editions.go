// Package editions builds the published editions of the site that
// handbook.yaml declares besides the current one: each from its folder
// (dir) or from a git ref, as a site of its own under /v/<name>/, with the
// dates that make it archived or upcoming and its comparison with the
// current edition. It reads the model and the git log it is given; it
// never runs git itself.
package editions

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/history"
	"github.com/rscp/handbook/build/output"
	"github.com/rscp/handbook/build/render"
	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/build/source"
)

// Edition is one edition of the site as the pipeline builds it.
type Edition struct {
	Info *render.EditionInfo
	// Compare is its comparison with the current edition; nil for the
	// current one.
	Compare *render.Comparison
	content fs.FS  // where its content folder is
	dir     string // the content folder inside content
}

// Input is what the editions are built from.
type Input struct {
	FS fs.FS // the site folder: handbook.yaml and the dir editions
	// Site is the current site's input: its settings, Markdown converter,
	// glossary and contacts, which every edition shares.
	Site    *site.Input
	Current *site.Site // the current site, built from content/
	// AddThemePages adds the theme's default pages to an edition's input.
	AddThemePages func(*site.Input, *diag.List)
	Git           *history.Log // the site's git history; nil without one
	// GitMissing says there is no git history: editions read from git are
	// then left out (Build returns their names) instead of being errors.
	GitMissing bool
	Drafts     bool      // build draft pages too
	Now        time.Time // the build's date: it decides which editions are upcoming
	Diffs      *history.DiffCache
}

var editionName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// ValidName reports whether name may name an edition: it is part of the
// edition's address, /v/<name>/.
func ValidName(name string) bool { return editionName.MatchString(name) }

// Build builds the model of every edition declared in handbook.yaml
// besides the current one. The first edition is the current
// site, built from content/ at the root; every other is built from its
// dir, or from its ref with one git archive, under /v/<name>/. It returns
// every edition (the current one first; nil when handbook.yaml declares
// none) and the names of editions left out because git could not give
// them.
func Build(x Input, diags *diag.List) (eds []*Edition, skipped []string) {
	fsys, in, cur, now := x.FS, x.Site, x.Current, x.Now
	cfg := in.Config.Editions
	if len(cfg) == 0 {
		return nil, nil
	}
	first := cfg[0]
	if first.Ref != "" || first.Dir != "" {
		diags.Warnf("handbook.yaml", editionLine(fsys, first.Name), "the first edition (%s) is the current site, built from content/: its ref and dir are ignored", first.Name)
	}
	current := &Edition{Info: &render.EditionInfo{Name: first.Name, Label: labelOf(first), From: first.EffectiveFrom, Current: true, Site: cur}}
	eds = append(eds, current)
	seen := map[string]bool{first.Name: true}
	// newest is the latest date of the editions in force listed so far:
	// editions are listed newest first, so an edition in force with a
	// later date is newer than one listed before it.
	newest := first.EffectiveFrom
	for _, e := range cfg[1:] {
		line := editionLine(fsys, e.Name)
		switch {
		case !editionName.MatchString(e.Name):
			diags.Errorf("handbook.yaml", line, "edition name %q must be lower-case letters, digits, dots and hyphens: it is part of the address /v/<name>/", e.Name)
			continue
		case seen[e.Name]:
			diags.Errorf("handbook.yaml", line, "edition name %q is used twice", e.Name)
			continue
		case (e.Ref == "") == (e.Dir == ""):
			diags.Errorf("handbook.yaml", line, "edition %q needs either ref (a git tag, branch or commit) or dir (a folder holding its content), not both or neither", e.Name)
			continue
		}
		seen[e.Name] = true
		for _, p := range cur.Pages {
			if strings.HasPrefix(p.URL, "/v/"+e.Name+"/") {
				diags.Errorf(p.File, 1, "the address %s is where the %s edition is built: move this page", p.URL, e.Name)
			}
		}
		ed := &Edition{Info: &render.EditionInfo{Name: e.Name, Label: labelOf(e), From: e.EffectiveFrom, Upcoming: render.Upcoming(e.EffectiveFrom, now)}}
		if !ed.Info.Upcoming && e.EffectiveFrom.Set() && newest.Set() && e.EffectiveFrom.After(newest.Time) {
			// In force, and newer than an edition listed before it (the
			// current one, or one already archived): it came into force
			// after the build that showed it as upcoming. The site should
			// have made it current; until it does, it stays marked as the
			// next edition, saying that it is in force.
			ed.Info.Upcoming, ed.Info.Overdue = true, true
			msg := fmt.Sprintf("edition %q came into force on %s: make it the current edition (its content in content/, listed first) so that the site shows it as current", e.Name, e.EffectiveFrom)
			if !first.EffectiveFrom.Set() {
				msg += fmt.Sprintf("; give the current edition (%s) an effective_from date too, so that the order of the editions is never in doubt", first.Name)
			}
			diags.Warnf("handbook.yaml", line, "%s", msg)
		} else if !ed.Info.Upcoming && e.EffectiveFrom.After(newest.Time) {
			newest = e.EffectiveFrom
		}
		var pages []*site.Page
		var d *diag.List
		if e.Dir != "" {
			dir := path.Clean(strings.Trim(e.Dir, "/"))
			if !fs.ValidPath(dir) || dir == "." {
				diags.Errorf("handbook.yaml", line, "edition %q: dir %s must be a folder inside the site folder, like editions/%s", e.Name, e.Dir, e.Name)
				continue
			}
			if st, err := fs.Stat(fsys, dir); err != nil || !st.IsDir() {
				var out *source.OutsideError
				if errors.As(err, &out) {
					diags.Errorf("handbook.yaml", line, "edition %q: %v", e.Name, err)
				} else {
					diags.Errorf("handbook.yaml", line, "edition %q: the folder %s does not exist", e.Name, e.Dir)
				}
				continue
			}
			ed.content, ed.dir = fsys, dir
			pages, d = source.LoadContent(fsys, dir, in.Markdown)
		} else {
			tree, err := editionTree(x.Git, x.GitMissing, e.Ref)
			if err != nil {
				if x.GitMissing {
					skipped = append(skipped, e.Name)
				} else {
					diags.Errorf("handbook.yaml", line, "edition %q: cannot read ref %s: %v. %s", e.Name, e.Ref, err, refAdvice(e.Ref))
				}
				continue
			}
			ed.content, ed.dir = tree, "content"
			pages, d = source.LoadContent(tree, "content", in.Markdown)
			d = atRef(d, e.Ref)
		}
		diags.Merge(d)
		// An edition shares the current data/: a phone number is kept in
		// one place, and an old edition never shows a number that has
		// changed since.
		ein := &site.Input{Config: in.Config, Markdown: in.Markdown, Pages: pages, Glossary: in.Glossary, Contacts: in.Contacts,
			Assets: editionAssets(ed, e.Ref, diags)}
		x.AddThemePages(ein, diags)
		es, d := site.New(ein, site.Options{Drafts: x.Drafts, Prefix: "v/" + e.Name + "/"})
		if e.Ref != "" {
			d = atRef(d, e.Ref)
		}
		diags.Merge(d)
		for _, u := range []string{"/compare/"} {
			if p := es.ByURL[u]; p != nil {
				diags.Errorf(p.File, 1, "the address %s of the %s edition is its compare page: move this page", u, e.Name)
			}
		}
		ed.Info.Site = es
		eds = append(eds, ed)
	}
	if !first.EffectiveFrom.Set() {
		for _, ed := range eds[1:] {
			if ed.Info.Upcoming && !ed.Info.Overdue {
				diags.Warnf("handbook.yaml", editionLine(fsys, first.Name), "the current edition (%s) has no effective_from, and the %s edition comes into force on %s: give the current edition the date it came into force, so that once %s is in force the build can tell it is newer and not an archived edition", first.Name, ed.Info.Name, ed.Info.From, ed.Info.Name)
				break
			}
		}
	}
	// An archived edition was in force until the next newer one (listed
	// before it) that is not upcoming.
	var newer *render.EditionInfo
	for _, ed := range eds {
		if ed.Info.Upcoming {
			continue
		}
		if newer != nil && !ed.Info.Current {
			ed.Info.Next = newer
			if !ed.Info.From.Set() || !newer.From.Before(ed.Info.From.Time) {
				ed.Info.Until = newer.From
			}
		}
		newer = ed.Info
	}
	for _, ed := range eds[1:] {
		if ed.Info.Upcoming {
			ed.Compare = render.Compare(current.Info, ed.Info, x.Diffs)
		} else {
			ed.Compare = render.Compare(ed.Info, current.Info, x.Diffs)
		}
	}
	return eds, skipped
}

func labelOf(e site.Edition) string {
	if e.Label != "" {
		return e.Label
	}
	return e.Name
}

// Infos returns the editions for render.
func Infos(eds []*Edition) []*render.EditionInfo {
	var out []*render.EditionInfo
	for _, e := range eds {
		out = append(out, e.Info)
	}
	return out
}

// UpcomingNotices lists, by page id, the current pages that upcoming
// editions change.
func UpcomingNotices(eds []*Edition) map[string][]render.Notice {
	var cmps []*render.Comparison
	for _, e := range eds {
		if e.Info.Upcoming && e.Compare != nil {
			cmps = append(cmps, e.Compare)
		}
	}
	return render.Changes(cmps)
}

// Render renders every edition but the current one under /v/<name>/,
// with the files of its content folder. now is the date of the build.
func Render(theme *render.Theme, eds []*Edition, now time.Time, diags *diag.List) ([]output.File, error) {
	var files []output.File
	all := Infos(eds)
	for _, e := range eds {
		if e.Info.Current {
			continue
		}
		out, err := theme.Render(e.Info.Site, &render.Versions{Now: now, Edition: e.Info, Editions: all, Compare: e.Compare})
		if err != nil {
			return nil, fmt.Errorf("edition %s: %w", e.Info.Name, err)
		}
		prefix := "v/" + e.Info.Name + "/"
		for _, a := range e.Info.Site.Assets {
			b, err := fs.ReadFile(e.content, e.dir+"/"+a)
			if err != nil {
				diags.Errorf(e.dir+"/"+a, 0, "cannot read: %v", err)
				continue
			}
			out = append(out, output.File{Path: a, Data: b})
		}
		for _, f := range out {
			files = append(files, output.File{Path: prefix + f.Path, Data: f.Data})
		}
	}
	return files, nil
}

// editionAssets lists the files an edition publishes beside its pages. A
// file that may not be published is left out; in an edition read from git
// that is a warning, as old commits cannot be changed.
func editionAssets(ed *Edition, ref string, diags *diag.List) []string {
	if ref == "" {
		return source.Assets(ed.content, ed.dir, diags)
	}
	var d diag.List
	assets := source.Assets(ed.content, ed.dir, &d)
	for _, x := range atRef(&d, ref).Sorted() {
		if x.Severity == diag.Error {
			x.Severity = diag.Warning
			x.Message += " (the file is left out of this edition)"
		}
		diags.Add(x)
	}
	return assets
}

// atRef names the files of diagnostics as "<ref>:content/x.md", so that
// an editor knows the problem is in the edition read from git.
func atRef(d *diag.List, ref string) *diag.List {
	var out diag.List
	for _, x := range d.Sorted() {
		if x.File != "" {
			x.File = ref + ":" + x.File
		}
		out.Add(x)
	}
	return &out
}

// editionLine finds the line of handbook.yaml that names an edition.
func editionLine(fsys fs.FS, name string) int {
	b, err := fs.ReadFile(fsys, "handbook.yaml")
	if err != nil {
		return 0
	}
	for i, l := range bytes.Split(b, []byte("\n")) {
		t := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(string(l)), "-"))
		if v, ok := strings.CutPrefix(t, "name:"); ok && strings.Trim(strings.TrimSpace(v), `"'`) == name {
			return i + 1
		}
	}
	return 0
}

// editionTree reads the files of the site at ref. A branch made in another
// clone is, in a fresh clone (CI, Netlify), only origin's copy of it: that
// is used when ref itself is not there.
func editionTree(log *history.Log, missing bool, ref string) (fs.FS, error) {
	tree, err := log.Tree(ref)
	if err == nil || missing {
		return tree, err
	}
	if t, err2 := log.Tree("refs/remotes/origin/" + ref); err2 == nil {
		return t, nil
	}
	return nil, err
}

// refAdvice says how to make a ref readable wherever the site is built.
func refAdvice(ref string) string {
	return fmt.Sprintf("A ref must be in the clone that builds the site: CI and Netlify clone the repository afresh, with its tags and (through scripts/netlify-build.sh and the workflows) its branches, but not what is only on your computer. "+
		"Use a tag, pushed: git tag edition-name COMMIT && git push origin edition-name, then ref: edition-name (handbook edition add does both steps in handbook.yaml); "+
		"or, for a branch, git push origin %s", ref)
}
