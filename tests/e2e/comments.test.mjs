// Visitor comments in Chromium: a reader sends a comment and sees it awaiting moderation, a moderator
// approves it in the queue, every reader then sees it, a reader replies through the Reply link, a trusted
// reader's comment appears at once; the article (with comments, the form and a refusal, in both
// directions) and the moderation pages pass vnu and axe-core; and more than 50 XSS payloads sent as names
// and comments are shown as literal text, with no dialog, no script and no injected markup, both with the
// site's Content-Security-Policy and with it stripped (so escaping alone is what is tested).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { demoSite, startServer, run } from '../lib/server.mjs';
import { launch, axe, vnu, screenshot } from '../lib/browser.mjs';

const PASSWORD = 'correct horse battery';
let srv, site, visitor, staff, stranger;
let enArt, trustArt, xssArt, arArt; // {id, href}

function sql(query) {
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 10000', '-separator', '\t', path.join(site, 'site.db'), query], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

function addUser(name, role) {
  const r = run(['user', 'add', '--site', site, '--name', name, '--role', role], { input: `${PASSWORD}\n` });
  assert.equal(r.status, 0, r.stderr);
}

/** Published articles without comments, newest first: {id, edition, href}. */
function uncommented(edition) {
  return sql("SELECT id, edition, slug, strftime('%Y/%m/%d', published_at, 'unixepoch') FROM articles a WHERE status = 'published' "
    + `AND edition = '${edition}' AND NOT EXISTS (SELECT 1 FROM comments c WHERE c.article_id = a.id) ORDER BY published_at DESC`)
    .trim().split('\n').map((l) => {
      const [id, ed, slug, ymd] = l.split('\t');
      return { id: Number(id), edition: ed, href: `/${ed}/${ymd}/${encodeURIComponent(slug)}` };
    });
}

/**
 * Every page must be valid HTML and accessible. The findings are collected in `problems` (each test asserts
 * the list is empty at its end), so that one page's finding does not hide what the rest of the test checks.
 */
let problems = [];
async function check(page, what) {
  const violations = await axe(page);
  if (violations.length) problems.push(`axe on ${what}: ${JSON.stringify(violations, null, 1)}`);
  const errors = await vnu(await page.content());
  if (errors.length) problems.push(`vnu on ${what}: ${JSON.stringify(errors, null, 1)}`);
}
function assertNoProblems() {
  const found = problems;
  problems = [];
  assert.deepEqual(found, [], found.join('\n'));
}

async function logIn(page, login) {
  await page.context().clearCookies();
  await page.goto(`${srv.base}/admin/login`);
  await page.fill('#login', login);
  await page.fill('#password', PASSWORD);
  await page.click('button:text("Log in")');
  await page.waitForURL(`${srv.base}/admin/`);
}

/** Fills and sends the comment form on the current article page; returns the new comment's id. */
async function sendComment(page, { name, email = '', body }) {
  await page.fill('#c-name', name);
  await page.fill('#c-email', email);
  await page.fill('#c-body', body);
  await page.click('#comment-form button[type="submit"]');
  await page.waitForURL(/\?comment=(held|published)#comment-\d+$/);
  return Number(/#comment-(\d+)$/.exec(page.url())[1]);
}

before(async () => {
  site = demoSite(0);
  addUser('mod', 'moderator');
  addUser('ed', 'editor');
  for (const [k, v] of [['comments.min_fill_seconds', '0'], ['comments.rate_ip', '100000'], ['comments.rate_net', '100000'],
    ['comments.max_links', '100'], ['comments.trusted_after', '1']])
    sql(`INSERT OR REPLACE INTO settings VALUES('${k}', '${v}')`);
  [enArt, trustArt, xssArt] = uncommented('en');
  arArt = uncommented('ar')[0];
  sql(`UPDATE articles SET comments_mode = 'post' WHERE id = ${xssArt.id}`);
  srv = await startServer(site);
  [visitor, staff, stranger] = await Promise.all([launch(), launch(), launch()]);
});

after(async () => {
  await Promise.allSettled([visitor?.close(), staff?.close(), stranger?.close()]);
  await srv?.stop();
});

// ------------------------------------------------------------------------------ the reader's journey

test('a visitor comments, a moderator approves, everyone sees it, a visitor replies, a trusted visitor publishes at once', async () => {
  const v = await visitor.context.newPage();
  await v.goto(srv.base + enArt.href);
  assert.equal((await v.locator('#comment-form h3').textContent()).trim(), 'Send your comments');
  assert.match(await v.locator('#comment-form .form-intro').textContent(), /^Your comment as a visitor\./);
  const trap = await v.locator('#c-website').evaluate((e) => e.getBoundingClientRect().toJSON());
  assert.ok(trap.right <= 0 || trap.width <= 1, `the honeypot is out of sight: ${JSON.stringify(trap)}`);

  // a refusal first: a name of spaces only (the browser accepts it, the server does not)
  await v.fill('#c-name', '   ');
  await v.fill('#c-email', 'rana@example.com');
  await v.fill('#c-body', 'My first comment,\nover two lines.');
  await v.click('#comment-form button[type="submit"]');
  await v.waitForLoadState();
  assert.equal((await v.locator('#comment-form .form-error').textContent()).trim(), 'Please enter your name.');
  assert.equal(await v.inputValue('#c-email'), 'rana@example.com', 'the email is kept');
  assert.equal(await v.inputValue('#c-body'), 'My first comment,\nover two lines.', 'the text is kept');
  await check(v, 'article: the comment form refused (error state)');
  await screenshot(v, 'comments-form-error');

  const id = await sendComment(v, { name: 'Rana Haddad', email: 'rana@example.com', body: 'My first comment,\nover two lines.' });
  assert.match(v.url(), /\?comment=held#/);
  assert.match(await v.locator('#comments .notice').textContent(), /awaiting moderation/);
  const mine = v.locator(`#comment-${id}`);
  assert.match(await mine.locator('.awaiting').textContent(), /Awaiting moderation/);
  assert.equal(await mine.locator('.comment-body').innerText(), 'My first comment,\nover two lines.');
  await check(v, 'article with a pending comment and the form');
  await screenshot(v, 'comments-pending');

  // nobody else sees it yet
  const s = await stranger.context.newPage();
  await s.goto(srv.base + enArt.href);
  assert.equal(await s.locator(`#comment-${id}`).count(), 0);

  // the moderator approves it in the queue
  const m = await staff.context.newPage();
  await logIn(m, 'mod');
  await m.goto(`${srv.base}/admin/comments`);
  assert.match(await m.locator('.tabs a[aria-current="page"]').textContent(), /Pending \(1\)/);
  // Regression test (a bug once in templates/comments.html:29): the ban button's aria-label "Ban the sender of comment N" does not
  // contain its visible text "Ban the sender of #N", which axe reports as label-content-name-mismatch
  // (serious; WCAG 2.5.3 Label in Name). Its accessible name should include the visible words.
  await check(m, '/admin/comments (pending)');
  await m.check(`#sel-${id}`);
  await m.click('button:text("Approve selected")');
  await m.waitForURL(/\/admin\/comments\?status=pending&done=1$/);
  assert.equal((await m.locator('.notice').textContent()).trim(), 'Done.');
  assert.equal(await m.locator(`#c${id}`).count(), 0, 'no longer pending');
  await m.goto(`${srv.base}/admin/comments?status=approved`);
  assert.equal(await m.locator(`#c${id}`).count(), 1);
  await check(m, '/admin/comments (approved)');
  await screenshot(m, 'comments-queue');

  // the visitor and a fresh browser see it, published
  await v.goto(srv.base + enArt.href);
  assert.equal(await v.locator(`#comment-${id} .awaiting`).count(), 0);
  await s.reload();
  assert.equal(await s.locator(`#comment-${id} .comment-name`).textContent(), 'Rana Haddad');
  assert.equal(await s.locator(`#comment-${id} .comment-body`).innerText(), 'My first comment,\nover two lines.');
  assert.equal((await s.locator('#comments-title .count').textContent()).trim(), '(1)');

  // another visitor replies through the Reply link
  await s.locator(`#comment-${id} .comment-reply a`).click();
  await s.waitForURL(new RegExp(`\\?reply=${id}#comment-form$`));
  assert.match(await s.locator('.replying').textContent(), /Replying to Rana Haddad/);
  const reply = await sendComment(s, { name: 'Sami', body: 'A reply to Rana.' });
  const nested = s.locator(`#comment-${id} > ol.replies > #comment-${reply}`);
  assert.equal(await nested.count(), 1, 'the reply is nested under its parent');
  assert.match(await nested.locator('.awaiting').textContent(), /Awaiting moderation/);
  await check(s, 'article with a pending reply');
  await m.goto(`${srv.base}/admin/comments`);
  await m.check(`#sel-${reply}`);
  await m.click('button:text("Approve selected")');
  await m.waitForURL(/done=1/);
  await v.goto(srv.base + enArt.href);
  assert.equal(await v.locator(`#comment-${id} > ol.replies > #comment-${reply} .comment-body`).innerText(), 'A reply to Rana.');

  // the edit page and the log
  await m.goto(`${srv.base}/admin/comments/${reply}`);
  await check(m, `/admin/comments/${reply}`);
  await m.fill('#body', 'A reply to Rana (edited).');
  await m.click('button:text("Save")');
  await m.waitForURL(/\/admin\/comments\?status=approved&done=1$/);
  await m.goto(`${srv.base}/admin/comments/log`);
  assert.ok(await m.locator('td', { hasText: 'edited' }).count() >= 1);
  assert.ok(await m.locator('tr', { hasText: 'approved' }).locator('td', { hasText: /^mod$/ }).count() >= 2);
  await check(m, '/admin/comments/log');
  await v.reload();
  assert.equal(await v.locator(`#comment-${reply} .comment-edited`).textContent(), 'Edited by a moderator');

  // trusted mode on another article (set by an editor in the article editor); trusted_after is 1, and this
  // visitor (same email) has an approved comment, so theirs appears at once
  await logIn(m, 'ed');
  await m.goto(`${srv.base}/admin/articles/${trustArt.id}`);
  await m.selectOption('#comment-mode', 'trusted');
  await m.click('button:text("Save comment settings")');
  await m.waitForURL(/notice=comments/);
  await v.goto(srv.base + trustArt.href);
  const trusted = await sendComment(v, { name: 'Rana Haddad', email: 'rana@example.com', body: 'Trusted now.' });
  assert.match(v.url(), /\?comment=published#/);
  assert.match(await v.locator('#comments .notice').textContent(), /Your comment is published/);
  assert.equal(await v.locator(`#comment-${trusted} .awaiting`).count(), 0);
  await s.goto(srv.base + trustArt.href);
  assert.equal(await s.locator(`#comment-${trusted} .comment-body`).innerText(), 'Trusted now.', 'everyone sees it at once');
  // a first-time visitor on the same article is still held
  const newcomer = await sendComment(s, { name: 'Newcomer', email: 'new@example.com', body: 'First time here.' });
  assert.match(s.url(), /\?comment=held#/);
  assert.equal(await v.locator(`#comment-${newcomer}`).count(), 0);
  await Promise.all([v.close(), s.close(), m.close()]);
  assertNoProblems();
});

test('the Arabic article with comments (RTL) and its form pass vnu and axe', async () => {
  const p = await visitor.context.newPage();
  await p.goto(srv.base + arArt.href);
  assert.equal(await p.getAttribute('html', 'dir'), 'rtl');
  assert.equal((await p.locator('#comment-form h3').textContent()).trim(), 'أرسل تعليقك');
  const id = await sendComment(p, { name: 'ليلى', body: 'تعليق باللغة العربية\nمع سطر ثانٍ و https://example.com/مسار' });
  assert.match(await p.locator(`#comment-${id} .awaiting`).textContent(), /بانتظار المراجعة/);
  await check(p, 'Arabic article with a pending comment');
  // a demo Arabic article with approved comments and a reply
  const demoAr = sql("SELECT a.id FROM articles a JOIN comments c ON c.article_id = a.id WHERE a.edition = 'ar' AND c.parent_id IS NOT NULL LIMIT 1").trim();
  const href = sql(`SELECT '/ar/' || strftime('%Y/%m/%d', published_at, 'unixepoch') || '/' || slug FROM articles WHERE id = ${demoAr}`).trim();
  await p.goto(srv.base + encodeURI(href));
  assert.ok(await p.locator('ol.replies .comment').count() >= 1);
  await check(p, 'Arabic article with comments and replies');
  // an Arabic refusal
  await p.fill('#c-name', 'ليلى');
  await p.fill('#c-body', '\u200b');
  await p.click('#comment-form button[type="submit"]');
  await p.waitForLoadState();
  assert.equal((await p.locator('#comment-form .form-error').textContent()).trim(), 'يرجى كتابة تعليقك.');
  await check(p, 'Arabic article, form refused');
  await screenshot(p, 'comments-ar');
  await p.close();
  assertNoProblems();
});

// ------------------------------------------------------------------------------------------------- XSS

// Payloads that would run script set window.__xss (or open a dialog); each must come back as literal text.
const PAYLOADS = [
  '<script>window.__xss=1</script>',
  '<script>alert(1)</script>',
  '<ScRiPt>window.__xss=2</sCrIpT>', // (another case of the first would be a duplicate)
  '<scr<script>ipt>window.__xss=1</scr</script>ipt>',
  '<<script>script>alert(2)<</script>/script>',
  '<img src=x onerror="window.__xss=1">',
  '<img src=x onerror=alert(3)>',
  '<img """><script>window.__xss=1</script>">',
  '<img src="x\n" onerror="window.__xss=1">',
  '<svg onload=window.__xss=1>',
  '<svg><script>window.__xss=1</script></svg>',
  '<svg><animate onbegin=window.__xss=1 attributeName=x dur=1s>',
  '<body onload=window.__xss=1>',
  '<iframe src="javascript:top.__xss=1"></iframe>',
  '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
  '<a href="javascript:window.__xss=1">click me</a>',
  'javascript:window.__xss=1',
  'JaVaScRiPt:alert(4)',
  '<a href="jav&#x09;ascript:alert(5)">tab trick</a>',
  '<a href="&#106;avascript:alert(6)">entity trick</a>',
  '"><script>window.__xss=1</script>',
  "'><img src=x onerror=window.__xss=1>",
  '" onmouseover="window.__xss=1" x="',
  "' autofocus onfocus='window.__xss=1",
  '</textarea><script>window.__xss=1</script>',
  '</bdi></p><script>window.__xss=1</script>',
  '</div></li></ol><img src=x onerror=window.__xss=1>',
  '&lt;script&gt;window.__xss=1&lt;/script&gt;',
  '&#60;script&#62;alert(7)&#60;/script&#62;',
  '&#x3C;img src=x onerror=alert(8)&#x3E;',
  '\\u003cscript\\u003ewindow.__xss=1\\u003c/script\\u003e',
  '%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E',
  '${alert(9)}',
  '`${window.__xss=1}`',
  "{{constructor.constructor('window.__xss=1')()}}",
  '{{7*7}} <%= 7*7 %> #{7*7}',
  '<style>body{background:url("javascript:alert(10)")}</style>',
  '<div style="background-image:url(javascript:alert(11))">css url</div>',
  '<div style="width:expression(alert(12))">css expression</div>',
  '<link rel=stylesheet href="data:text/css,body{display:none}">',
  '<object data="javascript:alert(13)"></object>',
  '<embed src="data:text/html,<script>alert(14)</script>">',
  '<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>',
  '<noscript><p title="</noscript><img src=x onerror=window.__xss=1>">',
  '<details open ontoggle=window.__xss=1>',
  '<video><source onerror="window.__xss=1">',
  '<input autofocus onfocus=window.__xss=1>',
  '<form action="javascript:alert(15)"><button>go</button></form>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(16)">',
  '<base href="javascript:alert(17)//">',
  '<template><script>window.__xss=1</script></template>',
  '<select><option><script>window.__xss=1</script>',
  '<marquee onstart=window.__xss=1>m</marquee>',
  '<!--<img src="--><img src=x onerror=window.__xss=1//">',
  '<![CDATA[<script>window.__xss=1</script>]]>',
  "'';!--\"<XSS>=&{()}",
  '+ADw-script+AD4-alert(18)+ADw-/script+AD4-',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'https://example.com/"onmouseover="window.__xss=1',
  'https://example.com/<script>window.__xss=1</script>',
  "www.example.com/'><img src=x onerror=window.__xss=1>",
  'http://x.example/?q="><svg/onload=window.__xss=1>',
  '<a href="https://example.com" onclick="window.__xss=1">looks like a link</a>',
  '<x onclick=window.__xss=1>تعليق عربي</x>',
  'مرحبا <script>window.__xss=1</script> بالعالم',
  '<img src=x onerror="window.__xss=1" alt="صورة">',
  '\u202e<script>window.__xss=3</script>', // (U+202E is stripped on the way in: shown as the script text alone)
  '؛"<svg onload=alert(\'اختراق\')>"',
  'سطر أول\n<script>window.__xss=1</script>\n\nفقرة جديدة <b>عريض</b> &amp; https://example.com/?a=1&b=<i>',
  'line one\r\n<img src=x onerror=window.__xss=1>\r\n\r\nnew paragraph </p><p onclick=window.__xss=1>',
];

/** The visible text of a comment body: whitespace runs (line breaks, paragraph breaks) count as one space. */
const flat = (s) => s.replace(/\s+/g, ' ').trim();
/** A payload as a name: one line, at most 80 characters, trimmed (as the server trims it). */
const asName = (p) => [...p.replace(/[\r\n]+/g, ' ')].slice(0, 80).join('').trim();
/** Text as stored and shown: the direction overrides and isolates are stripped (docs/security.md). */
const noBidi = (s) => s.replace(/[\u202A-\u202E\u2066-\u2069]/g, '');

test(`XSS: ${PAYLOADS.length} payloads as names and comments are shown as literal text; no script runs`, async () => {
  assert.ok(PAYLOADS.length >= 50);
  assert.equal(new Set(PAYLOADS).size, PAYLOADS.length, 'no duplicates (they would be refused as such)');
  // post them all (post mode on this article: published at once); the form token can be reused
  const pageHtml = await (await fetch(srv.base + xssArt.href)).text();
  const token = /name="token" value="([^"]+)"/.exec(pageHtml)[1];
  const sent = new Map(); // id -> {name, body}: every payload is sent once, as the name and as the text
  for (const [i, p] of PAYLOADS.entries()) {
    const name = asName(p);
    const r = await fetch(`${srv.base}/comments/${xssArt.id}`, { method: 'POST', redirect: 'manual',
      body: new URLSearchParams({ token, website: '', name, email: '', body: p }) });
    assert.equal(r.status, 303, `payload ${i}: ${r.status} ${(/class="form-error" role="alert">([^<]*)/.exec(await r.text()) ?? [])[1]}`);
    assert.match(r.headers.get('location'), /\?comment=published#comment-\d+$/);
    sent.set(Number(/#comment-(\d+)$/.exec(r.headers.get('location'))[1]), { name: noBidi(name), body: noBidi(p) });
  }
  assert.ok(sent.size >= PAYLOADS.length, `${sent.size} comments sent`);

  for (const csp of [true, false]) {
    const p = await stranger.context.newPage();
    const dialogs = [], consoleMsgs = [], pageErrors = [];
    p.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
    p.on('console', (m) => consoleMsgs.push(`${m.type()}: ${m.text()}`));
    p.on('pageerror', (e) => pageErrors.push(String(e)));
    if (!csp) {
      // strip the Content-Security-Policy so that only the escaping stands between a payload and the page
      await p.route('**/*', async (route) => {
        const resp = await route.fetch();
        const headers = { ...resp.headers() };
        delete headers['content-security-policy'];
        await route.fulfill({ response: resp, headers });
      });
    }
    const resp = await p.goto(srv.base + xssArt.href);
    if (!csp) assert.equal(resp.headers()['content-security-policy'], undefined, 'the CSP is stripped');
    // give onload/onerror/autofocus/ontoggle/animation handlers a chance to fire
    await p.mouse.move(10, 10);
    for (const id of [...sent.keys()].slice(0, 20)) await p.hover(`#comment-${id} .comment-body`, { timeout: 1000 }).catch(() => {});
    await p.waitForTimeout(700);
    const state = await p.evaluate(() => ({
      xss: window.__xss,
      topXss: window.top.__xss,
      // every element inside the comments' names and bodies, with its attributes
      markup: [...document.querySelectorAll('#comments .comment-name *, #comments .comment-body *')]
        .map((e) => `${e.tagName.toLowerCase()} ${[...e.attributes].map((a) => `${a.name}=${a.value}`).join(' ')}`.trim()),
      // (the page's own JSON-LD data block is a script element that never runs: exactly one is expected)
      ldjson: document.querySelectorAll('script[type="application/ld+json"]').length,
      hostile: document.querySelectorAll('script:not([src]):not([type="application/ld+json"]), iframe, object, embed, svg, img:not(.story-image):not([src^="/"]), '
        + 'details, video, marquee, template, base, meta[http-equiv], style:not([nonce])').length,
      items: Object.fromEntries([...document.querySelectorAll('#comments li.comment')].map((li) => [li.id.slice(8), {
        name: li.querySelector(':scope > .comment-meta .comment-name').textContent,
        body: li.querySelector(':scope > .comment-body').textContent,
      }])),
    }));
    const label = csp ? 'with CSP' : 'CSP stripped';
    assert.deepEqual(dialogs, [], `${label}: no dialog opened`);
    assert.equal(state.xss, undefined, `${label}: window.__xss was never set`);
    assert.equal(state.topXss, undefined);
    assert.deepEqual(pageErrors, [], `${label}: no page errors`);
    assert.deepEqual(consoleMsgs.filter((m) => /^(error|warning)/.test(m)), [], `${label}: no console errors (a CSP violation report would be one)`);
    assert.equal(state.hostile, 0, `${label}: no injected element in the page`);
    assert.equal(state.ldjson, 1, `${label}: only the page's own JSON-LD block`);
    // the only markup in names and bodies is our own: paragraphs, line breaks and http(s) links
    for (const m of state.markup) {
      assert.match(m, /^(p|br|a href=https?:\/\/\S+ rel=nofollow ugc noopener)$/, `${label}: unexpected markup ${m}`);
    }
    // each payload is shown literally
    for (const [id, { name, body }] of sent) {
      const got = state.items[id];
      assert.ok(got, `${label}: comment ${id} is shown`);
      assert.equal(got.name, name, `${label}: name of comment ${id}`);
      assert.equal(flat(got.body), flat(body), `${label}: text of comment ${id}`);
    }
    if (csp) await screenshot(p, 'comments-xss');
    await p.close();
  }
});

test('XSS: the moderation queue and the edit page show the payloads as text too', async () => {
  const m = await staff.context.newPage();
  await logIn(m, 'mod');
  const dialogs = [];
  m.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  await m.route('**/admin/comments**', async (route) => {
    const resp = await route.fetch();
    const headers = { ...resp.headers() };
    delete headers['content-security-policy'];
    await route.fulfill({ response: resp, headers });
  });
  await m.goto(`${srv.base}/admin/comments?status=approved&article=${xssArt.id}`);
  await m.waitForTimeout(500);
  assert.deepEqual(dialogs, []);
  assert.equal(await m.evaluate(() => window.__xss), undefined);
  const markup = await m.evaluate(() => [...document.querySelectorAll('.queue .comment-body *, .queue bdi *')].map((e) => e.tagName.toLowerCase()));
  assert.ok(markup.every((t) => ['p', 'br', 'a'].includes(t)), `queue markup: ${markup}`);
  assert.equal(await m.locator('.queue-item').count(), 50, 'a full page of payloads');
  // every name and text on the page is the stored one, literally
  const shown = await m.evaluate(() => [...document.querySelectorAll('.queue-item')].map((li) => [li.id.slice(1),
    li.querySelector('.queue-head bdi').textContent, li.querySelector('.comment-body').textContent]));
  for (const [cid, name, body] of shown) {
    const [dbName, dbBody] = JSON.parse(sql(`SELECT json_array(name, body) FROM comments WHERE id = ${cid}`));
    assert.equal(name, dbName, `queue: name of ${cid}`);
    assert.equal(flat(body), flat(dbBody), `queue: text of ${cid}`);
  }
  // the edit page puts a payload back in a textarea, literally
  const id = /id="c(\d+)"/.exec(await m.content())[1];
  await m.goto(`${srv.base}/admin/comments/${id}`);
  await m.waitForTimeout(300);
  assert.deepEqual(dialogs, []);
  const text = sql(`SELECT body FROM comments WHERE id = ${id}`).replace(/\n$/, '');
  assert.equal((await m.inputValue('#body')).replace(/\r\n/g, '\n'), text.replace(/\r\n/g, '\n'));
  await m.close();
});

// Regression test (a bug once in src/comment.c:365, comment_body_html): a link keeps characters that are not allowed in a URL, such as
// '"' in https://example.com/"onmouseover="..., and writes them into href with buf_attr only (as &quot;): safe,
// but an invalid href that vnu reports ("Illegal character in path segment"). They should be percent-encoded
// in the href (%22), or end the link.
test('the article and the queue full of hostile comments are still valid HTML and accessible', async () => {
  const p = await stranger.context.newPage();
  await p.goto(srv.base + xssArt.href);
  await check(p, 'article with XSS payloads');
  await p.close();
  const m = await staff.context.newPage();
  await logIn(m, 'mod');
  await m.goto(`${srv.base}/admin/comments?status=approved&article=${xssArt.id}`);
  await check(m, '/admin/comments with XSS payloads');
  const id = /id="c(\d+)"/.exec(await m.content())[1];
  await m.goto(`${srv.base}/admin/comments/${id}`);
  await check(m, `/admin/comments/${id} with a payload`);
  await m.close();
  assertNoProblems();
});
