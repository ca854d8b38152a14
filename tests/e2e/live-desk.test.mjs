// Issue 21, the live desk in Chromium, in both newsroom languages: an English editor (the administrator
// whose newsroom follows the English browser) and the demo's Arabic editor (whose newsroom is Arabic),
// each on a published story of their edition. A person opens the story in the editor, follows "Live
// coverage", starts it, writes an entry with the writing desk (ProseMirror over the entry's textarea)
// and marks it a key event, posts a second one, pins one, corrects one with a note (the note shows under
// it), withdraws one with a note (only the note shows), and ends the coverage: the entry form is gone, and
// an entry posted from a tab opened before the end is refused with the clear message, the text kept.
// The desk (before, during and after) and the entry's edit page: lang and dir, 0 axe violations, 0 vnu
// errors; in Arabic, no run of English words in what the page says. Screenshots:
// build/screenshots/live-desk-{en,ar}.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dbExec, unescapeHtml } from '../lib/server.mjs';
import { withNewsroomSite, logInAs, checkNewsroomPage, screenshot } from '../lib/browser.mjs';

const site = withNewsroomSite();

/** What each language's run types and reads (the newsroom's words from po/ar.po). */
const RUNS = {
  en: {
    who: () => site.admin,
    linkText: 'Live coverage',
    first: 'Rescue teams reached the collapsed school at dawn.',
    key: 'Rescuers reach the school',
    second: 'The airport reopened for relief flights.',
    fixed: 'Rescue teams reached the collapsed school before dawn.',
    note: 'An earlier version gave the wrong time.',
    withdrawal: 'The airport report was not confirmed.',
    late: 'A late update that must not go out.',
    started: 'Live coverage started.',
    posted: 'Entry posted.',
    ended: 'Coverage has ended: no more entries can be posted.',
    correction: 'Correction',
    withdrawn: 'Withdrawn',
    postedBadge: 'posted',
    save: 'Save the live entry',
    saved: 'Live entry saved.',
  },
  ar: {
    who: () => site.arabic,
    linkText: 'تغطية مباشرة',
    first: 'وصلت فرق الإنقاذ إلى المدرسة المنهارة فجرًا.',
    key: 'فرق الإنقاذ تصل إلى المدرسة',
    second: 'أُعيد فتح المطار أمام رحلات الإغاثة.',
    fixed: 'وصلت فرق الإنقاذ إلى المدرسة المنهارة قبل الفجر.',
    note: 'ذكرت نسخة سابقة وقتًا غير صحيح.',
    withdrawal: 'لم يتأكد خبر المطار.',
    late: 'تحديث متأخر يجب ألا يُنشر.',
    started: 'بدأت التغطية المباشرة.',
    posted: 'نُشر التحديث.',
    ended: 'انتهت التغطية: لا يمكن نشر تحديثات أخرى.',
    correction: 'تصحيح',
    withdrawn: 'سُحب',
    postedBadge: 'منشور', // (an entry, تحديث, is masculine; an article's status is منشورة)
    save: 'احفظ التحديث', // (not the glossary's المدخل)
    saved: 'حُفظ التحديث.',
  },
};

/** Names that are English on purpose on an Arabic newsroom page (as tests/http/newsroom-arabic.test.mjs). */
const ALLOWED = ['Broadsheet', 'English', 'JSON', 'RSS', 'HTTP', 'HTTPS', 'UTC', 'GMT', 'Atom', 'API', 'Markdown', 'HTML'];

/**
 * Runs of three or more English words in what the page says (tests/http/newsroom-arabic.test.mjs's rule):
 * not in script, style, textarea, <bdi> or <code> (typed data and names for machines), nor in an element
 * marked as English; attributes shown to people (title, placeholder, aria-label, the alt of anything but an
 * image) counted.
 */
function englishRuns(html) {
  let h = html.replace(/<(div|p|span)\b[^>]*\blang="en"[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<(script|style|textarea|bdi|code)\b[\s\S]*?<\/\1>/gi, ' ');
  const shown = [];
  h = h.replace(/<[^>]*>/g, (tag) => {
    for (const m of tag.matchAll(/\s(alt|title|placeholder|aria-label)="([^"]*)"/g)) {
      if (!(m[1] === 'alt' && /^<img\b/i.test(tag))) shown.push(m[2]);
    }
    return ' ';
  });
  let t = unescapeHtml(`${h} ${shown.join(' ')}`).replace(/\s+/g, ' ');
  for (const w of ALLOWED) t = t.replace(new RegExp(`\\b${w}\\b`, 'g'), ' ');
  return [...t.matchAll(/\b[A-Za-z]{2,}(?:[ ,'’-]+[A-Za-z]{2,}){2,}\b/g)].map((m) => m[0]);
}

/** The page is in lang, right to left in Arabic, valid and accessible; an Arabic page says no English. */
async function check(page, lang, what) {
  await checkNewsroomPage(page, lang, what);
  if (lang === 'ar') assert.deepEqual(englishRuns(await page.content()), [], `English on the Arabic ${what}`);
}

/** A published story of the edition that is not live yet (the demo's). */
function story(edition) {
  const id = dbExec(site.site, `SELECT id FROM articles WHERE edition = '${edition}' AND status = 'published' ` +
    'AND id NOT IN (SELECT article_id FROM live_blogs) ORDER BY id LIMIT 1').trim();
  assert.match(id, /^\d+$/, `a published ${edition} story`);
  return Number(id);
}

/** Writes text into the entry form's writing desk (typed, as a person does) and the key event label. */
async function write(page, text, key = '') {
  const surface = page.locator('form.live-entry-form .pm-editor');
  await surface.waitFor();
  await surface.click();
  await page.keyboard.type(text);
  assert.equal((await page.inputValue('form.live-entry-form #body')).trim(), text, 'the desk wrote the Markdown');
  await page.fill('form.live-entry-form #key-event', key);
}

/** Posts the entry form and waits for the desk with the new entry; returns the entry's article. */
async function postEntry(page) {
  await page.click('form.live-entry-form button[type="submit"]');
  await page.waitForURL(/\/live\?done=posted#entry-\d+$/);
  const id = /#entry-(\d+)$/.exec(page.url())[1];
  return page.locator(`article#entry-${id}`);
}

/** The entry's article on the desk, found by its text. */
const entryWith = (page, text) => page.locator('article.live-desk-entry', { hasText: text });

for (const lang of ['en', 'ar']) {
  const say = RUNS[lang];
  test(`${lang}: an editor runs a story's live coverage from start to end`, async () => {
    const page = await site.browser.context.newPage();
    try {
      await logInAs(page, site.base, say.who());
      const id = story(lang);
      const desk = `${site.base}/admin/articles/${id}/live`;
      // the story in the editor, its "Live coverage" link
      await page.goto(`${site.base}/admin/articles/${id}`);
      const link = page.locator(`a[href="/admin/articles/${id}/live"]`);
      assert.equal((await link.textContent()).trim(), say.linkText);
      await link.click();
      await page.waitForURL(desk);
      assert.equal(await page.locator('form.live-entry-form').count(), 0, 'no entry form before the start');
      await check(page, lang, 'live desk (not live)');

      await page.click('button[name="do"][value="start"]');
      await page.waitForURL(`${desk}?done=start`);
      assert.equal(await page.locator('p.notice').textContent(), say.started);
      const surface = page.locator('form.live-entry-form .pm-editor');
      await surface.waitFor();
      assert.equal(await page.locator('form.live-entry-form #body').isVisible(), false, 'the textarea is behind the desk');
      assert.equal(await surface.getAttribute('dir'), lang === 'ar' ? 'rtl' : 'ltr');

      // the first entry, a key event; the second, plain
      await write(page, say.first, say.key);
      const first = await postEntry(page);
      assert.equal(await page.locator('p.notice').textContent(), say.posted);
      assert.match(await first.locator('.body').textContent(), new RegExp(say.first));
      assert.equal(await first.locator('.key-event bdi').textContent(), say.key);
      assert.equal(await first.locator('.status-badge').first().textContent(), say.postedBadge);
      await write(page, say.second);
      const second = await postEntry(page);
      assert.match(await second.locator('.body').textContent(), new RegExp(say.second));
      assert.equal(await second.locator('.key-event').count(), 0, 'no label: not a key event');
      const ids = await page.locator('article.live-desk-entry').evaluateAll((as) => as.map((a) => a.id));
      assert.deepEqual(ids, [await second.getAttribute('id'), await first.getAttribute('id')], 'newest first');

      // pin the first
      await first.locator('button[name="do"][value="pin"]').click();
      await page.waitForURL(`${desk}?done=pin`);
      assert.match(await entryWith(page, say.first).getAttribute('class'), /\bpinned\b/);
      assert.equal(await page.locator('article.live-desk-entry.pinned').count(), 1);
      await check(page, lang, 'live desk (two entries, one pinned)');
      await screenshot(page, `live-desk-${lang}`);

      // correct the first with a note, in the writing desk of its edit page
      await entryWith(page, say.first).locator('a[href^="/admin/live-entries/"]').click();
      await page.waitForURL(/\/admin\/live-entries\/\d+$/);
      const editor = page.locator('form.editor .pm-editor');
      await editor.waitFor();
      await check(page, lang, 'live entry edit page');
      await editor.click();
      await page.keyboard.press('Control+a');
      await page.keyboard.press('Delete');
      await page.keyboard.type(say.fixed);
      assert.equal((await page.inputValue('#body')).trim(), say.fixed);
      assert.equal(await page.inputValue('#key-event'), say.key, 'the label is kept');
      await page.fill('#note', say.note);
      const save = page.locator('form.editor button[type="submit"]');
      assert.equal(await save.textContent(), say.save);
      await save.click();
      await page.waitForURL(/\/live\?done=saved#entry-\d+$/);
      assert.equal(await page.locator('p.notice').textContent(), say.saved);
      const fixed = entryWith(page, say.fixed);
      assert.equal(await fixed.locator('.live-note').textContent(), `${say.correction}: ${say.note}`);
      assert.equal(await entryWith(page, say.first).count(), 0, 'the old text is gone');
      assert.match(await fixed.getAttribute('class'), /\bpinned\b/, 'still pinned');

      // withdraw the second with a note: only the note shows
      const w = entryWith(page, say.second);
      await w.locator('input[name="note"]').fill(say.withdrawal);
      await w.locator('form.live-withdraw button[type="submit"]').click();
      await page.waitForURL(`${desk}?done=withdrawn`);
      const gone = entryWith(page, say.withdrawal);
      assert.equal(await gone.locator('.live-note').textContent(), `${say.withdrawn}: ${say.withdrawal}`);
      assert.equal(await gone.locator('.body').count(), 0, 'its text is not shown');
      assert.equal(await gone.locator('a[href^="/admin/live-entries/"], form').count(), 0, 'nothing more to do with it');
      await check(page, lang, 'live desk (corrected, withdrawn)');

      // a second tab, open before the end, has text in its entry form
      const late = await site.browser.context.newPage();
      await late.goto(desk);
      await write(late, say.late);

      await page.click('button[name="do"][value="end"]');
      await page.waitForURL(`${desk}?done=end`);
      assert.equal(await page.locator('form.live-entry-form').count(), 0, 'no entry form once ended');
      assert.equal(await page.locator('button[name="do"][value="end"]').count(), 0);
      await check(page, lang, 'live desk (ended)');

      await late.click('form.live-entry-form button[type="submit"]');
      await late.waitForURL(`${desk}/entries`);
      assert.equal(await late.locator('p.form-error').textContent(), say.ended);
      assert.equal((await late.inputValue('form.live-entry-form #body')).trim(), say.late, 'what was typed is kept');
      assert.equal(await late.locator('article.live-desk-entry', { hasText: say.late }).count(), 0);
      await check(late, lang, 'live desk (a post refused after the end)');
      await late.close();
      assert.equal(dbExec(site.site, `SELECT count(*) FROM live_entries WHERE article_id = ${id}`).trim(), '2', 'nothing posted late');
    } finally {
      await page.close();
    }
  });
}
