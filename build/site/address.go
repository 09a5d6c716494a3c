package site

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Addresses follow Hugo's mapping where it keeps files apart, so that a
// site moving from Hugo keeps its URLs: each name is lower-cased, a run of
// white space becomes one hyphen, and letters in any script, digits and
// . _ - ~ + are kept ("clang++.md" → /clang++/, "move_volume.md" →
// /move_volume/). Where Hugo drops a character ("it's" → /its/, "!" → no
// name at all), handbook keeps it, percent-encoded when it is not safe in a
// URL path, so that two files only share an address when their names
// differ in case or white space alone.

// AddressOf is the address of the page at rel, a path inside content/
// ("procedures/escalation.md" → "/procedures/escalation/"), percent-encoded
// as links write it, and whether the file is a section's index. The
// address is "" when a name gives none (only white space, or only dots).
func AddressOf(rel string) (address string, isSection bool) {
	dir, name := path2(strings.TrimSuffix(rel, ".md"))
	b := make([]byte, 1, len(rel)+2)
	b[0] = '/'
	for s := range strings.SplitSeq(dir, "/") {
		if s == "" {
			continue
		}
		if b = appendSegment(b, s); b == nil {
			return "", false
		}
	}
	if name == "_index" || name == "index" {
		return string(b), true
	}
	if b = appendSegment(b, name); b == nil {
		return "", false
	}
	return string(b), false
}

// path2 splits p after its last slash.
func path2(p string) (dir, name string) {
	i := strings.LastIndexByte(p, '/')
	return p[:i+1], p[i+1:]
}

// appendSegment appends the address of one file or folder name and a
// slash to b; nil when the name gives no address.
func appendSegment(b []byte, name string) []byte {
	if !norm.NFC.IsNormalString(name) {
		// The same name typed on macOS (decomposed) and elsewhere gets
		// the same address.
		name = norm.NFC.String(name)
	}
	start := len(b)
	space, dots := false, true
	for i := 0; i < len(name); {
		r, size := utf8.DecodeRuneInString(name[i:])
		if r == utf8.RuneError && size == 1 {
			b = appendEscapedByte(b, name[i]) // not UTF-8: kept byte for byte
			i++
			space, dots = false, false
			continue
		}
		i += size
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && len(b) > start {
			b = append(b, '-')
			dots = false
		}
		space = false
		if r != '.' {
			dots = false
		}
		b = appendEscapedRune(b, unicode.ToLower(r))
	}
	if len(b) == start || dots {
		return nil // no name, or "." or "..", which browsers resolve away
	}
	return append(b, '/')
}

// EscapePath percent-encodes what is not safe as it is in a URL path,
// keeping the slashes: the form of an address in links, from the form of
// its folder on disk.
func EscapePath(p string) string {
	for i := 0; i < len(p); i++ {
		if !safeInPath(p[i]) && p[i] != '/' {
			b := make([]byte, 0, len(p)+8)
			b = append(b, p[:i]...)
			for j := i; j < len(p); j++ {
				if p[j] == '/' {
					b = append(b, '/')
				} else {
					b = appendEscapedByte(b, p[j])
				}
			}
			return string(b)
		}
	}
	return p
}

// FilePath is the file, relative to the site root, of the page at
// address u: its folder's name as on disk (decoded) and index.html.
func FilePath(u string) string {
	return DecodedPath(strings.TrimPrefix(u, "/")) + "index.html"
}

// DecodedPath is address u with its percent-encoding undone; u itself
// when it is not validly encoded.
func DecodedPath(u string) string {
	if strings.IndexByte(u, '%') < 0 {
		return u
	}
	if d, err := url.PathUnescape(u); err == nil {
		return d
	}
	return u
}

func appendEscapedRune(b []byte, r rune) []byte {
	if r < utf8.RuneSelf {
		return appendEscapedByte(b, byte(r))
	}
	var buf [utf8.UTFMax]byte
	for _, c := range buf[:utf8.EncodeRune(buf[:], r)] {
		b = appendEscapedByte(b, c)
	}
	return b
}

func appendEscapedByte(b []byte, c byte) []byte {
	if safeInPath(c) {
		return append(b, c)
	}
	const hex = "0123456789ABCDEF"
	return append(b, '%', hex[c>>4], hex[c&15])
}

// safeInPath reports whether c can stand for itself in a path segment:
// RFC 3986's unreserved characters and the sub-delimiters that no HTML,
// XML or shell context needs to escape. ":" is left out, as it reads as
// a scheme at the start of a relative link; "&" and "'" need escaping in
// HTML and XML.
func safeInPath(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '-', '.', '_', '~', '!', '$', '(', ')', '*', '+', ',', ';', '=', '@':
		return true
	}
	return false
}
