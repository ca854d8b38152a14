// Issue 18, search reads the body's typed blocks as text: an article whose body has an image block and a
// gallery is found by the words of their captions, titles, credits and alt texts, and NOT by a block's
// key ("media") or a media id; snippets show the plain text, never a key; the newsroom's search the same;
// `broadsheet check` compares the stored plain text with what the body gives. On both engines
// (BROADSHEET_TEST_DB=pg for PostgreSQL); on PostgreSQL also the upgrade (migration 15) filling the text
// of the articles there were, in C.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSite, startServer, dbExec, run, unescapeHtml, ENGINE } from '../lib/server.mjs';
import { addUser, login, page } from '../lib/newsroom.mjs';
import { undoAfter } from '../lib/migrations.mjs';

const PW = 'a-long-password';
let dir, srv, key, boss, media, art;

async function api(method, p, body) {
  const r = await fetch(srv.base + p, {
    method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, json: JSON.parse(text), text };
}

/** The body under test: words, an image block and a gallery whose captions carry the words to find. */
const body = () => [
  'The harbour reopened on Monday.',
  '',
  '```image',
  `media: ${media[0]}`,
  'alt: Kingfisher over the quay',
  'caption: Dredgers cleared the channel',
  'credit: Photo: Rana Haddad',
  '```',
  '',
  '```gallery',
  'title: Lighthouse keepers',
  `media: ${media[1]}`,
  'caption: Brightwater cove at dusk',
  `media: ${media[2]}`,
  'caption: Saltmarsh ferries',
  '```',
].join('\n');

/** The search page's results: [{href, snippet}] (the snippet as text, marks removed). */
async function results(q, edition = 'en') {
  const r = await fetch(`${srv.base}/${edition}/search?q=${encodeURIComponent(q)}&archive=1`);
  assert.equal(r.status, 200, q);
  const html = await r.text();
  return [...html.matchAll(/<article class="story result">[\s\S]*?<h3><a href="([^"]+)">[\s\S]*?<p class="snippet">([\s\S]*?)<\/p>/g)]
    .map((m) => ({ href: unescapeHtml(m[1]), snippet: unescapeHtml(m[2].replace(/<[^>]+>/g, '')) }));
}

before(async () => {
  // on PostgreSQL more than one page (200) of articles, for the upgrade's fill below
  dir = demoSite(ENGINE === 'pg' ? 300 : 0);
  addUser(dir, 'boss', 'admin', PW);
  srv = await startServer(dir);
  boss = await login(srv.base, 'boss', PW);
  const form = new URLSearchParams({ csrf: boss.csrf, name: 'search text', days: '30' });
  for (const s of ['read', 'write', 'publish']) form.append('scope', s);
  const r = await fetch(`${srv.base}/admin/api-keys`, { method: 'POST', body: form, headers: { cookie: `bs_session=${boss.cookie}` } });
  key = /<code class="token">(bsk_[0-9a-f]{64})<\/code>/.exec(await r.text())[1];
  // media ids with three digits or more are words search would otherwise index on their own ("media: 12")
  media = dbExec(dir, 'SELECT id FROM media ORDER BY id LIMIT 3').trim().split('\n').map(Number);
  assert.equal(media.length, 3);
  const c = await api('POST', '/api/v1/admin/articles', {
    edition: 'en', section: 'business', slug: 'harbour-reopens', headline: 'Harbour reopens', standfirst: 'Ships are back.', body: body(),
  });
  assert.equal(c.status, 201, c.text);
  const p = await api('POST', `/api/v1/admin/articles/${c.json.article.id}/publish`);
  assert.equal(p.status, 200, p.text);
  art = { id: c.json.article.id, href: new URL(p.json.article.url).pathname };
});
after(async () => { await srv?.stop(); });

test('found by the words of an image caption, alt and credit and of a gallery title and captions', async () => {
  for (const q of ['kingfisher', 'dredgers', 'Haddad', 'lighthouse', 'brightwater', 'saltmarsh ferries', '"brightwater cove"']) {
    assert.ok((await results(q)).some((h) => h.href === art.href), `${q} finds the article`);
  }
});

test('not found by a block key or a media id; its snippet shows text, never a key', async () => {
  for (const q of ['media', 'caption', 'credit', 'alt', 'gallery', 'title', ...media.map(String)]) {
    const hrefs = (await results(q)).map((h) => h.href);
    assert.ok(!hrefs.includes(art.href), `${q} must not find the article (${hrefs.join(' ')})`);
  }
  const hit = (await results('saltmarsh')).find((h) => h.href === art.href);
  assert.ok(hit, 'found');
  assert.match(hit.snippet, /Saltmarsh/);
  assert.doesNotMatch(hit.snippet, /media:|caption:|```|\b(?:alt|credit|title):/, hit.snippet);
  // the whole text the body gives, the columns the index and snippets are made of
  const stored = dbExec(dir, `SELECT body_text FROM articles WHERE id = ${art.id}`);
  for (const w of ['harbour reopened', 'Kingfisher over the quay', 'Dredgers cleared the channel', 'Lighthouse keepers', 'Saltmarsh ferries'])
    assert.ok(stored.includes(w), `${w} in ${stored}`);
  assert.doesNotMatch(stored, /media|caption:|```/);
});

test('the newsroom search reads the same text: caption words find it, "media" and ids do not', async () => {
  const hrefs = async (q) => {
    const { status, html } = await page(srv.base, `/admin/search?q=${encodeURIComponent(q)}`, boss);
    assert.equal(status, 200);
    return { html, found: html.includes(`/admin/articles/${art.id}"`) };
  };
  const k = await hrefs('kingfisher');
  assert.ok(k.found, 'kingfisher');
  assert.doesNotMatch(k.html, /media: \d/);
  assert.ok(!(await hrefs('media')).found, 'media');
  assert.ok(!(await hrefs(String(media[1]))).found, 'media id');
});

test('an edit rewrites the text: the old caption is no longer found, the new one is', async () => {
  const cur = await api('GET', `/api/v1/admin/articles/${art.id}`);
  assert.equal(cur.status, 200, cur.text);
  const u = await api('PUT', `/api/v1/admin/articles/${art.id}`, {
    version: cur.json.article.version, body: body().replace('Saltmarsh ferries', 'Ospreys nesting'),
  });
  assert.equal(u.status, 200, u.text);
  assert.ok(!(await results('saltmarsh')).some((h) => h.href === art.href), 'old caption gone');
  assert.ok((await results('ospreys')).some((h) => h.href === art.href), 'new caption found');
  assert.ok(!(await results('media')).some((h) => h.href === art.href), 'still not by its key');
});

test('broadsheet check: ok, then names an article whose stored text is not what its body gives', async () => {
  const ok = run(['check', '--site', dir]);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  // a stale body_text (the sqlite3 shell has no tokenizer: the index triggers go first)
  if (ENGINE === 'sqlite') dbExec(dir, 'DROP TRIGGER articles_fts_au; DROP TRIGGER articles_terms_au');
  dbExec(dir, `UPDATE articles SET body_text = 'media: ${media[0]}' WHERE id = ${art.id}`);
  const bad = run(['check', '--site', dir]);
  assert.notEqual(bad.status, 0, bad.stdout);
  assert.match(bad.stdout + bad.stderr, new RegExp(`search text: article ${art.id} has a stored plain text`));
});

test('PostgreSQL upgrade: migration 15 fills the plain text and terms of the articles there were, in C', { skip: ENGINE !== 'pg' }, async () => {
  await srv.stop();
  srv = null;
  // back to the schema before migration 15, with the body's raw Markdown in the terms as then (the later
  // migrations undone too, so the start runs them again: tests/lib/migrations.mjs)
  dbExec(dir, undoAfter(15) +
    'DROP INDEX articles_body_text_todo; ALTER TABLE articles DROP COLUMN body_text; ' +
    "UPDATE articles SET terms = 'media " + media[0] + "' WHERE id = " + art.id + '; ' +
    'UPDATE broadsheet_schema SET version = 14');
  srv = await startServer(dir);
  assert.ok(Number(dbExec(dir, 'SELECT count(*) FROM articles').trim()) > 200, 'more than one page of the fill');
  const n = dbExec(dir, 'SELECT count(*) FROM articles WHERE body_text IS NULL').trim();
  assert.equal(n, '0');
  // every article's text and terms are what a save writes: the check recomputes both
  assert.equal(dbExec(dir, "SELECT count(*) FROM articles WHERE body_text LIKE '%media:%' OR body_text LIKE '%```%'").trim(), '0');
  assert.ok((await results('ospreys')).some((h) => h.href === art.href), 'the new text after the upgrade');
  assert.ok(!(await results('media')).some((h) => h.href === art.href), 'not by its key after the upgrade');
  const ok = run(['check', '--site', dir]);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
});
