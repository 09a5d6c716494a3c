package source

import (
	"path"
	"strings"
	"testing"

	"github.com/rscp/handbook/build/markdown"
)

// urlForBefore is urlFor as it was before it built the URL in one buffer. It maps a content path to its clean URL.
func urlForBefore(rel string) (url string, isSection bool) {
	dir, name := path.Split(strings.TrimSuffix(rel, ".md"))
	var segs []string
	for _, s := range strings.Split(strings.Trim(dir, "/"), "/") {
		if s == "" {
			continue
		}
		slug := markdown.Slug(s)
		if slug == "" {
			return "", false
		}
		segs = append(segs, slug)
	}
	if name == "_index" || name == "index" {
		isSection = true
	} else {
		slug := markdown.Slug(name)
		if slug == "" {
			return "", false
		}
		segs = append(segs, slug)
	}
	if len(segs) == 0 {
		return "/", isSection
	}
	return "/" + strings.Join(segs, "/") + "/", isSection
}

var urlCases = []string{
	"_index.md", "index.md", "a.md", "procedures/escalation-routes.md", "procedures/_index.md",
	"My Notes.md", "a/b/c/index.md", "Ünïcode/Straße.md", "!!/x.md", "x/!!.md", "a//b.md", "/a.md", "a/.md", ".md", "",
}

func TestURLForAsBefore(t *testing.T) {
	for _, c := range urlCases {
		u, s := urlFor(c)
		wu, ws := urlForBefore(c)
		if u != wu || s != ws {
			t.Errorf("urlFor(%q) = %q, %v, want %q, %v", c, u, s, wu, ws)
		}
	}
}

func FuzzURLFor(f *testing.F) {
	for _, c := range urlCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, rel string) {
		u, s := urlFor(rel)
		wu, ws := urlForBefore(rel)
		if u != wu || s != ws {
			t.Errorf("urlFor(%q) = %q, %v, want %q, %v", rel, u, s, wu, ws)
		}
	})
}
