// What the newsroom does, in Chromium: a reporter logs in, uploads an image, writes an article with it
// and submits it; an editor schedules it eight seconds ahead and the server's own clock publishes it (the
// store is read directly, so no request can have triggered it); every newsroom page passes vnu and axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { demoSite, startServer, run, tempDir, configure } from '../lib/server.mjs';
import { launch, axe, vnu, screenshot } from '../lib/browser.mjs';

const PASSWORD = 'correct horse battery';
let srv, browser, site, imageFile;

function addUser(name, role) {
  const r = run(['user', 'add', '--site', site, '--name', name, '--role', role, '--display-name', `Test ${role}`],
    { input: `${PASSWORD}\n` });
  assert.equal(r.status, 0, r.stderr);
}

/** Reads the store directly (no HTTP request): the status of the article with that headline. */
function statusInStore(headline) {
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 10000', path.join(site, 'site.db'), `SELECT status FROM articles WHERE headline = '${headline.replace(/'/g, "''")}'`],
    { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

/** "YYYY-MM-DD HH:MM:SS" in UTC, seconds from now. */
function utcIn(seconds) {
  return new Date(Date.now() + seconds * 1000).toISOString().replace('T', ' ').slice(0, 19);
}

async function logIn(page, login) {
  await page.goto(`${srv.base}/admin/`);
  await page.waitForURL(/\/admin\/login\?next=/);
  await page.fill('#login', login);
  await page.fill('#password', PASSWORD);
  await page.click('button:text("Log in")');
  await page.waitForURL(`${srv.base}/admin/`);
}

/** Every page must be valid HTML and accessible. */
async function check(page, what) {
  const violations = await axe(page);
  assert.deepEqual(violations, [], `axe on ${what}: ${JSON.stringify(violations, null, 1)}`);
  const errors = await vnu(await page.content());
  assert.deepEqual(errors, [], `vnu on ${what}`);
}

before(async () => {
  site = demoSite(0);
  configure(site, { webhook_allow_private: '127.0.0.1' }); // the endpoint added below is on loopback
  addUser('rep', 'reporter');
  addUser('ed', 'editor');
  addUser('boss', 'admin');
  // some article views over the last two days, for the dashboard's chart
  const views = spawnSync('sqlite3', ['-cmd', '.timeout 10000', path.join(site, 'site.db'),
    "WITH RECURSIVE h(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM h WHERE k < 47) INSERT INTO article_views "
    + "SELECT a.id, strftime('%s', 'now') / 3600 * 3600 - h.k * 3600, 1 + (a.id * 7 + h.k * 13) % 40 FROM articles a, h "
    + "WHERE a.status = 'published' AND a.id % 5 = 0"], { encoding: 'utf8' });
  assert.equal(views.status, 0, views.stderr);
  srv = await startServer(site);
  browser = await launch();
  // a real JPEG photo-like image, drawn by the browser itself (no binary fixture in the repository)
  const p = await browser.context.newPage();
  await p.setContent('<canvas id="c" width="1600" height="900"></canvas>');
  const dataUrl = await p.evaluate(() => {
    const c = document.getElementById('c');
    const g = c.getContext('2d');
    const grad = g.createLinearGradient(0, 0, 1600, 900);
    grad.addColorStop(0, '#1d4e89');
    grad.addColorStop(1, '#f4a261');
    g.fillStyle = grad;
    g.fillRect(0, 0, 1600, 900);
    g.fillStyle = '#fff';
    g.font = 'bold 120px sans-serif';
    g.fillText('Harbour at dawn', 200, 480);
    return c.toDataURL('image/jpeg', 0.85);
  });
  await p.close();
  imageFile = path.join(tempDir('img-'), 'harbour.jpg');
  fs.writeFileSync(imageFile, Buffer.from(dataUrl.split(',')[1], 'base64'));
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

const HEADLINE = 'Harbour pilots trial night-time berthing for cargo ships';

test('a reporter uploads an image, writes an article with it and submits it for review', async () => {
  const page = await browser.context.newPage();
  await page.context().clearCookies();
  await logIn(page, 'rep');
  // upload: a refused one first (no alt text is caught by the browser, so send a text file named .jpg)
  await page.goto(`${srv.base}/admin/media`);
  const fake = path.join(tempDir('fake-'), 'notes.jpg');
  fs.writeFileSync(fake, 'these are not pixels\n');
  await page.setInputFiles('#file', fake);
  await page.fill('#alt', 'Pilot boat leaving the harbour');
  await page.click('button:text("Upload")');
  assert.match(await page.locator('.form-error').textContent(), /not a JPEG, PNG or WebP/);
  assert.equal(await page.inputValue('#alt'), 'Pilot boat leaving the harbour', 'alt text kept');
  await page.setInputFiles('#file', imageFile);
  await page.click('button:text("Upload")');
  await page.waitForURL(/\/admin\/media\?uploaded=\d+/);
  const mediaId = /uploaded=(\d+)/.exec(page.url())[1];
  await check(page, 'media library');

  await page.goto(`${srv.base}/admin/articles/new`);
  await page.fill('#headline', HEADLINE);
  await page.fill('#standfirst', 'The port authority wants to cut waiting times at anchor by a third.');
  // the body is written in the writing desk (ProseMirror over the #body textarea, which gets its Markdown)
  await page.locator('.pm-editor').click();
  await page.keyboard.type('Pilots began the trial on ');
  await page.keyboard.press('Control+i');
  await page.keyboard.type('Monday');
  await page.keyboard.press('Control+i');
  await page.keyboard.type(' night.');
  await page.keyboard.press('Enter');
  await page.keyboard.type('> "We are ready," the harbour master said.');
  assert.equal(await page.inputValue('#body'), 'Pilots began the trial on *Monday* night.\n\n> "We are ready," the harbour master said.\n');
  // the live preview is rendered by the server
  await page.waitForFunction(() => document.querySelector('#preview-pane em')?.textContent === 'Monday');
  assert.equal(await page.locator('#preview-pane blockquote').count(), 1);
  const section = await page.locator('#section option', { hasText: 'English: ' }).first().getAttribute('value');
  await page.selectOption('#section', section);
  // the lead image is picked by typing its alt text (the select gives way to a combobox)
  await page.click('label[for="media-pick"]');
  await page.keyboard.type('Pilot boat');
  await page.locator('#media-pick[aria-expanded="true"]').waitFor();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.equal(await page.inputValue('#media'), mediaId, 'the picked image is in the form');
  await page.fill('#caption', 'A pilot boat at first light.');
  await page.fill('#credit', 'Staff photographer');
  await page.fill('#dateline', 'AQABA');
  await page.click('button[name="do"][value="save"]');
  await page.waitForURL(/\/admin\/articles\/\d+\?notice=saved/);
  assert.equal(await page.locator('.notice').textContent(), 'Saved.');
  await check(page, 'editor (saved draft)');
  // a reporter has no publishing buttons
  assert.equal(await page.locator('button[value="publish"]').count(), 0);
  assert.equal(await page.locator('button[value="schedule"]').count(), 0);
  await page.click('button[value="review"]');
  await page.waitForURL(/notice=status/);
  assert.equal((await page.locator('.status-badge').textContent()).trim(), 'review');
  assert.equal(statusInStore(HEADLINE), 'review');
  await page.close();
});

test('an editor schedules it eight seconds ahead (room for a slow, loaded machine to check it is not yet public); the server publishes it on time by itself', async () => {
  const page = await browser.context.newPage();
  await page.context().clearCookies();
  await logIn(page, 'ed');
  await page.locator('#group-review').locator('xpath=..').locator('a', { hasText: HEADLINE }).click();
  await page.waitForURL(/\/admin\/articles\/\d+$/);
  // a time in the past is refused, with the typed time kept
  await page.fill('#schedule-at', '2001-01-01 08:00');
  await page.click('button[value="schedule"]');
  assert.match(await page.locator('.form-error').textContent(), /in the past/);
  assert.equal(await page.inputValue('#schedule-at'), '2001-01-01 08:00');
  await page.fill('#schedule-at', utcIn(8));
  await page.click('button[value="schedule"]');
  await page.waitForURL(/notice=status/);
  assert.equal((await page.locator('.status-badge').textContent()).trim(), 'scheduled');
  const front = await (await fetch(`${srv.base}/en/`)).text();
  assert.ok(!front.includes(HEADLINE), 'not public before its time');
  await page.close();
  // no request of any kind while the time passes
  await new Promise((r) => setTimeout(r, 9500));
  assert.equal(statusInStore(HEADLINE), 'published', 'published by the server clock, with no request');
  const after = await browser.context.newPage();
  await after.goto(`${srv.base}/en/`);
  const latest = after.locator('.latest li a', { hasText: HEADLINE });
  assert.equal(await latest.count(), 1, 'in the latest-news list');
  assert.ok(await after.locator('main a', { hasText: HEADLINE }).count() >= 1, 'on the front page');
  await latest.click();
  await after.waitForURL(/\/en\/\d{4}\/\d\d\/\d\d\//);
  // the lead image is served as renditions with srcset
  const srcset = await after.getAttribute('.lead-image img', 'srcset');
  assert.match(srcset, /\/media\/\d{4}\/\d\d\/[0-9a-f]+-320\.jpg 320w/);
  assert.equal(await after.getAttribute('.lead-image img', 'alt'), 'Pilot boat leaving the harbour');
  const img = await fetch(srv.base + (await after.getAttribute('.lead-image img', 'src')));
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/jpeg');
  assert.match(img.headers.get('cache-control'), /max-age=31536000/);
  assert.match(await after.locator('.lead-image figcaption').textContent(), /A pilot boat at first light/);
  await screenshot(after, 'newsroom-published-article');
  await after.close();
});

test('every newsroom page is valid HTML and accessible', async () => {
  const page = await browser.context.newPage();
  await page.context().clearCookies();
  await page.goto(`${srv.base}/admin/login`);
  await check(page, 'login');
  await page.fill('#login', 'boss');
  await page.fill('#password', 'wrong password!');
  await page.click('button:text("Log in")');
  assert.match(await page.locator('.form-error').textContent(), /do not match/);
  await check(page, 'login (refused)');
  await page.fill('#password', PASSWORD);
  await page.click('button:text("Log in")');
  await page.waitForURL(`${srv.base}/admin/`);
  assert.equal(await page.locator('svg.chart rect.bar').count(), 48);
  await check(page, 'dashboard');
  await screenshot(page, 'newsroom-dashboard');
  for (const p of ['/admin/articles/new', '/admin/users', '/admin/settings', '/admin/password', '/admin/media',
    '/admin/search', '/admin/search?q=market', '/admin/search?q=xylophonistically',
    '/admin/articles/987654' /* the newsroom's error page */]) {
    await page.goto(srv.base + p);
    await check(page, p);
  }
  // API keys: the form, a refused one (no scope), a new key shown once, the list
  await page.goto(`${srv.base}/admin/api-keys`);
  await check(page, '/admin/api-keys');
  await page.fill('#key-name', 'Wire service');
  await page.uncheck('#scope-read');
  await page.click('button:text("Make the key")');
  assert.match(await page.locator('.form-error').textContent(), /at least one scope/);
  assert.equal(await page.inputValue('#key-name'), 'Wire service');
  await check(page, 'api keys (refused)');
  await page.check('#scope-read');
  await page.check('#scope-write');
  await page.click('button:text("Make the key")');
  assert.match(await page.locator('code.token').textContent(), /^bsk_[0-9a-f]{64}$/);
  await check(page, 'api keys (one made)');
  // webhooks: the empty list, a refused address (kept in the form), an endpoint, its delivery log
  await page.goto(`${srv.base}/admin/webhooks`);
  await check(page, '/admin/webhooks');
  await page.fill('#hook-url', 'ftp://example.com/hook');
  await page.click('button:text("Add endpoint")');
  assert.match(await page.locator('.form-error').textContent(), /http:\/\/ or https:\/\//);
  await check(page, 'webhooks (refused)');
  await page.fill('#hook-url', 'http://10.0.0.1/hook');
  await page.click('button:text("Add endpoint")');
  assert.match(await page.locator('.form-error').textContent(), /10\.0\.0\.1 is not a public address \(private\)/);
  await check(page, 'webhooks (private address refused)');
  await page.fill('#hook-url', 'http://127.0.0.1:9/hook');
  await page.click('button:text("Add endpoint")');
  await check(page, 'webhooks (one endpoint)');
  await page.click('a[href^="/admin/webhooks/"]');
  await page.waitForURL(/\/admin\/webhooks\/\d+$/);
  await check(page, 'webhook deliveries');
  // an article with several revisions: the editor with a preview, a refused save, and the history diff
  await page.goto(`${srv.base}/admin/`);
  await page.locator('#group-published').locator('xpath=..').locator('a').first().click();
  await page.waitForURL(/\/admin\/articles\/\d+$/);
  const id = /articles\/(\d+)/.exec(page.url())[1];
  // a paragraph added at the end through the writing desk (its document, as a command would)
  await page.locator('.pm-editor').waitFor();
  await page.evaluate(() => {
    const { view } = window.broadsheetDesk;
    const { schema } = view.state;
    view.dispatch(view.state.tr.insert(view.state.doc.content.size, schema.nodes.paragraph.create(null, schema.text('A new closing paragraph.'))));
  });
  await page.click('button[name="do"][value="save"]');
  await page.waitForURL(/notice=saved/);
  await page.click('button[name="do"][value="preview"]');
  await check(page, 'editor with preview');
  await page.fill('#headline', '');
  await page.evaluate(() => document.getElementById('headline').removeAttribute('required'));
  await page.click('button[name="do"][value="save"]');
  assert.match(await page.locator('.form-error').textContent(), /headline cannot be empty/);
  assert.match(await page.inputValue('#body'), /A new closing paragraph\./, 'the typed text is kept');
  await check(page, 'editor (refused save)');
  await screenshot(page, 'newsroom-editor');
  await page.goto(`${srv.base}/admin/articles/${id}/history`);
  assert.ok(await page.locator('.diff-added').count() >= 1, 'the diff shows the added paragraph');
  await check(page, 'history');
  await page.close();
});
