// Issue 23, "old links keep working": the old (WordPress) site's addresses, as legacy_urls holds them in
// legacy_path_norm's one spelling, answer 301 to their target's CURRENT address: every percent-encoding of
// an Arabic slug (upper-, lower-case, raw UTF-8, mixed; trailing slash or not; /index.php/; a tracking
// query), the plain permalinks "/?p=ID", category, tag, author and attachment addresses; after a slug
// change in the newsroom the old address still lands on the article in one hop. Unknown addresses get the
// usual 404 page; /admin, /api, /static and /media are never looked up; CR/LF and overlong paths never
// reach a Location header. The static export writes an nginx map that a real nginx (Debian's
// nginx-light) answers the same spellings from. Feeds keep an imported article's old GUID.
// Rows are put with dbExec (the WordPress importer fills them in real use).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { demoSite, startServer, dbExec, run, tempDir, freePort, rawRequest, statusOf } from '../lib/server.mjs';
import { addUser, login, page, post, editorFields, formError, publicHref } from '../lib/newsroom.mjs';
import { NGINX } from '../lib/nginx.mjs';

const PW = 'a-long-password';
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
let dir, srv, editor;
const A = {}; // the articles, sections, tags ... the rows point at: {id, href}

// the Arabic slug of the old site and its spellings (what an old link, a browser or a crawler may send)
const SLUG = 'أخبار-المرفأ';
const UPPER = encodeURIComponent(SLUG); // %D8%A3...
const LOWER = UPPER.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
const MIXED = UPPER.replace(/%[0-9A-F]{2}/g, (m, i) => (i % 2 ? m.toLowerCase() : m));
const NORMAL = `/2019/03/${UPPER}`; // as legacy_path_norm writes it
const GUID = 'http://old.example.com/?p=4711';
// a long one (nginx's map needs a bucket big enough for it: the map's comment says how big)
const LONG = 'تقرير-مطول-عن-إعادة-افتتاح-المرفأ-بعد-أشهر-من-الإغلاق-والعمل-الشاق';

/** One row of legacy_urls. */
function legacy(p, kind, id) {
  dbExec(dir, `INSERT INTO legacy_urls(path, kind, target_id, source, created_at) VALUES('${p.replace(/'/g, "''")}', '${kind}', ${id}, 'http://old.example.com', 1)`);
}

/** The first value of sql's single row (dbExec). */
function one(sql) {
  return dbExec(dir, sql).trim().split('\n')[0].split('\t');
}

/** A raw request (bytes as given: raw UTF-8, any hex case): {status, location, head, body}. */
async function raw(port, target, method = 'GET') {
  const req = Buffer.concat([Buffer.from(`${method} `), Buffer.from(target, 'utf8'), Buffer.from(' HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')]);
  const r = await rawRequest(port, req);
  const [head, ...body] = r.text.split('\r\n\r\n');
  const loc = /\r\nLocation: ([^\r\n]*)/i.exec(head);
  return { status: statusOf(r.text), location: loc ? loc[1] : null, head, body: body.join('\r\n\r\n') };
}

/** GET path without following redirects. */
function get(p, opts = {}) {
  return fetch(srv.base + p, { redirect: 'manual', ...opts });
}

/** The public address of article id (from the newsroom). */
async function hrefOf(id) {
  return publicHref((await page(srv.base, `/admin/articles/${id}`, editor)).html);
}

before(async () => {
  dir = demoSite(0);
  addUser(dir, 'legacyed', 'editor', PW);
  // two published demo articles (one per edition), a section, a tag, an author and a picture
  [A.ar] = one("SELECT id FROM articles WHERE edition = 'ar' AND status = 'published' ORDER BY id LIMIT 1");
  [A.en] = one("SELECT id FROM articles WHERE edition = 'en' AND status = 'published' ORDER BY id LIMIT 1");
  [A.en2] = one(`SELECT id FROM articles WHERE edition = 'en' AND status = 'published' AND id <> ${A.en} ORDER BY id LIMIT 1`);
  [A.sec, A.secSlug] = one("SELECT id, slug FROM sections WHERE edition = 'ar' ORDER BY id LIMIT 1");
  [A.tag, A.tagSlug] = one("SELECT id, slug FROM tags WHERE edition = 'en' ORDER BY id LIMIT 1");
  [A.author, A.authorSlug] = one("SELECT id, slug FROM authors WHERE edition = 'en' ORDER BY id LIMIT 1");
  [A.media, A.mediaPath] = one('SELECT id, path FROM media ORDER BY id LIMIT 1');
  legacy(NORMAL, 'article', A.ar);
  legacy('/?p=4711', 'article', A.en);
  legacy(`/2019/04/${encodeURIComponent(LONG)}`, 'article', A.ar);
  legacy('/2017/05/harbour-reopens', 'article', A.en2);
  legacy('/category/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1', 'section', A.sec);
  legacy('/tag/ships', 'tag', A.tag);
  legacy('/?tag=ships', 'tag', A.tag);
  legacy('/author/old-writer', 'author', A.author);
  legacy('/?attachment_id=12', 'media', A.media);
  legacy('/2016/01/gone-story', 'article', 999999);
  // addresses that must never be looked up, however the rows came to be
  for (const p of ['/admin/old', '/api/v1/old', '/static/old.css', '/media/old.jpg']) legacy(p, 'article', A.en);
  dbExec(dir, `UPDATE articles SET guid = '${GUID}' WHERE id = ${A.en}`);
  srv = await startServer(dir);
  editor = await login(srv.base, 'legacyed', PW);
  A.arHref = await hrefOf(A.ar);
  A.enHref = await hrefOf(A.en);
  A.en2Href = await hrefOf(A.en2);
});

after(async () => {
  await srv?.stop();
});

test('legacy: every spelling of an Arabic slug path answers 301 to the article, in one hop', async () => {
  const spellings = [
    `/2019/03/${UPPER}/`, `/2019/03/${UPPER}`, `/2019/03/${LOWER}/`, `/2019/03/${LOWER}`, `/2019/03/${MIXED}/`,
    `/2019/03/${SLUG}/`, `/2019/03/${SLUG}`, `/2019/03/${SLUG.slice(0, 3)}${encodeURIComponent(SLUG.slice(3)).toLowerCase()}/`,
    `/index.php/2019/03/${LOWER}/`, `/2019/03/${UPPER}/?utm_source=twitter`, `/2019//03/${UPPER}//`,
    `/2019/04/${LONG}/`,
  ];
  for (const s of spellings) {
    const r = await raw(srv.port, s);
    assert.equal(r.status, 301, `${s}: ${r.head.split('\r\n')[0]}`);
    assert.equal(r.location, A.arHref, `${s} -> the article's address`);
  }
  const land = await get(A.arHref);
  assert.equal(land.status, 200, 'the Location is the article page itself (one hop)');
  // HEAD too
  const h = await get(`/2019/03/${LOWER}/`, { method: 'HEAD' });
  assert.equal(h.status, 301);
  assert.equal(h.headers.get('location'), A.arHref);
  assert.match(h.headers.get('cache-control'), /max-age=3600/, 'browsers keep it an hour, not forever');
});

test('legacy: ?p=ID, category, tag, author and attachment addresses', async () => {
  const cases = [
    ['/?p=4711', A.enHref],
    ['/index.php?p=4711', A.enHref],
    [`/category/${encodeURIComponent('أخبار').toLowerCase()}/`, `/ar/section/${encodeURIComponent(A.secSlug)}`],
    ['/tag/ships/', `/en/tag/${encodeURIComponent(A.tagSlug)}`],
    ['/?tag=ships', `/en/tag/${encodeURIComponent(A.tagSlug)}`],
    ['/author/old-writer', `/en/author/${encodeURIComponent(A.authorSlug)}`],
    ['/?attachment_id=12', `/media/${A.mediaPath}`],
  ];
  for (const [p, to] of cases) {
    const r = await get(p);
    assert.equal(r.status, 301, p);
    assert.equal(r.headers.get('location'), to, p);
    const land = await get(to);
    assert.equal(land.status, 200, `${p} lands on a page (${to})`);
  }
  // the demo's own old addresses (src/demo.c legacy_demo), for a newcomer to click
  for (const p of ['/?p=101', '/category/sport/', `/category/${encodeURIComponent('رياضة')}/`, '/2019/06/14/desalination-plant-opens/',
    `/2019/06/14/${encodeURIComponent('محطة-تحلية-المياه')}/`]) {
    const r = await get(p);
    assert.equal(r.status, 301, `demo ${p}`);
    assert.equal((await get(r.headers.get('location'))).status, 200, `demo ${p} lands on a page`);
  }
  assert.equal((await get('/category/sport')).headers.get('location'), '/en/section/sport');
  assert.equal((await get(`/category/${encodeURIComponent('رياضة').toLowerCase()}`)).headers.get('location'), '/ar/section/sport');
  const h = await get('/?p=4711', { method: 'HEAD' });
  assert.equal(h.status, 301, 'HEAD ?p=');
  // the root without WordPress's query stays the front door; an unknown ?p= is the usual 404
  assert.equal((await get('/?utm_source=x')).status, 302);
  assert.equal((await get('/')).status, 302);
  const unknown = await get('/?p=999');
  assert.equal(unknown.status, 404);
  assert.match(await unknown.text(), /Page not found/);
});

test('legacy: after the slug is changed in the newsroom, the old WordPress address 301s to the new slug', async () => {
  let r = await get('/2017/05/harbour-reopens/');
  assert.equal(r.status, 301);
  assert.equal(r.headers.get('location'), A.en2Href);
  const ed = await page(srv.base, `/admin/articles/${A.en2}`, editor);
  const save = await post(srv.base, `/admin/articles/${A.en2}`, editor, { ...editorFields(ed.html), slug: 'harbour-renamed-after-import', do: 'save' });
  assert.equal(save.status, 303, `save: ${formError(await save.text())}`);
  const now = await hrefOf(A.en2);
  assert.ok(now.endsWith('/harbour-renamed-after-import') && now !== A.en2Href, now);
  r = await get('/2017/05/harbour-reopens/');
  assert.equal(r.status, 301);
  assert.equal(r.headers.get('location'), now, 'straight to the new slug, not through the old one');
  assert.equal((await get(now)).status, 200);
});

test('legacy: unknown and gone addresses get the usual 404 page; unpublished targets too', async () => {
  for (const p of ['/2015/01/never-was/', '/2016/01/gone-story/', '/hello-world/', '/category/none']) {
    const r = await get(p);
    assert.equal(r.status, 404, p);
    assert.equal(r.headers.get('location'), null, p);
    assert.match(await r.text(), /Page not found/, `${p}: the normal page`);
  }
  // an article unpublished after the import: its old address is a 404, not a redirect to one
  legacy('/2014/02/withdrawn', 'article', A.ar);
  dbExec(dir, `UPDATE articles SET status = 'unpublished' WHERE id = ${A.ar}`);
  try {
    assert.equal((await get('/2014/02/withdrawn')).status, 404);
  } finally {
    dbExec(dir, `UPDATE articles SET status = 'published' WHERE id = ${A.ar}`);
  }
  assert.equal((await get('/2014/02/withdrawn')).status, 301);
});

test('legacy: /metrics counts the old addresses looked up, found or not', async () => {
  const val = (t, k) => Number((t.split('\n').find((l) => l.startsWith(`${k} `)) || ' NaN').split(' ').pop());
  const m0 = await (await get('/metrics')).text();
  await get('/tag/ships');
  await get('/tag/ships');
  await get('/2015/01/never-was');
  const m1 = await (await get('/metrics')).text();
  const k = (r) => `broadsheet_legacy_requests_total{result="${r}"}`;
  assert.equal(val(m1, k('redirect')) - val(m0, k('redirect')), 2);
  assert.equal(val(m1, k('not_found')) - val(m0, k('not_found')), 1);
});

test('legacy: /admin, /api, /static and /media addresses are never looked up; only GET and HEAD', async () => {
  for (const p of ['/admin/old', '/api/v1/old', '/static/old.css', '/media/old.jpg']) {
    const r = await get(p);
    assert.equal(r.status, 404, p);
    assert.equal(r.headers.get('location'), null, p);
  }
  const r = await fetch(`${srv.base}/tag/ships`, { method: 'POST', redirect: 'manual', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.notEqual(r.status, 301, 'a POST is not redirected');
});

test('legacy: CR/LF and overlong paths are a 404 or 400 with no Location and no injected header', async () => {
  const { port } = srv;
  for (const p of ['/tag/ships%0d%0aSet-Cookie:%20evil=1', '/tag/ships%0D%0ALocation:%20http://evil.example/',
    `/${'a'.repeat(3000)}`, '/tag/../tag/ships%00']) {
    const r = await raw(port, p);
    assert.ok([400, 404, 414].includes(r.status), `${p.slice(0, 40)}: ${r.status}`);
    assert.equal(r.location, null);
    assert.doesNotMatch(r.head, /evil/i);
  }
});

// ---------------------------------------------------------------------------------------- feeds

const FEEDPARSER = `
import sys, json, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({'bozo': int(d.bozo), 'entries': [{'id': e.get('id'), 'link': e.get('link'),
  'guidislink': e.get('guidislink')} for e in d.entries]}))
`;

test('feeds: an imported article keeps its old GUID in RSS, Atom and the API; the others keep theirs', async () => {
  const link = srv.base + A.enHref;
  for (const p of ['/en/rss.xml', '/en/atom.xml']) {
    const xml = await (await get(p)).text();
    const r = spawnSync(PYTHON, ['-c', FEEDPARSER], { input: xml, encoding: 'utf8' });
    assert.equal(r.status, 0, `feedparser: ${r.stderr}`);
    const d = JSON.parse(r.stdout);
    assert.equal(d.bozo, 0, p);
    const e = d.entries.find((x) => x.link === link);
    assert.ok(e, `${p}: the imported article is in the feed`);
    assert.equal(e.id, GUID, `${p}: its id is the old site's`);
    if (p.endsWith('rss.xml')) assert.equal(e.guidislink, false);
    const others = d.entries.filter((x) => x.link !== link);
    assert.ok(others.length > 0 && others.every((x) => x.id.startsWith('tag:')), `${p}: the others keep their tag: ids`);
  }
  const api = await (await get(`/api/v1/articles/${A.en}`)).json();
  assert.equal(api.article.guid, GUID);
  const other = await (await get(`/api/v1/articles/${A.ar}`)).json();
  assert.equal(other.article.guid, null);
});

// ---------------------------------------------------------------------------------- export + nginx

/** Starts nginx serving root with the exported map included; resolves to {port, stop()}. */
async function staticNginx(root, bucket) {
  const ndir = tempDir('bs-nginx-legacy-');
  fs.chmodSync(ndir, 0o755);
  fs.chmodSync(path.dirname(root), 0o755);
  const port = await freePort();
  const conf = path.join(ndir, 'nginx.conf');
  fs.writeFileSync(conf, `
daemon off;
worker_processes 1;
pid ${ndir}/nginx.pid;
error_log ${ndir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${ndir}/body;
  proxy_temp_path ${ndir}/proxy;
  fastcgi_temp_path ${ndir}/fastcgi;
  uwsgi_temp_path ${ndir}/uwsgi;
  scgi_temp_path ${ndir}/scgi;
  map_hash_bucket_size ${bucket};
  include ${root}/.broadsheet-legacy.map;
  server {
    listen 127.0.0.1:${port};
    root ${root};
    if ($bs_legacy) { return 301 $bs_legacy; }
    location ~ /\\. { return 404; }
    location = / { if ($bs_legacy_query) { return 301 $bs_legacy_query; } return 302 /en/; }
    location / { try_files $uri.html \${uri}index.html $uri =404; }
  }
}
`);
  const proc = spawn(NGINX, ['-p', ndir, '-c', conf, '-e', path.join(ndir, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  let exited = false;
  const exit = new Promise((resolve) => proc.on('exit', () => { exited = true; resolve(); }));
  const up = () => new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('connect', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
  for (let i = 0; !(await up()); i++) {
    const log = () => stderr + (fs.existsSync(`${ndir}/error.log`) ? fs.readFileSync(`${ndir}/error.log`, 'utf8') : '');
    if (exited || i > 200) throw new Error(`nginx did not start: ${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, async stop() { if (!exited) proc.kill('SIGQUIT'); await exit; } };
}

test('export: an nginx map of every old address; a real nginx answers every spelling with a 301', { skip: !NGINX && 'nginx is not installed' }, async () => {
  const out = path.join(tempDir('bs-export-legacy-'), 'www');
  const r = run(['export', '--site', dir, '--no-compress', '--jobs', '2', out]);
  assert.equal(r.status, 0, `export: ${r.stderr}`);
  const map = fs.readFileSync(path.join(out, '.broadsheet-legacy.map'), 'utf8');
  assert.match(map, /^map \$uri \$bs_legacy \{$/m);
  assert.ok(map.includes(`"/2019/03/${SLUG}" "${A.arHref}";`), 'the Arabic path decoded, as nginx\'s $uri is');
  assert.ok(map.includes(`"/2019/03/${SLUG}/" "${A.arHref}";`), 'and with its trailing slash');
  assert.ok(map.includes(`"4711/////" "${A.enHref}";`), '?p=4711 in the query map');
  assert.ok(!map.includes('gone-story'), 'a target that is gone is left out');
  assert.doesNotMatch(map, /^ {4}"\/(admin|api|static|media)\//m, 'the live server\'s own prefixes are left out, as the server leaves them');
  const bucket = /map_hash_bucket_size (\d+);/.exec(map);
  assert.ok(bucket, 'the map says which map_hash_bucket_size it needs');
  const ng = await staticNginx(out, bucket[1]);
  try {
    const spellings = [`/2019/03/${UPPER}/`, `/2019/03/${LOWER}`, `/2019/03/${MIXED}/`, `/2019/03/${SLUG}/`, `/2019/03/${SLUG}`,
      `/2019/04/${LONG}/`, `/2019/04/${encodeURIComponent(LONG).toLowerCase()}`];
    for (const s of spellings) {
      const x = await raw(ng.port, s);
      assert.equal(x.status, 301, `nginx ${s}`);
      assert.equal(new URL(x.location, 'http://h').pathname, A.arHref, `nginx ${s} -> the article`);
    }
    for (const [p, to] of [['/?p=4711', A.enHref], ['/?p=4711&utm_source=x', A.enHref], ['/?tag=ships', `/en/tag/${encodeURIComponent(A.tagSlug)}`],
      [`/category/${encodeURIComponent('أخبار').toLowerCase()}/`, `/ar/section/${encodeURIComponent(A.secSlug)}`], ['/2017/05/harbour-reopens/', await hrefOf(A.en2)]]) {
      const x = await raw(ng.port, p);
      assert.equal(x.status, 301, `nginx ${p}`);
      assert.equal(new URL(x.location, 'http://h').pathname, to, `nginx ${p}`);
    }
    // the target is there: the exported article file
    const land = await raw(ng.port, A.arHref);
    assert.equal(land.status, 200, `nginx ${A.arHref}`);
    assert.equal((await raw(ng.port, '/2015/01/never-was/')).status, 404);
    assert.equal((await raw(ng.port, '/')).status, 302);
    assert.equal((await raw(ng.port, '/.broadsheet-legacy.map')).status, 404, 'the map is not served');
  } finally {
    await ng.stop();
  }
});
