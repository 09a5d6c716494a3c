package render

import (
	"testing"
	"testing/fstest"

	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/build/source"
)

// testSite loads fsys and builds its model, failing the test on any error.
func testSite(t *testing.T, fsys fstest.MapFS) *site.Site {
	t.Helper()
	in, diags := source.Load(fsys)
	if err := diags.Err(); err != nil {
		t.Fatal(err)
	}
	s, diags := site.New(in, site.Options{})
	if err := diags.Err(); err != nil {
		t.Fatal(err)
	}
	return s
}
