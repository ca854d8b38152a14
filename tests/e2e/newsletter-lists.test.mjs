// Each newsletter list's sender in Chromium (issue 22): the page /admin/newsletters/senders in English (an
// administrator) and in Arabic (the demo's Arabic editor) passes axe and vnu, shows the demo's Arabic
// senders, and saves a list's sender typed into its form. Screenshots: build/screenshots/newsletter-senders-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dbExec } from '../lib/server.mjs';
import { withNewsroomSite, logInAs, checkNewsroomPage as check, screenshot } from '../lib/browser.mjs';

const site = withNewsroomSite({ mail_from: 'news@news.example' });

for (const [lang, who, notice] of [['en', () => site.admin, 'Saved.'], ['ar', () => site.arabic, 'حُفظ.']]) {
  test(`${lang}: the senders page is valid and accessible, and saves a list's sender`, async () => {
    const page = await site.browser.context.newPage();
    await logInAs(page, site.base, who());
    await page.goto(`${site.base}/admin/newsletters`);
    await page.click('a[href="/admin/newsletters/senders"]');
    await page.waitForURL(/\/admin\/newsletters\/senders$/);
    await check(page, lang, `the senders page (${lang})`);
    assert.equal(await page.inputValue('#from-name-ar-digest'), 'برودشيت — النشرة اليومية', 'the demo\'s Arabic digest sender');
    await screenshot(page, `newsletter-senders-${lang}`);
    const name = lang === 'ar' ? 'مكتب الرياضة' : 'The sports desk';
    await page.fill('#from-name-en-breaking', name);
    await page.fill('#reply-to-en-breaking', `desk-${lang}@news.example`);
    await page.locator('form[data-list="en:breaking"] button[type="submit"]').click();
    await page.locator('p.notice').waitFor();
    assert.equal((await page.locator('p.notice').textContent()).trim(), notice);
    assert.equal(await page.inputValue('#from-name-en-breaking'), name);
    assert.equal(dbExec(site.site, "SELECT from_name || '|' || reply_to FROM newsletter_lists WHERE edition = 'en' AND list = 'breaking'").trim(),
      `${name}|desk-${lang}@news.example`);
    await page.close();
  });
}
