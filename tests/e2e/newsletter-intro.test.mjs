// Issue 22, a newsletter issue's introduction in the writing desk's editor (ProseMirror over the intro's
// textarea, which stays the form field and the editor without JavaScript), in Chromium, in both newsroom
// languages (English for the admin, Arabic for the demo's Arabic editor): a person writes an issue, types a
// formatted introduction (bold, a link made with Ctrl+K), saves, and the preview (the HTML part as it will
// arrive) shows it rendered, the link absolute to the site; the text part has the words and the link, no
// Markdown marks. The editor leaves out the gallery (an e-mail has none). An introduction the server refuses
// (a gallery typed without the editor) comes back with the message and what was typed. The issue page with
// the editor: lang and dir, 0 axe violations, 0 vnu errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dbExec } from '../lib/server.mjs';
import { withNewsroomSite, logInAs, checkNewsroomPage as check } from '../lib/browser.mjs';

const site = withNewsroomSite();
const RUNS = [
  { ed: 'en', lang: 'en', who: () => site.admin, subject: 'Intro in the editor', plain: 'Good morning. ', bold: 'Three stories', tail: ' and ',
    linkText: 'our live blog', refused: /The introduction: Line 1: a gallery cannot go into an e-mail/ },
  { ed: 'ar', lang: 'ar', who: () => site.arabic, subject: 'مقدمة في المحرر', plain: 'صباح الخير. ', bold: 'ثلاث قصص', tail: ' و',
    linkText: 'تغطيتنا المباشرة', refused: /المقدمة/ },
];

for (const r of RUNS) {
  test(`${r.ed}: a formatted introduction typed in the editor is saved as Markdown and previewed`, async () => {
    const story = dbExec(site.site, `SELECT id FROM articles WHERE edition = '${r.ed}' AND status = 'published' ORDER BY id LIMIT 1`).trim();
    const page = await site.browser.context.newPage();
    page.on('dialog', (d) => (d.type() === 'prompt' ? d.accept('/en/') : d.dismiss()));
    await logInAs(page, site.base, r.who());
    await page.goto(`${site.base}/admin/newsletters/new`);
    await page.selectOption('#edition', r.ed);
    await page.fill('#subject', r.subject);
    await page.evaluate((v) => { document.querySelector('#stories').value = v; }, story); // (the picker hides it)
    const surface = page.locator('.pm-editor');
    await surface.waitFor();
    assert.equal(await page.locator('#intro').isVisible(), false, 'the textarea is behind the editor');
    assert.equal(await page.locator('.pm-toolbar .pm-gallery').count(), 0, 'no gallery in an e-mail');
    assert.equal(await page.locator('.pm-toolbar .pm-bold').count(), 1);
    assert.equal(await surface.getAttribute('dir'), r.ed === 'ar' ? 'rtl' : 'ltr');
    await surface.click();
    await page.keyboard.type(r.plain);
    await page.keyboard.press('Control+b');
    await page.keyboard.type(r.bold);
    await page.keyboard.press('Control+b');
    await page.keyboard.type(r.tail);
    await page.keyboard.type(r.linkText);
    await page.evaluate((n) => { // select the words just typed (whatever the paragraph's direction)
      const { view, TextSelection } = window.broadsheetDesk;
      const end = view.state.selection.from;
      view.dispatch(view.state.tr.setSelection(TextSelection.create(view.state.doc, end - n, end)));
    }, r.linkText.length);
    await page.keyboard.press('Control+k');
    const md = await page.locator('#intro').inputValue();
    assert.equal(md, `${r.plain}**${r.bold}**${r.tail}[${r.linkText}](/en/)\n`);
    await check(page, r.lang, `the new issue page with the editor (${r.lang})`);
    await page.click('button[name="do"][value="save"]');
    await page.waitForURL(/\/admin\/newsletters\/\d+\?done=saved/);
    const id = /\/admin\/newsletters\/(\d+)/.exec(page.url())[1];
    assert.equal(dbExec(site.site, `SELECT intro_md FROM newsletter_issues WHERE id = ${id}`).trim(), md.trim());
    await page.locator('.pm-editor').waitFor();
    assert.equal(await page.locator('#intro').inputValue(), md, 'the saved introduction back in the editor');
    await check(page, r.lang, `the issue page with the editor (${r.lang})`);
    const text = await page.locator('pre.newsletter-text').textContent();
    assert.ok(text.includes(`${r.plain}${r.bold}${r.tail}${r.linkText} <${site.base}/en/>`), `the text part: ${text}`);
    assert.doesNotMatch(text, /\*\*|\]\(/, 'no Markdown marks in the text part');

    const pre = await page.goto(`${site.base}/admin/newsletters/${id}/preview`);
    assert.equal(pre.status(), 200);
    assert.equal(await page.locator('strong', { hasText: r.bold }).count(), 1, 'bold in the mail');
    assert.equal(await page.locator('a', { hasText: r.linkText }).getAttribute('href'), `${site.base}/en/`, 'the link, absolute');

    // refused: a gallery typed without the editor comes back with the message and what was typed
    await page.goto(`${site.base}/admin/newsletters/${id}`);
    const bad = '```gallery\nmedia: 1\nalt: x\n```\n';
    await page.evaluate((v) => {
      const f = document.querySelector('#intro');
      f.value = v;
      const form = f.form;
      form.requestSubmit = form.submit; // submit the textarea as it is (not the editor's copy)
      HTMLFormElement.prototype.submit.call(form);
    }, bad);
    await page.waitForLoadState();
    assert.match(await page.locator('.form-error').textContent(), r.refused);
    assert.equal(await page.locator('#intro').inputValue(), bad, 'what was typed is kept');
    await page.close();
  });
}
