// Issue 18, in Chromium, in both editions: the demo's published story with embeds makes no request to any
// host but the site's own before the reader clicks (Chromium's network log); the click puts the
// provider's frame in place of the card's button; the demo's gallery is reached and scrolled by keyboard;
// both pages pass vnu (0 errors) and axe-core (0 violations).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSite, startServer, dbExec } from '../lib/server.mjs';
import { launch, axe, vnu, screenshot, loggedPage } from '../lib/browser.mjs';

let dir, srv, browser;
before(async () => {
  dir = demoSite(0);
  srv = await startServer(dir);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

/** The public address of the demo story `key` in edition ed. */
async function storyUrl(ed, key) {
  const id = dbExec(dir, `SELECT id FROM articles WHERE edition = '${ed}' AND translation_group = 'demo-${key}'`).trim();
  const j = await (await fetch(`${srv.base}/api/v1/articles/${id}`)).json();
  return new URL(j.article?.url ?? j.url).pathname;
}

/** A page whose requests' origins are logged (tests/lib/browser.mjs). */
const openLogged = () => loggedPage(browser.context, srv.base);

/** Asserts the page passes axe-core and its HTML passes vnu. */
async function checkPage(page, url) {
  const violations = await axe(page);
  assert.deepEqual(violations, [], `axe on ${url}: ${JSON.stringify(violations, null, 1)}`);
  const errors = await vnu(await (await fetch(srv.base + url)).text());
  assert.deepEqual(errors, [], `vnu on ${url}`);
}

for (const ed of ['en', 'ar']) {
  test(`${ed}: an embed loads nothing from its provider until the reader clicks, then shows the frame`, async () => {
    const url = await storyUrl(ed, 'satellite-launch');
    const { page, origins } = await openLogged();
    await page.goto(srv.base + url, { waitUntil: 'networkidle' });
    assert.ok(origins.length > 0);
    assert.deepEqual([...new Set(origins)], [srv.base], 'only the site itself before a click');
    const card = page.locator('.embed[data-embed-provider="YouTube"]');
    assert.equal(await card.count(), 1);
    assert.equal(await page.locator('iframe').count(), 0);
    // without the click the card is a link to the post
    assert.equal(await card.locator('.embed-title a').getAttribute('href'), 'https://www.youtube.com/watch?v=21X5lGlDOfg');
    await checkPage(page, url);
    await screenshot(page, `${ed}-embed-card`);
    const button = card.locator('button.embed-load');
    assert.match(await button.textContent(), ed === 'ar' ? /YouTube/ : /Load content from YouTube/);
    await button.focus();
    await page.keyboard.press('Enter');
    const frame = card.locator('iframe.embed-frame');
    await frame.waitFor({ state: 'attached' });
    assert.equal(await frame.getAttribute('src'), 'https://www.youtube-nocookie.com/embed/21X5lGlDOfg');
    assert.match(await frame.getAttribute('sandbox'), /allow-scripts/);
    assert.ok(await frame.getAttribute('title'));
    assert.equal(await card.locator('button').count(), 0, 'the button gives way to the frame');
    // the other card (OpenStreetMap) still loads nothing
    assert.equal(await page.locator('.embed[data-embed-provider="OpenStreetMap"] iframe').count(), 0);
    await page.close();
  });

  test(`${ed}: the gallery is reached and scrolled by keyboard; valid and accessible`, async () => {
    const url = await storyUrl(ed, 'museum-reopens');
    const { page, origins } = await openLogged();
    await page.goto(srv.base + url, { waitUntil: 'networkidle' });
    assert.deepEqual([...new Set(origins)], [srv.base]);
    const track = page.locator('.gallery-track');
    assert.equal(await track.count(), 1);
    assert.equal(await track.locator('figure.gallery-item img').count(), 3);
    // Tab reaches the gallery (a focusable, labelled region)
    let reached = false;
    for (let i = 0; i < 80 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.classList.contains('gallery-track'));
    }
    assert.ok(reached, 'the gallery is in the tab order');
    const start = await track.evaluate((el) => el.scrollLeft);
    await page.keyboard.press(ed === 'ar' ? 'ArrowLeft' : 'ArrowRight'); // towards the next picture
    await page.waitForFunction(([s]) => Math.abs(document.querySelector('.gallery-track').scrollLeft - s) > 50, [start]);
    await screenshot(page, `${ed}-gallery`);
    await checkPage(page, url);
    await page.close();
  });
}
