// Crash safety: the server is killed with SIGKILL again and again while clients post comments and save
// and publish articles through the admin API; every write it acknowledged (a 2xx/3xx answer arrived) is
// there after the restart, nothing is half-written (`broadsheet check`: integrity_check, foreign keys,
// revisions against versions, search index against the articles) and SQLite's own integrity_check is ok.
// Then full storage (a size cap that works everywhere, and a real small tmpfs when we may mount one) and
// a read-only site give clear answers and no damage. On PostgreSQL (BROADSHEET_TEST_DB=pg) the same
// kill -9 rounds and check run; max_database_mb is refused at start-up with a clear reason (the cap is an
// SQLite feature), the tmpfs case is SQLite's, and "read-only" is a database switched to
// default_transaction_read_only under the running server: writes get the 503 that says so.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { demoSite, startServer, configure, run, tempDir, dbExec, ENGINE } from '../lib/server.mjs';
import { addUser, login, fieldValue } from '../lib/newsroom.mjs';

const ROUNDS = 10;           // kill -9 rounds
const LOAD_MS = [400, 1400]; // how long clients write before each kill (random in this range)

let dir, key, articles;

/** Runs SQL on a site's store (sqlite3 or psql); returns stdout, trimmed. */
function sql(site, query) {
  return dbExec(site, query).trim();
}

const PG = ENGINE === 'pg';

/** `broadsheet check` on a site: asserts it says ok. */
function assertChecked(site, when) {
  const r = run(['check', '--site', site]);
  assert.equal(r.status, 0, `check ${when}: ${r.stdout}${r.stderr}`);
  assert.equal(r.stdout.trim(), 'ok');
  if (!PG) assert.equal(sql(site, 'PRAGMA integrity_check'), 'ok', `integrity_check ${when}`);
}

/** Runs fn(srv) against a server on site, then stops it cleanly (asserted); kills it when fn failed. */
async function serving(site, fn) {
  const srv = await startServer(site);
  let ok = false;
  try {
    await fn(srv);
    ok = true;
  } finally {
    if (ok) await srv.stop();
    else { srv.proc.kill('SIGKILL'); await srv.exited; }
  }
}

/** Kills the server with SIGKILL; asserts it died of it with no sanitizer output before. */
async function kill9(srv) {
  srv.proc.kill('SIGKILL');
  const e = await srv.exited;
  assert.equal(e.signal, 'SIGKILL');
  assert.doesNotMatch(srv.stderr, /AddressSanitizer|runtime error:/, srv.stderr);
}

async function api(base, method, p, body) {
  const r = await fetch(base + p, {
    method, body: body === undefined ? undefined : JSON.stringify(body),
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
  });
  const text = await r.text();
  return { status: r.status, json: text.startsWith('{') ? JSON.parse(text) : null, text };
}

/** A comment through the reader's form; resolves to its id when the server acknowledged it, else null. */
async function comment(base, art, body) {
  const page = await fetch(base + art.href);
  const token = fieldValue(await page.text(), 'token');
  const r = await fetch(`${base}/comments/${art.id}`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, website: '', name: 'Crash tester', email: '', body }),
  });
  const m = /#comment-(\d+)$/.exec(r.headers.get('location') ?? '');
  return r.status === 303 && m ? Number(m[1]) : null;
}

const words = 'port grain harbour ministry council rain budget river school clinic bridge market'.split(' ');
const text = (n, seed) => Array.from({ length: n }, (_, i) => words[(i * 7 + seed) % words.length]).join(' ');

before(async () => {
  dir = demoSite(0);
  sql(dir, "INSERT INTO settings VALUES('comments.min_fill_seconds', '0'), ('comments.rate_ip', '100000'), "
    + "('comments.rate_net', '100000') ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  addUser(dir, 'boss', 'admin');
  const srv = await startServer(dir);
  try {
    const boss = await login(srv.base, 'boss', 'a-long-password');
    const form = new URLSearchParams({ csrf: boss.csrf, name: 'crash', days: '30' });
    for (const s of ['read', 'write', 'publish']) form.append('scope', s);
    const r = await fetch(`${srv.base}/admin/api-keys`, { method: 'POST', body: form, headers: { cookie: `bs_session=${boss.cookie}` } });
    key = /<code class="token">(bsk_[0-9a-f]{64})<\/code>/.exec(await r.text())[1];
  } finally {
    await srv.stop();
  }
  const day = PG ? "to_char(to_timestamp(published_at) AT TIME ZONE 'UTC', 'YYYY/MM/DD')"
    : "strftime('%Y/%m/%d', published_at, 'unixepoch')";
  articles = sql(dir, `SELECT id, edition, slug, ${day} FROM articles `
    + "WHERE status = 'published' AND edition = 'en' ORDER BY id LIMIT 4").split('\n').map((line) => {
    const [id, edition, slug, ymd] = line.split('\t');
    return { id: Number(id), href: `/${edition}/${ymd}/${encodeURIComponent(slug)}` };
  });
});

test('check finds damage: a tampered copy of a site fails `broadsheet check` (the check can fail)', () => {
  // on PostgreSQL a copy of the directory would share the database: a site of its own instead
  const copy = PG ? demoSite(0) : path.join(tempDir(), 'site');
  if (!PG) fs.cpSync(dir, copy, { recursive: true });
  const revision = 'INSERT INTO article_revisions(article_id, version, created_at, headline, standfirst, body_md, dateline, slug) '
    + "VALUES(1, 1, 0, 'not the text', '', '', '', 'x'); ";
  if (PG) {
    // terms are written by the backend (no trigger to drop); an orphan needs the foreign keys off
    sql(copy, revision + "UPDATE articles SET headline = headline || ' zebra' WHERE id = 2; "
      + 'SET session_replication_role = replica; INSERT INTO article_tags(article_id, tag_id) VALUES (1, 999999)');
  } else {
    sql(copy, revision + 'DROP TRIGGER articles_fts_au; DROP TRIGGER articles_terms_au; '
      + "UPDATE articles SET headline = headline || ' zebra' WHERE id = 2");
  }
  const r = run(['check', '--site', copy]);
  assert.equal(r.status, 65, r.stdout);
  assert.match(r.stdout, /article 1: revision 1 does not hold/);
  assert.match(r.stdout, /article 2 is indexed with other (text|terms)/);
  if (PG) assert.match(r.stdout, /a row of article_tags \(tag_id 999999\) points to a missing row of tags/);
});

test(`kill -9 during writes, ${ROUNDS} rounds: every acknowledged write survives, nothing half-written`, async () => {
  const acked = { comments: new Map(), saves: new Map(), published: new Set() };
  let attempts = 0, killedMidway = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const srv = await startServer(dir);
    let stop = false;
    const commenter = async (w) => {
      for (let i = 0; !stop; i++) {
        const body = `Round ${round} writer ${w} comment ${i}: ${text(20, i)}`;
        attempts++;
        try {
          const id = await comment(srv.base, articles[w % articles.length], body);
          if (id) acked.comments.set(id, body);
        } catch { killedMidway++; return; }
      }
    };
    const editor = async (w) => {
      for (let i = 0; !stop; i++) {
        attempts++;
        try {
          const c = await api(srv.base, 'POST', '/api/v1/admin/articles', {
            edition: 'en', section: 'business', headline: `Crash round ${round} writer ${w} story ${i}`,
            standfirst: 'Written while the server is being killed.', body: text(400, i), bylines: ['Rana Haddad'], tags: ['crash'],
          });
          if (c.status !== 201) continue;
          const a = c.json.article;
          acked.saves.set(a.id, { version: 1, headline: a.headline });
          for (let v = 1; v <= 3 && !stop; v++) {
            const headline = `Crash round ${round} writer ${w} story ${i} v${v + 1}`;
            const u = await api(srv.base, 'PUT', `/api/v1/admin/articles/${a.id}`, { version: v, headline, body: text(300 + v, v) });
            if (u.status !== 200) break;
            acked.saves.set(a.id, { version: v + 1, headline });
          }
          const p = await api(srv.base, 'POST', `/api/v1/admin/articles/${a.id}/publish`);
          if (p.status === 200) acked.published.add(a.id);
        } catch { killedMidway++; return; }
      }
    };
    const work = [commenter(0), commenter(1), commenter(2), editor(0), editor(1)];
    await new Promise((r) => setTimeout(r, LOAD_MS[0] + Math.random() * (LOAD_MS[1] - LOAD_MS[0])));
    await kill9(srv);
    stop = true;
    await Promise.all(work);
    assertChecked(dir, `after kill ${round + 1}`);
  }
  // every acknowledged write is in the store
  const stored = new Map(sql(dir, "SELECT id, body FROM comments WHERE name = 'Crash tester'").split('\n').filter(Boolean)
    .map((l) => { const [id, body] = l.split('\t'); return [Number(id), body]; }));
  for (const [id, body] of acked.comments) assert.equal(stored.get(id), body, `acknowledged comment ${id}`);
  for (const [id, s] of acked.saves) {
    const [version, headline, status] = sql(dir, `SELECT version, headline, status FROM articles WHERE id = ${id}`).split('\t');
    // a save in flight at the kill may have committed without its answer arriving: at most one more version
    assert.ok(Number(version) === s.version || Number(version) === s.version + 1, `article ${id}: version ${version}, acknowledged ${s.version}`);
    assert.equal(sql(dir, `SELECT headline FROM article_revisions WHERE article_id = ${id} AND version = ${s.version}`), s.headline);
    if (Number(version) === s.version) assert.equal(headline, s.headline);
    if (acked.published.has(id)) assert.equal(status, 'published', `article ${id} was acknowledged as published`);
  }
  assert.ok(acked.comments.size >= ROUNDS && acked.saves.size >= ROUNDS,
    `too little was written to prove anything: ${acked.comments.size} comments, ${acked.saves.size} articles`);
  console.log(`# ${ROUNDS} kills, ${attempts} writes tried, ${acked.comments.size} comments and ${acked.saves.size} articles `
    + `(${acked.published.size} published) acknowledged, ${killedMidway} requests cut off by a kill`);
  // the site still serves after the last crash, and a clean stop is still clean
  const srv = await startServer(dir);
  assert.equal((await fetch(`${srv.base}/en/`)).status, 200);
  await srv.stop();
});

/** Saves big articles through the API until one is refused; returns {acked, refusal}. */
async function fillUp(base, limit = 60) {
  const acked = [];
  for (let i = 0; i < limit; i++) {
    const c = await api(base, 'POST', '/api/v1/admin/articles', {
      edition: 'en', section: 'business', headline: `Filling the disk ${i} ${Date.now()}`, standfirst: 'Big.',
      body: text(35000, i), bylines: ['Rana Haddad'],
    });
    if (c.status !== 201) return { acked, refusal: c };
    acked.push(c.json.article.id);
  }
  return { acked, refusal: null };
}

test('max_database_mb on PostgreSQL: refused at start-up, saying the cap is SQLite\'s', { skip: !PG && 'PostgreSQL only' }, async () => {
  const site = demoSite(0);
  configure(site, { max_database_mb: 50 });
  const e = await startServer(site).then(async (srv) => { await srv.stop(); return null; }, (err) => err);
  assert.ok(e, 'the server started with a cap it cannot apply');
  assert.match(e.message, /server exited 78/);
  assert.match(e.message, /max_database_mb caps an SQLite file/, e.message);
});

test('full storage (max_database_mb): a clear 503, earlier writes kept, no damage, writes resume when room is made', { skip: PG && 'SQLite only: the cap is an SQLite feature' }, async () => {
  const site = path.join(tempDir(), 'site');
  fs.cpSync(dir, site, { recursive: true });
  const mb = Math.ceil(fs.statSync(path.join(site, 'site.db')).size / 1048576) + 1;
  configure(site, { max_database_mb: mb });
  let acked;
  await serving(site, async (srv) => {
    const r = await fillUp(srv.base);
    acked = r.acked;
    assert.ok(r.refusal, `the store never filled up at max_database_mb = ${mb}`);
    assert.equal(r.refusal.status, 503, `${r.refusal.text}\nthe server's log:\n${srv.stderr}`);
    assert.match(r.refusal.json.error.message, /storage is full/);
    assert.equal((await fetch(srv.base + articles[0].href)).status, 200, 'reading goes on');
  });
  assertChecked(site, 'after filling the cap');
  for (const id of acked) assert.equal(sql(site, `SELECT count(*) FROM articles WHERE id = ${id}`), '1');
  fs.writeFileSync(path.join(site, 'broadsheet.conf'), fs.readFileSync(path.join(site, 'broadsheet.conf'), 'utf8')
    .replace(/max_database_mb = \d+/g, 'max_database_mb = 0'));
  await serving(site, async (srv) => {
    assert.equal((await fillUp(srv.base, 1)).refusal, null, 'writes work again without the cap');
  });
});

const isRoot = process.getuid?.() === 0;
/** Runs mount/umount; returns true when it worked. */
function mount(args) { return spawnSync('mount', args, { encoding: 'utf8' }).status === 0; }

test('a full disk (a small tmpfs): a clear 503, no damage', { skip: PG && 'SQLite only: the database is not in the site directory' }, async (t) => {
  const mnt = path.join(tempDir(), 'disk');
  fs.mkdirSync(mnt);
  const size = Math.ceil(fs.statSync(path.join(dir, 'site.db')).size / 1048576) + 4;
  if (!isRoot || !mount(['-t', 'tmpfs', '-o', `size=${size}m`, 'tmpfs', mnt])) {
    t.skip(isRoot ? 'mount -t tmpfs failed (no CAP_SYS_ADMIN in this container?)' : 'not root: cannot mount a tmpfs');
    console.log('# tmpfs disk-full test skipped: cannot mount here; the max_database_mb test covers the server side');
    return;
  }
  try {
    const site = path.join(mnt, 'site');
    fs.cpSync(dir, site, { recursive: true });
    let acked;
    await serving(site, async (srv) => {
      const r = await fillUp(srv.base);
      acked = r.acked;
      assert.ok(r.refusal, 'the disk never filled up');
      assert.equal(r.refusal.status, 503, r.refusal.text);
      assert.match(r.refusal.json.error.message, /storage is full|storage reported an error/);
    });
    // make room (the demo's media can go) and check: nothing acknowledged is lost, nothing is damaged
    fs.rmSync(path.join(site, 'media'), { recursive: true, force: true });
    assertChecked(site, 'after the disk filled up');
    for (const id of acked) assert.equal(sql(site, `SELECT count(*) FROM articles WHERE id = ${id}`), '1');
  } finally {
    spawnSync('umount', ['-l', mnt]);
  }
});

test('a read-only PostgreSQL database under a running server: writes get a 503 that says so, reads go on', { skip: !PG && 'PostgreSQL only' }, async () => {
  const before = sql(dir, 'SELECT count(*), max(version) FROM articles');
  const db = sql(dir, 'SELECT current_database()');
  // new sessions are read-only; the server's are ended, and it reconnects on their next use. Run from
  // the cluster's admin database (a session of the site's database could not switch it back).
  const set = (on) => {
    const r = spawnSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', process.env.BROADSHEET_TEST_PG, '-c',
      `ALTER DATABASE "${db}" SET default_transaction_read_only = ${on}`, '-c',
      `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '${db}'`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  };
  await serving(dir, async (srv) => {
    set('on');
    try {
      let r;
      for (let i = 0; i < 3; i++) { // a request may meet its ended connection inside a transaction: a 500
        r = await api(srv.base, 'POST', '/api/v1/admin/articles', {
          edition: 'en', section: 'business', headline: `Read-only ${i}`, standfirst: 'S.', body: 'B.', bylines: ['Rana Haddad'],
        });
        if (r.status !== 500) break;
      }
      assert.equal(r.status, 503, r.text);
      assert.match(r.json.error.message, /database is read-only/);
      assert.equal((await fetch(srv.base + articles[0].href)).status, 200, 'reading goes on');
    } finally {
      set('off');
    }
  });
  assertChecked(dir, 'after the read-only database');
  assert.equal(sql(dir, 'SELECT count(*), max(version) FROM articles'), before);
});

test('a read-only site: a clear start-up error naming the cause; no damage', { skip: PG && 'SQLite only: the database is not in the site directory' }, async (t) => {
  const site = path.join(tempDir(), 'site');
  fs.cpSync(dir, site, { recursive: true });
  const before = sql(site, 'SELECT count(*), max(version) FROM articles');
  const ro = path.join(tempDir(), 'ro');
  fs.mkdirSync(ro);
  let undo, served = site;
  if (isRoot && mount(['--bind', site, ro]) && mount(['-o', 'remount,bind,ro', ro])) {
    undo = () => spawnSync('umount', ['-l', ro]);
    served = ro;
  } else if (!isRoot) {
    fs.chmodSync(path.join(site, 'site.db'), 0o444);
    fs.chmodSync(site, 0o555);
    undo = () => { fs.chmodSync(site, 0o755); fs.chmodSync(path.join(site, 'site.db'), 0o644); };
  } else {
    t.skip('root without mount: file modes do not bind root, so no read-only site can be made here');
    return;
  }
  try {
    const e = await startServer(served).then(async (srv) => { await srv.stop(); return null; }, (err) => err);
    assert.ok(e, 'the server started on a read-only site');
    assert.match(e.message, /server exited 78/);
    assert.match(e.message, /is read-only/, e.message);
  } finally {
    undo();
  }
  // (a site turning read-only under a running server cannot be staged: the kernel refuses to remount a
  // file system read-only while the server holds the database open for writing)
  assertChecked(site, 'after the read-only attempts');
  assert.equal(sql(site, 'SELECT count(*), max(version) FROM articles'), before);
});
