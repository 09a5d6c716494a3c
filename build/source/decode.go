package source

import (
	"bytes"
	"encoding"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	yast "github.com/goccy/go-yaml/ast"
)

// This file decodes parsed front matter into the typed structs without
// goccy/go-yaml's reflective decoder, which looks up every struct's fields
// again for every value it decodes. Decoders are built once per type.
//
// They follow goccy's rules for plain, valid YAML only, and report false for
// anything else (a type mismatch, a node kind or Go type they do not know,
// a duplicate key): the caller then decodes with goccy, which gives the
// result or words the error exactly as before.

// nodeDecoder decodes the non-null node n into v, which holds its zero value.
type nodeDecoder func(v reflect.Value, n yast.Node) bool

// nodeUnmarshaler is goccy's NodeUnmarshaler, implemented by site.Date and
// site.Cell.
type nodeUnmarshaler interface {
	UnmarshalYAML(yast.Node) error
}

var (
	nodeUnmarshalerType = reflect.TypeFor[nodeUnmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	timeType            = reflect.TypeFor[time.Time]()
	durationType        = reflect.TypeFor[time.Duration]()
)

// frontMatterDecoder decodes a frontMatter.
var frontMatterDecoder = decoderFor(reflect.TypeFor[frontMatter]())

// decodeNode decodes n into v with the decoder for v's type.
func decodeNode(dec nodeDecoder, v reflect.Value, n yast.Node) bool {
	if _, null := n.(*yast.NullNode); null {
		return true // goccy leaves the zero value for null
	}
	return dec != nil && dec(v, n)
}

// decoderFor returns the decoder for values of type t, or nil when values
// of that type are left to goccy. Types must not be recursive.
func decoderFor(t reflect.Type) nodeDecoder {
	pt := reflect.PointerTo(t)
	if pt.Implements(nodeUnmarshalerType) {
		return decodeUnmarshaler
	}
	// Any other way goccy lets a type decode itself is left to goccy.
	if _, has := pt.MethodByName("UnmarshalYAML"); has || pt.Implements(textUnmarshalerType) || t == timeType || t == durationType {
		return nil
	}
	switch t.Kind() {
	case reflect.String:
		return decodeString
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return decodeInt
	case reflect.Bool:
		return decodeBool
	case reflect.Slice:
		return sliceDecoder(t)
	case reflect.Struct:
		return structDecoder(t)
	}
	return nil
}

func decodeUnmarshaler(v reflect.Value, n yast.Node) bool {
	if _, block := n.(*yast.LiteralNode); block {
		return false // its text may have been taken out
	}
	return v.Addr().Interface().(nodeUnmarshaler).UnmarshalYAML(n) == nil
}

// decodeString takes any scalar, as goccy does: numbers and booleans are
// written back as text.
func decodeString(v reflect.Value, n yast.Node) bool {
	switch n := n.(type) {
	case *yast.StringNode:
		v.SetString(n.Value)
	case *yast.LiteralNode: // | and > blocks
		v.SetString(n.Value.Value)
	case *yast.IntegerNode:
		switch i := n.Value.(type) {
		case int64:
			v.SetString(strconv.FormatInt(i, 10))
		case uint64:
			v.SetString(strconv.FormatUint(i, 10))
		default:
			return false
		}
	case *yast.FloatNode:
		v.SetString(fmt.Sprint(n.Value))
	case *yast.BoolNode:
		v.SetString(strconv.FormatBool(n.Value))
	default:
		return false
	}
	return true
}

// decodeInt takes integers only; goccy also accepts floats and numeric
// text, which are left to it.
func decodeInt(v reflect.Value, n yast.Node) bool {
	in, ok := n.(*yast.IntegerNode)
	if !ok {
		return false
	}
	var i int64
	switch x := in.Value.(type) {
	case int64:
		i = x
	case uint64:
		if x > math.MaxInt64 {
			return false
		}
		i = int64(x)
	default:
		return false
	}
	if v.OverflowInt(i) {
		return false
	}
	v.SetInt(i)
	return true
}

func decodeBool(v reflect.Value, n yast.Node) bool {
	b, ok := n.(*yast.BoolNode)
	if ok {
		v.SetBool(b.Value)
	}
	return ok
}

// sliceDecoder decodes a sequence. Like goccy, an empty sequence gives an
// empty slice, not nil.
func sliceDecoder(t reflect.Type) nodeDecoder {
	elem := decoderFor(t.Elem())
	if elem == nil {
		return nil
	}
	return func(v reflect.Value, n yast.Node) bool {
		seq, ok := n.(*yast.SequenceNode)
		if !ok {
			return false
		}
		s := reflect.MakeSlice(t, len(seq.Values), len(seq.Values))
		for i, item := range seq.Values {
			if !decodeNode(elem, s.Index(i), item) {
				return false
			}
		}
		v.Set(s)
		return true
	}
}

// field is where a mapping key goes in a struct: the index path (through
// inline structs) and the decoder, nil if goccy must decode it.
type field struct {
	index []int
	dec   nodeDecoder
}

// structDecoder decodes a mapping into a struct. Keys with no field are
// ignored, as goccy does without DisallowUnknownField; unknown top-level
// keys are reported from the key list instead.
func structDecoder(t reflect.Type) nodeDecoder {
	fields := map[string]field{}
	if !addFields(fields, t, nil) {
		return nil
	}
	return func(v reflect.Value, n yast.Node) bool {
		var values []*yast.MappingValueNode
		switch m := n.(type) {
		case *yast.MappingNode:
			values = m.Values
		case *yast.MappingValueNode:
			values = []*yast.MappingValueNode{m}
		default:
			return false
		}
		for i, mv := range values {
			key, ok := mv.Key.(*yast.StringNode)
			if !ok {
				return false
			}
			// goccy refuses duplicate keys; mappings here are short.
			for _, prev := range values[:i] {
				if prev.Key.(*yast.StringNode).Value == key.Value {
					return false
				}
			}
			f, known := fields[key.Value]
			if !known {
				continue
			}
			if !decodeNode(f.dec, v.FieldByIndex(f.index), mv.Value) {
				return false
			}
		}
		return true
	}
}

// addFields adds the fields of struct type t, found at index path at, to
// fields, with the fields of inline structs as their own. It reports false
// for what goccy would do differently: two fields with one name, an inline
// field that is not a struct.
func addFields(fields map[string]field, t reflect.Type, at []int) bool {
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("yaml")
		if tag == "" {
			tag = sf.Tag.Get("json")
		}
		if (sf.PkgPath != "" && !sf.Anonymous) || tag == "-" {
			continue
		}
		if sf.PkgPath != "" {
			return false // goccy cannot set an unexported embedded struct
		}
		index := append(append([]int(nil), at...), i)
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = strings.ToLower(sf.Name)
		}
		inline := false
		for _, o := range strings.Split(opts, ",") {
			switch o {
			case "", "omitempty", "omitzero", "flow":
			case "inline":
				inline = true
			default:
				return false // anchors and aliases
			}
		}
		if inline {
			if sf.Type.Kind() != reflect.Struct || !addFields(fields, sf.Type, index) {
				return false
			}
			continue
		}
		if _, dup := fields[name]; dup {
			return false
		}
		fields[name] = field{index: index, dec: decoderFor(sf.Type)}
	}
	return true
}

// literalBlock is a plain | or |- block scalar of front matter whose lines
// are blanked before goccy scans the text: goccy's scanner allocates for
// every character of a block (it parses the header's indentation indicator
// each time), which was a quarter of the allocations of a briefing.
type literalBlock struct {
	line, column int // of the |, counted from 1 as in goccy's positions
	value        string
	used         bool
}

// quotedValue is a one-line double-quoted value whose text is taken out
// before goccy scans the front matter ("key: "text"" becomes "key: """):
// goccy's scanner copies every character of a quoted scalar several times
// (as runes, into the token's value and into its origin), and these values
// were most of the characters it scanned. Only values whose text needs no
// unescaping are taken: no backslash, no tab, nothing after the closing
// quote but spaces, so the value is the text between the quotes. Where goccy
// starts a double-quoted scalar at a taken quote, it would have read the
// whole value the same way, since nothing in it ends or escapes a quote.
type quotedValue struct {
	line, column int // of the opening quote, counted from 1
	value        string
}

// preparedFront is front matter as goccy is given it, with what was taken
// out of it; the caller puts the values back into the parsed nodes and must
// check that each was found where it was taken from.
type preparedFront struct {
	text   string
	blocks []literalBlock
	quotes []quotedValue
}

// prepareFront returns front with the content lines of its simplest block
// scalars made empty and, when quotes is set, the text of its simplest
// double-quoted values taken out, so that every token keeps its line and
// column (nothing but spaces follows a quoted value on its line). A block is
// taken only when it is "key: |" or "key: |-" whose lines are indented alike
// beyond the key, with no tabs and no lines of spaces only; any other block
// is left in the text for goccy. A quoted value is taken only when it ends
// its line and follows "key: " or "- ". front is valid UTF-8 with LF line
// ends, as cleanText leaves it.
func prepareFront(front []byte, quotes bool) preparedFront {
	var pf preparedFront
	// The start of each line, and one past the end of the last; short
	// front matter needs no allocation for them.
	var startsBuf [128]int
	starts := append(startsBuf[:0], 0)
	for i := 0; ; {
		n := bytes.IndexByte(front[i:], '\n')
		if n < 0 {
			break
		}
		i += n + 1
		starts = append(starts, i)
	}
	nLines := len(starts)
	starts = append(starts, len(front)+1)
	line := func(i int) []byte { return front[starts[i] : starts[i+1]-1] }

	// What is taken out, as ranges of front in order; the text is made at
	// its size once they are known.
	var cutsBuf [64][2]int
	cuts := cutsBuf[:0]
	cut := func(from, to int) { cuts = append(cuts, [2]int{from, to}) }
	var quotesBuf [32]quotedValue
	var spansBuf [32][2]int
	found := quotesBuf[:0] // copied once to the heap at the end
	spans := spansBuf[:0]  // where each found value is in front
	values := 0            // their length together
	for i := 0; i < nLines; i++ {
		l := line(i)
		keyCol, bar, isHeader := blockHeader(l)
		if !isHeader {
			if open, end, ok := quotedTail(l); ok && quotes {
				at := starts[i]
				found = append(found, quotedValue{line: i + 1, column: open + 1})
				spans = append(spans, [2]int{at + open + 1, at + end})
				cut(at+open+1, at+end)
				values += end - open - 1
			}
			continue
		}
		// The block's lines are indented as its first non-empty line; it
		// ends at a line indented no further than the key.
		indent, last, ok := -1, i, true
		for j := i + 1; j < nLines && ok; j++ {
			l := line(j)
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
		if !ok || last == i || last == nLines-1 {
			continue // unusual, empty or with no final line break: goccy reads it
		}
		var value strings.Builder
		size := 0
		for j := i + 1; j <= last; j++ {
			size += max(len(line(j))-indent, 0) + 1
		}
		value.Grow(size)
		for j := i + 1; j <= last; j++ {
			if l := line(j); len(l) > 0 {
				value.Write(l[indent:])
			}
			value.WriteByte('\n')
		}
		v := value.String()
		if bar < len(l)-1 { // |- strips the final line break
			v = v[:len(v)-1]
		}
		pf.blocks = append(pf.blocks, literalBlock{line: i + 1, column: bar + 1, value: v})
		// goccy needs some text in a block: keep its first character.
		kept := false
		for j := i + 1; j <= last; j++ {
			l := line(j)
			keep := 0
			if !kept && len(l) > 0 {
				_, size := utf8.DecodeRune(l[indent:])
				keep, kept = indent+size, true
			}
			if keep < len(l) {
				cut(starts[j]+keep, starts[j]+len(l))
			}
		}
		i = last
	}
	if len(found) > 0 {
		// The values share one string that holds only them: a page keeps
		// its values, not the whole front matter, and needs one allocation.
		var b strings.Builder
		b.Grow(values)
		for _, sp := range spans {
			b.Write(front[sp[0]:sp[1]])
		}
		all := b.String()
		pf.quotes = slices.Clone(found)
		for i, sp := range spans {
			n := sp[1] - sp[0]
			pf.quotes[i].value, all = all[:n], all[n:]
		}
	}
	if len(cuts) == 0 {
		pf.text = string(front)
		return pf
	}
	size := len(front)
	for _, c := range cuts {
		size -= c[1] - c[0]
	}
	var out strings.Builder
	out.Grow(size)
	copied := 0
	for _, c := range cuts {
		out.Write(front[copied:c[0]])
		copied = c[1]
	}
	out.Write(front[copied:])
	pf.text = out.String()
	return pf
}

// quotedTail reports whether l ends with a double-quoted value that
// prepareFront may take out, after "key: " or "- ", and gives the indexes
// of its quotes.
func quotedTail(l []byte) (open, end int, ok bool) {
	i, entry := 0, false
	for {
		for i < len(l) && l[i] == ' ' {
			i++
		}
		if i+1 < len(l) && l[i] == '-' && l[i+1] == ' ' {
			i, entry = i+2, true
			continue
		}
		break
	}
	if i < len(l) && l[i] != '"' {
		k := i
		for k < len(l) && l[k] != ':' {
			k++
		}
		if k == len(l) || !isPlainKey(l[i:k]) || k+1 == len(l) || l[k+1] != ' ' {
			return 0, 0, false
		}
		for i = k + 1; i < len(l) && l[i] == ' '; i++ {
		}
	} else if !entry {
		return 0, 0, false
	}
	if i == len(l) || l[i] != '"' {
		return 0, 0, false
	}
	open = i
	end = bytes.LastIndexByte(l, '"')
	if end <= open+1 {
		return 0, 0, false // one quote, or an empty value: nothing to gain
	}
	for _, c := range l[end+1:] {
		if c != ' ' {
			return 0, 0, false
		}
	}
	if bytes.ContainsAny(l[open+1:end], "\"\\\t") {
		return 0, 0, false
	}
	return open, end, true
}

// blockHeader reports whether l is "key: |" or "key: |-", after spaces and
// "- " sequence entries, and gives the key's column and the |'s index.
func blockHeader(l []byte) (keyCol, bar int, ok bool) {
	for keyCol < len(l) && (l[keyCol] == ' ' || l[keyCol] == '-' && keyCol+1 < len(l) && l[keyCol+1] == ' ') {
		keyCol++
	}
	key, ok := bytes.CutSuffix(l[keyCol:], []byte(": |"))
	if !ok {
		if key, ok = bytes.CutSuffix(l[keyCol:], []byte(": |-")); !ok {
			return 0, 0, false
		}
	}
	bar = keyCol + len(key) + len(": ")
	return keyCol, bar, isPlainKey(key)
}

// isPlainKey reports whether k is a key like "field_name" or "field-name".
func isPlainKey(k []byte) bool {
	return len(k) > 0 && keyLen(k) == len(k)
}

// keyLen is the length of the field name l starts with: a letter or "_",
// then letters, digits, "_" and "-".
func keyLen(l []byte) int {
	for i, c := range l {
		letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
		if !letter && (i == 0 || c != '-' && (c < '0' || c > '9')) {
			return i
		}
	}
	return len(l)
}
