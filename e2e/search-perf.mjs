// Measures the static search in Chromium on a built site (a benchmark,
// not a test; bench/static-search.sh runs it):
//   node search-perf.mjs SITE_DIR QUERY...
// It serves SITE_DIR as a plain static host (netlify.toml's
// Content-Security-Policy, nothing else), then
//   1. opens /search/?q=QUERY1 in a fresh browser and counts the bytes of
//      the search script and data it fetches (the first query);
//   2. types each other query into the search box, counting the bytes each
//      fetches (later queries: the script and what it fetched are cached);
//   3. types every query again, with everything fetched, and times each
//      keystroke to the suggestions shown (warm).
// Bytes are the files' own sizes (the server does not compress); beside
// them, what a host that gzips text sends (JS and JSON gzipped, the .bin
// files as they are).

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { launch } from './browser.mjs';

const [root, ...queries] = process.argv.slice(2);
const toml = await readFile(new URL('../netlify.toml', import.meta.url), 'utf8');
const csp = toml.match(/Content-Security-Policy = "([^"]+)"/)[1];
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.txt': 'text/plain', '.svg': 'image/svg+xml' };

const server = createServer(async (req, res) => {
  const u = new URL(req.url, 'http://x');
  let p = path.join(root, decodeURIComponent(u.pathname));
  try {
    if ((await stat(p)).isDirectory()) p = path.join(p, 'index.html');
    const data = await readFile(p);
    res.writeHead(200, { 'Content-Type': types[path.extname(p)] || 'application/octet-stream', 'Content-Security-Policy': csp, 'Content-Length': data.length });
    res.end(data);
  } catch {
    res.writeHead(404, { 'Content-Security-Policy': csp });
    res.end('not found');
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await launch('/usr/bin/chromium');
const ctx = await browser.newContext();
const page = await ctx.newPage();
let fetched = [];
page.on('response', async (r) => {
  const url = r.url();
  if (!/\/search-data\/|\/js\/search[^/]*\.js$/.test(url)) return;
  try {
    const body = await r.body();
    // Hosts compress text (JS, JSON) but not the binary .bin files.
    fetched.push({ url, bytes: body.length, gzip: url.endsWith('.bin') ? body.length : gzipSync(body).length });
  } catch { /* a redirect has no body */ }
});
const sum = (key) => fetched.reduce((n, f) => n + f[key], 0);
const kb = (n) => (n / 1024).toFixed(1);

await page.goto(`${base}/search/?q=${encodeURIComponent(queries[0])}`);
await page.waitForSelector('#hb-search-results-heading');
await page.waitForLoadState('networkidle');
console.log(`first query "${queries[0]}": ${fetched.length} files, ${kb(sum('bytes'))} KB (${kb(sum('gzip'))} KB gzipped)`);
for (const f of fetched) console.log(`  ${f.url.replace(base, '')} ${kb(f.bytes)} KB`);

// Times a keystroke: from the input event to the list's options changing.
await page.evaluate(() => {
  const input = document.getElementById('hb-search-q');
  const list = document.getElementById(input.getAttribute('aria-controls'));
  window.__hbT = { t0: 0, t1: 0 };
  input.addEventListener('input', () => { window.__hbT.t0 = performance.now(); window.__hbT.t1 = 0; }, true);
  new MutationObserver(() => { if (!window.__hbT.t1) window.__hbT.t1 = performance.now(); }).observe(list, { childList: true });
});
async function typeQuery (q) {
  await page.fill('#hb-search-q', '');
  await page.waitForTimeout(50);
  await page.fill('#hb-search-q', q.slice(0, -1));
  await page.waitForTimeout(300);
  await page.evaluate(() => { window.__hbT.t1 = 0; });
  await page.type('#hb-search-q', q.slice(-1));
  await page.waitForFunction(() => window.__hbT.t1 > 0, null, { timeout: 20000 }).catch(() => {});
  await page.waitForLoadState('networkidle');
  return page.evaluate(() => window.__hbT.t1 - window.__hbT.t0);
}
const later = [];
for (const q of queries.slice(1)) {
  fetched = [];
  await typeQuery(q);
  later.push(sum('bytes'));
  console.log(`later query "${q}": ${fetched.length} files, ${kb(sum('bytes'))} KB (${kb(sum('gzip'))} KB gzipped)`);
  if (process.env.PERF_FILES) for (const f of fetched) console.log(`  ${f.url.replace(base, "")} ${kb(f.bytes)} KB`);
}
const times = [];
for (let round = 0; round < 3; round++) {
  for (const q of queries) times.push(await typeQuery(q));
}
times.sort((a, b) => a - b);
const med = times[Math.floor(times.length / 2)];
console.log(`later queries: max ${kb(Math.max(0, ...later))} KB`);
console.log(`keystroke to suggestions, warm, ${times.length} keystrokes: median ${med.toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms`);
await browser.close();
server.close();
