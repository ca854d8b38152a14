// Browser helpers: Debian's Chromium driven by playwright-core, axe-core checks, and vnu validation.
import { chromium } from 'playwright-core';
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { tempDir, ROOT, configure, demoSite, run, startServer } from './server.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const VNU_JAR = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build/dist/vnu.jar');
export const SHOTS = path.join(ROOT, 'build/screenshots');

/** Launches headless Chromium with a temp profile; returns {context, close}. */
export async function launch() {
  const context = await chromium.launchPersistentContext(tempDir('chromium-'), {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1280, height: 900 },
  });
  return { context, close: () => context.close() };
}

/** Runs axe-core on the page (injected through the debugger, so the page's CSP stays on). Returns violations. */
export async function axe(page) {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) }));
  });
}

/** Validates one HTML document with vnu (piped on stdin). Resolves to the list of error messages. */
export function vnu(html) {
  return new Promise((resolve, reject) => {
    const p = spawn('java', ['-Xss8m', '-jar', VNU_JAR, '--errors-only', '--format', 'json', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('error', reject);
    p.on('close', () => {
      try {
        const json = JSON.parse(err || out);
        resolve(json.messages.filter((m) => m.type === 'error').map((m) => `${m.lastLine}: ${m.message}`));
      } catch (e) {
        reject(new Error(`vnu output unreadable: ${err} ${out}`));
      }
    });
    p.stdin.end(html);
  });
}

/** Saves a screenshot of the page under build/screenshots. */
export async function screenshot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });
}

/** Asserts the page has no axe violations and its HTML (as the browser holds it) no vnu errors. */
export async function assertValidAccessible(page, what) {
  const violations = await axe(page);
  if (violations.length) throw new Error(`axe on ${what}: ${JSON.stringify(violations, null, 1)}`);
  const errors = await vnu(await page.content());
  if (errors.length) throw new Error(`vnu on ${what}: ${errors.join('; ')}`);
}

/** A new page of context whose every request's origin is collected into the returned list; requests to
 * hosts other than base are aborted (no test depends on the network). Resolves {page, origins}. */
export async function loggedPage(context, base) {
  const page = await context.newPage();
  const origins = [];
  page.on('request', (r) => origins.push(new URL(r.url()).origin));
  await page.route((url) => url.origin !== base, (route) => route.abort());
  return { page, origins };
}

/** Logs in through the newsroom's form (any language: its submit button is pressed) and waits for the
 * dashboard. */
export async function logIn(page, base, login, password) {
  await page.goto(`${base}/admin/login`);
  await page.fill('#login', login);
  await page.fill('#password', password);
  await page.click('form button[type="submit"]');
  await page.waitForURL(`${base}/admin/`);
}

/** The administrator newsroomSite adds to the demo (its newsroom follows the browser: English here). */
export const NEWSROOM_ADMIN = { login: 'boss', password: 'correct horse battery' };

/**
 * The site of the newsroom's browser tests in both languages: the demo (its stories, no extra articles),
 * an administrator (NEWSROOM_ADMIN) and the demo's Arabic editor (its login and password read from
 * demo-logins.txt; its newsroom is Arabic), served (with settings added to its broadsheet.conf, as
 * configure takes them), with Chromium launched. Resolves {site, srv, browser, admin, arabic: {login,
 * password}, close()}: close stops both.
 */
export async function newsroomSite(settings = {}) {
  const site = demoSite(0);
  if (Object.keys(settings).length) configure(site, settings);
  const r = run(['user', 'add', '--site', site, '--name', NEWSROOM_ADMIN.login, '--role', 'admin', '--display-name', 'Boss'],
    { input: `${NEWSROOM_ADMIN.password}\n` });
  assert.equal(r.status, 0, r.stderr);
  const m = /^editor\s+login: (muharrir)\s+password: ([0-9a-f]{16})/m.exec(fs.readFileSync(path.join(site, 'demo-logins.txt'), 'utf8'));
  assert.ok(m, 'the demo has an Arabic editor');
  const srv = await startServer(site);
  let browser;
  try {
    browser = await launch();
  } catch (e) {
    await srv.stop();
    throw e;
  }
  return {
    site, srv, browser, admin: NEWSROOM_ADMIN, arabic: { login: m[1], password: m[2] },
    close: async () => { await browser.close(); await srv.stop(); },
  };
}

/** For a test file: newsroomSite(settings) made before its tests and closed after them (node:test hooks).
 * Returns the object the site's fields are put into (srv, browser, admin, arabic, and base: srv.base). */
export function withNewsroomSite(settings = {}) {
  const site = {};
  before(async () => {
    Object.assign(site, await newsroomSite(settings));
    site.base = site.srv.base;
  });
  after(async () => { await site.close?.(); });
  return site;
}

/** Saves the article editor's form as it is (its Save button) and waits for the saved notice's address. */
export async function saveEditor(page) {
  await page.click('button[name="do"][value="save"]');
  await page.waitForURL(/\/admin\/articles\/\d+\?notice=saved/);
}

/** Logs in afresh (the context's cookies cleared first) as who ({login, password}) through the newsroom's
 * form, and waits for the dashboard. */
export async function logInAs(page, base, who) {
  await page.context().clearCookies();
  await logIn(page, base, who.login, who.password);
}

/** Asserts the newsroom page is in lang ('ar' right to left, 'en' left to right), with 0 axe violations and
 * 0 vnu errors (what names it in the failure). */
export async function checkNewsroomPage(page, lang, what) {
  assert.equal(await page.getAttribute('html', 'lang'), lang, `${what}: lang`);
  assert.equal(await page.getAttribute('html', 'dir'), lang === 'ar' ? 'rtl' : 'ltr', `${what}: dir`);
  const violations = await axe(page);
  assert.deepEqual(violations, [], `axe on ${what}: ${JSON.stringify(violations, null, 1)}`);
  assert.deepEqual(await vnu(await page.content()), [], `vnu on ${what}`);
}
