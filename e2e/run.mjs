// Browser checks of the built handbook site, run by `go test ./e2e/`
// (e2e_test.go builds and serves the site, then runs `node run.mjs CONFIG`).
//
// Every check prints one line `@@result {"name","ok","msg"}`; the Go test
// turns each into a subtest of that name. Anything else printed is a log
// line. The script exits non-zero only if it cannot run at all.
//
// Uses Debian's Chromium (config.chromium); never downloads a browser.

import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { launch } from './browser.mjs';
import { check, report, failures } from './checks.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const base = config.baseURL;
const origin = new URL(base).origin;
const artifacts = config.artifacts;

// WCAG A and AA, and axe's best practices (landmarks, heading order,
// labelled regions), which a reader with a screen reader feels as much.
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };

// HANDBOOK_E2E_ONLY=print,keyboard runs only those sections (for a quick
// loop while fixing something); the Go test then passes on what ran.
const only = (process.env.HANDBOOK_E2E_ONLY || '').split(',').filter(Boolean);
const want = (section) => only.length === 0 || only.includes(section);

const browser = await launch(config.chromium);

// Collected for every page the checks open: console errors, uncaught
// errors, CSP violations (seen in the page) and requests to other origins.
async function newContext(options = {}) {
  const ctx = await browser.newContext({ viewport: DESKTOP, ...options });
  await ctx.addInitScript(() => {
    window.__hbCSP = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__hbCSP.push(`${e.disposition === 'report' ? 'report-only' : 'enforced'} ${e.effectiveDirective}: ` +
        `blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile || e.documentURI}:${e.lineNumber}` +
        (e.sample ? ` (${e.sample})` : ''));
    }, true);
  });
  return ctx;
}

// isLocal reports whether a request goes to the test server.
const isLocal = (url) => url.startsWith('data:') || url.startsWith('blob:') || new URL(url).origin === origin;

// open loads url in a page of ctx and records what happens there. Pass
// page to reuse one (much quicker than a new page per URL).
async function open(ctx, url, page = null) {
  if (!page) {
    page = await ctx.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') page.__hb.console.push(`${m.text()} (${m.location().url || 'inline'})`);
    });
    page.on('pageerror', (err) => page.__hb.console.push(`uncaught: ${err.message}`));
    // Requests are watched, not intercepted (interception doubles the time
    // of every page): the launch options make sure none leaves the machine.
    page.on('request', (req) => { if (!isLocal(req.url())) page.__hb.external.push(req.url()); });
  }
  page.__hb = { console: [], external: [] };
  const response = await page.goto(base + url, { waitUntil: 'load' });
  page.__hb.status = response ? response.status() : 0;
  return page;
}

// Problems common to every page: console errors, CSP, other origins, and
// links that open a new tab without rel=noopener.
async function pageHealth(page, url, { expectStatus = 200 } = {}) {
  const h = page.__hb;
  const out = { console: [], csp: [], external: [], noopener: [] };
  const status404Self = (s) => expectStatus === 404 && /status of 404/.test(s) && s.includes(base + url);
  out.console = h.console.filter((s) => !status404Self(s));
  if (h.status !== expectStatus) out.console.push(`${url} answered ${h.status}, not ${expectStatus}`);
  out.csp = await page.evaluate(() => window.__hbCSP || []);
  out.external = [...h.external];
  out.noopener = await page.$$eval('a[target="_blank"], area[target="_blank"], form[target="_blank"]', (els) =>
    els.filter((a) => !/\bnoopener\b/.test(a.rel)).map((a) => a.outerHTML.slice(0, 200)));
  return out;
}

async function horizontalOverflow(page) {
  return page.evaluate(() => {
    const de = document.documentElement;
    if (de.scrollWidth <= window.innerWidth) return null;
    const wide = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right > window.innerWidth + 0.5 && r.width > 0) {
        // Report the outermost culprits only.
        if (!wide.some((w) => w.el.contains(el))) wide.push({ el, right: Math.round(r.right) });
      }
      if (wide.length >= 5) break;
    }
    const desc = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
    return `scrollWidth ${de.scrollWidth} > innerWidth ${window.innerWidth}; too wide: ` +
      wide.map((w) => `${desc(w.el)} (right edge ${w.right}px)`).join(', ');
  });
}

async function runAxe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    // Evaluated through the DevTools protocol, so the page's CSP (which
    // rightly forbids inline scripts) does not stop it.
    await page.evaluate(axeSource);
  }
  const res = await page.evaluate((tags) => window.axe.run(document, {
    runOnly: { type: 'tag', values: tags },
    resultTypes: ['violations'],
  }), AXE_TAGS);
  return res.violations.map((v) => `${v.id} (${v.impact}, ${v.nodes.length} element${v.nodes.length === 1 ? '' : 's'}): ${v.help}\n` +
    v.nodes.slice(0, 5).map((n) => `    ${n.target.join(' ')}: ${n.failureSummary.replace(/\n\s*/g, ' ')}`).join('\n') +
    `\n    ${v.helpUrl}`);
}

async function screenshot(page, width, name) {
  const dir = join(artifacts, 'screenshots', String(width));
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, name + '.png'), fullPage: true });
}

// Tab until pred(activeElement) holds; returns how many presses it took.
async function tabTo(page, pred, arg, max = 40, key = 'Tab') {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press(key);
    if (await page.evaluate(pred, arg)) return i;
  }
  return 0;
}

const active = (page) => page.evaluate(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return 'nothing (body)';
  return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + String(el.className).split(/\s+/).join('.') : '') +
    ` "${(el.textContent || '').trim().slice(0, 40)}"`;
});

const visible = (page, sel) => page.evaluate((sel) => {
  const el = document.querySelector(sel);
  if (!el) return false;
  const r = el.getBoundingClientRect();
  const cs = getComputedStyle(el);
  return r.width > 1 && r.height > 1 && cs.visibility !== 'hidden' && cs.display !== 'none';
}, sel);

const t0 = Date.now();
const lap = (what) => console.log(`${what}: ${((Date.now() - t0) / 1000).toFixed(1)}s`);

// ---------------------------------------------------------------------------
// 0. Self-test: on canary pages with known faults (served by the Go test
//    with the site's headers), every detector must fire. A detector that
//    cannot see a fault would pass a broken site.
// ---------------------------------------------------------------------------
{
  const ctx = await newContext({ viewport: PHONE });
  const page = await open(ctx, '/__e2e/canary.html');
  await page.waitForTimeout(100);
  const h = await pageHealth(page, '/__e2e/canary.html');
  const axe = await runAxe(page);
  report('self-test/detects-console-errors', h.console.some((s) => /404/.test(s)), `console errors seen: ${JSON.stringify(h.console)}`);
  report('self-test/detects-csp-violations', h.csp.some((s) => /script-src/.test(s)) && h.csp.some((s) => /style-src/.test(s)),
    `CSP violations seen: ${JSON.stringify(h.csp)}`);
  report('self-test/detects-missing-noopener', h.noopener.length === 1, `links seen: ${JSON.stringify(h.noopener)}`);
  report('self-test/detects-axe-violations', axe.some((v) => v.startsWith('image-alt ')), `axe saw: ${axe.join('\n')}`);
  report('self-test/detects-horizontal-scroll', !!(await horizontalOverflow(page)), 'a 1000-character <pre> did not count as scrolling sideways');
  await page.close();
  const away = await open(ctx, '/__e2e/canary-away.html');
  await away.waitForTimeout(300);
  report('self-test/detects-third-party-requests', away.__hb.external.some((u) => u.includes('third-party.invalid')),
    `requests to other origins seen: ${JSON.stringify(away.__hb.external)}`);
  await away.close();
  await ctx.close();
}

// ---------------------------------------------------------------------------
// 1. Every page of the site at 360 px: no horizontal scroll, no console
//    errors, no CSP violations, no other origins, noopener.
// ---------------------------------------------------------------------------
if (want('crawl')) {
  const ctx = await newContext({ viewport: PHONE, isMobile: false });
  const problems = { scroll: [], console: [], csp: [], external: [], noopener: [] };
  let page = null;
  for (const url of config.pages) {
    page = await open(ctx, url, page);
    const h = await pageHealth(page, url);
    for (const k of ['console', 'csp', 'external', 'noopener']) for (const p of h[k]) problems[k].push(`${url}: ${p}`);
    const o = await horizontalOverflow(page);
    if (o) problems.scroll.push(`${url}: ${o}`);
  }
  const n = config.pages.length;
  report('all-pages/no-horizontal-scroll-360', problems.scroll.length === 0,
    `${problems.scroll.length} of ${n} pages scroll sideways at 360 px:\n` + problems.scroll.join('\n'));
  report('all-pages/no-console-errors', problems.console.length === 0, 'console errors:\n' + problems.console.join('\n'));
  report('all-pages/no-csp-violations', problems.csp.length === 0, 'Content-Security-Policy violations:\n' + problems.csp.join('\n'));
  report('all-pages/no-third-party-requests', problems.external.length === 0, 'requests to other origins (blocked):\n' + problems.external.join('\n'));
  report('all-pages/target-blank-has-noopener', problems.noopener.length === 0, 'target=_blank links without rel=noopener:\n' + problems.noopener.join('\n'));
  await ctx.close();
  lap(`${n} pages crawled at 360 px`);
}

// ---------------------------------------------------------------------------
// 2. Each page type at 1280 and 360 px: axe, screenshots, health, skip link
//    first in the tab order; at 360 no horizontal scroll.
// ---------------------------------------------------------------------------
const jsText = {};
for (const [label, viewport] of want('types') ? [['1280', DESKTOP], ['360', PHONE]] : []) {
  const ctx = await newContext({ viewport });
  let page = null;
  for (const pt of config.types) {
    const status = pt.name === '404' ? 404 : 200;
    page = await open(ctx, pt.url, page);
    const h = await pageHealth(page, pt.url, { expectStatus: status });
    if (label === '1280') {
      await check(`page/${pt.name}/no-console-errors`, () => h.console.map((s) => `${pt.url}: ${s}`));
      await check(`page/${pt.name}/no-csp-violations`, () => h.csp.map((s) => `${pt.url}: ${s}`));
      await check(`page/${pt.name}/no-third-party-requests`, () => h.external.map((s) => `${pt.url} requested ${s}`));
      await check(`keyboard/skip-link-first/${pt.name}`, async () => {
        await page.keyboard.press('Tab');
        const ok = await page.evaluate(() => document.activeElement?.classList.contains('govuk-skip-link'));
        if (!ok) return `${pt.url}: the first Tab focuses ${await active(page)}, not the skip link`;
        if (!(await visible(page, '.govuk-skip-link:focus'))) return `${pt.url}: the skip link is focused but not visible`;
        await page.keyboard.press('Shift+Tab');
      });
      // The route to help is on every page, visible, below the header;
      // where the page has Exit this page, it is the second Tab stop,
      // straight after the skip link.
      await check(`help-route/${pt.name}`, async () => {
        const out = [];
        const links = await page.evaluate(() => [...document.querySelectorAll('nav[aria-label="Get help"] a')].map((a) => {
          const r = a.getBoundingClientRect();
          return { text: a.textContent.trim(), href: new URL(a.href).pathname, visible: r.width > 1 && r.height > 1 && r.top < 400 };
        }));
        for (const [text, href] of [['Worried about a child? Report a concern', config.worriedURL], ['Contacts', config.contactsURL], ['What has changed', config.amendmentsURL]]) {
          const l = links.find((x) => x.text === text);
          if (!l) out.push(`no "${text}" link in the route to help`);
          else if (l.href !== href) out.push(`"${text}" goes to ${l.href}, not ${href}`);
          else if (!l.visible) out.push(`"${text}" is not visible near the top of the page`);
        }
        return out.map((p) => `${pt.url}: ${p}`);
      });
      if (pt.name === 'home') {
        // At 1280 px the menu is one line, under the site's name and the
        // search box: no section alone on a second line.
        await check('header/menu-on-one-line-1280', async () => {
          const h = await page.evaluate(() => {
            const tops = [...document.querySelectorAll('.govuk-service-navigation__item')].map((li) => Math.round(li.getBoundingClientRect().top));
            const header = document.querySelector('header').getBoundingClientRect();
            return { tops, height: Math.round(header.height) };
          });
          const out = [];
          if (new Set(h.tops).size !== 1) out.push(`the menu wraps onto ${new Set(h.tops).size} lines (item tops ${h.tops.join(', ')})`);
          if (h.height > 200) out.push(`the header is ${h.height} px tall`);
          return out;
        });
      }
      if (config.quickExitTypes.includes(pt.name)) {
        await check(`quick-exit/second-tab-stop/${pt.name}`, async () => {
          // From the top of the page: the skip link, then Exit this page.
          await page.reload({ waitUntil: 'load' });
          const n = await tabTo(page, () => document.activeElement?.classList.contains('govuk-skip-link'), null, 3);
          if (!n) return `${pt.url}: Tab never reaches the skip link`;
          await page.keyboard.press('Tab');
          const ok = await page.evaluate(() => document.activeElement?.classList.contains('govuk-exit-this-page__button'));
          const where = await active(page);
          return !ok && `${pt.url}: the Tab after the skip link focuses ${where}, not Exit this page`;
        });
      }
      jsText[pt.name] = await page.evaluate(() => [...document.querySelectorAll('main h1, main h2, main h3')]
        .filter((e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')
        .map((e) => e.textContent.trim()));
    } else {
      await check(`page/${pt.name}/no-horizontal-scroll-360`, async () => {
        const o = await horizontalOverflow(page);
        return o && `${pt.url}: ${o}`;
      });
    }
    await screenshot(page, label, pt.name);
    await check(`axe/${label}/${pt.name}`, async () => (await runAxe(page)).map((v) => `${pt.url} at ${label} px: ${v}`));
  }
  await ctx.close();
  lap(`page types at ${label} px`);
}

// ---------------------------------------------------------------------------
// 3. JavaScript disabled: every page type shows its content.
// ---------------------------------------------------------------------------
if (want('nojs')) {
  const ctx = await newContext({ viewport: PHONE, javaScriptEnabled: false });
  let page = null;
  for (const pt of config.types) {
    page = await open(ctx, pt.url, page);
    await check(`no-js/${pt.name}`, async () => {
      const problems = [];
      const info = await page.evaluate(() => {
        const main = document.querySelector('main');
        const vis = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
        return {
          jsEnabled: document.body.classList.contains('js-enabled'),
          mainText: main ? main.innerText.trim().length : 0,
          h1: !!document.querySelector('main h1') && vis(document.querySelector('main h1')),
          headings: [...document.querySelectorAll('main h1, main h2, main h3')].filter(vis).map((e) => e.textContent.trim()),
          navLinks: [...document.querySelectorAll('.govuk-service-navigation__link')].map((a) => [a.textContent.trim(), vis(a)]),
          search: !!document.querySelector('#search-input') && vis(document.querySelector('#search-input')),
        };
      });
      if (info.jsEnabled) problems.push('the body has js-enabled although JavaScript is off');
      if (!info.h1) problems.push('no visible <h1> in <main>');
      if (info.mainText < 40) problems.push(`<main> shows only ${info.mainText} characters of text`);
      for (const hd of jsText[pt.name] || []) {
        if (!info.headings.includes(hd)) problems.push(`heading "${hd}" is visible with JavaScript but not without`);
      }
      for (const [text, v] of info.navLinks) if (!v) problems.push(`menu link "${text}" is hidden without JavaScript`);
      if (!info.search) problems.push('the header search box is hidden without JavaScript');
      return problems.map((p) => `${pt.url}: ${p}`);
    });
  }
  await page.close();
  // The skip link still works: after it, the next Tab lands inside <main>.
  await check('keyboard/skip-link-no-js', async () => {
    const page = await open(ctx, '/procedures/escalation/');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    const inMain = await page.evaluate(() => !!document.activeElement?.closest('main'));
    const where = await active(page);
    await page.close();
    return !inMain && `without JavaScript, Tab after the skip link focuses ${where}, not something in <main>`;
  });
  await ctx.close();
  lap('no-js');
}

// ---------------------------------------------------------------------------
// 4. Keyboard: skip link, menu at 360 px, header search, quick exit.
// ---------------------------------------------------------------------------
if (want('keyboard')) {
  const desktop = await newContext({ viewport: DESKTOP });
  const phone = await newContext({ viewport: PHONE });

  await check('keyboard/skip-link-moves-focus-to-main', async () => {
    const page = await open(desktop, '/procedures/escalation/');
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement?.classList.contains('govuk-skip-link'));
    if (!first) return `the first Tab focuses ${await active(page)}, not the skip link`;
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash === '#main-content', null, { timeout: 2000 }).catch(() => {});
    const ok = await page.evaluate(() => document.activeElement?.id === 'main-content');
    const where = await active(page);
    await page.close();
    return !ok && `Enter on the skip link leaves focus on ${where}, not <main id="main-content">`;
  });

  await check('keyboard/menu-360', async () => {
    const page = await open(phone, '/');
    const problems = [];
    const btn = '.govuk-service-navigation__toggle';
    if (!(await visible(page, btn))) return 'the Menu button is not shown at 360 px';
    const n = await tabTo(page, (sel) => document.activeElement?.matches(sel), btn, 15);
    if (!n) return 'Tab never reaches the Menu button';
    const state = () => page.evaluate(() => ({
      expanded: document.querySelector('.govuk-service-navigation__toggle').getAttribute('aria-expanded'),
      shown: [...document.querySelectorAll('.govuk-service-navigation__link')].filter((a) => a.getClientRects().length > 0).length,
      links: document.querySelectorAll('.govuk-service-navigation__link').length,
    }));
    let s = await state();
    if (s.expanded !== 'false' || s.shown !== 0) problems.push(`before opening: aria-expanded=${s.expanded}, ${s.shown} links shown`);
    await page.keyboard.press('Enter');
    s = await state();
    if (s.expanded !== 'true' || s.shown !== s.links) problems.push(`after Enter: aria-expanded=${s.expanded}, ${s.shown} of ${s.links} links shown`);
    await page.keyboard.press('Tab');
    if (!(await page.evaluate(() => document.activeElement?.classList.contains('govuk-service-navigation__link')))) {
      problems.push(`Tab after opening the menu focuses ${await active(page)}, not the first menu link`);
    }
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Space');
    s = await state();
    if (s.expanded !== 'false' || s.shown !== 0) problems.push(`after Space: aria-expanded=${s.expanded}, ${s.shown} links shown`);
    await page.close();
    return problems;
  });

  for (const [label, ctx] of [['1280', desktop], ['360', phone]]) {
    await check(`keyboard/header-search-${label}`, async () => {
      const page = await open(ctx, '/');
      const n = await tabTo(page, () => document.activeElement?.id === 'search-input', null, 30);
      if (!n) return 'Tab never reaches the header search box';
      await page.keyboard.type('escalation');
      await Promise.all([page.waitForURL(/\/search\/\?q=escalation/, { timeout: 5000 }), page.keyboard.press('Enter')]);
      const h = await pageHealth(page, '/search/');
      // The results come from the real index (the Go test serves /search
      // with the search package's handler, as the Netlify function does).
      const results = await page.$$eval('.hb-search-results .hb-search-result', (els) => els.length);
      const out = [...h.console, ...h.csp, ...h.external];
      if (results === 0) out.push('searching for "escalation" from the header shows no results');
      for (const v of await runAxe(page)) out.push(`axe on the results page: ${v}`);
      await screenshot(page, label, 'search-results');
      await page.close();
      return out;
    });
  }

  // The version switcher: a disclosure of links to the other editions.
  if (config.editions > 1) {
    await check('keyboard/version-switcher', async () => {
      const url = config.types.find((t) => t.name === 'arrangement').url;
      const page = await open(desktop, url);
      const summary = '.hb-editions summary, .hb-editions .govuk-details__summary';
      if (!(await page.$(summary))) { await page.close(); return `${url} has no version switcher (.hb-editions) although the site has ${config.editions} editions`; }
      const n = await tabTo(page, (s) => document.activeElement?.matches(s), summary, 60);
      if (!n) { await page.close(); return `Tab never reaches the version switcher on ${url}`; }
      await page.keyboard.press('Enter');
      const open_ = await page.evaluate(() => document.querySelector('.hb-editions').open);
      if (!open_) { await page.close(); return 'Enter on "Other editions of this page" does not open it'; }
      const m = await tabTo(page, () => !!document.activeElement?.closest('.hb-editions') && document.activeElement.tagName === 'A' &&
        !document.activeElement.hasAttribute('aria-current'), null, 10);
      if (!m) { await page.close(); return 'Tab never reaches a link to another edition'; }
      const href = await page.evaluate(() => document.activeElement.getAttribute('href'));
      await Promise.all([page.waitForNavigation({ timeout: 5000 }), page.keyboard.press('Enter')]);
      const now = new URL(page.url()).pathname;
      const ok = await page.evaluate(() => !!document.querySelector('main h1'));
      await page.close();
      return (!ok || now === url) && `Enter on the edition link ${href} did not open it (now at ${now})`;
    });
  }

  // Quick exit: the button and Shift x3 both go to the configured address.
  // The navigation is intercepted: nothing leaves the machine.
  const exitPage = config.types.find((t) => t.name === 'quick-exit').url;
  async function openExitPage(ctx) {
    const page = await open(ctx, exitPage);
    const attempts = [];
    await page.route((u) => !isLocal(u.href), (route) => {
      attempts.push(route.request().url());
      if (route.request().isNavigationRequest()) {
        return route.fulfill({ status: 200, contentType: 'text/html', body: '<title>Exited</title><p>Exited' });
      }
      return route.abort('blockedbyclient');
    });
    return { page, attempts };
  }
  const wentTo = async (page, attempts) => {
    await page.waitForURL((u) => u.origin !== origin, { timeout: 5000 }).catch(() => {});
    if (attempts.length === 0) return 'no navigation away from the page';
    if (!attempts.includes(config.exitURL)) return `it went to ${attempts.join(', ')}, not ${config.exitURL}`;
    return null;
  };
  for (const [label, ctx] of [['1280', desktop], ['360', phone]]) {
    await check(`quick-exit/button-by-keyboard-${label}`, async () => {
      const { page, attempts } = await openExitPage(ctx);
      const sel = '.govuk-exit-this-page__button';
      const n = await tabTo(page, (s) => document.activeElement?.matches(s), sel, 20);
      if (!n) { await page.close(); return 'Tab never reaches the Exit this page button'; }
      if (!(await visible(page, sel))) { await page.close(); return 'the Exit this page button is focused but not visible'; }
      await page.keyboard.press('Enter');
      const p = await wentTo(page, attempts);
      await page.close();
      return p && `Enter on Exit this page: ${p}`;
    });
  }
  await check('quick-exit/shift-three-times', async () => {
    const { page, attempts } = await openExitPage(desktop);
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift');
    const p = await wentTo(page, attempts);
    await page.close();
    return p && `Shift pressed three times: ${p}`;
  });
  await desktop.close();
  await phone.close();
  lap('keyboard');
}

// ---------------------------------------------------------------------------
// 4b. Search suggestions in the header: typing shows pages from the real
//     index (the Go test serves /search.json with the search package's
//     handler), arrow keys move through them, Enter opens one. Checked at
//     1280 and 360 px, with axe while the list is open.
// ---------------------------------------------------------------------------
if (want('suggest')) {
  for (const [label, viewport] of [['1280', DESKTOP], ['360', PHONE]]) {
    const ctx = await newContext({ viewport });
    await check(`search-suggest/keyboard-${label}`, async () => {
      const problems = [];
      const page = await open(ctx, '/');
      const lbl = await page.evaluate(() => {
        const l = document.querySelector('label[for="search-input"]');
        if (!l) return null;
        const r = l.getBoundingClientRect();
        return { text: l.innerText.trim(), name: l.textContent.trim(), visible: r.width > 1 && r.height > 1, right: r.right };
      });
      if (!lbl) problems.push('the header search box has no <label>');
      else if (!lbl.visible || !/^Search/.test(lbl.text)) problems.push(`the header search label is not visible (shows "${lbl.text}")`);
      const n = await tabTo(page, () => document.activeElement?.id === 'search-input', null, 30);
      if (!n) { await page.close(); return [...problems, 'Tab never reaches the header search box']; }
      await page.keyboard.type('escalation', { delay: 20 });
      const opened = await page.waitForFunction(() => document.getElementById('search-input').getAttribute('aria-expanded') === 'true' &&
        document.querySelectorAll('[role="option"]').length > 0, null, { timeout: 5000 }).then(() => true, () => false);
      if (!opened) { await page.close(); return [...problems, 'typing "escalation" in the header search box shows no suggestions']; }
      const state = () => page.evaluate(() => {
        const input = document.getElementById('search-input');
        const list = document.getElementById(input.getAttribute('aria-controls'));
        const opts = [...list.querySelectorAll('[role="option"]')];
        const ad = input.getAttribute('aria-activedescendant');
        const act = ad && document.getElementById(ad);
        const r = list.getBoundingClientRect();
        const bg = (el) => getComputedStyle(el).backgroundColor;
        return {
          focused: document.activeElement === input,
          expanded: input.getAttribute('aria-expanded'),
          visible: !list.hidden && r.width > 1 && r.height > 1,
          box: { left: r.left, right: r.right, top: r.top },
          inputBottom: input.getBoundingClientRect().bottom,
          count: opts.length,
          active: act ? opts.indexOf(act) : -1,
          activeClass: act ? act.classList.contains('hb-suggest__option--active') : false,
          activeSelected: act ? act.getAttribute('aria-selected') : null,
          activeBg: act ? bg(act) : null,
          otherBg: opts.find((o) => o !== act) ? bg(opts.find((o) => o !== act)) : null,
          activeHref: act ? act.dataset.href : null,
          marks: [...list.querySelectorAll('mark')].map((m) => bg(m)),
          width: window.innerWidth,
        };
      });
      let st = await state();
      if (!st.visible) problems.push('the suggestions list is not visible');
      if (st.box.left < 0 || st.box.right > st.width + 0.5) problems.push(`the suggestions list runs off the screen (${Math.round(st.box.left)}–${Math.round(st.box.right)} px of ${st.width})`);
      if (st.box.top < st.inputBottom - 1) problems.push('the suggestions list covers the search box');
      if (st.marks.length === 0) problems.push('no <mark> highlights the searched word in the suggestions');
      if (st.marks.some((c) => /rgba\(0, 0, 0, 0\)|transparent/.test(c))) problems.push('<mark> in the suggestions has no highlight colour');
      const o = await horizontalOverflow(page);
      if (o) problems.push(`with the suggestions open: ${o}`);
      for (const v of await runAxe(page)) problems.push(`axe, suggestions open: ${v}`);
      await screenshot(page, label, 'search-suggestions');

      await page.keyboard.press('ArrowDown');
      st = await state();
      if (st.active !== 0) problems.push(`ArrowDown makes option ${st.active + 1} active, not the first`);
      if (!st.activeClass || st.activeSelected !== 'true') problems.push('the active option is not marked (class hb-suggest__option--active, aria-selected=true)');
      if (st.activeBg === st.otherBg || /rgba\(0, 0, 0, 0\)|transparent/.test(st.activeBg || '')) problems.push(`the active option does not look different (background ${st.activeBg})`);
      if (!st.focused) problems.push('focus left the search box');
      if (st.count > 1) {
        await page.keyboard.press('ArrowDown');
        st = await state();
        if (st.active !== 1) problems.push(`a second ArrowDown makes option ${st.active + 1} active, not the second`);
        await page.keyboard.press('ArrowUp');
        st = await state();
        if (st.active !== 0) problems.push(`ArrowUp makes option ${st.active + 1} active, not the first`);
      }
      await screenshot(page, label, 'search-suggestions-active');
      await page.keyboard.press('Escape');
      st = await state();
      if (st.expanded !== 'false' || st.visible) problems.push('Escape does not close the suggestions');
      await page.keyboard.press('ArrowDown');
      st = await state();
      if (st.expanded !== 'true' || st.active !== 0) problems.push('ArrowDown after Escape does not reopen the suggestions on the first option');
      const href = st.activeHref;
      const went = await Promise.all([page.waitForURL(href, { timeout: 5000 }).then(() => true, () => false), page.keyboard.press('Enter')]);
      if (!went[0]) problems.push(`Enter on the active suggestion did not open ${href} (now at ${page.url()})`);
      else if (!(await page.evaluate(() => !!document.querySelector('main h1')))) problems.push(`${href} opened without a heading`);
      const h = await pageHealth(page, new URL(page.url()).pathname);
      problems.push(...h.console, ...h.csp, ...h.external);
      await page.close();
      return problems;
    });
    await ctx.close();
  }
  lap('suggest');
}

// ---------------------------------------------------------------------------
// 4c. Quick exit: the link to browsing safely is there, and the button and
//     breadcrumbs leave no empty gap above the content at 1280 px.
// ---------------------------------------------------------------------------
if (want('quick-exit')) {
  const exitPage = config.types.find((t) => t.name === 'quick-exit').url;
  const plainPage = config.types.find((t) => t.name === 'page').url;
  for (const [label, viewport] of [['1280', DESKTOP], ['360', PHONE]]) {
    const ctx = await newContext({ viewport });
    await check(`quick-exit/browsing-safely-link-${label}`, async () => {
      const page = await open(ctx, exitPage);
      const link = await page.evaluate(() => {
        const a = document.querySelector('.hb-quick-exit-help a');
        if (!a) return null;
        const r = a.getBoundingClientRect();
        return { href: new URL(a.href).pathname, visible: r.width > 1 && r.height > 1, text: a.textContent.trim() };
      });
      await page.close();
      if (!link) return `${exitPage} has quick exit but no link to the page on browsing safely`;
      const out = [];
      if (!link.visible) out.push('the link to browsing safely is not visible');
      if (link.href !== config.safetyURL) out.push(`the link goes to ${link.href}, not ${config.safetyURL}`);
      return out;
    });
    await ctx.close();
  }
  await check('quick-exit/no-gap-1280', async () => {
    const ctx = await newContext({ viewport: DESKTOP });
    // The space between the last of the things above <main> (breadcrumb
    // text, Exit this page, its help line) and the first thing in <main>.
    const gap = async (url) => {
      const page = await open(ctx, url);
      const g = await page.evaluate(() => {
        const above = [...document.querySelectorAll('.govuk-breadcrumbs__list-item, .govuk-exit-this-page__button, .hb-quick-exit-help')]
          .filter((e) => e.getClientRects().length).map((e) => e.getBoundingClientRect().bottom);
        const first = [...document.querySelector('main').querySelectorAll('*')]
          .find((e) => e.getClientRects().length && e.getBoundingClientRect().height > 0);
        return first.getBoundingClientRect().top - Math.max(...above);
      });
      await page.close();
      return Math.round(g);
    };
    const sensitive = await gap(exitPage), plain = await gap(plainPage);
    await ctx.close();
    return sensitive > plain + 10 &&
      `${exitPage}: ${sensitive} px of empty space above the content, against ${plain} px on ${plainPage}`;
  });
  lap('quick-exit');
}

// ---------------------------------------------------------------------------
// 5. The threshold overview: a list at 360 px (not a scrolling table), a
//    matrix (levels × domains) at 1280 px and on paper, and a link to every
//    indicator.
// ---------------------------------------------------------------------------

// matrixLayout describes how the overview is laid out in page: for each
// level, the boxes of its summary and domain cells.
const matrixLayout = (page) => page.evaluate(() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top, bottom: r.bottom }; };
  const levels = [...document.querySelectorAll('main .hb-level')].map((li) => ({
    id: li.id,
    title: li.querySelector('.hb-level__title')?.textContent.trim(),
    box: box(li),
    cells: [li.querySelector('.hb-level__summary'), ...li.querySelectorAll('.hb-level__domain')].filter(Boolean).map(box),
  }));
  const head = document.querySelector('main .hb-matrix__head');
  const headCells = head && head.getClientRects().length ? [...head.children].map(box) : [];
  const cellTitles = [...document.querySelectorAll('main .hb-level__domain-title')].filter((h) => h.getBoundingClientRect().width > 20).length;
  return { levels, headCells, cellTitles, width: document.documentElement.clientWidth };
});

// asMatrix lists what keeps a layout from being a matrix: each level a
// row of 4 cells side by side, every row's cells in the same columns as the
// column headings, rows one under the other.
// On paper there is no headings row (rows go over pages): each cell names
// its domain instead.
function asMatrix(m, { head = true } = {}) {
  const out = [];
  if (m.levels.length < 2) out.push(`found ${m.levels.length} levels`);
  if (head && m.headCells.length !== 4) out.push(`the column headings row shows ${m.headCells.length} cells, not 4`);
  if (!head && m.cellTitles < m.levels.length * 3) out.push(`only ${m.cellTitles} domain headings are visible in ${m.levels.length} levels`);
  m.levels.forEach((l, i) => {
    if (l.cells.length !== 4) { out.push(`${l.id} has ${l.cells.length} cells, not 4 (summary and three domains)`); return; }
    for (let c = 1; c < 4; c++) {
      if (l.cells[c].left < l.cells[c - 1].right - 1) out.push(`${l.id}: cell ${c + 1} is not to the right of cell ${c}`);
      if (Math.abs(l.cells[c].top - l.cells[0].top) > 2) out.push(`${l.id}: cell ${c + 1} does not start level with the summary`);
    }
    l.cells.forEach((cell, c) => {
      const h = m.headCells[c];
      if (h && Math.abs(cell.left - h.left) > 1) out.push(`${l.id}: cell ${c + 1} is not under its column heading (${cell.left} vs ${h.left})`);
      const first = m.levels[0].cells[c];
      if (first && Math.abs(cell.left - first.left) > 1) out.push(`${l.id}: cell ${c + 1} is not in the same column as ${m.levels[0].id}'s`);
      if (cell.right > m.width + 0.5) out.push(`${l.id}: cell ${c + 1} runs off the page`);
    });
    if (i > 0 && l.box.top < m.levels[i - 1].box.bottom - 1) out.push(`${l.id} overlaps the level above`);
  });
  return out;
}

if (want('overview')) {
  const phone = await newContext({ viewport: PHONE });
  await check('threshold-overview/list-at-360', async () => {
    const page = await open(phone, '/thresholds/');
    const problems = await page.evaluate(() => {
      const out = [];
      const main = document.querySelector('main');
      for (const el of main.querySelectorAll('*')) {
        const cs = getComputedStyle(el);
        if (['auto', 'scroll'].includes(cs.overflowX) && el.scrollWidth > el.clientWidth + 1) {
          out.push(`<${el.tagName.toLowerCase()} class="${el.className}"> scrolls sideways (${el.scrollWidth} > ${el.clientWidth} px)`);
        }
        if (el.tagName === 'TABLE' && el.getClientRects().length > 0 && cs.display === 'table') {
          out.push('the levels are laid out as a table at 360 px');
        }
      }
      // The levels stack: each level's heading starts at the same left edge,
      // below the one before; each domain of a level is under the one before
      // and shows its heading.
      const heads = [...main.querySelectorAll('.hb-level__title')].filter((h) => h.getClientRects().length);
      if (heads.length < 2) out.push(`found ${heads.length} level headings`);
      for (let i = 1; i < heads.length; i++) {
        const a = heads[i - 1].getBoundingClientRect(), b = heads[i].getBoundingClientRect();
        if (Math.abs(a.left - b.left) > 1 || b.top <= a.bottom) out.push(`"${heads[i].textContent.trim()}" is beside, not below, "${heads[i - 1].textContent.trim()}"`);
        if (b.right > window.innerWidth) out.push(`"${heads[i].textContent.trim()}" runs off the screen`);
      }
      for (const li of main.querySelectorAll('.hb-level')) {
        const doms = [...li.querySelectorAll('.hb-level__domain')];
        for (let i = 1; i < doms.length; i++) {
          if (doms[i].getBoundingClientRect().top < doms[i - 1].getBoundingClientRect().bottom - 1) out.push(`${li.id}: domain ${i + 1} is beside, not below, domain ${i}`);
        }
        for (const h of li.querySelectorAll('.hb-level__domain-title')) {
          const r = h.getBoundingClientRect();
          if (r.width < 20 || r.height < 10) out.push(`${li.id}: the domain heading "${h.textContent.trim()}" is not visible at 360 px`);
        }
      }
      const head = main.querySelector('.hb-matrix__head');
      if (head && head.getClientRects().length) out.push('the matrix column headings show at 360 px');
      return out;
    });
    const o = await horizontalOverflow(page);
    if (o) problems.push(o);
    await page.close();
    return problems;
  });
  await phone.close();

  const desktop = await newContext({ viewport: DESKTOP });
  await check('threshold-overview/matrix-at-1280', async () => {
    const page = await open(desktop, '/thresholds/');
    const problems = asMatrix(await matrixLayout(page));
    const o = await horizontalOverflow(page);
    if (o) problems.push(o);
    await page.close();
    return problems;
  });

  // Every indicator has an id, unique on the page and prefixed with its
  // level; its link points at it, and opening that link shows it.
  await check('threshold-overview/indicator-anchors', async () => {
    const page = await open(desktop, '/thresholds/');
    const info = await page.evaluate(() => {
      const out = [];
      const all = [...document.querySelectorAll('[id]')].map((e) => e.id);
      const dupes = all.filter((id, i) => all.indexOf(id) !== i);
      if (dupes.length) out.push(`ids used more than once: ${[...new Set(dupes)].join(', ')}`);
      const items = [...document.querySelectorAll('main .hb-level .hb-indicators > li')];
      if (items.length < 8) out.push(`only ${items.length} indicators on the overview`);
      for (const li of items) {
        const level = li.closest('.hb-level').id;
        if (!li.id) { out.push(`an indicator of ${level} has no id: "${li.textContent.trim().slice(0, 50)}"`); continue; }
        if (!li.id.startsWith(level + '-')) out.push(`#${li.id} is not prefixed with its level (${level}-)`);
        const a = li.querySelector('a.hb-indicator__link');
        if (!a || a.getAttribute('href') !== '#' + li.id) out.push(`#${li.id} has no link to itself`);
      }
      const third = items.filter((li) => li.closest('.hb-level').id !== items[0].closest('.hb-level').id)[2] || items[items.length - 1];
      return { out, target: third && third.id };
    });
    const problems = info.out;
    if (info.target) {
      // Open the indicator's link as a practitioner would receive it.
      await page.goto(`${base}/thresholds/#${info.target}`);
      const seen = await page.evaluate((id) => {
        const el = document.getElementById(id);
        const r = el.getBoundingClientRect();
        return { matches: el.matches(':target'), inView: r.top >= 0 && r.bottom <= window.innerHeight, bg: getComputedStyle(el).backgroundColor };
      }, info.target);
      if (!seen.matches) problems.push(`opening #${info.target} does not target it`);
      if (!seen.inView) problems.push(`opening #${info.target} does not scroll it into view`);
      if (/rgba\(0, 0, 0, 0\)|transparent/.test(seen.bg)) problems.push(`the targeted indicator #${info.target} is not highlighted`);
      await screenshot(page, '1280', 'threshold-overview-indicator-target');
    }
    await page.close();
    return problems;
  });

  // On paper (A4 portrait, as the print check below prints briefings) the
  // overview is the matrix too, and it is kept as a PDF for a person to read.
  await check('threshold-overview/print', async () => {
    const page = await open(desktop, '/thresholds/');
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 718, height: 1000 }); // 190 mm: A4 less 10 mm margins
    const problems = asMatrix(await matrixLayout(page), { head: false });
    const hidden = await page.evaluate(() => [...document.querySelectorAll('.hb-indicator__link, .govuk-exit-this-page, .hb-header-search')]
      .filter((e) => e.getClientRects().length > 0).map((e) => e.className));
    if (hidden.length) problems.push(`printed although they are for the screen: ${[...new Set(hidden)].join(', ')}`);
    const dir = join(artifacts, 'print');
    mkdirSync(dir, { recursive: true });
    const pdf = await page.pdf({ format: 'A4', margin: { top: '10mm', right: '10mm', bottom: '10mm', left: '10mm' } });
    writeFileSync(join(dir, 'threshold-overview.pdf'), pdf);
    const pages = countPDFPages(pdf);
    if (pages > 4) problems.push(`the overview prints on ${pages} pages`);
    await page.close();
    return problems.map((p) => `print: ${p}`);
  });
  await desktop.close();
  lap('overview');
}

// ---------------------------------------------------------------------------
// 6. Each 7-minute briefing prints on exactly one A4 page.
// ---------------------------------------------------------------------------
if (want('print')) {
  const ctx = await newContext({ viewport: DESKTOP });
  const dir = join(artifacts, 'print');
  mkdirSync(dir, { recursive: true });
  let page = null;
  for (const url of config.briefings) {
    const slug = url.replace(/^\/|\/$/g, '').replace(/\//g, '-');
    await check(`print/one-a4-page/${slug}`, async () => {
      page = await open(ctx, url, page);
      const pdf = await page.pdf({
        format: 'A4',
        // Chromium's default printing margins (about 1 cm); an @page rule
        // in the print stylesheet overrides them.
        margin: { top: '10mm', right: '10mm', bottom: '10mm', left: '10mm' },
        printBackground: false,
      });
      writeFileSync(join(dir, slug + '.pdf'), pdf);
      const pages = countPDFPages(pdf);
      return pages !== 1 && `${url} prints on ${pages} A4 pages, not 1 (see ${join(dir, slug + '.pdf')})`;
    });
  }
  await ctx.close();
  lap('print');
}

// ---------------------------------------------------------------------------
// 7. The compare page: a summary first, each page's diff folded until
//    opened, additions and removals told apart by colour and by a sign.
// ---------------------------------------------------------------------------
if (want('compare') && config.types.some((t) => t.name === 'compare')) {
  const url = config.types.find((t) => t.name === 'compare').url;
  for (const [label, viewport] of [['1280', DESKTOP], ['360', PHONE]]) {
    const ctx = await newContext({ viewport });
    await check(`compare/summary-and-folded-diffs-${label}`, async () => {
      const page = await open(ctx, url);
      const out = [];
      const s = await page.evaluate(() => {
        const table = document.querySelector('main table.hb-compare-summary');
        const details = [...document.querySelectorAll('main details.hb-compare-page')];
        const before = table && details[0] && (table.compareDocumentPosition(details[0]) & Node.DOCUMENT_POSITION_FOLLOWING);
        const rows = table ? [...table.querySelectorAll('tbody tr')].map((tr) => tr.innerText.replace(/\s+/g, ' ').trim()) : [];
        return {
          rows, before: !!before, count: details.length,
          open: details.filter((d) => d.open).length,
          hiddenDiffs: details.filter((d) => { const x = d.querySelector('.hb-diff'); return x && !x.checkVisibility(); }).length,
          height: document.documentElement.scrollHeight,
        };
      });
      if (s.rows.length === 0) out.push('no summary table of the pages that changed');
      if (!s.before) out.push('the summary does not come before the diffs');
      if (s.rows.some((r) => !/\d+ words? added, \d+ removed/.test(r))) out.push(`a summary row does not say how much changed: ${s.rows.find((r) => !/added/.test(r))}`);
      if (s.count !== s.rows.length) out.push(`${s.rows.length} summary rows for ${s.count} folded diffs`);
      if (s.open > 0 || s.hiddenDiffs !== s.count) out.push(`${s.open} diffs open and ${s.count - s.hiddenDiffs} shown before any is opened`);
      // Open the first by keyboard: its diff shows, with marked changes.
      const n = await tabTo(page, () => document.activeElement?.matches('details.hb-compare-page > summary'), null, 80);
      if (!n) out.push('Tab never reaches a folded diff');
      else {
        await page.keyboard.press('Enter');
        const d = await page.evaluate(() => {
          const det = document.querySelector('details.hb-compare-page[open]');
          if (!det) return null;
          const ins = det.querySelector('ins.hb-diff__ins'), del = det.querySelector('del.hb-diff__del');
          const look = (el) => el && { bg: getComputedStyle(el).backgroundColor, line: getComputedStyle(el).textDecorationLine, sign: el.querySelector('.hb-diff__sign')?.textContent };
          return { ins: look(ins), del: look(del) };
        });
        if (!d) out.push('Enter on a folded diff does not open it');
        else if (!d.ins || !d.del) out.push('the opened diff shows no added or no removed text');
        else {
          if (d.ins.bg === d.del.bg || /rgba\(0, 0, 0, 0\)/.test(d.ins.bg + d.del.bg)) out.push(`added and removed text have no background colours of their own (${d.ins.bg}, ${d.del.bg})`);
          if (d.ins.sign !== '+' || d.del.sign !== '−') out.push(`added and removed text are not marked by a sign (${d.ins.sign}, ${d.del.sign})`);
          if (!/underline/.test(d.ins.line) || !/line-through/.test(d.del.line)) out.push(`added text is not underlined or removed text not struck through (${d.ins.line}, ${d.del.line})`);
        }
        await screenshot(page, label, 'compare-opened');
      }
      await page.close();
      return out.map((p) => `${url}: ${p}`);
    });
    await ctx.close();
  }
  lap('compare');
}

// ---------------------------------------------------------------------------
// 7b. Charts on a report: images with a name and a description a screen
//     reader announces, their table right after them, no sideways scroll.
// ---------------------------------------------------------------------------
if (want('chart')) {
  const url = config.types.find((t) => t.name === 'report').url;
  for (const [label, viewport] of [['1280', DESKTOP], ['360', PHONE]]) {
    const ctx = await newContext({ viewport });
    await check(`chart/name-description-table-${label}`, async () => {
      const page = await open(ctx, url);
      const out = [];
      const imgs = page.getByRole('img', { name: /^Bar chart: / });
      const n = await imgs.count();
      if (n === 0) out.push('no chart is an image named "Bar chart: …"');
      for (let i = 0; i < n; i++) {
        const c = await imgs.nth(i).evaluate((svg) => {
          const ids = (svg.getAttribute('aria-labelledby') || '').split(/\s+/);
          const desc = ids[1] && document.getElementById(ids[1]);
          const section = svg.closest('.hb-figure');
          const table = section && section.querySelector('table');
          const r = svg.getBoundingClientRect();
          return {
            name: ids[0] && document.getElementById(ids[0])?.textContent,
            desc: desc ? desc.textContent : '',
            heading: section?.querySelector('h3')?.textContent.trim(),
            tableAfter: !!table && !!(svg.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING),
            firstRow: table?.querySelector('tbody th')?.textContent.trim(),
            width: r.width, right: r.right,
          };
        });
        if (!c.heading || !c.name.includes(c.heading.replace(/ \(.*\)$/, ''))) out.push(`chart "${c.name}" is not named by its table's heading "${c.heading}"`);
        if (!c.desc || !c.desc.includes(c.firstRow)) out.push(`chart "${c.name}" has no description reading out its figures`);
        if (!c.tableAfter) out.push(`chart "${c.name}" has no table after it`);
        if (c.width < 200 || c.right > viewport.width) out.push(`chart "${c.name}" is ${Math.round(c.width)} px wide, ending at ${Math.round(c.right)} px`);
      }
      const o = await horizontalOverflow(page);
      if (o) out.push(o);
      await screenshot(page, label, 'report-charts');
      await page.close();
      return out.map((p) => `${url}: ${p}`);
    });
    await ctx.close();
  }
  lap('chart');
}

// ---------------------------------------------------------------------------
// 7c. "On this page" lists the sections the layout writes (a threshold's
//     Who to contact and Indicators, a procedure's Stages) as well as the
//     Markdown headings, and each link brings its heading into view.
// ---------------------------------------------------------------------------
if (want('toc')) {
  const ctx = await newContext({ viewport: DESKTOP });
  for (const [name, first] of [['threshold', 'Who to contact'], ['procedure-stages', 'Stages']]) {
    const url = config.types.find((t) => t.name === name).url;
    await check(`toc/${name}-lists-its-sections`, async () => {
      const page = await open(ctx, url);
      const out = [];
      const nav = page.getByRole('navigation', { name: 'On this page' });
      const links = await nav.getByRole('link').evaluateAll((as) => as.map((a) => ({ text: a.textContent.trim(), hash: a.hash })));
      if (links.length === 0 || links[0].text !== first) out.push(`On this page starts with ${JSON.stringify(links[0]?.text)}, not "${first}"`);
      for (const l of links) {
        await nav.getByRole('link', { name: l.text, exact: true }).first().click();
        const at = await page.evaluate((hash) => {
          const el = document.getElementById(decodeURIComponent(hash.slice(1)));
          if (!el) return null;
          const r = el.getBoundingClientRect();
          return { text: el.textContent.trim(), top: r.top, inView: r.top >= 0 && r.top < window.innerHeight, hash: location.hash };
        }, l.hash);
        if (!at) out.push(`"${l.text}" links ${l.hash}, which is not on the page`);
        else if (at.text !== l.text || !at.inView || at.hash !== l.hash) out.push(`"${l.text}" brought ${JSON.stringify(at)} into view`);
      }
      await page.close();
      return out.map((p) => `${url}: ${p}`);
    });
  }
  await ctx.close();
  lap('toc');
}

// ---------------------------------------------------------------------------
// 8. The arrangements and the procedures on one page, printed to PDF as a
//    reader would from the browser: every sheet carries the stamp (its
//    address, as a link at the foot of the sheet).
// ---------------------------------------------------------------------------
if (want('whole')) {
  const ctx = await newContext({ viewport: DESKTOP });
  const dir = join(artifacts, 'print');
  mkdirSync(dir, { recursive: true });
  for (const name of ['whole-arrangements', 'whole-procedures']) {
    const url = config.types.find((t) => t.name === name).url;
    await check(`print/${name}`, async () => {
      const page = await open(ctx, url);
      const parts = await page.evaluate(() => document.querySelectorAll('.hb-whole__part').length);
      const pdf = await page.pdf({ format: 'A4', margin: { top: '10mm', right: '10mm', bottom: '10mm', left: '10mm' } });
      await page.close();
      writeFileSync(join(dir, name + '.pdf'), pdf);
      const pages = countPDFPages(pdf);
      const stamped = stampedPages(pdf, base + url);
      const out = [];
      if (pages < parts) out.push(`${parts} parts print on ${pages} A4 pages: each part should start a page`);
      const missing = stamped.map((ok, i) => ok ? 0 : i + 1).filter(Boolean);
      if (stamped.length !== pages || missing.length) out.push(`of ${pages} printed pages, these have no stamp with the address at their foot: ${missing.join(', ')}`);
      console.log(`${url}: ${pages} A4 pages, ${stamped.filter(Boolean).length} stamped`);
      return out.map((p) => `${url}: ${p}`);
    });
  }
  await ctx.close();
  lap('whole');
}

// stampedPages says, for each page of a PDF Chromium wrote, whether it has
// a link to href: the print stamp, repeated at the foot of every sheet (in
// its bottom tenth; on the last sheet it follows the text). Chromium writes
// pages and link annotations as plain (uncompressed) objects, in order.
function stampedPages(buf, href) {
  const s = buf.toString('latin1');
  const objs = new Map();
  for (const m of s.matchAll(/(\d+) 0 obj\s*([\s\S]*?)endobj/g)) objs.set(m[1], m[2]);
  const out = [];
  const pages = [...objs.values()].filter((o) => /\/Type\s*\/Page(?![A-Za-z])/.test(o));
  for (const [i, o] of pages.entries()) {
    const last = i === pages.length - 1;
    const box = (o.match(/\/MediaBox\s*\[([^\]]*)\]/) || [, '0 0 595 842'])[1].trim().split(/\s+/).map(Number);
    const annots = (o.match(/\/Annots\s*\[([^\]]*)\]/) || [, ''])[1];
    const ok = [...annots.matchAll(/(\d+) 0 R/g)].some(([, id]) => {
      const a = objs.get(id) || '';
      const rect = (a.match(/\/Rect\s*\[([^\]]*)\]/) || [, ''])[1].trim().split(/\s+/).map(Number);
      return a.includes(`/URI (${href})`) && rect.length === 4 && (last || rect[3] < box[1] + (box[3] - box[1]) / 10);
    });
    out.push(ok);
  }
  return out;
}

// countPDFPages counts the page objects of a PDF that Chromium wrote
// (uncompressed object headers: `/Type /Page`, not `/Type /Pages`).
function countPDFPages(buf) {
  const s = buf.toString('latin1');
  return (s.match(/\/Type\s*\/Page(?![A-Za-z])/g) || []).length;
}

await browser.close();

// An index of the screenshots, for whoever opens the CI artifacts.
{
  const rows = config.types.map((t) => `<tr><th scope="row">${t.name}<br><code>${t.url}</code></th>` +
    `<td><a href="screenshots/1280/${t.name}.png"><img src="screenshots/1280/${t.name}.png" width="320" alt="${t.name} at 1280 px"></a></td>` +
    `<td><a href="screenshots/360/${t.name}.png"><img src="screenshots/360/${t.name}.png" width="120" alt="${t.name} at 360 px"></a></td></tr>`).join('\n');
  writeFileSync(join(artifacts, 'index.html'), `<!DOCTYPE html><html lang="en"><meta charset="utf-8"><title>handbook e2e screenshots</title>
<h1>Screenshots</h1><table><thead><tr><th>page</th><th>1280 px</th><th>360 px</th></tr></thead><tbody>
${rows}
</tbody></table><h2>Print</h2><ul>${config.briefings.map((u) => `<li><a href="print/${u.replace(/^\/|\/$/g, '').replace(/\//g, '-')}.pdf">${u}</a></li>`).join('')}</ul>`);
}
lap(`done, ${failures()} failed`);
