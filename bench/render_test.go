package bench

import (
	"github.com/rscp/handbook/build/output"
	"github.com/rscp/handbook/build/render"
	"github.com/rscp/handbook/build/site"
)

// renderSite renders s as the build does, without history or editions.
func renderSite(t *render.Theme, s *site.Site) ([]output.File, error) {
	return t.Render(s, &render.Extras{})
}
