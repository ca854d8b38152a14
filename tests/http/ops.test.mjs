// Operations: /healthz and /readyz, Prometheus /metrics (format, values moving with requests and cache
// hits, refused to addresses outside metrics_allow), the access log (hits and misses), `broadsheet backup`
// (a copy that `broadsheet check` passes and that holds an article written just before), and
// contrib/nginx.conf through `nginx -t`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, ENGINE, demoSite, startServer, configure, run, tempDir } from '../lib/server.mjs';
import { addUser, login, post, page, selectOptions, formError } from '../lib/newsroom.mjs';

const PW = 'a-long-password';
let dir, srv, logPath;

before(async () => {
  dir = demoSite(0);
  addUser(dir, 'ed', 'editor', PW);
  logPath = path.join(tempDir(), 'access.log');
  configure(dir, { access_log: logPath });
  srv = await startServer(dir);
});

after(async () => {
  await srv?.stop();
});

/** GET from a given local address (127.0.0.2 is loopback too); resolves {status, body, headers}. */
function getFrom(localAddress, p) {
  return new Promise((resolve, reject) => {
    const r = http.get({ host: '127.0.0.1', port: srv.port, path: p, localAddress, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body, headers: res.headers }));
    });
    r.on('error', reject);
  });
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.e+]+|\+Inf|NaN)$/;

/** Scrapes /metrics and parses it strictly: returns a Map from 'name{labels}' to a number. */
async function scrape() {
  const r = await fetch(`${srv.base}/metrics`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = await r.text();
  assert.ok(text.endsWith('\n'));
  const m = new Map();
  const typed = new Set();
  for (const line of text.slice(0, -1).split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      assert.ok(['counter', 'gauge', 'histogram'].includes(type), line);
      assert.ok(!typed.has(name), `one TYPE line per family: ${name}`);
      typed.add(name);
      continue;
    }
    if (line.startsWith('# HELP ')) continue;
    const s = SAMPLE.exec(line);
    assert.ok(s, `a valid sample line: ${JSON.stringify(line)}`);
    const family = s[1].replace(/_(bucket|sum|count)$/, '');
    assert.ok(typed.has(s[1]) || typed.has(family), `sample after its TYPE: ${line}`);
    m.set(s[1] + (s[2] || ''), Number(s[3] === '+Inf' ? Infinity : s[3]));
  }
  return m;
}

const val = (m, key) => m.get(key) ?? 0;

test('/healthz answers ok without the cache; /readyz follows the database', async () => {
  for (let i = 0; i < 2; i++) {
    const h = await fetch(`${srv.base}/healthz`);
    assert.equal(h.status, 200);
    assert.equal(await h.text(), 'ok\n');
    assert.equal(h.headers.get('cache-control'), 'no-store');
    assert.equal(h.headers.get('x-cache'), null, 'never from the page cache');
  }
  const r = await fetch(`${srv.base}/readyz`);
  assert.equal(r.status, 200);
  assert.equal(await r.text(), 'ready\n');
  assert.equal(r.headers.get('x-cache'), null);

  // the database file goes away (a lost volume): not ready, with a short text; back: ready again.
  // (SQLite only: PostgreSQL down is tested in postgres.test.mjs)
  if (ENGINE !== 'sqlite') return;
  const db = path.join(dir, 'site.db');
  fs.renameSync(db, `${db}.away`);
  try {
    const down = await fetch(`${srv.base}/readyz`);
    assert.equal(down.status, 503);
    assert.match(await down.text(), /^not ready: the database does not answer\n$/);
    const live = await fetch(`${srv.base}/healthz`);
    assert.equal(live.status, 200, 'liveness does not depend on the database');
  } finally {
    fs.renameSync(`${db}.away`, db);
  }
  const back = await fetch(`${srv.base}/readyz`);
  assert.equal(back.status, 200);
});

test('/metrics: valid exposition; counters, histogram and cache hits move with requests', async () => {
  const m0 = await scrape();
  assert.equal(m0.get(`broadsheet_db_info{engine="${ENGINE === 'pg' ? 'postgresql' : 'sqlite'}"}`), 1);
  assert.ok(m0.get('broadsheet_db_connections') >= 1);
  assert.ok(m0.get('broadsheet_db_size_bytes') > 0);
  assert.equal(m0.get('broadsheet_webhook_queue_depth'), 0);
  assert.ok(m0.has('broadsheet_cache_max_bytes'));

  const route = 'route="/{edition}/"';
  const n = 5;
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${srv.base}/en/`);
    assert.equal(r.status, 200);
    await r.arrayBuffer();
  }
  await (await fetch(`${srv.base}/no/such/page/here`)).arrayBuffer();
  const m1 = await scrape();
  const hits = val(m1, 'broadsheet_cache_requests_total{result="hit"}') - val(m0, 'broadsheet_cache_requests_total{result="hit"}');
  const misses = val(m1, 'broadsheet_cache_requests_total{result="miss"}') - val(m0, 'broadsheet_cache_requests_total{result="miss"}');
  assert.ok(hits >= n - 1, `cache hits counted (${hits})`);
  assert.equal(hits + misses, n, 'each front page request is a hit or a miss');
  assert.equal(val(m1, `broadsheet_http_requests_total{${route},status="2xx"}`) - val(m0, `broadsheet_http_requests_total{${route},status="2xx"}`), n,
    'requests by route include the hits');
  assert.equal(val(m1, `broadsheet_http_request_duration_seconds_count{${route}}`) - val(m0, `broadsheet_http_request_duration_seconds_count{${route}}`), n);
  assert.equal(m1.get(`broadsheet_http_request_duration_seconds_bucket{${route},le="+Inf"}`),
    m1.get(`broadsheet_http_request_duration_seconds_count{${route}}`));
  // buckets are cumulative
  const les = [...m1.keys()].filter((k) => k.startsWith(`broadsheet_http_request_duration_seconds_bucket{${route},`));
  assert.ok(les.length >= 10);
  const counts = les.map((k) => m1.get(k));
  for (let i = 1; i < counts.length; i++) assert.ok(counts[i] >= counts[i - 1], 'cumulative buckets');
  assert.ok(val(m1, 'broadsheet_http_requests_total{route="none",status="4xx"}') >= 1, 'an unmatched path is counted as route none');
  assert.ok(val(m1, 'broadsheet_cache_entries') >= 1);
  assert.ok(val(m1, 'broadsheet_cache_bytes') > 0);
  assert.ok(val(m1, 'broadsheet_http_requests_total{route="/metrics",status="2xx"}') >= 1);
});

test('/metrics is a plain 404 for addresses outside metrics_allow', async () => {
  const inside = await getFrom('127.0.0.1', '/metrics');
  assert.equal(inside.status, 200);
  const outside = await getFrom('127.0.0.2', '/metrics');
  const unknown = await getFrom('127.0.0.2', '/metricz');
  assert.equal(outside.status, 404);
  assert.doesNotMatch(outside.body, /broadsheet_/);
  assert.equal(outside.body.length, unknown.body.length, 'the same page as an unknown address');
  // probes stay open to everyone (load balancers)
  assert.equal((await getFrom('127.0.0.2', '/healthz')).status, 200);
});

test('a bad metrics_allow stops the server at start with a message', () => {
  const d = demoSite(0);
  configure(d, { metrics_allow: '127.0.0.1 10.0.0.0/40' });
  const r = run(['serve', '--site', d, '--listen', '127.0.0.1:0']);
  assert.equal(r.status, 78, r.stderr);
  assert.match(r.stderr, /metrics_allow must list IP addresses or CIDR networks.*10\.0\.0\.0\/40/);
});

test('the access log has Combined Log Format lines for cache hits and misses', async () => {
  const ua = `ops-test/${process.pid}`;
  for (let i = 0; i < 3; i++) {
    const r = await fetch(`${srv.base}/en/?log=1`, { headers: { 'user-agent': ua, referer: 'https://example.com/"x"' } });
    assert.equal(r.status, 200);
    await r.arrayBuffer();
  }
  let lines = [];
  for (let i = 0; i < 100 && lines.length < 3; i++) { // the writer flushes every second
    await new Promise((res) => setTimeout(res, 100));
    lines = fs.existsSync(logPath) ? fs.readFileSync(logPath, 'utf8').split('\n').filter((l) => l.includes(ua)) : [];
  }
  assert.equal(lines.length, 3, 'one line per request, hits included');
  const clf = /^127\.0\.0\.1 - - \[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "GET \/en\/\?log=1 HTTP\/1\.1" 200 (\d+) "https:\/\/example\.com\/\\x22x\\x22" "ops-test\/\d+"$/;
  for (const l of lines) {
    const m = clf.exec(l);
    assert.ok(m, `combined format: ${l}`);
    assert.ok(Number(m[1]) > 1000, 'bytes of the page');
  }
});

test('SIGHUP reopens the access log (logrotate)', async () => {
  const rotated = `${logPath}.1`;
  const waitFor = async (pred, what) => {
    for (let i = 0; i < 100; i++) {
      if (pred()) return;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.fail(`timed out waiting for ${what}`);
  };
  await (await fetch(`${srv.base}/healthz?before-rotate`)).arrayBuffer();
  await waitFor(() => fs.existsSync(logPath) && fs.readFileSync(logPath, 'utf8').includes('before-rotate'), 'the line before rotation');
  fs.renameSync(logPath, rotated);
  srv.proc.kill('SIGHUP');
  await waitFor(() => fs.existsSync(logPath), 'the log to be reopened');
  await (await fetch(`${srv.base}/healthz?after-rotate`)).arrayBuffer();
  await waitFor(() => fs.readFileSync(logPath, 'utf8').includes('after-rotate'), 'the line after rotation');
  assert.doesNotMatch(fs.readFileSync(rotated, 'utf8'), /after-rotate/);
  assert.equal(srv.proc.exitCode, null, 'SIGHUP does not stop the server');
});

test('backup copies the live database: check passes and the newest article is in it', { skip: ENGINE !== 'sqlite' && 'SQLite backups only (PostgreSQL: pg_dump)' }, async () => {
  const s = await login(srv.base, 'ed', PW);
  const ed = await page(srv.base, '/admin/articles/new', s);
  const section = selectOptions(ed.html, 'section').find((o) => o.label === 'English: Business').value;
  const headline = `Backup proof ${process.pid}`;
  const r = await post(srv.base, '/admin/articles/new', s, {
    version: '0', headline, standfirst: 'Written just before the backup.', body: 'Body text.', edition: 'en', section,
    slug: `backup-proof-${process.pid}`, dateline: 'BEIRUT', bylines: 'Rana Haddad', tags: '', media: '0', caption: '',
    credit: '', translation: '', do: 'save',
  });
  assert.equal(r.status, 303, `create: ${formError(await r.text())}`);
  // the write (run on a writer thread) is logged and counted like any request
  let logged = false;
  for (let i = 0; i < 100 && !logged; i++) {
    await new Promise((res) => setTimeout(res, 100));
    logged = /"POST \/admin\/articles\/new HTTP\/1\.1" 303 /.test(fs.readFileSync(logPath, 'utf8'));
  }
  assert.ok(logged, 'the POST is in the access log');
  const m = await scrape();
  assert.ok(val(m, 'broadsheet_http_requests_total{route="/admin/articles/new",status="3xx"}') >= 1, 'the POST is counted');

  const out = path.join(tempDir(), 'copy', 'site.db');
  fs.mkdirSync(path.dirname(out));
  const b = run(['backup', '--site', dir, out]);
  assert.equal(b.status, 0, b.stderr);
  assert.match(b.stdout, /^backed up to .*site\.db\n$/);
  assert.ok(!fs.existsSync(`${out}-wal`), 'one self-contained file');
  assert.deepEqual(fs.readdirSync(path.dirname(out)), ['site.db'], 'no temporary file left');
  // a site made of the copy passes `broadsheet check`
  const copy = path.dirname(out);
  for (const f of ['broadsheet.conf', 'secret.key']) fs.copyFileSync(path.join(dir, f), path.join(copy, f));
  fs.mkdirSync(path.join(copy, 'media'));
  const c = run(['check', '--site', copy]);
  assert.equal(c.status, 0, c.stderr);
  assert.equal(c.stdout, 'ok\n');
  const q = spawnSync('sqlite3', ['-cmd', '.timeout 10000', out, `SELECT count(*) FROM articles WHERE headline = '${headline}'`], { encoding: 'utf8' });
  assert.equal(q.status, 0, q.stderr);
  assert.equal(q.stdout.trim(), '1', 'the article written just before is in the copy');
  // the server goes on serving
  assert.equal((await fetch(`${srv.base}/readyz`)).status, 200);
});

test('backup refuses a PostgreSQL site and bad arguments', () => {
  const d = demoSite(0);
  configure(d, { database: 'postgresql://broadsheet@db.example/news' });
  const pg = run(['backup', '--site', d, path.join(tempDir(), 'x.db')]);
  assert.equal(pg.status, 64);
  assert.match(pg.stderr, /PostgreSQL: back it up with pg_dump .*docs\/operations\.md/);
  assert.equal(run(['backup', '--site', dir]).status, 64, 'no OUTFILE');
  assert.equal(run(['backup', '--site', dir, 'a.db', 'b.db']).status, 64);
  const nodir = run(['backup', '--site', path.join(tempDir(), 'none'), 'x.db']);
  assert.equal(nodir.status, 66);
  if (ENGINE !== 'sqlite') return; // the shared site is on PostgreSQL: refused above already
  const unwritable = run(['backup', '--site', dir, path.join(tempDir(), 'missing-dir', 'x.db')]);
  assert.equal(unwritable.status, 70);
  assert.match(unwritable.stderr, /cannot create/);
});

test('contrib/nginx.conf passes nginx -t', (t) => {
  const nginx = ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find((p) => fs.existsSync(p));
  if (!nginx) {
    t.skip('nginx is not installed (apt-get install nginx-light to run this check)');
    return;
  }
  const tmp = tempDir('bs-nginx-');
  const cert = path.join(tmp, 'cert.pem'), key = path.join(tmp, 'key.pem');
  const ssl = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=news.example.com',
    '-days', '1', '-keyout', key, '-out', cert], { encoding: 'utf8' });
  if (ssl.status !== 0) {
    t.skip(`openssl cannot make a test certificate: ${ssl.stderr}`);
    return;
  }
  const site = fs.readFileSync(path.join(ROOT, 'contrib/nginx.conf'), 'utf8')
    .replaceAll('/etc/letsencrypt/live/news.example.com/fullchain.pem', cert)
    .replaceAll('/etc/letsencrypt/live/news.example.com/privkey.pem', key);
  fs.writeFileSync(path.join(tmp, 'site.conf'), site);
  for (const d of ['logs', 'tmp']) fs.mkdirSync(path.join(tmp, d));
  fs.writeFileSync(path.join(tmp, 'nginx.conf'), `
pid ${tmp}/nginx.pid;
error_log ${tmp}/logs/error.log;
events {}
http {
  access_log off;
  client_body_temp_path ${tmp}/tmp/body;
  proxy_temp_path ${tmp}/tmp/proxy;
  fastcgi_temp_path ${tmp}/tmp/fastcgi;
  uwsgi_temp_path ${tmp}/tmp/uwsgi;
  scgi_temp_path ${tmp}/tmp/scgi;
  include ${tmp}/site.conf;
}
`);
  const r = spawnSync(nginx, ['-t', '-q', '-p', tmp, '-c', path.join(tmp, 'nginx.conf'), '-e', path.join(tmp, 'logs/error.log')], { encoding: 'utf8' });
  assert.equal(r.status, 0, `nginx -t: ${r.stderr}${fs.existsSync(path.join(tmp, 'logs/error.log')) ? fs.readFileSync(path.join(tmp, 'logs/error.log'), 'utf8') : ''}`);
});
