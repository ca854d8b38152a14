// Issue 20: sign-in with the news group's identity provider, in Chromium. A real provider (npm
// oidc-provider, tests/lib/oidc.mjs) runs on loopback; the log-in page shows its button, which takes the
// browser to the provider's log-in form and back into the newsroom as the account with that verified
// e-mail. The log-in page with the button, a refusal on it and the users page with its e-mail column
// have 0 vnu errors and 0 axe violations in both newsroom languages. Screenshots:
// build/screenshots/oidc-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { configure, dbExec, freePort, run, startServer, tempDir } from '../lib/server.mjs';
import { addUser } from '../lib/newsroom.mjs';
import { axe, screenshot, vnu } from '../lib/browser.mjs';
import { startProvider } from '../lib/oidc.mjs';

const PW = 'a-long-password';
const CLIENT_ID = 'broadsheet-newsroom';
const CLIENT_SECRET = 'client-secret-0123456789abcdef';
const LABEL = 'Example News Group';
const PEOPLE = {
  rana: { email: 'Rana@Example.com', email_verified: true },
  stranger: { email: 'stranger@example.com', email_verified: true },
};

let srv, provider, browser, site;

before(async () => {
  site = path.join(tempDir(), 'site');
  assert.equal(run(['init', site]).status, 0);
  addUser(site, 'boss', 'admin', PW);
  addUser(site, 'rana', 'editor', PW);
  dbExec(site, "UPDATE users SET email = 'rana@example.com' WHERE login = 'rana'");
  const port = await freePort();
  configure(site, { oidc_issuer: `http://127.0.0.1:${port}`, oidc_client_id: CLIENT_ID, oidc_client_secret: CLIENT_SECRET,
    oidc_label: LABEL });
  srv = await startServer(site);
  provider = await startProvider(port, { redirectUri: `${srv.base}/admin/login/oidc/callback`, clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET, people: PEOPLE });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
});
after(async () => {
  await browser?.close();
  await srv?.stop();
  await provider?.stop();
});

/** The page has lang and dir, no axe violations and no vnu errors. */
async function check(page, lang, dir, what) {
  assert.equal(await page.getAttribute('html', 'lang'), lang, `${what}: lang`);
  assert.equal(await page.getAttribute('html', 'dir'), dir, `${what}: dir`);
  const violations = await axe(page);
  assert.deepEqual(violations, [], `axe on ${what}: ${JSON.stringify(violations, null, 1)}`);
  assert.deepEqual(await vnu(await page.content()), [], `vnu on ${what}`);
}

/** A new browser context speaking locale. */
function context(locale) {
  return browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
}

/** Clicks the log-in page's provider button and signs in at the provider's form as who. */
async function signInAtProvider(page, who) {
  await page.click(`main a.button:has-text("${LABEL}")`);
  await page.waitForURL(/127\.0\.0\.1:\d+\/interaction\//);
  assert.notEqual(new URL(page.url()).origin, srv.base, 'at the provider');
  await page.fill('input[name="login"]', who);
  await page.fill('input[name="password"]', 'anything');
  await page.click('button[type="submit"]');
}

test('the button signs in at the provider and lands in the newsroom as the matched account', async () => {
  const ctx = await context('en-GB');
  try {
    const page = await ctx.newPage();
    await page.goto(`${srv.base}/admin/login?next=/admin/password`);
    await check(page, 'en', 'ltr', 'log-in page with the provider button');
    await screenshot(page, 'oidc-login');
    await signInAtProvider(page, 'rana');
    await page.waitForURL(`${srv.base}/admin/password`);
    assert.equal(await page.locator('.admin-head .who bdi').textContent(), 'rana');
    await page.goto(`${srv.base}/admin/`);
    assert.equal(await page.locator('nav.sections a[href="/admin/"]').textContent(), 'Articles');
  } finally {
    await ctx.close();
  }
});

test('in Arabic: the button, the sign-in and a refusal (no account has the e-mail) on a valid, accessible page', async () => {
  const ctx = await context('ar-EG');
  try {
    const page = await ctx.newPage();
    await page.goto(`${srv.base}/admin/login`);
    await check(page, 'ar', 'rtl', 'log-in page with the provider button (Arabic)');
    assert.equal(await page.locator('main a.button', { hasText: LABEL }).textContent(), `الدخول عبر ${LABEL}`);
    await screenshot(page, 'oidc-login-ar');
    await signInAtProvider(page, 'stranger');
    await page.waitForURL(/\/admin\/login\/oidc\/callback/);
    assert.match(await page.locator('p.form-error').textContent(), /لا يوجد حساب نشط في غرفة الأخبار/);
    await check(page, 'ar', 'rtl', 'refused sign-in (Arabic)');
    await screenshot(page, 'oidc-refused-ar');
    // with the cookies cleared (a new log-in at the provider), rana signs in
    await page.context().clearCookies();
    await page.goto(`${srv.base}/admin/login`);
    await signInAtProvider(page, 'rana');
    await page.waitForURL(`${srv.base}/admin/`);
    assert.equal(await page.locator('nav.sections a[href="/admin/"]').textContent(), 'المقالات');
  } finally {
    await ctx.close();
  }
});

test('the users page with its e-mail column is valid and accessible in both languages; a refusal keeps what was typed', async () => {
  for (const [locale, lang, dir] of [['en-GB', 'en', 'ltr'], ['ar-EG', 'ar', 'rtl']]) {
    const ctx = await context(locale);
    try {
      const page = await ctx.newPage();
      await page.goto(`${srv.base}/admin/login`);
      await page.fill('#login', 'boss');
      await page.fill('#password', PW);
      await page.click('form[action="/admin/login"] button[type="submit"]');
      await page.waitForURL(`${srv.base}/admin/`);
      await page.goto(`${srv.base}/admin/users`);
      await check(page, lang, dir, `users page (${lang})`);
      const id = dbExec(site, "SELECT id FROM users WHERE login = 'boss'").trim();
      await page.fill(`#email-${id}`, 'rana@EXAMPLE.com'); // rana's, in other case
      await page.click(`form[action="/admin/users/${id}/email"] button`);
      await page.waitForURL(`${srv.base}/admin/users/${id}/email`);
      assert.equal(await page.inputValue(`#email-${id}`), 'rana@EXAMPLE.com', 'what was typed is kept');
      assert.ok(await page.locator('p.form-error').isVisible());
      await check(page, lang, dir, `users page, refused e-mail (${lang})`);
      if (lang === 'ar') await screenshot(page, 'oidc-users-ar');
    } finally {
      await ctx.close();
    }
  }
});
