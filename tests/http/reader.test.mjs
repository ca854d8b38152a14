// The reader's site over real HTTP: front pages, articles, section/tag/author lists, editions,
// the latest-news stamps and the footer, in both editions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSite, startServer, demoDoc, unescapeHtml, rawRequest, statusOf, dbExec, siteDatabase } from '../lib/server.mjs';

let srv, dir;
const get = (p, opts = {}) => fetch(srv.base + p, { redirect: 'manual', ...opts });
const html = async (p) => {
  const r = await get(p);
  assert.equal(r.status, 200, `GET ${p}`);
  return r.text();
};
const DAYS_EN = 'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday';
const MONTHS_EN = 'January|February|March|April|May|June|July|August|September|October|November|December';
const DAYS_AR = 'الاثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت|الأحد';
const MONTHS_AR = 'يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر';
const STAMP_EN = new RegExp(`GMT \\d\\d:\\d\\d \\d{4} (${DAYS_EN}) ,\\d\\d (${MONTHS_EN})`);
const STAMP_AR = new RegExp(`GMT \\d\\d:\\d\\d \\d{4} (${DAYS_AR}) ,\\d\\d (${MONTHS_AR})`);

/** The latest-news items of a page: [{href, headline, stamp, iso}]. */
function latest(page) {
  const aside = /<aside class="latest"[\s\S]*?<\/aside>/.exec(page);
  assert.ok(aside, 'page has a latest-news aside');
  return [...aside[0].matchAll(/<li><a href="([^"]+)">([^<]*)<\/a> <time datetime="([^"]+)" dir="(?:ltr|rtl)">([^<]*)<\/time>/g)]
    .map((m) => ({ href: m[1], headline: unescapeHtml(m[2]), iso: m[3], stamp: m[4] }));
}

/** Formats an ISO time as the site stamp, independently of the server's code. */
function stampOf(iso, lang) {
  const d = new Date(iso);
  const days = (lang === 'ar' ? DAYS_AR : DAYS_EN).split('|');
  const dayIdx = (d.getUTCDay() + 6) % 7; // our lists start on Monday
  const months = (lang === 'ar' ? MONTHS_AR : MONTHS_EN).split('|');
  const p = (n) => String(n).padStart(2, '0');
  return `GMT ${p(d.getUTCHours())}:${p(d.getUTCMinutes())} ${d.getUTCFullYear()} ${days[dayIdx]} ,${p(d.getUTCDate())} ${months[d.getUTCMonth()]}`;
}

before(async () => {
  dir = demoSite(60);
  srv = await startServer(dir);
});
after(async () => {
  await srv.stop();
});

test('/ redirects to the default edition', async () => {
  const r = await get('/');
  assert.equal(r.status, 302);
  assert.equal(r.headers.get('location'), '/en/');
  const r2 = await get('/ar');
  assert.equal(r2.status, 301);
  assert.equal(r2.headers.get('location'), '/ar/');
});

for (const ed of ['en', 'ar']) {
  test(`${ed} front page: language, direction, top stories in editor order, section blocks`, async () => {
    const page = await html(`/${ed}/`);
    assert.match(page, new RegExp(`<html lang="${ed}" dir="${ed === 'ar' ? 'rtl' : 'ltr'}">`));
    const lead = /<article class="story story-lead">[\s\S]*?<h3><a href="([^"]+)">([^<]+)<\/a>/.exec(page);
    assert.ok(lead, 'front page has a lead story');
    assert.equal(unescapeHtml(lead[2]), demoDoc(ed, 'desal-plant').headline);
    const top = /<div class="cards cards-top">([\s\S]*?)<\/div>\n<\/section>/.exec(page)[1];
    const tops = [...top.matchAll(/<h3><a href="[^"]+">([^<]+)<\/a>/g)].map((m) => unescapeHtml(m[1]));
    assert.deepEqual(tops.slice(0, 3), ['desal-plant', 'football-final', 'arabic-ai'].map((k) => demoDoc(ed, k).headline));
    const blocks = [...page.matchAll(/<h2 class="block-title"><a href="\/([a-z]+)\/section\/([a-z]+)">/g)];
    assert.ok(blocks.length >= 5, 'at least five section blocks');
    assert.ok(blocks.every((b) => b[1] === ed));
  });

  test(`${ed} latest news: newest first, stamped in the site format (UTC)`, async () => {
    const items = latest(await html(`/${ed}/`));
    assert.equal(items.length, 8);
    for (const it of items) {
      assert.match(it.stamp, ed === 'ar' ? STAMP_AR : STAMP_EN);
      assert.equal(it.stamp, stampOf(it.iso, ed));
      assert.ok(it.href.startsWith(`/${ed}/`));
    }
    const times = items.map((i) => Date.parse(i.iso));
    assert.deepEqual([...times].sort((a, b) => b - a), times, 'newest first');
  });

  test(`${ed} footer comes from settings`, async () => {
    const page = await html(`/${ed}/`);
    const year = new Date().getUTCFullYear();
    if (ed === 'en') {
      assert.match(page, /<p>Maintained and developed by <bdi>Ledger Digital Works SAL\.<\/bdi><\/p>/);
      assert.match(page, new RegExp(`<p>All rights reserved to <bdi>Levant Ledger Media Group</bdi> ${year} ©</p>`));
    } else {
      assert.match(page, /<p>تطوير وصيانة <bdi>ليدجر للحلول الرقمية ش\.م\.ل\.<\/bdi><\/p>/);
      assert.match(page, new RegExp(`<p>جميع الحقوق محفوظة لـ <bdi>مجموعة سجل المشرق الإعلامية</bdi> ${year} ©</p>`));
    }
  });
}

test('article page: headline, standfirst, byline, dateline, stamps, section, tags, image, related, translation', async () => {
  const doc = demoDoc('en', 'desal-plant');
  const front = await html('/en/');
  const href = /<article class="story story-lead">[\s\S]*?<h3><a href="([^"]+)">/.exec(front)[1];
  assert.match(href, /^\/en\/\d{4}\/\d\d\/\d\d\/[a-z0-9-]+$/, 'dated, human-readable URL');
  assert.ok(href.endsWith(doc.slug));
  const page = await html(href);
  assert.equal(unescapeHtml(/<h1>([^<]+)<\/h1>/.exec(page)[1]), doc.headline);
  assert.equal(unescapeHtml(/<p class="standfirst">([^<]+)<\/p>/.exec(page)[1]), doc.standfirst);
  const authors = [...page.matchAll(/<a href="(\/en\/author\/[^"]+)" rel="author"><bdi>([^<]+)<\/bdi><\/a>/g)];
  assert.deepEqual(authors.map((a) => a[2]), doc.authors.split(';').map((s) => s.trim()));
  assert.match(page, new RegExp(`<span class="dateline">${doc.dateline} —</span>`));
  assert.match(page, new RegExp(`Published <time datetime="[^"]+" dir="ltr">${STAMP_EN.source}</time>`));
  assert.match(page, /<p class="kicker"><a href="\/en\/section\/politics">Politics<\/a><\/p>/);
  const tags = [...page.matchAll(/<li><a href="(\/en\/tag\/[^"]+)" rel="tag">([^<]+)<\/a><\/li>/g)].map((m) => m[2]);
  assert.deepEqual([...tags].sort(), doc.tags.split(',').map((s) => s.trim()).sort());
  assert.match(page, /<figure class="lead-image">\n<picture><img src="\/media\/en-desal-plant\.svg" alt="[^"]+" width="1200" height="675"><\/picture>/);
  assert.ok(page.includes(`<figcaption>${doc.caption.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;')}`));
  assert.match(page, /<section class="related"[\s\S]*?<article class="story">/);
  assert.match(page, /<blockquote dir="auto">/, 'body rendered from Markdown (each block with its direction)');
  // translation link goes to the Arabic article, which links back
  const tr = /<p class="translation">Read in <a href="([^"]+)" hreflang="ar">/.exec(page);
  assert.ok(tr, 'has a translation link');
  const arPage = await html(tr[1]);
  assert.equal(unescapeHtml(/<h1>([^<]+)<\/h1>/.exec(arPage)[1]), demoDoc('ar', 'desal-plant').headline);
  assert.ok(arPage.includes(`href="${href}" hreflang="en"`), 'Arabic article links back');
  // every author and tag link works
  for (const [, a] of authors) assert.equal((await get(a)).status, 200, a);
  for (const m of page.matchAll(/<a href="(\/en\/tag\/[^"]+)" rel="tag">/g)) assert.equal((await get(m[1])).status, 200);
});

test('Arabic article: Arabic slug in the URL, RTL, Latin names isolated', async () => {
  const doc = demoDoc('ar', 'desal-plant');
  const front = await html('/ar/');
  const href = /<article class="story story-lead">[\s\S]*?<h3><a href="([^"]+)">/.exec(front)[1];
  assert.equal(decodeURIComponent(href.split('/').pop()), doc.slug);
  const page = await html(href);
  assert.match(page, /<html lang="ar" dir="rtl">/);
  assert.match(page, new RegExp(`<time datetime="[^"]+" dir="rtl">${STAMP_AR.source}</time>`));
  assert.match(page, /<bdi>[^<]+<\/bdi>/, 'names are bidi-isolated');
  // the decoded (raw UTF-8) form of the path reaches the same article
  const raw = await rawRequest(srv.port, Buffer.concat([Buffer.from('GET '), Buffer.from(decodeURIComponent(href)), Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')]));
  assert.equal(statusOf(raw.text), 200);
});

test('section page lists only that section, paginates, and refuses bad page numbers', async () => {
  const page = await html('/en/section/politics');
  assert.match(page, /<h1>Politics<\/h1>/);
  assert.match(page, /<a href="\/en\/section\/politics" aria-current="page">/);
  const kickers = [...page.matchAll(/<p class="kicker"><a href="([^"]+)">/g)].map((m) => m[1]);
  assert.equal(kickers.length, 10, 'ten per page');
  assert.ok(kickers.every((k) => k === '/en/section/politics'));
  assert.match(page, /<a rel="next" href="\/en\/section\/politics\?page=2">/);
  const p2 = await html('/en/section/politics?page=2');
  assert.match(p2, /<a rel="prev" href="\/en\/section\/politics">/);
  assert.match(p2, /<span class="page-label">2 \/ 2<\/span>/);
  for (const bad of ['0', '-1', 'abc', '1.5', '99999999999999999999', '']) {
    const r = await get(`/en/section/politics?page=${bad}`);
    assert.equal(r.status, 400, `page=${bad}`);
    assert.match(await r.text(), /Page numbers are whole numbers/);
  }
  const r3 = await get('/en/section/politics?page=3');
  assert.equal(r3.status, 404);
});

test('tag and author pages list their articles; unknown ones are 404 pages in the site design', async () => {
  const tagPage = await html('/en/tag/water');
  assert.match(tagPage, /<h1>Water<\/h1>/);
  assert.ok((tagPage.match(/<article class="story">/g) || []).length >= 1);
  const author = await html('/en/author/leila-haddad');
  assert.match(author, /<h1>Leila Haddad<\/h1>/);
  for (const p of ['/en/tag/no-such-tag', '/en/author/nobody', '/en/section/nope', '/xx/', '/en/2026/01/01/no-such-story', '/nope']) {
    const r = await get(p);
    assert.equal(r.status, 404, p);
    const body = await r.text();
    assert.match(body, /<footer class="site-footer">/, 'error page uses the site frame');
    assert.match(body, /Page not found/);
  }
  const ar404 = await get('/ar/section/nope');
  assert.match(await ar404.text(), /الصفحة غير موجودة/);
});

test('an article address with the wrong date redirects to the canonical one', async () => {
  const front = await html('/en/');
  const href = /<article class="story story-lead">[\s\S]*?<h3><a href="([^"]+)">/.exec(front)[1];
  const wrong = href.replace(/\/\d{4}\/\d\d\/\d\d\//, '/2001/01/01/');
  const r = await get(wrong);
  assert.equal(r.status, 301);
  assert.equal(r.headers.get('location'), href);
});

test('HEAD, ETag and 304', async () => {
  const g = await get('/en/');
  const etag = g.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]+-[0-9a-f]+"$/);
  const h = await get('/en/', { method: 'HEAD' });
  assert.equal(h.status, 200);
  assert.equal(h.headers.get('etag'), etag);
  assert.equal((await h.text()).length, 0);
  const c = await get('/en/', { headers: { 'If-None-Match': etag } });
  assert.equal(c.status, 304);
  assert.equal((await c.text()).length, 0);
  const c2 = await get('/en/', { headers: { 'If-None-Match': '"other"' } });
  assert.equal(c2.status, 200);
});

test('security headers on pages and errors; static assets typed and cached', async () => {
  for (const p of ['/en/', '/nope']) {
    const r = await get(p);
    assert.match(r.headers.get('content-security-policy'), /default-src 'self'.*frame-ancestors 'none'/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(r.headers.get('referrer-policy'));
  }
  const page = await html('/en/');
  const css = /<link rel="stylesheet" href="([^"]+)">/.exec(page)[1];
  const r = await get(css);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/css; charset=utf-8');
  assert.match(r.headers.get('cache-control'), /immutable/);
  assert.equal((await get('/static/nope.css')).status, 404);
  assert.equal((await get('/static/..%2Fsrc')).status, 404);
  assert.equal((await get('/media/..%2Fsite.db')).status, 404);
  assert.equal((await get('/media/en-desal-plant.svg')).headers.get('content-type'), 'image/svg+xml');
});

test('keep-alive: two requests on one connection, no Connection: close', async () => {
  const req = 'GET /en/ HTTP/1.1\r\nHost: x\r\n\r\nGET /ar/ HTTP/1.1\r\nHost: x\r\n\r\n';
  const { text } = await rawRequest(srv.port, req, { waitMs: 800 });
  const statuses = [...text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]));
  assert.deepEqual(statuses, [200, 200]);
  assert.doesNotMatch(text, /^Connection: close/im);
});

test('the front page finds its top stories through an index, not by reading every published article', async () => {
  // migration 10: a front page on 100,000 articles read every published row of its edition (1.3 s)
  const pg = siteDatabase(dir).startsWith('postgres');
  const names = dbExec(dir, pg ? "SELECT indexname FROM pg_indexes WHERE tablename = 'articles'"
    : "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'articles'");
  assert.match(names, /^articles_top$/m);
  if (!pg) { // the query's shape (db_sqlite.c S_LIST_TOP) is answered from it, in its order
    const plan = dbExec(dir, "EXPLAIN QUERY PLAN SELECT a.id FROM articles a JOIN sections s ON s.id = a.section_id "
      + "WHERE a.edition = 'en' AND a.status = 'published' AND a.top_rank IS NOT NULL AND a.id <> 0 "
      + 'ORDER BY a.top_rank, a.published_at DESC LIMIT 6');
    assert.match(plan, /USING INDEX articles_top/);
    assert.doesNotMatch(plan, /TEMP B-TREE/);
  }
});
