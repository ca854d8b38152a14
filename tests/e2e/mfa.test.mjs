// Issue 20, two-factor log-in in Chromium, in both newsroom languages: the demo's English editor (a browser
// asking for English) and its Arabic editor muharrir (a browser asking for Arabic; its newsroom is Arabic)
// each open the account page from the menu, set up TOTP by the page (the key shown for typing, a code from
// Debian's oathtool), keep the recovery codes, log out, and log in again with the password and then a code.
// The account page, the enrolment page, the recovery codes and the second-factor page (with and without an
// error) are in the newsroom's language and direction, with 0 vnu errors and 0 axe violations.
// Screenshots: build/screenshots/mfa-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { demoSite, startServer } from '../lib/server.mjs';
import { screenshot, checkNewsroomPage as check } from '../lib/browser.mjs';

let srv, browser, logins;

/** The code oathtool gives for secret (base32) at unix time t. */
function oath(secret, t) {
  return execFileSync('oathtool', ['--totp', '-b', secret, '--now', `@${t}`], { encoding: 'utf8' }).trim();
}

/** Waits, when the current 30-second step ends in less than 6 seconds, for the next one. */
async function midStep() {
  const left = 30 - (Date.now() / 1000) % 30;
  if (left < 6) await new Promise((r) => setTimeout(r, left * 1000 + 200));
}

/** Sends the log-in form with login and password (whatever the page's language). */
async function passwordStep(page, login, password) {
  await page.goto(`${srv.base}/admin/login`);
  await page.fill('#login', login);
  await page.fill('#password', password);
  await page.click('form button[type="submit"]');
}

before(async () => {
  const site = demoSite(0);
  const text = fs.readFileSync(path.join(site, 'demo-logins.txt'), 'utf8');
  const find = (name) => {
    const m = new RegExp(`^editor\\s+login: (${name})\\s+password: ([0-9a-f]{16})`, 'm').exec(text);
    assert.ok(m, `the demo has the editor ${name}`);
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

for (const lang of ['en', 'ar']) {
  test(`${lang}: set up two-factor log-in from the account page, then log in with the password and a code`, async () => {
    const { login, password } = logins[lang];
    const ctx = await browser.newContext({ locale: lang === 'ar' ? 'ar-EG' : 'en-GB', viewport: { width: 1280, height: 900 } });
    try {
      const page = await ctx.newPage();
      await page.route((url) => url.origin !== srv.base, (route) => route.abort());
      await passwordStep(page, login, password);
      await page.waitForURL(`${srv.base}/admin/`);

      await page.click('nav.sections a[href="/admin/account"]');
      await page.waitForURL(`${srv.base}/admin/account`);
      await check(page, lang, 'the account page (two-factor off)');
      await screenshot(page, `mfa-account-${lang}`);

      await midStep();
      await page.click('a[href="/admin/account/totp"]');
      await page.waitForURL(`${srv.base}/admin/account/totp`);
      assert.equal(await page.locator('.qr-code svg').count(), 1, 'the QR code is drawn');
      const box = await page.locator('.qr-code svg').boundingBox();
      assert.ok(box.width >= 150 && box.height === box.width, `a square QR code big enough to scan: ${box.width}`);
      await check(page, lang, 'the enrolment page');
      await screenshot(page, `mfa-enrol-${lang}`);
      const secret = (await page.textContent('#totp-secret')).replace(/ /g, '');
      assert.match(secret, /^[A-Z2-7]{32}$/);
      await page.fill('#code', oath(secret, Math.floor(Date.now() / 1000)));
      await page.click('form[action="/admin/account/totp"] button[type="submit"]');
      await page.locator('.recovery-codes').waitFor();
      assert.equal(await page.locator('.recovery-codes li').count(), 10, 'ten recovery codes');
      await check(page, lang, 'the recovery codes');
      await page.click('a[href="/admin/account?done=on"]');
      await page.waitForURL(`${srv.base}/admin/account?done=on`);
      assert.equal(await page.locator('form[action="/admin/account/totp/disable"]').count(), 1, 'it is on: it can be turned off');
      await check(page, lang, 'the account page (two-factor on)');

      await page.click('form.logout button[type="submit"]');
      await page.waitForURL(`${srv.base}/admin/login`);
      await passwordStep(page, login, password);
      await page.waitForURL(`${srv.base}/admin/login/second-factor`);
      await check(page, lang, 'the second-factor page');
      await page.fill('#code', '000000');
      await page.click('form[action="/admin/login/second-factor"] button[type="submit"] >> nth=0');
      await page.locator('.form-error').waitFor();
      await check(page, lang, 'the second-factor page with an error');
      await screenshot(page, `mfa-second-factor-${lang}`);
      await page.fill('#code', oath(secret, Math.floor(Date.now() / 1000) + 30)); // a step after enrolment's
      await page.click('form[action="/admin/login/second-factor"] button[type="submit"] >> nth=0');
      await page.waitForURL(`${srv.base}/admin/`);
      assert.equal(await page.getAttribute('html', 'lang'), lang, 'logged in: the newsroom in its language');
    } finally {
      await ctx.close();
    }
  });
}
