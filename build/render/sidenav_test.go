package render

import (
	"fmt"
	"testing"

	"github.com/rscp/handbook/build/site"
)

func TestSideNavWindow(t *testing.T) {
	sec := &site.Page{URL: "/s/"}
	for i := range 100 {
		sec.Children = append(sec.Children, &site.Page{URL: fmt.Sprintf("/s/%d/", i)})
	}
	for _, c := range []struct{ at, first int }{{0, 0}, {50, 38}, {99, 75}} {
		nav := sideNav(sec, sec.Children[c.at])
		if len(nav.Pages) != sideNavMax || nav.Pages[0] != sec.Children[c.first] || nav.More != 100-sideNavMax {
			t.Errorf("page %d: window starts at %s with %d pages, %d more; want start %d", c.at, nav.Pages[0].URL, len(nav.Pages), nav.More, c.first)
		}
		found := false
		for _, p := range nav.Pages {
			found = found || p == sec.Children[c.at]
		}
		if !found {
			t.Errorf("page %d is not in its own side navigation", c.at)
		}
	}
	small := &site.Page{Children: sec.Children[:5]}
	if nav := sideNav(small, small.Children[2]); len(nav.Pages) != 5 || nav.More != 0 {
		t.Errorf("a small section is cut: %d pages, %d more", len(nav.Pages), nav.More)
	}
}
