package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/site"
)

// Main is the program, shared by main and the tests.
type Main struct {
	Stdout io.Writer
	Stderr io.Writer
}

const usage = `handbook builds a safeguarding partnership's handbook as a static website.

Usage:
  handbook build [-s SITE_DIR] [-o OUT_DIR] [--base-url URL] [--force]
  handbook serve [-s SITE_DIR] [--addr 127.0.0.1:1313]   preview the site as you edit it
  handbook check [-s SITE_DIR] [--format text|json]       find mistakes before publishing
                 [--since REF]                          and changes since REF without a Change-Note
  handbook new TYPE TITLE [-s SITE_DIR]                   start a new page (TYPE: arrangement,
                                                          threshold, briefing, procedure, report, page)
  handbook search [-o OUT_DIR] [--json] [--type T] QUERY  search the built site
  handbook edition add NAME [--label L] [--ref TAG]       keep an edition from a git tag (by default,
                   [--effective-from DATE]                tag the site as it is now edition-NAME)
  handbook version                                        print the version

Run "handbook COMMAND -h" for the options of a command.
`

// Run runs the command in args and returns the exit status.
func (m *Main) Run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "build":
		return m.build(ctx, rest)
	case "serve":
		return m.serve(ctx, rest)
	case "check":
		return m.check(ctx, rest)
	case "new":
		return m.newPage(ctx, rest)
	case "search":
		return m.search(ctx, rest)
	case "edition":
		return m.edition(ctx, rest)
	case "version", "--version":
		return m.version(rest)
	case "help", "-h", "--help":
		fmt.Fprint(m.Stdout, usage)
		return 0
	}
	fmt.Fprintf(m.Stderr, "handbook: unknown command %q\n\n%s", cmd, usage)
	return 2
}

func (m *Main) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("handbook "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	return fs
}

func (m *Main) build(ctx context.Context, args []string) int {
	fs := m.flags("build")
	siteDir := fs.String("s", ".", "site folder holding handbook.yaml, content/ and data/")
	outDir := fs.String("o", "public", "output folder; replaced only when the build succeeds")
	baseURL := fs.String("base-url", "", "the site's public URL, e.g. https://procedures.example.org/ (overrides handbook.yaml)")
	drafts := fs.Bool("drafts", false, "include draft pages")
	force := fs.Bool("force", false, "replace the output folder even when it is not an earlier handbook build (everything in it is deleted)")
	cacheDir := fs.String("cache", "", "folder that keeps work between builds, e.g. a CI cache: earlier page versions and their diffs, and a record of the last build, so that a build that would change nothing is skipped; never inside the output folder")
	production := fs.Bool("production", os.Getenv("CONTEXT") == "production", "the build publishes the live site: pages with placeholder text are refused (default: true when CONTEXT=production, as on Netlify)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(m.Stderr, "handbook build: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	start := time.Now()
	var cache *build.Cache
	if *cacheDir != "" {
		var err error
		if cache, err = openBuildCache(*cacheDir, *siteDir, *outDir); err != nil {
			fmt.Fprintf(m.Stderr, "handbook build: %v\n", err)
			return 2
		}
	}
	// Pages are written as they render, into a folder beside the output
	// that replaces it only when all is done. Ctrl+C stops the build at
	// once and leaves the output as it was; one that comes while the new
	// site is being swapped in waits for the swap.
	res, err := build.BuildTo(ctx, build.Options{SiteDir: *siteDir, BaseURL: *baseURL, Drafts: *drafts, Force: *force, Publishing: true, Production: *production, Cache: cache}, *outDir)
	if errors.Is(err, build.ErrInterrupted) {
		fmt.Fprintf(m.Stderr, "build interrupted: %s was not changed\n", *outDir)
		return 1
	}
	if res != nil {
		m.printDiags(res.Diags)
	}
	if err != nil {
		var be *diag.BuildError
		if !errors.As(err, &be) {
			fmt.Fprintf(m.Stderr, "handbook build: %v\n", err)
		}
		if refusedPlaceholders(res) {
			fmt.Fprintf(m.Stderr, "production build refused: published pages still have placeholder text; %s was not changed\n", *outDir)
		} else {
			fmt.Fprintf(m.Stderr, "build failed: %s was not changed\n", *outDir)
		}
		return 1
	}
	if res.Unchanged {
		fmt.Fprintf(m.Stdout, "nothing changed since the last build of %d pages (%d files) into %s: checked in %s\n", res.Pages, res.Written, *outDir, time.Since(start).Round(time.Millisecond))
		return 0
	}
	if cache != nil {
		if err := cache.Save(); err != nil {
			fmt.Fprintf(m.Stderr, "handbook build: the site was built, but the cache could not be kept in %s: %v\n", *cacheDir, err)
		}
	}
	fmt.Fprintf(m.Stdout, "built %d pages (%d files) into %s in %s\n", len(res.Site.Pages), res.Written, *outDir, time.Since(start).Round(time.Millisecond))
	return 0
}

// openBuildCache opens the cache folder of handbook build --cache. It
// refuses one inside the output folder, which is published: the cache
// holds the text of earlier versions of pages, redacted passages too.
func openBuildCache(cacheDir, siteDir, outDir string) (*build.Cache, error) {
	out, err := filepath.Abs(outDir)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(cacheDir)
	if err != nil {
		return nil, err
	}
	if rel, err := filepath.Rel(out, abs); err == nil && (rel == "." || filepath.IsLocal(rel)) {
		return nil, fmt.Errorf("--cache %s is inside the output folder %s, which is published: keep the cache beside it", cacheDir, outDir)
	}
	return build.OpenCache(cacheDir, siteDir)
}

// printDiags prints every diagnostic as "file:line: severity: message".
func (m *Main) printDiags(d *diag.List) {
	for _, x := range d.Sorted() {
		fmt.Fprintln(m.Stderr, x.String())
	}
	if e, w := d.Count(); e+w > 0 {
		fmt.Fprintf(m.Stderr, "%s, %s\n", plural(e, "error"), plural(w, "warning"))
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// refusedPlaceholders reports whether a production build was refused for
// placeholder text left on published pages.
func refusedPlaceholders(res *build.Result) bool {
	if res == nil {
		return false
	}
	for _, d := range res.Diags.Sorted() {
		if d.Check == site.CheckPlaceholder && d.Severity == diag.Error {
			return true
		}
	}
	return false
}
