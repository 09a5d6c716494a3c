// Package e2e holds the end-to-end browser tests of the default site; it has
// no code of its own outside its tests.
//
// TestBrowser builds the default site into memory, serves it on 127.0.0.1
// with exactly the response headers that netlify.toml gives the published
// site (plus a Report-Only copy of the Content-Security-Policy that reports
// to the test), and runs run.mjs in Node: playwright-core drives Debian's
// Chromium (/usr/bin/chromium, never a downloaded browser) and axe-core checks
// every page type. Each browser check is a subtest with its own name.
//
// TestLiveReloadInBrowser starts the dev server (build/serve) on a small site
// in a temporary folder and runs livereload.mjs: with two tabs open, it edits
// one page's text and checks that only that tab reloads, back at the place
// the reader had scrolled to, then changes the site's title and checks that
// every tab reloads.
//
// Set up once with `npm ci --prefix e2e` (.ci/run does it). Without node,
// Chromium or e2e/node_modules the test is skipped, and fails when CI is set.
// Screenshots and the briefings' PDFs go to e2e/artifacts/ (or
// $HANDBOOK_E2E_ARTIFACTS).
package e2e
