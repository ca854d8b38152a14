// Issue 20: passkeys in Chromium with the DevTools WebAuthn domain's virtual authenticator (CTAP2, built in,
// resident keys, user verification). In each newsroom language (the demo's English editor, and its Arabic
// editor muharrir in a browser that asks for Arabic): log in with the password, add a passkey on
// /admin/account/passkeys, log out, and sign in with the passkey alone from the log-in page; the pages are
// valid HTML (vnu) and accessible (axe) in both languages, and a browser without WebAuthn is told so.
// Chromium refuses an IP address as relying party, so the site is opened as http://localhost:PORT.
// Screenshots: build/screenshots/passkeys-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { demoSite, startServer, dbExec } from '../lib/server.mjs';
import { screenshot, checkNewsroomPage as check } from '../lib/browser.mjs';

let srv, site, browser, base, logins;

before(async () => {
  site = demoSite(0);
  const text = fs.readFileSync(path.join(site, 'demo-logins.txt'), 'utf8');
  const find = (name) => {
    const m = new RegExp(`login: (${name})\\s+password: ([0-9a-f]{16})`).exec(text);
    assert.ok(m, `the demo has ${name}`);
    return { login: m[1], password: m[2] };
  };
  logins = { en: find('editor'), ar: find('muharrir') };
  srv = await startServer(site);
  base = `http://localhost:${srv.port}`;
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

/** A page in a new context for locale, with a virtual authenticator attached; resolves {page, cdp, id, ctx}. */
async function withAuthenticator(locale) {
  const ctx = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: {
    protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true,
    automaticPresenceSimulation: true } });
  return { page, cdp, id: authenticatorId, ctx };
}

/** Adds a passkey, logs out and signs in with it alone, as `who` in a browser asking for lang. */
async function passkeyRoundTrip(lang, who, name) {
  const { page, cdp, id, ctx } = await withAuthenticator(lang === 'ar' ? 'ar-EG' : 'en-GB');
  try {
    await page.goto(`${base}/admin/login`);
    await page.fill('#login', who.login);
    await page.fill('#password', who.password);
    await page.click('form[action="/admin/login"] button[type="submit"]');
    await page.waitForURL(`${base}/admin/`);

    await page.click('nav.sections a[href="/admin/account/passkeys"]'); // the menu leads there
    await page.waitForURL(`${base}/admin/account/passkeys`);
    assert.ok(await page.locator('#passkey-add-form').isVisible(), 'the add form is shown where WebAuthn works');
    assert.ok(await page.locator('.passkey-unsupported').isHidden());
    await check(page, lang, `${lang} passkeys page (none yet)`);
    await page.fill('#passkey-name', name);
    await page.fill('#passkey-password', who.password);
    await page.click('#passkey-add-form button[type="submit"]');
    await page.waitForURL(`${base}/admin/account/passkeys?notice=added`);
    assert.equal(await page.locator('.passkey-list bdi').first().textContent(), name);
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId: id });
    assert.equal(credentials.length, 1, 'the authenticator holds the new passkey');
    assert.ok(credentials[0].isResidentCredential, 'a discoverable credential');
    await check(page, lang, `${lang} passkeys page (one added)`);
    await screenshot(page, `passkeys-${lang}-page`);

    await page.click('form.logout button[type="submit"]');
    await page.waitForURL(`${base}/admin/login`);
    assert.ok(await page.locator('#passkey-login').isVisible(), 'the passkey button is shown');
    await check(page, lang, `${lang} log-in page`);
    await screenshot(page, `passkeys-${lang}-login`);
    await page.click('#passkey-login');
    await page.waitForURL(`${base}/admin/`);
    assert.equal(await page.locator('.who bdi').textContent(), who.login);
    const used = await cdp.send('WebAuthn.getCredentials', { authenticatorId: id });
    assert.ok(used.credentials[0].signCount >= 1, 'the authenticator signed');
    const row = dbExec(site, `SELECT p.sign_count, p.last_used_at FROM passkeys p JOIN users u ON u.id = p.user_id WHERE u.login = '${who.login}'`)
      .trim().split('\t');
    assert.ok(Number(row[1]) > 0, 'the passkey has been used');
    await page.goto(`${base}/admin/account/passkeys`);
    await check(page, lang, `${lang} passkeys page (used)`);
  } finally {
    await ctx.close();
  }
}

test('English: add a passkey, log out, sign in with it alone', async () => {
  await passkeyRoundTrip('en', logins.en, 'Office laptop');
});

test('Arabic: muharrir adds a passkey, logs out, signs in with it alone', async () => {
  await passkeyRoundTrip('ar', logins.ar, 'حاسوب المكتب');
  assert.match(dbExec(site, "SELECT action FROM audit_log WHERE login = 'muharrir' ORDER BY id").trim(),
    /passkey\.added[\s\S]*login\.passkey\.ok/);
});

test('a browser without WebAuthn is told so; the log-in form still works', async () => {
  for (const [lang, locale] of [['en', 'en-GB'], ['ar', 'ar-EG']]) {
    const ctx = await browser.newContext({ locale });
    await ctx.addInitScript(() => { delete window.PublicKeyCredential; });
    const page = await ctx.newPage();
    await page.goto(`${base}/admin/login`);
    assert.ok(await page.locator('.passkey-login .passkey-unsupported').isVisible());
    assert.ok(await page.locator('#passkey-login').isHidden());
    await check(page, lang, `${lang} log-in page without WebAuthn`);
    await ctx.close();
  }
});
