// Search at scale, on whichever engine the suite runs on: only the newest SEARCH_CANDIDATES (1,000)
// matches by publication time are ranked and counted. A site with more than 1,000 English articles that
// all hold the word "official" (the demo's synthetic articles) must show "1000 or more results", 100 pages
// of 10, and exactly the 1,000 newest matching articles across them (read from the store's terms column,
// which both engines keep: newest by coalesce(published_at, created_at), then id), each once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSite, startServer, unescapeHtml, dbExec } from '../lib/server.mjs';

let site, srv;

before(async () => {
  site = demoSite(2100); // 1,050 synthetic articles per edition
  srv = await startServer(site);
});
after(async () => { await srv?.stop(); });

/** GETs one page of /en/search?q=official; returns the results' slugs and the page. */
async function page(n) {
  const r = await fetch(`${srv.base}/en/search?q=official&page=${n}`);
  assert.equal(r.status, 200);
  const html = await r.text();
  const slugs = [...html.matchAll(/<article class="story result">[\s\S]*?<h3><a href="([^"]+)">/g)]
    .map((m) => decodeURIComponent(unescapeHtml(m[1]).split('/').pop()));
  return { html, slugs };
}

test('more matches than candidates: the newest 1,000 are ranked, counted and shown, each once', async () => {
  const matching = Number(dbExec(site, "SELECT count(*) FROM articles WHERE edition = 'en' AND status = 'published' "
    + "AND (' ' || terms || ' ') LIKE '% offici %'").trim());
  assert.ok(matching > 1000, `only ${matching} matching articles`);
  const newest = dbExec(site, "SELECT slug FROM articles WHERE edition = 'en' AND status = 'published' "
    + "AND (' ' || terms || ' ') LIKE '% offici %' ORDER BY coalesce(published_at, created_at) DESC, id DESC LIMIT 1000")
    .trim().split('\n');
  const first = await page(1);
  assert.match(first.html, /1000 or more results; the newest 1000 are ranked/);
  assert.equal(first.slugs.length, 10); // SEARCH_PAGE_SIZE
  const seen = [...first.slugs];
  for (let n = 2; n <= 100; n++) seen.push(...(await page(n)).slugs);
  assert.equal(seen.length, 1000);
  assert.equal(new Set(seen).size, 1000, 'a result shown twice');
  assert.deepEqual([...seen].sort(), [...newest].sort());
  const past = await page(101);
  assert.equal(past.slugs.length, 0);
  assert.match(past.html, /1000 or more results/, 'a page past the last still counts the candidates');
});
