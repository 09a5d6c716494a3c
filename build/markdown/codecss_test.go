package markdown

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
)

// TestCodeCSS: chroma.css is the stylesheet chroma makes of codeStyle.
// After an upgrade of chroma, -update writes it again.
func TestCodeCSS(t *testing.T) {
	var want bytes.Buffer
	if err := codeFormatter.WriteCSS(&want, styles.Get(codeStyle)); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("chroma.css", want.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var got bytes.Buffer
	if err := WriteCodeCSS(&got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("chroma.css is not the stylesheet chroma makes of the %q style: run go test ./build/markdown -run TestCodeCSS -update", codeStyle)
	}
}

// TestCodeMarkupIsTheStyles: the markup of highlighted code is the same
// with the empty style the renderer uses as with codeStyle itself.
func TestCodeMarkupIsTheStyles(t *testing.T) {
	samples := map[string]string{
		"go":   "package main\n\n// Main says hello.\nfunc main() { println(\"hello\", 42) }\n",
		"yaml": "title: Test # a comment\nlevels: [1, 2, 3]\nurl: 'https://example.org/'\n",
		"bash": "#!/bin/sh\nfor f in *.md; do echo \"$f\"; done > out.txt\n",
		"json": "{\"a\": [1, true, null, \"x\"]}\n",
		"html": "<p class=\"x\">Hi &amp; bye<!-- no --></p>\n",
	}
	for lang, src := range samples {
		var with, without strings.Builder
		for _, c := range []struct {
			w     *strings.Builder
			style *chroma.Style
		}{{&with, styles.Get(codeStyle)}, {&without, classesOnly}} {
			it, err := chroma.Coalesce(lexers.Get(lang)).Tokenise(nil, src)
			if err != nil {
				t.Fatal(err)
			}
			if err := codeFormatter.Format(c.w, c.style, it); err != nil {
				t.Fatal(err)
			}
		}
		if with.String() != without.String() || !strings.Contains(with.String(), `class="`) {
			t.Errorf("%s: the markup depends on the style:\n%s\n%s", lang, with.String(), without.String())
		}
	}
}
