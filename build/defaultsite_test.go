package build_test

import (
	"bytes"
	"net/url"
	"os"
	"path"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/output"
)

// TestDefaultSite builds the repository's own content, as a fresh clone
// would, and checks every page a reader can open.
func TestDefaultSite(t *testing.T) {
	res, err := build.Build(build.Options{SiteDir: ".."})
	if err != nil {
		t.Fatalf("the default site does not build:\n%v", err)
	}
	site, err := output.NewMemory(res.Files)
	if err != nil {
		t.Fatal(err)
	}
	pages := 0
	for _, p := range site.Paths() {
		if !strings.HasSuffix(p, ".html") {
			continue
		}
		data, _ := site.Get(p)
		if bytes.Contains(data, []byte(`http-equiv="refresh"`)) {
			continue // a redirect page for an alias
		}
		pages++
		checkPage(t, site, p, data)
	}
	if pages < 40 {
		t.Errorf("only %d pages built; the default content has more", pages)
	}
	for _, want := range []string{"index.html", "sitemap.xml", "robots.txt", "404.html", "accessibility/index.html",
		"thresholds/index.html", "procedures/escalation/index.html", "contacts/index.html", "glossary/index.html", "arrangements/index.html"} {
		if _, ok := site.Get(want); !ok {
			t.Errorf("the default site has no %s", want)
		}
	}
}

// checkPage asserts what every page must have to be valid and accessible.
func checkPage(t *testing.T, site *output.Memory, file string, data []byte) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Errorf("%s: not HTML: %v", file, err)
		return
	}
	ids := map[string]int{}
	var h1s, mains, headers, footers int
	var lang, firstLink string
	var links []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				switch a.Key {
				case "id":
					ids[a.Val]++
				case "style":
					t.Errorf("%s: inline style attribute on <%s>: the Content-Security-Policy forbids it", file, n.Data)
				case "lang":
					if n.Data == "html" {
						lang = a.Val
					}
				case "href":
					if n.Data == "a" || n.Data == "link" {
						links = append(links, a.Val)
					}
					if n.Data == "a" && firstLink == "" {
						firstLink = a.Val
					}
				case "src":
					links = append(links, a.Val)
				}
				if strings.HasPrefix(a.Key, "on") {
					t.Errorf("%s: event handler attribute %s on <%s>", file, a.Key, n.Data)
				}
			}
			switch n.Data {
			case "h1":
				h1s++
			case "main":
				mains++
			case "header":
				headers++
			case "footer":
				footers++
			case "script":
				if n.FirstChild != nil && strings.TrimSpace(n.FirstChild.Data) != "" {
					t.Errorf("%s: inline script", file)
				}
			case "style":
				t.Errorf("%s: inline <style>", file)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for id, n := range ids {
		if n > 1 {
			t.Errorf("%s: id %q is used %d times", file, id, n)
		}
	}
	if h1s != 1 {
		t.Errorf("%s: %d h1 elements, want exactly 1", file, h1s)
	}
	if lang != "en-GB" {
		t.Errorf("%s: html lang=%q, want en-GB", file, lang)
	}
	if firstLink != "#main-content" {
		t.Errorf("%s: the first link is %q, want the skip link to #main-content", file, firstLink)
	}
	if mains != 1 || headers < 1 || footers < 1 {
		t.Errorf("%s: landmarks: %d main, %d header, %d footer", file, mains, headers, footers)
	}
	if ids["main-content"] != 1 {
		t.Errorf("%s: no element with id main-content for the skip link", file)
	}
	base := "/" + path.Dir(file) + "/"
	for _, l := range links {
		checkLink(t, site, file, base, l, ids)
	}
}

// checkLink asserts that a link inside the site leads to a file that exists
// and, with a fragment on the same page, to an element that exists.
func checkLink(t *testing.T, site *output.Memory, file, base, link string, ids map[string]int) {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Errorf("%s: bad link %q", file, link)
		return
	}
	if u.Scheme != "" || u.Host != "" {
		return
	}
	if u.Path == "" {
		if u.Fragment != "" && ids[u.Fragment] == 0 {
			t.Errorf("%s: link to #%s, which is not on the page", file, u.Fragment)
		}
		return
	}
	p := u.Path
	if !strings.HasPrefix(p, "/") {
		p = path.Join(base, p)
	}
	target := strings.TrimPrefix(p, "/")
	if strings.HasSuffix(p, "/") || target == "" {
		target += "index.html"
	}
	if target == "search/index.html" {
		return // answered by the search function on the hosted site
	}
	if _, ok := site.Get(target); !ok {
		t.Errorf("%s: link to %s, which is not in the built site", file, link)
	}
}

func TestMain(m *testing.M) {
	// The tests build ../ (the repository's own site); make sure they run
	// from this package's folder whatever the caller's working directory.
	if _, err := os.Stat("../handbook.yaml"); err != nil {
		panic("run the tests from the build package folder")
	}
	os.Exit(m.Run())
}
