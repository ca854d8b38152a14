// Feeds, sitemaps and robots.txt over real HTTP. Every feed (edition, section, tag and author; RSS and
// Atom; both editions) is read by a real feed client, Debian's python3-feedparser; every sitemap is
// validated with xmllint against the sitemaps.org schemas in tests/fixtures. Articles are created,
// published, renamed and unpublished through the newsroom, as an editor would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { demoSite, startServer, ROOT, unescapeHtml } from '../lib/server.mjs';
import { png } from '../lib/png.mjs';
import { addUser, login, page, post, selectOptions, editorFields, publicHref, formError } from '../lib/newsroom.mjs';

const PW = 'a-long-password';
const SPLIT = 7; // the test-only sitemap split size of the second server
const FIXTURES = path.join(ROOT, 'tests/fixtures');
// Debian's feedparser is installed for Debian's python3 (scripts/deps.sh); another python3 earlier in
// PATH (pyenv, a venv) would not see it.
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let dir, srv, split, session;
const sections = {}; // "en:Business" -> section id

// ------------------------------------------------------------------------------------------- helpers

const FEEDPARSER = `
import sys, json, time, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
def t(x):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', x) if x else None
def links(o):
    return [{'rel': l.get('rel'), 'type': l.get('type'), 'href': l.get('href')} for l in o.get('links', [])]
print(json.dumps({
    'bozo': int(d.bozo), 'bozo_exception': str(d.get('bozo_exception', '')), 'version': d.version,
    'feed': {'title': d.feed.get('title'), 'link': d.feed.get('link'), 'id': d.feed.get('id'),
             'language': d.feed.get('language'), 'subtitle': d.feed.get('subtitle'),
             'updated': t(d.feed.get('updated_parsed')), 'links': links(d.feed)},
    'entries': [{
        'title': e.get('title'), 'link': e.get('link'), 'id': e.get('id'),
        'guidislink': e.get('guidislink'),
        'published': t(e.get('published_parsed')), 'updated': t(e.get('updated_parsed')),
        'summary': e.get('summary'),
        'content': [{'type': c.get('type'), 'value': c.get('value'), 'language': c.get('language')}
                    for c in e.get('content', [])],
        'authors': [a.get('name') for a in e.get('authors', [])],
        'tags': [{'term': g.get('term'), 'scheme': g.get('scheme')} for g in e.get('tags', [])],
        'enclosures': [{'href': x.get('href'), 'length': x.get('length'), 'type': x.get('type')}
                       for x in e.get('enclosures', [])],
        'media': [{'url': m.get('url'), 'type': m.get('type'), 'medium': m.get('medium')}
                  for m in e.get('media_content', [])],
    } for e in d.entries],
}, ensure_ascii=False))
`;

/** Parses a feed document with feedparser; returns its JSON summary (asserts the client ran). */
function feedparse(xml) {
  const r = spawnSync(PYTHON, ['-c', FEEDPARSER], { input: xml, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `feedparser failed (is python3-feedparser installed? bash scripts/deps.sh): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Validates an XML document with xmllint against a schema in tests/fixtures; asserts it is valid. */
function validate(xml, schema, what) {
  const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', path.join(FIXTURES, schema), '-'],
    { input: xml, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `${what} is not valid against ${schema}: ${r.stderr}`);
}

const get = (s, p, headers = {}) => fetch(s.base + p, { redirect: 'manual', headers });

/** GETs p from server s, asserts 200 and the content type; returns the text. */
async function fetchText(s, p, type) {
  const r = await get(s, p);
  assert.equal(r.status, 200, `GET ${p}`);
  if (type) assert.equal(r.headers.get('content-type'), type, `content type of ${p}`);
  return r.text();
}

const RSS = 'application/rss+xml; charset=utf-8';
const ATOM = 'application/atom+xml; charset=utf-8';
const XML = 'application/xml; charset=utf-8';

/** Fetches and parses a feed; asserts the content type, a clean parse and the format. */
async function feed(p) {
  const atom = p.endsWith('/atom.xml');
  const d = feedparse(await fetchText(srv, p, atom ? ATOM : RSS));
  assert.equal(d.bozo, 0, `${p} is well-formed for feedparser: ${d.bozo_exception}`);
  assert.equal(d.version, atom ? 'atom10' : 'rss20', p);
  return d;
}

/** The <loc> values of a sitemap or sitemap index. */
const locs = (xml) => [...xml.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => unescapeHtml(m[1]));
/** A URL without its origin. */
const pathOf = (u) => new URL(u).pathname;

/** The latest-news items of a page: [{href, headline, iso}]. */
function latest(html) {
  const aside = /<aside class="latest"[\s\S]*?<\/aside>/.exec(html);
  assert.ok(aside, 'page has a latest-news aside');
  return [...aside[0].matchAll(/<li><a href="([^"]+)">([^<]*)<\/a> <time datetime="([^"]+)"/g)]
    .map((m) => ({ href: unescapeHtml(m[1]), headline: unescapeHtml(m[2]), iso: m[3] }));
}

/** The feed links of a page's <head>: [{type, title, href}]. */
function feedLinks(html) {
  const head = /<head>[\s\S]*?<\/head>/.exec(html)[0];
  return [...head.matchAll(/<link rel="alternate" type="([^"]+)" title="([^"]*)" href="([^"]+)">/g)]
    .map((m) => ({ type: m[1], title: unescapeHtml(m[2]), href: unescapeHtml(m[3]) }));
}

/** Creates and publishes an article through the newsroom; returns {id, href}. */
async function publishArticle(fields) {
  const form = {
    version: '0', standfirst: 'A standfirst for the feeds.', body: 'Para one with **bold**.\n\nPara two: 3 < 4 & so on.',
    edition: 'en', section: sections['en:Business'], slug: '', dateline: 'AMMAN', bylines: 'Feed Writer',
    tags: 'feeds', media: '0', caption: '', credit: '', translation: '', do: 'save', ...fields,
  };
  const r = await post(srv.base, '/admin/articles/new', session, form);
  assert.equal(r.status, 303, `create: ${formError(await r.text())}`);
  const id = Number(/^\/admin\/articles\/(\d+)/.exec(r.headers.get('location'))[1]);
  const p = await post(srv.base, `/admin/articles/${id}/status`, session, { to: 'publish' });
  assert.equal(p.status, 303, `publish: ${formError(await p.text())}`);
  const ed = await page(srv.base, `/admin/articles/${id}`, session);
  return { id, href: publicHref(ed.html) };
}

/** Saves article id with changed fields; returns its new public address. */
async function editArticle(id, fields) {
  const ed = await page(srv.base, `/admin/articles/${id}`, session);
  const r = await post(srv.base, `/admin/articles/${id}`, session, { ...editorFields(ed.html), ...fields, do: 'save' });
  assert.equal(r.status, 303, `save: ${formError(await r.text())}`);
  return publicHref((await page(srv.base, `/admin/articles/${id}`, session)).html);
}

async function unpublish(id) {
  const r = await post(srv.base, `/admin/articles/${id}/status`, session, { to: 'unpublish' });
  assert.equal(r.status, 303, `unpublish: ${formError(await r.text())}`);
}

/** The section, tag and author pages an article links to: {section, tag, author} (root-relative). */
async function listsOf(href) {
  const html = await fetchText(srv, href);
  const ed = href.slice(1, 3);
  const first = (kind) => {
    const m = new RegExp(`href="(/${ed}/${kind}/[^"]+)"`).exec(html);
    assert.ok(m, `${href} links to a ${kind} page`);
    return unescapeHtml(m[1]);
  };
  return { section: first('section'), tag: first('tag'), author: first('author') };
}

before(async () => {
  dir = demoSite(20);
  addUser(dir, 'feeder', 'editor', PW);
  srv = await startServer(dir);
  // a second server on the same site, with the test-only small split size (see docs/operations.md)
  split = await startServer(dir, { env: { BROADSHEET_SITEMAP_SPLIT: String(SPLIT) } });
  session = await login(srv.base, 'feeder', PW);
  const ed = await page(srv.base, '/admin/articles/new', session);
  for (const o of selectOptions(ed.html, 'section')) {
    const [edLabel, name] = o.label.split(': ');
    sections[`${edLabel === 'English' ? 'en' : 'ar'}:${name}`] = o.value;
  }
  assert.ok(sections['en:Business'], `sections: ${JSON.stringify(sections)}`);
});

after(async () => {
  const results = await Promise.allSettled([srv?.stop(), split?.stop()]);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
});

// --------------------------------------------------------------------------------------------- feeds

for (const ed of ['en', 'ar']) {
  test(`${ed}: every feed (edition, section, tag, author; RSS and Atom) parses in feedparser and matches the site`, async () => {
    const front = await fetchText(srv, `/${ed}/`);
    const newest = latest(front)[0];
    const siteName = /<p class="site-name"><a href="[^"]+">([^<]+)<\/a>/.exec(front)[1];
    const lists = await listsOf(newest.href);
    const feeds = [
      { base: `/${ed}`, page: `/${ed}/`, name: null },
      { base: lists.section, page: lists.section },
      { base: lists.tag, page: lists.tag },
      { base: lists.author, page: lists.author },
    ];
    for (const f of feeds) {
      // the list page's heading is the feed's name
      if (f.name === undefined) {
        const html = await fetchText(srv, f.page);
        f.name = unescapeHtml(/<h1[^>]*>([^<]+)<\/h1>/.exec(html)[1]);
      }
      const title = f.name ? `${f.name} | ${unescapeHtml(siteName)}` : unescapeHtml(siteName);
      for (const kind of ['rss', 'atom']) {
        const p = `${f.base}/${kind}.xml`;
        const d = await feed(p);
        assert.equal(d.feed.title, title, `${p} title`);
        assert.equal(d.feed.link, srv.base + f.page, `${p} links to its page`);
        assert.equal(d.feed.language, ed, `${p} language`);
        assert.match(d.feed.updated ?? '', /^\d{4}-\d\d-\d\dT/, `${p} has a parsed update time`);
        assert.ok(d.entries.length >= 1 && d.entries.length <= 30, `${p} has 1 to 30 entries (${d.entries.length})`);
        if (kind === 'atom') {
          const self = d.feed.links.find((l) => l.rel === 'self');
          assert.equal(self.href, srv.base + p, `${p} names itself`);
          assert.equal(self.type, 'application/atom+xml');
        }
        // newest first, every entry complete and absolute
        const times = d.entries.map((e) => Date.parse(e.published));
        assert.deepEqual([...times].sort((a, b) => b - a), times, `${p} is newest first`);
        for (const e of d.entries) {
          assert.ok(e.title, `${p}: entry title`);
          assert.ok(e.link.startsWith(`${srv.base}/${ed}/20`), `${p}: absolute article link ${e.link}`);
          assert.match(e.id, /^tag:127\.0\.0\.1,\d{4}:article-\d+$/, `${p}: permanent id`);
          if (kind === 'rss') assert.equal(e.guidislink, false, `${p}: the guid is not a permalink`);
          assert.match(e.published ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, `${p}: published date parsed`);
          assert.ok(e.summary, `${p}: summary (standfirst)`);
          assert.ok(e.content.length === 1 && e.content[0].value.includes('<p dir="auto">'), `${p}: full HTML content`);
          assert.ok(e.tags.length >= 1, `${p}: categories (at least the section)`);
        }
        // the edition feed starts with the newest article of the edition, as the site shows it
        if (f.name === null) {
          const e = d.entries[0];
          assert.ok(e.authors.length >= 1, `${p}: bylines`);
          assert.equal(e.link, srv.base + newest.href);
          assert.equal(e.title, newest.headline);
          assert.equal(e.published, newest.iso);
        } else {
          // a list feed holds the article the list came from, with the list among its categories
          const e = d.entries.find((x) => x.link === srv.base + newest.href);
          assert.ok(e, `${p} lists ${newest.href}`);
          if (f.base === lists.section || f.base === lists.tag) assert.ok(e.tags.some((t) => t.term === f.name), `${p}: category ${f.name}`);
          if (f.base === lists.author) assert.ok(e.authors.includes(f.name), `${p}: author ${f.name}`);
        }
      }
    }
  });
}

test('feeds: the article itself (headline, link, dates, standfirst, body, section and tags, lead image)', async () => {
  const front = await fetchText(srv, '/en/');
  const newest = latest(front)[0];
  const art = await fetchText(srv, newest.href);
  const standfirst = unescapeHtml(/<p class="standfirst">([^<]*)<\/p>/.exec(art)[1]);
  const img = /<img[^>]* src="(\/media\/[^"]+)"/.exec(art);
  assert.ok(img, 'the demo article has a lead image');
  const imgRes = await get(srv, img[1]);
  assert.equal(imgRes.status, 200);
  const imgBytes = (await imgRes.arrayBuffer()).byteLength;
  for (const kind of ['rss', 'atom']) {
    const d = await feed(`/en/${kind}.xml`);
    const e = d.entries[0];
    assert.equal(e.summary, standfirst, `${kind}: summary is the standfirst`);
    assert.ok(e.tags.some((t) => t.scheme === `${srv.base}/en/section/`), `${kind}: the section is a category`);
    assert.ok(e.tags.some((t) => t.scheme === `${srv.base}/en/tag/`), `${kind}: tags are categories`);
    assert.equal(e.enclosures.length, 1, `${kind}: one enclosure`);
    const enc = e.enclosures[0];
    assert.equal(enc.href, srv.base + img[1], `${kind}: the enclosure is the page's lead image`);
    assert.equal(enc.type, 'image/svg+xml');
    assert.equal(Number(enc.length), imgBytes, `${kind}: enclosure length is the file size`);
    if (kind === 'rss') {
      assert.deepEqual(e.media, [{ url: srv.base + img[1], type: 'image/svg+xml', medium: 'image' }], 'media:content');
    }
  }
  // the body as the article page shows it, escaped once in the XML and unescaped by the client
  const rssXml = await fetchText(srv, '/en/rss.xml');
  assert.match(rssXml, /<content:encoded>&lt;p dir=&quot;auto&quot;&gt;/);
  assert.doesNotMatch(rssXml, /<!\[CDATA\[/);
});

test('feeds: a new article appears with its own fields; its GUID survives a slug and headline change', async () => {
  const { id, href } = await publishArticle({ headline: 'Feed test: harbour reopens', slug: 'feed-guid-one', tags: 'feeds, harbours' });
  const rss = await feed('/en/rss.xml');
  const atom = await feed('/en/atom.xml');
  const tagFeed = await feed('/en/tag/feeds/rss.xml');
  const authorFeed = await feed('/en/author/feed-writer/atom.xml');
  for (const d of [rss, atom, tagFeed, authorFeed]) {
    const e = d.entries[0];
    assert.equal(e.title, 'Feed test: harbour reopens');
    assert.equal(e.link, srv.base + href);
    assert.equal(e.id.replace(/^.*article-/, ''), String(id), 'the GUID names the article id');
    assert.ok(Math.abs(Date.parse(e.published) - Date.now()) < 120000, 'published just now');
    assert.deepEqual(e.authors, ['Feed Writer']);
    assert.match(e.content[0].value, /<strong>bold<\/strong>/);
    assert.match(e.content[0].value, /Para two: 3 &lt; 4 &amp; so on\./);
    assert.equal(e.enclosures.length, 0, 'no lead image, no enclosure');
  }
  const guids = { rss: rss.entries[0].id, atom: atom.entries[0].id };
  assert.equal(guids.rss, guids.atom, 'RSS and Atom agree on the id');

  const newHref = await editArticle(id, { slug: 'feed-guid-two', headline: 'Feed test: harbour reopens to ships' });
  assert.ok(newHref.endsWith('/feed-guid-two') && newHref !== href);
  for (const p of ['/en/rss.xml', '/en/atom.xml']) {
    const d = await feed(p);
    const e = d.entries.find((x) => x.id === guids.rss);
    assert.ok(e, `${p}: the same GUID after the slug changed`);
    assert.equal(e.link, srv.base + newHref, `${p}: the link follows the new slug`);
    assert.equal(e.title, 'Feed test: harbour reopens to ships');
    assert.equal(d.entries.filter((x) => x.title.startsWith('Feed test: harbour')).length, 1, 'no duplicate entry');
  }
  assert.equal((await get(srv, newHref)).status, 200);
  assert.equal((await get(srv, href)).status, 301, 'the old address redirects');
});

test('feeds: an uploaded lead image is enclosed as its largest rendition, never the original', async () => {
  const fd = new FormData();
  fd.set('alt', 'Gradient over the bay');
  fd.set('file', new Blob([png(480, 270)]), 'bay.png');
  const up = await fetch(`${srv.base}/admin/media?csrf=${session.csrf}`, { method: 'POST', body: fd, headers: { cookie: `bs_session=${session.cookie}` }, redirect: 'manual' });
  assert.equal(up.status, 303, `upload: ${formError(await up.text())}`);
  const media = /uploaded=(\d+)/.exec(up.headers.get('location'))[1];
  const { href } = await publishArticle({ headline: 'Feed test: a photo story', slug: 'feed-photo', media, caption: 'The bay', credit: 'Staff photographer' });
  const art = await fetchText(srv, href);
  const src = /<img[^>]* src="(\/media\/\d{4}\/\d\d\/[0-9a-f]+-320\.jpg)"/.exec(art);
  assert.ok(src, 'the article page shows the 320 px JPEG rendition');
  const bytes = (await (await get(srv, src[1])).arrayBuffer()).byteLength;
  for (const kind of ['rss', 'atom']) {
    const e = (await feed(`/en/${kind}.xml`)).entries.find((x) => x.link === srv.base + href);
    assert.ok(e, `${kind}: the photo story is in the feed`);
    assert.deepEqual(e.enclosures, [{ href: srv.base + src[1], length: String(bytes), type: 'image/jpeg' }], `${kind}: enclosure`);
    if (kind === 'rss') assert.deepEqual(e.media, [{ url: srv.base + src[1], type: 'image/jpeg', medium: 'image' }]);
  }
  const xml = await fetchText(srv, '/en/rss.xml');
  assert.ok(!/\/media\/\d{4}\/\d\d\/[0-9a-f]+\.png/.test(xml), 'the original upload (camera metadata and all) is never named');
  assert.match(xml, /width="320" height="180"/);
  assert.match(xml, /<media:credit>Staff photographer<\/media:credit>/);
});

test('feeds: ETag and Last-Modified; 304 for If-None-Match and If-Modified-Since; a change is not 304', async () => {
  const p = '/en/section/business/rss.xml';
  const r = await get(srv, p);
  assert.equal(r.status, 200);
  const etag = r.headers.get('etag');
  const lm = r.headers.get('last-modified');
  assert.ok(etag, 'ETag');
  assert.match(lm ?? '', /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/, 'Last-Modified is an HTTP date');
  const body = await r.text();
  const lastBuild = /<lastBuildDate>([^<]+)<\/lastBuildDate>/.exec(body)[1];
  assert.equal(lastBuild, lm, 'lastBuildDate is the Last-Modified time');
  // the newest published/updated time of what the feed lists (or a later newsroom change)
  const d = feedparse(body);
  assert.ok(Date.parse(lm) >= Math.max(...d.entries.map((e) => Date.parse(e.updated ?? e.published))));
  assert.ok(Date.parse(lm) <= Date.now());

  const inm = await get(srv, p, { 'if-none-match': etag });
  assert.equal(inm.status, 304);
  assert.equal(await inm.text(), '');
  assert.equal(inm.headers.get('etag'), etag);
  const ims = await get(srv, p, { 'if-modified-since': lm });
  assert.equal(ims.status, 304, 'If-Modified-Since = Last-Modified');
  assert.equal(ims.headers.get('last-modified'), lm);
  const later = new Date().toUTCString();
  assert.equal((await get(srv, p, { 'if-modified-since': later })).status, 304, 'a later date (now)');
  const earlier = new Date(Date.parse(lm) - 1000).toUTCString();
  assert.equal((await get(srv, p, { 'if-modified-since': earlier })).status, 200, 'an earlier date');
  assert.equal((await get(srv, p, { 'if-modified-since': 'yesterday' })).status, 200, 'an unreadable date is ignored');
  const future = new Date(Date.now() + 86400000).toUTCString();
  assert.equal((await get(srv, p, { 'if-modified-since': future })).status, 200, 'a date in the future is ignored');
  assert.equal((await get(srv, p, { 'if-none-match': '"other"', 'if-modified-since': lm })).status, 200,
    'If-None-Match wins over If-Modified-Since');
  assert.equal((await get(srv, p, { 'if-none-match': etag, 'if-modified-since': earlier })).status, 304);
  // HEAD carries the validators too
  const head = await fetch(srv.base + p, { method: 'HEAD' });
  assert.equal(head.headers.get('last-modified'), lm);

  // a new article in the section: new validators, and the old ones get the new feed
  await sleep(1100); // Last-Modified counts whole seconds
  const { id } = await publishArticle({ headline: 'Feed test: validators move', slug: 'feed-validators' });
  const after1 = await get(srv, p, { 'if-modified-since': lm });
  assert.equal(after1.status, 200, 'published since: not 304');
  const lm2 = after1.headers.get('last-modified');
  assert.ok(Date.parse(lm2) > Date.parse(lm));
  assert.equal((await get(srv, p, { 'if-none-match': etag })).status, 200);
  // unpublishing moves no article date, but the feed changed: If-Modified-Since must not say 304
  await sleep(1100);
  await unpublish(id);
  const after2 = await get(srv, p, { 'if-modified-since': lm2 });
  assert.equal(after2.status, 200, 'unpublished since: not 304');
  assert.ok(!(await after2.text()).includes('feed-validators'), 'the unpublished article left the feed');
  // the Atom feed has the same validators
  const atom = await get(srv, '/en/section/business/atom.xml');
  assert.ok(atom.headers.get('etag') && atom.headers.get('etag') !== etag);
  assert.equal((await get(srv, '/en/section/business/atom.xml', { 'if-modified-since': atom.headers.get('last-modified') })).status, 304);
});

test('feeds: unknown edition, section, tag or author is 404', async () => {
  for (const p of ['/en/section/no-such-section/rss.xml', '/en/section/no-such-section/atom.xml',
    '/ar/tag/no-such-tag/rss.xml', '/en/author/nobody/atom.xml', '/fr/rss.xml', '/en/feed.xml',
    '/en/section/business/rss', '/en/section/business/rss.xml/x']) {
    const r = await get(srv, p);
    assert.equal(r.status, 404, p);
    assert.match(r.headers.get('content-type'), /^text\/html/);
  }
  assert.equal((await fetch(`${srv.base}/en/rss.xml`, { method: 'POST' })).status, 405);
});

// ------------------------------------------------------------------------------------- autodiscovery

test('autodiscovery: every reader page names its edition\'s feeds, list pages their own too; all resolve', async () => {
  const front = await fetchText(srv, '/en/');
  const art = latest(front)[0].href;
  const lists = await listsOf(art);
  const arFront = await fetchText(srv, '/ar/');
  const arLists = await listsOf(latest(arFront)[0].href);
  const pages = [
    ['/en/', 'en', null], [art, 'en', null], [lists.section, 'en', lists.section], [lists.tag, 'en', lists.tag],
    [lists.author, 'en', lists.author], ['/ar/', 'ar', null], [arLists.section, 'ar', arLists.section],
    [arLists.tag, 'ar', arLists.tag], ['/en/no-such-page', 'en', null], ['/ar/section/nothing-here', 'ar', null],
  ];
  const seen = new Set();
  for (const [p, ed, own] of pages) {
    const r = await get(srv, p);
    const html = await r.text();
    const links = feedLinks(html);
    const want = [`/${ed}/rss.xml`, `/${ed}/atom.xml`, ...(own ? [`${own}/rss.xml`, `${own}/atom.xml`] : [])];
    assert.deepEqual(links.map((l) => l.href), want, `feed links of ${p} (${r.status})`);
    for (const l of links) {
      assert.equal(l.type, l.href.endsWith('/atom.xml') ? 'application/atom+xml' : 'application/rss+xml');
      assert.match(l.title, l.href.endsWith('/atom.xml') ? / \(Atom\)$/ : / \(RSS\)$/);
      if (seen.has(l.href)) continue;
      seen.add(l.href);
      const d = await feed(l.href);
      assert.equal(`${d.feed.title} (${l.href.endsWith('/atom.xml') ? 'Atom' : 'RSS'})`, l.title, `title of ${l.href}`);
    }
  }
});

// ------------------------------------------------------------------------------------------ sitemaps

/** The sitemap index of server s: validated; returns the sitemap paths it names. */
async function sitemapIndex(s) {
  const xml = await fetchText(s, '/sitemap.xml', XML);
  validate(xml, 'siteindex.xsd', `${s.base}/sitemap.xml`);
  const all = locs(xml);
  for (const l of all) assert.ok(l.startsWith(`${s.base}/sitemaps/`), `absolute sitemap address ${l}`);
  return all.map(pathOf);
}

/** Fetches and validates one sitemap; returns its XML. */
async function sitemap(s, p) {
  const xml = await fetchText(s, p, XML);
  validate(xml, p.includes('/news') ? 'news-sitemap.xsd' : 'sitemap.xsd', s.base + p);
  return xml;
}

/** The news entries of a news sitemap: [{loc, name, language, date, title}]. */
function newsEntries(xml) {
  return [...xml.matchAll(/<url><loc>([^<]*)<\/loc><lastmod>[^<]*<\/lastmod>\s*<news:news><news:publication><news:name>([^<]*)<\/news:name><news:language>([^<]*)<\/news:language><\/news:publication>\s*<news:publication_date>([^<]*)<\/news:publication_date>\s*<news:title>([^<]*)<\/news:title><\/news:news>\s*<\/url>/g)]
    .map((m) => ({ loc: unescapeHtml(m[1]), name: unescapeHtml(m[2]), language: m[3], date: m[4], title: unescapeHtml(m[5]) }));
}

test('sitemaps: the index, every monthly sitemap, the news and pages sitemaps validate against the schemas', async () => {
  const names = await sitemapIndex(srv);
  assert.equal(names[0], '/sitemaps/pages.xml');
  assert.ok(names.includes('/sitemaps/news.xml'), 'the news sitemap is named while it has articles');
  const months = names.filter((n) => /^\/sitemaps\/\d{4}-\d\d\.xml$/.test(n));
  assert.ok(months.length >= 1, `monthly sitemaps: ${names}`);
  assert.equal(months.length + 2, names.length, `nothing else is listed: ${names}`);
  const articleLocs = [];
  for (const n of months) {
    const xml = await sitemap(srv, n);
    const [, y, m] = /(\d{4})-(\d\d)/.exec(n);
    for (const l of locs(xml)) {
      assert.ok(l.startsWith(`${srv.base}/${l.includes('/ar/') ? 'ar' : 'en'}/${y}/${m}/`), `${l} belongs in ${n}`);
      articleLocs.push(l);
    }
    for (const lm of xml.matchAll(/<lastmod>([^<]+)<\/lastmod>/g)) assert.ok(!Number.isNaN(Date.parse(lm[1])));
  }
  assert.equal(new Set(articleLocs).size, articleLocs.length, 'each article once');
  // every article a feed shows is in the monthly sitemaps, and every sitemap address works
  for (const ed of ['en', 'ar']) {
    for (const e of (await feed(`/${ed}/rss.xml`)).entries) assert.ok(articleLocs.includes(e.link), `${e.link} in a sitemap`);
  }
  for (const l of articleLocs.slice(0, 5).concat(articleLocs.slice(-5))) assert.equal((await get(srv, pathOf(l))).status, 200, l);

  const pages = locs(await sitemap(srv, '/sitemaps/pages.xml'));
  assert.ok(pages.includes(`${srv.base}/en/`) && pages.includes(`${srv.base}/ar/`), 'front pages');
  assert.ok(pages.includes(`${srv.base}/en/section/business`), 'section pages');
  for (const l of pages) assert.equal((await get(srv, pathOf(l))).status, 200, l);

  const news = await sitemap(srv, '/sitemaps/news.xml');
  const entries = newsEntries(news);
  assert.equal(entries.length, locs(news).length, 'every news URL has its news fields');
  const now = Date.now();
  for (const e of entries) {
    const ar = e.loc.startsWith(`${srv.base}/ar/`);
    assert.equal(e.language, ar ? 'ar' : 'en');
    assert.equal(e.name, ar ? 'سجل المشرق' : 'The Levant Ledger', 'publication name: the edition\'s site name');
    const t = Date.parse(e.date);
    assert.ok(t <= now + 1000 && t >= now - 48 * 3600 * 1000 - 60000, `${e.date} is within 48 hours`);
    assert.ok(e.title.length > 0);
  }
  // a month that is not split has no numbered parts, and unknown names are 404
  const [, ym] = /(\d{4}-\d\d)/.exec(months[0]);
  for (const p of [`/sitemaps/${ym}-1.xml`, '/sitemaps/1999-01.xml', '/sitemaps/news-1.xml', '/sitemaps/news-2.xml',
    '/sitemaps/2026-13.xml', '/sitemaps/other.xml', '/sitemaps/'])
    assert.equal((await get(srv, p)).status, 404, p);
});

test('sitemaps: the news sitemap lists an article published now and drops it as soon as it is unpublished', async () => {
  const { id, href } = await publishArticle({ headline: 'Feed test: breaking & "quoted" news', slug: 'feed-news-now' });
  const loc = srv.base + href;
  const month = `/sitemaps/${href.slice(4, 11).replace('/', '-')}.xml`;
  let e = newsEntries(await sitemap(srv, '/sitemaps/news.xml')).find((x) => x.loc === loc);
  assert.ok(e, 'listed in the news sitemap');
  assert.equal(e.title, 'Feed test: breaking & "quoted" news');
  assert.equal(e.language, 'en');
  assert.equal(e.name, 'The Levant Ledger');
  assert.ok(Math.abs(Date.parse(e.date) - Date.now()) < 120000, 'publication date: now');
  assert.equal(newsEntries(await sitemap(srv, '/sitemaps/news.xml'))[0].loc, loc, 'newest first');
  assert.ok(locs(await sitemap(srv, month)).includes(loc), `and in ${month}`);

  await unpublish(id);
  e = newsEntries(await sitemap(srv, '/sitemaps/news.xml')).find((x) => x.loc === loc);
  assert.equal(e, undefined, 'gone from the news sitemap at once');
  assert.ok(!locs(await sitemap(srv, month)).includes(loc), `gone from ${month}`);
  assert.ok(!(await fetchText(srv, '/en/rss.xml')).includes(href), 'and from the feed');
});

test('sitemaps: months and the news sitemap split at the (test-only) split size, without losing a URL', async () => {
  const names = await sitemapIndex(split);
  const whole = await sitemapIndex(srv);
  // the split server's monthly files cover exactly the same articles as the unsplit server's
  const urlsOf = async (s, list) => {
    const out = [];
    for (const n of list) out.push(...locs(await sitemap(s, n)).map(pathOf));
    return out;
  };
  const wholeMonths = whole.filter((n) => /\d{4}-\d\d\.xml$/.test(n));
  const splitMonths = names.filter((n) => /\d{4}-\d\d(-\d+)?\.xml$/.test(n));
  assert.ok(splitMonths.some((n) => /-\d\d-\d+\.xml$/.test(n)), `a month was split: ${splitMonths}`);
  for (const wm of wholeMonths) {
    const ym = /(\d{4}-\d\d)\.xml$/.exec(wm)[1];
    const parts = splitMonths.filter((n) => n.includes(`/${ym}`));
    const count = locs(await sitemap(srv, wm)).length;
    if (count <= SPLIT) {
      assert.deepEqual(parts, [wm], `${ym} (${count} URLs) is not split`);
      continue;
    }
    const want = Array.from({ length: Math.ceil(count / SPLIT) }, (_, i) => `/sitemaps/${ym}-${i + 1}.xml`);
    assert.deepEqual(parts, want, `${ym} (${count} URLs) is split in ${want.length}`);
    const sizes = [];
    for (const p of parts) sizes.push(locs(await sitemap(split, p)).length);
    assert.ok(sizes.every((n, i) => (i < sizes.length - 1 ? n === SPLIT : n >= 1 && n <= SPLIT)), `part sizes ${sizes}`);
    assert.equal((await get(split, wm)).status, 404, 'a split month has no unnumbered file');
    assert.equal((await get(split, `/sitemaps/${ym}-${parts.length + 1}.xml`)).status, 404, 'no part past the last');
  }
  const a = await urlsOf(srv, wholeMonths);
  const b = await urlsOf(split, splitMonths);
  assert.equal(b.length, new Set(b).size, 'no URL in two parts');
  assert.deepEqual([...b].sort(), [...a].sort(), 'the parts together list every article');

  // news: news.xml, news-2.xml ... each at most SPLIT, together the whole news sitemap in order
  const news = names.filter((n) => n.includes('/news'));
  const newsWhole = locs(await sitemap(srv, '/sitemaps/news.xml')).map(pathOf);
  assert.ok(newsWhole.length > SPLIT, `enough recent articles to split (${newsWhole.length})`);
  const wantNews = Array.from({ length: Math.ceil(newsWhole.length / SPLIT) }, (_, i) => `/sitemaps/news${i ? `-${i + 1}` : ''}.xml`);
  assert.deepEqual(news, wantNews);
  const newsParts = [];
  for (const n of news) {
    const xml = await sitemap(split, n);
    assert.equal(newsEntries(xml).length, locs(xml).length, `${n}: news fields on every URL`);
    assert.ok(locs(xml).length <= SPLIT);
    newsParts.push(...locs(xml).map(pathOf));
  }
  assert.deepEqual(newsParts, newsWhole);
  assert.equal((await get(split, `/sitemaps/news-${news.length + 1}.xml`)).status, 404);
});

test('robots.txt: plain text, everything but /admin/ allowed, the sitemaps named by absolute URL', async () => {
  const r = await get(srv, '/robots.txt');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/plain; charset=utf-8');
  const text = await r.text();
  const lines = text.split('\n').filter((l) => l && !l.startsWith('#'));
  assert.deepEqual(lines.filter((l) => !l.startsWith('Sitemap:')), ['User-agent: *', 'Disallow: /admin/', 'Allow: /']);
  const maps = lines.filter((l) => l.startsWith('Sitemap: ')).map((l) => l.slice(9));
  assert.deepEqual(maps, [`${srv.base}/sitemap.xml`, `${srv.base}/sitemaps/news.xml`]);
  for (const m of maps) {
    const res = await get(srv, pathOf(m));
    assert.equal(res.status, 200, m);
    assert.equal(res.headers.get('content-type'), XML);
  }
  // the index names the news sitemap that robots.txt names
  assert.ok((await sitemapIndex(srv)).includes('/sitemaps/news.xml'));
});
