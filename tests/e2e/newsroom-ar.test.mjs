// Issue 19: the newsroom in Arabic, in Chromium. A browser that asks for Arabic gets the log-in page in
// Arabic, right to left; the demo's Arabic editor logs in and writes a story in the writing desk (its
// toolbar in Arabic), saved; an administrator switches the newsroom to Arabic on the Language page; every
// newsroom page, in Arabic, is right to left with 0 vnu errors and 0 axe violations (the pages about one
// thing too: a story's history with its diff, a webhook's delivery log, a comment's edit form). Screenshots:
// build/screenshots/newsroom-ar-*.png (the README's is docs/screenshot-newsroom-ar.png).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { withNewsroomSite, saveEditor, logInAs, checkNewsroomPage, screenshot, SHOTS } from '../lib/browser.mjs';
import { chromium } from 'playwright-core';
import { startReceiver } from '../lib/webhooks.mjs';

// (webhooks may call a receiver on this machine: the webhook log page gets a delivery)
const site = withNewsroomSite({ webhook_allow_private: '127.0.0.1' });

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

/**
 * The Arabic newsroom's pages about one thing, checked as page (an administrator whose newsroom is
 * Arabic) sees them: a webhook's delivery log (a webhook on a loopback receiver, called when a published
 * demo story is saved), that story's history (two revisions, their diff and the workflow log) and a
 * reader's comment in the edit form.
 */
async function articlePages(page) {
  const receiver = await startReceiver();
  try {
    await page.goto(`${site.base}/admin/webhooks`);
    await page.fill('#hook-url', `${receiver.base}/hook`);
    await page.check('[id="ev-article.updated"]');
    await page.locator('form[action="/admin/webhooks"] button[type="submit"]').click();
    const hook = await page.locator('tr.webhook a[href^="/admin/webhooks/"]').first().getAttribute('href');
    // a published demo story, saved with a new standfirst: a revision and an article.updated delivery
    await page.goto(`${site.base}/admin/search?q=${encodeURIComponent('desalination')}`);
    await page.locator('main li > a[href^="/admin/articles/"]').first().click();
    await page.waitForURL(/\/admin\/articles\/\d+$/);
    const story = /\/admin\/articles\/\d+/.exec(page.url())[0];
    await page.fill('#standfirst', 'The plant will supply water to 250,000 people from 2028.');
    await saveEditor(page);
    for (let i = 0; i < 100 && !receiver.got.length; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(receiver.got.length, 1, 'the webhook was called');
    await page.goto(site.base + hook);
    await page.locator('tr.delivery').first().waitFor();
    await check(page, `${hook} (webhook deliveries)`);
    await page.goto(`${site.base}${story}/history`);
    assert.equal(await page.locator('.diff-lines .diff-added', { hasText: 'The plant will supply water to 250,000 people' }).count(), 1,
      'the diff shows the new standfirst');
    assert.match(await page.locator('.diff-added .diff-mark').first().textContent(), /^أُضيف/, 'marked in Arabic');
    await check(page, `${story}/history`);
    await page.goto(`${site.base}/admin/comments?status=approved`);
    const comment = await page.locator('main a[href^="/admin/comments/"]')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')).find((h) => /^\/admin\/comments\/\d+$/.test(h)));
    assert.ok(comment, 'a demo comment to edit');
    await page.goto(site.base + comment);
    await check(page, `${comment} (comment edit)`);
  } finally {
    await receiver.close();
  }
}

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
    '/admin/search', '/admin/search?q=market', '/admin/api-keys', '/admin/webhooks', '/admin/comments',
    '/admin/articles/987654' /* the newsroom's error page */]) {
    await page.goto(site.base + p);
    await check(page, p);
  }
  await articlePages(page);
  await page.goto(`${site.base}/admin/`);
  await screenshot(page, 'newsroom-ar-dashboard');
  fs.copyFileSync(path.join(SHOTS, 'newsroom-ar-dashboard.png'), path.join(SHOTS, 'screenshot-newsroom-ar.png'));
  await page.close();
});
