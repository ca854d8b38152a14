// Issue 19, the translation desk in Chromium, in Arabic and in English: the demo's Arabic editor
// (newsroom in Arabic) translates a story from the board, sees its English source beside the editor left
// to right inside the right-to-left page, sees the translation fall out of date when the source is edited
// (the source's diff) and brings it back with "Mark as up to date"; the source stands beside the form on a
// wide screen (mirrored in Arabic) and above it on a narrow one; an English administrator translates an
// Arabic story (the source right to left), and a save after updating brings an out-of-date translation
// back. The board and the editor with the source pane: 0 vnu errors and 0 axe violations in both
// languages. Screenshots: build/screenshots/translation-desk-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withNewsroomSite, saveEditor, logInAs, checkNewsroomPage as check, screenshot } from '../lib/browser.mjs';

const site = withNewsroomSite();

/**
 * Asserts a translation's editor lays its source out beside the form on a wide screen (1400 px: side by
 * side, the source at the inline start: on the left in a left-to-right newsroom, on the right in the
 * Arabic one) and above it on a narrow one (600 px); the viewport is put back after.
 */
async function assertSourceBeside(page, dir, what) {
  const boxes = async () => ({ pane: await page.locator('aside.translation-source').boundingBox(),
    form: await page.locator('form.editor').boundingBox() });
  const before = page.viewportSize();
  try {
    await page.setViewportSize({ width: 1400, height: 900 });
    let { pane, form } = await boxes();
    assert.ok(Math.abs(pane.y - form.y) < 2, `${what}, wide: the source and the form start at the same height (${pane.y}, ${form.y})`);
    if (dir === 'ltr') assert.ok(pane.x + pane.width <= form.x, `${what}, wide: the source left of the form (${JSON.stringify({ pane, form })})`);
    else assert.ok(form.x + form.width <= pane.x, `${what}, wide: the source right of the form (${JSON.stringify({ pane, form })})`);
    assert.ok(pane.width > 400 && form.width > 400, `${what}, wide: two columns of reading width`);
    await page.setViewportSize({ width: 600, height: 900 });
    ({ pane, form } = await boxes());
    assert.ok(pane.y + pane.height <= form.y, `${what}, narrow: the source above the form (${JSON.stringify({ pane, form })})`);
    assert.ok(Math.abs(pane.width - form.width) < 2, `${what}, narrow: one column`);
  } finally {
    await page.setViewportSize(before);
  }
}

/** The article id of an editor page's address. */
const idOf = (url) => Number(/\/admin\/articles\/(\d+)/.exec(url)[1]);

test('in Arabic: translate from the board, the English source beside the editor, out of date after the source is edited, brought back', async () => {
  const page = await site.browser.context.newPage();
  await logInAs(page, site.base, site.arabic);
  await page.click('nav.sections a[href="/admin/translations"]');
  await page.waitForURL(`${site.base}/admin/translations`);
  await check(page, 'ar', 'the board');
  assert.equal(await page.locator('h1').textContent(), 'الترجمات');
  // the demo's out-of-date translation is listed
  assert.equal(await page.locator('#behind-title + table tbody tr').count(), 1);
  await screenshot(page, 'translation-desk-ar-board');
  // today's untranslated demo story: Translate
  const item = page.locator('ul.board-list li', { hasText: 'Night buses to reach the eastern districts from January' });
  await item.locator('button', { hasText: 'ترجمة' }).click();
  await page.waitForURL(/\/admin\/articles\/\d+\?notice=translated$/);
  const tr = idOf(page.url());
  assert.equal(await page.locator('p.notice').textContent(), 'أُنشئت الترجمة: اكتب فوق نص المصدر؛ والمصدر معروض بجانب النموذج.');
  const source = page.locator('aside.translation-source .source-text');
  assert.equal(await source.getAttribute('lang'), 'en');
  assert.equal(await source.getAttribute('dir'), 'ltr');
  assert.equal(await source.locator('p').nth(2).textContent(),
    'The city council approved a plan on Saturday to extend the night bus network to the eastern districts from January, with four new routes running until 2 a.m.');
  assert.equal(await page.locator('#edition').inputValue(), 'ar');
  assert.equal(await page.locator('section.source-drift').count(), 0);
  await check(page, 'ar', 'the editor with the source pane');
  await assertSourceBeside(page, 'rtl', 'the Arabic newsroom');
  await screenshot(page, 'translation-desk-ar-editor');
  // the translator writes the Arabic over the English, and saves
  await page.fill('#headline', 'الحافلات الليلية تصل إلى الأحياء الشرقية في يناير');
  await page.fill('#standfirst', 'أربعة خطوط جديدة تعمل حتى الثانية فجرًا، بحسب مجلس المدينة.');
  await saveEditor(page);
  // the source is edited (a word changes)
  const src = Number(await page.locator('aside.translation-source h2 a').getAttribute('href').then((h) => /\d+/.exec(h)[0]));
  await page.goto(`${site.base}/admin/articles/${src}`);
  await page.fill('#standfirst', 'Five new routes will run until 2 a.m., the city council decided.');
  await saveEditor(page);
  await page.goto(`${site.base}/admin/articles/${tr}`);
  const drift = page.locator('section.source-drift');
  assert.equal(await drift.count(), 1, 'out of date');
  assert.equal(await drift.locator('h2').textContent(), 'غير محدَّثة: تغيّر المصدر منذ آخر حفظ لهذه الترجمة');
  assert.equal(await drift.locator('.diff-removed span[lang="en"]').textContent(), 'Four new routes will run until 2 a.m., the city council decided.');
  assert.equal(await drift.locator('.diff-added span[lang="en"]').textContent(), 'Five new routes will run until 2 a.m., the city council decided.');
  await check(page, 'ar', 'the editor of an out-of-date translation');
  await screenshot(page, 'translation-desk-ar-out-of-date');
  await page.goto(`${site.base}/admin/translations`);
  assert.equal(await page.locator('#behind-title + table tbody tr').count(), 2, 'on the board too');
  await check(page, 'ar', 'the board with two out of date');
  // brought back
  await page.goto(`${site.base}/admin/articles/${tr}`);
  await drift.locator('button', { hasText: 'تعليمها بأنها محدَّثة' }).click();
  await page.waitForURL(new RegExp(`/admin/articles/${tr}\\?notice=uptodate$`));
  assert.equal(await page.locator('section.source-drift').count(), 0);
  assert.equal(await page.locator('p.notice').textContent(), 'عُلِّمت الترجمة بأنها محدَّثة مع مصدرها.');
  await page.close();
});

test('in English: translate an Arabic story from its editor, the source right to left, brought back by saving', async () => {
  const page = await site.browser.context.newPage();
  await logInAs(page, site.base, site.admin);
  await page.goto(`${site.base}/admin/translations`);
  await check(page, 'en', 'the board (English)');
  // the demo's out-of-date Arabic translation of an English story
  await page.locator('#behind-title + table tbody tr a').first().click();
  await page.waitForURL(/\/admin\/articles\/\d+$/);
  assert.equal(await page.locator('section.source-drift').count(), 1);
  await check(page, 'en', 'the demo\'s out-of-date translation');
  await screenshot(page, 'translation-desk-en-out-of-date');
  // a new Arabic story, translated into English from its editor
  await page.goto(`${site.base}/admin/articles/new`);
  await page.selectOption('#edition', 'ar');
  await page.fill('#headline', 'افتتاح جسر المشاة فوق النهر');
  await page.fill('#standfirst', 'يربط الجسر الحيين القديم والجديد.');
  const section = await page.locator('#section option', { hasText: 'ثقافة' }).first().getAttribute('value');
  await page.selectOption('#section', section);
  await page.locator('.pm-editor').waitFor();
  await page.locator('.pm-editor').click();
  await page.keyboard.type('افتتح رئيس البلدية الجسر صباح الأحد.');
  await saveEditor(page);
  const src = idOf(page.url());
  await page.locator('form.translate-action button').click();
  await page.waitForURL(/\/admin\/articles\/\d+\?notice=translated$/);
  const tr = idOf(page.url());
  const source = page.locator('aside.translation-source .source-text');
  assert.equal(await source.getAttribute('lang'), 'ar');
  assert.equal(await source.getAttribute('dir'), 'rtl');
  assert.equal(await source.locator('p.source-headline').textContent(), 'افتتاح جسر المشاة فوق النهر');
  assert.equal(await page.locator('#edition').inputValue(), 'en');
  assert.equal(await page.locator('#section option:checked').textContent(), 'English: Culture');
  await check(page, 'en', 'the editor with an Arabic source');
  await assertSourceBeside(page, 'ltr', 'the English newsroom');
  await screenshot(page, 'translation-desk-en-editor');
  await page.fill('#headline', 'Footbridge over the river opens');
  await saveEditor(page);
  // the source changes; the translation falls out of date; updating and saving brings it back
  await page.goto(`${site.base}/admin/articles/${src}`);
  await page.fill('#headline', 'افتتاح جسر المشاة الجديد فوق النهر');
  await saveEditor(page);
  await page.goto(`${site.base}/admin/articles/${tr}`);
  assert.equal(await page.locator('section.source-drift').count(), 1);
  assert.equal(await page.locator('section.source-drift .diff-added span[lang="ar"][dir="rtl"]').first().textContent(), 'افتتاح جسر المشاة الجديد فوق النهر');
  await page.fill('#headline', 'New footbridge over the river opens');
  await saveEditor(page);
  assert.equal(await page.locator('section.source-drift').count(), 0, 'saved after updating: up to date');
  await page.close();
});
