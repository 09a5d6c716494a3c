package source

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// prepareFront must blank blocks exactly as the line-splitting version it
// replaced (kept here as takeLiteralBlocksOld) did.

// takeLiteralBlocksOld returns front with the content lines of its simplest
// block scalars made empty, so that line numbers stay the same, and the
// blocks' values. A block is taken only when it is "key: |" or "key: |-"
// whose lines are indented alike beyond the key, with no tabs and no lines
// of spaces only; any other block is left in the text for goccy. The
// caller must check that goccy found a block scalar at each header.
// front is valid UTF-8 with LF line ends, as cleanText leaves it.
func takeLiteralBlocksOld(front []byte) ([]byte, []literalBlock) {
	var blocks []literalBlock
	lines := bytes.Split(front, []byte("\n"))
	for i := 0; i < len(lines); i++ {
		keyCol, bar, isHeader := blockHeader(lines[i])
		if !isHeader {
			continue
		}
		// The block's lines are indented as its first non-empty line; it
		// ends at a line indented no further than the key.
		indent, last, ok := -1, i, true
		for j := i + 1; j < len(lines) && ok; j++ {
			l := lines[j]
			if len(l) == 0 {
				continue
			}
			n := len(l) - len(bytes.TrimLeft(l, " "))
			if indent < 0 {
				indent = n
			}
			if n == len(l) {
				ok = false // spaces only
				break
			}
			if n <= keyCol {
				break
			}
			ok = n >= indent && bytes.IndexByte(l, '\t') < 0
			last = j
		}
		if !ok || last == i || last == len(lines)-1 {
			continue // unusual, empty or with no final line break: goccy reads it
		}
		var value strings.Builder
		for _, l := range lines[i+1 : last+1] {
			if len(l) > 0 {
				value.Write(l[indent:])
			}
			value.WriteByte('\n')
		}
		v := value.String()
		if bar < len(lines[i])-1 { // |- strips the final line break
			v = v[:len(v)-1]
		}
		blocks = append(blocks, literalBlock{line: i + 1, column: bar + 1, value: v})
		// goccy needs some text in a block: keep its first character.
		kept := false
		for j := i + 1; j <= last; j++ {
			if !kept && len(lines[j]) > 0 {
				_, size := utf8.DecodeRune(lines[j][indent:])
				lines[j], kept = lines[j][:indent+size], true
			} else {
				lines[j] = nil
			}
		}
		i = last
	}
	if len(blocks) == 0 {
		return front, nil
	}
	return bytes.Join(lines, []byte("\n")), blocks
}

// samePrepared checks prepareFront against takeLiteralBlocksOld, and that
// taking quoted values out keeps the text's lines.
func samePrepared(t *testing.T, front string) {
	t.Helper()
	text, blocks := takeLiteralBlocksOld([]byte(front))
	pf := prepareFront([]byte(front), false)
	if pf.text != string(text) || !reflect.DeepEqual(pf.blocks, blocks) || pf.quotes != nil {
		t.Errorf("prepareFront differs for:\n%s\nnew: %q %v\nold: %q %v", front, pf.text, pf.blocks, text, blocks)
	}
	q := prepareFront([]byte(front), true)
	if !reflect.DeepEqual(q.blocks, blocks) || strings.Count(q.text, "\n") != strings.Count(front, "\n") {
		t.Errorf("taking quoted values out changed the blocks or the lines of:\n%s\n%q", front, q.text)
	}
	lines := strings.Split(front, "\n")
	for _, v := range q.quotes {
		if l := lines[v.line-1]; !strings.HasPrefix(l[v.column:], v.value+`"`) || l[v.column-1] != '"' {
			t.Errorf("quoted value %q is not at line %d, column %d of:\n%s", v.value, v.line, v.column, front)
		}
	}
}

func TestPrepareFront(t *testing.T) {
	fronts := siteFronts(t, 300)
	fronts = append(fronts,
		"summary: |\n  one\n  two\n\ntitle: T\n",
		"summary: |-\n  one\n\n  two\n",
		"summary: |\n  at the end",
		"summary: |\n  text\n  \n  spaces only above\n",
		"summary: |\n  x: |\n    inner\ntitle: T\n",
		"boxes:\n  - heading: \"A\"\n    body: |\n      First \"box\".\n\n      é\n  - heading: B\n    body: |-\n      Last.\nthemes: [a]\n",
		"title: \"a\"\nsummary: \"b c\"  \n- \"d\"\n  - - \"e\"\nx: \"\"\ny: \"a\\\"b\"\nz: \"a\" # c\n\"k\": \"v\"\n",
	)
	for _, front := range fronts {
		samePrepared(t, front)
	}
}

func TestQuotedTail(t *testing.T) {
	for _, c := range []struct {
		line  string
		value string // "" when not taken
	}{
		{`title: "A title"`, "A title"},
		{`  - who: "Agency manager"  `, "Agency manager"},
		{`  - "A question?"`, "A question?"},
		{`- - "nested"`, "nested"},
		{`key_2-x:   "spaced"`, "spaced"},
		{`title: "a: b # c 'd'"`, "a: b # c 'd'"},
		{`title: ""`, ""},
		{`title: "x"`, "x"},
		{`title: "a\"b"`, ""},
		{`title: "a\\b"`, ""},
		{"title: \"a\tb\"", ""},
		{`title: "a" # note`, ""},
		{`title: "a", "b"`, ""},
		{`title: "unclosed`, ""},
		{`"key": "value"`, ""},
		{`"bare"`, ""},
		{`title:"x"`, ""},
		{`ti tle: "x"`, ""},
		{`title: a "b"`, ""},
		{`title: ["a"]`, ""},
		{`-"x"`, ""},
	} {
		open, end, ok := quotedTail([]byte(c.line))
		got := ""
		if ok {
			got = c.line[open+1 : end]
		}
		if got != c.value {
			t.Errorf("quotedTail(%q) takes %q, want %q", c.line, got, c.value)
		}
	}
}

func FuzzPrepareFront(f *testing.F) {
	f.Add("summary: |\n  one\n\n  two\ntitle: \"T\"\n")
	f.Add("boxes:\n  - body: |-\n      x\n    heading: \"after\"\n")
	f.Fuzz(func(t *testing.T, front string) {
		if !utf8.ValidString(front) || strings.Contains(front, "\r") {
			return
		}
		samePrepared(t, front)
	})
}
