// Issue 18, item 4 of the desk's proof: every script and style sheet a page names under /static/ carries
// the content hash of the file it names (?v=, FNV-1a as for site.css: src/render.c), so after an upgrade a
// browser never runs a stale writing desk (static/editor-desk.js, its editor.css) or any other script it
// kept for a year; the versioned address is served as immutable. Reader pages, the editor and the media
// library; templates from BROADSHEET_TEMPLATE_DIR are versioned the same way, and an address naming a
// file the binary lacks, or already carrying a query, is kept as written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { demoSite, startServer, tempDir, ROOT } from '../lib/server.mjs';
import { addUser, login, page } from '../lib/newsroom.mjs';

let dir, srv, session;

before(async () => {
  dir = demoSite(0);
  addUser(dir, 'ed', 'editor');
  srv = await startServer(dir);
  session = await login(srv.base, 'ed', 'a-long-password');
});
after(async () => { await srv?.stop(); });

/** FNV-1a (32 bits) of bytes as 8 hex digits: the version a file's content gives its address. */
function fnv1a(bytes) {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** Every /static/ address in html's src, href and data-css attributes. */
const staticRefs = (html) => [...html.matchAll(/\s(?:src|href|data-css)="(\/static\/[^"]*)"/g)].map((m) => m[1]);

/** Asserts each address is /static/NAME?v=HASH with HASH the hash of what the server sends for it, and
 * that the versioned address is cached as immutable. Returns the names seen. */
async function assertVersioned(base, refs, where) {
  const names = [];
  for (const ref of refs) {
    const m = /^\/static\/([A-Za-z0-9._-]+)\?v=([0-9a-f]{8})$/.exec(ref);
    assert.ok(m, `${where}: ${ref} carries a content version`);
    const r = await fetch(base + ref);
    assert.equal(r.status, 200, ref);
    assert.equal(m[2], fnv1a(Buffer.from(await r.arrayBuffer())), `${where}: ${ref} is the hash of the file served`);
    assert.match(r.headers.get('cache-control') ?? '', /immutable/, ref);
    names.push(m[1]);
  }
  return names;
}

test('the editor names the desk, its style sheet and every other script with their content hash', async () => {
  const { html } = await page(srv.base, '/admin/articles/new', session);
  const names = await assertVersioned(srv.base, staticRefs(html), 'the editor');
  for (const n of ['editor-desk.js', 'editor.css', 'editor.js', 'picker.js', 'textcount.js', 'site.css'])
    assert.ok(names.includes(n), `the editor names ${n}: ${names}`);
  assert.match(html, /<script src="\/static\/editor-desk\.js\?v=[0-9a-f]{8}" defer data-css="\/static\/editor\.css\?v=[0-9a-f]{8}">/);
});

test('reader pages and the media library: every /static/ address versioned', async () => {
  const front = await (await fetch(`${srv.base}/en/`)).text();
  await assertVersioned(srv.base, staticRefs(front), '/en/');
  const { html } = await page(srv.base, '/admin/media', session);
  const names = await assertVersioned(srv.base, staticRefs(html), 'the media library');
  assert.ok(names.includes('media.js'), `${names}`);
  // an article page (embed.js, textcount.js)
  const link = /href="(\/en\/\d{4}\/\d\d\/\d\d\/[^"]+)"/.exec(front)[1];
  const art = await (await fetch(srv.base + link)).text();
  const artNames = await assertVersioned(srv.base, staticRefs(art), link);
  assert.ok(artNames.includes('embed.js'), `${artNames}`);
});

test('templates from BROADSHEET_TEMPLATE_DIR are versioned too; unknown files and given queries are kept', async () => {
  const tdir = tempDir('templates-');
  for (const f of fs.readdirSync(path.join(ROOT, 'templates'))) fs.copyFileSync(path.join(ROOT, 'templates', f), path.join(tdir, f));
  const loginHtml = path.join(tdir, 'login.html');
  fs.writeFileSync(loginHtml, fs.readFileSync(loginHtml, 'utf8').replace('{{>admin_foot}}',
    '<script src="/static/embed.js" defer></script><script src="/static/no-such.js" defer></script>'
    + '<script src="/static/media.js?v=given" defer></script>\n{{>admin_foot}}'));
  const alt = await startServer(dir, { env: { BROADSHEET_TEMPLATE_DIR: tdir } });
  try {
    const html = await (await fetch(`${alt.base}/admin/login`)).text();
    const refs = staticRefs(html);
    assert.ok(refs.includes('/static/no-such.js'), `a name the binary lacks is kept: ${refs}`);
    assert.ok(refs.includes('/static/media.js?v=given'), `an address with a query is kept: ${refs}`);
    const names = await assertVersioned(alt.base, refs.filter((r) => !/no-such|v=given/.test(r)), 'a template from the directory');
    assert.ok(names.includes('embed.js') && names.includes('site.css'), `${names}`);
  } finally {
    await alt.stop();
  }
});

test('only the current content hash is cached as immutable; another version is served but revalidated', async () => {
  const { html } = await page(srv.base, '/admin/articles/new', session);
  const current = /src="(\/static\/editor-desk\.js\?v=[0-9a-f]{8})"/.exec(html)[1];
  const good = await fetch(srv.base + current);
  assert.match(good.headers.get('cache-control'), /max-age=31536000, immutable/);
  const body = Buffer.from(await good.arrayBuffer());
  // an address another release (a node not yet upgraded, or an old cached page) names: never pinned
  const other = current.replace(/v=[0-9a-f]{8}$/, (v) => (v === 'v=00000000' ? 'v=11111111' : 'v=00000000'));
  const stale = await fetch(srv.base + other);
  assert.equal(stale.status, 200);
  assert.deepEqual(Buffer.from(await stale.arrayBuffer()), body, 'the file as it is now');
  assert.doesNotMatch(stale.headers.get('cache-control') ?? '', /immutable|max-age=31536000/);
  assert.match(stale.headers.get('cache-control') ?? '', /no-cache/);
  const bare = await fetch(`${srv.base}/static/editor-desk.js`);
  assert.equal(bare.headers.get('cache-control'), 'public, max-age=3600', 'unversioned: an hour, as before');
});
