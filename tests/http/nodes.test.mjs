// Two nodes on one PostgreSQL behave as one site (docs/operations.md, "Several nodes behind nginx"):
// node A and node B are two `broadsheet serve` processes with site directories of their own (the same
// database URL and secret.key, one shared media_dir), each with its page cache, scheduler and webhook
// sender. Proves: a publish or an edit on one node purges the other's cached pages (LISTEN/NOTIFY); a
// settings change does too; scheduled articles are published once with both schedulers racing; queued
// webhook jobs are delivered once each with both senders running; sessions, log-outs, log-in throttling
// and comment rate limits count across nodes; an upload through A is served by B.
// Migrations started by several processes at once are covered by postgres.test.mjs (four at once).
// PostgreSQL only: SQLite serves one process per site.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ENGINE, demoSite, startServer, configure, dbExec, tempDir, unescapeHtml } from '../lib/server.mjs';
import { addUser, login, loginPost, request, post, page, selectOptions, formError, formNotice, fieldValue, editorFields, utcText,
  sessionCookieOf } from '../lib/newsroom.mjs';
import { png } from '../lib/png.mjs';

const skip = ENGINE === 'pg' ? false
  : 'several nodes share one PostgreSQL database; an SQLite site is served by one process (runs in the PostgreSQL pass)';
const PW = 'a-long-password';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let dirA, dirB, media, A, B, section;
const sessions = new Map();
const got = []; // webhook deliveries the receiver saw: {path, delivery, event, article}
let receiver, rbase;

/** A newsroom session of user on node srv (cached per node). */
async function as(srv, user) {
  const k = `${srv.base} ${user}`;
  if (!sessions.has(k)) sessions.set(k, await login(srv.base, user, PW));
  return sessions.get(k);
}

/** An anonymous GET: {status, xcache, text}. */
async function anon(srv, p) {
  const r = await fetch(srv.base + p, { redirect: 'manual' });
  return { status: r.status, xcache: r.headers.get('x-cache'), text: await r.text() };
}

/** GETs p on srv until it is a cache hit (so later reads are served from that node's memory). */
async function warm(srv, p) {
  for (let i = 0; i < 20; i++) {
    const r = await anon(srv, p);
    assert.equal(r.status, 200, `${p} on ${srv.base}`);
    if (r.xcache === 'hit') return r;
  }
  assert.fail(`${p} never became a cache hit on ${srv.base}`);
}

/** Polls p on srv until pred(text) holds (every 50 ms, up to 5 s: far more than the second it should take). */
async function eventually(srv, p, pred, what) {
  const end = Date.now() + 5000;
  let last;
  while (Date.now() < end) {
    last = await anon(srv, p);
    if (last.status === 200 && pred(last.text)) return last;
    await sleep(50);
  }
  assert.fail(`${what}: ${p} on ${srv.base} never changed (last: ${last?.status} ${last?.xcache})`);
}

/** Creates an English draft through node srv; returns its id. */
async function createArticle(srv, headline, slug, session) {
  const r = await post(srv.base, '/admin/articles/new', session ?? await as(srv, 'ed'), {
    version: '0', headline, standfirst: `Standfirst of ${headline}`, body: 'Body text.', edition: 'en', section,
    slug, dateline: 'BEIRUT', bylines: 'Rana Haddad', tags: '', media: '0', caption: '', credit: '', translation: '',
    do: 'save',
  });
  assert.equal(r.status, 303, `create: ${formError(await r.text())}`);
  return Number(/\/admin\/articles\/(\d+)/.exec(r.headers.get('location'))[1]);
}

async function setStatus(srv, id, fields) {
  const r = await post(srv.base, `/admin/articles/${id}/status`, await as(srv, 'ed'), fields);
  assert.equal(r.status, 303, `status ${JSON.stringify(fields)}: ${formError(await r.text())}`);
}

/** The public address of a published article, from the store. */
function hrefOf(id) {
  const [edition, slug, published] = dbExec(dirA, `SELECT edition, slug, published_at FROM articles WHERE id = ${id}`)
    .trim().split('\t');
  const ymd = new Date(Number(published) * 1000).toISOString().slice(0, 10).replace(/-/g, '/');
  return `/${edition}/${ymd}/${encodeURIComponent(slug)}`;
}

before(async () => {
  if (skip) return;
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      let json;
      try { json = JSON.parse(body); } catch { json = undefined; }
      got.push({ path: req.url, delivery: req.headers['broadsheet-delivery'], event: json?.event, article: json?.article?.id });
      setTimeout(() => { res.writeHead(204); res.end(); }, 30); // a little work, so the senders overlap
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  rbase = `http://127.0.0.1:${receiver.address().port}`;

  // node A: a demo site on a fresh database; node B: a directory of its own with A's database and secret
  dirA = demoSite(4);
  dirB = path.join(tempDir(), 'node-b');
  fs.mkdirSync(dirB);
  fs.copyFileSync(path.join(dirA, 'broadsheet.conf'), path.join(dirB, 'broadsheet.conf'));
  fs.copyFileSync(path.join(dirA, 'secret.key'), path.join(dirB, 'secret.key'));
  // one media directory both mount (here: a plain directory outside both sites), holding the demo images
  media = path.join(tempDir(), 'shared-media');
  fs.cpSync(path.join(dirA, 'media'), media, { recursive: true });
  for (const d of [dirA, dirB])
    configure(d, { media_dir: media, login_max_failures: 3, login_window: 600, webhook_retry_base: 1, webhook_timeout: 5,
      webhook_allow_private: '127.0.0.1' }); // the webhook receiver is on loopback
  addUser(dirA, 'ed', 'editor', PW);
  addUser(dirA, 'boss', 'admin', PW);
  dbExec(dirA, "INSERT INTO settings VALUES('comments.min_fill_seconds', '0') ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  dbExec(dirA, "INSERT INTO settings VALUES('comments.rate_ip', '3') ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  dbExec(dirA, "INSERT INTO settings VALUES('comments.mode', 'post') ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  [A, B] = await Promise.all([startServer(dirA), startServer(dirB)]);
  const ed = await page(A.base, '/admin/articles/new', await as(A, 'ed'));
  section = selectOptions(ed.html, 'section').find((o) => o.label === 'English: Business').value;
});

after(async () => {
  if (skip) return;
  await Promise.all([A?.stop(), B?.stop()]);
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
});

test('a publish on node A reaches the front page, feed and section cached on node B', { skip }, async () => {
  for (const p of ['/en/', '/en/rss.xml', '/en/section/business']) await warm(B, p);
  const id = await createArticle(A, 'Ferry line reopens between the two ports', 'ferry-line-reopens');
  await setStatus(A, id, { to: 'publish' });
  // B did not render anything itself: its cached copies were purged by A's notification
  for (const p of ['/en/', '/en/rss.xml', '/en/section/business'])
    await eventually(B, p, (t) => t.includes('Ferry line reopens between the two ports'), 'publish on A');
  // and an edit on A changes B's cached article page
  const href = hrefOf(id);
  await warm(B, href);
  const f = (await page(A.base, `/admin/articles/${id}`, await as(A, 'ed'))).html;
  const saved = await post(A.base, `/admin/articles/${id}`, await as(A, 'ed'), {
    ...editorFields(f), headline: 'Ferry line reopens after a year', do: 'save',
  });
  assert.equal(saved.status, 303, formError(await saved.text()));
  await eventually(B, href, (t) => t.includes('Ferry line reopens after a year'), 'edit on A');
  // the purges show on /metrics: A published them, B received them
  const metric = async (srv, name) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec((await anon(srv, '/metrics')).text)?.[1]);
  assert.ok(await metric(A, 'broadsheet_cache_purges_sent_total') > 0);
  assert.ok(await metric(B, 'broadsheet_cache_purges_received_total') > 0);
});

test('a live entry posted on node A shows in node B\'s cached live page and live.json; a banner raised on A shows on B', { skip }, async () => {
  // the demo's English live blog, read on B until both its page and its poll document come from B's cache
  const blog = Number(dbExec(dirA, "SELECT a.id FROM live_blogs l JOIN articles a ON a.id = l.article_id WHERE a.edition = 'en'").trim());
  const { url } = (await (await fetch(`${A.base}/api/v1/articles/${blog}`)).json()).article;
  const p = new URL(url).pathname;
  await warm(B, p);
  await warm(B, `${p}/live.json`);
  const front = (await warm(B, '/en/')).text;
  const text = `Water levels at the dam are falling, node test ${Date.now()}.`;
  const r = await post(A.base, `/admin/articles/${blog}/live/entries`, await as(A, 'ed'), { body: text, key_event: '' });
  assert.ok(r.status === 303 || r.status === 200, `the entry was posted on A: ${r.status}`);
  const json = await eventually(B, `${p}/live.json`, (t) => t.includes('Water levels at the dam are falling, node test'), 'live.json on B');
  assert.equal(JSON.parse(json.text).entries[0].html.includes(text), true, 'the newest entry first');
  await eventually(B, p, (t) => t.includes(text), 'the live page on B');
  // only what shows the entries was purged: B's front page is still the cached copy
  const again = await anon(B, '/en/');
  assert.equal(again.xcache, 'hit', 'the front page was not purged by an entry');
  assert.equal(again.text, front);
  // a breaking banner raised on A reaches B's cached front page
  const line = `Node test banner ${Date.now()}`;
  const raised = await post(A.base, '/admin/breaking', await as(A, 'ed'), { edition: 'en', minutes: '60', text: line, url: '/en/' });
  assert.equal(raised.status, 200);
  await eventually(B, '/en/', (t) => t.includes(line), 'the banner on B');
});

test('a settings change on node B purges node A', { skip }, async () => {
  await warm(A, '/en/');
  const boss = await as(B, 'boss');
  const html = (await page(B.base, '/admin/settings', boss)).html;
  const current = {};
  for (const m of html.matchAll(/<input id="s-\d+" name="([^"]+)" value="([^"]*)"/g)) current[m[1]] = unescapeHtml(m[2]);
  for (const m of html.matchAll(/<textarea id="s-\d+" name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)) current[m[1]] = unescapeHtml(m[2]);
  assert.ok('site_name.en' in current, Object.keys(current).join(','));
  const r = await post(B.base, '/admin/settings', boss, { ...current, 'site_name.en': 'The Two Node Herald' });
  const text = await r.text();
  assert.equal(r.status, 200, formError(text));
  assert.match(formNotice(text), /Settings saved/);
  await eventually(A, '/en/', (t) => t.includes('The Two Node Herald'), 'settings on B');
});

test('scheduled articles are published once with both schedulers running', { skip }, async () => {
  const hook = await post(A.base, '/admin/webhooks', await as(A, 'boss'), { url: `${rbase}/sched`, 'article.published': '1' });
  assert.equal(hook.status, 200, formError(await hook.text()));
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push(await createArticle(A, `Timed story number ${i}`, `timed-story-${i}`));
  const at = Date.now() + 4000;
  for (const id of ids) await setStatus(A, id, { to: 'schedule', at: utcText(at) });
  // B's scheduler learns the due time when it starts (A's was woken by the scheduling): restarting B
  // makes both wake at the same second
  await B.stop();
  B = await startServer(dirB);
  sessions.clear();
  const list = ids.join(',');
  const end = Date.now() + 15000;
  while (Number(dbExec(dirA, `SELECT count(*) FROM articles WHERE id IN (${list}) AND status = 'published'`)) < ids.length) {
    assert.ok(Date.now() < end, 'the scheduled articles were published');
    await sleep(100);
  }
  for (const id of ids) await eventually(B, '/en/', (t) => t.includes(`Timed story number ${ids.indexOf(id)}`), 'scheduled');
  await sleep(1500); // a second scheduler run, had there been one, and the deliveries
  assert.equal(dbExec(dirA, `SELECT count(*) FROM article_events WHERE article_id IN (${list}) AND action = 'published (scheduled)'`).trim(),
    String(ids.length), 'one workflow event per article');
  assert.equal(dbExec(dirA, `SELECT count(*) FROM webhook_queue WHERE event = 'article.published' AND payload::json->>'id' IN (${ids.map((i) => `'${i}'`).join(',')})`).trim(),
    String(ids.length), 'one queued event per article');
  const sched = got.filter((g) => g.path === '/sched' && g.event === 'article.published');
  assert.deepEqual(sched.map((g) => g.article).sort(), [...ids].sort(), 'one delivery per article');
});

test('30 queued webhook jobs are delivered once each with both senders running', { skip }, async () => {
  const hook = await post(A.base, '/admin/webhooks', await as(A, 'boss'), { url: `${rbase}/bulk`, 'article.updated': '1' });
  assert.equal(hook.status, 200, formError(await hook.text()));
  const wid = dbExec(dirA, `SELECT id FROM webhooks WHERE url = '${rbase}/bulk'`).trim();
  // queued straight into the store, all due now: both senders see all 30 at once
  const now = Math.floor(Date.now() / 1000);
  dbExec(dirA, 'INSERT INTO webhook_queue(webhook_id, event, payload, next_attempt_at, created_at) ' +
    `SELECT ${wid}, 'article.updated', json_build_object('id', 1000 + g, 'edition', 'en', 'slug', 'bulk-' || g, ` +
    `'headline', 'Bulk ' || g, 'standfirst', '', 'published_at', ${now}, 'updated_at', ${now})::text, ${now}, ${now} ` +
    'FROM generate_series(1, 30) AS g');
  const end = Date.now() + 30000;
  while (dbExec(dirA, `SELECT count(*) FROM webhook_queue WHERE webhook_id = ${wid} AND state = 'done'`).trim() !== '30') {
    assert.ok(Date.now() < end, `all 30 delivered (done: ${dbExec(dirA, `SELECT count(*) FROM webhook_queue WHERE webhook_id = ${wid} AND state = 'done'`).trim()})`);
    await sleep(100);
  }
  await sleep(500);
  const bulk = got.filter((g) => g.path === '/bulk');
  const ids = bulk.map((g) => g.delivery);
  assert.equal(new Set(ids).size, 30, 'every job delivered');
  assert.equal(ids.length, 30, `each exactly once (${ids.length} deliveries)`);
  assert.equal(dbExec(dirA, `SELECT count(*) FROM webhook_deliveries d JOIN webhook_queue q ON q.id = d.queue_id WHERE q.webhook_id = ${wid}`).trim(),
    '30', 'one attempt logged per job');
});

test('a session made on node A works on node B, and a log-out on B ends it on A', { skip }, async () => {
  const s = await login(A.base, 'ed', PW);
  const onB = await request(B.base, '/admin/', { cookie: s.cookie });
  assert.equal(onB.status, 200, 'the session is valid on B');
  assert.match(await onB.text(), /name="csrf" value="/);
  // a form posted to B with the CSRF token A showed
  const id = await createArticle(B, 'Written on node B', 'written-on-b', s);
  assert.ok(id > 0);
  const out = await post(B.base, '/admin/logout', s);
  assert.equal(out.status, 303);
  for (const srv of [A, B]) {
    const r = await request(srv.base, '/admin/', { cookie: s.cookie });
    assert.equal(r.status, 303, `logged out on ${srv.base}`);
    assert.match(r.headers.get('location'), /\/admin\/login/);
  }
});

test('log-in throttling counts failures on both nodes', { skip }, async () => {
  // login_max_failures = 3: two wrong passwords on A, one on B, then even the right one is refused on both
  for (const [srv, n] of [[A, 2], [B, 1]]) {
    for (let i = 0; i < n; i++) {
      const r = await loginPost(srv.base, 'boss', 'wrong-password');
      assert.equal(r.status, 401, `wrong password on ${srv.base}`);
    }
  }
  for (const srv of [B, A]) {
    const r = await loginPost(srv.base, 'boss', PW);
    assert.equal(r.status, 429, `throttled on ${srv.base}`);
    assert.equal(sessionCookieOf(r), undefined);
  }
});

test('comment rate limits count comments sent to both nodes', { skip }, async () => {
  const artId = Number(dbExec(dirA, "SELECT id FROM articles WHERE status = 'published' AND edition = 'en' ORDER BY id LIMIT 1").trim());
  const art = hrefOf(artId);
  const count = () => Number(dbExec(dirA, `SELECT count(*) FROM comments WHERE article_id = ${artId}`).trim());
  const before = count();
  const send = async (srv, body) => {
    const t = await fetch(srv.base + art);
    const token = fieldValue(await t.text(), 'token');
    assert.ok(token, 'the comment form has a token');
    return request(srv.base, `/comments/${artId}`, { form: { token, website: '', name: 'Omar', email: '', body } });
  };
  // comments.rate_ip = 3: two through A, one through B; the fourth is refused on either node
  for (const [srv, i] of [[A, 1], [A, 2], [B, 3]]) {
    const r = await send(srv, `Comment ${i} from one address, across the nodes.`);
    assert.equal(r.status, 303, `comment ${i}: ${formError(await r.text())}`);
  }
  for (const srv of [B, A]) {
    const r = await send(srv, `One comment too many, sent to ${srv.base}.`);
    assert.equal(r.status, 429, `refused on ${srv.base}`);
  }
  assert.equal(count(), before + 3, 'the refused comments were not stored');
});

test('an image uploaded through node A is served by node B from the shared media_dir', { skip }, async () => {
  const s = await as(A, 'ed');
  const fd = new FormData();
  fd.set('alt', 'A gradient');
  fd.set('file', new Blob([png(400, 240, 200)]), 'gradient.png');
  const up = await fetch(`${A.base}/admin/media?csrf=${s.csrf}`, { method: 'POST', body: fd, headers: { cookie: `bs_session=${s.cookie}` }, redirect: 'manual' });
  assert.equal(up.status, 303, `upload: ${formError(await up.text())}`);
  const id = /uploaded=(\d+)/.exec(up.headers.get('location'))[1];
  const rel = dbExec(dirA, `SELECT path FROM media WHERE id = ${id}`).trim();
  assert.ok(fs.existsSync(path.join(media, rel)), 'written to the shared directory');
  assert.ok(!fs.existsSync(path.join(dirA, 'media', rel)), 'not to the site directory');
  const fromB = await fetch(`${B.base}/media/${rel}`);
  assert.equal(fromB.status, 200);
  assert.deepEqual(Buffer.from(await fromB.arrayBuffer()), fs.readFileSync(path.join(media, rel)));
});

test('both nodes logged no sanitizer findings', { skip }, () => {
  for (const srv of [A, B]) assert.doesNotMatch(srv.stderr, /AddressSanitizer|LeakSanitizer|runtime error:/);
});
