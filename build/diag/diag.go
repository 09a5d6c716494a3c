// Package diag holds the problems a build finds in a site's files, each
// tied to a file and line so an editor can go straight to it.
package diag

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Severity says whether a problem stops the build.
type Severity int

const (
	Warning Severity = iota
	Error
)

func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// MarshalText lets JSON output say "error" or "warning".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads "error" or "warning", as MarshalText writes them.
func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "error":
		*s = Error
	case "warning":
		*s = Warning
	default:
		return fmt.Errorf("severity %q is not error or warning", b)
	}
	return nil
}

// Diagnostic is one problem in one place.
type Diagnostic struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Severity Severity `json:"severity"`
	Check    string   `json:"check,omitempty"`
	Message  string   `json:"message"`
}

// String formats the diagnostic as "file:line: severity: message".
func (d Diagnostic) String() string {
	loc := d.File
	if d.Line > 0 {
		loc = fmt.Sprintf("%s:%d", d.File, d.Line)
	}
	if loc == "" {
		loc = "handbook"
	}
	return fmt.Sprintf("%s: %s: %s", loc, d.Severity, d.Message)
}

// List collects diagnostics. The zero value is ready to use.
type List struct {
	items []Diagnostic
}

// Errorf records an error at file:line.
func (l *List) Errorf(file string, line int, format string, args ...any) {
	l.Add(Diagnostic{File: file, Line: line, Severity: Error, Message: fmt.Sprintf(format, args...)})
}

// Warnf records a warning at file:line.
func (l *List) Warnf(file string, line int, format string, args ...any) {
	l.Add(Diagnostic{File: file, Line: line, Severity: Warning, Message: fmt.Sprintf(format, args...)})
}

// Add records d.
func (l *List) Add(d Diagnostic) { l.items = append(l.items, d) }

// Merge appends every diagnostic of other.
func (l *List) Merge(other *List) {
	if other != nil {
		l.items = append(l.items, other.items...)
	}
}

// HasErrors reports whether any diagnostic is an error.
func (l *List) HasErrors() bool {
	for _, d := range l.items {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Count returns the number of errors and warnings.
func (l *List) Count() (errors, warnings int) {
	for _, d := range l.items {
		if d.Severity == Error {
			errors++
		} else {
			warnings++
		}
	}
	return errors, warnings
}

// Sorted returns the diagnostics ordered by file, line and message, so that
// output is stable whatever order the pages were processed in.
func (l *List) Sorted() []Diagnostic {
	out := append([]Diagnostic(nil), l.items...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Message < b.Message
	})
	return out
}

// Err returns nil when there are no errors, otherwise an error whose text
// lists every error, one per line. The error holds a copy of the list as
// it is now: what is added to l later does not change an error already
// returned.
func (l *List) Err() error {
	if !l.HasErrors() {
		return nil
	}
	return &BuildError{List: &List{items: slices.Clone(l.items)}}
}

// BuildError is returned when a build stops because of errors in the site.
type BuildError struct{ List *List }

func (e *BuildError) Error() string {
	var b strings.Builder
	n := 0
	for _, d := range e.List.Sorted() {
		if d.Severity != Error {
			continue
		}
		if n > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.String())
		n++
	}
	return b.String()
}
