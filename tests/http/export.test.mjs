// The static export (`broadsheet export`): its files equal what the running server sends for the same
// URLs, every link in the exported pages has its file under the nginx rules of docs/operations.md, a
// re-run rewrites nothing, an edit rewrites the article and the lists that show it but not unrelated
// articles, an unpublished article's files go, and bad input gets a clear message and a non-zero exit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { dbExec, demoSite, startServer, run, tempDir, configure } from '../lib/server.mjs';
import { addUser, login, page, post, editorFields, formError } from '../lib/newsroom.mjs';

const BASE = 'https://news.example.com';
let dir, srv, session, out;
let articles; // the English articles from the API, newest first: {id, path}

/** Runs the export into `out`; returns {status, stdout, stderr, written, unchanged, removed}. */
function exportSite(target = out, extra = []) {
  const r = run(['export', '--site', dir, '--jobs', '2', ...extra, target]);
  const m = /(\d+) written, (\d+) unchanged, (\d+) removed/.exec(r.stdout);
  return { ...r, written: m && Number(m[1]), unchanged: m && Number(m[2]), removed: m && Number(m[3]) };
}

/**
 * The exported file nginx serves for a root-relative link, or null: the try_files rule of the snippet in
 * docs/operations.md ($uri$bs_page.html, ${uri}index$bs_page.html, $uri, with $bs_page ".page-N" for
 * ?page=N from 2 up).
 */
function fileFor(link) {
  const u = new URL(link, 'http://x');
  const p = decodeURIComponent(u.pathname);
  const m = /^\?page=([2-9]|[1-9]\d+)$/.exec(u.search);
  const sfx = m ? `.page-${m[1]}` : '';
  for (const c of [`${p}${sfx}.html`, `${p}index${sfx}.html`, p]) {
    const f = path.join(out, c);
    if (fs.existsSync(f) && fs.statSync(f).isFile()) return f;
  }
  return null;
}

/** Every file under d (relative paths). */
function walk(d, rel = '') {
  const all = [];
  for (const e of fs.readdirSync(path.join(d, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) all.push(...walk(d, r));
    else all.push(r);
  }
  return all;
}

/** {file: "ino:mtime"} for every file of the export (a rewrite by rename changes the inode). */
function stamps() {
  const s = {};
  for (const f of walk(out)) {
    const st = fs.statSync(path.join(out, f));
    s[f] = `${st.ino}:${st.mtimeMs}`;
  }
  return s;
}

/** The root-relative links (href, src, srcset) of an HTML page, with &amp; decoded. */
function linksOf(html) {
  const links = [];
  for (const m of html.matchAll(/ (?:href|src)="([^"]*)"| srcset="([^"]*)"/g)) {
    const vals = m[1] !== undefined ? [m[1]] : m[2].split(',').map((c) => c.trim().split(' ')[0]);
    for (let v of vals) {
      v = v.replaceAll('&amp;', '&');
      if (v.startsWith(BASE)) v = v.slice(BASE.length) || '/';
      v = v.split('#')[0];
      if (v.startsWith('/') && !v.startsWith('//')) links.push(v);
    }
  }
  return links;
}

async function fetchBytes(p) {
  const r = await fetch(srv.base + p, { redirect: 'manual' });
  assert.equal(r.status, 200, `GET ${p}`);
  return Buffer.from(await r.arrayBuffer());
}

async function closeComments(id) {
  const r = await post(srv.base, `/admin/articles/${id}/comments`, session, { mode: 'site', closed: '1' });
  assert.ok(r.status === 303 || r.status === 200, `close comments of ${id}: ${r.status}`);
}

before(async () => {
  dir = demoSite(40); // 62 English articles: sections get a second page
  // the static export leaves out the breaking banner (live news; breaking.h): the demo's are ended so
  // the server's pages and the files can be compared byte for byte
  dbExec(dir, 'UPDATE breaking SET ended_at = created_at WHERE ended_at IS NULL');
  // exports run in spawnSync and block this process: the kept-alive connection must outlive one as idle
  configure(dir, { base_url: BASE, connection_timeout: 600 });
  srv = await startServer(dir);
  addUser(dir, 'exporter', 'editor');
  session = await login(srv.base, 'exporter', 'a-long-password');
  const api = await (await fetch(`${srv.base}/api/v1/articles?edition=en&limit=100`)).json();
  articles = api.articles.map((a) => ({ id: a.id, path: a.url.slice(BASE.length) }));
  assert.ok(articles.length > 50, 'the demo site has its English articles');
  out = path.join(tempDir('bs-export-'), 'public');
});

after(async () => {
  await srv?.stop();
});

test('export: writes the public site; files equal what the server sends, byte for byte (and .gz/.br)', async () => {
  const en = articles[0];
  const arApi = await (await fetch(`${srv.base}/api/v1/articles?edition=ar&limit=1`)).json();
  const ar = { id: arApi.articles[0].id, path: arApi.articles[0].url.slice(BASE.length) };
  // a static copy leaves out the comment form (its token expires): compare articles whose comments are closed
  await closeComments(en.id);
  await closeComments(ar.id);
  const r = exportSite();
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.written > 300 && r.unchanged === 0 && r.removed === 0, r.stdout);
  assert.match(r.stdout, /written, 0 unchanged, 0 removed in [\d.]+ s/);
  assert.doesNotMatch(r.stdout, /not found|failed/, 'no broken links or failures');

  const articleHtml = fs.readFileSync(fileFor(en.path), 'utf8');
  const media = linksOf(articleHtml).find((l) => l.startsWith('/media/'));
  assert.ok(media, 'the article shows a media file');
  const section = linksOf(articleHtml).find((l) => /^\/en\/section\/[^/]+$/.test(l));
  const sample = ['/en/', '/ar/', en.path, ar.path, '/en/rss.xml', '/ar/atom.xml', `${section}/rss.xml`,
    `${section}?page=2`, '/sitemap.xml', '/sitemaps/news.xml', '/sitemaps/pages.xml', '/robots.txt',
    '/static/site.css', media, '/en/search'];
  // the alerts opt-in's subscribe token is made per page for the server's /push/subscribe, which a static
  // copy has not got: the copy's is empty (push.js then keeps the button hidden); all else is the same bytes
  // and the newsletters' sign-up form (it posts to the server with a signed token) is left out of the copy
  let tokens = 0, signups = 0;
  const withoutToken = (buf) => Buffer.from(buf.toString('latin1').replace(/(class="push-optin" hidden data-key="[^"]*" data-token=")([0-9]+\.[0-9a-f]+)"/g,
    (m, head) => { tokens++; return `${head}"`; }).replace(/<section class="nl-signup"[^]*?<\/section>\n/g, () => { signups++; return ''; }), 'latin1');
  for (const p of sample) {
    const f = fileFor(p);
    assert.ok(f, `a file for ${p}`);
    const want = withoutToken(await fetchBytes(p));
    const got = fs.readFileSync(f);
    assert.doesNotMatch(got.toString('latin1'), /data-token="[^"]/, `${p}: the static copy carries no subscribe token`);
    assert.doesNotMatch(got.toString('latin1'), /<section class="nl-signup"/, `${p}: the static copy has no newsletter sign-up form`);
    assert.ok(got.equals(want), `${p}: the file (${got.length} bytes) equals the server's reply (${want.length})`);
    if (!p.startsWith('/media/') || p.endsWith('.svg')) {
      assert.ok(zlib.gunzipSync(fs.readFileSync(`${f}.gz`)).equals(want), `${p}.gz decompresses to the same bytes`);
      assert.ok(zlib.brotliDecompressSync(fs.readFileSync(`${f}.br`)).equals(want), `${p}.br too`);
    }
  }
  assert.ok(tokens >= 5, `the server's reader pages carry the subscribe token (${tokens})`);
  assert.equal(signups, tokens, 'every server reader page carries the newsletter sign-up form');
  assert.equal(fileFor('/en/no-such-page'), null, 'the file rule finds no file for an unknown page');
  for (const ed of ['en', 'ar']) {
    const r404 = await fetch(`${srv.base}/${ed}/404`);
    assert.equal(r404.status, 404);
    const want = withoutToken(Buffer.from(await r404.arrayBuffer()));
    assert.ok(fs.readFileSync(path.join(out, ed, '404.html')).equals(want), `${ed}/404.html is the server's 404 page`);
  }
  assert.ok(!fs.existsSync(path.join(out, 'admin')) && !fs.existsSync(path.join(out, 'api')), 'no newsroom or API');
  const manifest = fs.readFileSync(path.join(out, '.broadsheet-export'), 'utf8');
  assert.match(manifest, /^[0-9a-f]{32} en\/index\.html$/m, 'the manifest lists the files with their hash');
});

test('export: every link in every exported page has its file under the nginx rules', () => {
  const pages = walk(out).filter((f) => f.endsWith('.html'));
  assert.ok(pages.length > 300);
  const missing = new Set();
  let checked = 0;
  for (const f of pages) {
    for (const l of linksOf(fs.readFileSync(path.join(out, f), 'utf8'))) {
      // the newsroom, the API and comment posts are the live server's (proxied, see docs/operations.md)
      if (/^\/(admin|api\/|comments\/)/.test(l) || /\/search\?/.test(l)) continue;
      checked++;
      if (!fileFor(l)) missing.add(`${l} (in ${f})`);
    }
  }
  assert.ok(checked > 10000, `checked ${checked} links`);
  assert.deepEqual([...missing].slice(0, 10), [], 'links without a file');
});

test('export: an article with open comments is exported without the comment form', async () => {
  const a = articles[1];
  const live = (await fetchBytes(a.path)).toString();
  assert.match(live, /name="token"/, 'the server shows the comment form');
  const html = fs.readFileSync(fileFor(a.path), 'utf8');
  assert.doesNotMatch(html, /name="token"|action="\/comments\//, 'the static copy has no form to post');
});

test('export: a re-run with nothing changed rewrites nothing', () => {
  const before1 = stamps();
  const r = exportSite();
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.written, 0, r.stdout);
  assert.equal(r.removed, 0, r.stdout);
  assert.ok(r.unchanged > 300, r.stdout);
  assert.deepEqual(stamps(), before1, 'no file was touched');
});

test('export: an edit rewrites the article and the lists that show it, not unrelated articles; unpublishing removes it', async () => {
  const a = articles[articles.length - 1]; // the oldest: in no "latest news" list
  const fileA = fileFor(a.path);
  const unrelated = articles.slice(5, 40).find((x) => !fs.readFileSync(fileFor(x.path), 'utf8').includes(`"${a.path}"`));
  assert.ok(unrelated, 'an article that does not link to the edited one');
  const fileB = fileFor(unrelated.path);
  const before1 = stamps();
  const ed = await page(srv.base, `/admin/articles/${a.id}`, session);
  const headline = `Exported headline ${Date.now()}`;
  const s = await post(srv.base, `/admin/articles/${a.id}`, session, { ...editorFields(ed.html), headline, do: 'save' });
  assert.equal(s.status, 303, `save: ${formError(await s.text())}`);

  const r = exportSite();
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.written > 0, r.stdout);
  const after1 = stamps();
  const rel = (f) => path.relative(out, f);
  assert.notEqual(after1[rel(fileA)], before1[rel(fileA)], 'the edited article was rewritten');
  assert.match(fs.readFileSync(fileA, 'utf8'), new RegExp(headline));
  assert.equal(after1[rel(fileB)], before1[rel(fileB)], 'an unrelated article was not rewritten');
  const lists = walk(out).filter((f) => f.endsWith('.html') && path.join(out, f) !== fileA &&
    fs.readFileSync(path.join(out, f), 'utf8').includes(headline));
  assert.ok(lists.length >= 1, `a list shows the new headline: ${lists}`);
  for (const f of lists) assert.notEqual(after1[f], before1[f], `${f} was rewritten`);
  const changed = Object.keys(after1).filter((f) => after1[f] !== before1[f] && !/\.(gz|br)$/.test(f));
  assert.equal(changed.length, r.written + 1, `what was written, and the manifest: ${changed.length}`);
  // pages: exactly the article and the lists that show it. Every feed changes too: its lastBuildDate
  // (and Atom <updated>) is the newsroom's last change, as the server sends it.
  assert.deepEqual(changed.filter((f) => f.endsWith('.html')).sort(), [rel(fileA), ...lists].sort());
  assert.deepEqual(changed.filter((f) => !f.endsWith('.html') && !/(rss|atom)\.xml$/.test(f)), ['.broadsheet-export']);

  const u = await post(srv.base, `/admin/articles/${a.id}/status`, session, { to: 'unpublish' });
  assert.equal(u.status, 303, `unpublish: ${formError(await u.text())}`);
  const r2 = exportSite();
  assert.equal(r2.status, 0, r2.stderr);
  assert.ok(r2.removed >= 1, r2.stdout); // the article (and a list's last page when it empties)
  for (const f of [fileA, `${fileA}.gz`, `${fileA}.br`]) assert.ok(!fs.existsSync(f), `${rel(f)} was removed`);
  assert.ok(!fs.readFileSync(path.join(out, '.broadsheet-export'), 'utf8').includes(rel(fileA)), 'and left the manifest');
  assert.equal(stamps()[rel(fileB)], before1[rel(fileB)], 'the unrelated article is still untouched');
});

test('export: bad input gets a clear message and a non-zero exit', () => {
  const tmp = tempDir('bs-export-bad-');
  let r = run(['export', '--site', path.join(tmp, 'nope'), path.join(tmp, 'o')]);
  assert.equal(r.status, 66, r.stderr);
  assert.match(r.stderr, /not a Broadsheet site|no such|does not exist/i);

  const file = path.join(tmp, 'a-file');
  fs.writeFileSync(file, 'x');
  r = run(['export', '--site', dir, file]);
  assert.equal(r.status, 73, r.stderr);
  assert.match(r.stderr, /a-file exists and is not a directory/);
  assert.equal(fs.readFileSync(file, 'utf8'), 'x', 'the file is left alone');

  // not writable: a read-only directory (root ignores modes, so as root a directory under /proc)
  let target;
  if (process.getuid() === 0) {
    target = '/proc/broadsheet-export-test';
  } else {
    const ro = path.join(tmp, 'ro');
    fs.mkdirSync(ro, { mode: 0o555 });
    target = path.join(ro, 'public');
  }
  r = run(['export', '--site', dir, target]);
  assert.equal(r.status, 73, r.stderr);
  assert.match(r.stderr, /cannot (create|write in) the output directory/);

  r = run(['export', '--site', dir]);
  assert.equal(r.status, 64);
  assert.match(r.stderr, /export needs an output directory/);
  r = run(['export', '--site', dir, '--jobs', '0', path.join(tmp, 'o')]);
  assert.equal(r.status, 64);
  assert.match(r.stderr, /--jobs takes a whole number/);
});
