// The public content API (docs/api.md): articles with filters and cursor pagination, one article with its
// body, sections and tags; ETag/304 and CORS; every error a JSON object of one shape.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSite, startServer, dbExec } from '../lib/server.mjs';
import { addUser, login, post } from '../lib/newsroom.mjs';

let srv, dir;
before(async () => {
  dir = demoSite(120);
  addUser(dir, 'apied', 'editor');
  srv = await startServer(dir);
});
after(async () => { await srv?.stop(); });

async function api(p, headers = {}) {
  const r = await fetch(srv.base + p, { headers });
  const text = await r.text();
  return { status: r.status, headers: r.headers, text, json: text ? JSON.parse(text) : null };
}

/** Asserts an error reply: status, JSON content type and the one error shape. */
async function error(p, status, code, init) {
  const r = init ? await fetch(srv.base + p, init) : await fetch(srv.base + p);
  assert.equal(r.status, status, p);
  assert.match(r.headers.get('content-type'), /^application\/json/, p);
  const body = await r.json();
  assert.deepEqual(Object.keys(body), ['error'], p);
  assert.deepEqual(Object.keys(body.error), ['code', 'message'], p);
  if (code) assert.equal(body.error.code, code, p);
  assert.ok(body.error.message.length > 10, p);
}

test('articles: newest first, the documented fields, CORS, cache headers', async () => {
  const r = await api('/api/v1/articles?edition=en&limit=5');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('access-control-allow-origin'), '*');
  assert.match(r.headers.get('content-type'), /^application\/json; charset=utf-8/);
  assert.ok(r.headers.get('etag'));
  const { articles, next_cursor: next } = r.json;
  assert.equal(articles.length, 5);
  assert.equal(typeof next, 'string');
  const a = articles[0];
  for (const k of ['id', 'edition', 'url', 'slug', 'headline', 'standfirst', 'dateline', 'section', 'authors', 'tags',
    'published_at', 'updated_at', 'image', 'translation_id', 'comment_count']) assert.ok(k in a, `field ${k}`);
  assert.ok(!('body_html' in a), 'lists carry no bodies');
  for (let i = 1; i < articles.length; i++) assert.ok(articles[i - 1].published_at >= articles[i].published_at);
  assert.ok(articles.every((x) => x.edition === 'en'));
  // the url is the article page, which shows that headline
  const page = await (await fetch(a.url)).text();
  assert.ok(page.includes('<h1>'), a.url);
  assert.match(a.published_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test('cursor pagination walks every article exactly once', async () => {
  /** every id of the edition, following next_cursor with pages of `limit` */
  async function walk(limit) {
    const ids = [];
    let cursor = null;
    for (let pages = 0; pages < 200; pages++) {
      const r = await api(`/api/v1/articles?edition=ar&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(r.status, 200);
      ids.push(...r.json.articles.map((x) => x.id));
      cursor = r.json.next_cursor;
      if (!cursor) return ids;
    }
    assert.fail('pagination did not end');
  }
  const small = await walk(7);
  const big = await walk(100);
  assert.equal(new Set(small).size, small.length, 'no article twice');
  assert.deepEqual(small, big, 'pages of 7 and of 100 give the same articles in the same order');
  assert.ok(small.length > 60, `walked ${small.length}`);
  // the same count the site's own listing knows: every published Arabic article
  const count = Number(dbExec(dir, "SELECT count(*) FROM articles WHERE edition = 'ar' AND status = 'published'").trim());
  assert.equal(small.length, count);
});

test('filters: section, tag, author, since/until', async () => {
  const sec = await api('/api/v1/articles?edition=en&section=politics&limit=100');
  assert.ok(sec.json.articles.length > 0 && sec.json.articles.every((x) => x.section.slug === 'politics'));
  const tagged = sec.json.articles.find((x) => x.tags.length);
  const tag = tagged.tags[0].slug;
  const byTag = await api(`/api/v1/articles?edition=en&tag=${encodeURIComponent(tag)}&limit=100`);
  assert.ok(byTag.json.articles.length > 0 && byTag.json.articles.every((x) => x.tags.some((t) => t.slug === tag)));
  const author = tagged.authors[0].slug;
  const byAuthor = await api(`/api/v1/articles?author=${encodeURIComponent(author)}&limit=100`);
  assert.ok(byAuthor.json.articles.every((x) => x.authors.some((p) => p.slug === author)));
  const times = sec.json.articles.map((x) => x.published_at).sort();
  const mid = times[Math.floor(times.length / 2)];
  const after = await api(`/api/v1/articles?edition=en&section=politics&since=${mid}&limit=100`);
  const beforeMid = await api(`/api/v1/articles?edition=en&section=politics&until=${mid}&limit=100`);
  assert.ok(after.json.articles.every((x) => x.published_at >= mid));
  assert.ok(beforeMid.json.articles.every((x) => x.published_at < mid));
  assert.equal(after.json.articles.length + beforeMid.json.articles.length, sec.json.articles.length);
  const none = await api('/api/v1/articles?tag=no-such-tag');
  assert.deepEqual(none.json, { articles: [], next_cursor: null });
});

test('one article: body, corrections, translation; ETag gives 304', async () => {
  // the newest English article with a translation (the demo's newest story waits for its translation on
  // the translation desk's board)
  const list = await api('/api/v1/articles?edition=en&limit=10');
  let id, r;
  for (const item of list.json.articles) {
    r = await api(`/api/v1/articles/${item.id}`);
    id = item.id;
    if (r.json.article.translation_id !== null) break;
  }
  assert.equal(r.status, 200);
  const a = r.json.article;
  assert.equal(a.id, id);
  assert.match(a.body_html, /<p dir="auto">/); // each paragraph with its direction (docs/blocks.md)
  assert.ok(Array.isArray(a.corrections));
  assert.equal(typeof a.translation_id, 'number');
  const tr = await api(`/api/v1/articles/${a.translation_id}`);
  assert.equal(tr.json.article.edition, 'ar');
  assert.equal(tr.json.article.translation_id, id);
  const again = await fetch(`${srv.base}/api/v1/articles/${id}`, { headers: { 'if-none-match': r.headers.get('etag') } });
  assert.equal(again.status, 304);
});

test('sections and tags', async () => {
  const s = await api('/api/v1/sections?edition=ar');
  assert.ok(s.json.sections.length >= 5);
  assert.ok(s.json.sections.every((x) => x.edition === 'ar' && x.url.startsWith(`${srv.base}/ar/section/`)));
  const both = await api('/api/v1/sections');
  assert.equal(both.json.sections.length, 2 * s.json.sections.length);
  const t = await api('/api/v1/tags?edition=en');
  assert.ok(t.json.tags.length > 5 && t.json.tags.every((x) => x.edition === 'en' && x.name && x.slug));
});

test('every bad request is a JSON error of one shape with the right status', async () => {
  await error('/api/v1/articles?edition=fr', 400, 'bad_edition');
  await error('/api/v1/articles?colour=red', 400, 'unknown_parameter');
  await error('/api/v1/articles?limit=0', 400, 'bad_limit');
  await error('/api/v1/articles?limit=101', 400, 'bad_limit');
  await error('/api/v1/articles?limit=ten', 400, 'bad_limit');
  await error('/api/v1/articles?since=yesterday', 400, 'bad_date');
  await error('/api/v1/articles?since=2026-13-01T00:00:00Z', 400, 'bad_date');
  await error('/api/v1/articles?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z', 400, 'bad_date');
  await error('/api/v1/articles?cursor=not-a-cursor', 400, 'bad_cursor');
  await error(`/api/v1/articles?cursor=${Buffer.from('1.2.3').toString('base64url')}`, 400, 'bad_cursor');
  await error('/api/v1/articles?section=', 400, 'bad_filter');
  await error('/api/v1/articles/999999', 404, 'not_found');
  await error('/api/v1/articles/abc', 404, 'not_found');
  await error('/api/v1/articles/1?x=1', 400, 'unknown_parameter');
  await error('/api/v1/nothing/here', 404, 'not_found');
  await error('/api/v1/sections?edition=xx', 400, 'bad_edition');
  await error('/api/v1/articles', 405, 'method_not_allowed', { method: 'POST', body: '{}' });
  await error('/api/v1/articles?q=%FF', 400, 'bad_request');
});

test('an unpublished article vanishes from the API at once', async () => {
  const list = await api('/api/v1/articles?edition=en&limit=3');
  const victim = list.json.articles[1];
  assert.equal((await api(`/api/v1/articles/${victim.id}`)).status, 200);
  const ed = await login(srv.base, 'apied', 'a-long-password');
  const r = await post(srv.base, `/admin/articles/${victim.id}/status`, ed, { to: 'unpublish' });
  assert.equal(r.status, 303);
  await error(`/api/v1/articles/${victim.id}`, 404, 'not_found');
  const after = await api('/api/v1/articles?edition=en&limit=3');
  assert.ok(!after.json.articles.some((x) => x.id === victim.id), 'gone from the list');
  assert.notEqual(after.headers.get('etag'), list.headers.get('etag'), 'the list changed, so did its ETag');
});
