// Issue 20: the audit log's page in Chromium, in both newsroom languages. The demo's entries are listed;
// the filter form narrows them to a group of actions; a bad filter shows the page again with the input
// kept; an administrator whose newsroom is Arabic gets it right to left. Every state: 0 vnu errors, 0
// axe violations. Screenshots: build/screenshots/audit-en.png, audit-ar.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSite, startServer, dbExec } from '../lib/server.mjs';
import { addUser } from '../lib/newsroom.mjs';
import { launch, axe, vnu, screenshot, logIn } from '../lib/browser.mjs';

const PW = 'a-long-password';
let srv, browser, site;

/** The page has lang and dir as given, no axe violations and no vnu errors. */
async function check(page, what, lang, dir) {
  assert.equal(await page.getAttribute('html', 'lang'), lang, `${what}: lang`);
  assert.equal(await page.getAttribute('html', 'dir'), dir, `${what}: dir`);
  const violations = await axe(page);
  assert.deepEqual(violations, [], `axe on ${what}: ${JSON.stringify(violations, null, 1)}`);
  assert.deepEqual(await vnu(await page.content()), [], `vnu on ${what}`);
}

before(async () => {
  site = demoSite(0);
  addUser(site, 'boss', 'admin', PW);
  addUser(site, 'mudir', 'admin', PW);
  dbExec(site, "UPDATE users SET lang = 'ar' WHERE login = 'mudir'");
  srv = await startServer(site);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('the audit log in English: the demo entries, a filter by group, a refused filter kept', async () => {
  const page = await browser.context.newPage();
  await logIn(page, srv.base, 'boss', PW);
  await page.click('nav.sections a[href="/admin/audit"]');
  await page.waitForURL(`${srv.base}/admin/audit`);
  assert.equal(await page.textContent('h1'), 'Audit log');
  const actions = await page.locator('table.audit-log tbody code').allTextContents();
  assert.ok(actions.includes('login.ok') && actions.includes('user.created') && actions.includes('article.published'), actions.join(' '));
  await check(page, 'audit log (English)', 'en', 'ltr');
  await screenshot(page, 'audit-en');
  await page.selectOption('#audit-action', 'login.');
  await page.click('form.filters button[type="submit"]');
  await page.waitForURL(/action=login\./);
  const filtered = await page.locator('table.audit-log tbody code').allTextContents();
  assert.ok(filtered.length > 0 && filtered.every((a) => a.startsWith('login.')), filtered.join(' '));
  await check(page, 'audit log filtered', 'en', 'ltr');
  const r = await page.goto(`${srv.base}/admin/audit?person=boss&from=2026-02-31`);
  assert.equal(r.status(), 400);
  assert.equal(await page.inputValue('#audit-from'), '2026-02-31');
  assert.equal(await page.inputValue('#audit-person'), 'boss');
  assert.match(await page.textContent('p.form-error'), /first day must be a date/);
  await check(page, 'audit log, refused filter', 'en', 'ltr');
  await page.close();
});

test('the audit log in Arabic, right to left, for an administrator who works in Arabic', async () => {
  await browser.context.clearCookies();
  const page = await browser.context.newPage();
  await logIn(page, srv.base, 'mudir', PW);
  await page.goto(`${srv.base}/admin/audit`);
  assert.equal(await page.textContent('h1'), 'سجل التدقيق');
  assert.equal(await page.locator('nav.sections a[href="/admin/audit"]').textContent(), 'سجل التدقيق');
  assert.ok(await page.locator('table.audit-log tbody tr').count() > 0);
  assert.match(await page.locator('table.audit-log tbody td').nth(3).textContent(), /[\u0600-\u06FF]/, 'action labels in Arabic');
  await check(page, 'audit log (Arabic)', 'ar', 'rtl');
  await screenshot(page, 'audit-ar');
  const r = await page.goto(`${srv.base}/admin/audit?action=${encodeURIComponent('BAD ACTION')}`);
  assert.equal(r.status(), 400);
  await check(page, 'audit log, refused filter (Arabic)', 'ar', 'rtl');
  await page.close();
});
