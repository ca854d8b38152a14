// Article views over real HTTP (src/views.c): a browser's GET of an article counts, and after the next
// flush the article is in its edition's Most read list on the front and article pages; bots, tools, HEAD
// and the newsroom's logged-in staff do not count; a 304 to a revalidating browser does; the counters
// reach the store at shutdown and the ranking is there again after a restart; the newsroom dashboard
// draws the views per hour as an accessible inline SVG. The flush interval is short here, and every
// check polls with a deadline instead of sleeping a fixed time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSite, startServer, configure, unescapeHtml, dbExec, ENGINE } from '../lib/server.mjs';
import { addUser, login, page, request } from '../lib/newsroom.mjs';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const PW = 'a-long-password';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let dir, srv, base, arts, admin;

/** Runs one SQL statement on a site's store (sqlite3 or psql); returns stdout, tab-separated. */
const sql = dbExec;

/** The published articles of a site, newest first, with their public addresses. */
function articlesOf(site) {
  const day = ENGINE === 'pg' ? "to_char(to_timestamp(published_at) AT TIME ZONE 'UTC', 'YYYY/MM/DD')"
    : "strftime('%Y/%m/%d', published_at, 'unixepoch')";
  return sql(site, `SELECT id, edition, slug, ${day} FROM articles `
    + "WHERE status = 'published' ORDER BY published_at DESC, id").trim().split('\n').map((line) => {
    const [id, edition, slug, ymd] = line.split('\t');
    return { id: Number(id), edition, slug, href: `/${edition}/${ymd}/${encodeURIComponent(slug)}` };
  });
}

/** The views stored for an article (all hours). */
function stored(site, id) {
  return Number(sql(site, `SELECT coalesce(sum(views), 0) FROM article_views WHERE article_id = ${id}`).trim());
}

/** Waits until fn() is truthy (polling), failing with `what` after the deadline; returns fn's value. */
async function until(fn, what, ms = 30000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** GETs a path as a browser (or with the given headers), returns the response with its text read. */
async function view(p, headers = { 'user-agent': BROWSER }, method = 'GET') {
  const res = await fetch(base + p, { method, headers, redirect: 'manual' });
  res.body_text = await res.text();
  return res;
}

/** The Most read list of a page: [{href, headline}] (null when the page has none). */
function mostRead(html) {
  const aside = /<aside class="latest most-read" aria-labelledby="most-read-title">([\s\S]*?)<\/aside>/.exec(html);
  if (!aside) return null;
  return [...aside[1].matchAll(/<li><a href="([^"]+)">([^<]*)<\/a><\/li>/g)]
    .map((m) => ({ href: unescapeHtml(m[1]), headline: unescapeHtml(m[2]) }));
}

/** The hrefs of the Most read list of the page at p ([] when it has none). */
async function mostReadOf(p) {
  const r = await view(p, { 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' });
  assert.equal(r.status, 200, p);
  return (mostRead(r.body_text) || []).map((x) => x.href);
}

before(async () => {
  dir = demoSite(0);
  configure(dir, { views_flush_ms: 100 });
  addUser(dir, 'boss', 'admin', PW);
  arts = articlesOf(dir);
  srv = await startServer(dir);
  base = srv.base;
  admin = await login(base, 'boss', PW);
});

after(async () => {
  await srv?.stop();
});

test('a fresh site shows no Most read list (no empty heading)', async () => {
  const r = await view('/en/', { 'user-agent': 'curl/8.0' });
  assert.equal(r.status, 200);
  assert.equal(mostRead(r.body_text), null);
  assert.doesNotMatch(r.body_text, /most-read-title/);
});

test('views by a browser are counted and rank the article in its own edition\'s Most read', async () => {
  const en = arts.filter((a) => a.edition === 'en');
  const ar = arts.filter((a) => a.edition === 'ar');
  const [a, b] = [en[5], en[6]];
  const c = ar[3];
  for (let i = 0; i < 3; i++) assert.equal((await view(a.href)).status, 200);
  for (let i = 0; i < 5; i++) assert.equal((await view(b.href)).status, 200);
  assert.equal((await view(c.href)).status, 200);
  // after a flush: b (5 views) before a (3), on the front page and on another article's page
  const front = await until(async () => {
    const list = await mostReadOf('/en/');
    return list.indexOf(a.href) > list.indexOf(b.href) && list.indexOf(b.href) === 0 ? list : null;
  }, 'the English Most read list to rank b, then a');
  await until(async () => (await mostReadOf('/ar/')).includes(c.href), 'the Arabic article in the Arabic list');
  assert.deepEqual(front.slice(0, 2), [b.href, a.href]);
  assert.ok(!front.includes(c.href), 'an Arabic article is not in the English list');
  const onArticle = await mostReadOf(en[0].href);
  assert.deepEqual(onArticle.slice(0, 2), [b.href, a.href], 'article pages show the same list');
  assert.equal(stored(dir, a.id), 3);
  assert.equal(stored(dir, b.id), 5);

  const arFront = await view('/ar/', { 'user-agent': BROWSER });
  assert.match(arFront.body_text, /<h2 id="most-read-title">الأكثر قراءة<\/h2>/);
  assert.ok(mostRead(arFront.body_text).some((x) => x.href === c.href), 'the Arabic list has the Arabic article');
  const enFront = await view('/en/', { 'user-agent': 'curl/8.0' });
  assert.match(enFront.body_text, /<h2 id="most-read-title">Most read<\/h2>/);
  const headline = sql(dir, `SELECT headline FROM articles WHERE id = ${b.id}`).trim();
  assert.equal(mostRead(enFront.body_text)[0].headline, headline);
});

test('bots, tools, HEAD and logged-in staff do not count; a 304 to a browser does', async () => {
  const en = arts.filter((a) => a.edition === 'en');
  const quiet = en[10], marker = en[11];
  const agents = ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'Mozilla/5.0 (compatible; bingbot/2.0)', 'curl/8.5.0', 'Wget/1.21', 'python-requests/2.31',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36',
    'node', ''];
  for (const ua of agents) assert.equal((await view(quiet.href, { 'user-agent': ua })).status, 200, ua);
  assert.equal((await view(quiet.href, { 'user-agent': BROWSER }, 'HEAD')).status, 200);
  const staff = await request(base, quiet.href, { session: admin, headers: { 'user-agent': BROWSER } });
  assert.equal(staff.status, 200);
  await staff.text();
  // then two views of the marker, the second a revalidation: once both are stored, the requests above
  // have been through a flush too. The first view moves the marker into the English Most read, which
  // changes (and purges) every English page showing that list, the marker's own included: the ETag to
  // revalidate is the page's after that, fetched by a tool (not counted)
  const first = await view(marker.href);
  assert.equal(first.status, 200);
  await until(async () => (await mostReadOf('/en/')).includes(marker.href), 'the marker in the English Most read');
  const current = await view(marker.href, { 'user-agent': 'curl/8.5.0' });
  assert.equal(current.status, 200);
  const etag = current.headers.get('etag');
  assert.ok(etag);
  const again = await view(marker.href, { 'user-agent': BROWSER, 'if-none-match': etag });
  assert.equal(again.status, 304);
  await until(() => stored(dir, marker.id) === 2, 'the marker article\'s two views to be stored');
  assert.equal(stored(dir, quiet.id), 0, 'none of the bot, tool, HEAD or staff requests counted');
});

test('the newsroom dashboard draws the views per hour as an accessible SVG chart', async () => {
  const byHour = new Map(sql(dir, 'SELECT hour, sum(views) FROM article_views GROUP BY hour').trim().split('\n')
    .map((line) => line.split('\t').map(Number)));
  const total = [...byHour.values()].reduce((x, y) => x + y, 0);
  assert.ok(total > 0, 'the earlier tests stored views');
  const { status, html } = await page(base, '/admin/', admin);
  assert.equal(status, 200);
  const svg = /<svg class="chart"[^>]*>[\s\S]*?<\/svg>/.exec(html);
  assert.ok(svg, 'the dashboard has the chart');
  assert.match(svg[0], /role="img" aria-labelledby="chart-title chart-desc"/);
  assert.match(svg[0], /<title id="chart-title">Article views per hour, last 48 hours \(UTC\)<\/title>/);
  const bars = [...svg[0].matchAll(/<rect class="bar" x="\d+" y="\d+" width="\d+" height="(\d+)"><title>[^<]* UTC: (\d+) views?<\/title><\/rect>/g)]
    .map((m) => ({ height: Number(m[1]), views: Number(m[2]) }));
  assert.equal(bars.length, 48, 'one bar per hour');
  // the table of hours under the chart names each bar's hour
  const rows = [...html.matchAll(/<tr><td><time datetime="([^"]+)">[^<]*<\/time><\/td><td>(\d+)<\/td><\/tr>/g)]
    .map((m) => ({ hour: Date.parse(m[1]) / 1000, views: Number(m[2]) }));
  assert.equal(rows.length, 48);
  for (let k = 0; k < 48; k++) {
    const want = byHour.get(rows[k].hour) || 0;
    assert.equal(rows[k].views, want, `the table's hour ${k}`);
    assert.equal(bars[k].views, want, `bar ${k}'s label`);
    assert.equal(bars[k].height > 0, want > 0, `bar ${k} is drawn when its hour had views`);
    if (k) assert.equal(rows[k].hour, rows[k - 1].hour + 3600, 'hours in order');
  }
  const top = Math.max(...bars.map((b) => b.views));
  const tallest = Math.max(...bars.map((b) => b.height));
  assert.ok(bars.every((b) => b.views !== top || b.height === tallest), 'the busiest hour has the tallest bar');
  const summary = `${total} views in the last 48 hours`;
  assert.match(svg[0], new RegExp(`<desc id="chart-desc">${summary}`));
  assert.match(html, new RegExp(`<figcaption>${summary}`));
  assert.doesNotMatch(html, /<script/, 'no script: the chart is drawn by the server');
  // each published article's views in the list
  const b = arts.filter((a) => a.edition === 'en')[6];
  const item = new RegExp(`<a href="/admin/articles/${b.id}">[^\\n]*?<span class="views">5 views in 48 h</span>`);
  assert.match(html, item, 'the published list shows an article\'s views');
});

test('counts reach the store at shutdown and the ranking is back after a restart', async () => {
  const site = demoSite(0);
  configure(site, { views_flush_ms: 3600000 }); // no timed flush during this test
  const list = articlesOf(site).filter((a) => a.edition === 'ar');
  const target = list[4];
  let s = await startServer(site);
  for (let i = 0; i < 4; i++) {
    const r = await fetch(s.base + target.href, { headers: { 'user-agent': BROWSER } });
    assert.equal(r.status, 200);
    await r.text();
  }
  assert.equal(stored(site, target.id), 0, 'nothing is written before the flush');
  await s.stop();
  assert.equal(stored(site, target.id), 4, 'the last flush at shutdown wrote the views');
  s = await startServer(site);
  try {
    const r = await fetch(s.base + '/ar/', { headers: { 'user-agent': 'curl/8' } });
    const items = mostRead(await r.text());
    assert.ok(items && items[0].href === target.href, 'Most read is ranked again at start-up');
  } finally {
    await s.stop();
  }
});
