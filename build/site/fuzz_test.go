package site

import (
	"bufio"
	"bytes"
	"html"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/markdown"
	"github.com/yuin/goldmark/ast"
)

// fuzzPages is the small site links are resolved against: content path,
// body. The fuzzed links are put on one of them.
var fuzzPages = [][2]string{
	{"_index.md", "# Home\n"},
	{"procedures/_index.md", "# Procedures\n"},
	{"procedures/escalation.md", "# Escalation\n\n## Stage 2\n"},
	{"procedures/draft.md", "# Draft\n"},
	{"guides/deep/page.md", "# Deep\n"},
	{"über uns.md", "# About\n"},
}

// fuzzAssets are the files under content/ that are not pages.
var fuzzAssets = []string{"procedures/flow.pdf", "img/a.png"}

// The body the fuzzed links go into, and the lines they are on.
const (
	fuzzBody        = "## Links\n\n[a](http://placeholder.invalid)\n\n![b](http://placeholder.invalid)\n\n[MASH](contact:mash)\n"
	fuzzLinkLine    = 3
	fuzzImageLine   = 5
	fuzzContactLine = 7
	fuzzBoxOffset   = 100 // line offset of the parsed boxes: 101, 201
)

// fuzzSite builds the pages of fuzzPages, with the links of the page at
// from set to dest: a link and an image set directly, a contact link to
// the id dest, a box whose Markdown links to dest and one that autolinks it.
func fuzzSite(conv *markdown.Converter, dest string, from int, mode uint8) (*Input, *Page) {
	in := &Input{Markdown: conv, Assets: append([]string(nil), fuzzAssets...)}
	in.Config.Title = "Fuzz"
	if mode&1 != 0 {
		in.Config.BaseURL = "https://example.org/handbook/"
	}
	in.Config.Defaults()
	in.Contacts = []Contact{{ID: "mash", Service: "MASH", Phone: "01709 336080", Line: 1}}
	var at *Page
	for i, f := range fuzzPages {
		u, _ := urlForPath(f[0])
		p := &Page{File: "content/" + f[0], Path: f[0], URL: u, IsSection: path.Base(f[0]) == "_index.md",
			Meta: Meta{Title: f[0], Status: StatusPublished}}
		if strings.HasSuffix(f[0], "draft.md") {
			p.Status = StatusDraft
		}
		body := f[1]
		if i == from {
			body = fuzzBody
			at = p
			p.BoxBodies = []*markdown.Doc{
				conv.Parse([]byte("[c]("+dest+")\n"), fuzzBoxOffset),
				conv.Parse([]byte("<"+dest+">\n\n"+dest+"\n"), 2*fuzzBoxOffset), // autolinks
			}
		}
		p.Body = conv.Parse([]byte(body), 0)
		if i == from {
			for _, l := range p.Body.Links {
				l.SetDest(dest)
			}
			for i := range p.Body.Links {
				p.Body.Links[i].Dest = dest
			}
			for _, c := range p.Body.Contacts {
				c.ID = dest
			}
		}
		in.Pages = append(in.Pages, p)
	}
	return in, at
}

// FuzzResolveLinks resolves arbitrary link destinations, on any page of a
// small site, with and without a base path and an edition prefix. The
// model must never panic; a link it accepts must never run code or embed
// data; a relative link to a .md file must resolve to a page of the site,
// under the site's root.
func FuzzResolveLinks(f *testing.F) {
	for _, s := range linkSeeds(f) {
		f.Add(s, uint8(2), uint8(0))
	}
	f.Add("../guides/deep/page.md", uint8(2), uint8(3))
	f.Add("deep/page.md", uint8(4), uint8(2))
	f.Add("../über uns.md", uint8(3), uint8(1))
	conv := markdown.New(markdown.Options{})
	f.Fuzz(func(t *testing.T, dest string, from, mode uint8) {
		in, page := fuzzSite(conv, dest, int(from)%len(fuzzPages), mode)
		opts := Options{Drafts: mode&4 != 0}
		if mode&2 != 0 {
			opts.Prefix = "v/2019/"
		}
		if page.Draft() && !opts.Drafts {
			opts.Drafts = true // the links must be resolved
		}
		s, diags := New(in, opts)
		errLines := map[int]bool{}
		for _, d := range diags.Sorted() {
			if d.Severity == diag.Error && d.File == page.File {
				errLines[d.Line] = true
			}
		}
		pageLinks := map[string]bool{}
		for _, p := range s.Pages {
			pageLinks[s.Link(p.URL)] = true
		}
		for _, doc := range append([]*markdown.Doc{page.Body}, page.BoxBodies...) {
			for _, l := range doc.Links {
				final := destOf(l.Node)
				if errLines[l.Line] {
					continue // the build fails: nothing is published
				}
				if dangerous(final) {
					t.Fatalf("link %q (line %d) on %s: accepted as %q, which runs code or embeds data", l.Dest, l.Line, page.File, final)
				}
				if final != l.Dest && final != "#" && !strings.HasPrefix(final, s.Root()) {
					t.Fatalf("link %q on %s: rewritten to %q, outside the site root %s", l.Dest, page.File, final, s.Root())
				}
				if relativeMD(l.Dest) {
					p, _, _ := strings.Cut(final, "#")
					if !pageLinks[p] {
						t.Fatalf("link %q on %s: resolved to %q, which is not a page of the site %v", l.Dest, page.File, final, pageLinks)
					}
					if clean := strings.TrimSuffix(path.Clean(p), "/") + "/"; clean != p {
						t.Fatalf("link %q on %s: resolved to %q, not a clean path", l.Dest, page.File, final)
					}
				}
			}
		}
		// Whatever the model accepted, the HTML readers get has no link
		// that runs code or embeds data.
	docs:
		for _, doc := range append([]*markdown.Doc{page.Body}, page.BoxBodies...) {
			for line := range errLines {
				if line > doc.LineOffset && line <= doc.LineOffset+fuzzBoxOffset {
					continue docs // the build fails on this part
				}
			}
			var out bytes.Buffer
			if err := conv.Render(&out, doc); err != nil {
				t.Fatalf("render: %v", err)
			}
			for _, m := range attrURL.FindAllSubmatch(out.Bytes(), -1) {
				if u := html.UnescapeString(string(m[2])); dangerous(u) {
					t.Fatalf("link %q on %s: the page has %s=%q\n%s", dest, page.File, m[1], u, out.Bytes())
				}
			}
		}
	})
}

var attrURL = regexp.MustCompile(`(?i)\b(href|src)="([^"]*)"`)

func destOf(n ast.Node) string {
	switch n := n.(type) {
	case *ast.Link:
		return string(n.Destination)
	case *ast.Image:
		return string(n.Destination)
	}
	return ""
}

// dangerous reports whether a browser would treat u as a javascript:,
// vbscript:, data: or file: URL: it drops leading spaces and control
// characters and every tab and newline before it reads the scheme.
func dangerous(u string) bool {
	u = strings.TrimLeftFunc(u, func(r rune) bool { return r <= 0x20 })
	u = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, u)
	u = strings.ToLower(u)
	for _, s := range []string{"javascript:", "vbscript:", "data:", "file:"} {
		if strings.HasPrefix(u, s) {
			return true
		}
	}
	return false
}

// relativeMD reports whether dest is a relative link to a Markdown file.
func relativeMD(dest string) bool {
	if dest == "" || isExternal(dest) || strings.HasPrefix(dest, "/") || strings.HasPrefix(dest, "#") {
		return false
	}
	p, _, _ := strings.Cut(dest, "#")
	if u, err := url.PathUnescape(p); err == nil {
		p = u
	}
	return strings.HasSuffix(p, ".md") && !strings.HasPrefix(p, "/")
}

// linkSeeds reads testdata/link-seeds.txt and the link destinations of the
// default site's pages.
func linkSeeds(tb testing.TB) []string {
	var seeds []string
	b, err := os.ReadFile("testdata/link-seeds.txt")
	if err != nil {
		tb.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "# ") {
			continue
		}
		if strings.HasPrefix(line, `"`) {
			if line, err = strconv.Unquote(line); err != nil {
				tb.Fatalf("link-seeds.txt: %v", err)
			}
		}
		seeds = append(seeds, line)
	}
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	seen := map[string]bool{}
	_ = filepath.WalkDir(filepath.Join("..", "..", "content"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return nil
		}
		b, _ := os.ReadFile(p)
		for _, m := range link.FindAllSubmatch(b, -1) {
			if s := string(m[1]); !seen[s] {
				seen[s] = true
				seeds = append(seeds, s)
			}
		}
		return nil
	})
	return seeds
}

// urlForPath mirrors the source stage's mapping from a file to its address.
func urlForPath(rel string) (string, bool) {
	dir, name := path.Split(strings.TrimSuffix(rel, ".md"))
	var segs []string
	for _, seg := range strings.Split(strings.Trim(dir, "/"), "/") {
		if seg != "" {
			segs = append(segs, markdown.Slug(seg))
		}
	}
	if name != "_index" && name != "index" {
		segs = append(segs, markdown.Slug(name))
	}
	if len(segs) == 0 {
		return "/", true
	}
	return "/" + strings.Join(segs, "/") + "/", true
}
