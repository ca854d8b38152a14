// Related stories in Chromium (issue 18): an editor picks two related stories for a demo article by typing
// parts of their headlines into the multi-select combobox, reorders them and saves, with the keyboard
// only (focus is put on the combobox, then every step is a key); in the English and the Arabic edition.
// The reader's page lists them under "Related" in that order; vnu reports 0 errors and axe 0 violations
// on the editor (with the picker open and with the list) and on the article page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSite, startServer, run } from '../lib/server.mjs';
import { launch, assertValidAccessible, logIn } from '../lib/browser.mjs';

const PASSWORD = 'correct horse battery';
let srv, browser, site;

before(async () => {
  site = demoSite(0);
  const r = run(['user', 'add', '--site', site, '--name', 'ed', '--role', 'editor', '--display-name', 'Test editor'],
    { input: `${PASSWORD}\n` });
  assert.equal(r.status, 0, r.stderr);
  srv = await startServer(site);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

const logInEd = (page) => logIn(page, srv.base, 'ed', PASSWORD);

const check = assertValidAccessible;

/** The id of the article whose headline holds q (through the picker's own endpoint, as the user). */
async function idOf(page, q, edition) {
  const list = await page.evaluate(async ([text, ed]) => (await (await fetch(`/admin/pick/articles?${new URLSearchParams({ q: text, edition: ed })}`)).json()).articles, [q, edition]);
  assert.equal(list.length, 1, `one article holds ${q}`);
  return list[0];
}

/** Types q into the related combobox and chooses the first option with the keyboard. */
async function pickByTyping(page, q) {
  await page.keyboard.type(q);
  await page.locator('#related-pick[aria-expanded="true"]').waitFor();
  await page.keyboard.press('ArrowDown');
  assert.match(await page.getAttribute('#related-pick', 'aria-activedescendant'), /^picker-list-\d+-0$/);
  await page.keyboard.press('Enter');
  await page.locator('#related-pick[aria-expanded="false"]').waitFor();
}

for (const ed of [
  { edition: 'en', main: 'Music school pairs apprentices', first: 'Dead Sea marathon', second: 'grandmaster norm', label: 'Related' },
  { edition: 'ar', main: 'مدرسة موسيقى تحمي', first: 'ماراثون البحر الميت', second: 'الأستاذ الدولي الكبير', label: 'أخبار ذات صلة' },
]) {
  test(`${ed.edition}: two related stories picked by typing, reordered and saved by keyboard; shown to readers in order`, async () => {
    const page = await browser.context.newPage();
    await page.context().clearCookies(); // the context is shared: log in afresh
    await logInEd(page);
    const main = await idOf(page, ed.main, ed.edition);
    const a = await idOf(page, ed.first, ed.edition);
    const b = await idOf(page, ed.second, ed.edition);
    await page.goto(`${srv.base}/admin/articles/${main.id}`);
    assert.equal(await page.inputValue('#related'), '', 'none chosen yet');
    assert.equal(await page.isVisible('#related'), false, 'the textarea gives way to the picker');
    await page.focus('#related-pick');
    await pickByTyping(page, ed.first);
    // with the listbox open: the combobox pattern passes the checkers too
    await page.keyboard.type(ed.second);
    await page.locator('#related-pick[aria-expanded="true"]').waitFor();
    await check(page, `${ed.edition} editor with the related picker open`);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    assert.equal(await page.inputValue('#related'), `#${a.id} ${a.headline}\n#${b.id} ${b.headline}`);
    assert.equal(await page.inputValue('#related-pick'), '', 'the combobox is empty for the next one');
    // the chosen list: Tab reaches the first entry's "Move down"; Enter moves it below the second
    await page.keyboard.press('Tab');
    assert.match(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), /^Move down: /);
    await page.keyboard.press('Enter');
    assert.equal(await page.inputValue('#related'), `#${b.id} ${b.headline}\n#${a.id} ${a.headline}`);
    assert.match(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), new RegExp(`^Move up: #${a.id} `),
      'focus stays with the moved entry');
    assert.deepEqual(await page.locator('.picker-chosen bdi').allTextContents(), [`#${b.id} ${b.headline}`, `#${a.id} ${a.headline}`]);
    await check(page, `${ed.edition} editor with two related stories chosen`);
    await page.focus('button[name="do"][value="save"]');
    await page.keyboard.press('Enter');
    await page.waitForURL(/notice=saved/);
    assert.equal(await page.inputValue('#related'), `#${b.id} ${b.headline}\n#${a.id} ${a.headline}`);
    assert.deepEqual(await page.locator('.picker-chosen bdi').allTextContents(), [`#${b.id} ${b.headline}`, `#${a.id} ${a.headline}`],
      'the saved list is shown as chosen entries');
    const href = await page.getAttribute('a:text("View on the site")', 'href');
    await page.goto(srv.base + href);
    assert.equal((await page.textContent('#related-title')).trim(), ed.label);
    assert.deepEqual((await page.locator('section.related h3 a').allTextContents()).map((t) => t.trim()), [b.headline, a.headline]);
    await check(page, `${ed.edition} article page with related stories`);
    await page.close();
  });
}
