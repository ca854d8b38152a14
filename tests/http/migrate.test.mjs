// `broadsheet migrate`: a SQLite site moved into PostgreSQL. Runs in the PostgreSQL pass of
// tests/run-all.sh (it needs the test cluster, BROADSHEET_TEST_PG; the source is always SQLite, so the
// SQLite pass has nothing more to give it). The demo site, with comments, a revised article, an uploaded
// image and an API key added, round-trips with identical counts in every table and is served from
// PostgreSQL with the same pages, search results and log-ins, and new rows get new ids; a target that
// holds a site is refused unless --force; a failure halfway leaves the target as it was; bad input is
// refused with a message and nothing written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { run, tempDir, freshPgDatabase, startServer, unescapeHtml, BIN, sqlExec } from '../lib/server.mjs';
import { addUser, login, loginPost, page } from '../lib/newsroom.mjs';
import { png } from '../lib/png.mjs';

const PG = process.env.BROADSHEET_TEST_PG;
const skip = PG ? false : 'needs BROADSHEET_TEST_PG (the PostgreSQL run of tests/run-all.sh)';

/** Runs `broadsheet migrate ARGS`; asserts no sanitizer report. */
function migrate(...args) {
  const r = spawnSync(BIN, ['migrate', ...args], { encoding: 'utf8', timeout: 300000 });
  assert.doesNotMatch(r.stderr, /AddressSanitizer|LeakSanitizer|runtime error:/, r.stderr);
  return r;
}

/** The verification table of migrate's output: {table: {source, target, note}}. */
function countsOf(stdout) {
  const out = {};
  for (const m of stdout.matchAll(/^([a-z_]+) +(\d+) +(\d+) +(.*)$/gm)) {
    out[m[1]] = { source: Number(m[2]), target: Number(m[3]), note: m[4] };
  }
  return out;
}

const sqlite = (file, sql) => sqlExec(file, sql).trim();
/** The tables migrate deliberately leaves behind (a move logs everyone out). */
const NOT_COPIED = ['sessions', 'login_failures', 'mfa_pending', 'passkey_challenges', 'oidc_logins'];
const psql = (url, sql) => sqlExec(url, sql).trim();

/** The tables holding a SQLite site's rows (sqlite_master without SQLite's own and the FTS5 index). */
function sqliteTables(file) {
  return sqlite(file, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' " +
    "AND name NOT LIKE 'articles_fts%' ORDER BY name").split('\n');
}

/** Every table's row count in a PostgreSQL database (broadsheet_schema left out). */
function pgCounts(url) {
  const tables = psql(url, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'broadsheet_schema' ORDER BY 1").split('\n').filter(Boolean);
  return Object.fromEntries(tables.map((t) => [t, Number(psql(url, `SELECT count(*) FROM ${t}`))]));
}

/** A SQLite demo site (whatever engine the suite runs on); returns its directory. */
function sqliteDemo() {
  const dir = path.join(tempDir(), 'site');
  const r = run(['demo', dir, '--drawn', '--db', 'sqlite:site.db']);
  assert.equal(r.status, 0, r.stderr);
  return dir;
}

async function api(base, method, p, key, body) {
  const r = await fetch(base + p, {
    method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, json: JSON.parse(text), text };
}

async function uploadImage(base, session, alt) {
  const fd = new FormData();
  fd.set('alt', alt);
  fd.set('file', new Blob([png(320, 200)]), 'migrate.png');
  const r = await fetch(`${base}/admin/media?csrf=${session.csrf}`, { method: 'POST', body: fd, headers: { cookie: `bs_session=${session.cookie}` }, redirect: 'manual' });
  assert.equal(r.status, 303, 'the upload is accepted');
  return Number(/uploaded=(\d+)/.exec(r.headers.get('location'))[1]);
}

/** What a reader sees: the article links of the front page, an article's headline and body paragraphs. */
async function frontLinks(base, edition) {
  const html = await (await fetch(`${base}/${edition}/`)).text();
  return [...html.matchAll(/<a href="(\/(?:en|ar)\/\d{4}\/[^"]+)"/g)].map((m) => m[1]);
}

async function articleView(base, href) {
  const r = await fetch(base + href);
  assert.equal(r.status, 200, `GET ${href}`);
  const html = await r.text();
  const h1 = /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(html);
  const paras = [...html.matchAll(/<p(?: dir="[a-z]+")?>([\s\S]*?)<\/p>/g)].map((m) => unescapeHtml(m[1]));
  return { headline: h1 ? unescapeHtml(h1[1]).trim() : null, paras };
}

async function searchHrefs(base, edition, q) {
  const html = await (await fetch(`${base}/${edition}/search?q=${encodeURIComponent(q)}`)).text();
  // as a set: the ranking blends in recency against the clock, and the engines rank with their own formulas
  return [...html.matchAll(/<article class="story result">[\s\S]*?<h3><a href="([^"]+)">/g)].map((m) => unescapeHtml(m[1])).sort();
}

async function snapshot(base, hrefs) {
  const s = { en: await frontLinks(base, 'en'), ar: await frontLinks(base, 'ar'), articles: {}, search: {} };
  for (const h of hrefs) s.articles[h] = await articleView(base, h);
  for (const [ed, q] of [['en', 'football'], ['en', 'water'], ['en', 'econ*'], ['en', 'container figures'], ['ar', 'الاقتصاد'], ['ar', 'مهرجان']]) {
    s.search[`${ed} ${q}`] = await searchHrefs(base, ed, q);
  }
  return s;
}

test('round trip: the demo site with comments, a revision, an image and a key moves to PostgreSQL and is served the same', { skip }, async () => {
  const dir = sqliteDemo();
  const db = path.join(dir, 'site.db');
  addUser(dir, 'boss', 'admin', 'boss-password-1');
  let srv = await startServer(dir);
  let hrefs, key, before, newsId, mediaId;
  try {
    // a failed log-in first, so login_failures has a row that the move must leave behind
    const failed = await loginPost(srv.base, 'boss', 'not-the-password');
    assert.notEqual(failed.status, 303, 'a wrong password does not log in');
    const boss = await login(srv.base, 'boss', 'boss-password-1');
    // an API key (made in the newsroom), an article created, revised and published through the API
    const form = new URLSearchParams({ csrf: boss.csrf, name: 'Mover', days: '30' });
    for (const s of ['read', 'write', 'publish']) form.append('scope', s);
    const made = await fetch(`${srv.base}/admin/api-keys`, { method: 'POST', body: form, headers: { cookie: `bs_session=${boss.cookie}` } });
    key = /<code class="token">(bsk_[0-9a-f]{64})<\/code>/.exec(await made.text())[1];
    mediaId = await uploadImage(srv.base, boss, 'A gradient before the move');
    const c = await api(srv.base, 'POST', '/api/v1/admin/articles', key, {
      edition: 'en', section: 'business', headline: 'Port authority publishes container figures',
      body: 'Throughput rose for a third month.', tags: ['ports'], bylines: ['Rana Haddad'], lead_media_id: mediaId,
    });
    assert.equal(c.status, 201, c.text);
    newsId = c.json.article.id;
    const u = await api(srv.base, 'PUT', `/api/v1/admin/articles/${newsId}`, key, { version: c.json.article.version, body: 'Throughput rose for a **fourth** month.' });
    assert.equal(u.status, 200, u.text);
    const p = await api(srv.base, 'POST', `/api/v1/admin/articles/${newsId}/publish`, key, {});
    assert.equal(p.status, 200, p.text);
    const en = await (await fetch(`${srv.base}/api/v1/articles?edition=en&limit=3`)).json();
    const ar = await (await fetch(`${srv.base}/api/v1/articles?edition=ar&limit=2`)).json();
    hrefs = [...en.articles, ...ar.articles].map((a) => new URL(a.url).pathname);
    // comments (a reply among them) imported with the CLI on a demo article
    const target = en.articles.find((a) => a.id !== newsId);
    const comments = {
      format: 'broadsheet-comments', version: 1, comments: [
        { id: 1, article: { edition: 'en', slug: target.slug }, parent: null, name: 'Rana', body: 'Moved with the site.', status: 'approved', created_at: '2026-01-02T03:04:05Z', edited_at: null },
        { id: 2, article: { edition: 'en', slug: target.slug }, parent: 1, name: 'Omar', body: 'A reply, moved too.', status: 'approved', created_at: '2026-01-02T04:04:05Z', edited_at: null },
        { id: 3, article: { edition: 'en', slug: target.slug }, parent: null, name: 'Lina', body: 'Waiting for a moderator.', status: 'pending', created_at: '2026-01-02T05:04:05Z', edited_at: null },
      ],
    };
    const imp = run(['comments', 'import', '--site', dir], { input: JSON.stringify(comments) });
    assert.equal(imp.status, 0, imp.stderr);
    before = await snapshot(srv.base, hrefs);
  } finally {
    await srv.stop();
  }
  assert.ok(Number(sqlite(db, 'SELECT count(*) FROM article_revisions')) >= 2, 'the revisions are there to move');
  assert.ok(Number(sqlite(db, 'SELECT count(*) FROM sessions')) >= 1, 'a session exists (and is not moved)');
  assert.ok(Number(sqlite(db, 'SELECT count(*) FROM login_failures')) >= 1, 'a failed log-in is recorded (and is not moved)');

  const url = freshPgDatabase();
  const r = migrate('--from', dir, '--to', url);
  assert.equal(r.status, 0, r.stderr);
  const counts = countsOf(r.stdout);
  // the verification names every table of the SQLite schema, with equal counts, and the tool's counts
  // agree with what the engines' own shells count
  const tables = sqliteTables(db);
  assert.deepEqual(Object.keys(counts).sort(), tables, 'one line per table of the schema');
  const target = pgCounts(url);
  for (const t of tables) {
    const src = Number(sqlite(db, `SELECT count(*) FROM ${t}`));
    assert.equal(counts[t].source, src, `${t}: the source count`);
    if (NOT_COPIED.includes(t)) {
      assert.equal(target[t], 0, `${t} is not copied`);
      assert.match(counts[t].note, /not copied/);
    } else {
      assert.equal(target[t], src, `${t}: as many rows on PostgreSQL as on SQLite`);
      assert.equal(counts[t].target, src);
      assert.equal(counts[t].note, 'ok');
    }
  }
  assert.ok(target.comments >= 3 && target.article_revisions >= 2 && target.api_keys === 1 && target.media >= 85);
  // ids and the derived search data: terms computed like SQLite's, the tsvector generated from them
  assert.equal(psql(url, `SELECT headline FROM articles WHERE id = ${newsId}`), 'Port authority publishes container figures');
  assert.equal(psql(url, "SELECT string_agg(terms, '|' ORDER BY id) FROM articles"),
    sqlite(db, "SELECT group_concat(terms, '|') FROM (SELECT terms FROM articles ORDER BY id)"), 'the same search terms on both engines');
  assert.equal(psql(url, 'SELECT count(*) FROM articles WHERE tsv IS NULL'), '0');

  srv = await startServer(dir, { args: ['--db', url] });
  try {
    const after = await snapshot(srv.base, hrefs);
    assert.ok(before.en.length > 5 && before.ar.length > 5, 'the front pages list articles');
    assert.deepEqual(after, before, 'the same front pages, articles and search results');
    for (const [h, v] of Object.entries(after.articles)) {
      assert.ok(v.headline && v.paras.length > 0, `${h}: a headline and a body were compared`);
    }
    const arabic = hrefs.find((h) => h.startsWith('/ar/'));
    assert.match(after.articles[arabic].headline, /[\u0600-\u06FF]/, 'an Arabic article was compared');
    for (const [q, h] of Object.entries(after.search)) assert.ok(h.length > 0, `${q}: search finds articles on the target`);
    assert.ok(after.search['en container figures'].some((h) => h.includes('/port-authority-publishes-container-figures')),
      `the article made before the move is found: ${after.search['en container figures']}`);
    // the comments are shown
    const withComments = await (await fetch(srv.base + `/api/v1/articles?edition=en&limit=5`)).json();
    assert.ok(withComments.articles.some((a) => a.comment_count === 2), 'two approved comments moved');
    // log-ins: a demo account (password from demo-logins.txt) and the admin added before the move
    const logins = fs.readFileSync(path.join(dir, 'demo-logins.txt'), 'utf8');
    const m = /^editor +login: (\S+) +password: (\S+)$/m.exec(logins);
    assert.ok(m, 'demo-logins.txt names the editor');
    await login(srv.base, m[1], m[2]);
    const boss = await login(srv.base, 'boss', 'boss-password-1');
    // new rows get new ids (the sequences were moved past the copied ones); the API key still works
    const mediaAfter = await uploadImage(srv.base, boss, 'A gradient after the move');
    assert.ok(mediaAfter > mediaId, `new media id ${mediaAfter} after ${mediaId}`);
    const c = await api(srv.base, 'POST', '/api/v1/admin/articles', key, {
      edition: 'en', section: 'business', headline: 'The first article written on PostgreSQL', body: 'Hello.',
    });
    assert.equal(c.status, 201, c.text);
    assert.ok(c.json.article.id > newsId, 'a new article id');
    const list = await page(srv.base, '/admin/', boss);
    assert.equal(list.status, 200);
  } finally {
    await srv.stop();
  }
});

test('a target that holds a site is refused and left alone; --force replaces it; an empty init --db site is accepted', { skip }, async () => {
  const dir = sqliteDemo();
  const db = path.join(dir, 'site.db');
  // the target: another site, made on PostgreSQL with its own accounts and an extra article
  const url = freshPgDatabase();
  const other = path.join(tempDir(), 'pg');
  assert.equal(run(['demo', other, '--drawn', '--db', url]).status, 0);
  psql(url, "UPDATE articles SET headline = 'Only on the target' WHERE id = 1");
  const state = () => psql(url, "SELECT count(*), string_agg(headline, '|' ORDER BY id) FROM articles") + psql(url, "SELECT string_agg(pw_hash, '|' ORDER BY id) FROM users");
  const was = state();
  const r = migrate('--from', `sqlite:${db}`, '--to', url);
  assert.equal(r.status, 65, r.stderr);
  assert.match(r.stderr, /the target database is not empty \(.*articles: \d+.*\): nothing copied; --force/);
  assert.equal(state(), was, 'the target is untouched');

  const f = migrate('--from', `sqlite:${db}`, '--to', url, '--force');
  assert.equal(f.status, 0, f.stderr);
  assert.equal(psql(url, "SELECT count(*) FROM articles WHERE headline = 'Only on the target'"), '0');
  assert.equal(psql(url, "SELECT string_agg(pw_hash, '|' ORDER BY id) FROM users"), sqlite(db, "SELECT group_concat(pw_hash, '|') FROM (SELECT pw_hash FROM users ORDER BY id)"),
    "the source's accounts replace the target's");
  const counts = countsOf(f.stdout);
  assert.deepEqual(Object.keys(counts).sort(), sqliteTables(db), 'the verification table names every table');
  for (const [t, c] of Object.entries(counts)) {
    if (NOT_COPIED.includes(t)) assert.match(c.note, /not copied/, t);
    else assert.deepEqual([c.note, c.target], ['ok', c.source], `${t}: copied, as many rows as the source`);
  }

  // a database made by `init --db` holds only the default settings: not "a site", so no --force needed
  const fresh = freshPgDatabase();
  assert.equal(run(['init', path.join(tempDir(), 'new'), '--db', fresh]).status, 0);
  const i = migrate('--from', `sqlite:${db}`, '--to', fresh);
  assert.equal(i.status, 0, i.stderr);
  assert.equal(psql(fresh, 'SELECT count(*) FROM articles'), sqlite(db, 'SELECT count(*) FROM articles'));
  assert.equal(psql(fresh, "SELECT string_agg(key || '=' || value, '|' ORDER BY key) FROM settings"),
    sqlite(db, "SELECT group_concat(key || '=' || value, '|') FROM (SELECT key, value FROM settings ORDER BY key)"), "the source's settings replace the defaults");
});

test('a failure halfway (a row the target refuses) leaves the target as it was, with or without --force', { skip }, () => {
  const dir = sqliteDemo();
  const db = path.join(dir, 'site.db');
  // a damaged source: a tag link to a tag that does not exist (the sqlite3 shell does not check foreign
  // keys); article_tags is copied after articles, so the copy fails halfway
  sqlite(db, 'INSERT INTO article_tags(article_id, tag_id) VALUES (1, 999999)');
  const url = freshPgDatabase();
  assert.equal(run(['init', path.join(tempDir(), 'new'), '--db', url]).status, 0);
  const settings = psql(url, "SELECT string_agg(key || '=' || value, '|' ORDER BY key) FROM settings");
  const r = migrate('--from', db, '--to', url);
  assert.equal(r.status, 70, r.stderr);
  assert.match(r.stderr, /cannot copy the rows of article_tags: .*foreign key/);
  assert.equal(psql(url, 'SELECT count(*) FROM articles'), '0', 'no article stayed behind');
  assert.equal(psql(url, 'SELECT count(*) FROM users'), '0');
  assert.equal(psql(url, "SELECT string_agg(key || '=' || value, '|' ORDER BY key) FROM settings"), settings, 'the settings are as they were');
  // onto a target holding a site, with --force: the wipe is rolled back too
  const full = freshPgDatabase();
  assert.equal(run(['demo', path.join(tempDir(), 'pg'), '--drawn', '--db', full]).status, 0);
  const was = psql(full, "SELECT count(*), string_agg(slug, '|' ORDER BY id) FROM articles") + psql(full, 'SELECT count(*) FROM users');
  const f = migrate('--from', db, '--to', full, '--force');
  assert.equal(f.status, 70, f.stderr);
  assert.equal(psql(full, "SELECT count(*), string_agg(slug, '|' ORDER BY id) FROM articles") + psql(full, 'SELECT count(*) FROM users'), was);
  // text PostgreSQL cannot store (a NUL byte, which SQLite keeps): refused with the column named, not cut short
  sqlite(db, 'DELETE FROM article_tags WHERE tag_id = 999999');
  sqlite(db, "UPDATE articles SET dateline = 'AMMAN' || char(0) || 'X' WHERE id = 2");
  const nul = migrate('--from', db, '--to', url);
  assert.equal(nul.status, 70, nul.stderr);
  assert.match(nul.stderr, /cannot copy the rows of articles: column dateline holds text with a NUL byte/);
  assert.equal(psql(url, 'SELECT count(*) FROM articles'), '0');
  // and a new article on it still gets an id past the old ones (the sequences were not touched)
  assert.equal(psql(full, "SELECT nextval(pg_get_serial_sequence('articles', 'id')) > (SELECT max(id) FROM articles)"), 't');
});

test('bad input: readable messages, the documented exit codes, nothing written', { skip }, () => {
  const dir = sqliteDemo();
  const db = path.join(dir, 'site.db');
  const url = freshPgDatabase();
  const unreachable = new URL(PG);
  unreachable.port = '1';
  const t = tempDir();
  const notBroadsheet = path.join(t, 'other.db');
  sqlite(notBroadsheet, 'CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes(body) VALUES (\'mine\')');
  // a Broadsheet database with a table migrate has no decision for (as after a schema change that forgot
  // src/migrate.c): refused, not skipped
  const extra = path.join(t, 'extra.db');
  fs.copyFileSync(db, extra);
  sqlite(extra, 'CREATE TABLE article_notes(id INTEGER PRIMARY KEY, note TEXT)');
  const text = path.join(t, 'notes.txt');
  fs.writeFileSync(text, 'not a database at all\n'.repeat(100));
  const cases = [
    [['--from', db, '--to', unreachable.toString()], 69, /cannot connect to PostgreSQL/],
    [['--from', path.join(t, 'missing.db'), '--to', url], 66, /no such source: .*missing\.db/],
    [['--from', t, '--to', url], 66, /holds no Broadsheet site/],
    [['--from', notBroadsheet, '--to', url], 65, /is not a Broadsheet database/],
    [['--from', text, '--to', url], 66, /cannot open SQLite database/],
    [['--from', extra, '--to', url], 65, /the source has a table migrate does not know, article_notes: nothing copied/],
    [['--from', db, '--to', `sqlite:${db}`], 64, /the source and the target are the same database/],
    [['--from', `sqlite:${db}`, '--to', db], 64, /the same database/],
    [['--from', db, '--to', 'mysql://root@localhost/news'], 64, /unknown database scheme/],
    [['--from', url, '--to', url], 64, /the source must be a SQLite database/],
    [['--from', db, '--to', path.join(t, 'new.db')], 64, /the target must be a PostgreSQL database/],
    [['--from', db], 64, /needs --from and --to/],
    [['--from', db, '--to', url, '--frobnicate'], 64, /unknown argument --frobnicate/],
  ];
  for (const [args, code, message] of cases) {
    const r = migrate(...args);
    assert.equal(r.status, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.doesNotMatch(r.stdout, /^articles/m, 'no verification table: nothing was copied');
  }
  assert.equal(psql(url, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"), '0', 'the target was never written');
  assert.equal(sqlite(notBroadsheet, "SELECT group_concat(name) FROM sqlite_master WHERE type = 'table'"), 'notes', 'no schema added to a foreign database');
  assert.ok(!fs.existsSync(path.join(t, 'new.db')) && !fs.existsSync(path.join(t, 'missing.db')), 'no file created');
  // --help documents --force
  const h = spawnSync(BIN, ['migrate', '--help'], { encoding: 'utf8' });
  assert.equal(h.status, 0);
  assert.match(h.stdout, /--force empties a target/);
});
