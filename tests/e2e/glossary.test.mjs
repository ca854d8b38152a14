// Issue 19, the glossary in Chromium, in Arabic (the demo's muharrir, whose newsroom is Arabic) and in
// English: an editor adds an entry on the glossary page, a duplicate (the same Arabic name with tashkeel)
// is refused with what was typed kept, the entry is offered in the article editor's glossary panel, and a
// story saved with a variant is saved and shows the warning. The glossary page and the editor with its
// panel are right to left in Arabic, left to right in English, with 0 vnu errors and 0 axe violations.
// Screenshots: build/screenshots/glossary-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withNewsroomSite, saveEditor, logInAs, checkNewsroomPage as check, screenshot } from '../lib/browser.mjs';

const site = withNewsroomSite();

/** Fills the glossary form and submits it. */
async function submitEntry(page, { kind, en, ar, variants, note }) {
  await page.selectOption('#gl-kind', kind);
  await page.fill('#gl-name-en', en);
  await page.fill('#gl-name-ar', ar);
  await page.fill('#gl-variants', variants);
  await page.fill('#gl-note', note);
  await page.locator('form[action="/admin/glossary"][method="post"] button[type="submit"]').click();
}

/** Writes and saves a new story in edition with headline and body (typed in the writing desk). */
async function writeStory(page, edition, headline, body) {
  await page.goto(`${site.base}/admin/articles/new?edition=${edition}`);
  await page.selectOption('#edition', edition);
  await page.fill('#headline', headline);
  const section = await page.locator('#section option').nth(edition === 'ar' ? 1 : 0).getAttribute('value');
  const opts = await page.locator('#section option').evaluateAll((os, ed) => os.filter((o) => (ed === 'en') === /^(English|الإنجليزية)/.test(o.textContent)).map((o) => o.value), edition);
  await page.selectOption('#section', opts[0] ?? section);
  await page.locator('.pm-editor').waitFor();
  await page.locator('.pm-editor').click();
  await page.keyboard.type(body);
  await saveEditor(page);
}

test('in Arabic: add an entry, a duplicate refused, the entry offered in the editor, a variant warned on save', async () => {
  const page = await site.browser.context.newPage();
  await logInAs(page, site.base, site.arabic);
  await page.click('nav.sections a[href="/admin/glossary"]');
  await page.waitForURL(`${site.base}/admin/glossary`);
  assert.equal(await page.locator('h1').textContent(), 'المسرد');
  await check(page, 'ar', 'glossary (Arabic)');
  await submitEntry(page, { kind: 'person', en: 'Salma Nasser', ar: 'سلمى ناصر', variants: 'Salma Nasir\nسلمى الناصر', note: 'وزيرة الثقافة' });
  await page.waitForURL(/\/admin\/glossary\?done=added$/);
  assert.equal(await page.locator('p.notice').textContent(), 'أُضيف المدخل إلى المسرد.');
  assert.equal(await page.locator('tr.glossary-entry', { hasText: 'Salma Nasser' }).locator('td[lang="ar"]').textContent(), 'سلمى ناصر');
  await check(page, 'ar', 'glossary with the entry');
  await screenshot(page, 'glossary-ar');
  // the same Arabic name with tashkeel: refused, the form keeps what was typed and names the field
  await submitEntry(page, { kind: 'person', en: 'Salma N.', ar: 'سَلمى ناصِر', variants: 'x', note: 'مكرر' });
  assert.match(await page.locator('p.form-error').textContent(), /في المسرد مدخل آخر بهذا الاسم العربي/);
  assert.equal(await page.inputValue('#gl-name-ar'), 'سَلمى ناصِر');
  assert.equal(await page.inputValue('#gl-name-en'), 'Salma N.');
  assert.equal(await page.getAttribute('#gl-name-ar', 'aria-invalid'), 'true');
  await check(page, 'ar', 'glossary refusal');
  await screenshot(page, 'glossary-ar-duplicate');
  // a story of the Arabic edition that names her with a variant and a prefix: saved, the warning shown
  await writeStory(page, 'ar', 'وزيرة الثقافة تفتتح المعرض', 'قالت سلمى الناصر إن المعرض مفتوح للجميع، وشكرت الأمم المتحدة.');
  assert.equal(await page.inputValue('#headline'), 'وزيرة الثقافة تفتتح المعرض', 'saved as written');
  const panel = page.locator('aside.glossary-panel');
  assert.equal(await panel.locator('.glossary-warnings li').count(), 1);
  assert.equal(await panel.locator('.glossary-warnings li').textContent(), '«سلمى الناصر» تُكتب «سلمى ناصر» في المسرد.');
  const names = await panel.locator('ul.glossary-names li').allTextContents();
  assert.ok(names.some((n) => n.startsWith('Salma Nasser · سلمى ناصر')), names.join(' / '));
  assert.ok(names.some((n) => n.startsWith('United Nations · الأمم المتحدة')), 'a demo entry too');
  await check(page, 'ar', 'editor with the glossary panel (Arabic)');
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'glossary-ar-editor');
  await page.close();
});

test('in English: add an entry, offered in the editor, a variant warned on save; the demo story with its variant', async () => {
  const page = await site.browser.context.newPage();
  await logInAs(page, site.base, site.admin);
  await page.goto(`${site.base}/admin/glossary`);
  await check(page, 'en', 'glossary (English)');
  await submitEntry(page, { kind: 'place', en: 'Jerash', ar: 'جرش', variants: 'Gerasa; Jarash', note: 'Roman city north of Amman' });
  await page.waitForURL(/\/admin\/glossary\?done=added$/);
  assert.equal(await page.locator('p.notice').textContent(), 'Entry added to the glossary.');
  await page.fill('#glossary-q', 'gerasa');
  await page.click('form[role="search"] button');
  await page.waitForURL(/q=gerasa/);
  assert.deepEqual(await page.locator('tr.glossary-entry td[lang="en"]').allTextContents(), ['Jerash']);
  await check(page, 'en', 'glossary search');
  await screenshot(page, 'glossary-en');
  await writeStory(page, 'en', 'Festival returns to Jarash', 'The festival in Jarash opens on Friday, the organisers said.');
  const panel = page.locator('aside.glossary-panel');
  assert.equal(await page.locator('p.notice').textContent(), 'Saved.');
  assert.deepEqual(await panel.locator('.glossary-warnings li').allTextContents(), ['«Jarash» is written «Jerash» in the glossary.']);
  await check(page, 'en', 'editor with the glossary panel (English)');
  await screenshot(page, 'glossary-en-editor');
  // the demo's museum story spells Omar Darwish with a variant
  await page.goto(`${site.base}/admin/search?q=${encodeURIComponent('tactile museum')}`);
  await page.locator('main li > a[href^="/admin/articles/"]').first().click();
  await page.waitForURL(/\/admin\/articles\/\d+$/);
  assert.deepEqual(await panel.locator('.glossary-warnings li').allTextContents(), ['«Omar Darweesh» is written «Omar Darwish» in the glossary.']);
  await page.close();
});
