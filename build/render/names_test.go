package render

import (
	"html/template"
	"maps"
	"slices"
	"testing"
)

// A layout makes only the View fields its templates read: the names
// reached from "base", through {{template}} and {{block}}, not those of
// templates nothing calls.
func TestNamesUsed(t *testing.T) {
	set := template.Must(template.New("").Parse(`
{{define "base"}}{{.Page.Title}}{{block "main" .}}{{end}}{{end}}
{{define "main"}}{{with $.Dates}}{{$v := .}}{{$v.Updated}}{{end}}{{template "part" .}}{{end}}
{{define "part"}}{{if .History}}{{range .TOC}}{{end}}{{else}}{{(.Site).Link "/"}}{{end}}{{end}}
{{define "unused"}}{{.Boxes}}{{end}}`))
	got := slices.Sorted(maps.Keys(namesUsed(set)))
	want := []string{"Dates", "History", "Link", "Page", "Site", "TOC", "Title", "Updated"}
	if !slices.Equal(got, want) {
		t.Errorf("namesUsed = %q, want %q", got, want)
	}
}
