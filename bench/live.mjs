// bench/live.mjs - live blog polling (issue 21), run by bench/live.sh (which raises the file limit, installs
// wrk and nginx and builds the release binary). Two measurements:
//
// 1. Poll throughput: wrk against a live blog's {base}/live.json (a page-cache hit) and against nginx
//    serving the same bytes from a file, interleaved, at each of CONNS connections; the ratio is
//    Broadsheet / nginx. Two request kinds: a plain GET (200, the whole document) and the conditional GET
//    a polling reader makes (If-None-Match with the current ETag: 304). wrk runs flat out, so this is the
//    most the server answers, not 10,000 readers' real rate (10,000 readers every 5 s = 2,000 req/s).
// 2. Entry-visible latency: READERS simulated readers (one keep-alive connection each, polling live.json
//    every EVERY ms with If-None-Match, their phases spread over the interval) load the server while an
//    entry is posted every POST_EVERY ms through the newsroom (the live desk's form, as an editor's browser
//    posts it). PROBES further pollers ask every PROBE_MS ms and record, for each entry, the time from the
//    POST returning to their first answer that holds the new entry's id: the p99 of those is the
//    entry-visible latency (the readers' own first sight adds their up-to-5-s poll interval; it is
//    printed too). One node on SQLite; then two nodes on one PostgreSQL (scripts/test-pg.sh), posting on A
//    and polling B (the purge travels by LISTEN/NOTIFY).
//
//   bash bench/live.sh     (READERS=10000 SECONDS=30 EVERY=5000 POST_EVERY=5000 PROBES=10 PROBE_MS=50
//                           WRK_SECONDS=10 CONNS="1000 10000" ENGINES="sqlite pg" to change)
// Prints Markdown to paste into bench/RESULTS.md.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';

const env = (k, d) => process.env[k] || d;
const READERS = Number(env('READERS', 10000));
const SECONDS = Number(env('SECONDS', 30));
const EVERY = Number(env('EVERY', 5000));
const POST_EVERY = Number(env('POST_EVERY', 5000));
const PROBES = Number(env('PROBES', 10));
const PROBE_MS = Number(env('PROBE_MS', 50));
const WRK_SECONDS = Number(env('WRK_SECONDS', 10));
const CONNS = env('CONNS', '1000 10000').split(/\s+/).filter(Boolean).map(Number);
const ENGINES = env('ENGINES', 'sqlite pg').split(/\s+/).filter(Boolean);
const PW = 'a-long-password';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)] : NaN; };
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');

process.env.BROADSHEET_BIN ||= 'build/broadsheet';
const out = [];
const say = (s) => { out.push(s); console.error(s); };

/** The server side of one engine: nodes started, a live blog made, a poster. */
async function setup(engine) {
  process.env.BROADSHEET_TEST_DB = engine;
  let pgDir = null;
  if (engine === 'pg') {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-bench-live-pg-'));
    fs.chmodSync(parent, 0o755);
    pgDir = path.join(parent, 'cluster');
    const r = spawnSync('scripts/test-pg.sh', ['start', pgDir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cannot start PostgreSQL: ${r.stderr}`);
    process.env.BROADSHEET_TEST_PG = r.stdout.trim();
  }
  const { demoSite, startServer, tempDir } = await import(`../tests/lib/server.mjs?${engine}`);
  const { addUser, login } = await import('../tests/lib/newsroom.mjs');
  const dirA = demoSite(0);
  const limits = '\nmax_connections = 30000\nper_ip_connections = 30000\ncache_mb = 64\n';
  fs.appendFileSync(path.join(dirA, 'broadsheet.conf'), limits);
  addUser(dirA, 'bench', 'editor');
  const nodes = [await startServer(dirA)];
  if (engine === 'pg') {
    const dirB = path.join(tempDir(), 'node-b');
    fs.mkdirSync(dirB);
    for (const f of ['broadsheet.conf', 'secret.key']) fs.copyFileSync(path.join(dirA, f), path.join(dirB, f));
    fs.appendFileSync(path.join(dirB, 'broadsheet.conf'), `\nmedia_dir = ${path.join(dirA, 'media')}\n`);
    nodes.push(await startServer(dirB));
  }
  const A = nodes[0], B = nodes[nodes.length - 1];
  const s = await login(A.base, 'bench', PW);
  const live = await liveBlog(A.base, s);
  return { engine, A, B, s, live, nodes, pgDir };
}

/** Finds the demo's live blog (the English one) or makes one of the newest English article; returns
 * {id, href}. */
async function liveBlog(base, s) {
  const list = await (await fetch(`${base}/api/v1/articles?edition=en&limit=50`)).json();
  let art = list.articles.find((a) => a.live && a.live.state === 'live');
  if (!art) {
    art = list.articles[0];
    const r = await postForm(base, `/admin/articles/${art.id}/live`, s, { do: 'start' });
    if (r.status >= 400) throw new Error(`cannot start a live blog: ${r.status}`);
  }
  return { id: art.id, href: new URL(art.url).pathname };
}

/** POSTs a form as the newsroom's browser does; returns the response (body read). */
async function postForm(base, p, s, fields) {
  const r = await fetch(base + p, {
    method: 'POST', redirect: 'manual',
    headers: { cookie: `bs_session=${s.cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf: s.csrf, ...fields }),
  });
  await r.text();
  return r;
}

/** Runs wrk; returns {rps, p99ms, non2xx}. */
function wrk(url, conns, headers) {
  const args = ['-t', '2', '-c', String(conns), '-d', `${WRK_SECONDS}s`, '--latency', '--timeout', '10s'];
  for (const h of headers) args.push('-H', h);
  const r = spawnSync('wrk', [...args, url], { encoding: 'utf8' });
  const o = r.stdout || '';
  const rps = Number((/Requests\/sec:\s+([\d.]+)/.exec(o) || [])[1]);
  const m = /\s99%\s+([\d.]+)(us|ms|s)/.exec(o);
  const p99 = m ? Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1) : NaN;
  const non2xx = Number((/Non-2xx or 3xx responses:\s+(\d+)/.exec(o) || [0, 0])[1]);
  const errs = (/Socket errors:([^\n]*)/.exec(o) || [null, ''])[1].trim();
  return { rps, p99, non2xx, errs };
}

/** Throughput: wrk on live.json against nginx with the same bytes (200 and 304), one SQLite node. */
async function throughput(sv) {
  const url = `${sv.A.base}${sv.live.href}/live.json`;
  for (let i = 0; i < 3; i++) await (await fetch(url)).text();
  const r = await fetch(url);
  const body = Buffer.from(await r.arrayBuffer());
  const etag = r.headers.get('etag');
  if (r.headers.get('x-cache') !== 'hit') throw new Error('live.json is not served from the page cache');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-bench-live-ngx-'));
  fs.chmodSync(tmp, 0o755);
  fs.mkdirSync(path.join(tmp, 'www'));
  fs.writeFileSync(path.join(tmp, 'www', 'live.json'), body);
  fs.chmodSync(path.join(tmp, 'www'), 0o755);
  const port = 20000 + Math.floor(Math.random() * 20000);
  fs.writeFileSync(path.join(tmp, 'nginx.conf'), `worker_processes ${os.cpus().length};
daemon off; pid ${tmp}/nginx.pid; error_log ${tmp}/error.log warn;
worker_rlimit_nofile 65536;
events { worker_connections 20000; }
http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000000; keepalive_timeout 60;
  client_body_temp_path ${tmp}/body; proxy_temp_path ${tmp}/proxy; fastcgi_temp_path ${tmp}/fcgi;
  uwsgi_temp_path ${tmp}/uwsgi; scgi_temp_path ${tmp}/scgi;
  server { listen 127.0.0.1:${port}; root ${tmp}/www;
    location = /live.json { default_type "application/json; charset=utf-8"; etag on; } } }
`);
  const ngx = spawn('nginx', ['-c', `${tmp}/nginx.conf`, '-p', tmp], { stdio: 'ignore' });
  const NG = `http://127.0.0.1:${port}/live.json`;
  let same = false;
  for (let i = 0; i < 50 && !same; i++) {
    try { same = Buffer.compare(Buffer.from(await (await fetch(NG)).arrayBuffer()), body) === 0; } catch { await sleep(100); }
  }
  if (!same) throw new Error('nginx does not serve live.json\'s bytes');
  const ngEtag = (await fetch(NG)).headers.get('etag');
  say(`live.json: ${body.length} bytes, ETag ${etag}; wrk 2 threads, ${WRK_SECONDS} s a run, nginx ${os.cpus().length} workers, broadsheet default threads`);
  say('');
  say('| request | connections | broadsheet req/s | nginx req/s | ratio | broadsheet p99 ms | nginx p99 ms | errors (bs / nginx) |');
  say('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const c of CONNS) {
    for (const kind of ['200', '304']) {
      const hb = kind === '304' ? [`If-None-Match: ${etag}`] : [];
      const hn = kind === '304' ? [`If-None-Match: ${ngEtag}`] : [];
      const n = wrk(NG, c, hn), b = wrk(url, c, hb);
      say(`| GET ${kind === '304' ? 'If-None-Match (304)' : '(200)'} | ${c} | ${b.rps.toFixed(0)} | ${n.rps.toFixed(0)} | ${(b.rps / n.rps).toFixed(2)}x | ${f1(b.p99)} | ${f1(n.p99)} | ${b.errs || b.non2xx || 'none'} / ${n.errs || n.non2xx || 'none'} |`);
    }
  }
  ngx.kill('SIGTERM');
  say('');
}

/** Latency: READERS pollers + PROBES probes on node B while entries are posted on node A. */
async function latency(sv) {
  const url = new URL(`${sv.B.base}${sv.live.href}/live.json`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: READERS + PROBES, maxFreeSockets: READERS + PROBES });
  let stop = false;
  const posted = new Map(); // entry marker -> {returned: time the POST returned (NaN until then)}, set before the POST
  const sightings = []; // {marker, at, probe}: a poller's first answer holding marker
  const stats = { polls: 0, ok: 0, notModified: 0, errors: 0 };
  const get = (etag) => new Promise((resolve) => {
    const req = http.get({ agent, host: url.hostname, port: url.port, path: url.pathname, headers: etag ? { 'if-none-match': etag } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, etag: res.headers.etag, text }));
    });
    req.on('error', () => resolve({ status: 0 }));
    req.setTimeout(10000, () => req.destroy());
  });
  // a poller: keeps its ETag and the markers it has seen; record(ms) for each marker newly seen
  const poller = async (interval, phase, record, reader) => {
    let etag = null;
    const seen = new Set();
    await sleep(phase);
    while (!stop) {
      const t = performance.now();
      const r = await get(etag);
      if (reader) stats.polls++;
      if (r.status === 200) {
        stats.ok++;
        etag = r.etag;
        const at = performance.now();
        for (const marker of posted.keys()) if (!seen.has(marker) && r.text.includes(marker)) { seen.add(marker); record(marker, at); }
      } else if (r.status === 304) stats.notModified++;
      else stats.errors++;
      await sleep(Math.max(0, interval - (performance.now() - t)));
    }
  };
  const tasks = [];
  for (let i = 0; i < READERS; i++) tasks.push(poller(EVERY, (i * EVERY) / READERS, (marker, at) => sightings.push({ marker, at, probe: false }), true));
  for (let i = 0; i < PROBES; i++) tasks.push(poller(PROBE_MS, (i * PROBE_MS) / PROBES, (marker, at) => sightings.push({ marker, at, probe: true }), false));
  const lag = monitorEventLoopDelay({ resolution: 10 });
  await sleep(EVERY + 1000); // every reader has made its first poll
  const t0 = performance.now(), polls0 = stats.polls;
  lag.enable();
  let n = 0, postErrors = 0;
  while (performance.now() - t0 < SECONDS * 1000) {
    const marker = `bench-entry-${process.pid}-${sv.engine}-${n++}`;
    const p = { returned: NaN };
    posted.set(marker, p); // before the POST: a poller may see the entry before the POST's answer is read
    const r = await postForm(sv.A.base, `/admin/articles/${sv.live.id}/live/entries`, sv.s, { body: `Update ${marker}: the count goes on.` });
    if (r.status >= 400) { postErrors++; posted.delete(marker); } else p.returned = performance.now();
    await sleep(POST_EVERY);
  }
  const secs = (performance.now() - t0) / 1000, polls = stats.polls - polls0;
  stop = true;
  lag.disable();
  await Promise.all(tasks);
  agent.destroy();
  // each sighting's latency: from the POST returning (0 when the entry was seen before its answer was read)
  const probeSeen = [], readerSeen = [];
  let early = 0;
  for (const x of sightings) {
    const p = posted.get(x.marker);
    if (!p) continue;
    const ms = Math.max(0, x.at - p.returned);
    if (x.at < p.returned) early++;
    (x.probe ? probeSeen : readerSeen).push(ms);
  }
  const want = posted.size * PROBES;
  say(`| ${sv.engine === 'pg' ? 'two nodes, PostgreSQL (post on A, poll B)' : 'one node, SQLite'} | ${READERS} | ${(polls / secs).toFixed(0)} | ${posted.size}${postErrors ? ` (${postErrors} refused)` : ''} | ${probeSeen.length}/${want} | ${f1(pct(probeSeen, 50))} | ${f1(pct(probeSeen, 99))} | ${f1(Math.max(...probeSeen))} | ${f1(pct(readerSeen, 50))} / ${f1(pct(readerSeen, 99))} | ${stats.errors} | ${early} | ${f1(lag.percentile(99) / 1e6)} / ${f1(lag.max / 1e6)} |`);
}

say(`## Issue 21: live blog polling (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, \`bash bench/live.sh\`)`);
say('');
say(`machine: ${os.type()} ${os.release()}; ${os.cpus().length} cores (${os.cpus()[0].model}); load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} at the start`);
say('');
const servers = [];
try {
  for (const engine of ENGINES) servers.push(await setup(engine));
  const sq = servers.find((x) => x.engine === 'sqlite');
  if (sq && CONNS.length) {
    say('### Poll throughput: live.json vs nginx serving the same bytes (one node, SQLite)');
    say('');
    await throughput(sq);
  }
  say(`### Entry-visible latency: ${READERS} readers polling every ${EVERY / 1000} s, an entry posted every ${POST_EVERY / 1000} s for ${SECONDS} s`);
  say('');
  say(`Latency: from the newsroom POST returning to a probe's first answer holding the entry (${PROBES} probes polling every ${PROBE_MS} ms, so up to ${PROBE_MS} ms of it is the probe's own wait); readers' first sight includes their poll interval.`);
  say('');
  say('| setup | readers | reader polls/s | entries | probe sightings | p50 ms | p99 ms | max ms | readers p50 / p99 ms | poll errors | seen before the POST returned | client event-loop delay p99 / max ms |');
  say('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const sv of servers) await latency(sv);
} finally {
  for (const sv of servers) for (const n of sv.nodes) { n.proc.kill('SIGTERM'); await n.exited; }
  for (const sv of servers) if (sv.pgDir) spawnSync('scripts/test-pg.sh', ['stop', sv.pgDir]);
}
console.log(out.join('\n'));
