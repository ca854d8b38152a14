// Issue 16, item 7, in Chromium: a reader fills the comment form with a 3,023-character emoji comment and
// it is sent and stored whole (maxlength="5000" counted UTF-16 units and cut it to about 2,500); the live
// count (static/textcount.js, allowed by the Content-Security-Policy) counts characters as the server
// does; a comment over the limit is shown as too long, and sent anyway it is refused with a message while
// the whole text stays in the form; the moderator's edit form behaves the same. The pages pass axe-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { demoSite, startServer, run } from '../lib/server.mjs';
import { launch, axe } from '../lib/browser.mjs';

const PASSWORD = 'correct horse battery';
const EMOJI = ['😀', '🎉', '👍🏽', '🇯🇴', '👨‍👩‍👧'];
let srv, site, browser;
const cspErrors = [];

function sql(query) {
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 10000', '-separator', '\t', path.join(site, 'site.db'), query], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** A text of exactly n characters (code points), mostly emoji, with a space now and then. */
function emojiText(n) {
  const cps = [];
  for (let i = 0; cps.length < n; i++) {
    if (i % 40 === 39) cps.push(' ');
    else cps.push(...EMOJI[i % EMOJI.length]);
  }
  return cps.slice(0, n).join('');
}

/** Published articles of edition without comments, newest first: {id, href}. */
function uncommented(edition) {
  return sql("SELECT id, slug, strftime('%Y/%m/%d', published_at, 'unixepoch') FROM articles a WHERE status = 'published' "
    + `AND edition = '${edition}' AND NOT EXISTS (SELECT 1 FROM comments c WHERE c.article_id = a.id) ORDER BY published_at DESC`)
    .trim().split('\n').map((l) => {
      const [id, slug, ymd] = l.split('\t');
      return { id: Number(id), href: `/${edition}/${ymd}/${encodeURIComponent(slug)}` };
    });
}

/** A new page that records Content-Security-Policy violations and page errors. */
async function newPage() {
  const p = await browser.context.newPage();
  p.on('console', (m) => { if (/Content Security Policy|Refused to/.test(m.text())) cspErrors.push(m.text()); });
  p.on('pageerror', (e) => cspErrors.push(`page error: ${e.message}`));
  return p;
}

before(async () => {
  site = demoSite(0);
  const r = run(['user', 'add', '--site', site, '--name', 'mod', '--role', 'moderator'], { input: `${PASSWORD}\n` });
  assert.equal(r.status, 0, r.stderr);
  for (const [k, v] of [['comments.min_fill_seconds', '0'], ['comments.rate_ip', '100000'], ['comments.rate_net', '100000']])
    sql(`INSERT OR REPLACE INTO settings VALUES('${k}', '${v}')`);
  srv = await startServer(site);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('a 3,023-character emoji comment filled in Chromium is sent and stored whole, with a live count of characters', async () => {
  const art = uncommented('en')[0];
  const p = await newPage();
  await p.goto(srv.base + art.href);
  const text = emojiText(3023);
  assert.ok(text.length > 5000, `${text.length} UTF-16 units`);
  await p.fill('#c-name', 'Emoji Fan 🎉');
  await p.fill('#c-body', text);
  const filled = await p.inputValue('#c-body');
  assert.equal([...filled].length, 3023, 'the field holds all 3,023 characters (nothing cut while filling)');
  assert.equal(filled, text);
  assert.equal((await p.locator('#c-body-count').textContent()).trim(), '3023 of 5000 characters');
  assert.equal(await p.locator('#c-body-count.over').count(), 0);
  assert.equal(await p.getAttribute('#c-body', 'aria-describedby'), 'c-body-count');
  assert.equal((await p.locator('#c-name-count').textContent()).trim(), '11 of 80 characters');
  await p.click('#comment-form button[type="submit"]');
  await p.waitForURL(/\?comment=held#comment-\d+$/);
  const id = Number(/#comment-(\d+)$/.exec(p.url())[1]);
  assert.equal(sql(`SELECT length(body) FROM comments WHERE id = ${id}`).trim(), '3023', 'stored whole, 3,023 characters');
  assert.equal(sql(`SELECT body FROM comments WHERE id = ${id}`).replace(/\n$/, ''), text);
  assert.deepEqual(cspErrors, [], 'the script ran under the page\'s Content-Security-Policy');
});

test('over the limit: the count says so; sent anyway, the server refuses with a message and the whole text stays', async () => {
  const art = uncommented('en')[0];
  const before = sql('SELECT count(*) FROM comments').trim();
  const p = await newPage();
  await p.goto(srv.base + art.href);
  const text = emojiText(5001);
  await p.fill('#c-name', 'Too Long');
  await p.fill('#c-body', text);
  assert.equal([...await p.inputValue('#c-body')].length, 5001, 'never cut');
  assert.equal((await p.locator('#c-body-count').textContent()).trim(), '5001 of 5000 characters: 1 too many');
  assert.equal(await p.locator('#c-body-count.over').count(), 1);
  assert.equal(await p.getAttribute('#c-body', 'aria-invalid'), 'true');
  await p.click('#comment-form button[type="submit"]');
  await p.waitForLoadState();
  assert.equal((await p.locator('#comment-form .form-error').textContent()).trim(),
    'Your comment is too long: 5001 characters, and at most 5000 are allowed. Please shorten it.');
  assert.equal(await p.inputValue('#c-body'), text, 'the whole text is kept in the form');
  assert.equal(await p.inputValue('#c-name'), 'Too Long');
  assert.equal(sql('SELECT count(*) FROM comments').trim(), before, 'nothing stored');
  // deleting one character brings it within the limit
  await p.locator('#c-body').press('End');
  await p.locator('#c-body').press('Backspace');
  assert.equal((await p.locator('#c-body-count').textContent()).trim(), '5000 of 5000 characters');
  assert.equal(await p.getAttribute('#c-body', 'aria-invalid'), null);
  const violations = await axe(p);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
  assert.deepEqual(cspErrors, []);
});

test('the Arabic edition counts in Arabic; the moderator\'s edit form saves 3,023 emoji whole', async () => {
  const ar = uncommented('ar')[0];
  const p = await newPage();
  await p.goto(srv.base + ar.href);
  assert.equal((await p.locator('#c-body-count').textContent()).trim(), 'عدد الأحرف 0 من 5000');
  await p.fill('#c-name', 'سارة');
  await p.fill('#c-body', 'تعليق قصير');
  await p.click('#comment-form button[type="submit"]');
  await p.waitForURL(/\?comment=held#comment-\d+$/);
  const id = Number(/#comment-(\d+)$/.exec(p.url())[1]);

  await p.goto(`${srv.base}/admin/login`);
  await p.fill('#login', 'mod');
  await p.fill('#password', PASSWORD);
  await p.click('button:text("Log in")');
  await p.waitForURL(`${srv.base}/admin/`);
  await p.goto(`${srv.base}/admin/comments/${id}`);
  assert.equal((await p.locator('#body-count').textContent()).trim(), '10 of 5000 characters');
  const text = emojiText(3023);
  await p.fill('#body', text);
  assert.equal((await p.locator('#body-count').textContent()).trim(), '3023 of 5000 characters');
  const violations = await axe(p);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
  await p.click('button:text("Save")');
  await p.waitForURL(/\/admin\/comments\?status=pending&done=1$/);
  assert.equal(sql(`SELECT body FROM comments WHERE id = ${id}`).replace(/\n$/, ''), text, 'saved whole');
  assert.deepEqual(cspErrors, []);
});
