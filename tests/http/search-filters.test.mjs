// Search filters and the recent window: section and date-range filters on the reader's search page (kept
// in the form and in pagination links, bad values a readable 400), and "recent window first": the last
// 365 days are searched first and the whole archive only when they give fewer than a page of results.
// Then the newsroom's /admin/search over every status: editors find drafts, reporters only their own.
// Old articles get their publication date through the admin API ("publish as of", as archive imports do).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSite, startServer, unescapeHtml } from '../lib/server.mjs';
import { addUser, login, page, post, selectOptions, formError } from '../lib/newsroom.mjs';

let srv, key, site;

async function api(method, p, body) {
  const r = await fetch(srv.base + p, {
    method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, json: JSON.parse(text), text };
}

/** Creates and publishes an article; returns {id, href, slug} (href changes with published_at: compare slugs). */
async function publish(section, slug, headline, body = headline) {
  const c = await api('POST', '/api/v1/admin/articles', { edition: 'en', section, slug, headline, standfirst: 'Filter test', body });
  assert.equal(c.status, 201, c.text);
  const p = await api('POST', `/api/v1/admin/articles/${c.json.article.id}/publish`);
  assert.equal(p.status, 200, p.text);
  return { id: c.json.article.id, href: new URL(p.json.article.url).pathname, slug };
}

/** Republishes an article as of `when` (UTC seconds): unpublish, then publish with a past "at". */
async function setPublished(id, when) {
  const u = await api('POST', `/api/v1/admin/articles/${id}/unpublish`);
  assert.equal(u.status, 200, u.text);
  const p = await api('POST', `/api/v1/admin/articles/${id}/publish`, { at: new Date(when * 1000).toISOString().replace(/\.\d+Z$/, 'Z') });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.article.published_at, new Date(when * 1000).toISOString().replace(/\.\d+Z$/, 'Z'));
}

/** GETs /en/search with the query string qs: {status, html, hrefs}. */
async function search(qs) {
  const r = await fetch(`${srv.base}/en/search?${qs}`);
  const html = await r.text();
  const hrefs = [...html.matchAll(/<article class="story result">[\s\S]*?<h3><a href="([^"]+)">/g)].map((m) => unescapeHtml(m[1]));
  return { status: r.status, html, hrefs, slugs: hrefs.map((h) => h.split('/').pop()) };
}

const day = (s) => Math.floor(Date.parse(`${s}T12:00:00Z`) / 1000);

before(async () => {
  site = demoSite(0);
  addUser(site, 'boss', 'admin');
  addUser(site, 'ed', 'editor');
  addUser(site, 'rep1', 'reporter');
  addUser(site, 'rep2', 'reporter');
  srv = await startServer(site);
  const boss = await login(srv.base, 'boss', 'a-long-password');
  const form = new URLSearchParams({ csrf: boss.csrf, name: 'filter tests', days: '30' });
  for (const s of ['read', 'write', 'publish']) form.append('scope', s);
  const r = await fetch(`${srv.base}/admin/api-keys`, { method: 'POST', body: form, headers: { cookie: `bs_session=${boss.cookie}` } });
  key = /<code class="token">(bsk_[0-9a-f]{64})<\/code>/.exec(await r.text())[1];
});
after(async () => { await srv?.stop(); });

test('section filter: narrows results to that section; the select lists the sections and keeps the choice', async () => {
  const biz = await publish('business', 'pangolin-biz', 'Pangolin trade figures');
  const tech = await publish('technology', 'pangolin-tech', 'Pangolin tracking chips');
  const all = await search('q=pangolin');
  assert.ok(all.hrefs.includes(biz.href) && all.hrefs.includes(tech.href));
  const b = await search('q=pangolin&section=technology');
  assert.equal(b.status, 200);
  assert.deepEqual(b.hrefs, [tech.href]);
  assert.match(b.html, /<select id="filter-section" name="section">/);
  assert.match(b.html, /<option value="technology" selected>Technology<\/option>/);
  assert.match(b.html, /<option value="business">Business<\/option>/);
  const bad = await search('q=pangolin&section=no-such-section');
  assert.equal(bad.status, 400);
  assert.match(bad.html, /no section by that name/);
});

test('date range: inclusive UTC days, kept in the form and in pagination links; bad dates are 400', async () => {
  const inside = await publish('business', 'okapi-in', 'Okapi sighting in March');
  const edge = await publish('business', 'okapi-edge', 'Okapi sighting on the last day');
  const before_ = await publish('business', 'okapi-before', 'Okapi sighting in January');
  const after_ = await publish('business', 'okapi-after', 'Okapi sighting in May');
  await setPublished(inside.id, day('2024-03-10'));
  await setPublished(edge.id, Math.floor(Date.parse('2024-03-31T23:59:00Z') / 1000));
  await setPublished(before_.id, day('2024-01-10'));
  await setPublished(after_.id, day('2024-05-10'));
  const r = await search('q=okapi&from=2024-03-01&to=2024-03-31&archive=1');
  assert.equal(r.status, 200);
  assert.deepEqual(r.slugs.sort(), [inside.slug, edge.slug].sort());
  assert.match(r.html, /<input type="date" id="filter-from" name="from" value="2024-03-01"/);
  assert.match(r.html, /<input type="date" id="filter-to" name="to" value="2024-03-31"/);
  assert.deepEqual((await search('q=okapi&from=2024-03-11')).slugs.sort(), [edge.slug, after_.slug].sort());
  assert.deepEqual((await search('q=okapi&to=2024-01-10')).slugs, [before_.slug]);
  for (const qs of ['from=2024-13-01', 'from=yesterday', 'to=2024-02-30', 'from=2024-3-1', 'to=2024-03-01T00:00',
    'from=2024-04-01&to=2024-03-01', 'from=1969-12-31', 'to=%20']) {
    const b = await search(`q=okapi&${qs}`);
    assert.equal(b.status, 400, qs);
    assert.match(b.html, /<h1>/, qs);
    assert.match(b.html, /date/, qs);
  }
  // pagination keeps the filters
  for (let i = 0; i < 11; i++) {
    const a = await publish('technology', `numbat-${i}`, `Numbat survey ${i}`);
    await setPublished(a.id, day('2023-06-15'));
  }
  const p1 = await search('q=numbat&section=technology&from=2023-06-01&to=2023-06-30');
  assert.equal(p1.slugs.length, 10);
  assert.match(p1.html, /<a rel="next" href="\/en\/search\?q=numbat&amp;section=technology&amp;from=2023-06-01&amp;to=2023-06-30&amp;page=2">/);
  const p2 = await search('q=numbat&section=technology&from=2023-06-01&to=2023-06-30&page=2');
  assert.equal(p2.slugs.length, 1);
  assert.match(p2.html, /<a rel="prev" href="\/en\/search\?q=numbat&amp;section=technology&amp;from=2023-06-01&amp;to=2023-06-30">/);
});

test('recent window first: an old match shows when the last 365 days give fewer than a page of results', async () => {
  const fresh = await publish('business', 'gharial-new', 'Gharial nests counted');
  const old = await publish('business', 'gharial-old', 'Gharial nests counted long ago');
  await setPublished(old.id, Math.floor(Date.now() / 1000) - 3 * 365 * 86400);
  const r = await search('q=gharial');
  assert.deepEqual(r.slugs.sort(), [fresh.slug, old.slug].sort(), 'two recent-or-old matches: the archive is searched');
  assert.doesNotMatch(r.html, /class="search-window"/);
});

test('recent window first: with a page of recent matches, old ones wait for "Search the whole archive"', async () => {
  const old = await publish('business', 'tapir-old', 'Tapir tapir tapir census, the original');
  await setPublished(old.id, Math.floor(Date.now() / 1000) - 2 * 365 * 86400);
  for (let i = 0; i < 10; i++) await publish('business', `tapir-${i}`, `Tapir census ${i}`);
  const r = await search('q=tapir');
  assert.equal(r.slugs.length, 10);
  assert.ok(!r.slugs.includes(old.slug), 'the old article is outside the recent window');
  assert.match(r.html, /<p class="search-window">Results from the last 365 days only\. <a href="\/en\/search\?q=tapir&amp;archive=1">Search the whole archive<\/a><\/p>/);
  assert.match(r.html, /<p class="intro">10 results<\/p>/);
  const all = await search('q=tapir&archive=1');
  assert.match(all.html, /<p class="intro">11 results<\/p>/);
  assert.match(all.html, /<input type="hidden" name="archive" value="1">/);
  assert.match(all.html, /<a rel="next" href="\/en\/search\?q=tapir&amp;archive=1&amp;page=2">/);
  const p2 = await search('q=tapir&archive=1&page=2');
  assert.ok([...all.slugs, ...p2.slugs].includes(old.slug));
});

/** Saves a new draft through the newsroom editor as session s; returns its id. */
async function draft(s, headline, body) {
  const ed = await page(srv.base, '/admin/articles/new', s);
  const section = selectOptions(ed.html, 'section').find((o) => o.label === 'English: Business').value;
  const r = await post(srv.base, '/admin/articles/new', s, {
    version: '0', headline, standfirst: 'A draft', body, edition: 'en', section, slug: '', dateline: '', bylines: '',
    tags: '', media: '0', caption: '', credit: '', translation: '', do: 'save',
  });
  assert.equal(r.status, 303, formError(await r.text()));
  return Number(/^\/admin\/articles\/(\d+)/.exec(r.headers.get('location'))[1]);
}

test('newsroom search: every status for editors, own articles for reporters, never drafts in public', async () => {
  const ed = await login(srv.base, 'ed', 'a-long-password');
  const rep1 = await login(srv.base, 'rep1', 'a-long-password');
  const rep2 = await login(srv.base, 'rep2', 'a-long-password');
  const mine = await draft(rep1, 'Axolotl hatchery draft', 'Notes on the axolotl hatchery.');
  const theirs = await draft(rep2, 'Axolotl pond secrets', 'The axolotl pond story, unpublished.');
  const pub = await publish('business', 'axolotl-public', 'Axolotl exhibit opens');

  const e = await page(srv.base, '/admin/search?q=axolotl', ed);
  assert.equal(e.status, 200);
  for (const id of [mine, theirs]) assert.match(e.html, new RegExp(`<a href="/admin/articles/${id}"><bdi>`), `editor finds draft ${id}`);
  assert.match(e.html, new RegExp(`<a href="/admin/articles/${pub.id}"><bdi>Axolotl exhibit opens</bdi></a> <span class="status-badge">published</span>`));
  assert.match(e.html, /<span class="status-badge">draft<\/span>/);
  assert.match(e.html, /<mark>/);
  assert.match(e.html, /<li><a href="\/admin\/search">Search<\/a><\/li>/, 'the newsroom menu links to search');

  const pubSearch = await search('q=axolotl');
  assert.deepEqual(pubSearch.slugs, ['axolotl-public'], 'drafts are not on the public search');

  const r1 = await page(srv.base, '/admin/search?q=axolotl', rep1);
  assert.equal(r1.status, 200);
  assert.match(r1.html, new RegExp(`href="/admin/articles/${mine}"`));
  assert.doesNotMatch(r1.html, new RegExp(`href="/admin/articles/${theirs}"`), "a reporter does not see another's draft");
  assert.doesNotMatch(r1.html, new RegExp(`href="/admin/articles/${pub.id}"`), "nor another's published article");
  assert.match(r1.html, /their own articles/);

  // odd queries are a normal page; anonymous visitors are sent to log in
  for (const q of ['', '"', 'NEAR(a b)', '***', 'x'.repeat(1200)]) {
    const o = await page(srv.base, `/admin/search?q=${encodeURIComponent(q)}`, ed);
    assert.equal(o.status, 200, q.slice(0, 20));
  }
  const anon = await fetch(`${srv.base}/admin/search?q=axolotl`, { redirect: 'manual' });
  assert.equal(anon.status, 303);
});
