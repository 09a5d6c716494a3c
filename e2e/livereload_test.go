package e2e

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/rscp/handbook/build/history/historytest"
	"github.com/rscp/handbook/build/serve"
)

// LiveReloadConfig is what livereload.mjs is told.
type LiveReloadConfig struct {
	BaseURL  string `json:"baseURL"`
	Chromium string `json:"chromium"`
	SiteDir  string `json:"siteDir"` // the script edits the site's files here
	// EditedB is the new content/b.md; EditedText is in its body only.
	EditedB    string `json:"editedB"`
	EditedText string `json:"editedText"`
	// EditedConfig is the new handbook.yaml; EditedTitle is its site title.
	EditedConfig string `json:"editedConfig"`
	EditedTitle  string `json:"editedTitle"`
}

// TestLiveReloadInBrowser checks in Chromium what an editor sees in the
// preview: editing one page's text reloads the tab showing that page, at
// the place the reader had scrolled to, and no other tab; a change every
// page shows (the site's title) reloads every tab.
func TestLiveReloadInBrowser(t *testing.T) {
	needBrowser(t)
	dir := t.TempDir()
	// b.md is long enough to scroll; a.md links to it, so a whole build
	// would touch it, but a body edit of b.md changes nothing a.md shows.
	long := strings.Repeat("A paragraph long enough to fill the screen of the preview, so that the reader scrolls.\n\n", 40)
	files := map[string]string{
		"handbook.yaml":     "title: Preview partnership\n",
		"content/_index.md": "---\ntitle: Home\nsummary: The home page.\n---\nWelcome.\n",
		"content/a.md":      "---\ntitle: Page A\nsummary: A page.\n---\nSee [page B](b.md).\n",
		"content/b.md":      "---\ntitle: Page B\nsummary: Another page.\n---\n" + long,
	}
	historytest.WriteFiles(t, dir, files)

	s := serve.New(serve.Options{SiteDir: dir, Log: testLog{t}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- s.Run(ctx, ln) }()
	defer func() {
		cancel()
		if err := <-stopped; err != nil {
			t.Errorf("the dev server: %v", err)
		}
	}()
	select {
	case <-s.Watching():
	case <-time.After(30 * time.Second):
		t.Fatal("the dev server did not start watching the site")
	}

	results := runScript(t, "livereload.mjs", LiveReloadConfig{
		BaseURL:      "http://" + ln.Addr().String(),
		Chromium:     chromiumPath,
		SiteDir:      dir,
		EditedB:      "---\ntitle: Page B\nsummary: Another page.\n---\nEdited in the preview.\n\n" + long,
		EditedText:   "Edited in the preview.",
		EditedConfig: "title: Renamed partnership\n",
		EditedTitle:  "Renamed partnership",
	}, 2*time.Minute)
	for _, r := range results {
		t.Run(r.Name, func(t *testing.T) {
			if !r.OK {
				t.Error(r.Msg)
			}
		})
	}
}

// testLog sends the dev server's log lines to the test's log.
type testLog struct{ t *testing.T }

func (l testLog) Write(b []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}
