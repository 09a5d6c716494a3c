package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// hostileMarkdownCases are pages whose Markdown costs goldmark time that
// grows faster than the page, up to the page limits (8 MB, 100,000
// lines); heading attributes that would hide a heading, style it or hand
// it to the theme's scripts; and quick exit addresses that would not lead
// off the site. TestHostileInputs runs them.
func hostileMarkdownCases() []hostileCase {
	page := func(build func(b *strings.Builder)) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			var b strings.Builder
			build(&b)
			writeFile(t, filepath.Join(dir, "content/a.md"), []byte(b.String()))
		}
	}
	heading := func(attrs string) map[string]string {
		return map[string]string{"content/a.md": "---\ntitle: A\n---\nText.\n\n## Stage 2 " + attrs + "\n\nMore text.\n"}
	}
	return []hostileCase{
		{name: "50,000 identical headings (100,000 lines)", setup: page(func(b *strings.Builder) {
			b.WriteString(strings.Repeat("## Same\n\n", 50000))
		}), want: 0},
		{name: "8 MB of identical headings", setup: page(func(b *strings.Builder) {
			b.WriteString(strings.Repeat("## Same\n\n", 8<<20/9))
		}), want: 1, stderr: `content/a.md:100001: error: the file has 1864134 lines, more than the limit of 100000 for one page: split it`},
		{name: "100,000 link reference definitions", setup: page(func(b *strings.Builder) {
			for i := range 100000 {
				fmt.Fprintf(b, "[r%d]: /x%d\n", i, i)
			}
		}), want: 1, stderr: `content/a.md:1: error: more than 1000 link reference definitions \(\[label\]: address\) on one page: write the links inline`},
		{name: "30,000 footnotes", setup: page(func(b *strings.Builder) {
			for i := range 30000 {
				fmt.Fprintf(b, "x[^f%d] ", i)
			}
			b.WriteString("\n\n")
			for i := range 30000 {
				fmt.Fprintf(b, "[^f%d]: note\n", i)
			}
		}), want: 1, stderr: `content/a.md:1003: error: more than 1000 footnotes \(\[\^label\]: text\) on one page: split the page`},
		{name: "a million nested brackets", setup: page(func(b *strings.Builder) {
			b.WriteString(strings.Repeat("[", 1<<20) + strings.Repeat("]", 1<<20) + "\n")
		}), want: 1, stderr: `content/a.md:1: error: too many square brackets in long paragraphs`},
		{name: "90,000 links in one paragraph", setup: page(func(b *strings.Builder) {
			b.WriteString(strings.Repeat("[a] and\n", 90000))
		}), want: 1, stderr: `content/a.md:1: error: too many square brackets in long paragraphs: this paragraph has 90000 "\[" in 90000 lines`},
		{name: "heading with a style attribute", files: heading(`{style="display:none"}`),
			want: 1, stderr: `content/a.md:6: error: the heading attribute "style" is not allowed: a heading may set only an id, \{#name\}, and the classes govuk-heading-l, govuk-heading-m, govuk-heading-s`},
		{name: "heading with the quick exit module", files: heading(`{data-module="govuk-exit-this-page"}`),
			want: 1, stderr: `content/a.md:6: error: the heading attribute "data-module" is not allowed`},
		{name: "heading with a class that hides it", files: heading(`{.govuk-visually-hidden}`),
			want: 1, stderr: `content/a.md:6: error: the heading class "govuk-visually-hidden" is not allowed`},
		{name: "heading with the skip link's id", files: heading(`{#main-content}`),
			want: 1, stderr: `content/a.md:6: error: the heading id "main-content" is one the page layout uses: choose another`},
		{name: "heading with a number for its id", files: heading(`{id=1}`),
			want: 1, stderr: `content/a.md:6: error: the heading id 1 cannot be used: write it as \{#name\}`},
		{name: "heading with an allowed id and class", files: heading(`{#stage-2 .govuk-heading-s}`), want: 0},
		{name: "quick exit address without https://", files: map[string]string{"content/a.md": "A", "handbook.yaml": "title: T\nquick_exit:\n  url: www.bbc.co.uk\n"},
			want: 1, stderr: `handbook.yaml:3: error: quick_exit.url "www.bbc.co.uk" must be an absolute address starting with https://`},
		{name: "quick exit address that runs code", files: map[string]string{"content/a.md": "A", "handbook.yaml": "quick_exit:\n  url: javascript:history.back()\n"},
			want: 1, stderr: `handbook.yaml:2: error: quick_exit.url "javascript:history.back\(\)" must be an absolute address starting with https://`},
		{name: "quick exit address on the site itself", files: map[string]string{"content/a.md": "A", "handbook.yaml": "base_url: https://rscp.example.org/\nquick_exit:\n  url: https://rscp.example.org/\n"},
			want: 1, stderr: `handbook.yaml:3: error: quick_exit.url "https://rscp.example.org/" is on this site`},
	}
}
