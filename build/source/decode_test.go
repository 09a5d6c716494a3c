package source

import (
	"io/fs"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/rscp/handbook/bench/corpus"
)

// TestDecodeFastMatchesFull checks that the one-parse decoding of front
// matter gives exactly what the full two-pass decoding gives, on the
// default site and on a generated one, and that it is taken for them.
func TestDecodeFastMatchesFull(t *testing.T) {
	var fronts []string
	add := func(name string, data []byte) {
		front, _, _, err := splitFrontMatter(data)
		if err == nil && len(strings.TrimSpace(string(front))) > 0 {
			fronts = append(fronts, string(front))
		}
	}
	_ = fs.WalkDir(os.DirFS("../.."), "content", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			b, _ := fs.ReadFile(os.DirFS("../.."), p)
			add(p, b)
		}
		return nil
	})
	for _, f := range corpus.New(corpus.Options{Pages: 150}).HandbookFiles() {
		add(f.Path, f.Data)
	}
	if len(fronts) < 150 {
		t.Fatalf("only %d front matters to check", len(fronts))
	}
	for _, front := range fronts {
		var fast frontMatter
		keys, ok := decodeFast([]byte(front), &fast)
		if !ok {
			t.Errorf("the fast path was not taken for:\n%s", front)
			continue
		}
		var raw map[string]any
		var full frontMatter
		if err := yaml.UnmarshalWithOptions([]byte(front), &raw); err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal([]byte(front), &full); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fast, full) {
			t.Errorf("fast and full decoding differ for:\n%s\nfast: %+v\nfull: %+v", front, fast, full)
		}
		for k := range raw {
			if _, has := keys[k]; !has {
				t.Errorf("fast decoding lost the key %q", k)
			}
		}
		if len(keys) != len(raw) {
			t.Errorf("fast decoding has %d keys, full %d", len(keys), len(raw))
		}
	}
}

// TestDecodeFastDeclines lists front matter the fast path leaves to the
// full one, which words the errors.
func TestDecodeFastDeclines(t *testing.T) {
	for _, front := range []string{
		"title: [x\n",                   // syntax error
		"weight: heavy\n",               // type error
		"a: &a x\nb: *a\n",              // anchors and aliases
		"<<: {title: A}\n",              // merge key
		"title: !!str A\n",              // tag
		"1: one\n",                      // a key that is not a string
		"- a\n- b\n",                    // not a mapping
		"next_review: 2024-02-30\n",     // a bad date
		"indicators:\n  ? [a]\n  : b\n", // a complex key
	} {
		var fm frontMatter
		if _, ok := decodeFast([]byte(front), &fm); ok {
			t.Errorf("the fast path took:\n%s", front)
		}
	}
}
