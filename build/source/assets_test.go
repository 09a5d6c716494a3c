package source

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rscp/handbook/build/diag"
)

// Only images and documents are published from content/; each refused
// file is an error on its own name that says why.
func TestAssetsAllowList(t *testing.T) {
	const cleanSVG = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">
  <defs><linearGradient id="g"><stop offset="0"/></linearGradient></defs>
  <style>.a { fill: url(#g); }</style>
  <rect class="a" width="10" height="10" style="fill: url('#g')"/>
  <use xlink:href="#g"/>
  <image href="data:image/png;base64,iVBORw0KGgo="/>
</svg>`
	svg := func(inner string) string {
		return `<svg xmlns="http://www.w3.org/2000/svg">` + inner + `</svg>`
	}
	cases := []struct {
		name, data string
		want       string // "" when published
	}{
		{"chart.png", "x", ""},
		{"photo.JPG", "x", ""},
		{"report.pdf", "x", ""},
		{"figures.xlsx", "x", ""},
		{"minutes.docx", "x", ""},
		{"clean.svg", cleanSVG, ""},
		{"page.html", "<script>", "page.html is not published: .html files would run in readers' browsers"},
		{"app.js", "alert(1)", "app.js is not published: .js files would run"},
		{"site.css", "body{}", ".css files would run"},
		{"_headers", "/*\n  X: y", "the file _headers is not published: the host would read it as rules for the whole site"},
		{"_redirects", "/* https://evil.example 200", "the file _redirects is not published"},
		{"tool.exe", "MZ", "the file tool.exe is not published: the site publishes only images"},
		{"noext", "x", "the file noext is not published"},
		{"script.svg", svg(`<script>alert(1)</script>`), "the SVG image script.svg is not published: it holds a script"},
		{"SCRIPT.svg", svg(`<SCRIPT>alert(1)</SCRIPT>`), "it holds a script"},
		{"ns-script.svg", svg(`<x:script xmlns:x="http://www.w3.org/2000/svg">alert(1)</x:script>`), "it holds a script"},
		{"onload.svg", `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`, "it has an event handler (onload=)"},
		{"onclick.svg", svg(`<rect OnClick="alert(1)"/>`), "it has an event handler (OnClick=)"},
		{"foreign.svg", svg(`<foreignObject><p>hi</p></foreignObject>`), "it holds a foreignObject"},
		{"jshref.svg", svg(`<a href="java&#x09;script:alert(1)"><text>x</text></a>`), "javascript: address"},
		{"jsxlink.svg", svg(`<a xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="javascript:alert(1)"/>`), "javascript: address"},
		{"external.svg", svg(`<image href="https://tracker.example/p.gif"/>`), `it refers to "https://tracker.example/p.gif", outside the image`},
		{"otherfile.svg", svg(`<use href="sprite.svg#a"/>`), "outside the image"},
		{"svgdata.svg", svg(`<image href="data:image/svg+xml,&lt;svg onload=alert(1)&gt;"/>`), "outside the image"},
		{"animate.svg", svg(`<a><animate attributeName="href" to="https://x.example/"/></a>`), "it animates the attribute href"},
		{"cssurl.svg", svg(`<style>rect { fill: url(https://x.example/a) }</style>`), "its style loads a file from outside the image"},
		{"cssimport.svg", svg(`<style>@import "https://x.example/a.css";</style>`), "its style imports another style sheet"},
		{"styleattr.svg", svg(`<rect style="background:url(//x.example/a)"/>`), "its style loads a file"},
		{"entity.svg", `<!DOCTYPE svg [<!ENTITY a "aaaa">]>` + svg(`<text>&a;</text>`), "its document type declares entities"},
		{"stylesheet.svg", `<?xml-stylesheet href="https://x.example/a.css"?>` + svg(``), "the processing instruction <?xml-stylesheet?>"},
		{"iframe.svg", svg(`<iframe src="#x"/>`), "it embeds a document (<iframe>)"},
		{"broken.svg", `<svg><rect></svg>`, "it is not well-formed XML"},
	}
	fsys := fstest.MapFS{}
	for _, c := range cases {
		fsys["content/files/"+c.name] = &fstest.MapFile{Data: []byte(c.data)}
	}
	fsys["content/files/page.md"] = &fstest.MapFile{Data: []byte("A page.")}
	fsys["content/.hidden.js"] = &fstest.MapFile{Data: []byte("hidden files are never published")}
	var diags diag.List
	got := map[string]bool{}
	for _, a := range Assets(fsys, "content", &diags) {
		got[a] = true
	}
	msgs := map[string]string{}
	for _, d := range diags.Sorted() {
		if d.Severity != diag.Error {
			t.Errorf("%s: %s, want an error", d.File, d.Severity)
		}
		msgs[d.File] = d.Message
	}
	for _, c := range cases {
		file := "content/files/" + c.name
		switch {
		case c.want == "" && !got["files/"+c.name]:
			t.Errorf("%s: not published (%s)", c.name, msgs[file])
		case c.want != "" && got["files/"+c.name]:
			t.Errorf("%s: published, want refused with %q", c.name, c.want)
		case c.want != "" && !strings.Contains(msgs[file], c.want):
			t.Errorf("%s: message %q, want it to say %q", c.name, msgs[file], c.want)
		}
	}
	if len(got) != 6 {
		t.Errorf("published %d files, want the 6 allowed: %v", len(got), got)
	}
}
