// bench/nodes.mjs - publish-to-visible across two nodes (docs/operations.md, several nodes): two release
// servers on one throwaway PostgreSQL (scripts/test-pg.sh), each with a warm page cache; ROUNDS times an
// article is published through node A's admin API and node B's English front page (a cache hit until a
// purge arrives) is polled until its headline shows, then unpublished on A and polled on B until it is
// gone. Times are from sending the API call to A, so they include A's commit and the NOTIFY's way
// through PostgreSQL to B's listener. Goal (issue 8): within a second.
//
//   node bench/nodes.mjs            (ARTICLES=1000 ROUNDS=30 in the environment to change)
// Prints Markdown (paste into bench/RESULTS.md).
import { execSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ARTICLES = Number(process.env.ARTICLES || 1000);
const ROUNDS = Number(process.env.ROUNDS || 30);

execSync('make -s -j2 build/broadsheet', { stdio: 'inherit' });
const pgParent = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-bench-pg-'));
fs.chmodSync(pgParent, 0o755); // the server runs as the postgres user when the bench runs as root
const pgDir = path.join(pgParent, 'cluster');
const started = spawnSync('scripts/test-pg.sh', ['start', pgDir], { encoding: 'utf8' });
if (started.status !== 0) throw new Error(`cannot start PostgreSQL: ${started.stderr}`);
process.env.BROADSHEET_BIN ||= 'build/broadsheet';
process.env.BROADSHEET_TEST_DB = 'pg';
process.env.BROADSHEET_TEST_PG = started.stdout.trim();
const { demoSite, startServer, tempDir } = await import('../tests/lib/server.mjs');
const { addUser, login } = await import('../tests/lib/newsroom.mjs');

let A, B;
try {
  const dirA = demoSite(ARTICLES);
  const dirB = path.join(tempDir(), 'node-b');
  fs.mkdirSync(dirB);
  for (const f of ['broadsheet.conf', 'secret.key']) fs.copyFileSync(path.join(dirA, f), path.join(dirB, f));
  fs.appendFileSync(path.join(dirB, 'broadsheet.conf'), `\nmedia_dir = ${path.join(dirA, 'media')}\n`);
  addUser(dirA, 'bench', 'admin');
  [A, B] = await Promise.all([startServer(dirA), startServer(dirB)]);
  const boss = await login(A.base, 'bench', 'a-long-password');
  const form = new URLSearchParams({ csrf: boss.csrf, name: 'nodes bench', days: '1' });
  for (const s of ['read', 'write', 'publish']) form.append('scope', s);
  const kr = await fetch(`${A.base}/admin/api-keys`, { method: 'POST', body: form, headers: { cookie: `bs_session=${boss.cookie}` } });
  const key = /<code class="token">(bsk_[0-9a-f]{64})<\/code>/.exec(await kr.text())[1];
  const api = async (method, p, body) => {
    const r = await fetch(A.base + p, {
      method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, json: await r.json() };
  };
  for (let i = 0; i < 3; i++) for (const s of [A, B]) await (await fetch(`${s.base}/en/`)).text();

  /** Polls B's front page until pred(html) holds; returns {ms since t0, hits seen before}. */
  const until = async (t0, pred) => {
    let hits = 0;
    for (;;) {
      const r = await fetch(`${B.base}/en/`);
      const html = await r.text();
      if (pred(html)) return { ms: performance.now() - t0, hits };
      if (r.headers.get('x-cache') === 'hit') hits++;
      if (performance.now() - t0 > 10000) throw new Error('not visible on node B after 10 s');
    }
  };

  const pub = [], unpub = [];
  let stale = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const headline = `Nodes bench ${process.pid} round ${i} ${Math.random().toString(36).slice(2)}`;
    const c = await api('POST', '/api/v1/admin/articles', { edition: 'en', section: 'politics', slug: `nodes-bench-${process.pid}-${i}`, headline, standfirst: 'Benchmark', body: 'Benchmark body.' });
    if (c.status !== 201) throw new Error(`create: ${c.status}`);
    await (await fetch(`${B.base}/en/`)).text(); // B's front page cached before the publish
    const t0 = performance.now();
    const p = await api('POST', `/api/v1/admin/articles/${c.json.article.id}/publish`);
    if (p.status !== 200) throw new Error(`publish: ${p.status}`);
    const seen = await until(t0, (h) => h.includes(headline));
    pub.push(seen.ms);
    stale += seen.hits;
    const t1 = performance.now();
    const u = await api('POST', `/api/v1/admin/articles/${c.json.article.id}/unpublish`);
    if (u.status !== 200) throw new Error(`unpublish: ${u.status}`);
    unpub.push((await until(t1, (h) => !h.includes(headline))).ms);
  }
  const metric = async (s, name) => /^(\S+) (\d+)$/m.exec((await (await fetch(`${s.base}/metrics`)).text()).split('\n')
    .find((l) => l.startsWith(`${name} `)) ?? '')?.[2];
  const sent = await metric(A, 'broadsheet_cache_purges_sent_total');
  const received = await metric(B, 'broadsheet_cache_purges_received_total');

  const pct = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * q))]; };
  const row = (name, xs) => `| ${name} | ${xs.length} | ${pct(xs, 0.5).toFixed(1)} | ${pct(xs, 0.95).toFixed(1)} | ${Math.max(...xs).toFixed(1)} |`;
  const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`## Publish on node A, visible on node B (two nodes, one PostgreSQL), ${new Date().toISOString().slice(0, 10)}\n`);
  console.log(`- machine: ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB; load average after the run ${load}`);
  console.log(`- command: node bench/nodes.mjs (ARTICLES=${ARTICLES} ROUNDS=${ROUNDS}); release build, loopback, PostgreSQL from scripts/test-pg.sh (fsync off)`);
  console.log(`- purges published by A: ${sent}, received by B: ${received}; stale cache hits served by B before the purge arrived: ${stale}\n`);
  console.log('| step | rounds | p50 ms | p95 ms | max ms |\n| --- | ---: | ---: | ---: | ---: |');
  console.log(row('publish on A → B\'s front page shows it', pub));
  console.log(row('unpublish on A → B\'s front page no longer shows it', unpub));
} finally {
  await Promise.allSettled([A?.stop(), B?.stop()]);
  spawnSync('scripts/test-pg.sh', ['stop', pgDir]);
  fs.rmSync(pgParent, { recursive: true, force: true });
}
