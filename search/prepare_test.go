package search

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/blevesearch/vellum"
)

// TestMergedSegmentAsOne checks that the segment Build makes by merging
// its units' segments holds what one segment of every record holds: the
// same records, fields, terms, frequencies, norms and positions. The
// second unit lacks four keyword fields, which padFields gives it, empty,
// so that zap merges by copying.
func TestMergedSegmentAsOne(t *testing.T) {
	docs := genDocs(2*unitPages + 10)
	for i := unitPages; i < 2*unitPages; i++ {
		docs[i].Level, docs[i].Section, docs[i].Version, docs[i].Audience = 0, "", "", nil
	}
	docs = append(docs, testDocs()...)
	dir := filepath.Join(t.TempDir(), "index.bleve")
	if err := Build(dir, docs, nil); err != nil {
		t.Fatal(err)
	}
	merged, err := zapPlugin.Open(filepath.Join(dir, "store", "000000000002.zap"))
	if err != nil {
		t.Fatal(err)
	}
	defer merged.Close()

	sort.Slice(docs, func(i, j int) bool { return docs[i].URL < docs[j].URL })
	p := &preparer{an: newTextAnalyzer(newMapping().AnalyzerNamed(analyzerText))}
	var recs []index.Document
	for _, d := range docs {
		rec, _ := p.page(d, d.URL)
		recs = append(recs, rec)
	}
	one, _, err := zapPlugin.New(recs)
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()

	got, want := dumpSegment(t, merged), dumpSegment(t, one)
	if got != want {
		g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
		for i := range min(len(g), len(w)) {
			if g[i] != w[i] {
				t.Fatalf("line %d of the merged segment: %s\nwant %s", i, g[i], w[i])
			}
		}
		t.Fatalf("the merged segment has %d lines, want %d", len(g), len(w))
	}
	t.Logf("%d lines compared", strings.Count(got, "\n"))
}

// dumpSegment lists what seg holds: its records, then for each field each
// term's postings (record, frequency, norm, positions).
func dumpSegment(t *testing.T, seg segment.Segment) string {
	t.Helper()
	var b strings.Builder
	for n := range seg.Count() {
		id, err := seg.DocID(n)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "record %d %s\n", n, id)
	}
	fields := slices.Clone(seg.Fields())
	slices.Sort(fields)
	for _, f := range fields {
		dict, err := seg.Dictionary(f)
		if err != nil {
			t.Fatal(err)
		}
		it := dict.AutomatonIterator(&vellum.AlwaysMatch{}, nil, nil)
		for e, err := it.Next(); e != nil || err != nil; e, err = it.Next() {
			if err != nil {
				t.Fatal(err)
			}
			pl, err := dict.PostingsList([]byte(e.Term), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			pi := pl.Iterator(true, true, true, nil)
			for p, err := pi.Next(); p != nil || err != nil; p, err = pi.Next() {
				if err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&b, "%s %q %d ×%d %g", f, e.Term, p.Number(), p.Frequency(), p.Norm())
				for _, l := range p.Locations() {
					fmt.Fprintf(&b, " %s@%d:%d-%d", l.Field(), l.Pos(), l.Start(), l.End())
				}
				b.WriteByte('\n')
			}
		}
	}
	return b.String()
}
