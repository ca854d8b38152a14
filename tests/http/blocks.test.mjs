// Issue 18, the server side of the article body (docs/blocks.md): every save (the newsroom form and the
// admin API) refuses forbidden content with a 400 naming the field `body` and keeping what was typed;
// typed blocks render (image, gallery, pull quote, embed card, direction per paragraph); the reader page's
// Content-Security-Policy frames exactly the embed providers it shows; feeds and the API carry an embed
// as a link; the demo has, in each edition, a story with an embed and one with a gallery.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSite, startServer, dbExec } from '../lib/server.mjs';
import { addUser, login, post, page, fieldValue, selectOptions, formError } from '../lib/newsroom.mjs';

const PW = 'a-long-password';
const MISSING = 987654321;
const YT = 'https://www.youtube.com/watch?v=dQw4w9WgXcQ';
const RLM = '\u200f';
const LRM = '\u200e';

let dir, srv, base, apiKey, ed, media;
const sections = {};

/** The editor form for a new article; override any field. */
function articleForm(overrides = {}) {
  return {
    version: '0', headline: 'Blocks under test', standfirst: 'A standfirst.', body: 'Plain body.', edition: 'en',
    section: sections['en:Business'], slug: '', dateline: 'AMMAN', bylines: 'Rana Haddad', tags: '', media: '0',
    caption: '', credit: '', translation: '', do: 'save', ...overrides,
  };
}

/** An admin API call with the test's key; returns {status, json, text}. */
async function api(method, p, body) {
  const headers = { authorization: `Bearer ${apiKey}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* asserted by callers */ }
  return { status: r.status, json, text };
}

/** Bodies every save must refuse, with a word of the message that names the fault. */
const hostile = () => [
  ['script', 'Intro.\n\n<script>alert(1)</script>\n', /Line 3: HTML is not allowed/],
  ['style', '<style>body{display:none}</style>', /HTML is not allowed/],
  ['iframe', 'Watch:\n\n<iframe src="https://evil.example/"></iframe>', /Line 3: HTML/],
  ['onerror', 'A picture <img src=x onerror=alert(1)> here', /HTML is not allowed/],
  ['javascript: link', '[click](javascript:alert(document.cookie))', /link address must start with https/],
  ['data: link', 'See [this](data:text/html;base64,PHNjcmlwdD4=)', /link address/],
  ['data: image', '![x](data:image/svg+xml;base64,PHN2Zz4=)', /picture address/],
  ['unknown key', `\`\`\`image\nmedia: ${media[0]}\nonload: x\n\`\`\``, /Line 3: the image block has no key "onload"/],
  ['unknown media', `\`\`\`gallery\nmedia: ${media[0]}\nmedia: ${MISSING}\n\`\`\``, new RegExp(`Line 3: there is no image ${MISSING}`)],
  ['http embed', '```embed\nurl: http://www.youtube.com/watch?v=dQw4w9WgXcQ\n```', /Line 1: an embed's "url" must be an https address/],
];

before(async () => {
  dir = demoSite(0);
  addUser(dir, 'boss', 'admin', PW);
  addUser(dir, 'ed', 'editor', PW);
  srv = await startServer(dir);
  base = srv.base;
  ed = await login(base, 'ed', PW);
  for (const o of selectOptions((await page(base, '/admin/articles/new', ed)).html, 'section')) {
    const [edLabel, name] = o.label.split(': ');
    sections[`${edLabel === 'English' ? 'en' : 'ar'}:${name}`] = o.value;
  }
  media = dbExec(dir, 'SELECT id FROM media ORDER BY id LIMIT 3').trim().split('\n').map(Number);
  assert.equal(media.length, 3);
  const boss = await login(base, 'boss', PW);
  const form = new URLSearchParams({ csrf: boss.csrf, name: 'blocks', days: '30' });
  for (const s of ['read', 'write', 'publish']) form.append('scope', s);
  const r = await fetch(`${base}/admin/api-keys`, { method: 'POST', body: form, headers: { cookie: `bs_session=${boss.cookie}` } });
  apiKey = /<code class="token">(bsk_[0-9a-f]{64})<\/code>/.exec(await r.text())[1];
});

after(async () => { await srv?.stop(); });

test('the newsroom form refuses forbidden bodies: 400, the body field named, everything typed kept', async () => {
  const before = dbExec(dir, 'SELECT count(*) FROM articles').trim();
  for (const [what, body, why] of hostile()) {
    const headline = `Refused: ${what}`;
    const r = await post(base, '/admin/articles/new', ed, articleForm({ headline, body }));
    const html = await r.text();
    assert.equal(r.status, 400, `${what}: ${formError(html)}`);
    assert.match(formError(html) ?? '', why, what);
    assert.match(html, /<textarea id="body" name="body"[^>]* aria-invalid="true" aria-describedby="body-error"/, what);
    assert.equal(fieldValue(html, 'body'), body, `${what}: the body is kept as typed`);
    assert.equal(fieldValue(html, 'headline'), headline, `${what}: the other fields are kept`);
  }
  assert.equal(dbExec(dir, 'SELECT count(*) FROM articles').trim(), before, 'nothing was saved');
  // an existing article is not changed by a refused edit either
  const c = await post(base, '/admin/articles/new', ed, articleForm({ headline: 'Edit me', body: 'Good body.' }));
  assert.equal(c.status, 303);
  const id = Number(/\/admin\/articles\/(\d+)/.exec(c.headers.get('location'))[1]);
  const edit = await post(base, `/admin/articles/${id}`, ed, articleForm({ version: '1', headline: 'Edit me', body: '<script>x</script>' }));
  assert.equal(edit.status, 400);
  assert.equal(dbExec(dir, `SELECT body_md FROM articles WHERE id = ${id}`).trim(), 'Good body.');
});

test('the admin API refuses forbidden bodies on create and update: 400 naming the field body', async () => {
  const art = { edition: 'en', section: 'business', headline: 'API blocks' };
  for (const [what, body, why] of hostile()) {
    const r = await api('POST', '/api/v1/admin/articles', { ...art, body });
    assert.equal(r.status, 400, `${what}: ${r.text}`);
    assert.equal(r.json?.error?.code, 'invalid', r.text);
    assert.equal(r.json.error.field, 'body', r.text);
    assert.match(r.json.error.message, why, what);
  }
  const c = await api('POST', '/api/v1/admin/articles', { ...art, body: 'Fine.' });
  assert.equal(c.status, 201, c.text);
  const { id, version } = c.json.article;
  for (const [what, body] of hostile()) {
    const r = await api('PUT', `/api/v1/admin/articles/${id}`, { version, body });
    assert.equal(r.status, 400, `${what}: ${r.text}`);
    assert.equal(r.json.error.field, 'body', r.text);
  }
  assert.equal((await api('GET', `/api/v1/admin/articles/${id}`)).json.article.body, 'Fine.');
});

/** Creates and publishes an article with body through the API; returns {id, url} (the public address). */
async function published(body, edition = 'en') {
  const c = await api('POST', '/api/v1/admin/articles', { edition, section: 'business', headline: `Blocks ${Math.random()}`, body });
  assert.equal(c.status, 201, c.text);
  const { id } = c.json.article;
  const p = await api('POST', `/api/v1/admin/articles/${id}/publish`);
  assert.equal(p.status, 200, p.text);
  const pub = await fetch(`${base}/api/v1/articles/${id}`);
  const j = await pub.json();
  return { id, url: new URL(j.article?.url ?? j.url).pathname, json: j };
}

const richBody = () => [
  'Opening paragraph.',
  `${RLM}فقرة عربية داخل قصة إنجليزية.`,
  `\`\`\`image\nmedia: ${media[0]}\nalt: The harbour at dawn\ncaption: Cranes at work <again>\ncredit: Photo: R. Haddad\n\`\`\``,
  `\`\`\`gallery\ntitle: The port in pictures\nmedia: ${media[1]}\ncaption: First\nmedia: ${media[2]}\ncaption: Second\n\`\`\``,
  '```pullquote\ntext: We are back at work.\nby: A docker\n```',
  `\`\`\`embed\nurl: ${YT}\ntitle: The minister's statement\n\`\`\``,
  '```embed\nurl: https://example.org/report\ntitle: The full report\n```',
].join('\n\n');

test('each block renders on the reader page; the CSP frames exactly the providers used', async () => {
  const { url } = await published(richBody());
  const r = await fetch(base + url);
  assert.equal(r.status, 200);
  const html = await r.text();
  assert.match(html, /<p dir="auto">Opening paragraph.<\/p>/);
  assert.match(html, new RegExp(`<p dir="rtl">${RLM}فقرة عربية`));
  assert.match(html, /<figure class="body-image"><img src="\/media\/[^"]+" alt="The harbour at dawn"[^>]*><figcaption dir="auto">Cranes at work &lt;again&gt; <span class="credit">Photo: R. Haddad<\/span><\/figcaption><\/figure>/);
  assert.match(html, /<figure class="gallery"><figcaption class="gallery-title" dir="auto">The port in pictures<\/figcaption><div class="gallery-track" tabindex="0" role="region" aria-label="The port in pictures">/);
  assert.equal((html.match(/<figure class="gallery-item">/g) ?? []).length, 2);
  assert.match(html, /<figure class="pullquote"><blockquote dir="auto"><p>We are back at work.<\/p><\/blockquote><figcaption dir="auto">A docker<\/figcaption><\/figure>/);
  assert.match(html, /<div class="embed" data-embed-src="https:\/\/www.youtube-nocookie.com\/embed\/dQw4w9WgXcQ" data-embed-provider="YouTube"><p class="embed-provider">YouTube<\/p><p class="embed-title" dir="auto"><a href="https:\/\/www.youtube.com\/watch\?v=dQw4w9WgXcQ" rel="noopener">The minister&#39;s statement<\/a>/);
  assert.match(html, /<div class="embed embed-link"><p class="embed-provider">example.org<\/p>/);
  assert.doesNotMatch(html, /<iframe/, 'no frame before the reader asks');
  assert.match(html, /<script src="\/static\/embed\.js\?v=[0-9a-f]{8}" defer><\/script>/);
  // the gallery is ImageGallery structured data, part of the NewsArticle
  const ld = [...html.matchAll(/<script type="application\/ld\+json">(.*?)<\/script>/gs)].map((m) => JSON.parse(m[1]));
  const article = ld.find((d) => d['@type'] === 'NewsArticle');
  assert.ok(article, 'a NewsArticle');
  const gallery = article.hasPart?.find((p) => p['@type'] === 'ImageGallery');
  assert.ok(gallery, JSON.stringify(article));
  assert.equal(gallery.name, 'The port in pictures');
  assert.deepEqual(gallery.associatedMedia.map((m) => [m['@type'], m.caption]), [['ImageObject', 'First'], ['ImageObject', 'Second']]);
  assert.match(gallery.associatedMedia[0].contentUrl, /^https?:\/\/[^/]+\/media\//);
  const csp = r.headers.get('content-security-policy');
  assert.match(csp, /; frame-src https:\/\/www.youtube-nocookie.com$/, csp);
  assert.match(csp, /default-src 'self'/);
  // a page without embeds frames nothing
  const plain = await published('Nothing to embed.');
  const csp2 = (await fetch(base + plain.url)).headers.get('content-security-policy');
  assert.doesNotMatch(csp2, /frame-src/, csp2);
  // embed.js is served from the site
  const js = await fetch(`${base}/static/embed.js`);
  assert.equal(js.status, 200);
  assert.match(await js.text(), /data-embed-src|embedSrc/);
});

test('a gallery naming an image deleted since the save renders without it', async () => {
  const { url } = await published(`\`\`\`gallery\ntitle: Vanishing\nmedia: ${media[1]}\ncaption: stays\nmedia: ${media[2]}\ncaption: goes\n\`\`\``);
  dbExec(dir, `UPDATE articles SET lead_media_id = NULL WHERE lead_media_id = ${media[2]}`);
  dbExec(dir, `DELETE FROM media WHERE id = ${media[2]}`);
  const r = await fetch(base + url);
  assert.equal(r.status, 200);
  const html = await r.text();
  assert.match(html, /stays/);
  assert.doesNotMatch(html, /goes/);
  media[2] = media[1]; // later tests must not name the deleted image
});

test('the API and the feeds carry an embed as a link, with no script or frame', async () => {
  const { id } = await published(`Before.\n\n\`\`\`embed\nurl: ${YT}\ntitle: Feed embed\n\`\`\``);
  const j = await (await fetch(`${base}/api/v1/articles/${id}`)).json();
  const bodyHtml = j.article?.body_html ?? j.body_html;
  assert.match(bodyHtml, /<a href="https:\/\/www.youtube.com\/watch\?v=dQw4w9WgXcQ" rel="noopener">Feed embed<\/a>/);
  assert.doesNotMatch(bodyHtml, /<iframe|<script/);
  for (const feed of ['/en/rss.xml', '/en/atom.xml']) {
    const text = await (await fetch(base + feed)).text();
    assert.ok(text.includes('Feed embed'), `${feed} has the embed's title`);
    assert.ok(text.includes('https://www.youtube.com/watch?v=dQw4w9WgXcQ'), `${feed} has the embed's link`);
    assert.doesNotMatch(text, /&lt;iframe|<iframe|&lt;script/, feed);
  }
});

test('the demo has, in each edition, a story with an embed and a story with a gallery and a pull quote', async () => {
  for (const edition of ['en', 'ar']) {
    const rows = dbExec(dir, `SELECT id, body_md FROM articles WHERE edition = '${edition}' AND translation_group IN ('demo-satellite-launch', 'demo-museum-reopens') ORDER BY translation_group`).trim();
    assert.match(rows, /```gallery/);
    assert.match(rows, /```embed/);
    for (const key of ['satellite-launch', 'museum-reopens']) {
      const id = dbExec(dir, `SELECT id FROM articles WHERE edition = '${edition}' AND translation_group = 'demo-${key}'`).trim();
      const j = await (await fetch(`${base}/api/v1/articles/${id}`)).json();
      const url = new URL(j.article?.url ?? j.url).pathname;
      const r = await fetch(base + url);
      const html = await r.text();
      if (key === 'satellite-launch') {
        assert.match(html, /data-embed-provider="YouTube"/);
        assert.match(r.headers.get('content-security-policy'), /frame-src https:\/\/www.youtube-nocookie.com https:\/\/www.openstreetmap.org$/);
      } else {
        assert.equal((html.match(/<figure class="gallery-item"><img src="\/media\/[^"]+"/g) ?? []).length, 3, `${edition} gallery`);
        assert.match(html, /<figure class="pullquote">/);
        assert.match(html, edition === 'en' ? /<p dir="rtl">/ : /<p dir="ltr">/, 'a paragraph in the other direction');
      }
    }
  }
});
