package markdown

import (
	"fmt"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// HeadingClasses are the classes an editor may give a heading with
// {.name}: GOV.UK's heading sizes, to show a heading larger or smaller
// than its level suggests. Any other class could hide a heading or hand it
// to the theme's scripts, so it is refused.
var HeadingClasses = []string{"govuk-heading-l", "govuk-heading-m", "govuk-heading-s"}

var attrID = []byte("id")

// setHeadingIDs gives every heading its id, in document order: an id set
// with {#name} is checked and kept, any other is made from the heading's
// text. It also refuses every heading attribute but {#id} and the allowed
// classes, removing the rest so that nothing refused reaches a page.
func (st *parseState) setHeadingIDs(headings []*ast.Heading, src []byte) {
	for _, h := range headings {
		if id := st.checkAttributes(h); id != nil {
			st.ids.put(id)
			continue
		}
		var text []byte
		if n := h.Lines().Len(); n > 0 {
			last := h.Lines().At(n - 1)
			text = last.Value(src)
		}
		h.SetAttribute(attrID, st.ids.Generate(text, ast.KindHeading))
	}
}

// checkAttributes keeps the attributes of h that are allowed, reports the
// others, and returns the id the editor set, if it may be used.
func (st *parseState) checkAttributes(h *ast.Heading) (id []byte) {
	attrs := h.Attributes()
	if len(attrs) == 0 {
		return nil
	}
	at := h.Pos()
	if at < 0 && h.Lines().Len() > 0 {
		at = h.Lines().At(0).Start
	}
	kept := make([]ast.Attribute, 0, len(attrs))
	for _, a := range attrs {
		switch name := string(a.Name); name {
		case "id":
			v, ok := a.Value.([]byte)
			switch {
			case !ok || !validID(v):
				st.problem(at, fmt.Sprintf("the heading id %s cannot be used: write it as {#name} with letters, digits and hyphens", attrText(a.Value)))
			case st.ids.isReserved(v):
				st.problem(at, fmt.Sprintf("the heading id %q is one the page layout uses: choose another", v))
			case st.ids.used[string(v)]:
				st.problem(at, fmt.Sprintf("the heading id %q is already used on this page: choose another", v))
			default:
				id = v
				kept = append(kept, a)
			}
		case "class":
			v, ok := a.Value.([]byte)
			bad := !ok
			for _, c := range strings.Fields(string(v)) {
				if !isHeadingClass(c) {
					st.problem(at, fmt.Sprintf("the heading class %q is not allowed: a heading may have only the classes %s", c, strings.Join(HeadingClasses, ", ")))
					bad = true
				}
			}
			if !ok {
				st.problem(at, fmt.Sprintf("the heading class %s is not allowed: a heading may have only the classes %s", attrText(a.Value), strings.Join(HeadingClasses, ", ")))
			}
			if !bad {
				kept = append(kept, a)
			}
		default:
			st.problem(at, fmt.Sprintf("the heading attribute %q is not allowed: a heading may set only an id, {#name}, and the classes %s", name, strings.Join(HeadingClasses, ", ")))
		}
	}
	h.RemoveAttributes()
	for _, a := range kept {
		h.SetAttribute(a.Name, a.Value)
	}
	return id
}

func isHeadingClass(c string) bool {
	for _, allowed := range HeadingClasses {
		if c == allowed {
			return true
		}
	}
	return false
}

// validID accepts ids that need no escaping in a link: ASCII letters,
// digits, hyphens, underscores and dots ("section-3.2").
func validID(id []byte) bool {
	if len(id) == 0 {
		return false
	}
	for _, c := range id {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}

// attrText shows an attribute value as the editor wrote it, near enough.
func attrText(v any) string {
	if b, ok := v.([]byte); ok {
		return fmt.Sprintf("%q", b)
	}
	return fmt.Sprintf("%v", v)
}

// ids gives heading ids: lower-case ASCII letters and digits joined by
// single hyphens, unique in the page, never one the templates use.
type ids struct {
	reserved []string        // shared by every page: read only
	used     map[string]bool // made at the first id
	// next is, for a slug already taken, the number to try first after
	// it, so that n headings with the same text cost n steps, not n².
	next map[string]int
}

func newIDs(reserved []string) *ids {
	return &ids{reserved: reserved}
}

func (s *ids) isReserved(id []byte) bool {
	for _, r := range s.reserved {
		if r == string(id) {
			return true
		}
	}
	return false
}

// taken reports whether id is reserved or already given.
func (s *ids) taken(id []byte) bool {
	return s.used[string(id)] || s.isReserved(id)
}

// Generate returns the slug of value, or "section" when it has none, with
// -1, -2 … added while that is reserved or used. A number is tried at most
// once for each slug: suffixes are handed out in order.
func (s *ids) Generate(value []byte, _ ast.NodeKind) []byte {
	id := appendSlug(make([]byte, 0, len(value)+3), value)
	if len(id) == 0 {
		id = append(id, "section"...)
	}
	if !s.taken(id) {
		s.put(id)
		return id
	}
	base := string(id)
	i := max(s.next[base], 1)
	for {
		id = append(append(id[:len(base)], '-'), itoa(i)...)
		if !s.taken(id) {
			break
		}
		i++
	}
	if s.next == nil {
		s.next = make(map[string]int)
	}
	s.next[base] = i + 1
	s.put(id)
	return id
}

// Put records an id given by other means than Generate.
func (s *ids) Put(value []byte) { s.put(value) }

func (s *ids) put(id []byte) {
	if s.used == nil {
		s.used = make(map[string]bool, 8)
	}
	s.used[string(id)] = true
}

func itoa(i int) string {
	var buf [20]byte
	n := len(buf)
	for {
		n--
		buf[n] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			break
		}
	}
	return string(buf[n:])
}
