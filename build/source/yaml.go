package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// parseYAML parses data, which must hold at most one YAML document, and
// returns its top node: nil when there is none or it is null. Problems are
// *yamlProblem values with their line. A panic inside the YAML library is a
// problem too: the build reports it and never crashes.
func parseYAML(data []byte) (*yaml.Node, error) {
	doc, err := parseDocuments(data)
	if err != nil && bytes.IndexByte(data, '?') >= 0 && !bytes.Contains(data, questionStandIn) {
		// The YAML library ends a plain value at a ? inside [ ] or { }, as
		// YAML 1.1 did; YAML 1.2 does not, and a list of questions is
		// written so: [What would you do?]. Read the ? as another character.
		if retried, err2 := parseDocuments(bytes.ReplaceAll(data, []byte("?"), questionStandIn)); err2 == nil {
			restoreQuestionMarks(retried)
			doc, err = retried, nil
		}
	}
	if err != nil {
		return nil, syntaxProblem(data, err)
	}
	if doc == nil || len(doc.Content) == 0 {
		return nil, nil
	}
	if top := doc.Content[0]; !isNull(top) {
		return top, nil
	}
	return nil, nil
}

// questionStandIn stands for ? while a text is parsed again: a Unicode
// noncharacter, which no editor means to write.
var questionStandIn = []byte("\uFDD0")

// restoreQuestionMarks puts back the ? that questionStandIn stood for.
func restoreQuestionMarks(n *yaml.Node) {
	n.Value = strings.ReplaceAll(n.Value, string(questionStandIn), "?")
	for _, c := range n.Content {
		restoreQuestionMarks(c)
	}
}

// errSecondDocument is returned by parseDocuments with the line where a
// second document starts.
type errSecondDocument struct{ line int }

func (e errSecondDocument) Error() string {
	return "a second YAML document starts here: only one is read, so remove the --- line above it"
}

// parseDocuments parses data with the YAML library, turning a panic into an
// error, and refuses a second document rather than ignore it.
func parseDocuments(data []byte) (doc *yaml.Node, err error) {
	defer recoverProblem(&err)
	if !hasDocumentMarker(data) {
		// One document for sure: read it in place, without the copies
		// that reading from an io.Reader makes.
		doc = new(yaml.Node)
		if err := yaml.Unmarshal(data, doc); err != nil || doc.Kind == 0 {
			return nil, err
		}
		return doc, nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	doc = new(yaml.Node)
	if err := dec.Decode(doc); err == io.EOF {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	for {
		var next yaml.Node
		err := dec.Decode(&next)
		if err == io.EOF {
			return doc, nil
		}
		if err != nil {
			return nil, err
		}
		// An empty document is what a closing --- line leaves.
		if len(next.Content) > 0 && !isNull(next.Content[0]) {
			return nil, errSecondDocument{next.Line}
		}
	}
}

// hasDocumentMarker reports whether a line of data starts with --- or ...
// alone or before a space, which may start or end a YAML document. Front
// matter has none: its --- line ends it.
func hasDocumentMarker(data []byte) bool {
	for len(data) > 0 {
		if bytes.HasPrefix(data, []byte("---")) || bytes.HasPrefix(data, []byte("...")) {
			if len(data) == 3 || data[3] == ' ' || data[3] == '\t' || data[3] == '\n' {
				return true
			}
		}
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break
		}
		data = data[i+1:]
	}
	return false
}

// isNull reports whether n is null written without a tag: nothing, ~ or null.
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Style&yaml.TaggedStyle == 0
}

// recoverProblem, deferred, turns a panic into *err: a bug in the YAML
// library must not crash a build.
func recoverProblem(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("the YAML cannot be read (%v): look for a stray character on this line", r)
	}
}

// syntaxProblem words err, the error data gave, with the line the problem
// is on. The YAML library gives the line where the enclosing block began,
// counted from 0 for some errors and left out on the first line; the
// problem is on the last line of the shortest start of data that fails
// with the same message.
func syntaxProblem(data []byte, err error) *yamlProblem {
	var second errSecondDocument
	if errors.As(err, &second) {
		return &yamlProblem{line: second.line, msg: err.Error()}
	}
	msg := yamlMessage(err)
	var ends []int // the end of each line, its line break included
	for i := 0; i < len(data); {
		n := bytes.IndexByte(data[i:], '\n')
		if n < 0 {
			ends = append(ends, len(data))
			break
		}
		i += n + 1
		ends = append(ends, i)
	}
	lo, hi := 1, len(ends)
	for lo < hi {
		mid := (lo + hi) / 2
		if _, err := parseDocuments(data[:ends[mid-1]]); err != nil && yamlMessage(err) == msg {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	for prefix, hint := range syntaxHints {
		if strings.HasPrefix(msg, prefix) {
			msg += hint
			break
		}
	}
	return &yamlProblem{line: lo, msg: msg}
}

// yamlMessage is the YAML library's error message without its "yaml:"
// prefix and line.
func yamlMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, after, ok := strings.Cut(rest, ": "); ok {
			if _, err := strconv.Atoi(n); err == nil {
				msg = after
			}
		}
	}
	first, _, _ := strings.Cut(msg, "\n")
	return first
}

// syntaxHints add how to mend the commonest mistakes to the library's words.
var syntaxHints = map[string]string{
	"mapping values are not allowed in this context": ": check the indentation, and put a value that holds \": \" in quotes",
	"did not find expected key":                      ": check the indentation of this line and the lines above",
	"found a tab character":                          ": indent with spaces, not tabs",
	"found character that cannot start any token":    ": put the value in quotes, and indent with spaces, not tabs",
	"found unexpected end of stream":                 ": a quote, [ or { that opens on this line is not closed",
	"did not find expected ',' or":                   ": close the [ or { that opens on this line, and put a value that holds a comma in quotes",
}
