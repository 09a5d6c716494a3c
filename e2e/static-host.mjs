// Browser checks of search on a plain static host, run by
// TestStaticHostSearch (static_search_test.go): the built default site is
// served with netlify.toml's headers and nothing else (no redirects, no
// function), as GitHub Pages, S3 or a council's web server would serve it.
//
// Prints `@@result {"name","ok","msg"}` lines, as run.mjs does.

import { readFileSync } from 'node:fs';
import { launch } from './browser.mjs';
import { check } from './checks.mjs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const base = config.baseURL;

const browser = await launch(config.chromium);

// watch records what goes wrong on a page: CSP violations, failed
// requests, answers of 400 and over, console errors.
async function watched(options = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  await ctx.addInitScript(() => {
    window.__hbCSP = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__hbCSP.push(`${e.effectiveDirective}: ${e.blockedURI || '(inline)'}`);
    }, true);
  });
  const page = await ctx.newPage();
  const problems = [];
  const bytes = { total: 0 };
  // A request the page itself gave up on (suggestions still loading when
  // the reader pressed Enter and left the page) is not a failure.
  page.on('requestfailed', (r) => { if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`) });
  page.on('response', async (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} for ${r.url()}`);
  });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  const csp = async () => (await page.evaluate(() => window.__hbCSP).catch(() => [])).map((v) => 'CSP violation: ' + v);
  return { ctx, page, problems, csp, bytes };
}

// 1. From the header box with Enter.
await check('static-host/enter', async () => {
  const w = await watched();
  const { page } = w;
  await page.goto(base + '/');
  await page.fill('#search-input', 'escalation');
  await Promise.all([page.waitForURL(/\/search\/\?q=escalation/), page.press('#search-input', 'Enter')]);
  const out = [];
  await page.waitForSelector('.hb-search-results .hb-search-result', { timeout: 10000 }).catch(() => out.push('no results appear for "escalation"'));
  const info = await page.evaluate(() => ({
    heading: document.querySelector('#hb-search-results-heading')?.textContent || '',
    top: [...document.querySelectorAll('.hb-search-result a')].slice(0, 3).map((a) => a.getAttribute('href')),
    marks: document.querySelectorAll('.hb-search-result mark').length,
    value: document.querySelector('#hb-search-q')?.value,
    forms: document.querySelectorAll('form.hb-search-page-form').length,
  }));
  if (!/^\d+ results? for ‘escalation’$/.test(info.heading)) out.push(`the results heading reads "${info.heading}"`);
  if (!info.top.some((u) => u.startsWith('/procedures/escalation/'))) out.push(`the top 3 are ${info.top}, without the escalation procedure`);
  if (info.marks === 0) out.push('no <mark> in the snippets');
  if (info.value !== 'escalation') out.push(`the search page's box holds "${info.value}"`);
  if (info.forms !== 1) out.push(`the search page has ${info.forms} search forms`);
  // Show more, where there are more than ten.
  const more = await page.$('.hb-search-more');
  if (more) {
    const before = await page.$$eval('.hb-search-result', (e) => e.length);
    await more.click();
    await page.waitForFunction((n) => document.querySelectorAll('.hb-search-result').length > n, before, { timeout: 5000 }).catch(() => out.push('"Show more results" shows no more'));
  }
  out.push(...w.problems, ...await w.csp());
  await w.ctx.close();
  return out;
});

// 2. The typeahead: the last word is the start of a word.
await check('static-host/typeahead', async () => {
  const w = await watched();
  const { page } = w;
  await page.goto(base + '/');
  await page.click('#search-input');
  await page.keyboard.type('negl', { delay: 30 });
  const out = [];
  const opened = await page.waitForFunction(() => document.getElementById('search-input').getAttribute('aria-expanded') === 'true', null, { timeout: 10000 }).then(() => true, () => false);
  if (!opened) return [...w.problems, 'typing "negl" shows no suggestions'];
  const titles = await page.$$eval('.hb-suggest__option .hb-suggest__link', (els) => els.map((e) => e.textContent));
  if (!titles.some((t) => /neglect/i.test(t))) out.push(`no suggestion about neglect for "negl": ${titles.join(' | ')}`);
  await page.keyboard.press('ArrowDown');
  const href = await page.$eval('.hb-suggest__option--active', (e) => e.dataset.href);
  await Promise.all([page.waitForURL((u) => u.href === href, { timeout: 5000 }), page.keyboard.press('Enter')]).catch(() => out.push('Enter on a suggestion does not open it'));
  out.push(...w.problems, ...await w.csp());
  await w.ctx.close();
  return out;
});

// 3. A typo is corrected, and says so; a correctly spelt word the site
//    does not use is not.
await check('static-host/typo', async () => {
  const w = await watched();
  const { page } = w;
  const out = [];
  await page.goto(base + '/search/?q=neglet');
  await page.waitForSelector('#hb-search-results-heading', { timeout: 10000 });
  const said = await page.$eval('.hb-search-corrected', (e) => e.textContent).catch(() => '');
  if (!/Showing results for neglect\. Search instead for neglet/.test(said)) out.push(`for "neglet" the page says "${said}"`);
  await page.goto(base + '/search/?q=sexting');
  await page.waitForSelector('#hb-search-results-heading', { timeout: 10000 });
  const wrong = await page.evaluate(() => ({
    corrected: document.querySelector('.hb-search-corrected')?.textContent || '',
    marks: [...document.querySelectorAll('.hb-search-result mark')].map((m) => m.textContent.toLowerCase()),
  }));
  if (wrong.corrected) out.push(`"sexting" was corrected: ${wrong.corrected}`);
  if (wrong.marks.some((m) => m.startsWith('setting'))) out.push('"sexting" found pages about settings');
  out.push(...w.problems, ...await w.csp());
  await w.ctx.close();
  return out;
});

// 4. Nothing found: say so, with the emergency line, the front door and
//    where else to look.
await check('static-host/no-results', async () => {
  const w = await watched();
  const { page } = w;
  await page.goto(base + '/search/?q=xylophone');
  await page.waitForSelector('#hb-search-results-heading', { timeout: 10000 });
  const info = await page.evaluate(() => ({
    heading: document.querySelector('#hb-search-results-heading').textContent,
    text: document.querySelector('#hb-search-out').textContent,
    links: [...document.querySelectorAll('#hb-search-out a')].map((a) => a.getAttribute('href')),
  }));
  const out = [];
  if (!info.heading.startsWith('0 results')) out.push(`the heading reads "${info.heading}"`);
  if (!/No pages matched your search/.test(info.text)) out.push('no "No pages matched" message');
  if (!/999/.test(info.text)) out.push('no 999 line');
  if (!/worried about a child, contact/.test(info.text)) out.push('no front door contact');
  for (const want of ['/glossary/', '/contacts/']) if (!info.links.includes(want)) out.push(`no link to ${want}`);
  out.push(...w.problems, ...await w.csp());
  await w.ctx.close();
  return out;
});

// 5. Without JavaScript the search page says search needs it here and
//    links to the A to Z of every page, which lists them.
await check('static-host/no-javascript', async () => {
  const w = await watched({ javaScriptEnabled: false });
  const { page } = w;
  await page.goto(base + '/');
  await page.fill('#search-input', 'neglect');
  await Promise.all([page.waitForURL(/\/search\/\?q=neglect/), page.press('#search-input', 'Enter')]);
  const out = [];
  const text = await page.$eval('main', (m) => m.innerText);
  if (!/needs JavaScript/.test(text)) out.push('the search page does not say that search needs JavaScript here');
  const link = await page.$('main a[href="/a-z/"]');
  if (!link) return [...out, 'no link to the A to Z of pages'];
  await Promise.all([page.waitForURL(/\/a-z\/$/), link.click()]);
  const az = await page.evaluate(() => ({
    h1: document.querySelector('h1')?.textContent,
    letters: document.querySelectorAll('.hb-az a').length,
    pages: [...document.querySelectorAll('.hb-az-pages a')].map((a) => a.getAttribute('href')),
  }));
  if (az.letters < 5) out.push(`the A to Z has ${az.letters} letters`);
  for (const p of config.pages) if (!az.pages.includes(p)) out.push(`the A to Z does not list ${p}`);
  out.push(...w.problems);
  await w.ctx.close();
  return out;
});

await browser.close();
