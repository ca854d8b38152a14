// Issue 19: the newsroom in Arabic, in Chromium. A browser that asks for Arabic gets the log-in page in
// Arabic, right to left; the demo's Arabic editor logs in and writes a story in the writing desk (its
// toolbar in Arabic), saved; an administrator switches the newsroom to Arabic on the Language page; every
// newsroom page, in Arabic, is right to left with 0 vnu errors and 0 axe violations. Screenshots:
// build/screenshots/newsroom-ar-*.png (the README's is docs/screenshot-newsroom-ar.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { demoSite, startServer, run } from '../lib/server.mjs';
import { launch, axe, vnu, screenshot, SHOTS } from '../lib/browser.mjs';
import { chromium } from 'playwright-core';

const PASSWORD = 'correct horse battery';
let srv, browser, site, arabicLogin;

/** The page is right to left in Arabic, valid HTML and accessible. */
async function check(page, what) {
  assert.equal(await page.getAttribute('html', 'lang'), 'ar', `${what}: lang`);
  assert.equal(await page.getAttribute('html', 'dir'), 'rtl', `${what}: dir`);
  const violations = await axe(page);
  assert.deepEqual(violations, [], `axe on ${what}: ${JSON.stringify(violations, null, 1)}`);
  assert.deepEqual(await vnu(await page.content()), [], `vnu on ${what}`);
}

/** Logs in through the form (whatever its language) and waits for the dashboard. */
async function logIn(page, login, password) {
  await page.goto(`${srv.base}/admin/login`);
  await page.fill('#login', login);
  await page.fill('#password', password);
  await page.click('form button[type="submit"]');
  await page.waitForURL(`${srv.base}/admin/`);
}

before(async () => {
  site = demoSite(0);
  const r = run(['user', 'add', '--site', site, '--name', 'boss', '--role', 'admin', '--display-name', 'Boss'],
    { input: `${PASSWORD}\n` });
  assert.equal(r.status, 0, r.stderr);
  const m = /^editor\s+login: (muharrir)\s+password: ([0-9a-f]{16})/m.exec(fs.readFileSync(path.join(site, 'demo-logins.txt'), 'utf8'));
  assert.ok(m, 'the demo has an Arabic editor');
  arabicLogin = { login: m[1], password: m[2] };
  srv = await startServer(site);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('a browser that asks for Arabic gets the log-in page in Arabic; the Arabic editor writes a story', async () => {
  const arBrowser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const ctx = await arBrowser.newContext({ locale: 'ar-EG', viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(`${srv.base}/admin/login`);
    await check(page, 'log-in (browser asks for Arabic)');
    assert.match(await page.title(), /غرفة الأخبار/);
    await screenshot(page, 'newsroom-ar-login');
    await logIn(page, arabicLogin.login, arabicLogin.password);
    await check(page, 'dashboard');
    assert.equal(await page.locator('nav.sections a[href="/admin/"]').textContent(), 'المقالات');
    await page.goto(`${srv.base}/admin/articles/new`);
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
    await page.click('button[name="do"][value="save"]');
    await page.waitForURL(/\/admin\/articles\/\d+\?notice=saved/);
    await check(page, 'editor (saved)');
    assert.equal(await page.inputValue('#headline'), 'افتتاح معرض الكتاب في عمّان بمشاركة ٣٠٠ دار نشر');
    await ctx.close();
  } finally {
    await arBrowser.close();
  }
});

test('an administrator switches the newsroom to Arabic; every newsroom page is right to left, valid and accessible', async () => {
  const page = await browser.context.newPage();
  await page.context().clearCookies();
  await logIn(page, 'boss', PASSWORD);
  assert.equal(await page.getAttribute('html', 'lang'), 'en', 'an English browser, nothing chosen: English');
  await page.goto(`${srv.base}/admin/language`);
  await page.check('#lang-ar');
  await page.locator('form', { has: page.locator('#lang-ar') }).locator('button[type="submit"]').click();
  await page.waitForURL(/\/admin\/language\?saved=1$/);
  await check(page, 'language (saved)');
  assert.equal(await page.locator('p.notice').textContent(), 'حُفظت لغتك في غرفة الأخبار.');
  for (const p of ['/admin/', '/admin/articles/new', '/admin/users', '/admin/settings', '/admin/password', '/admin/media',
    '/admin/search', '/admin/search?q=market', '/admin/api-keys', '/admin/webhooks', '/admin/comments']) {
    await page.goto(srv.base + p);
    await check(page, p);
  }
  await page.goto(`${srv.base}/admin/`);
  await screenshot(page, 'newsroom-ar-dashboard');
  fs.copyFileSync(path.join(SHOTS, 'newsroom-ar-dashboard.png'), path.join(SHOTS, 'screenshot-newsroom-ar.png'));
  await page.close();
});
