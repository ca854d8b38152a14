// Issue 16, items 5, 7 and 10: submitted text over real HTTP.
//  5. Saving a comment edit without a live session answers 403 with the typed text kept and nothing
//     written, as the article editor does (it was a 500 that lost the text).
//  7. No field has a maxlength (the browser counts UTF-16 units and cut a 3,023-character emoji comment
//     to about 2,500); the server counts characters (code points), refuses over-long text with a 4xx
//     naming the count and the limit, and shows the form again with the text kept; the live count is
//     a static script the Content-Security-Policy allows.
// 10. The bidirectional override and isolate controls (U+202A..U+202E, U+2066..U+2069) are stripped from
//     every text a person or the API submits; the marks of normal writing (LRM, RLM, ALM, ZWNJ, ZWJ) stay.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { demoSite, startServer, run, tempDir, dbExec, unescapeHtml } from '../lib/server.mjs';
import { addUser, login, request, post, page, fieldValue, formError, formNotice, selectOptions, editorFields } from '../lib/newsroom.mjs';
import { png } from '../lib/png.mjs';

const PW = 'a-long-password';
const CONTROLS = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'];
const CONTROL_RE = /[\u202A-\u202E\u2066-\u2069]/;
const RLO = '\u202E', LRI = '\u2066', PDI = '\u2069';
const MARKS = '\u200E\u200F\u061C\u200C\u200D'; // LRM RLM ALM ZWNJ ZWJ: kept
const EMOJI = ['😀', '🎉', '👍🏽', '🇯🇴', '👨‍👩‍👧']; // astral, with a modifier, a flag and a ZWJ family

let dir, srv, base;
const sessions = {};
const used = new Set();

/** A text of exactly n characters (code points), mostly emoji (two UTF-16 units each, or more). */
function emojiText(n) {
  const cps = [];
  for (let i = 0; cps.length < n; i++) {
    if (i % 40 === 39) cps.push(' ');
    else cps.push(...EMOJI[i % EMOJI.length]);
  }
  return cps.slice(0, n).join('');
}
const chars = (s) => [...s].length;

/** A newsroom session (cached). */
async function as(name) {
  sessions[name] ??= await login(base, name, PW);
  return sessions[name];
}

/** A published article of `edition` not used by another test: {id, href}. */
function freshArticle(edition = 'en') {
  const rows = dbExec(dir, `SELECT id, slug, published_at FROM articles WHERE status = 'published' AND edition = '${edition}' ORDER BY id`)
    .trim().split('\n').map((l) => l.split('\t'));
  for (const [id, slug, published] of rows) {
    if (used.has(id)) continue;
    used.add(id);
    const ymd = new Date(Number(published) * 1000).toISOString().slice(0, 10).replace(/-/g, '/');
    return { id: Number(id), href: `/${edition}/${ymd}/${encodeURIComponent(slug)}` };
  }
  throw new Error(`no fresh ${edition} article left`);
}

/** Sends the comment form of art as a visitor; returns {status, html, id}. */
async function sendComment(art, fields) {
  const p = await (await fetch(base + art.href)).text();
  const token = fieldValue(p, 'token');
  assert.ok(token, 'the article has a comment form');
  const r = await fetch(`${base}/comments/${art.id}`, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, website: '', name: 'Omar', email: '', body: 'A comment.', ...fields }),
  });
  const m = /#comment-(\d+)$/.exec(r.headers.get('location') ?? '');
  return { status: r.status, html: await r.text(), id: m ? Number(m[1]) : undefined };
}

/** One stored column of one row. */
const stored = (table, col, id) => dbExec(dir, `SELECT ${col} FROM ${table} WHERE id = ${id}`).replace(/\n$/, '');
const rowCount = (table) => Number(dbExec(dir, `SELECT count(*) FROM ${table}`).trim());

/** The section ids of the editor form by label ("English: Business"). */
async function sectionId(label) {
  const opts = selectOptions((await page(base, '/admin/articles/new', await as('ed'))).html, 'section');
  const o = opts.find((x) => x.label === label);
  assert.ok(o, `section ${label} in ${opts.map((x) => x.label)}`);
  return o.value;
}

/** A new article's form, with overrides. */
async function articleForm(overrides = {}) {
  return {
    version: '0', headline: 'Harbour cranes return to work', standfirst: 'Dockers end a stoppage.', body: 'The port reopened.',
    edition: 'en', section: await sectionId('English: Business'), slug: '', dateline: 'BEIRUT', bylines: 'Rana Haddad',
    tags: 'ports', media: '0', caption: '', credit: '', translation: '', do: 'save', ...overrides,
  };
}

/** Creates an article as the editor; returns {status, html, id}. */
async function createArticle(overrides) {
  const r = await post(base, '/admin/articles/new', await as('ed'), await articleForm(overrides));
  const m = /^\/admin\/articles\/(\d+)/.exec(r.headers.get('location') ?? '');
  return { status: r.status, html: await r.text(), id: m ? Number(m[1]) : undefined };
}

before(async () => {
  dir = demoSite(0);
  for (const [name, role] of [['boss', 'admin'], ['ed', 'editor'], ['mod', 'moderator']]) addUser(dir, name, role, PW);
  for (const [k, v] of [['comments.min_fill_seconds', '0'], ['comments.rate_ip', '100000'], ['comments.rate_net', '100000'],
    ['comments.max_links', '100']])
    dbExec(dir, `INSERT INTO settings VALUES('${k}', '${v}') ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
  srv = await startServer(dir);
  base = srv.base;
});
after(async () => { await srv?.stop(); });

// ------------------------------------------------------------------------------------------- item 5

test('a comment edit saved without a live session: 403, the typed text kept, nothing written (as the article editor)', async () => {
  const art = freshArticle();
  const c = await sendComment(art, { name: 'Layla Haddad', body: 'The original words.' });
  assert.equal(c.status, 303);
  const typed = 'A moderator\'s careful rewording, typed for minutes: <kept> & "quoted".\nSecond line.';
  const logsBefore = dbExec(dir, `SELECT count(*) FROM comment_log WHERE comment_id = ${c.id}`).trim();

  // a session that has ended: log in, log out, then save with the old cookie and its form token
  const mod = await login(base, 'mod', PW);
  const out = await post(base, '/admin/logout', mod);
  assert.equal(out.status, 303, 'logged out');
  const cases = [['no cookie at all', undefined, 'stale-token'], ['a cookie of no session', 'not-a-session', 'stale-token'],
    ['the cookie of a session that ended', mod.cookie, mod.csrf]];
  for (const [what, cookie, csrf] of cases) {
    const r = await request(base, `/admin/comments/${c.id}`, { cookie, form: { csrf, body: typed } });
    const html = await r.text();
    assert.equal(r.status, 403, `${what}: 403, not ${r.status}`);
    assert.equal(fieldValue(html, 'body'), typed, `${what}: the typed text is shown again`);
    assert.match(formError(html), /session has expired, so nothing was saved\. Log in again/, what);
    assert.match(html, new RegExp(`<form class="admin-form" method="post" action="/admin/comments/${c.id}">`), `${what}: the edit form`);
    assert.ok(!html.includes('Layla Haddad'), `${what}: nothing from the store is shown without a session`);
    assert.ok(!html.includes('The original words.'), what);
  }
  assert.equal(stored('comments', 'body', c.id), 'The original words.', 'nothing was written');
  assert.equal(dbExec(dir, `SELECT count(*) FROM comment_log WHERE comment_id = ${c.id}`).trim(), logsBefore, 'nothing was logged');

  // logged in again, the same text saves
  const saved = await post(base, `/admin/comments/${c.id}`, await as('mod'), { body: typed });
  assert.equal(saved.status, 303);
  assert.equal(stored('comments', 'body', c.id), typed);
});

// ------------------------------------------------------------------------------------------- item 7

test('no maxlength on any form: the limits are counted by the server (and live by a script the CSP allows)', async () => {
  const art = freshArticle();
  const c = await sendComment(art, { body: 'For the edit page.' });
  const reader = await fetch(base + art.href);
  const readerHtml = await reader.text();
  const pages = { [art.href]: readerHtml, '/ar/': await (await fetch(`${base}/ar/`)).text(),
    '/en/search?q=port': await (await fetch(`${base}/en/search?q=port`)).text(), '/admin/login': await (await fetch(`${base}/admin/login`)).text() };
  for (const [who, p] of [['ed', '/admin/articles/new'], ['boss', '/admin/users'], ['boss', '/admin/settings'], ['boss', '/admin/api-keys'],
    ['boss', '/admin/webhooks'], ['ed', '/admin/media'], ['ed', '/admin/password'], ['mod', '/admin/comments'],
    ['mod', `/admin/comments/${c.id}`], ['ed', '/admin/search?q=port'], ['ed', `/admin/articles/${art.id}`]]) {
    const r = await page(base, p, await as(who));
    assert.equal(r.status, 200, p);
    pages[p] = r.html;
  }
  for (const [p, html] of Object.entries(pages)) assert.ok(!/maxlength/i.test(html), `${p} has no maxlength`);

  // the counted fields say their limit in characters
  assert.match(readerHtml, /<textarea id="c-body" name="body" rows="6" required data-max-chars="5000" dir="auto">/);
  assert.match(readerHtml, /<input id="c-name" name="name" value="" required data-max-chars="80"/);
  assert.match(readerHtml, /<label for="c-body">Comment <span class="meta">\(at most 5000 characters\)<\/span><\/label>/);
  assert.match(pages[`/admin/comments/${c.id}`], /<textarea id="body" name="body" rows="10" data-max-chars="5000"/);
  const editor = pages[`/admin/articles/${art.id}`];
  for (const [id, max] of [['headline', 300], ['standfirst', 1000], ['dateline', 100], ['bylines', 500], ['tags', 500],
    ['caption', 500], ['credit', 200], ['correction', 2000]])
    assert.match(editor, new RegExp(`id="${id}"[^>]* data-max-chars="${max}"`), `editor ${id}`);

  // the script: a static file from the binary, which script-src 'self' allows; no inline script
  const csp = reader.headers.get('content-security-policy');
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.ok(!/unsafe-inline/.test(csp));
  assert.match(readerHtml, /<script src="\/static\/textcount\.js\?v=[0-9a-f]{8}" defer><\/script>/);
  assert.match(pages['/admin/users'], /<script src="\/static\/textcount\.js\?v=[0-9a-f]{8}" defer><\/script>/);
  for (const html of [readerHtml, pages['/admin/users'], editor])
    for (const m of html.matchAll(/<script\b([^>]*)>/g))
      assert.ok(/\bsrc="\/static\//.test(m[1]) || /type="application\/ld\+json"/.test(m[1]), `only static or JSON-LD scripts: ${m[0]}`);
  const js = await fetch(`${base}/static/textcount.js`);
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type'), /^text\/javascript/);
  const source = await js.text();
  assert.match(source, /data-max-chars/);
  assert.ok(!/maxLength|maxlength\s*=/.test(source.replace(/^\/\/.*$/gm, '')), 'the script never sets a maxlength');
});

test('a 3,023-character emoji comment is stored whole; 5,001 characters are refused naming the limit, the text kept', async () => {
  const art = freshArticle();
  const long = emojiText(3023);
  assert.ok(long.length > 5000, `${long.length} UTF-16 units: more than maxlength="5000" let through`);
  const ok = await sendComment(art, { name: 'Emoji Fan', body: long });
  assert.equal(ok.status, 303, formError(ok.html));
  assert.equal(Number(dbExec(dir, `SELECT length(body) FROM comments WHERE id = ${ok.id}`).trim()), 3023, 'stored whole');
  assert.equal(stored('comments', 'body', ok.id), long);

  // at the limit: 5,000 characters of emoji (10,000+ UTF-16 units) are accepted
  const atLimit = await sendComment(art, { body: emojiText(5000) });
  assert.equal(atLimit.status, 303, formError(atLimit.html));

  // over the limit: refused with the count and the limit, the name and text kept, nothing stored
  const rows = rowCount('comments');
  const over = emojiText(5001);
  const r = await sendComment(art, { name: 'سارة 😀', body: over });
  assert.equal(r.status, 400);
  assert.equal(formError(r.html), 'Your comment is too long: 5001 characters, and at most 5000 are allowed. Please shorten it.');
  assert.equal(fieldValue(r.html, 'body'), over);
  assert.equal(fieldValue(r.html, 'name'), 'سارة 😀');
  assert.equal(rowCount('comments'), rows);
  // a name over 80 characters, counted the same way
  const name = await sendComment(art, { name: emojiText(81), body: 'Fine.' });
  assert.equal(name.status, 400);
  assert.match(formError(name.html), /^Your name is too long: 81 characters, and at most 80 are allowed/);
  assert.equal(fieldValue(name.html, 'name'), emojiText(81));

  // the Arabic edition says it in Arabic, with the numbers
  const ar = freshArticle('ar');
  const arR = await sendComment(ar, { name: 'سارة', body: 'ع'.repeat(5001) });
  assert.equal(arR.status, 400);
  assert.equal(formError(arR.html), 'تعليقك طويل جداً: عدد أحرفه 5001 والحد الأقصى 5000. يرجى اختصاره.');
  assert.match(arR.html, /<label for="c-body">التعليق <span class="meta">\(بحد أقصى 5000 حرف\)<\/span><\/label>/);
  assert.equal(rowCount('comments'), rows);
});

test('the moderation edit counts characters too: 3,023 emoji saved whole, 5,001 refused with the text kept', async () => {
  const art = freshArticle();
  const c = await sendComment(art, { body: 'To be edited.' });
  const mod = await as('mod');
  const over = emojiText(5001);
  const r = await post(base, `/admin/comments/${c.id}`, mod, { body: over });
  const html = await r.text();
  assert.equal(r.status, 400);
  assert.equal(formError(html), 'Your comment is too long: 5001 characters, and at most 5000 are allowed. Please shorten it.');
  assert.equal(fieldValue(html, 'body'), over);
  assert.equal(stored('comments', 'body', c.id), 'To be edited.');
  const long = emojiText(3023);
  const ok = await post(base, `/admin/comments/${c.id}`, mod, { body: long });
  assert.equal(ok.status, 303);
  assert.equal(stored('comments', 'body', c.id), long);
});

test('newsroom text fields are counted in characters; over-long ones are refused naming the limit, the text kept', async () => {
  // a headline of 300 Arabic letters (600 bytes) is within its 300-character limit
  const arabic = 'خ'.repeat(300);
  const okArt = await createArticle({ headline: arabic, edition: 'ar', section: await sectionId('Arabic (العربية): اقتصاد') });
  assert.equal(okArt.status, 303, formError(okArt.html));
  assert.equal(Number(dbExec(dir, `SELECT length(headline) FROM articles WHERE id = ${okArt.id}`).trim()), 300);

  const fields = [['headline', 300, 'The headline'], ['standfirst', 1000, 'The standfirst'], ['dateline', 100, 'The dateline'],
    ['caption', 500, 'The caption'], ['credit', 200, 'The credit'], ['tags', 500, 'The tags field'], ['bylines', 500, 'The bylines field']];
  for (const [name, max, what] of fields) {
    const text = name === 'tags' ? `${'😀'.repeat(max - 2)}, x, y` : name === 'bylines' ? `${'😀'.repeat(max - 2)}; x; y` : emojiText(max + 1);
    const n = chars(text);
    assert.ok(n > max);
    const r = await createArticle({ [name]: text, headline: name === 'headline' ? text : 'Limits' });
    assert.equal(r.status, 400, name);
    assert.equal(formError(r.html), `${what} is too long: ${n} characters, and at most ${max} are allowed.`);
    assert.equal(fieldValue(r.html, name), text, `${name}: kept`);
  }
  const slug = await createArticle({ slug: 'س'.repeat(101) });
  assert.equal(slug.status, 400);
  assert.match(formError(slug.html), /^The slug is too long: 202 bytes in the address, and at most 200 are allowed/);
  assert.equal(fieldValue(slug.html, 'slug'), 'س'.repeat(101));

  // a correction note over 2,000 characters is refused and shown again (it was lost)
  const published = freshArticle();
  const note = `${emojiText(2000)}!`;
  const corr = await post(base, `/admin/articles/${published.id}/corrections`, await as('ed'), { body: note });
  const corrHtml = await corr.text();
  assert.equal(corr.status, 400);
  assert.equal(formError(corrHtml), 'The correction note is too long: 2001 characters, and at most 2000 are allowed.');
  const kept = /<textarea id="correction" name="body"[^>]*>([^<]*)<\/textarea>/.exec(corrHtml);
  assert.ok(kept, 'the correction form');
  assert.equal(unescapeHtml(kept[1]), note, 'the typed correction is kept');
  const good = await post(base, `/admin/articles/${published.id}/corrections`, await as('ed'), { body: emojiText(2000) });
  assert.equal(good.status, 303);

  // display names, settings, key names
  const boss = await as('boss');
  const user = await post(base, '/admin/users', boss, { login: 'longname', display_name: 'ن'.repeat(200), role: 'reporter', password: PW });
  assert.equal(user.status, 200, formError(await user.clone().text()));
  assert.match(formNotice(await user.text()), /Added longname/);
  const user2 = await post(base, '/admin/users', boss, { login: 'toolong', display_name: 'ن'.repeat(201), role: 'reporter', password: PW });
  const user2Html = await user2.text();
  assert.equal(user2.status, 400);
  assert.match(formError(user2Html), /display name is too long: at most 200 characters/);
  assert.equal(fieldValue(user2Html, 'display_name'), 'ن'.repeat(201));
  const key = await post(base, '/admin/api-keys', boss, { name: '🔑'.repeat(100), days: '30', scope: 'read' });
  assert.equal(key.status, 200, formError(await key.clone().text()));
  const key2 = await post(base, '/admin/api-keys', boss, { name: '🔑'.repeat(101), days: '30', scope: 'read' });
  const key2Html = await key2.text();
  assert.equal(key2.status, 400);
  assert.match(formError(key2Html), /1 to 100 characters/);
  assert.equal(fieldValue(key2Html, 'name'), '🔑'.repeat(101));

  // the queue's filter: a character is never cut in two; over 200 characters is refused
  const mod = await as('mod');
  const q199 = `${'a'.repeat(199)}ع`;
  assert.equal((await page(base, `/admin/comments?q=${encodeURIComponent(q199)}`, mod)).status, 200);
  const q201 = await page(base, `/admin/comments?q=${encodeURIComponent('ع'.repeat(201))}`, mod);
  assert.equal(q201.status, 400);
  assert.match(q201.html, /The filter text is too long: 201 characters, and at most 200 are allowed\./);
});

// ------------------------------------------------------------------------------------------- item 10

test('bidi controls: the pure characters are stripped from comments (name and text), the writing marks kept', async () => {
  const art = freshArticle();
  const spoof = `invoice_${RLO}gnp.exe`; // shows as "invoice_exe.png"
  const name = `${RLO}nimdA${LRI} ${MARKS}سارة${PDI}`;
  const body = `Open ${spoof} ${CONTROLS.join('')}now. مرحبا${MARKS}!`;
  const r = await sendComment(art, { name, body });
  assert.equal(r.status, 303, formError(r.html));
  assert.equal(stored('comments', 'name', r.id), `nimdA ${MARKS}سارة`);
  assert.equal(stored('comments', 'body', r.id), `Open invoice_gnp.exe now. مرحبا${MARKS}!`);
  // a name of controls only is blank: refused as no name, not stored
  const blank = await sendComment(art, { name: CONTROLS.join('') });
  assert.equal(blank.status, 400);
  assert.match(formError(blank.html), /Please enter your name/);
  // the moderator's edit
  const mod = await as('mod');
  const e = await post(base, `/admin/comments/${r.id}`, mod, { body: `Edited ${spoof}${MARKS}` });
  assert.equal(e.status, 303);
  assert.equal(stored('comments', 'body', r.id), `Edited invoice_gnp.exe${MARKS}`);
  // approved, the reader page shows no control anywhere in the thread
  const approve = await request(base, '/admin/comments', { session: mod, form: { csrf: mod.csrf, action: 'approve', ids: String(r.id), back: '/admin/comments' } });
  assert.equal(approve.status, 303);
  const readerHtml = await (await fetch(base + art.href)).text();
  assert.match(readerHtml, /invoice_gnp\.exe/);
  assert.ok(!CONTROL_RE.test(readerHtml), 'no bidi control on the article page');

  // comments imported from a file go through the same stripping
  const file = path.join(tempDir(), 'comments.json');
  const slug = dbExec(dir, `SELECT slug FROM articles WHERE id = ${art.id}`).trim();
  fs.writeFileSync(file, JSON.stringify({ format: 'broadsheet-comments', version: 1, comments: [{ id: 1, article: { edition: 'en', slug },
    parent: null, name: `Imported ${RLO}eman`, body: `Body ${spoof}`, status: 'approved', created_at: '2026-01-02T03:04:05Z' }] }));
  const im = run(['comments', 'import', '--site', dir, file]);
  assert.equal(im.status, 0, im.stderr);
  const [iname, ibody] = dbExec(dir, "SELECT name, body FROM comments WHERE name LIKE 'Imported%'").trim().split('\t');
  assert.equal(iname, 'Imported eman');
  assert.equal(ibody, 'Body invoice_gnp.exe');
});

test('bidi controls are stripped from every newsroom text: article fields, names, settings, captions, keys', async () => {
  const wrap = (s) => `${LRI}${s}${RLO}${PDI}`;
  const made = await createArticle({
    headline: wrap(`Budget ${RLO}fdp.exe leaked${MARKS}`), standfirst: wrap('Standfirst'), body: `Body ${RLO}txt.exe\n\n${LRI}Para${PDI}`,
    dateline: wrap('AMMAN'), bylines: `${wrap('Rana Haddad')}; Omar ${RLO}Khalil`, tags: `${wrap('budget')}, ${RLO}leaks`,
    caption: wrap('A caption'), credit: wrap('Staff'),
  });
  assert.equal(made.status, 303, formError(made.html));
  const f = editorFields((await page(base, `/admin/articles/${made.id}`, await as('ed'))).html);
  assert.equal(f.headline, `Budget fdp.exe leaked${MARKS}`);
  assert.equal(f.standfirst, 'Standfirst');
  assert.equal(f.body, 'Body txt.exe\n\nPara');
  assert.equal(f.dateline, 'AMMAN');
  assert.equal(f.bylines, 'Rana Haddad; Omar Khalil');
  assert.equal(f.tags, 'budget, leaks');
  assert.equal(f.caption, 'A caption');
  assert.equal(f.credit, 'Staff');
  const names = dbExec(dir, `SELECT name FROM authors UNION ALL SELECT name FROM tags`);
  assert.ok(!CONTROL_RE.test(names), 'no control in any author or tag name');

  // the admin API (JSON strings and arrays)
  const boss = await as('boss');
  const keyPage = await post(base, '/admin/api-keys', boss, { name: `Bridge ${RLO}yek`, days: '30', scope: 'write' });
  const keyHtml = await keyPage.text();
  assert.equal(keyPage.status, 200, formError(keyHtml));
  const token = /<code class="token">(bsk_[0-9a-f]{64})<\/code>/.exec(keyHtml)[1];
  assert.equal(dbExec(dir, "SELECT name FROM api_keys WHERE name LIKE 'Bridge%'").trim(), 'Bridge yek');
  const api = await fetch(`${base}/api/v1/admin/articles`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ edition: 'en', section: 'business', headline: `API ${RLO}3pm.exe`, standfirst: wrap('S'), body: wrap('B'),
      bylines: [wrap('Rana Haddad')], tags: [wrap('api')], dateline: wrap('D'), caption: wrap('C'), credit: wrap('R') }),
  });
  const j = await api.json();
  assert.equal(api.status, 201, JSON.stringify(j));
  const a = j.article;
  assert.deepEqual([a.headline, a.standfirst, a.body, a.dateline, a.caption, a.credit, a.bylines, a.tags],
    ['API 3pm.exe', 'S', 'B', 'D', 'C', 'R', ['Rana Haddad'], ['api']]);

  // a user's display name (web and command line), a setting, a media caption (alt text)
  const u = await post(base, '/admin/users', boss, { login: 'spoofer', display_name: `${RLO}nimda`, role: 'reporter', password: PW });
  assert.equal(u.status, 200, formError(await u.text()));
  addUser(dir, 'cliuser', 'reporter', PW, `Cli ${RLO}resu`);
  assert.deepEqual(dbExec(dir, "SELECT display_name FROM users WHERE login IN ('spoofer', 'cliuser') ORDER BY login").trim().split('\n'),
    ['Cli resu', 'nimda']);
  const settingsHtml = (await page(base, '/admin/settings', boss)).html;
  const current = {};
  for (const m of settingsHtml.matchAll(/<input id="s-\d+" name="([^"]+)" value="([^"]*)"/g)) current[m[1]] = unescapeHtml(m[2]);
  for (const m of settingsHtml.matchAll(/<textarea id="s-\d+" name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)) current[m[1]] = unescapeHtml(m[2]);
  const s = await post(base, '/admin/settings', boss, { ...current, 'site_name.en': `The ${RLO}semiT` });
  assert.equal(s.status, 200, formError(await s.clone().text()));
  assert.match(formNotice(await s.text()), /Settings saved/);
  assert.equal(dbExec(dir, "SELECT value FROM settings WHERE key = 'site_name.en'").trim(), 'The semiT');
  const fd = new FormData();
  fd.set('alt', `A ${RLO}otohp`);
  fd.set('file', new Blob([png(32, 24)]), 'p.png');
  const up = await fetch(`${base}/admin/media?csrf=${(await as('ed')).csrf}`, { method: 'POST', body: fd, headers: { cookie: `bs_session=${(await as('ed')).cookie}` }, redirect: 'manual' });
  assert.equal(up.status, 303, await up.text());
  assert.equal(dbExec(dir, 'SELECT alt FROM media ORDER BY id DESC LIMIT 1').trim(), 'A otohp');
});
