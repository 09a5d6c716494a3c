// Browser checks of the dev server's reload script (build/serve/livereload.js),
// run by `go test ./e2e/ -run LiveReload` (livereload_test.go starts
// `handbook serve` on a small site in a temporary folder, then runs
// `node livereload.mjs CONFIG`).
//
// Two tabs show two pages. The script edits the site's files as an editor
// would and checks which tabs reload: only the tab showing a page whose
// body changed, and every tab when something every page shows changed.
// Output is `@@result` lines, as run.mjs prints them.

import { readFileSync, writeFileSync } from 'node:fs';
import { launch } from './browser.mjs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const base = config.baseURL.replace(/\/$/, '');

function report(name, ok, msg = '') {
  console.log('@@result ' + JSON.stringify({ name, ok: !!ok, msg }));
}

// After a reload event, how long a tab that should stay is watched: longer
// than the debounce and the whole build that follows a one-page patch.
const QUIET_MS = 2500;
const RELOAD_MS = 15000;

const browser = await launch(config.chromium);

// open shows path in a new tab and returns once its reload script is
// subscribed to the server's events (the response headers have come), so
// that no edit can happen before the tab listens.
async function open(ctx, path) {
  const page = await ctx.newPage();
  const subscribed = page.waitForResponse((r) => r.url().endsWith('/_handbook/events'), { timeout: RELOAD_MS });
  await page.goto(base + path);
  await subscribed;
  page.loads = 0;
  page.on('load', () => { page.loads++; });
  return page;
}

// edit writes a file of the site, relative to its folder.
function edit(file, text) {
  writeFileSync(config.siteDir + '/' + file, text);
}

async function reloaded(page, what) {
  if (page.loads > 0) return;
  await page.waitForEvent('load', { timeout: RELOAD_MS }).catch(() => {
    throw new Error(`${what}: the tab showing ${new URL(page.url()).pathname} did not reload within ${RELOAD_MS / 1000} s`);
  });
}

try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 600 } });
  const a = await open(ctx, '/a/');
  const b = await open(ctx, '/b/');

  // 1. A body edit of b.md reloads the tab on /b/ only, at the reader's place.
  await b.evaluate(() => window.scrollTo(0, 400));
  const scrolled = await b.evaluate(() => window.scrollY);
  edit('content/b.md', config.editedB);
  let problems = [];
  try {
    await reloaded(b, 'a body edit of b.md');
    await b.waitForFunction((text) => document.body.textContent.includes(text), config.editedText, { timeout: RELOAD_MS });
    await b.waitForFunction((y) => Math.abs(window.scrollY - y) < 2, scrolled, { timeout: 5000 })
      .catch(async () => problems.push(`after the reload /b/ is scrolled to ${await b.evaluate(() => window.scrollY)}, not back to ${scrolled}`));
  } catch (err) {
    problems.push(String(err.message || err));
  }
  await a.waitForTimeout(QUIET_MS);
  if (a.loads > 0) problems.push(`the tab on /a/, which did not change, reloaded ${a.loads} time(s)`);
  if (scrolled < 300) problems.push(`the test page could not be scrolled (scrollY ${scrolled}): make it longer`);
  report('livereload/body-edit-reloads-only-its-page', problems.length === 0, problems.join('\n'));

  // 2. The site's title is on every page: every tab reloads.
  a.loads = 0;
  b.loads = 0;
  problems = [];
  edit('handbook.yaml', config.editedConfig);
  for (const [page, path] of [[a, '/a/'], [b, '/b/']]) {
    try {
      await reloaded(page, 'a change of the site title');
      await page.waitForFunction((text) => document.body.textContent.includes(text), config.editedTitle, { timeout: RELOAD_MS });
    } catch (err) {
      problems.push(`${path}: ${err.message || err}`);
    }
  }
  report('livereload/site-change-reloads-every-page', problems.length === 0, problems.join('\n'));
} catch (err) {
  report('livereload/run', false, `the checks could not run: ${err && err.stack || err}`);
} finally {
  await browser.close();
}
