// Browser helpers: Debian's Chromium driven by playwright-core, axe-core checks, and vnu validation.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { tempDir, ROOT } from './server.mjs';

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
