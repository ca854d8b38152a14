// Issue 19: the newsroom in Arabic, in Chromium. A browser that asks for Arabic gets the log-in page in
// Arabic, right to left; the demo's Arabic editor logs in and writes a story in the writing desk (its
// toolbar in Arabic), saved; an administrator switches the newsroom to Arabic on the Language page; every
// newsroom page, in Arabic, is right to left with 0 vnu errors and 0 axe violations. Screenshots:
// build/screenshots/newsroom-ar-*.png (the README's is docs/screenshot-newsroom-ar.png).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { withNewsroomSite, saveEditor, logInAs, checkNewsroomPage, screenshot, SHOTS } from '../lib/browser.mjs';
import { chromium } from 'playwright-core';

const site = withNewsroomSite();

/** The page is right to left in Arabic, valid HTML and accessible. */
const check = (page, what) => checkNewsroomPage(page, 'ar', what);

test('a browser that asks for Arabic gets the log-in page in Arabic; the Arabic editor writes a story', async () => {
  const arBrowser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const ctx = await arBrowser.newContext({ locale: 'ar-EG', viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(`${site.base}/admin/login`);
    await check(page, 'log-in (browser asks for Arabic)');
    assert.match(await page.title(), /غرفة الأخبار/);
    await screenshot(page, 'newsroom-ar-login');
    await logInAs(page, site.base, site.arabic);
    await check(page, 'dashboard');
    assert.equal(await page.locator('nav.sections a[href="/admin/"]').textContent(), 'المقالات');
    await page.goto(`${site.base}/admin/articles/new`);
    await page.selectOption('#edition', 'ar');
    await page.fill('#headline', 'افتتاح معرض الكتاب في عمّان بمشاركة ٣٠٠ دار نشر');
    await page.fill('#standfirst', 'يستمر المعرض عشرة أيام ويستضيف ندوات عن النشر الرقمي.');
    const section = await page.locator('#section option', { hasText: 'سياسة' }).first().getAttribute('value');
    await page.selectOption('#section', section);
    // the writing desk speaks Arabic (its toolbar) and takes Arabic text right to left
    await page.locator('.pm-editor').waitFor();
    assert.equal(await page.getAttribute('.pm-toolbar', 'aria-label'), 'التنسيق');
    assert.equal(await page.getAttribute('.pm-editor', 'dir'), 'rtl');
    await page.locator('.pm-editor').click();
    await page.keyboard.type('افتتح وزير الثقافة المعرض صباح الأحد.');
    assert.match(await page.inputValue('#body'), /افتتح وزير الثقافة المعرض صباح الأحد\./);
    await check(page, 'editor (new Arabic story)');
    await screenshot(page, 'newsroom-ar-editor');
    await saveEditor(page);
    await check(page, 'editor (saved)');
    assert.equal(await page.inputValue('#headline'), 'افتتاح معرض الكتاب في عمّان بمشاركة ٣٠٠ دار نشر');
    await ctx.close();
  } finally {
    await arBrowser.close();
  }
});

test('an administrator switches the newsroom to Arabic; every newsroom page is right to left, valid and accessible', async () => {
  const page = await site.browser.context.newPage();
  await logInAs(page, site.base, site.admin);
  assert.equal(await page.getAttribute('html', 'lang'), 'en', 'an English browser, nothing chosen: English');
  await page.goto(`${site.base}/admin/language`);
  await page.check('#lang-ar');
  await page.locator('form', { has: page.locator('#lang-ar') }).locator('button[type="submit"]').click();
  await page.waitForURL(/\/admin\/language\?saved=1$/);
  await check(page, 'language (saved)');
  assert.equal(await page.locator('p.notice').textContent(), 'حُفظت لغتك في غرفة الأخبار.');
  for (const p of ['/admin/', '/admin/articles/new', '/admin/users', '/admin/settings', '/admin/password', '/admin/media',
    '/admin/search', '/admin/search?q=market', '/admin/api-keys', '/admin/webhooks', '/admin/comments']) {
    await page.goto(site.base + p);
    await check(page, p);
  }
  await page.goto(`${site.base}/admin/`);
  await screenshot(page, 'newsroom-ar-dashboard');
  fs.copyFileSync(path.join(SHOTS, 'newsroom-ar-dashboard.png'), path.join(SHOTS, 'screenshot-newsroom-ar.png'));
  await page.close();
});
