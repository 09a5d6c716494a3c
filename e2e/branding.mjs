// Browser checks of a small site with handbook.yaml's logo and a page past
// its review date, run by TestBrandingInBrowser (branding_test.go): at 1280
// and 360 px the logo shows in the header without sideways scroll, the home
// link is named once by the site's title, the "Due for review" notice is
// on screen, and axe finds nothing.

import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { launch } from './browser.mjs';
import { check } from './checks.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const browser = await launch(config.chromium);

for (const [label, viewport] of [['1280', { width: 1280, height: 800 }], ['360', { width: 360, height: 740 }]]) {
  const ctx = await browser.newContext({ viewport });
  const page = await ctx.newPage();
  await page.goto(config.baseURL + config.reviewURL, { waitUntil: 'load' });
  await check(`branding/logo-in-header-${label}`, async () => {
    const out = [];
    const logo = await page.$eval('header .hb-header__logo', (img) => {
      const r = img.getBoundingClientRect();
      return { loaded: img.complete && img.naturalWidth > 0, height: r.height, right: r.right, alt: img.getAttribute('alt') };
    }).catch(() => null);
    if (!logo) return 'no logo in the header';
    if (!logo.loaded) out.push('the logo did not load');
    if (Math.round(logo.height) !== 40) out.push(`the logo is ${logo.height} px high, not 40`);
    if (logo.right > viewport.width) out.push(`the logo ends at ${logo.right} px, past the screen`);
    if (logo.alt !== '') out.push(`beside the title the logo has alt text ${JSON.stringify(logo.alt)}: the name would be read twice`);
    const home = page.locator('header').getByRole('link', { name: config.title, exact: true });
    if (await home.count() !== 1) out.push(`the home link is not named "${config.title}" (once)`);
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    if (sw > viewport.width) out.push(`the page scrolls sideways: ${sw} px wide`);
    const search = await page.$eval('#search-input', (el) => el.getBoundingClientRect().right);
    if (search > viewport.width) out.push(`the search box ends at ${search} px`);
    return out;
  });
  await check(`review-due/notice-${label}`, async () => {
    const notice = page.locator('.hb-review-due');
    if (!(await notice.isVisible())) return 'no Due for review notice';
    const text = (await notice.textContent()).replace(/\s+/g, ' ').trim();
    return text.startsWith('Due for review.') && text.includes(config.reviewDate) ? [] : `the notice says ${JSON.stringify(text)}`;
  });
  await check(`branding/axe-${label}`, async () => {
    await page.evaluate(axeSource);
    const res = await page.evaluate(() => window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    }));
    return res.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
  const dir = join(config.artifacts, 'screenshots', label);
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, 'branding-and-review-due.png'), fullPage: true });
  await ctx.close();
}
await browser.close();
