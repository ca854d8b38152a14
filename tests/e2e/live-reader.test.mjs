// A reader following a live blog in Chromium, both editions (issue 21, static/live.js): the reader opens
// the live page and scrolls down to read an entry; an editor posts an entry through the live desk (HTTP);
// without a reload the page shows "1 new update" (Arabic on the Arabic page) while the entry being read
// stays exactly where it was on screen (getBoundingClientRect().top within 2 px) and the new entry is not
// yet inserted; axe finds nothing with the button shown; pressing it inserts the entry, again without
// moving the reader; the editor withdraws an entry the reader sees and it is replaced in place; after the
// coverage ends the page says so and stops polling (live.json requests counted with page.on('request')).
// The poll interval comes from the container's data-live-interval, set here to 250 ms by rewriting the
// page as the browser receives it, so the test waits on events, not on five-second polls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSite, startServer, dbExec } from '../lib/server.mjs';
import { launch, axe, screenshot } from '../lib/browser.mjs';
import { addUser, login, post } from '../lib/newsroom.mjs';

const PW = 'a-long-password';
const INTERVAL = 250;
const T0 = Math.floor(Date.now() / 1000) - 3600;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let dir, srv, browser, editor;
const blogs = {}; // edition -> {id, href}

const WORDS = {
  en: { one: '1 new update', ended: /coverage has ended/i, body: 'Polling stations have closed across the country' },
  ar: { one: 'تحديث جديد واحد', ended: /انتهت التغطية/, body: 'أغلقت مراكز الاقتراع أبوابها في أنحاء البلاد' },
};

/** Makes a published article of edition a live blog with n long entries (so the page scrolls). */
function makeBlog(edition, n) {
  const id = Number(dbExec(dir, `SELECT id FROM articles WHERE edition = '${edition}' AND status = 'published' ` +
    'AND id NOT IN (SELECT article_id FROM live_blogs) ORDER BY id LIMIT 1').trim());
  dbExec(dir, `INSERT INTO live_blogs(article_id, started_at, updated_at) VALUES (${id}, ${T0}, ${T0 + n * 60})`);
  const para = `${WORDS[edition].body}. `.repeat(12);
  for (let i = 1; i <= n; i++) {
    dbExec(dir, 'INSERT INTO live_entries(article_id, byline, created_at, updated_at, body_md, body_html) VALUES ' +
      `(${id}, 'Desk', ${T0 + i * 60}, ${T0 + i * 60}, 'Entry ${i}. ${para}', '<p>Entry ${i}. ${para}</p><p>${para}</p>')`);
  }
  return id;
}

before(async () => {
  dir = demoSite();
  blogs.en = { id: makeBlog('en', 12) };
  blogs.ar = { id: makeBlog('ar', 12) };
  addUser(dir, 'liveed', 'editor', PW);
  srv = await startServer(dir);
  for (const b of Object.values(blogs)) {
    const j = await (await fetch(`${srv.base}/api/v1/articles/${b.id}`)).json();
    b.href = new URL(j.article.url).pathname;
  }
  editor = await login(srv.base, 'liveed', PW);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

/** Posts an entry to blog id through the live desk; returns the new entry's id. */
async function postEntry(id, text) {
  const r = await post(srv.base, `/admin/articles/${id}/live/entries`, editor, { body: text });
  assert.ok(r.status === 303 || r.status === 200, `posting an entry: ${r.status}`);
  const api = await (await fetch(`${srv.base}/api/v1/articles/${id}/entries?limit=1`)).json();
  return api.entries[0].id;
}

/** Opens the live page href in a new tab with the poll interval shortened; counts its live.json requests. */
async function openLive(href) {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 900, height: 700 });
  page.on('console', (m) => { if (m.type() === 'error') console.error('console:', m.text()); });
  const polls = { n: 0 };
  page.on('request', (r) => { if (new URL(r.url()).pathname === `${href}/live.json`) polls.n++; });
  await page.route(`${srv.base}${href}`, async (route) => {
    const res = await route.fetch();
    const body = (await res.text()).replace(' data-live-poll=', ` data-live-interval="${INTERVAL}" data-live-poll=`);
    await route.fulfill({ response: res, body });
  });
  const resp = await page.goto(srv.base + href);
  assert.equal(resp.status(), 200);
  return { page, polls };
}

/** The on-screen top of element sel, in CSS pixels. */
const topOf = (page, sel) => page.locator(sel).evaluate((el) => el.getBoundingClientRect().top);

for (const ed of ['en', 'ar']) {
  test(`${ed}: a new entry shows as "1 new update" without moving what the reader reads; pressed, it goes in; ended stops the polls`, async () => {
    const { id, href } = blogs[ed];
    const { page, polls } = await openLive(href);
    const shown = await page.locator('.live-entries article.live-entry').evaluateAll((els) => els.map((e) => e.id));
    assert.ok(shown.length >= 6, `entries on the page: ${shown}`);
    // the reader scrolls down to the fifth entry and reads it, 80 px below the top of the window
    const reading = `#${shown[4]}`;
    await page.locator(reading).evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 80));
    await page.waitForFunction(() => window.scrollY > 200);
    await sleep(3 * INTERVAL); // polls answer "unchanged"
    const top0 = await topOf(page, reading);
    assert.ok(polls.n >= 2, `the page polls live.json (${polls.n})`);
    assert.equal(await page.locator('.live-bar button.live-new').isVisible(), false, 'no button before there is news');

    const fresh = await postEntry(id, `${WORDS[ed].body}: the first results are in.`);
    const button = page.locator('.live-bar button.live-new');
    await button.waitFor({ state: 'visible' });
    assert.equal((await button.textContent()).trim(), WORDS[ed].one);
    assert.equal(await page.locator('.live-bar').getAttribute('aria-live'), 'polite');
    assert.equal(await page.locator(`#entry-${fresh}`).count(), 0, 'not inserted while the reader is down the page');
    assert.ok(Math.abs((await topOf(page, reading)) - top0) <= 2, 'the entry being read did not move');
    await screenshot(page, `live-${ed}-new-update`);
    const violations = await axe(page);
    assert.deepEqual(violations, [], `axe with the button shown: ${JSON.stringify(violations, null, 1)}`);

    await button.click();
    await page.locator(`#entry-${fresh}`).waitFor({ state: 'attached' });
    assert.match(await page.locator(`#entry-${fresh}`).textContent(), /first results are in|the first results/);
    assert.ok(Math.abs((await topOf(page, reading)) - top0) <= 2, 'inserting did not move the entry being read');
    assert.equal(await button.isVisible(), false);
    assert.equal(await page.evaluate(() => document.activeElement.id), `entry-${fresh}`, 'focus on the new entry');

    // the desk withdraws an entry the reader can see (the one below the one being read): replaced in place
    const below = shown[5];
    const w = await post(srv.base, `/admin/live-entries/${below.replace('entry-', '')}/withdraw`, editor,
      { note: 'Withdrawn: the figure was wrong.' });
    assert.ok(w.status === 303 || w.status === 200, `withdrawing an entry: ${w.status}`);
    await page.locator(`#${below}.live-entry-withdrawn`).waitFor({ state: 'attached' });
    assert.match(await page.locator(`#${below}`).textContent(), /the figure was wrong/);
    assert.ok(Math.abs((await topOf(page, reading)) - top0) <= 2, 'the replacement did not move the entry being read');

    // coverage ends: the page says so and stops polling
    const r = await post(srv.base, `/admin/articles/${id}/live`, editor, { do: 'end' });
    assert.ok(r.status === 303 || r.status === 200, `ending the coverage: ${r.status}`);
    await page.locator('.live-bar .live-ended').waitFor({ state: 'visible' });
    assert.match(await page.locator('.live-bar .live-ended').textContent(), WORDS[ed].ended);
    assert.ok(Math.abs((await topOf(page, reading)) - top0) <= 2, 'the ended notice did not move the entry being read');
    const after = polls.n;
    await sleep(8 * INTERVAL);
    assert.equal(polls.n, after, 'no poll after the coverage ended');
    await page.close();
  });
}
