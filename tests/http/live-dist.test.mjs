// Live coverage's distribution (issue 21), over real HTTP on both engines: a live blog's entries as RSS and
// Atom (read by Debian's python3-feedparser, as feeds.test.mjs does), each entry an item with its own link
// and guid, the key-event label or the first words as title, a withdrawn entry as its note only; the live
// page's head announcing both feeds; the public API's entries of a live blog (newest first, paging back
// with before=, limits and bad parameters) and the article object's "live" field; the static export
// writing the live page with its entries, each entry's page, the entries' feeds and live.json. The blogs
// and their entries are written into the store before the server starts (their newsroom is the live
// desk's, tested with it); posting through it is live-reader.test.mjs's (e2e).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { demoSite, startServer, dbExec, run, tempDir, unescapeHtml } from '../lib/server.mjs';

const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const FEEDPARSER = `
import sys, json, time, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({
    'bozo': int(d.bozo), 'bozo_exception': str(d.get('bozo_exception', '')), 'version': d.version,
    'feed': {'title': d.feed.get('title'), 'link': d.feed.get('link'), 'language': d.feed.get('language')},
    'entries': [{'title': e.get('title'), 'link': e.get('link'), 'id': e.get('id'),
                 'published': time.strftime('%Y-%m-%dT%H:%M:%SZ', e.published_parsed) if e.get('published_parsed') else None,
                 'content': ' '.join(c.get('value', '') for c in e.get('content', [])),
                 'authors': [a.get('name') for a in e.get('authors', [])]} for e in d.entries],
}, ensure_ascii=False))
`;
/** Parses a feed with feedparser; returns its JSON summary. */
function feedparse(xml) {
  const r = spawnSync(PYTHON, ['-c', FEEDPARSER], { input: xml, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `feedparser failed (is python3-feedparser installed?): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const T0 = 1796000000; // 2026-11-30
const N = 25; // entries of the English blog: more than a page of the API (20)
let dir, srv, en, ar, plain;
const ids = []; // the English blog's entry ids, oldest first

/** The first published article of edition that is not a live blog yet: {id, slug}. */
function pick(edition, skip = []) {
  const notIn = skip.length ? `AND id NOT IN (${skip.join(',')})` : '';
  const row = dbExec(dir, `SELECT id FROM articles WHERE edition = '${edition}' AND status = 'published' ` +
    `AND id NOT IN (SELECT article_id FROM live_blogs) ${notIn} ORDER BY id LIMIT 1`).trim();
  assert.ok(row, `a published ${edition} article`);
  return Number(row);
}

/** Inserts entry i of blog id: state, key event and note as given; returns its id. */
function addEntry(id, i, { key = '', state = 'published', note = '', body } = {}) {
  const text = body || `Entry ${i} of the blog: marker-${id}-${i} with several words after it to be cut off here`;
  const html = `<p>${text}</p>`;
  return Number(dbExec(dir, `INSERT INTO live_entries(article_id, byline, created_at, updated_at, body_md, body_html, ` +
    `key_event, state, note) VALUES (${id}, 'Desk Reporter', ${T0 + i * 60}, ${T0 + i * 60}, '${text}', '${html}', ` +
    `'${key}', '${state}', '${note}') RETURNING id`).trim());
}

before(async () => {
  dir = demoSite();
  en = { id: pick('en') };
  ar = { id: pick('ar') };
  plain = { id: pick('en', [en.id]) };
  dbExec(dir, `INSERT INTO live_blogs(article_id, started_at, updated_at) VALUES (${en.id}, ${T0}, ${T0 + N * 60})`);
  dbExec(dir, `INSERT INTO live_blogs(article_id, started_at, ended_at, updated_at) VALUES (${ar.id}, ${T0}, ${T0 + 600}, ${T0 + 600})`);
  for (let i = 1; i <= N; i++) {
    const opts = i === 3 ? { key: 'Polls close' } : i === 5 ? { state: 'withdrawn', note: 'The figure was wrong.' }
      : i === 7 ? { note: 'An earlier version named the wrong town.' } : {};
    ids.push(addEntry(en.id, i, opts));
  }
  addEntry(en.id, 99, { state: 'draft', body: 'a draft nobody sees' });
  addEntry(ar.id, 1, { body: 'بدأ فرز الأصوات في العاصمة والمدن الكبرى بعد إغلاق مراكز الاقتراع مساء اليوم' });
  srv = await startServer(dir);
  for (const a of [en, ar, plain]) {
    const j = await (await fetch(`${srv.base}/api/v1/articles/${a.id}`)).json();
    a.url = j.article.url;
    a.href = new URL(a.url).pathname;
    a.json = j.article;
  }
});

after(async () => { if (srv) await srv.stop(); });

test('the entries feeds: RSS and Atom, newest first, own links and guids, key event or first words as title', async () => {
  for (const [file, type, version] of [['rss.xml', 'application/rss+xml; charset=utf-8', 'rss20'],
    ['atom.xml', 'application/atom+xml; charset=utf-8', 'atom10']]) {
    const r = await fetch(`${srv.base}${en.href}/${file}`);
    assert.equal(r.status, 200, file);
    assert.equal(r.headers.get('content-type'), type);
    const f = feedparse(await r.text());
    assert.equal(f.bozo, 0, `${file}: ${f.bozo_exception}`);
    assert.equal(f.version, version);
    assert.equal(f.feed.language, 'en');
    assert.equal(f.feed.link, en.url);
    assert.equal(f.entries.length, N, `${file}: every published and withdrawn entry, no draft`);
    const want = [...ids].reverse();
    assert.deepEqual(f.entries.map((e) => e.link), want.map((id) => `${en.url}/entry/${id}`), `${file}: newest first, own links`);
    assert.equal(new Set(f.entries.map((e) => e.id)).size, N, 'unique guids');
    for (const [k, e] of f.entries.entries()) assert.match(e.id, new RegExp(`entry-${want[k]}$`), 'guid names the entry');
    const byIndex = (i) => f.entries[N - i];
    assert.equal(byIndex(3).title, 'Polls close', 'a key event is titled by its label');
    assert.match(byIndex(2).title, /^Entry 2 of the blog: marker-\d+-2 with several/, 'first words');
    assert.ok(byIndex(2).title.length < 90, 'first words only');
    assert.match(byIndex(2).content, new RegExp(`marker-${en.id}-2`), 'the entry HTML is the content');
    assert.doesNotMatch(byIndex(5).content, /marker-/, 'a withdrawn entry is distributed as its note only');
    assert.match(byIndex(5).content, /The figure was wrong\./);
    assert.match(byIndex(7).content, /An earlier version named the wrong town\./, 'a correction note goes with the entry');
    assert.deepEqual(byIndex(2).authors, ['Desk Reporter']);
    assert.equal(byIndex(2).published, new Date((T0 + 120) * 1000).toISOString().replace('.000', ''));
  }
  const a = feedparse(await (await fetch(`${srv.base}${ar.href}/atom.xml`)).text());
  assert.equal(a.bozo, 0);
  assert.equal(a.feed.language, 'ar');
  assert.match(a.entries[0].title, /^بدأ فرز الأصوات/);
});

test('the feeds of an article that is not live, or of no article, are 404', async () => {
  for (const p of [`${plain.href}/rss.xml`, `${plain.href}/atom.xml`, '/en/2020/01/01/no-such-story/rss.xml']) {
    const r = await fetch(srv.base + p);
    assert.equal(r.status, 404, p);
  }
});

test("the live page's head announces the entries' feeds", async () => {
  const html = await (await fetch(srv.base + en.href)).text();
  for (const [type, file] of [['application/rss+xml', 'rss.xml'], ['application/atom+xml', 'atom.xml']]) {
    const m = new RegExp(`<link rel="alternate" type="${type.replace('+', '\\+')}" title="([^"]*)" href="([^"]*)">`, 'g');
    const hrefs = [...html.matchAll(m)].map((x) => unescapeHtml(x[2]));
    assert.ok(hrefs.includes(`${en.href}/${file}`), `${file} announced: ${hrefs.join(' ')}`);
  }
  const other = await (await fetch(srv.base + plain.href)).text();
  assert.doesNotMatch(other, new RegExp(`${plain.href}/rss.xml`), 'an article that is not live announces no entry feed');
});

test('the API: entries newest first, paging back with before=, limits; the article gains "live"', async () => {
  const get = async (p) => { const r = await fetch(srv.base + p); return { status: r.status, json: await r.json(), r }; };
  let { status, json, r } = await get(`/api/v1/articles/${en.id}/entries`);
  let all;
  assert.equal(status, 200);
  assert.equal(r.headers.get('access-control-allow-origin'), '*');
  assert.equal(json.state, 'live');
  assert.equal(json.entries.length, 20);
  const want = [...ids].reverse();
  assert.deepEqual(json.entries.map((e) => e.id), want.slice(0, 20));
  assert.equal(json.next_before, want[19]);
  const first = json;
  ({ json: all } = await get(`/api/v1/articles/${en.id}/entries?limit=100`));
  assert.equal(all.entries.length, N, 'published and withdrawn, no draft');
  assert.equal(all.next_before, null);
  const e2 = all.entries.find((e) => e.id === ids[1]);
  assert.equal(e2.url, `${en.url}/entry/${ids[1]}`);
  assert.equal(e2.state, 'published');
  assert.equal(e2.byline, 'Desk Reporter');
  assert.equal(e2.created_at, new Date((T0 + 120) * 1000).toISOString().replace('.000', ''));
  assert.match(e2.body_html, /marker-/);
  const w = all.entries.find((e) => e.id === ids[4]);
  assert.equal(w.state, 'withdrawn');
  assert.equal(w.body_html, '', 'a withdrawn entry without its text');
  assert.equal(w.note, 'The figure was wrong.');
  assert.equal(all.entries.find((e) => e.id === ids[2]).key_event, 'Polls close');
  ({ json } = await get(`/api/v1/articles/${en.id}/entries?before=${first.next_before}`));
  assert.deepEqual(json.entries.map((e) => e.id), want.slice(20));
  assert.equal(json.next_before, null);
  ({ json } = await get(`/api/v1/articles/${en.id}/entries?limit=5&before=${ids[10]}`));
  assert.deepEqual(json.entries.map((e) => e.id), [ids[9], ids[8], ids[7], ids[6], ids[5]]);
  assert.equal(json.next_before, ids[5]);
  for (const [q, code] of [['limit=0', 'bad_limit'], ['limit=101', 'bad_limit'], ['limit=x', 'bad_limit'],
    ['before=0', 'bad_before'], ['before=-3', 'bad_before'], ['page=2', 'unknown_parameter']]) {
    ({ status, json } = await get(`/api/v1/articles/${en.id}/entries?${q}`));
    assert.equal(status, 400, q);
    assert.equal(json.error.code, code, q);
  }
  ({ status, json } = await get(`/api/v1/articles/${plain.id}/entries`));
  assert.equal(status, 404);
  assert.equal(json.error.code, 'not_live');
  ({ status } = await get('/api/v1/articles/999999/entries'));
  assert.equal(status, 404);
  // the article objects
  const { entries, ...live } = en.json.live;
  assert.deepEqual(live, { state: 'live', started: new Date(T0 * 1000).toISOString().replace('.000', ''), ended: null,
    count: N - 1 });
  assert.match(entries, new RegExp(`/api/v1/articles/${en.id}/entries$`));
  assert.equal(ar.json.live.state, 'ended');
  assert.equal(ar.json.live.ended, new Date((T0 + 600) * 1000).toISOString().replace('.000', ''));
  assert.equal(ar.json.live.count, 1);
  assert.equal(plain.json.live, undefined, 'an article that is not live has no "live"');
  const list = await (await fetch(`${srv.base}/api/v1/articles?edition=en&limit=100`)).json();
  assert.equal(list.articles.find((a) => a.id === en.id).live.count, N - 1);
});

test('the static export writes the live page with its entries, entry pages, the entry feeds and live.json', async () => {
  const out = path.join(tempDir(), 'out');
  const r = run(['export', '--site', dir, '--jobs', '2', out]);
  assert.equal(r.status, 0, r.stderr);
  const rel = en.href.slice(1);
  const page = fs.readFileSync(path.join(out, `${rel}.html`), 'utf8');
  for (const id of [...ids].reverse().slice(0, 20)) assert.match(page, new RegExp(`id="entry-${id}"`), `entry ${id} on the page`);
  for (const id of ids) {
    const f = path.join(out, rel, 'entry', `${id}.html`);
    assert.ok(fs.existsSync(f), `entry page ${id} (also the older ones the page does not link)`);
  }
  for (const f of ['rss.xml', 'atom.xml']) {
    const x = feedparse(fs.readFileSync(path.join(out, rel, f)));
    assert.equal(x.bozo, 0);
    assert.equal(x.entries.length, N);
  }
  const live = JSON.parse(fs.readFileSync(path.join(out, rel, 'live.json'), 'utf8'));
  assert.equal(live.id, en.id);
  assert.equal(live.entries[0].id, ids[N - 1]);
  assert.ok(fs.existsSync(path.join(out, 'static', 'live.js')), 'the script is exported with the page');
});
