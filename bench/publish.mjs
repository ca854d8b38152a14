// bench/publish.mjs - benchmark 5 of issue 7: publish-to-visible latency. The release server serves a
// demo site with ARTICLES generated articles and a warm page cache (both front pages and WARM article
// pages fetched first); then ROUNDS times an article is published through the admin API and the English
// front page is polled until its headline shows, and then unpublished and polled until it is gone.
// Times are from sending the API call. Goal: visible within 50 ms.
//
//   node bench/publish.mjs            (ARTICLES=1000 WARM=500 ROUNDS=30 in the environment to change)
// Prints Markdown (paste into bench/RESULTS.md).
import { execSync } from 'node:child_process';
import os from 'node:os';
import fs from 'node:fs';

process.env.BROADSHEET_BIN ||= 'build/broadsheet';
const { demoSite, startServer } = await import('../tests/lib/server.mjs');
const { addUser, login } = await import('../tests/lib/newsroom.mjs');

const ARTICLES = Number(process.env.ARTICLES || 1000);
const WARM = Number(process.env.WARM || 500);
const ROUNDS = Number(process.env.ROUNDS || 30);

execSync('make -s -j2 build/broadsheet', { stdio: 'inherit' });
const dir = demoSite(ARTICLES);
addUser(dir, 'bench', 'admin');
const srv = await startServer(dir);
const boss = await login(srv.base, 'bench', 'a-long-password');
const form = new URLSearchParams({ csrf: boss.csrf, name: 'publish bench', days: '1' });
for (const s of ['read', 'write', 'publish']) form.append('scope', s);
const kr = await fetch(`${srv.base}/admin/api-keys`, { method: 'POST', body: form, headers: { cookie: `bs_session=${boss.cookie}` } });
const key = /<code class="token">(bsk_[0-9a-f]{64})<\/code>/.exec(await kr.text())[1];

async function api(method, p, body) {
  const r = await fetch(srv.base + p, {
    method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, json: await r.json() };
}

// warm the cache: front pages and WARM article pages (from the public API)
let warmed = 0;
for (const ed of ['en', 'ar']) await (await fetch(`${srv.base}/${ed}/`)).text();
let cursor = '';
while (warmed < WARM) {
  const list = await api('GET', `/api/v1/articles?limit=100${cursor}`);
  for (const a of list.json.articles) {
    if (warmed >= WARM) break;
    await (await fetch(a.url)).text();
    warmed++;
  }
  if (!list.json.next_cursor) break;
  cursor = `&cursor=${encodeURIComponent(list.json.next_cursor)}`;
}
const hit = await fetch(`${srv.base}/en/`);
await hit.text();

/** Polls the front page until pred(html) holds; returns ms since t0 and the polls made. */
async function until(t0, pred) {
  for (let polls = 1; ; polls++) {
    const r = await fetch(`${srv.base}/en/`);
    const html = await r.text();
    if (pred(html)) return { ms: performance.now() - t0, polls, cache: r.headers.get('x-cache') };
    if (performance.now() - t0 > 10000) throw new Error('not visible after 10 s');
  }
}

const pub = [], unpub = [], apiPub = [];
for (let i = 0; i < ROUNDS; i++) {
  const headline = `Publish bench ${process.pid} round ${i} ${Math.random().toString(36).slice(2)}`;
  const c = await api('POST', '/api/v1/admin/articles', { edition: 'en', section: 'politics', slug: `publish-bench-${process.pid}-${i}`, headline, standfirst: 'Benchmark', body: 'Benchmark body.' });
  if (c.status !== 201) throw new Error(`create: ${c.status}`);
  const t0 = performance.now();
  const p = await api('POST', `/api/v1/admin/articles/${c.json.article.id}/publish`);
  apiPub.push(performance.now() - t0);
  if (p.status !== 200) throw new Error(`publish: ${p.status}`);
  pub.push((await until(t0, (h) => h.includes(headline))).ms);
  const t1 = performance.now();
  const u = await api('POST', `/api/v1/admin/articles/${c.json.article.id}/unpublish`);
  if (u.status !== 200) throw new Error(`unpublish: ${u.status}`);
  unpub.push((await until(t1, (h) => !h.includes(headline))).ms);
}
await srv.stop();

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };
const row = (name, xs) => `| ${name} | ${xs.length} | ${pct(xs, 0.5).toFixed(1)} | ${pct(xs, 0.95).toFixed(1)} | ${Math.max(...xs).toFixed(1)} |`;
const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`## Publish-to-visible (benchmark 5), ${new Date().toISOString().slice(0, 10)}\n`);
console.log(`- machine: ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB; load average after the run ${load}`);
console.log(`- command: node bench/publish.mjs (ARTICLES=${ARTICLES} WARM=${WARM} ROUNDS=${ROUNDS}); release build, loopback`);
console.log(`- ${warmed} article pages and both front pages cached before the first round\n`);
console.log('| step | rounds | p50 ms | p95 ms | max ms |\n| --- | ---: | ---: | ---: | ---: |');
console.log(row('publish API call returned', apiPub));
console.log(row('publish → front page shows it', pub));
console.log(row('unpublish → front page no longer shows it', unpub));
