// PostgreSQL only (skipped unless BROADSHEET_TEST_PG names the test cluster, as in the PostgreSQL run of
// tests/run-all.sh): bad connection settings give a clear message and a non-zero exit; migrations run
// twice, or from several processes at once, leave one schema at the newest version; search gives the
// same articles on both engines for the same demo site; a restarted PostgreSQL costs no crash and the
// site recovers by itself; stopped under load it answers 503 (never 500 or a reset connection) while
// cached pages go on being served, and recovers with an intact cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { run, tempDir, freePort, freshPgDatabase, dbExec, startServer, configure, unescapeHtml, BIN, ROOT } from '../lib/server.mjs';
import { addUser, login } from '../lib/newsroom.mjs';

const PG = process.env.BROADSHEET_TEST_PG;
const skip = PG ? false : 'needs BROADSHEET_TEST_PG (the PostgreSQL run of tests/run-all.sh)';

/** The URL of the test cluster with another user, port or database. */
function variant({ user, port, db }) {
  const u = new URL(PG);
  if (user) {
    const [name, password] = user.split(':');
    u.username = name;
    if (password) u.password = password;
  }
  if (port) u.port = String(port);
  if (db) u.pathname = `/${db}`;
  return u.toString();
}

test('PostgreSQL down, an unknown database or user, a wrong password: a clear message and exit 78', { skip }, async () => {
  const dir = path.join(tempDir(), 'site');
  assert.equal(run(['init', dir, '--db', freshPgDatabase()]).status, 0);
  const closed = await freePort(); // nothing listens there
  const cases = [
    [variant({ port: closed }), /cannot connect to PostgreSQL: .*(refused|127\.0\.0\.1)/s],
    [variant({ db: 'no_such_database' }), /cannot connect to PostgreSQL: .*database "no_such_database" does not exist/s],
    [variant({ user: 'no_such_user' }), /cannot connect to PostgreSQL: .*role "no_such_user" does not exist/s],
    // scripts/test-pg.sh makes this role the one that needs a password
    [variant({ user: 'bs_password_check:wrong-password' }),
      /cannot connect to PostgreSQL: .*password authentication failed for user "bs_password_check"/s],
    ['postgresql://[broken', /cannot connect to PostgreSQL/],
  ];
  for (const [url, why] of cases) {
    const r = run(['serve', '--site', dir, '--db', url, '--listen', '127.0.0.1:0']);
    assert.equal(r.status, 78, `${url}: ${r.stderr}`);
    assert.match(r.stderr, why);
    assert.doesNotMatch(r.stderr, /AddressSanitizer|LeakSanitizer|runtime error:/);
    const u = run(['user', 'list', '--site', dir, '--db', url]);
    assert.equal(u.status, 78, `user list on ${url}: ${u.stderr}`);
    assert.match(u.stderr, why);
  }
  // the site itself is fine
  assert.equal(run(['user', 'list', '--site', dir]).status, 0);
});

test('migrations: run twice and by four processes at once, one schema at the newest version', { skip }, async () => {
  const url = freshPgDatabase();
  const dir = path.join(tempDir(), 'site');
  assert.equal(run(['init', dir, '--db', url]).status, 0);
  const version = dbExec(dir, 'SELECT version FROM broadsheet_schema').trim();
  assert.match(version, /^[1-9][0-9]*$/);
  // a second database migrated by four processes at the same moment
  const other = freshPgDatabase();
  const runs = await Promise.all([1, 2, 3, 4].map(() => new Promise((resolve) => {
    const p = spawn(BIN, ['user', 'list', '--site', dir, '--db', other], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code) => resolve({ code, err }));
  })));
  for (const r of runs) assert.equal(r.code, 0, r.err);
  const otherSite = path.join(tempDir(), 'other');
  fs.mkdirSync(otherSite);
  fs.writeFileSync(path.join(otherSite, 'broadsheet.conf'), `database = ${other}\n`);
  assert.equal(dbExec(otherSite, 'SELECT count(*), min(version), max(version) FROM broadsheet_schema').trim(),
    `1\t${version}\t${version}`);
  assert.equal(dbExec(otherSite, "SELECT count(*) FROM editions").trim(), '2', 'the first migration ran once');
  // and again, now that there is nothing to do
  assert.equal(run(['user', 'list', '--site', dir, '--db', other]).status, 0);
  assert.equal(dbExec(otherSite, 'SELECT version FROM broadsheet_schema').trim(), version);
});

/** The result links and snippets of every page of a search. */
async function results(base, edition, q) {
  const hits = [];
  let url = `/${edition}/search?q=${encodeURIComponent(q)}`;
  for (let n = 0; url && n < 30; n++) {
    const r = await fetch(base + url);
    assert.equal(r.status, 200, `GET ${url}`);
    const html = await r.text();
    for (const m of html.matchAll(/<article class="story result">[\s\S]*?<h3><a href="([^"]+)">[\s\S]*?<\/article>/g)) {
      const marks = [...m[0].matchAll(/<mark>([^<]*)<\/mark>/g)].map((x) => unescapeHtml(x[1]).toLowerCase());
      hits.push({ href: unescapeHtml(m[1]), marks: [...new Set(marks)].sort() });
    }
    const next = /<a rel="next" href="([^"]+)">/.exec(html);
    url = next ? unescapeHtml(next[1]) : null;
  }
  return hits;
}

test('search: the demo site gives the same articles on SQLite and on PostgreSQL', { skip }, async () => {
  const sqliteDir = path.join(tempDir(), 'lite');
  const pgDir = path.join(tempDir(), 'pg');
  assert.equal(run(['demo', sqliteDir, '--drawn', '--db', 'sqlite:site.db']).status, 0);
  assert.equal(run(['demo', pgDir, '--drawn', '--db', freshPgDatabase()]).status, 0);
  const lite = await startServer(sqliteDir);
  const pg = await startServer(pgDir);
  try {
    const queries = [['en', 'football'], ['en', 'water'], ['en', 'econ*'], ['en', '"central bank"'], ['en', 'oil prices'],
      ['en', 'festival film'], ['en', 'rates'], ['ar', 'الاقتصاد'], ['ar', 'اقتص*'], ['ar', 'كرة القدم'], ['ar', 'لبنان'],
      ['ar', '"البنك المركزي"'], ['ar', 'مهرجان'], ['ar', 'المياه']];
    let compared = 0, marksAgree = 0;
    for (const [ed, q] of queries) {
      const a = await results(lite.base, ed, q);
      const b = await results(pg.base, ed, q);
      // the paths carry the publication date: compare edition and slug
      const key = (h) => h.href.replace(/\/\d{4}\/\d{2}\/\d{2}\//, '/');
      assert.deepEqual(b.map(key).sort(), a.map(key).sort(), `${ed} ${q}: the same articles`);
      for (const h of b) {
        const twin = a.find((x) => key(x) === key(h));
        assert.ok(h.marks.length > 0, `${ed} ${q}: ${h.href} has a highlight on PostgreSQL`);
        compared++;
        if (JSON.stringify(twin.marks) === JSON.stringify(h.marks)) marksAgree++;
        else if (process.env.SHOW_MARKS) console.log(`# ${q} ${key(h)} sqlite ${twin.marks} pg ${h.marks}`);
      }
    }
    assert.ok(compared > 20, `${compared} results compared`);
    console.log(`# search parity: ${compared} results, the same highlighted words in ${marksAgree}`);
  } finally {
    await lite.stop();
    await pg.stop();
  }
});

test('the test cluster is used: a PostgreSQL site keeps no SQLite file', { skip }, () => {
  const dir = path.join(tempDir(), 'site');
  assert.equal(run(['init', dir, '--db', freshPgDatabase()]).status, 0);
  assert.ok(!fs.existsSync(path.join(dir, 'site.db')));
  assert.match(fs.readFileSync(path.join(dir, 'broadsheet.conf'), 'utf8'), /^database = postgresql:\/\//m);
  assert.equal(fs.statSync(path.join(dir, 'broadsheet.conf')).mode & 0o777, 0o600, 'the URL may hold a password');
});

test('PostgreSQL restarted or down while serving: no crash, and the site recovers by itself', { skip }, async () => {
  // a cluster of its own: restarting the shared one would break the suites running beside this one
  const script = path.join(ROOT, 'scripts/test-pg.sh');
  const parent = tempDir('pg-');
  fs.chmodSync(parent, 0o755); // the server runs as the postgres user when the tests run as root
  const pgDir = path.join(parent, 'cluster');
  const started = spawnSync(script, ['start', pgDir], { encoding: 'utf8' });
  assert.equal(started.status, 0, started.stderr);
  const admin = started.stdout.trim();
  try {
    assert.equal(spawnSync('psql', ['-X', '-q', admin, '-c', 'CREATE DATABASE restart_site']).status, 0);
    const dir = path.join(tempDir(), 'site');
    const url = new URL(admin);
    url.pathname = '/restart_site';
    assert.equal(run(['demo', dir, '--drawn', '--db', url.toString()]).status, 0);
    configure(dir, { cache_mb: 0 }); // every request must reach the database (the page cache would answer)
    const srv = await startServer(dir, { args: ['--threads', '2'] });
    const get = async (p) => (await fetch(srv.base + p)).status;
    try {
      const pages = ['/en/', '/ar/', '/en/section/politics', '/en/search?q=water', '/api/v1/articles'];
      for (const p of pages) assert.equal(await get(p), 200, p);
      assert.equal(spawnSync(script, ['halt', pgDir]).status, 0);
      assert.equal(spawnSync(script, ['resume', pgDir]).status, 0);
      // every connection was dropped; each reconnects on its next statement and runs it again
      for (const p of pages) assert.equal(await get(p), 200, `${p} after a restart`);
      assert.equal(spawnSync(script, ['halt', pgDir]).status, 0);
      for (const p of pages) {
        const r = await fetch(srv.base + p);
        assert.equal(r.status, 503, `${p} while PostgreSQL is down`);
        assert.equal(r.headers.get('retry-after'), '5', 'a short Retry-After: a restart takes seconds');
        assert.match(await r.text(), /database cannot be reached at the moment/);
      }
      assert.equal(spawnSync(script, ['resume', pgDir]).status, 0);
      for (const p of pages) assert.equal(await get(p), 200, `${p} once it is back`);
    } finally {
      await srv.stop(); // exit 0, no sanitizer report
    }
  } finally {
    spawnSync(script, ['stop', pgDir]);
  }
});

test('PostgreSQL stopped under load: only 200, 304 or 503, cached pages still served, full recovery', { skip }, async () => {
  const script = path.join(ROOT, 'scripts/test-pg.sh');
  const parent = tempDir('pg-');
  fs.chmodSync(parent, 0o755);
  const pgDir = path.join(parent, 'cluster');
  const started = spawnSync(script, ['start', pgDir], { encoding: 'utf8' });
  assert.equal(started.status, 0, started.stderr);
  const admin = started.stdout.trim();
  try {
    assert.equal(spawnSync('psql', ['-X', '-q', admin, '-c', 'CREATE DATABASE load_site']).status, 0);
    const dir = path.join(tempDir(), 'site');
    const url = new URL(admin);
    url.pathname = '/load_site';
    assert.equal(run(['demo', dir, '--drawn', '--db', url.toString()]).status, 0);
    addUser(dir, 'ed', 'editor', 'a-long-password');
    const srv = await startServer(dir, { args: ['--threads', '3'] });
    try {
      const ed = await login(srv.base, 'ed', 'a-long-password');
      // cached pages: warmed until they are hits; uncached: a new search each time (a new cache key), and
      // the newsroom (its session is read from the database on every request)
      const cached = ['/en/', '/ar/', '/en/section/politics', '/en/rss.xml'];
      const before = {};
      for (const p of cached) {
        for (let i = 0; i < 10 && (await fetch(srv.base + p)).headers.get('x-cache') !== 'hit'; i++);
        const r = await fetch(srv.base + p);
        assert.equal(r.headers.get('x-cache'), 'hit', `${p} is cached`);
        before[p] = await r.text();
      }
      const seen = []; // {phase, path, status, xcache, retry, error}
      let phase = 'up', stop = false, n = 0;
      const worker = async (w) => {
        while (!stop) {
          const k = n++;
          // odd k: each cached page in turn ((k >> 1): k % 4 alone would only ever pick two of them)
          const p = k % 2 ? cached[(k >> 1) % cached.length] : k % 4 === 0 ? '/admin/' : `/en/search?q=water&w=${w}&n=${k}`;
          try {
            const r = await fetch(srv.base + p, { headers: p === '/admin/' ? { cookie: `bs_session=${ed.cookie}` } : {} });
            const text = await r.text();
            seen.push({ phase, p, status: r.status, xcache: r.headers.get('x-cache'), retry: r.headers.get('retry-after'), text });
          } catch (e) {
            seen.push({ phase, p, status: 0, error: String(e.cause ?? e) });
          }
        }
      };
      const workers = [1, 2, 3, 4].map(worker);
      await new Promise((r) => setTimeout(r, 500));
      phase = 'down';
      assert.equal(spawnSync(script, ['halt', pgDir]).status, 0);
      await new Promise((r) => setTimeout(r, 2000));
      phase = 'restarting';
      assert.equal(spawnSync(script, ['resume', pgDir]).status, 0);
      // recovery: wait until an uncached page renders again (it needs the database)
      const end = Date.now() + 20000;
      while ((await fetch(`${srv.base}/en/search?q=water&probe=${Date.now()}`)).status !== 200) {
        assert.ok(Date.now() < end, 'the site recovers once PostgreSQL is back');
        await new Promise((r) => setTimeout(r, 100));
      }
      phase = 'back';
      await new Promise((r) => setTimeout(r, 500));
      stop = true;
      await Promise.all(workers);

      const bad = seen.filter((s) => ![200, 304, 503].includes(s.status));
      assert.deepEqual(bad.map((s) => `${s.phase} ${s.p}: ${s.status} ${s.error ?? ''}`), [], 'only 200, 304 or 503');
      const down = seen.filter((s) => s.phase === 'down');
      assert.ok(down.some((s) => s.status === 503 && s.p === '/admin/'), 'the outage was seen: the newsroom got 503');
      assert.ok(down.some((s) => s.status === 503 && s.p.startsWith('/en/search')), 'and uncached pages');
      for (const s of down.filter((x) => x.status === 503)) {
        assert.equal(s.retry, '5', `${s.p}: a short Retry-After`);
        assert.match(s.text, /database cannot be reached at the moment/, `${s.p}: a readable reason`);
      }
      const cachedDown = down.filter((s) => cached.includes(s.p));
      assert.deepEqual([...new Set(cachedDown.map((s) => s.p))].sort(), [...cached].sort(), 'every cached page was asked for');
      assert.ok(cachedDown.every((s) => s.status === 200 && s.xcache === 'hit'),
        'cached pages were served from memory throughout the outage');
      // and every answer for them, in every phase, was the page itself, never an error page kept in the cache
      // (a page made again after the outage differs only in its forms' signed tokens, which carry the time)
      const untokened = (t) => t.replace(/(data-token="|name="token" value=")[^"]*"/g, '$1"');
      for (const s of seen.filter((x) => cached.includes(x.p) && x.status === 200))
        assert.equal(untokened(s.text), untokened(before[s.p]), `${s.phase} ${s.p}: the page, not an error page`);
      assert.ok(seen.filter((s) => s.phase === 'back').every((s) => s.status === 200), 'everything answers once it is back');
      // nothing in the cache was replaced by an error page or a half-rendered one
      for (const p of cached) assert.equal(untokened(await (await fetch(srv.base + p)).text()), untokened(before[p]), `${p} unchanged`);
      assert.equal((await fetch(srv.base + '/readyz')).status, 200);
      // the purge listener reconnected by itself and, as purges from other nodes may have been missed
      // meanwhile, emptied the cache once (counted as a purge received)
      const received = async () => Number(/^broadsheet_cache_purges_received_total (\d+)$/m
        .exec(await (await fetch(srv.base + '/metrics')).text())?.[1]);
      for (let i = 0; i < 50 && await received() < 1; i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok(await received() >= 1, 'the listener reconnected');
    } finally {
      await srv.stop();
    }
  } finally {
    spawnSync(script, ['stop', pgDir]);
  }
});
