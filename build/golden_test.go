package build_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/history/historytest"
)

var update = flag.Bool("update", false, "rewrite testdata/defaultsite.sha256 from this build")

// goldenManifest lists the sha256 of every file of the default site,
// built as TestDefaultSiteOutput builds it.
const goldenManifest = "testdata/defaultsite.sha256"

// TestDefaultSiteOutput builds the repository's own content with a git
// history and a build date that never change, and compares every output
// file, byte for byte (by sha256), with testdata/defaultsite.sha256. A
// change to the code that is not meant to change what readers get (a
// refactoring) must leave it as it is. A change that is meant to change the
// site fails here too: look at the files it names, and when they are what
// you meant, run
//
//	go test ./build -run TestDefaultSiteOutput -update
//
// and commit the manifest with the change.
//
// The history is fixed: every file committed on one day, then a page
// changed with a change note, a page moved with git mv, and an edition
// read from a git tag, so page histories, the amendments log, feeds,
// redirects of moved pages and editions from git are all in the output.
func TestDefaultSiteOutput(t *testing.T) {
	got := buildGoldenSite(t)
	if *update {
		var b strings.Builder
		for _, p := range slices.Sorted(maps.Keys(got)) {
			fmt.Fprintf(&b, "%s  %s\n", got[p], p)
		}
		if err := os.WriteFile(goldenManifest, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := readManifest(t)
	var diffs []string
	for p, sum := range want {
		switch g, ok := got[p]; {
		case !ok:
			diffs = append(diffs, "no longer built: "+p)
		case g != sum:
			diffs = append(diffs, "changed: "+p)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			diffs = append(diffs, "new: "+p)
		}
	}
	if len(diffs) > 0 {
		slices.Sort(diffs)
		if len(diffs) > 40 {
			diffs = append(diffs[:40], fmt.Sprintf("… and %d more", len(diffs)-40))
		}
		t.Errorf("the default site's output is not what %s records (%d files differ):\n%s\n\n"+
			"If the change is meant to change the site, check these files and run: go test ./build -run TestDefaultSiteOutput -update",
			goldenManifest, len(diffs), strings.Join(diffs, "\n"))
	}
	if len(want) < 100 {
		t.Errorf("the manifest lists only %d files; the default site has more", len(want))
	}
}

// buildGoldenSite builds the default content in a git repository with a
// fixed history and returns the sha256 of every file, by path.
func buildGoldenSite(t *testing.T) map[string]string {
	t.Helper()
	r := historytest.New(t)
	copyFile(t, filepath.Join("..", "handbook.yaml"), filepath.Join(r.Dir, "handbook.yaml"))
	for _, dir := range []string{"content", "data", "editions"} {
		if err := os.CopyFS(filepath.Join(r.Dir, dir), os.DirFS(filepath.Join("..", dir))); err != nil {
			t.Fatal(err)
		}
	}
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d.Add(10 * time.Hour)
	}
	r.Commit(day("2024-01-10"), "Publish the handbook")
	r.Git("tag", "first-edition")

	esc := filepath.Join(r.Dir, "content", "procedures", "escalation.md")
	b, err := os.ReadFile(esc)
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, "\nIf the disagreement is about a child at immediate risk, call the police on 999 first.\n"...)
	if err := os.WriteFile(esc, b, 0o644); err != nil {
		t.Fatal(err)
	}
	r.Commit(day("2024-03-05"), "Escalation: immediate risk first\n\nChange-Note: Escalation now says to call 999 first when a child is at immediate risk.")
	r.Git("mv", "content/procedures/dangerous-dogs.md", "content/procedures/dogs.md")
	relink(t, filepath.Join(r.Dir, "content"), "dangerous-dogs.md", "dogs.md")
	r.Commit(day("2024-04-01"), "Shorter address for the dangerous dogs procedure")

	cfg := filepath.Join(r.Dir, "handbook.yaml")
	b, err = os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, "  - name: first\n    label: First published edition\n    effective_from: 2019-01-01\n    ref: first-edition\n"...)
	if err := os.WriteFile(cfg, b, 0o644); err != nil {
		t.Fatal(err)
	}

	res, err := build.Build(build.Options{SiteDir: r.Dir, Now: day("2025-06-01")})
	if err != nil {
		t.Fatalf("the default site does not build:\n%v", err)
	}
	for _, d := range res.Diags.Sorted() {
		t.Logf("%s", d)
	}
	out := map[string]string{}
	for _, f := range res.Files {
		sum := sha256.Sum256(f.Data)
		out[f.Path] = hex.EncodeToString(sum[:])
	}
	return out
}

func readManifest(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile(goldenManifest)
	if err != nil {
		t.Fatalf("%v: run go test ./build -run TestDefaultSiteOutput -update to write it", err)
	}
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		sum, p, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("%s: line %q is not \"sha256  path\"", goldenManifest, sc.Text())
		}
		out[p] = sum
	}
	return out
}

// relink replaces links to a moved file in the Markdown under dir.
func relink(t *testing.T, dir, from, to string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".md" {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(b, []byte(from)) {
			return err
		}
		return os.WriteFile(p, bytes.ReplaceAll(b, []byte(from), []byte(to)), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
