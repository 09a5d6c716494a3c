// Package treetest reads folders for tests that compare what a build
// left with what it should have: a clean build's folder, or the same
// folder before a command that must not write.
package treetest

import (
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Files maps every file and folder under dir, by slash path relative to
// dir, to its type and permissions and, for a file, its bytes.
func Files(t testing.TB, dir string) map[string]string {
	t.Helper()
	return walk(t, dir, func(p string, info fs.FileInfo) (string, error) {
		v := info.Mode().String()
		if !info.Mode().IsRegular() {
			return v, nil
		}
		b, err := os.ReadFile(p)
		return v + " " + string(b), err
	})
}

// Stats maps every file and folder under dir, by slash path relative to
// dir, to its mode, size and modification time: what changes when
// anything is written there.
func Stats(t testing.TB, dir string) map[string]string {
	t.Helper()
	return walk(t, dir, func(_ string, info fs.FileInfo) (string, error) {
		return fmt.Sprint(info.Mode(), " ", info.Size(), " ", info.ModTime().UnixNano()), nil
	})
}

func walk(t testing.TB, dir string, value func(p string, info fs.FileInfo) (string, error)) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		out[filepath.ToSlash(rel)], err = value(p, info)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Diff names, one a line in path order, the paths whose values differ
// between got and want: "" when they are the same.
func Diff(got, want map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if g, ok := got[k]; !ok {
			fmt.Fprintf(&b, "  %s: missing\n", k)
		} else if g != want[k] {
			fmt.Fprintf(&b, "  %s: differs\n", k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[k]; !ok {
			fmt.Fprintf(&b, "  %s: extra\n", k)
		}
	}
	return b.String()
}
