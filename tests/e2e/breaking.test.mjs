// Issue 21, the breaking banner in Chromium, in both editions: an editor raises a banner on the newsroom's
// breaking page (the story chosen with the article picker, which offers only the edition's stories); a
// reader's open page shows it after a reload, at the top, as a region named "Breaking news" ("عاجل" on
// Arabic pages) holding the link; the reader page and the newsroom page pass axe and vnu; the banner is
// gone after its expiry and after "take down now". Screenshots: build/screenshots/breaking-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dbExec } from '../lib/server.mjs';
import { withNewsroomSite, logInAs, checkNewsroomPage as check, assertValidAccessible, screenshot } from '../lib/browser.mjs';

const site = withNewsroomSite();
const EDITIONS = [
  { ed: 'en', label: 'Breaking news', who: () => site.admin, lang: 'en', line: 'Storm closes the port of Aqaba', words: 'desalination' },
  { ed: 'ar', label: 'عاجل', who: () => site.arabic, lang: 'ar', line: 'عاصفة تغلق ميناء العقبة', words: 'البرلمان' },
];

/** Raises a banner in edition e on the newsroom page (the story chosen with the picker by e.words). */
async function raise(page, e, minutes = '30') {
  await page.goto(`${site.base}/admin/breaking`);
  await page.fill(`#text-${e.ed}`, e.line);
  await page.focus(`#article-${e.ed}-pick`);
  await page.keyboard.type(e.words);
  await page.locator(`#article-${e.ed}-pick[aria-expanded="true"]`).waitFor();
  const offered = await page.locator(`#article-${e.ed}-pick + [role="listbox"] [role="option"]`).allTextContents();
  assert.ok(offered.length > 0, 'stories are offered');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const id = await page.inputValue(`#article-${e.ed}`);
  assert.match(id, /^\d+$/, 'the chosen story is in the form');
  assert.equal(dbExec(site.site, `SELECT edition FROM articles WHERE id = ${id}`).trim(), e.ed, 'the picker offered the edition\'s stories');
  await page.fill(`#minutes-${e.ed}`, minutes);
  await page.locator(`section[aria-labelledby="breaking-${e.ed}"] form[action="/admin/breaking"] button[type="submit"]`).click();
  await page.locator('p.notice').waitFor();
}

for (const e of EDITIONS) {
  test(`${e.ed}: the banner rises on an open page after reload, is announced, valid, and leaves at its expiry and when taken down`, async () => {
    const reader = await site.browser.context.newPage();
    await reader.goto(`${site.base}/${e.ed}/`);
    const editor = await site.browser.context.newPage();
    await logInAs(editor, site.base, e.who());
    // the demo's banners: taken down first, so the one raised here is the only one
    await editor.goto(`${site.base}/admin/breaking`);
    for (const ed of ['en', 'ar']) {
      const down = editor.locator(`form[action="/admin/breaking/${ed}/end"] button`);
      if (await down.count()) { await down.click(); await editor.locator('p.notice').waitFor(); }
    }
    await reader.reload();
    assert.equal(await reader.getByRole('region', { name: e.label }).count(), 0, 'no banner before');

    await raise(editor, e);
    await check(editor, e.lang, `the breaking page (${e.lang}) with a banner up`);
    await screenshot(editor, `breaking-desk-${e.ed}`);

    await reader.reload();
    const region = reader.getByRole('region', { name: e.label });
    assert.equal(await region.count(), 1, 'the banner is a region named for what it is');
    const link = region.getByRole('link', { name: e.line });
    assert.equal(await link.count(), 1, 'it holds the line as a link');
    assert.equal(await reader.getAttribute('html', 'dir'), e.ed === 'ar' ? 'rtl' : 'ltr', 'in the edition\'s direction');
    const top = await region.boundingBox(), main = await reader.locator('main').boundingBox();
    assert.ok(top.y < main.y, 'at the top, above the page\'s content');
    await assertValidAccessible(reader, `the ${e.ed} front page with the banner`);
    await screenshot(reader, `breaking-front-${e.ed}`);
    await link.click();
    await reader.waitForURL(new RegExp(`/${e.ed}/\\d{4}/`));
    assert.equal(await reader.getByRole('region', { name: e.label }).count(), 1, 'the story page shows it too');

    // its expiry: moved to a second ago behind the server's back, the next render shows no banner
    dbExec(site.site, `UPDATE breaking SET expires_at = ${Math.floor(Date.now() / 1000) - 1} WHERE edition = '${e.ed}' AND ended_at IS NULL`);
    await reader.goto(`${site.base}/${e.ed}/`);
    assert.equal(await reader.getByRole('region', { name: e.label }).count(), 0, 'gone after its expiry');

    // raised again and taken down with "take down now"
    await raise(editor, e);
    await reader.reload();
    assert.equal(await reader.getByRole('region', { name: e.label }).count(), 1);
    await editor.locator(`form[action="/admin/breaking/${e.ed}/end"] button`).click();
    await editor.locator('p.notice').waitFor();
    await reader.reload();
    assert.equal(await reader.getByRole('region', { name: e.label }).count(), 0, 'gone after take-down');
    await reader.close();
    await editor.close();
  });
}
