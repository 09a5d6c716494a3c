package search

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
)

// TestStaticSameOnAnyNumberOfCores checks that the static search data does
// not depend on how many cores make it: the pages' sections and places
// are read in runs, one per core, and the terms' postings shared between
// the cores, then joined. A wrong join puts one run's places on another's
// pages; the test builds enough pages for several runs. Run with -race.
func TestStaticSameOnAnyNumberOfCores(t *testing.T) {
	docs := append(testDocs(), genDocs(300)...)
	ix := indexOf(t, docs, testSynonyms())
	build := func(procs int) []File {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		files, err := ix.Static()
		if err != nil {
			t.Fatal(err)
		}
		return files
	}
	one := build(1)
	places := 0
	for _, f := range one {
		if strings.HasPrefix(f.Name, "t/") && strings.Count(f.Name, "-") == 3 {
			places++
		}
	}
	if places == 0 {
		t.Fatal("no files of places: too few pages to test the runs' join")
	}
	for _, procs := range []int{2, 5} {
		many := build(procs)
		if len(many) != len(one) {
			t.Fatalf("GOMAXPROCS=%d: %d files, %d on one core", procs, len(many), len(one))
		}
		for i := range one {
			if many[i].Name != one[i].Name || !bytes.Equal(many[i].Data, one[i].Data) {
				t.Fatalf("GOMAXPROCS=%d: %s differs from the one-core build's %s", procs, many[i].Name, one[i].Name)
			}
		}
	}
}
