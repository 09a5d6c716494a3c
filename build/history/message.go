package history

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Message is what a commit message says to readers: its Change-Note (the
// mark of a major change) and the date the change takes effect.
type Message struct {
	Note    string    // the Change-Note lines, joined; "" for a minor change
	Date    time.Time // the Change-Date; zero when there is none
	Problem string    // what was wrong, for a Change-Date that is not a date
}

// noteLine and dateLine find the trailers on any line of a message, in
// any case, with a hyphen, a space or nothing between the words, and
// after a list bullet: the body of a squash merge lists each commit's
// message as "* subject" followed by its body.
var (
	noteLine = regexp.MustCompile(`(?i)^\s*(?:[*+-]\s+)?change[- ]?notes?\s*:(.*)$`)
	dateLine = regexp.MustCompile(`(?i)^\s*(?:[*+-]\s+)?(?:change|effective)[- ]?date\s*:(.*)$`)
	// otherTrailer ends a note that runs over several lines: a line such
	// as "Co-authored-by: …" or "Signed-off-by: …".
	otherTrailer = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*:\s`)
)

// ReadMessage finds the Change-Note and Change-Date in a commit message.
// A note runs on over the lines that follow it up to a blank line, a list
// item, a "---" rule or another trailer; several notes are joined.
func ReadMessage(msg string) Message {
	var m Message
	var notes []string
	lines := strings.Split(strings.ReplaceAll(msg, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if d := dateLine.FindStringSubmatch(line); d != nil {
			text := strings.TrimSpace(d[1])
			t, err := time.Parse("2006-01-02", text)
			if err != nil {
				m.Problem = "Change-Date " + Clean(text) + " is not a date written as YYYY-MM-DD: the author date is used"
				continue
			}
			m.Date = t
			continue
		}
		n := noteLine.FindStringSubmatch(line)
		if n == nil {
			continue
		}
		parts := []string{strings.TrimSpace(n[1])}
		for i+1 < len(lines) && continues(lines[i+1]) {
			i++
			parts = append(parts, strings.TrimSpace(lines[i]))
		}
		if note := Clean(strings.Join(parts, " ")); note != "" {
			notes = append(notes, note)
		}
	}
	m.Note = strings.Join(notes, " ")
	return m
}

// continues reports whether line goes on with the note above it.
func continues(line string) bool {
	t := strings.TrimSpace(line)
	switch {
	case t == "", strings.HasPrefix(t, "---"), strings.HasPrefix(t, "* "), strings.HasPrefix(t, "- "), strings.HasPrefix(t, "+ "):
		return false
	case otherTrailer.MatchString(t), noteLine.MatchString(t), dateLine.MatchString(t):
		return false
	}
	return true
}

// Clean makes commit text safe to show: invalid UTF-8, control
// characters (tabs and line ends included) and terminal escapes
// (ESC [ … letter) become spaces, bidirectional overrides and zero-width
// spaces are dropped, and runs of spaces become one.
func Clean(s string) string {
	if !needsCleaning(s) {
		return strings.TrimSpace(s)
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	space := false
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == 0x1b && i < len(s) && s[i] == '[':
			// ESC [ parameters, then a final byte from @ to ~.
			for i++; i < len(s) && (s[i] < 0x40 || s[i] > 0x7e); i++ {
			}
			i++
			space = b.Len() > 0
			continue
		case unicode.IsControl(r) || unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case r == utf8.RuneError || unicode.Is(unicode.Bidi_Control, r) || r == '\u200B' || r == '\uFEFF':
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

func needsCleaning(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	prevSpace := false
	for _, r := range s {
		sp := r == ' '
		if sp && prevSpace || r != ' ' && (unicode.IsControl(r) || unicode.IsSpace(r)) || r >= 0x200B && (unicode.Is(unicode.Bidi_Control, r) || r == '\u200B' || r == '\uFEFF') {
			return true
		}
		prevSpace = sp
	}
	return false
}
