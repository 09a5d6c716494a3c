package source

import (
	"encoding"
	"fmt"
	"iter"
	"maps"
	"math"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rscp/handbook/build/site"
)

// This file decodes parsed YAML nodes into the typed structs. A decoder is
// built once per type, so nothing looks up struct fields while a file is
// read, and since it sees every value it words every problem itself, with
// the value's line and field.

// decodeFunc decodes the non-null node n into v, which holds its zero value.
type decodeFunc func(d *decoder, v reflect.Value, n *yaml.Node) error

// decoder holds what one file's decoding needs to word its problems.
type decoder struct {
	strict     bool   // unknown fields are errors (handbook.yaml, data files), not ignored
	lineOffset int    // file lines before the YAML's first line
	field      string // the field whose value is being decoded
	budget     int    // nodes left to decode: aliases must not multiply the work
	// unknown holds the unknown fields a strict decoder found: every one
	// is reported in one run, and decoding goes on past them.
	unknown []error
}

func newDecoder(data []byte, lineOffset int, strict bool) *decoder {
	// Without aliases a value takes at least a byte of the text.
	return &decoder{strict: strict, lineOffset: lineOffset, budget: len(data) + 1024}
}

// Decoders of the types the source stage reads, built once.
var (
	frontMatterDecoder = decoderFor(reflect.TypeFor[frontMatter]())
	configDecoder      = decoderFor(reflect.TypeFor[site.Config]())
)

// yamlProblem is a problem in a YAML text, at a line of the YAML (from 1,
// or 0 when it has none).
type yamlProblem struct {
	line int
	msg  string
}

func (p *yamlProblem) Error() string { return p.msg }

// errorf returns a problem at n's line, naming the field being decoded.
func (d *decoder) errorf(n *yaml.Node, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if d.field != "" {
		msg = fmt.Sprintf("field %q: %s", d.field, msg)
	}
	return &yamlProblem{line: n.Line, msg: msg}
}

// kindError says that n cannot be a value of type t, and how to write one.
func (d *decoder) kindError(n *yaml.Node, t reflect.Type) error {
	var found string
	switch n.Kind {
	case yaml.SequenceNode:
		found = "a list"
	case yaml.MappingNode:
		found = "a group of fields"
	default:
		found = strconv.Quote(n.Value)
	}
	name, example := kindHint(t)
	if t.Kind() == reflect.Struct && n.Kind == yaml.ScalarNode && strings.Contains(n.Value, ":") {
		example = "name: value, with a space after the colon" // title:x is text, not a field
	}
	return d.errorf(n, "%s should be %s: write it like %s", found, name, example)
}

// kindHint says in plain words what a field of type t holds, and how to
// write one.
func kindHint(t reflect.Type) (name, example string) {
	switch t {
	case dateType:
		return "a date", "2024-06-30"
	case cellType:
		return "text or a number", "3 or \"some text\""
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number", "3"
	case reflect.Bool:
		return "true or false", "true"
	case reflect.String:
		return "text", "\"some text\""
	case reflect.Slice:
		return "a list", "[first, second] or one \"- item\" per line"
	case reflect.Struct, reflect.Map:
		return "a group of fields", "indented \"name: value\" lines"
	}
	return t.String(), "\"some text\""
}

var (
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	dateType            = reflect.TypeFor[site.Date]()
	cellType            = reflect.TypeFor[site.Cell]()
)

// decode decodes n into v with dec, following an alias to its value. Null
// leaves the zero value. Of the tags only !!str is taken, on text.
func (d *decoder) decode(dec decodeFunc, v reflect.Value, n *yaml.Node) error {
	if d.budget--; d.budget < 0 {
		return d.errorf(n, "the aliases (*name) make more values than the file holds: write the values out")
	}
	n = resolveAlias(n)
	if n.Style&yaml.TaggedStyle != 0 && (n.Tag != "!!str" || n.Kind != yaml.ScalarNode) {
		return d.errorf(n, "the tag %s is not supported: remove it (put text in quotes to keep it as written)", n.Tag)
	}
	if isNull(n) {
		return nil
	}
	return dec(d, v, n)
}

// resolveAlias returns the node an alias (*name) stands for.
func resolveAlias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// decoderFor returns the decoder for values of type t. Types must not be
// recursive.
func decoderFor(t reflect.Type) decodeFunc {
	if reflect.PointerTo(t).Implements(textUnmarshalerType) {
		return decodeText
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
	panic("source: no YAML decoder for " + t.String())
}

// decodeText gives a scalar's text to a type that reads itself from text
// (site.Date, site.Cell).
func decodeText(d *decoder, v reflect.Value, n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return d.kindError(n, v.Type())
	}
	if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Value)); err != nil {
		return d.errorf(n, "%v", err)
	}
	return nil
}

// decodeString takes any scalar. A plain one is read as front matter has
// always been read (see plainText).
func decodeString(d *decoder, v reflect.Value, n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return d.kindError(n, v.Type())
	}
	if n.Style == 0 {
		v.SetString(plainText(n.Value))
	} else {
		v.SetString(n.Value)
	}
	return nil
}

// decodeInt takes a whole number, quoted or not, in any way YAML writes
// one (0x1F, 0o17, 1_000, 1e3).
func decodeInt(d *decoder, v reflect.Value, n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return d.kindError(n, v.Type())
	}
	i, ok := wholeNumber(n.Value)
	if !ok || v.OverflowInt(i) {
		return d.kindError(n, v.Type())
	}
	v.SetInt(i)
	return nil
}

// decodeBool takes true or false, unquoted (see yamlBool).
func decodeBool(d *decoder, v reflect.Value, n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && n.Style == 0 {
		if b, ok := yamlBool(n.Value); ok {
			v.SetBool(b)
			return nil
		}
	}
	return d.kindError(n, v.Type())
}

// yamlBool reads s as true or false, in lower, title or upper case.
func yamlBool(s string) (value, ok bool) {
	switch s {
	case "true", "True", "TRUE":
		return true, true
	case "false", "False", "FALSE":
		return false, true
	}
	return false, false
}

// sliceDecoder decodes a sequence; an empty one gives an empty slice, not
// nil.
func sliceDecoder(t reflect.Type) decodeFunc {
	elem := decoderFor(t.Elem())
	return func(d *decoder, v reflect.Value, n *yaml.Node) error {
		if n.Kind != yaml.SequenceNode {
			return d.kindError(n, t)
		}
		s := reflect.MakeSlice(t, len(n.Content), len(n.Content))
		for i, item := range n.Content {
			if err := d.decode(elem, s.Index(i), item); err != nil {
				return err
			}
		}
		v.Set(s)
		return nil
	}
}

// field is where a mapping key goes in a struct: the index path (through
// inline structs) and the decoder.
type field struct {
	index []int
	dec   decodeFunc
}

// structDecoder decodes a mapping into a struct. Keys with no field are
// errors for a strict decoder and ignored otherwise: front matter reports
// its unknown top-level keys from the key list instead.
func structDecoder(t reflect.Type) decodeFunc {
	fields := map[string]field{}
	addFields(fields, t, nil)
	return func(d *decoder, v reflect.Value, n *yaml.Node) error {
		if n.Kind != yaml.MappingNode {
			return d.kindError(n, t)
		}
		for i := 0; i < len(n.Content); i += 2 {
			key, err := d.mappingKey(n, i)
			if err != nil {
				return err
			}
			f, known := fields[key.Value]
			if !known {
				if d.strict {
					d.unknown = append(d.unknown, d.unknownField(key, maps.Keys(fields)))
				}
				continue
			}
			outer := d.field
			d.field = key.Value
			err = d.decode(f.dec, v.FieldByIndex(f.index), n.Content[i+1])
			d.field = outer
			if err != nil {
				return err
			}
		}
		return nil
	}
}

// mappingKey returns the key of the mapping's entry at i (of its Content),
// which must be text given once.
func (d *decoder) mappingKey(m *yaml.Node, i int) (*yaml.Node, error) {
	key := resolveAlias(m.Content[i])
	if key.Kind != yaml.ScalarNode || key.Style&yaml.TaggedStyle != 0 {
		return nil, d.errorf(key, "a field name must be plain text: write name: value")
	}
	if key.Tag == "!!merge" {
		return nil, d.errorf(key, "merge keys (<<) are not supported: write the fields out")
	}
	for j := 0; j < i; j += 2 {
		if prev := resolveAlias(m.Content[j]); prev.Value == key.Value {
			return nil, &yamlProblem{line: key.Line, msg: fmt.Sprintf("field %q is given twice (first on line %d): keep one", key.Value, prev.Line+d.lineOffset)}
		}
	}
	return key, nil
}

// unknownField reports a key that no field has, with the closest name.
func (d *decoder) unknownField(key *yaml.Node, names iter.Seq[string]) error {
	msg := fmt.Sprintf("unknown field %q", key.Value)
	if s := closest(key.Value, names); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return &yamlProblem{line: key.Line, msg: msg}
}

// addFields adds the fields of struct type t, found at index path at, to
// fields, with the fields of inline structs as their own.
func addFields(fields map[string]field, t reflect.Type, at []int) {
	for i := range t.NumField() {
		sf := t.Field(i)
		name, opts, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if !sf.IsExported() || name == "-" {
			continue
		}
		index := append(append([]int(nil), at...), i)
		if opts == "inline" {
			addFields(fields, sf.Type, index)
			continue
		}
		if name == "" {
			name = strings.ToLower(sf.Name)
		}
		if _, dup := fields[name]; dup {
			panic("source: two fields named " + name + " in " + t.String())
		}
		fields[name] = field{index: index, dec: decoderFor(sf.Type)}
	}
}

// plainText is the text of a plain (unquoted) scalar as front matter has
// always read it into a text field: a number or a boolean is written back
// as its value, so 6.40 gives "6.4", 0x1F "31" and True "true"; anything
// else is kept as written.
func plainText(s string) string {
	if b, ok := yamlBool(s); ok {
		return strconv.FormatBool(b)
	}
	switch s {
	case ".inf", ".Inf", ".INF":
		return "+Inf"
	case "-.inf", "-.Inf", "-.INF":
		return "-Inf"
	case ".nan", ".NaN", ".NAN":
		return "NaN"
	}
	switch x := yamlNumber(s).(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case float64:
		return fmt.Sprint(x)
	}
	return s
}

// yamlNumber reads s as a YAML number: an int64 if negative, a uint64 if
// not, a float64 if it has a dot, nil if it is not a number. Integers may
// be written in hex (0x), octal (0o, or a leading 0) or binary (0b), and
// digits may be grouped with _.
func yamlNumber(s string) any {
	if s == "" || s[0] == '_' || strings.Count(s, ".") > 1 {
		return nil
	}
	// Most text holds a letter no number has: give up before strconv
	// makes an error value for it.
	for i := range len(s) {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' || strings.IndexByte("xXoO_.+-", c) >= 0) {
			return nil
		}
	}
	negative := s[0] == '-'
	digits := strings.ReplaceAll(strings.TrimPrefix(strings.TrimPrefix(s, "+"), "-"), "_", "")
	base, float := 10, false
	switch {
	case strings.HasPrefix(digits, "0x"):
		digits, base = digits[2:], 16
	case strings.HasPrefix(digits, "0o"):
		digits, base = digits[2:], 8
	case strings.HasPrefix(digits, "0b"):
		digits, base = digits[2:], 2
	case strings.Contains(s, "."):
		float = true
	case len(digits) > 1 && digits[0] == '0':
		base = 8
	}
	if negative {
		digits = "-" + digits
	}
	switch {
	case float:
		if f, err := strconv.ParseFloat(digits, 64); err == nil {
			return f
		}
	case negative:
		if i, err := strconv.ParseInt(digits, base, 64); err == nil {
			return i
		}
	default:
		if u, err := strconv.ParseUint(digits, base, 64); err == nil {
			return u
		}
	}
	return nil
}

// wholeNumber reads s as a whole number: a YAML integer, or any number
// with nothing after the point (3.0, 1e3).
func wholeNumber(s string) (int64, bool) {
	switch x := yamlNumber(s).(type) {
	case int64:
		return x, true
	case uint64:
		return int64(x), x <= math.MaxInt64
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
		return 0, false
	}
	return int64(f), true
}
