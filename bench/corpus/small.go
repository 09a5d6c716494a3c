package corpus

import (
	"fmt"
	"path"
	"strings"
)

// The small-pages variant (Options.Small) is shaped like a tree of
// command-line documentation that nobody here wrote: pages of about 1 KB
// with no front matter, hundreds of pages per folder, no _index.md, and
// file names made of signs ("!.md", "%.md", "[.md"), with "+" and "_"
// ("clang++.md" beside "clang.md", "move_volume.md" beside
// "move-volume.md") and with letters beyond ASCII.

// smallFolders are the folders of the small-pages variant and the share
// of pages each holds.
var smallFolders = []struct {
	dir   string
	share float64
}{{"common", 0.45}, {"linux", 0.30}, {"osx", 0.10}, {"windows", 0.08}, {"android", 0.04}, {"sunos", 0.03}}

// signNames are file names of signs alone, each in the first folder.
var signNames = []string{"!", "$", "%", "[", "]]", "{", "~", "[[", "@", "+"}

var syllables = strings.Fields(`ar ba ce do el fa gi ho in ju ka lo mu ne ox pa qu ro si tu ur ve wa xe yo zu
	clang move stat lint pack sync tar zip grep sed awk curl find make test`)

// nameSuffixes turn a command name into a neighbour that Hugo keeps apart
// from it; "" is the name itself.
var nameSuffixes = []string{"", "", "", "", "++", "_volume", "-volume", ".conf", "-ü", "~", "_", "+x"}

// planSmall plans the pages of the small-pages variant.
func (c *Corpus) planSmall(n int) {
	r := c.rng(0)
	c.glossary = makeGlossary(r) // words for the prose; no glossary file is written
	counts := make([]int, len(smallFolders))
	used := 0
	for i, f := range smallFolders {
		counts[i] = int(float64(n) * f.share)
		used += counts[i]
	}
	counts[0] += n - used
	taken := map[string]bool{}
	for fi, f := range smallFolders {
		var names []string
		if fi == 0 {
			names = append(names, signNames...)
		}
		for len(names) < counts[fi] {
			base := one(r, syllables) + one(r, syllables)
			if r.IntN(3) == 0 {
				base += "-" + one(r, syllables)
			}
			for _, suffix := range []string{"", one(r, nameSuffixes)} {
				if name := base + suffix; !taken[f.dir+"/"+name] && len(names) < counts[fi] {
					taken[f.dir+"/"+name] = true
					names = append(names, name)
				}
			}
		}
		for _, name := range names {
			p := &page{index: len(c.pages), file: f.dir + "/" + name + ".md", title: name, small: true}
			c.pages = append(c.pages, p)
		}
	}
}

// smallPage writes a page of about 1 KB with no front matter: a heading,
// a description, and examples each with a command, now and then a link
// to a neighbour in the same folder.
func (c *Corpus) smallPage(p *page) []byte {
	w := &writer{c: c, p: p, r: c.rng(1_000_000 + p.index)}
	b := &w.b
	fmt.Fprintf(b, "# %s\n\n> %s\n> %s\n\n", p.title, w.sentence(10+w.r.IntN(6)), w.sentence(8))
	for b.Len() < 900+w.r.IntN(250) {
		fmt.Fprintf(b, "- %s:\n\n`%s --%s %s`\n\n", strings.TrimSuffix(w.sentence(6+w.r.IntN(5)), "."),
			p.title, one(w.r, syllables), one(w.r, nouns))
	}
	if w.r.IntN(4) == 0 {
		other := c.pages[w.r.IntN(len(c.pages))]
		if path.Dir(other.file) == path.Dir(p.file) && other != p {
			fmt.Fprintf(b, "See also: [%s](%s).\n", other.title, escapeLink(path.Base(other.file)))
		}
	}
	return b.Bytes()
}

// escapeLink percent-encodes what a Markdown link destination cannot hold
// as it is.
func escapeLink(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		switch ch := name[i]; {
		case ch == '%' || ch == '[' || ch == ']' || ch == '{' || ch == '(' || ch == ')' || ch == ' ' || ch == '<' || ch == '>' || ch >= 0x80:
			fmt.Fprintf(&b, "%%%02X", ch)
		default:
			b.WriteByte(ch)
		}
	}
	return b.String()
}
