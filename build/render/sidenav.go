package render

import (
	"html/template"

	"github.com/rscp/handbook/build/site"
)

// sideNavMax is how many pages of a section the side navigation lists. A
// longer list helps nobody on a phone, and rendering every sibling on
// every page would make a big section's build quadratic.
const sideNavMax = 25

// sideNavView is the side navigation of a page: the pages of its section
// around it, and whether some were left out (then the section page is
// linked to list them all).
type sideNavView struct {
	Section *site.Page
	Pages   []*site.Page
	More    int // pages of the section not listed
	// Links is the "sidenav-link" template of each page listed (set by
	// View.SideNav).
	Links template.HTML
	start int // the index in Section.Children of Pages[0]
}

// sideNav returns the window of section's pages around current.
func sideNav(section, current *site.Page) sideNavView {
	kids := section.Children
	nav := sideNavView{Section: section, Pages: kids}
	if len(kids) <= sideNavMax {
		return nav
	}
	at := 0
	for i, k := range kids {
		if k == current {
			at = i
			break
		}
	}
	start := max(0, min(at-sideNavMax/2, len(kids)-sideNavMax))
	nav.Pages = kids[start : start+sideNavMax]
	nav.start = start
	nav.More = len(kids) - sideNavMax
	return nav
}
