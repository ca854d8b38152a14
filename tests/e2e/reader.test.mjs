// What readers do, in Chromium: open the front page, read an article, switch edition, browse a
// section, in both editions. Every page type passes vnu (0 errors) and axe-core (0 violations).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { demoSite, startServer } from '../lib/server.mjs';
import { launch, axe, vnu, screenshot } from '../lib/browser.mjs';

let srv, browser, page;
before(async () => {
  const dir = demoSite(60);
  // views in the store before start-up, so the pages carry a full Most read list in both editions
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 10000', path.join(dir, 'site.db'),
    "INSERT INTO article_views SELECT id, strftime('%s', 'now') / 3600 * 3600, 10 + id % 17 FROM articles "
    + "WHERE status = 'published'"], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  srv = await startServer(dir);
  browser = await launch();
  page = await browser.context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.error('console:', m.text()); });
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

/** Finds the addresses of every page type in an edition by following links from the front page. */
async function pagesOf(ed) {
  const front = await (await fetch(`${srv.base}/${ed}/`)).text();
  const article = /<article class="story story-lead">[\s\S]*?<h3><a href="([^"]+)">/.exec(front)[1];
  const art = await (await fetch(srv.base + article)).text();
  return {
    front: `/${ed}/`,
    article,
    section: /<p class="kicker"><a href="([^"]+)">/.exec(art)[1],
    tag: /<a href="([^"]+)" rel="tag">/.exec(art)[1],
    author: /<a href="([^"]+)" rel="author">/.exec(art)[1],
    paged: `/${ed}/section/politics?page=2`,
    notfound: `/${ed}/no/such/page`,
    search: `/${ed}/search?q=${encodeURIComponent(ed === 'en' ? 'election*' : 'الاقتصاد')}`,
    search_none: `/${ed}/search?q=${encodeURIComponent('"xylophonist <b>')}`,
    search_empty: `/${ed}/search`,
  };
}

for (const ed of ['en', 'ar']) {
  test(`${ed}: every page type is valid HTML (vnu) and accessible (axe-core)`, async () => {
    const pages = await pagesOf(ed);
    for (const [kind, p] of Object.entries(pages)) {
      const resp = await page.goto(srv.base + p);
      assert.equal(resp.status(), kind === 'notfound' ? 404 : 200, p);
      assert.equal(await page.getAttribute('html', 'dir'), ed === 'ar' ? 'rtl' : 'ltr');
      if (kind === 'front' || kind === 'article') {
        assert.equal(await page.locator('.most-read li a').count(), 5, `Most read on ${p}`);
        assert.equal(await page.locator('.most-read h2').textContent(), ed === 'ar' ? 'الأكثر قراءة' : 'Most read');
      }
      await screenshot(page, `${ed}-${kind}`);
      const violations = await axe(page);
      assert.deepEqual(violations, [], `axe on ${p}: ${JSON.stringify(violations, null, 1)}`);
      const html = await (await fetch(srv.base + p)).text();
      const errors = await vnu(html);
      assert.deepEqual(errors, [], `vnu on ${p}`);
    }
  });

  test(`${ed}: a reader searches from the masthead box and opens a result`, async () => {
    await page.goto(`${srv.base}/${ed}/`);
    await page.locator('.search-box input[name="q"]').fill(ed === 'en' ? 'elections' : 'اقتصاد');
    await page.locator('.search-box button').click();
    await page.waitForURL(new RegExp(`/${ed}/search\\?q=`));
    assert.equal(await page.getAttribute('html', 'lang'), ed);
    assert.ok(await page.locator('.result mark').count() >= 1, 'matches are highlighted');
    const first = page.locator('.result h3 a').first();
    const headline = (await first.textContent()).trim();
    await first.click();
    await page.waitForURL(/\/\d{4}\/\d\d\/\d\d\//);
    assert.equal((await page.locator('h1').textContent()).trim(), headline);
  });

  test(`${ed}: a reader opens a story from the front page, switches edition and browses a section`, async () => {
    await page.goto(`${srv.base}/${ed}/`);
    const lead = page.locator('.story-lead h3 a');
    const headline = (await lead.textContent()).trim();
    await lead.click();
    await page.waitForURL(/\/\d{4}\/\d\d\/\d\d\//);
    assert.equal((await page.locator('h1').textContent()).trim(), headline);
    assert.ok(await page.locator('.latest li').count() >= 5, 'latest news beside the article');
    // the language switch on an article goes to its translation
    await page.locator('.translation a').click();
    const other = ed === 'en' ? 'ar' : 'en';
    await page.waitForURL(new RegExp(`/${other}/\\d{4}/`));
    assert.equal(await page.getAttribute('html', 'lang'), other);
    // the section menu leads to a section page that marks itself current
    await page.locator('nav.sections a').first().click();
    await page.waitForURL(/\/section\//);
    assert.equal(await page.locator('nav.sections a[aria-current="page"]').count(), 1);
    assert.ok(await page.locator('.list article.story').count() >= 1);
    // the masthead edition switch goes to the other edition's front page
    await page.locator('.edition-switch a').click();
    await page.waitForURL(`${srv.base}/${ed}/`);
  });

  test(`${ed}: the page works on a phone-sized screen`, async () => {
    const phone = await browser.context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${srv.base}/${ed}/`);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px`);
    await screenshot(phone, `${ed}-front-phone`);
    await phone.close();
  });
}

test('the checkers themselves catch faults (so a clean result means something)', async () => {
  const bad = await vnu('<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p><div>x</p></body></html>');
  assert.ok(bad.length > 0, 'vnu reports errors in broken HTML');
  const p = await browser.context.newPage();
  await p.setContent('<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>');
  const v = await axe(p);
  assert.ok(v.some((x) => x.id === 'image-alt'), 'axe reports an image without alt text');
  await p.close();
});
