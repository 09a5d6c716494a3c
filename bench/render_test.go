package bench

import (
	"os"
	"testing"
	"time"

	"github.com/rscp/handbook/build/history"
	"github.com/rscp/handbook/build/output"
	"github.com/rscp/handbook/build/render"
	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/internal/cpuclock"
)

// renderSite renders s as the build does, without history or editions.
func renderSite(t *render.Theme, s *site.Site) ([]output.File, error) {
	return t.Render(s, &render.Versions{})
}

// fakeHistories gives every page a history from git as the build would:
// two commits, the newer one a major change with a diff, so that each page
// also gets a history page, a change page and a feed.
func fakeHistories(s *site.Site) map[*site.Page]*render.PageHistory {
	out := map[*site.Page]*render.PageHistory{}
	t0 := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	for i, p := range s.Pages {
		older := render.Update{Date: t0, Subject: "Add " + p.Title, Author: "Editor", Hash: "0123456789abcdef0123", Seq: 1, Added: true}
		newer := render.Update{Date: t0.AddDate(0, 1, i%28), Note: "Clarified who to contact.", Subject: "Update " + p.Title,
			Author: "Reviewer", Hash: "fedcba9876543210fedc", Diff: [][]history.Segment{
				{{Op: history.Equal, Text: "The first paragraph, unchanged."}},
				{{Op: history.Equal, Text: "Contact the "}, {Op: history.Delete, Text: "duty team"}, {Op: history.Insert, Text: "MASH"}, {Op: history.Equal, Text: "."}},
			}}
		out[p] = &render.PageHistory{Published: older.Date, Updated: newer.Date, Updates: []render.Update{newer}, All: []render.Update{newer, older}, Git: true}
	}
	return out
}

// BenchmarkRenderHistory is the render stage with a history for every
// page, as a build of a site in git renders it: page, history page, change
// page and feed. Pages are handed to a callback as the build writes them.
func BenchmarkRenderHistory(b *testing.B) {
	s := model(b, load(b, os.DirFS(benchSite(b))))
	t := theme(b)
	x := &render.Versions{History: fakeHistories(s)}
	b.ReportAllocs()
	defer cpuclock.Report(b)()
	for b.Loop() {
		n := 0
		err := t.RenderTo(s, x, func(f output.File) error {
			n += len(f.Data)
			return nil
		}, nil)
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderColdTheme is BenchmarkRenderHistory with the theme
// loaded afresh for each render, as a build loads it: the parts pages
// share (header, footer, breadcrumbs, side navigation and related links)
// are rendered again each time instead of coming from the theme's cache
// of the previous iteration.
func BenchmarkRenderColdTheme(b *testing.B) {
	s := model(b, load(b, os.DirFS(benchSite(b))))
	x := &render.Versions{History: fakeHistories(s)}
	b.ReportAllocs()
	defer cpuclock.Report(b)()
	for b.Loop() {
		t := theme(b)
		err := t.RenderTo(s, x, func(f output.File) error { return nil }, nil)
		if err != nil {
			b.Fatal(err)
		}
	}
}
