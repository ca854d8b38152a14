// The page cache (docs/caching.md): anonymous replies served from memory (X-Cache: hit), identical bytes
// in every encoding, 304s, standard answers to odd headers, no cross-reader leaks, and — for every kind of
// change the newsroom, the admin API, the scheduler, moderators and the settings page make — the next
// anonymous GET of every page the change affects shows it (a stale page is a failure: the cache's own
// lifetime is 300 s, far beyond these tests, so only the purge can make them pass).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { demoSite, startServer, configure, run, unescapeHtml } from '../lib/server.mjs';
import { addUser, login, post, page, request, fieldValue, editorFields } from '../lib/newsroom.mjs';

const PW = 'a-long-password';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let dir, srv, base, key;
const s = {}; // newsroom sessions

/** A GET without cookies through node:http (no automatic decompression): {status, headers, body Buffer, text}. */
function raw(p, headers = {}, method = 'GET') {
  return new Promise((resolve, reject) => {
    const u = new URL(base + p);
    const r = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode, headers: res.headers, body, text: body.toString('utf8') });
      });
    });
    r.on('error', reject);
    r.end();
  });
}

/** An anonymous reader's GET (identity encoding). */
const anon = (p, headers = {}) => raw(p, { 'accept-encoding': 'identity', ...headers });

/** GETs p until it is served from the cache; returns that reply. */
async function warm(p) {
  await anon(p);
  const r = await anon(p);
  assert.equal(r.headers['x-cache'], 'hit', `${p} is served from the cache on the second GET`);
  return r;
}

/** An admin API call with the all-scopes key. */
async function api(method, p, body) {
  const r = await fetch(base + p, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await r.json();
  assert.ok(r.status < 300, `${method} ${p}: ${JSON.stringify(json)}`);
  return json.article;
}

let serial = 0;
/** A published article made through the admin API; returns the API's article (id, url, headline...). */
async function published(over = {}) {
  serial++;
  const a = await api('POST', '/api/v1/admin/articles', { edition: 'en', section: 'business',
    headline: `Cache story ${serial} ${Date.now()}`, standfirst: 'Standfirst.', body: 'Body text.',
    bylines: ['Rana Haddad'], tags: ['cachetag'], ...over });
  return api('POST', `/api/v1/admin/articles/${a.id}/publish`);
}

const pathOf = (url) => new URL(url).pathname;

/** The pages a change to an English article must reach, warmed into the cache first. */
async function warmAll(paths) {
  for (const p of paths) await warm(p);
}

/** Asserts that every path, fetched anonymously now, does (or does not) contain text. */
async function expectAll(paths, text, present = true) {
  for (const p of paths) {
    const r = await anon(p);
    assert.equal(r.status, 200, p);
    const has = unescapeHtml(r.text).includes(text) || r.text.includes(text);
    assert.equal(has, present, `${p} ${present ? 'shows' : 'no longer shows'} "${text}" (X-Cache: ${r.headers['x-cache']})`);
  }
}

/** Pages of the English edition that list the newest stories or depend on every article. */
const LISTS = ['/en/', '/en/rss.xml', '/en/atom.xml', '/en/section/business', '/en/section/business/rss.xml',
  '/api/v1/articles?edition=en', '/sitemaps/news.xml'];

before(async () => {
  dir = demoSite(0);
  addUser(dir, 'boss', 'admin');
  addUser(dir, 'ed', 'editor');
  addUser(dir, 'mod', 'moderator');
  configure(dir, { cache_mb: 16 });
  srv = await startServer(dir);
  base = srv.base;
  s.boss = await login(base, 'boss', PW);
  s.ed = await login(base, 'ed', PW);
  s.mod = await login(base, 'mod', PW);
  const form = new URLSearchParams({ csrf: s.boss.csrf, name: 'cache tests', days: '30' });
  for (const sc of ['read', 'write', 'publish']) form.append('scope', sc);
  const r = await fetch(`${base}/admin/api-keys`, { method: 'POST', body: form, headers: { cookie: `bs_session=${s.boss.cookie}` } });
  key = /<code class="token">(bsk_[0-9a-f]{64})<\/code>/.exec(await r.text())[1];
  // the comment form's minimum fill time would make these tests wait
  const set = await settingsForm();
  const saved = await post(base, '/admin/settings', s.boss, { ...set, 'comments.min_fill_seconds': '0' });
  assert.equal(saved.status, 200);
});
after(async () => { await srv?.stop(); });

/** The settings page's fields as the form sends them. */
async function settingsForm() {
  const html = (await page(base, '/admin/settings', s.boss)).html;
  const f = {};
  for (const m of html.matchAll(/name="([a-z_.]+)"/g)) if (m[1] !== 'csrf') f[m[1]] = fieldValue(html, m[1]) ?? '';
  for (const m of html.matchAll(/<select[^>]*name="([a-z_.]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const sel = /<option value="([^"]*)" selected>/.exec(m[2]);
    f[m[1]] = sel ? sel[1] : '';
  }
  return f;
}

// ------------------------------------------------------------------------------------ serving

test('anonymous pages, feeds, sitemaps, API reads and robots.txt: a miss, then hits with public caching headers', async () => {
  const art = await published();
  for (const p of ['/en/', pathOf(art.url), '/en/rss.xml', '/sitemap.xml', '/api/v1/articles', '/robots.txt', '/en/section/business']) {
    const first = await anon(p);
    assert.equal(first.status, 200, p);
    const second = await anon(p);
    assert.equal(second.headers['x-cache'], 'hit', p);
    assert.deepEqual(second.body, first.body, `${p}: the hit has the bytes of the miss`);
    assert.equal(second.headers['etag'], first.headers['etag'], p);
    assert.match(second.headers['cache-control'], /^public, max-age=0, s-maxage=\d+, stale-while-revalidate=\d+$/, p);
    assert.equal(second.headers['vary'], 'Accept-Encoding', p);
    assert.ok(second.headers['content-security-policy'], `${p}: security headers are replayed`);
  }
  const fp = await anon('/en/');
  assert.match(fp.headers['surrogate-key'], /(^| )front:en( |$)/);
  assert.match(fp.headers['surrogate-key'], /(^| )latest:en( |$)/);
  assert.match(fp.headers['surrogate-key'], /(^| )settings( |$)/);
  const ap = await anon(pathOf(art.url));
  assert.match(ap.headers['surrogate-key'], new RegExp(`(^| )article:${art.id}( |$)`));
  assert.match(ap.headers['surrogate-key'], new RegExp(`(^| )comments:${art.id}( |$)`));
  const h = await raw('/en/', { 'accept-encoding': 'identity' }, 'HEAD');
  assert.equal(h.status, 200);
  assert.equal(h.headers['x-cache'], 'hit');
  assert.equal(h.body.length, 0);
  assert.equal(Number(h.headers['content-length']), fp.body.length);
  // the newsroom and the search page are never cached
  const admin = await anon('/admin/');
  assert.equal(admin.status, 303);
  assert.equal(admin.headers['x-cache'], undefined);
  await anon('/en/search?q=port');
  assert.notEqual((await anon('/en/search?q=port')).headers['x-cache'], 'hit');
});

test('every reply is dated now (IMF-fixdate): misses, hits, 304s, HEAD and errors', async () => {
  // libmicrohttpd dates replies through the process's gmtime_r, which src/datefmt.c defines
  const p = pathOf((await published()).url);
  const first = await anon(p);
  const hit = await anon(p);
  const cases = [['miss', first], ['hit', hit], ['304', await anon(p, { 'if-none-match': hit.headers['etag'] })],
    ['HEAD', await raw(p, {}, 'HEAD')], ['404', await anon('/en/no-such-page')], ['newsroom', await anon('/admin/')]];
  assert.equal(first.headers['x-cache'], 'miss');
  assert.equal(hit.headers['x-cache'], 'hit');
  assert.equal(cases[2][1].status, 304);
  assert.equal(cases[4][1].status, 404);
  for (const [what, r] of cases) {
    const d = r.headers['date'];
    assert.match(d ?? '', /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$/, what);
    assert.equal(new Date(d).toUTCString(), d, `${what}: the weekday is the date's`);
    assert.ok(Math.abs(Date.parse(d) - Date.now()) < 5000, `${what}: ${d} is now`);
  }
});

test('gzip and brotli variants decompress to exactly the identity bytes; each has its own ETag', async () => {
  const art = await published({ body: 'Long text. '.repeat(400) });
  for (const p of ['/en/', pathOf(art.url), '/en/rss.xml', '/en/atom.xml', '/sitemap.xml', '/api/v1/articles', '/en/section/business']) {
    await anon(p);
    const id = await anon(p);
    const gz = await raw(p, { 'accept-encoding': 'gzip' });
    const br = await raw(p, { 'accept-encoding': 'gzip;q=0.5, br' });
    assert.equal(id.headers['content-encoding'], undefined, p);
    assert.equal(gz.headers['content-encoding'], 'gzip', p);
    assert.equal(br.headers['content-encoding'], 'br', p);
    for (const r of [gz, br]) {
      assert.equal(r.headers['x-cache'], 'hit', p);
      assert.equal(Number(r.headers['content-length']), r.body.length, p);
      assert.ok(r.body.length < id.body.length, `${p}: ${r.headers['content-encoding']} is smaller`);
    }
    assert.ok(zlib.gunzipSync(gz.body).equals(id.body), `${p}: gunzip gives the identity bytes`);
    assert.ok(zlib.brotliDecompressSync(br.body).equals(id.body), `${p}: brotli gives the identity bytes`);
    const tags = new Set([id.headers.etag, gz.headers.etag, br.headers.etag]);
    assert.equal(tags.size, 3, `${p}: one ETag per encoding`);
  }
});

test('304 for a matching If-None-Match (per encoding) or If-Modified-Since; garbage validators get the page', async () => {
  await anon('/en/');
  const id = await anon('/en/');
  const br = await raw('/en/', { 'accept-encoding': 'br' });
  const nm = await anon('/en/', { 'if-none-match': id.headers.etag });
  assert.equal(nm.status, 304);
  assert.equal(nm.body.length, 0);
  assert.equal(nm.headers.etag, id.headers.etag);
  assert.equal(nm.headers['x-cache'], 'hit');
  assert.equal((await anon('/en/', { 'if-none-match': `"x", W/${id.headers.etag}` })).status, 304);
  assert.equal((await anon('/en/', { 'if-none-match': '*' })).status, 304);
  assert.equal((await raw('/en/', { 'accept-encoding': 'br', 'if-none-match': br.headers.etag })).status, 304);
  // the identity ETag does not validate the brotli bytes
  assert.equal((await raw('/en/', { 'accept-encoding': 'br', 'if-none-match': id.headers.etag })).status, 200);
  for (const g of ['garbage', '"', 'W/', ',,,', '"unterminated', '\u00ff\u00fe']) {
    const r = await anon('/en/', { 'if-none-match': g });
    assert.equal(r.status, 200, `If-None-Match ${JSON.stringify(g)}`);
    assert.deepEqual(r.body, id.body);
  }
  // feeds carry Last-Modified
  await anon('/en/rss.xml');
  const feed = await anon('/en/rss.xml');
  assert.ok(feed.headers['last-modified']);
  assert.equal((await anon('/en/rss.xml', { 'if-modified-since': feed.headers['last-modified'] })).status, 304);
  assert.equal((await anon('/en/rss.xml', { 'if-modified-since': 'Thu, 01 Jan 1998 00:00:00 GMT' })).status, 200);
  assert.equal((await anon('/en/rss.xml', { 'if-modified-since': 'not a date' })).status, 200);
});

test('odd Accept-Encoding and Range headers get standard answers', async () => {
  await anon('/en/');
  const id = await anon('/en/');
  const cases = [['nonsense', undefined], ['gzip;q=0', undefined], ['br;q=2', undefined], [';;;,,', undefined],
    ['identity;q=0', undefined], ['*', 'br'], ['*;q=0, identity;q=0', undefined], ['GZIP', 'gzip'],
    ['br;q=0.1, gzip;q=0.9', 'gzip'], ['x-gzip', 'gzip'], ['', undefined]];
  for (const [ae, enc] of cases) {
    const r = await raw('/en/', { 'accept-encoding': ae });
    assert.equal(r.status, 200, `Accept-Encoding ${JSON.stringify(ae)}`);
    assert.equal(r.headers['content-encoding'], enc, `Accept-Encoding ${JSON.stringify(ae)}`);
    const bytes = enc === 'gzip' ? zlib.gunzipSync(r.body) : enc === 'br' ? zlib.brotliDecompressSync(r.body) : r.body;
    assert.ok(bytes.equals(id.body), `Accept-Encoding ${JSON.stringify(ae)}: the page`);
  }
  // Range is ignored (allowed by RFC 9110): the whole page, 200, no partial content
  for (const range of ['bytes=0-10', 'bytes=-5', 'bytes=99999999-', 'bytes=5-1', 'pages=1-2', 'garbage']) {
    const r = await anon('/en/', { range });
    assert.equal(r.status, 200, `Range ${range}`);
    assert.equal(r.headers['content-range'], undefined);
    assert.deepEqual(r.body, id.body);
  }
});

test('a burst of readers on a purged page renders it once; the others wait for that copy', async () => {
  const art = await published();
  const p = pathOf(art.url);
  await warm(p);
  await api('PUT', `/api/v1/admin/articles/${art.id}`, { version: art.version, standfirst: 'Burst standfirst.' });
  const replies = await Promise.all(Array.from({ length: 24 }, () => anon(p)));
  const misses = replies.filter((r) => r.headers['x-cache'] === 'miss').length;
  assert.equal(misses, 1, `one render for ${replies.length} concurrent readers (${replies.map((r) => r.headers['x-cache'])})`);
  for (const r of replies) {
    assert.equal(r.status, 200);
    assert.ok(r.text.includes('Burst standfirst.'));
  }
});

// ------------------------------------------------------------------------------- who sees what

test('logged-in users bypass the cache and their pages are never stored', async () => {
  const art = await published(); // purges the front page
  const mine = await request(base, '/en/', { session: s.ed });
  assert.equal(mine.status, 200);
  assert.equal(mine.headers.get('x-cache'), 'bypass');
  assert.match(mine.headers.get('cache-control'), /private/);
  assert.equal(mine.headers.get('surrogate-key'), null);
  const first = await anon('/en/');
  assert.equal(first.headers['x-cache'], 'miss', 'the logged-in view was not stored for readers');
  // and a cached page is not served to a logged-in user
  const again = await request(base, pathOf(art.url), { session: s.ed });
  assert.equal(again.headers.get('x-cache'), 'bypass');
});

/** Sends the comment form of an article as a visitor (cookie: their bs_visitor or undefined); returns {status, cookie, id}. */
async function comment(art, body, cookie) {
  const headers = cookie ? { cookie: `bs_visitor=${cookie}` } : {};
  const pg = await fetch(base + pathOf(art.url), { headers });
  const token = fieldValue(await pg.text(), 'token');
  assert.ok(token, 'the article has a comment form');
  const r = await fetch(`${base}/comments/${art.id}`, { method: 'POST', redirect: 'manual',
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, website: '', name: 'Visitor', email: '', body }) });
  assert.equal(r.status, 303, `comment posted: ${await r.text()}`);
  const set = r.headers.getSetCookie().map((c) => /^bs_visitor=([^;]*)/.exec(c)).find(Boolean);
  return { cookie: set ? set[1] : cookie, id: Number(/#comment-(\d+)$/.exec(r.headers.get('location'))[1]) };
}

test("a visitor's pending comment is shown to them only, never cached for other readers", async () => {
  const art = await published();
  const p = pathOf(art.url);
  await warm(p);
  const text = `Pending words ${Date.now()}`;
  const c = await comment(art, text);
  assert.ok(c.cookie, 'the visitor gets a cookie');
  const theirs = await anon(p, { cookie: `bs_visitor=${c.cookie}` });
  assert.equal(theirs.headers['x-cache'], 'bypass');
  assert.ok(theirs.text.includes(text), 'the visitor sees their pending comment');
  assert.match(theirs.headers['cache-control'], /private/);
  for (let i = 0; i < 2; i++) {
    const other = await anon(p);
    assert.equal(other.status, 200);
    assert.ok(!other.text.includes(text), 'another reader does not');
  }
  const stranger = await anon(p, { cookie: 'bs_visitor=0123456789abcdef0123456789abcdef' });
  assert.ok(!stranger.text.includes(text), 'nor does another visitor');
});

// ------------------------------------------------------------------------- invalidation, per change

test('newsroom: publishing, editing, moving and unpublishing an article show at once on every page', async () => {
  const other = await published(); // an unrelated article page: its latest-news list must follow
  const draft = await api('POST', '/api/v1/admin/articles', { edition: 'en', section: 'business',
    headline: `Newsroom headline ${Date.now()}`, standfirst: 'S.', body: 'B.', bylines: ['Cache Author'], tags: ['newsroomtag'] });
  const pages = [...LISTS, pathOf(other.url)];
  await warmAll(pages);
  await expectAll(pages, draft.headline, false);
  const pub = await post(base, `/admin/articles/${draft.id}/status`, s.ed, { to: 'publish' });
  assert.equal(pub.status, 303);
  await expectAll(pages, draft.headline);
  const art = await api('GET', `/api/v1/admin/articles/${draft.id}`);
  const p = pathOf(art.url);
  const tagPage = '/en/tag/newsroomtag', authorPage = '/en/author/cache-author';
  await warmAll([...pages, p, tagPage, authorPage, `/api/v1/articles/${draft.id}`]);

  // an edit of the headline in the editor
  const html = (await page(base, `/admin/articles/${draft.id}`, s.ed)).html;
  const edited = `Edited headline ${Date.now()}`;
  const save = await post(base, `/admin/articles/${draft.id}`, s.ed, { ...editorFields(html), headline: edited, do: 'save' });
  assert.equal(save.status, 303);
  await expectAll([...pages, p, tagPage, authorPage, `/api/v1/articles/${draft.id}`], edited);

  // a correction
  await warm(p);
  const note = `Correction note ${Date.now()}`;
  assert.equal((await post(base, `/admin/articles/${draft.id}/corrections`, s.ed, { body: note })).status, 303);
  await expectAll([p], note);

  // a move to another section: the old section's page and feed drop it, the new one lists it
  await warmAll(['/en/section/business/rss.xml', '/en/section/world', '/en/section/world/rss.xml', p]);
  const html2 = (await page(base, `/admin/articles/${draft.id}`, s.ed)).html;
  const f = editorFields(html2);
  const world = /<option value="(\d+)"[^>]*>English: World<\/option>/.exec(html2)[1];
  assert.equal((await post(base, `/admin/articles/${draft.id}`, s.ed, { ...f, section: world, do: 'save' })).status, 303);
  // (the section pages list the latest news too, so the feeds show membership)
  await expectAll(['/en/section/business/rss.xml'], edited, false);
  await expectAll(['/en/section/world', '/en/section/world/rss.xml'], edited);

  // unpublishing: its page goes, and every list drops it
  await warmAll([...pages, '/en/section/world']);
  assert.equal((await post(base, `/admin/articles/${draft.id}/status`, s.ed, { to: 'unpublish' })).status, 303);
  assert.equal((await anon(p)).status, 404);
  await expectAll([...pages, '/en/section/world'], edited, false);
});

test('a draft saved in the newsroom purges nothing', async () => {
  await warm('/en/');
  await api('POST', '/api/v1/admin/articles', { edition: 'en', section: 'business', headline: 'Quiet draft',
    standfirst: 'S.', body: 'B.', bylines: ['X'], tags: [] });
  assert.equal((await anon('/en/')).headers['x-cache'], 'hit');
});

test('admin API: create and publish, update, unpublish reach every page at once', async () => {
  const other = await published();
  const pages = [...LISTS, pathOf(other.url), '/api/v1/articles'];
  await warmAll(pages);
  const art = await published({ headline: `API headline ${Date.now()}` });
  await expectAll(pages, art.headline);
  const p = pathOf(art.url);
  await warmAll([...pages, p, `/api/v1/articles/${art.id}`]);
  const upd = await api('PUT', `/api/v1/admin/articles/${art.id}`, { version: art.version, headline: `API edited ${Date.now()}` });
  await expectAll([...pages, p, `/api/v1/articles/${art.id}`], upd.headline);
  await warmAll(pages);
  await api('POST', `/api/v1/admin/articles/${art.id}/unpublish`);
  assert.equal((await anon(p)).status, 404);
  await expectAll(pages, upd.headline, false);
});

test('the scheduler: a scheduled publication and an expiry show without any other request', async () => {
  const draft = await api('POST', '/api/v1/admin/articles', { edition: 'en', section: 'business',
    headline: `Scheduled headline ${Date.now()}`, standfirst: 'S.', body: 'B.', bylines: ['X'], tags: [] });
  await warmAll(LISTS);
  const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 2000).toISOString().slice(0, 19) + 'Z';
  await api('POST', `/api/v1/admin/articles/${draft.id}/schedule`, { at });
  // the publishing clock runs in the server: poll the cached front page (a generous deadline, not a speed test)
  let shown = false;
  for (let i = 0; i < 150 && !shown; i++) {
    await sleep(100);
    shown = (await anon('/en/')).text.includes(draft.headline);
  }
  assert.ok(shown, 'the scheduled article reaches the cached front page');
  await expectAll(LISTS, draft.headline);
  // an expiry takes it down again
  const art = await api('GET', `/api/v1/admin/articles/${draft.id}`);
  await api('POST', `/api/v1/admin/articles/${draft.id}/unpublish`);
  const expires = new Date(Math.ceil(Date.now() / 1000) * 1000 + 2000).toISOString().slice(0, 19) + 'Z';
  await api('POST', `/api/v1/admin/articles/${draft.id}/publish`, { expires_at: expires });
  await warmAll([...LISTS, pathOf(art.url)]);
  let gone = false;
  for (let i = 0; i < 150 && !gone; i++) {
    await sleep(100);
    gone = !(await anon('/en/')).text.includes(draft.headline);
  }
  assert.ok(gone, 'the expired article leaves the cached front page');
  assert.equal((await anon(pathOf(art.url))).status, 404);
  await expectAll(LISTS, draft.headline, false);
});

test('comments: approving, editing and rejecting show at once; so does a post-moderated comment', async () => {
  const art = await published();
  const p = pathOf(art.url);
  const text = `Moderated words ${Date.now()}`;
  const c = await comment(art, text);
  await warmAll([p, '/en/section/business']);
  await expectAll([p], text, false);
  assert.doesNotMatch((await anon('/en/section/business')).text, new RegExp(`${pathOf(art.url)}#comments">1 comment<`));
  const ok = await post(base, '/admin/comments', s.mod, { action: 'approve', ids: String(c.id) });
  assert.equal(ok.status, 303);
  await expectAll([p], text);
  assert.match((await anon('/en/section/business')).text, new RegExp(`${pathOf(art.url)}#comments">1 comment<`),
    'the comment count on the lists');
  await warm(p);
  const edited = `Edited by the desk ${Date.now()}`;
  assert.equal((await post(base, `/admin/comments/${c.id}`, s.mod, { body: edited })).status, 303);
  await expectAll([p], edited);
  await warm(p);
  assert.equal((await post(base, '/admin/comments', s.mod, { action: 'reject', ids: String(c.id) })).status, 303);
  await expectAll([p], edited, false);

  // an article switched to post-moderation: the switch itself and the comment that follows
  await warm(p);
  assert.equal((await post(base, `/admin/articles/${art.id}/comments`, s.boss, { mode: 'post' })).status, 303);
  assert.equal((await anon(p)).headers['x-cache'], 'miss', 'the comment settings purged the article');
  await warm(p);
  const instant = `Published at once ${Date.now()}`;
  await comment(art, instant);
  await expectAll([p], instant);
  // closing comments removes the form
  await warm(p);
  assert.equal((await post(base, `/admin/articles/${art.id}/comments`, s.boss, { mode: 'site', closed: '1' })).status, 303);
  // (the page's only other token is the newsletters' sign-up form in the footer)
  assert.doesNotMatch((await anon(p)).text, /<form method="post" action="\/comments\//, 'the form is gone');
});

test('settings: a new site name shows at once on pages and feeds', async () => {
  const art = await published();
  const pages = ['/en/', pathOf(art.url), '/en/section/business', '/en/rss.xml'];
  await warmAll(pages);
  const name = `Renamed Daily ${Date.now()}`;
  const r = await post(base, '/admin/settings', s.boss, { ...(await settingsForm()), 'site_name.en': name });
  assert.equal(r.status, 200);
  await expectAll(pages, name);
});

// ---------------------------------------------------------------------------------- configuration

test('cache_mb = 0 turns the cache off; pages, validators and changes still work', async () => {
  const d = demoSite(0);
  configure(d, { cache_mb: 0 });
  const off = await startServer(d);
  try {
    for (let i = 0; i < 2; i++) {
      const r = await fetch(`${off.base}/en/`);
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('x-cache'), null);
      assert.match(r.headers.get('cache-control'), /public/);
      const nm = await fetch(`${off.base}/en/`, { headers: { 'if-none-match': r.headers.get('etag') } });
      assert.equal(nm.status, 304);
    }
  } finally {
    await off.stop();
  }
});

test('an absurd or negative cache size is refused at start with a clear message', async () => {
  for (const v of ['99999999', '-1', 'lots']) {
    const d = demoSite(0);
    configure(d, { cache_mb: v });
    const r = run(['serve', '--site', d, '--listen', '127.0.0.1:0']);
    assert.equal(r.status, 78, `cache_mb = ${v}: ${r.stderr}`);
    assert.match(r.stderr, /cache_mb must be a whole number from 0 to 65536/);
  }
});
