// Issue 20, sessions, in Chromium: one account logged in from two browsers (two contexts, two
// User-Agents) sees both sessions at /admin/account/sessions, this one marked, and ends the other (English
// demo editor: "End"; Arabic demo editor muharrir: "End all other sessions"), after which the other browser
// is sent to the log-in page. The page in both newsroom languages: lang and dir, 0 vnu errors, 0 axe
// violations, before and after the change. Screenshots: build/screenshots/sessions-{en,ar}.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { demoSite, startServer } from '../lib/server.mjs';
import { screenshot, logIn, checkNewsroomPage as check } from '../lib/browser.mjs';

const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
let srv, browser, logins;

/** Two browsers (contexts) logged in as the same account: the first Chromium's own agent, the second
 * saying it is Firefox on Windows. Resolves {mine, other, close}. */
async function twoBrowsers(login, locale) {
  const a = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  const b = await browser.newContext({ locale, userAgent: FIREFOX_WINDOWS });
  const mine = await a.newPage(), other = await b.newPage();
  await logIn(other, srv.base, login.login, login.password);
  await logIn(mine, srv.base, login.login, login.password);
  return { mine, other, close: async () => { await a.close(); await b.close(); } };
}

/** Whether page's browser is still logged in (the dashboard opens, not the log-in page). */
async function loggedIn(page) {
  await page.goto(`${srv.base}/admin/`);
  return new URL(page.url()).pathname === '/admin/';
}

before(async () => {
  const site = demoSite(0);
  const text = fs.readFileSync(path.join(site, 'demo-logins.txt'), 'utf8');
  const find = (name) => {
    const m = new RegExp(`login: (${name})\\s+password: ([0-9a-f]{16})`, 'm').exec(text);
    assert.ok(m, `the demo has ${name}`);
    return { login: m[1], password: m[2] };
  };
  logins = { en: find('editor'), ar: find('muharrir') };
  srv = await startServer(site);
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('English: both sessions listed, this one marked; End logs the other browser out', async () => {
  const { mine, other, close } = await twoBrowsers(logins.en, 'en-GB');
  try {
    await mine.goto(`${srv.base}/admin/account/sessions`);
    await check(mine, 'en', 'sessions (English)');
    assert.equal(await mine.locator('h1').textContent(), 'Your sessions');
    const rows = mine.locator('table.sessions tbody tr');
    assert.equal(await rows.count(), 2);
    const current = mine.locator('tr.current');
    assert.equal(await current.count(), 1);
    assert.match(await current.textContent(), /Chromium on Linux.*this session/s);
    const firefox = mine.locator('tbody tr', { hasText: 'Firefox on Windows' });
    assert.equal(await firefox.locator('span[title]').getAttribute('title'), FIREFOX_WINDOWS, 'the raw User-Agent in the title');
    assert.match(await firefox.locator('td').nth(1).textContent(), /^127\.0\.0\.1$/, 'the address');
    assert.match(await firefox.locator('time').first().getAttribute('datetime'), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await screenshot(mine, 'sessions-en');
    await firefox.getByRole('button', { name: 'End' }).click();
    await mine.waitForURL(/\/admin\/account\/sessions\?done=ended$/);
    assert.equal(await mine.locator('p.notice').textContent(), 'The session has ended: that browser is logged out.');
    assert.equal(await rows.count(), 1);
    await check(mine, 'en', 'sessions after ending one (English)');
    assert.equal(await loggedIn(other), false, 'the ended browser is logged out');
    assert.equal(await loggedIn(mine), true, 'this one is not');
  } finally {
    await close();
  }
});

test('Arabic (muharrir): the page in Arabic, right to left; End all other sessions', async () => {
  const { mine, other, close } = await twoBrowsers(logins.ar, 'ar-EG');
  try {
    await mine.goto(`${srv.base}/admin/account/sessions`);
    await check(mine, 'ar', 'sessions (Arabic)');
    assert.equal(await mine.locator('h1').textContent(), 'جلساتك');
    assert.equal(await mine.locator('thead th').first().textContent(), 'الجهاز');
    assert.match(await mine.locator('tr.current').textContent(), /Chromium على Linux.*هذه الجلسة/s);
    assert.equal(await mine.locator('table.sessions tbody tr').count(), 2);
    await screenshot(mine, 'sessions-ar');
    await mine.getByRole('button', { name: 'إنهاء كل الجلسات الأخرى' }).click();
    await mine.waitForURL(/\/admin\/account\/sessions\?done=others$/);
    assert.equal(await mine.locator('p.notice').textContent(), 'انتهت كل الجلسات الأخرى: هذا المتصفح وحده ما زال مسجَّل الدخول.');
    assert.equal(await mine.locator('table.sessions tbody tr').count(), 1);
    await check(mine, 'ar', 'sessions after ending the others (Arabic)');
    assert.equal(await loggedIn(other), false, 'the other browser is logged out');
    assert.equal(await loggedIn(mine), true);
  } finally {
    await close();
  }
});
