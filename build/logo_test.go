package build_test

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/rscp/handbook/build"
)

const testLogo = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"><rect width="120" height="40" fill="#00703c"/></svg>`

// TestLogo checks handbook.yaml's logo: beside the title it is an image
// with empty alt text inside the home link (the title names the link, once);
// alone (hide_title) its alt text is the link's name; the image itself is
// published. A logo the header cannot show is an error on the line of
// the field, saying what to do.
func TestLogo(t *testing.T) {
	files := func(logo string) map[string]string {
		return map[string]string{
			"handbook.yaml":           "title: Test Partnership\n" + logo,
			"content/_index.md":       "---\ntitle: Test Partnership\n---\nWelcome.\n",
			"content/about.md":        "---\ntitle: About\n---\nAbout us.\n",
			"content/images/logo.svg": testLogo,
			"content/leaflet.pdf":     "%PDF-1.4\n",
		}
	}
	homeLink := func(doc *html.Node) *html.Node {
		links := findAll(doc, func(n *html.Node) bool { return hasClass(n, "govuk-generic-header__homepage-link") })
		if len(links) != 1 {
			t.Fatalf("%d home links in the header", len(links))
		}
		return links[0]
	}
	for _, tc := range []struct {
		name, logo, alt, text string
	}{
		{"beside the title", "logo:\n  src: images/logo.svg\n  alt: Test Partnership logo\n", "", "Test Partnership"},
		{"alone", "logo:\n  src: /images/logo.svg\n  alt: Test Partnership\n  hide_title: true\n", "Test Partnership", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, pages := builtPages(t, build.Options{SiteDir: writeSite(t, files(tc.logo)), NoSearch: true})
			for _, path := range []string{"index.html", "about/index.html"} {
				link := homeLink(pages[path])
				imgs := findAll(link, func(n *html.Node) bool { return n.Data == "img" })
				if len(imgs) != 1 || attr(imgs[0], "src") != "/images/logo.svg" {
					t.Fatalf("%s: the home link holds no logo image: %d images", path, len(imgs))
				}
				if alt, ok := attrOK(imgs[0], "alt"); !ok || alt != tc.alt {
					t.Errorf("%s: the logo's alt text is %q (set: %v), want %q", path, alt, ok, tc.alt)
				}
				if got := text(link); got != tc.text {
					t.Errorf("%s: the home link's text is %q, want %q", path, got, tc.text)
				}
			}
			published := false
			for _, f := range res.Files {
				published = published || f.Path == "images/logo.svg"
			}
			if !published {
				t.Error("the logo's image is not published")
			}
		})
	}
	_, pages := builtPages(t, build.Options{SiteDir: writeSite(t, files("")), NoSearch: true})
	if link := homeLink(pages["index.html"]); len(findAll(link, func(n *html.Node) bool { return n.Data == "img" })) != 0 || text(link) != "Test Partnership" {
		t.Errorf("without a logo the home link is %q with an image", text(link))
	}

	for _, tc := range []struct{ logo, want string }{
		{"logo:\n  src: images/logo.svg\n  hide_title: true\n", "handbook.yaml:2: error: logo.alt is empty, and hide_title shows the logo without the site's title: set alt to what the logo says"},
		{"logo:\n  src: images/missing.png\n", `handbook.yaml:3: error: logo.src "images/missing.png": there is no file content/images/missing.png`},
		{"logo:\n  src: leaflet.pdf\n", `handbook.yaml:3: error: logo.src "leaflet.pdf" is not an image`},
		{"logo:\n  src: https://example.org/logo.png\n", `handbook.yaml:3: error: logo.src "https://example.org/logo.png" is an address: put the image in content/`},
		{"logo:\n  src: ../handbook.yaml\n", `handbook.yaml:3: error: logo.src "../handbook.yaml" is not a path inside content/`},
		{"logo:\n  alt: Our logo\n", "handbook.yaml:2: error: logo.src is not set"},
	} {
		res, err := build.Build(build.Options{SiteDir: writeSite(t, files(tc.logo)), NoSearch: true})
		if err == nil {
			t.Errorf("%q: the site builds", tc.logo)
			continue
		}
		var all []string
		for _, d := range res.Diags.Sorted() {
			all = append(all, d.String())
		}
		if len(all) != 1 || !strings.HasPrefix(all[0], tc.want) {
			t.Errorf("%q: the errors are\n%s\nwant one starting %q", tc.logo, strings.Join(all, "\n"), tc.want)
		}
	}
}

// attrOK returns the attribute key of n and whether n has it.
func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}
