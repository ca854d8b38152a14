// Issue 23, the wires: agency items on the Wires desk (search in both languages, filters), "Use" making a
// draft with the agency credited (twice: the same draft offered), embargoes holding publication, the push
// endpoint (token, content type and size checked before the body; a higher version updates the same desk
// entry and flags the draft made from it; a lower one is ignored), feeds polled politely from a server this
// test runs on loopback (ETag and 304, a 500 backed off, a redirect loop and an endless body cut off), and
// a folder drop. Both engines (BROADSHEET_TEST_DB).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { configure, dbExec, demoSite, rawRequest, startServer, statusOf, unescapeHtml } from '../lib/server.mjs';
import { addUser, formError, formNotice, login, page, post } from '../lib/newsroom.mjs';

const PW = 'a-long-password';
const FIX = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../fixtures/wires');
let dir, srv, editor, reporter, feed, feedBase;
const feedLog = [];

/** The loopback feed server: /feed (ETag "v1", 304 to If-None-Match), /broken (500), /loop (redirects to
 * itself), /hang (a first line, then silence), /endless (an RSS document that never ends). Every request is logged with its validators. */
function startFeedServer() {
  const rss = '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Loop wire</title>' +
    '<link>http://wire.example/</link><description>d</description><item><title>Feed headline about harbours</title>' +
    '<link>http://wire.example/1</link><guid>http://wire.example/1</guid><description>A feed story.</description>' +
    '</item></channel></rss>';
  const s = http.createServer((req, res) => {
    feedLog.push({ url: req.url, inm: req.headers['if-none-match'], ims: req.headers['if-modified-since'] });
    if (req.url === '/feed') {
      if (req.headers['if-none-match'] === '"v1"') { res.writeHead(304); res.end(); return; }
      res.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"v1"', 'last-modified': 'Sun, 06 Dec 2026 08:00:00 GMT' });
      res.end(rss);
    } else if (req.url === '/broken') {
      res.writeHead(500); res.end('no');
    } else if (req.url === '/loop') {
      res.writeHead(302, { location: '/loop' }); res.end();
    } else if (req.url === '/hang') { // answers the headers and a first line, then nothing more
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.write('<?xml version="1.0"?>');
      setTimeout(() => res.destroy(), 30000).unref();
    } else if (req.url === '/endless') {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>');
      const chunk = Buffer.alloc(1 << 16, 'a');
      const pump = () => { while (res.write(chunk)) { /* until the socket pushes back */ } };
      res.on('drain', pump);
      res.on('error', () => {});
      pump();
    } else {
      res.writeHead(404); res.end();
    }
  });
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));
}

before(async () => {
  dir = demoSite(0);
  addUser(dir, 'wi-editor', 'editor', PW);
  addUser(dir, 'wi-rep', 'reporter', PW);
  configure(dir, { wire_timeout: 3 }); // a feed that hangs is given up after 3 s (60 by default)
  srv = await startServer(dir);
  [editor, reporter] = await Promise.all(['wi-editor', 'wi-rep'].map((u) => login(srv.base, u, PW)));
  feed = await startFeedServer();
  feedBase = `http://127.0.0.1:${feed.address().port}`;
});
after(async () => { await srv?.stop(); feed?.closeAllConnections(); feed?.close(); });

/** The desk's items: [{id, headline}] in order. */
function deskItems(html) {
  return [...html.matchAll(/<li class="wire-item"><a href="\/admin\/wires\/(\d+)"[^>]*><bdi>([^<]*)<\/bdi>/g)]
    .map((m) => ({ id: m[1], headline: unescapeHtml(m[2]) }));
}

/** The desk's items for query q as session s. */
async function desk(q, s = reporter) {
  const r = await page(srv.base, `/admin/wires${q}`, s);
  assert.equal(r.status, 200, `desk ${q}: ${formError(r.html)}`);
  return deskItems(r.html);
}

/** The id of the desk item whose headline is h. */
async function itemId(h) {
  const it = (await desk(`?q=${encodeURIComponent(h)}`)).find((i) => i.headline === h);
  assert.ok(it, `${h} is on the desk`);
  return it.id;
}

/** Adds a source as the editor; returns {id, token}. */
async function addSource(fields) {
  const r = await post(srv.base, '/admin/wires/sources', editor, { id: '', credit: '', lang: '', interval: '600', url: '', ...fields });
  const html = await r.text();
  assert.ok(r.status === 201 || r.status === 303, `add source ${fields.name}: ${r.status} ${formError(html)}`);
  const list = (await page(srv.base, '/admin/wires/sources', editor)).html;
  const m = new RegExp(`<bdi>${fields.name}</bdi>[\\s\\S]*?/admin/wires/sources\\?edit=(\\d+)`).exec(list);
  assert.ok(m, `${fields.name} listed`);
  return { id: m[1], token: /Authorization: Bearer (bsw_[0-9a-f]+)/.exec(html)?.[1] };
}

/** POSTs body to the push endpoint of source id with token and content type. */
function push(id, token, body, type = 'application/json') {
  const headers = { 'content-type': type };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return fetch(`${srv.base}/api/wires/${id}`, { method: 'POST', headers, body });
}

/** The source row of source id on the sources page (its HTML). */
async function sourceRow(id) {
  const html = (await page(srv.base, '/admin/wires/sources', editor)).html;
  const m = new RegExp(`<tr class="wire-source">(?:(?!</tr>)[\\s\\S])*?edit=${id}"[\\s\\S]*?</tr>`).exec(html);
  assert.ok(m, `source ${id} row`);
  return unescapeHtml(m[0]);
}

test('the desk lists the demo items newest first, searches both languages folded, filters by language, source and time', async () => {
  const all = await desk('');
  assert.ok(all.length >= 5, 'the demo items are on the desk');
  assert.equal(all[0].headline, 'Finance ministry to publish the spring budget', 'the newest received first');
  // one desk entry for the item sent in two versions, showing the second
  assert.equal(all.filter((i) => /^Port workers/.test(i.headline)).length, 1);
  assert.ok(all.some((i) => i.headline === 'Port workers return to the terminals as talks resume'));
  // Arabic without tashkeel or hamza forms finds the item written with them
  const ar = await desk(`?q=${encodeURIComponent('الامم المتحدة')}`);
  assert.deepEqual(ar.map((i) => i.headline), ['الأُمم المتّحدة تستأنف محادثات المياه في جنيف']);
  assert.deepEqual((await desk('?q=PORT+workers')).map((i) => i.headline), ['Port workers return to the terminals as talks resume']);
  assert.deepEqual(await desk('?q=nowhere-at-all'), []);
  const arOnly = await desk('?lang=ar');
  assert.ok(arOnly.length >= 2 && arOnly.every((i) => /[\u0600-\u06ff]/.test(i.headline)), 'Arabic only');
  const enOnly = await desk('?lang=en');
  assert.ok(enOnly.length >= 3 && enOnly.every((i) => !/[\u0600-\u06ff]/.test(i.headline)), 'English only');
  assert.ok((await desk('?when=24h')).length >= 5);
  assert.deepEqual(await desk('?from=2099-01-01'), [], 'a day to come has nothing');
  const bad = await page(srv.base, '/admin/wires?from=yesterday', reporter);
  assert.equal(bad.status, 400);
  assert.match(formError(bad.html), /YYYY-MM-DD/);
  const src = /<option value="(\d+)">وكالة الخليج التجريبية<\/option>/.exec((await page(srv.base, '/admin/wires', reporter)).html);
  assert.ok(src, 'the sources are offered');
  const bySource = await desk(`?source=${src[1]}`);
  assert.deepEqual(bySource.map((i) => i.headline).sort(), arOnly.map((i) => i.headline).sort());
});

test('an item page renders the body through the writing desk and shows an embargo and a withdrawal', async () => {
  const emb = await page(srv.base, `/admin/wires/${await itemId('Finance ministry to publish the spring budget')}`, reporter);
  assert.equal(emb.status, 200);
  assert.match(emb.html, /Embargoed until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
  assert.match(emb.html, /<p dir="auto">The budget is expected to raise spending on schools and water.<\/p>/);
  const gone = await page(srv.base, `/admin/wires/${await itemId('Desert rally stage cancelled after sandstorm')}`, reporter);
  assert.match(gone.html, /Withdrawn by the agency: do not use this item\./);
  const r = await post(srv.base, `/admin/wires/${await itemId('Desert rally stage cancelled after sandstorm')}/use`, reporter);
  assert.equal(r.status, 409, 'a withdrawn item cannot be used');
  assert.equal((await page(srv.base, '/admin/wires/999999', reporter)).status, 404);
});

test('Use makes a draft crediting the agency; using it again offers that draft instead of a second one', async () => {
  const id = await itemId('الأُمم المتّحدة تستأنف محادثات المياه في جنيف');
  const before = Number(dbExec(dir, 'SELECT count(*) FROM articles').trim());
  const r = await post(srv.base, `/admin/wires/${id}/use`, reporter);
  assert.equal(r.status, 303, r.status === 303 ? '' : /class="notice"[^<]*<\/p>/.exec(await r.text())?.[0]);
  const loc = r.headers.get('location');
  const art = /^\/admin\/articles\/(\d+)\?notice=wire$/.exec(loc)?.[1];
  assert.ok(art, loc);
  const ed = await page(srv.base, loc, reporter);
  assert.equal(ed.status, 200);
  assert.match(formNotice(ed.html), /agency is credited/);
  const row = dbExec(dir, `SELECT edition, status, headline, standfirst, dateline FROM articles WHERE id = ${art}`).trim().split('\t');
  assert.deepEqual(row, ['ar', 'draft', 'الأُمم المتّحدة تستأنف محادثات المياه في جنيف', 'يستأنف المفاوضون محادثات تقاسم المياه الأسبوع المقبل.', 'جنيف']);
  const body = dbExec(dir, `SELECT body_md FROM articles WHERE id = ${art}`);
  assert.match(body, /قال دبلوماسيون/);
  assert.match(body, /\*وكالة الخليج\*\s*$/, 'a credit line ends the body');
  const byline = dbExec(dir, `SELECT au.name FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = ${art}`).trim();
  assert.equal(byline, 'وكالة الخليج', 'the agency is the byline');
  const again = await post(srv.base, `/admin/wires/${id}/use`, reporter);
  assert.equal(again.status, 409);
  const html = await again.text();
  assert.match(html, new RegExp(`href="/admin/articles/${art}"`), 'the existing draft is offered');
  assert.equal(Number(dbExec(dir, 'SELECT count(*) FROM articles').trim()), before + 1, 'no second draft made silently');
  const another = await post(srv.base, `/admin/wires/${id}/use`, reporter, { again: '1' });
  assert.equal(another.status, 303, 'asked for explicitly, another draft is made');
  const audit = dbExec(dir, "SELECT count(*) FROM audit_log WHERE action = 'wire.used'").trim();
  assert.equal(audit, '2');
});

test('an embargoed item makes a draft that cannot be published or scheduled before the embargo', async () => {
  const id = await itemId('Finance ministry to publish the spring budget');
  const r = await post(srv.base, `/admin/wires/${id}/use`, editor);
  assert.equal(r.status, 303);
  const art = /articles\/(\d+)/.exec(r.headers.get('location'))[1];
  const ed = await page(srv.base, `/admin/articles/${art}`, editor);
  assert.match(unescapeHtml(ed.html), /Embargoed until .*: it cannot be published or scheduled before\./);
  const pub = await post(srv.base, `/admin/articles/${art}/status`, editor, { to: 'publish' });
  assert.equal(pub.status, 409);
  assert.match(formError(await pub.text()), /embargoed until/);
  const soon = new Date(Date.now() + 3600e3).toISOString().slice(0, 16).replace('T', ' ');
  const early = await post(srv.base, `/admin/articles/${art}/status`, editor, { to: 'schedule', at: soon });
  assert.equal(early.status, 409);
  assert.equal(dbExec(dir, `SELECT status FROM articles WHERE id = ${art}`).trim(), 'draft');
  const later = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 16).replace('T', ' ');
  const ok = await post(srv.base, `/admin/articles/${art}/status`, editor, { to: 'schedule', at: later });
  assert.equal(ok.status, 303, 'scheduled for after the embargo');
  assert.equal(dbExec(dir, `SELECT status FROM articles WHERE id = ${art}`).trim(), 'scheduled');
});

test('sources: publishers only; a push source gets its token once; bad forms refused with the field kept', async () => {
  const rep = await page(srv.base, '/admin/wires/sources', reporter);
  assert.equal(rep.status, 403);
  const bad = await post(srv.base, '/admin/wires/sources', editor, { id: '', name: 'No address', kind: 'feed', url: 'ftp://x', credit: '', lang: '', interval: '600' });
  assert.equal(bad.status, 400);
  const html = await bad.text();
  assert.match(formError(html), /https:\/\//);
  assert.match(html, /value="No address"/);
  const { token } = await addSource({ name: 'Pushy', kind: 'push', credit: 'Wire Example' });
  assert.match(token, /^bsw_[0-9a-f]{64}$/);
  assert.doesNotMatch((await page(srv.base, '/admin/wires/sources', editor)).html, new RegExp(token), 'never shown again');
  assert.doesNotMatch(dbExec(dir, 'SELECT token_hash FROM wire_sources'), new RegExp(token.slice(4)), 'only a hash is kept');
});

test('push: token, type and size refused before the body; ninjs and NewsML-G2 land; versions update in place and flag drafts', async () => {
  const { id, token } = await addSource({ name: 'Push agency', kind: 'push' });
  const en = fs.readFileSync(path.join(FIX, 'ninjs-en.json'));
  assert.equal((await push(id, undefined, en)).status, 401);
  const wrong = await push(id, 'bsw_' + '0'.repeat(64), en);
  assert.equal(wrong.status, 401);
  assert.match((await wrong.json()).error.message, /not the push token/);
  assert.equal((await push(id, token, en, 'text/plain')).status, 415);
  // Content-Length over the limit: answered on the headers, the body never sent
  const big = await rawRequest(srv.port, `POST /api/wires/${id} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n` +
    'Content-Type: application/json\r\nContent-Length: 999999999\r\n\r\n');
  assert.equal(statusOf(big.text), 413);
  const first = await push(id, token, en);
  assert.equal(first.status, 202);
  const got = await first.json();
  assert.equal(got.new, 1);
  const deskId = String(got.items[0].id);
  const same = await push(id, token, en);
  assert.equal(same.status, 200);
  assert.equal((await same.json()).ignored, 1);
  // a draft made from version 1, then version 2 arrives: the same entry, the draft flagged
  const use = await post(srv.base, `/admin/wires/${deskId}/use`, reporter);
  assert.equal(use.status, 303);
  const art = /articles\/(\d+)/.exec(use.headers.get('location'))[1];
  assert.doesNotMatch((await page(srv.base, `/admin/articles/${art}`, reporter)).html, /newer version/);
  const v2 = await push(id, token, fs.readFileSync(path.join(FIX, 'ninjs-en-v2.json')));
  assert.equal(v2.status, 202);
  const g2 = await v2.json();
  assert.equal(g2.updated, 1);
  assert.equal(String(g2.items[0].id), deskId, 'the same desk entry');
  assert.equal(dbExec(dir, "SELECT count(*) FROM wire_items WHERE guid = 'urn:newsml:wire.example:20261206:budget-vote'").trim(), '1');
  assert.match((await page(srv.base, `/admin/articles/${art}`, reporter)).html, /A newer version of the wire item exists \(version 2; this draft was made from version 1\)/);
  const low = await push(id, token, en); // version 1 again: lower than the stored 2
  assert.equal((await low.json()).ignored, 1);
  assert.match(dbExec(dir, `SELECT headline FROM wire_items WHERE id = ${deskId}`), /81 votes to 64/);
  const xml = await push(id, token, fs.readFileSync(path.join(FIX, 'newsml-en.xml')), 'application/xml; charset=utf-8');
  assert.equal(xml.status, 202);
  assert.ok((await desk(`?q=${encodeURIComponent('Dock workers begin a 48-hour strike')}`)).length === 1, 'the NewsML-G2 item is on the desk');
  const ar = await push(id, token, fs.readFileSync(path.join(FIX, 'ninjs-ar.json')));
  assert.equal(ar.status, 202);
  assert.equal((await desk(`?q=${encodeURIComponent('امطار غزيره')}`)).length, 1, 'Arabic search finds the pushed item');
  const junk = await push(id, token, '{not json');
  assert.equal(junk.status, 422);
  assert.match((await junk.json()).error.message, /not accepted/);
});

test('feeds: polled with If-None-Match after an ETag (304), a 500 backed off, a redirect loop, an endless body and a hanging feed refused', async () => {
  const ok = await addSource({ name: 'Loop feed', kind: 'feed', url: `${feedBase}/feed` });
  for (let i = 0; i < 2; i++)
    assert.equal((await post(srv.base, `/admin/wires/sources/${ok.id}/poll`, editor)).status, 303);
  const asks = feedLog.filter((l) => l.url === '/feed');
  assert.ok(asks.length >= 2, 'polled twice');
  assert.equal(asks[0].inm, undefined);
  assert.equal(asks.at(-1).inm, '"v1"', 'the stored ETag is sent');
  assert.equal(asks.at(-1).ims, 'Sun, 06 Dec 2026 08:00:00 GMT', 'and the stored Last-Modified');
  assert.equal((await desk('?q=harbours')).length, 1, 'the feed item landed once');
  const broken = await addSource({ name: 'Broken feed', kind: 'feed', url: `${feedBase}/broken` });
  await post(srv.base, `/admin/wires/sources/${broken.id}/poll`, editor);
  const row = await sourceRow(broken.id);
  assert.match(row, /HTTP 500/);
  const next = Number(dbExec(dir, `SELECT next_poll_at - ${Math.floor(Date.now() / 1000)} FROM wire_sources WHERE id = ${broken.id}`).trim());
  assert.ok(next > 0 && next <= 3600, `backed off (${next} s)`);
  const loop = await addSource({ name: 'Loop redirect', kind: 'feed', url: `${feedBase}/loop` });
  await post(srv.base, `/admin/wires/sources/${loop.id}/poll`, editor);
  assert.match(await sourceRow(loop.id), /too many redirects/);
  const endless = await addSource({ name: 'Endless feed', kind: 'feed', url: `${feedBase}/endless` });
  await post(srv.base, `/admin/wires/sources/${endless.id}/poll`, editor);
  assert.match(await sourceRow(endless.id), /larger than 16 MiB: cut off/);
  const hang = await addSource({ name: 'Hanging feed', kind: 'feed', url: `${feedBase}/hang` });
  assert.equal((await post(srv.base, `/admin/wires/sources/${hang.id}/poll`, editor)).status, 303, 'the poll comes back');
  assert.match(await sourceRow(hang.id), /timed out/i);
});

test('a folder source ingests dropped files and moves them to processed/ or failed/ with a reason', async () => {
  const { id } = await addSource({ name: 'Drop box', kind: 'folder', credit: 'Drop Agency' });
  const base = path.join(dir, 'wires', id);
  fs.mkdirSync(path.join(base, 'incoming'), { recursive: true });
  fs.copyFileSync(path.join(FIX, 'newsml-ar.xml'), path.join(base, 'incoming', 'item-ar.xml'));
  fs.writeFileSync(path.join(base, 'incoming', 'broken.json'), '{"uri": ');
  fs.symlinkSync('/etc/passwd', path.join(base, 'incoming', 'link.xml'));
  assert.equal((await post(srv.base, `/admin/wires/sources/${id}/poll`, editor)).status, 303);
  assert.ok(fs.existsSync(path.join(base, 'processed', 'item-ar.xml')));
  assert.ok(fs.existsSync(path.join(base, 'failed', 'broken.json')));
  assert.ok(fs.readFileSync(path.join(base, 'failed', 'broken.json.reason'), 'utf8').length > 3);
  assert.match(fs.readFileSync(path.join(base, 'failed', 'link.xml.reason'), 'utf8'), /symbolic link/);
  assert.deepEqual(fs.readdirSync(path.join(base, 'incoming')), []);
  const n = Number(dbExec(dir, `SELECT count(*) FROM wire_items WHERE source_id = ${id}`).trim());
  assert.equal(n, 1);
});

test('the desk pages by 50, newest first, keeping the filters in its links', async () => {
  const { id, token } = await addSource({ name: 'Many', kind: 'push', lang: 'en' });
  const base = JSON.parse(fs.readFileSync(path.join(FIX, 'ninjs-en.json'), 'utf8'));
  for (let i = 1; i <= 52; i++) {
    const doc = { ...base, uri: `urn:test:many:${i}`, headlines: [{ role: 'main', value: `Many item number ${i}` }] };
    assert.equal((await push(id, token, JSON.stringify(doc))).status, 202);
  }
  const first = await page(srv.base, `/admin/wires?source=${id}&q=many+item`, reporter);
  const items = deskItems(first.html);
  assert.equal(items.length, 50);
  assert.equal(items[0].headline, 'Many item number 52');
  const next = /<a href="([^"]*)" rel="next">/.exec(first.html)?.[1];
  assert.ok(next, 'a link to older items');
  assert.match(unescapeHtml(next), new RegExp(`source=${id}&`));
  const second = deskItems((await page(srv.base, unescapeHtml(next), reporter)).html);
  assert.deepEqual(second.map((i) => i.headline), ['Many item number 2', 'Many item number 1']);
});
