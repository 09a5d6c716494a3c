package render

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rscp/handbook/build/output"
	"github.com/rscp/handbook/themes"
)

// renderWith renders a small site with the default theme and the given
// template overrides.
func renderWith(t *testing.T, overrides map[string]string) ([]output.File, error) {
	t.Helper()
	s := testSite(t, fstest.MapFS{
		"handbook.yaml":        {Data: []byte("title: Test partnership\n")},
		"content/s/_index.md":  {Data: []byte("---\ntitle: Section\n---\n")},
		"content/s/a.md":       {Data: []byte("---\ntitle: Page A\n---\nA.\n")},
		"content/s/b.md":       {Data: []byte("---\ntitle: Page B\n---\nB.\n")},
		"content/elsewhere.md": {Data: []byte("---\ntitle: Elsewhere\n---\nE.\n")},
	})
	upper := fstest.MapFS{}
	for name, text := range overrides {
		upper[name] = &fstest.MapFile{Data: []byte(text)}
	}
	theme, err := LoadTheme(themes.Overlay(upper, themes.Default()))
	if err != nil {
		t.Fatal(err)
	}
	return theme.Render(s, &Versions{})
}

func page(t *testing.T, files []output.File, path string) string {
	t.Helper()
	for _, f := range files {
		if f.Path == path {
			return string(f.Data)
		}
	}
	t.Fatalf("no %s", path)
	return ""
}

// The shared parts come from the theme's templates, and each page still
// gets its own: its section in the header, itself in the side navigation.
func TestSharedPartsPerPage(t *testing.T) {
	files, err := renderWith(t, map[string]string{
		"templates/partials/footer.html": `{{define "footer"}}<footer>{{.Site.Config.Title}}{{with .Section}} – {{.Title}}{{end}}</footer>{{end}}`,
	})
	if err != nil {
		t.Fatal(err)
	}
	a, b := page(t, files, "s/a/index.html"), page(t, files, "s/b/index.html")
	for _, want := range []string{
		`<footer>Test partnership – Section</footer>`,
		`<a href="/s/a/" aria-current="page">Page A</a>`,
		`<a href="/s/b/">Page B</a>`,
		`href="/s/" aria-current="true">`,
	} {
		if !strings.Contains(a, want) {
			t.Errorf("page A lacks %s", want)
		}
	}
	if !strings.Contains(b, `<a href="/s/a/">Page A</a>`) || !strings.Contains(b, `<a href="/s/b/" aria-current="page">Page B</a>`) {
		t.Error("page B's side navigation does not mark page B as current")
	}
	if s := page(t, files, "s/index.html"); !strings.Contains(s, `href="/s/" aria-current="page">`) {
		t.Error("the section page is not the current item of the header")
	}
	if e := page(t, files, "elsewhere/index.html"); !strings.Contains(e, `<footer>Test partnership</footer>`) {
		t.Error("a page outside the section has the section's footer")
	}
}

// A shared part that uses what differs between pages fails the build
// rather than showing one page's details on others.
func TestSharedPartNeedsPage(t *testing.T) {
	_, err := renderWith(t, map[string]string{
		"templates/partials/footer.html": `{{define "footer"}}<footer>{{.Page.Title}}</footer>{{end}}`,
	})
	if err == nil || !strings.Contains(err.Error(), "Page") {
		t.Fatalf("err = %v, want an error naming the field Page", err)
	}
}

// A layout file that redefines a template a shared part uses gets its own
// part; the other layouts share theirs.
func TestSharedPartRedefinedByLayout(t *testing.T) {
	section, err := fsReadDefault("templates/section.html")
	if err != nil {
		t.Fatal(err)
	}
	files, err := renderWith(t, map[string]string{
		"templates/section.html": section + `{{define "footer"}}<footer>Section layout</footer>{{end}}{{define "breadcrumb-link"}}<li>crumb {{.Page.Meta.Title}}</li>{{end}}`,
	})
	if err != nil {
		t.Fatal(err)
	}
	s, a := page(t, files, "s/index.html"), page(t, files, "s/a/index.html")
	if !strings.Contains(s, "<footer>Section layout</footer>") || !strings.Contains(s, "<li>crumb Test partnership</li>") {
		t.Error("the section layout's own footer or breadcrumb link is not used on the section page")
	}
	if strings.Contains(a, "Section layout") || strings.Contains(a, "<li>crumb") {
		t.Error("a page of another layout uses the section layout's footer or breadcrumb link")
	}
}

func fsReadDefault(name string) (string, error) {
	b, err := fs.ReadFile(themes.Default(), name)
	return string(b), err
}
