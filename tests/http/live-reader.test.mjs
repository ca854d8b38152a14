// What readers see of a live blog (issue 21; docs/live-spec.md): the article page of a live blog (status,
// key events, pinned entry, the newest 20 entries newest first, "Older updates" through ?before=), each
// entry's own page, withdrawn and corrected entries, the ended state, {base}/live.json, LiveBlogPosting
// JSON-LD (structured-data-testing-tool), vnu and axe on the live page and an entry page in both editions,
// the demo's live blogs, and precise purge: a new entry changes live.json and the live page while cached
// section and front pages stay cached.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createRequire } from 'node:module';
import { demoSite, startServer, configure, dbExec, demoDoc, unescapeHtml } from '../lib/server.mjs';
import { addUser, login, post } from '../lib/newsroom.mjs';
import { launch, axe, vnu } from '../lib/browser.mjs';

const require = createRequire(import.meta.url);
const { structuredDataTestHtml } = require('structured-data-testing-tool');
const { Google } = require('structured-data-testing-tool/presets');

let dir, srv, base;
const blog = {}; // the test's own live blogs: {ongoing, ended}: {id, path}
const T0 = 1796500000; // a fixed time for the test's entries (2026-12-05)

/** An anonymous GET (identity encoding, no cookies): {status, headers, text}. */
function anon(p, headers = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(base + p);
    const r = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, headers: { 'accept-encoding': 'identity', ...headers }, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    r.on('error', reject);
    r.end();
  });
}
async function html(p) {
  const r = await anon(p);
  assert.equal(r.status, 200, `${p}: ${r.text.slice(0, 300)}`);
  return r.text;
}
/** The address of the demo article of topic key in ed (its path), read from the store. */
function articleOf(ed, key) {
  const slug = demoDoc(ed, key).slug.replace(/'/g, "''");
  const [id, published] = dbExec(dir, `SELECT id, published_at FROM articles WHERE edition = '${ed}' AND slug = '${slug}'`).trim().split('\t');
  const d = new Date(Number(published) * 1000);
  const ymd = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
  return { id: Number(id), path: `/${ed}/${ymd}/${encodeURIComponent(demoDoc(ed, key).slug)}` };
}
/** The ids of a blog's entries, oldest first. */
const entryIds = (articleId) => dbExec(dir, `SELECT id FROM live_entries WHERE article_id = ${articleId} ORDER BY id`).trim().split('\n').map(Number);
/** The entry anchors of a page (or part of one), in page order. */
const anchors = (text) => [...text.matchAll(/<article id="entry-(\d+)" class="live-entry/g)].map((m) => Number(m[1]));
const entriesBlock = (text) => /<div class="live-entries"[^>]*>([\s\S]*?)<\/div>\n(?=<p class="(?:empty|live-older)"|<\/section>)/.exec(text)[1];

/** Makes the demo article of key a live blog with n published entries (entry i says "Entry number i."),
 * through the store (the newsroom's routes are the live desk's; these tests read). */
function makeLive(ed, key, n, { ended = false } = {}) {
  const a = articleOf(ed, key);
  dbExec(dir, `INSERT INTO live_blogs(article_id, started_at, ended_at, pinned_entry_id, updated_at) VALUES (${a.id}, ${T0}, ${ended ? T0 + 9000 : 'NULL'}, NULL, ${T0 + n * 60})`);
  const rows = [];
  for (let i = 1; i <= n; i++)
    rows.push(`(${a.id}, 'Rana Haddad', ${T0 + i * 60}, ${T0 + i * 60}, 'Entry number ${i}.', '<p>Entry number ${i}.</p>')`);
  dbExec(dir, `INSERT INTO live_entries(article_id, byline, created_at, updated_at, body_md, body_html) VALUES ${rows.join(', ')}`);
  return a;
}

before(async () => {
  dir = demoSite(0);
  addUser(dir, 'ed', 'editor');
  configure(dir, { cache_mb: 16 });
  // an ongoing blog of 25 entries: 3 a key event, 7 corrected, 12 withdrawn, 20 pinned
  blog.ongoing = makeLive('en', 'museum-reopens', 25);
  const ids = entryIds(blog.ongoing.id);
  blog.ids = ids;
  dbExec(dir, `UPDATE live_entries SET key_event = 'Doors open' WHERE id = ${ids[2]}`);
  dbExec(dir, `UPDATE live_entries SET note = 'The museum opens at nine, not ten.', corrected_at = ${T0 + 3600}, version = 2 WHERE id = ${ids[6]}`);
  dbExec(dir, `UPDATE live_entries SET state = 'withdrawn', note = 'It could not be confirmed.', key_event = 'Fire alarm' WHERE id = ${ids[11]}`);
  dbExec(dir, `UPDATE live_blogs SET pinned_entry_id = ${ids[19]} WHERE article_id = ${blog.ongoing.id}`);
  // a draft (a translation not yet out) is not shown anywhere
  dbExec(dir, `INSERT INTO live_entries(article_id, byline, created_at, updated_at, body_md, body_html, state) VALUES (${blog.ongoing.id}, 'X', ${T0 + 9999}, ${T0 + 9999}, 'Draft text', '<p>Draft text</p>', 'draft')`);
  blog.draft = Number(dbExec(dir, `SELECT MAX(id) FROM live_entries WHERE article_id = ${blog.ongoing.id}`).trim());
  // an ended one, in Arabic
  blog.ended = makeLive('ar', 'museum-reopens', 3, { ended: true });
  srv = await startServer(dir);
  base = srv.base;
});
after(async () => { await srv?.stop(); });

test('the live page: status, newest 20 entries newest first, key events, pinned entry, older updates link', async () => {
  const page = await html(blog.ongoing.path);
  const ids = blog.ids;
  assert.match(page, /<p class="live-status live-status-live"><strong class="live-badge">Live<\/strong> Coverage started <time datetime="2026-12-05T/);
  const shown = anchors(entriesBlock(page));
  assert.deepEqual(shown, ids.slice(5).reverse(), 'the newest 20, newest first');
  assert.ok(!page.includes('Draft text'), 'a draft is not shown');
  assert.match(page, /<h2 id="live-updates-title">Updates <span class="count">\(24\)<\/span><\/h2>/); // published only
  // key events: the published ones, linked to the entry's page when it is not on this page
  const keys = /<nav class="live-key-events"[\s\S]*?<\/nav>/.exec(page)[0];
  assert.match(keys, new RegExp(`<a href="${blog.ongoing.path}/entry/${ids[2]}"><time [^>]+>[^<]+</time> <span class="live-key-text">Doors open</span></a>`));
  assert.ok(!keys.includes('Fire alarm'), 'a withdrawn entry is no key event');
  // the pinned entry leads, labelled, without taking the anchor of its listed copy
  const pinned = /<aside class="live-pinned"[^>]*>\n([\s\S]*?)<\/aside>/.exec(page)[1];
  assert.match(pinned, new RegExp(`^<article class="live-entry live-entry-pinned" data-entry-id="${ids[19]}"`));
  assert.match(pinned, /<strong class="live-pinned-label">Pinned<\/strong>/);
  assert.match(pinned, /Entry number 20\./);
  assert.equal(page.split(`id="entry-${ids[19]}"`).length, 2, 'one element has the anchor');
  // older updates: the link, then the page before the last shown entry
  const older = new RegExp(`<p class="live-older"><a href="${blog.ongoing.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\?before=(\\d+)">Older updates</a></p>`).exec(page);
  assert.ok(older, 'an Older updates link');
  assert.equal(Number(older[1]), ids[5]);
  assert.match(page, new RegExp(`data-live-state="live" data-live-poll="${blog.ongoing.path}/live.json"`));
});

test('older updates: ?before=ID pages back, noindex, canonical stays the blog; bad values are refused', async () => {
  const ids = blog.ids;
  const r = await anon(`${blog.ongoing.path}?before=${ids[5]}`);
  assert.equal(r.status, 200);
  assert.equal(r.headers['x-robots-tag'], 'noindex');
  assert.deepEqual(anchors(entriesBlock(r.text)), ids.slice(0, 5).reverse());
  assert.ok(!r.text.includes('live-older'), 'no older page after the first entry');
  assert.ok(!r.text.includes('class="live-pinned"'), 'the pinned entry leads the newest page only');
  assert.match(r.text, /<p class="live-newest"><a href="[^"]+">Latest updates<\/a><\/p>/);
  assert.ok(!/data-live-poll=/.test(r.text), 'an older page is not polled');
  assert.match(r.text, new RegExp(`<link rel="canonical" href="${base}${blog.ongoing.path}">`));
  // the key event on this page is now linked by its anchor
  assert.match(r.text, new RegExp(`<a href="#entry-${ids[2]}">`));
  const first = await anon(blog.ongoing.path);
  assert.equal(first.headers['x-robots-tag'], undefined, 'the newest page is indexed');
  for (const bad of ['abc', '-3', '0', '1e3', ''])
    assert.equal((await anon(`${blog.ongoing.path}?before=${bad}`)).status, 400, `before=${bad}`);
  assert.equal((await anon(`${blog.ongoing.path}?before=${ids[0]}`)).status, 404, 'nothing before the first');
});

test('withdrawn and corrected entries', async () => {
  const ids = blog.ids;
  const page = await html(blog.ongoing.path);
  const withdrawn = new RegExp(`<article id="entry-${ids[11]}" class="live-entry live-entry-withdrawn"[\\s\\S]*?</article>`).exec(page)[0];
  assert.match(withdrawn, /<strong>This update was withdrawn<\/strong> <span class="live-note">It could not be confirmed\.<\/span>/);
  assert.ok(!withdrawn.includes('Entry number 12'), 'only the note');
  assert.ok(!withdrawn.includes('Rana Haddad'));
  const corrected = new RegExp(`<article id="entry-${ids[6]}" class="live-entry"[\\s\\S]*?</article>`).exec(page)[0];
  assert.match(corrected, /Entry number 7\./);
  assert.match(corrected, /<p class="live-correction"><strong>Correction:<\/strong> The museum opens at nine, not ten\. \(<time datetime="2026-12-05T/);
});

test('an entry has its own page: canonical, the same entry HTML, a link back; drafts and strangers are 404', async () => {
  const ids = blog.ids;
  const p = `${blog.ongoing.path}/entry/${ids[6]}`;
  const page = await html(p);
  assert.match(page, new RegExp(`<link rel="canonical" href="${base}${p}">`));
  assert.match(page, new RegExp(`<p class="live-back"><a href="${blog.ongoing.path}">Back to the live coverage: `));
  const own = new RegExp(`<article id="entry-${ids[6]}" class="live-entry"[\\s\\S]*?</article>\n`).exec(page)[0];
  const onBlog = new RegExp(`<article id="entry-${ids[6]}" class="live-entry"[\\s\\S]*?</article>\n`).exec(await html(`${blog.ongoing.path}?before=${ids[10]}`))[0];
  assert.equal(own, onBlog, 'the same HTML on both pages');
  assert.match(own, new RegExp(`<a href="${p}">Link to this update</a>`));
  assert.equal((await anon(`${blog.ongoing.path}/entry/${blog.draft}`)).status, 404, 'a draft');
  assert.equal((await anon(`${blog.ongoing.path}/entry/${entryIds(blog.ended.id)[0]}`)).status, 404, 'another blog\'s entry');
  assert.equal((await anon(`${blog.ongoing.path}/entry/999999`)).status, 404);
  assert.equal((await anon(`${blog.ongoing.path}/entry/abc`)).status, 404);
  const plain = articleOf('en', 'marathon');
  assert.equal((await anon(`${plain.path}/entry/${ids[0]}`)).status, 404, 'not a live blog');
  assert.equal((await anon(`${plain.path}/live.json`)).status, 404, 'not a live blog');
});

test('live.json: the spec\'s shape, the newest 20 with the page\'s HTML, served from the page cache', async () => {
  const ids = blog.ids;
  const p = `${blog.ongoing.path}/live.json`;
  const r = await anon(p);
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^application\/json/);
  assert.ok(r.headers.etag && r.headers['last-modified'], 'validators');
  const d = JSON.parse(r.text);
  assert.equal(d.id, blog.ongoing.id);
  assert.equal(d.state, 'live');
  assert.equal(d.count, 24);
  assert.equal(d.pinned, ids[19]);
  assert.equal(typeof d.updated, 'number');
  assert.equal(new Date(r.headers['last-modified']).getTime() / 1000, d.updated);
  assert.deepEqual(d.entries.map((e) => e.id), ids.slice(5).reverse());
  const page = await html(blog.ongoing.path);
  for (const e of d.entries) {
    assert.equal(typeof e.at, 'number');
    assert.ok(page.includes(e.html), `entry ${e.id}'s HTML is what the page shows`);
  }
  assert.equal(d.entries.find((e) => e.id === ids[11]).key_event, '', 'withdrawn: no label');
  assert.equal((await anon(p)).headers['x-cache'], 'hit');
  assert.equal((await anon(p, { 'if-none-match': r.headers.etag })).status, 304);
});

test('an ended blog: "Coverage ended" with its time, state ended in live.json and JSON-LD (Arabic)', async () => {
  const page = await html(blog.ended.path);
  assert.match(page, /<p class="live-status live-status-ended"><strong class="live-badge live-badge-ended">انتهت التغطية<\/strong> <time datetime="2026-12-05T[^"]+" dir="rtl">GMT [^<]+<\/time> · بدأت التغطية <time/);
  assert.match(page, /data-live-state="ended"/);
  assert.match(page, /<a href="[^"]+">رابط هذا التحديث<\/a>/);
  const d = JSON.parse((await anon(`${blog.ended.path}/live.json`)).text);
  assert.equal(d.state, 'ended');
  const ld = JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(page)[1]);
  assert.equal(ld['@type'], 'LiveBlogPosting');
  assert.match(ld.coverageEndTime, /^2026-12-05T/);
  assert.equal(ld.liveBlogUpdate.length, 3);
});

/** Runs the structured-data validator with Google's preset; fails with its messages. */
async function validate(page, schemas) {
  try {
    return await structuredDataTestHtml(page, { presets: [Google], schemas });
  } catch (e) {
    const failed = (e.res?.failed ?? []).map((f) => `${f.test}: ${f.error?.message ?? ''}`);
    assert.fail(`structured data failed: ${failed.join('; ') || e.message}`);
  }
}

/** The demo's live blog of ed: its address, from the front page (a top story). */
async function demoLive(ed) {
  const front = await html(`/${ed}/`);
  const headline = ed === 'en' ? 'Flash floods in the south: live updates' : 'سيول في الجنوب: تغطية مباشرة';
  const top = /<div class="cards cards-top">([\s\S]*?)<\/div>\n<\/section>/.exec(front)[1];
  const m = new RegExp(`<h3><a href="([^"]+)">${headline}</a></h3>`).exec(top);
  assert.ok(m, `${ed}: the live blog is among the front page's top stories`);
  return m[1];
}

for (const ed of ['en', 'ar']) {
  test(`${ed}: the demo's live blog is on the front page, ongoing, paired, with key events, a pin and a correction; its JSON-LD passes`, async () => {
    const href = await demoLive(ed);
    const page = await html(href);
    assert.match(page, /<p class="live-status live-status-live">/);
    assert.equal(anchors(entriesBlock(page)).length, 8);
    assert.equal([...page.matchAll(/<li><a href="#entry-\d+">/g)].length, 3, 'three key events');
    assert.match(page, /<aside class="live-pinned"/);
    assert.equal([...page.matchAll(/<p class="live-correction">/g)].length, 1);
    const other = ed === 'en' ? 'ar' : 'en';
    assert.match(page, new RegExp(`<link rel="alternate" hreflang="${other}" href="${base}${(await demoLive(other)).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}">`));
    const res = await validate(page, ['LiveBlogPosting']);
    assert.ok(res.schemas.includes('LiveBlogPosting'), `schemas: ${res.schemas}`);
    const ld = JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(page)[1]);
    assert.equal(ld.url, base + href);
    assert.ok(ld.coverageStartTime && !ld.coverageEndTime);
    assert.equal(ld.liveBlogUpdate.length, 8);
    const first = ld.liveBlogUpdate[0];
    const newest = anchors(entriesBlock(page))[0];
    assert.equal(first['@type'], 'BlogPosting');
    assert.equal(first.url, `${base}${href}#entry-${newest}`);
    assert.equal(first.headline, ed === 'en' ? 'Rain easing, warning stays' : 'انحسار الأمطار واستمرار الإنذار');
    assert.ok(first.datePublished && first.dateModified && first.articleBody && first.author[0].name);
  });
}

test('vnu and axe: the live page and an entry page in both editions', async () => {
  const { context, close } = await launch();
  try {
    const page = await context.newPage();
    for (const ed of ['en', 'ar']) {
      const href = await demoLive(ed);
      const entry = /<a class="live-entry-time" href="([^"]+)">/.exec(await html(href))[1];
      for (const p of [href, entry, ...(ed === 'en' ? [`${blog.ongoing.path}?before=${blog.ids[10]}`] : [blog.ended.path])]) {
        const errors = await vnu(await html(p));
        assert.deepEqual(errors, [], `vnu on ${p}`);
        await page.goto(base + p);
        assert.equal(await page.getAttribute('html', 'lang'), ed === 'en' && p !== blog.ended.path ? 'en' : p === blog.ended.path ? 'ar' : ed);
        assert.deepEqual(await axe(page), [], `axe on ${p}`);
      }
    }
  } finally {
    await close();
  }
});

test('precise purge: a new entry changes live.json and the live page; cached section and front pages stay cached', async () => {
  const s = await login(base, 'ed', 'a-long-password');
  const href = await demoLive('en');
  const id = Number(JSON.parse(await html(`${href}/live.json`)).id);
  const section = '/en/section/world', front = '/en/', other = blog.ongoing.path;
  const watched = [href, `${href}/live.json`, section, front, other];
  for (const p of watched) {
    await anon(p);
    assert.equal((await anon(p)).headers['x-cache'], 'hit', `${p} is cached`);
  }
  const before = JSON.parse((await anon(`${href}/live.json`)).text);
  const r = await post(base, `/admin/articles/${id}/live/entries`, s, { body: 'Purge check: the bridge reopened.', key_event: '', edition: 'en' });
  assert.ok(r.status < 400, `posting an entry: ${r.status}`);
  const after = JSON.parse((await anon(`${href}/live.json`)).text);
  assert.equal(after.count, before.count + 1);
  assert.match(after.entries[0].html, /Purge check: the bridge reopened\./);
  assert.ok(unescapeHtml(await html(href)).includes('Purge check: the bridge reopened.'), 'the live page shows it');
  for (const p of [section, front, other])
    assert.equal((await anon(p)).headers['x-cache'], 'hit', `${p} was not purged`);
});
