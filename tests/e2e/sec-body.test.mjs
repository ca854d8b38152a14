// Issue 16 item 3 in Chromium: an upload whose session has ended is refused when its headers are in,
// before the browser has sent the file, and the connection is closed. The browser must still show the
// refusal (a page saying why), not a reset connection; and a logged-in upload through the form (its CSRF
// token is in the form's action) still works.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { demoSite, startServer, run, tempDir } from '../lib/server.mjs';
import { launch } from '../lib/browser.mjs';

const PASSWORD = 'correct horse battery';
let srv, browser, site, bigFile;

before(async () => {
  site = demoSite(0);
  const r = run(['user', 'add', '--site', site, '--name', 'rep', '--role', 'reporter'], { input: `${PASSWORD}\n` });
  assert.equal(r.status, 0, r.stderr);
  srv = await startServer(site);
  browser = await launch();
  // 6 MB: far more than the socket buffers hold, so the browser is still sending when the answer comes
  bigFile = path.join(tempDir('big-'), 'big.jpg');
  fs.writeFileSync(bigFile, Buffer.alloc(6 * 1024 * 1024, 0xff));
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('an upload sent after the session ended shows the refusal page, not a reset connection', async () => {
  const page = await browser.context.newPage();
  await page.context().clearCookies();
  await page.goto(`${srv.base}/admin/`);
  await page.waitForURL(/\/admin\/login\?next=/);
  await page.fill('#login', 'rep');
  await page.fill('#password', PASSWORD);
  await page.click('button:text("Log in")');
  await page.waitForURL(`${srv.base}/admin/`);
  await page.goto(`${srv.base}/admin/media`);
  await page.context().clearCookies(); // the session ends (as if it expired) while the form is open
  await page.setInputFiles('#file', bigFile);
  await page.fill('#alt', 'Pilot boat leaving the harbour');
  const [response] = await Promise.all([page.waitForResponse((r) => r.url().startsWith(`${srv.base}/admin/media`)),
    page.click('button:text("Upload")')]);
  assert.equal(response.status(), 403);
  await page.waitForLoadState();
  assert.match(await page.locator('main').textContent(), /not logged in, so the upload was not read/);
  await page.close();
});

test('the server logged no sanitizer findings', () => {
  assert.doesNotMatch(srv.stderr, /AddressSanitizer|LeakSanitizer|runtime error:/);
});
