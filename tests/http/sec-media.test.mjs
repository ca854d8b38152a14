// Issue 16 item 1: an upload's camera metadata (GPS position, artist, camera serial number, XMP, ICC,
// comments) never reaches a reader. Every file /media/ serves for an upload is a re-encoding: the
// renditions, the original's own name (what removing "-640" from a rendition's name asks for) and an
// image 320 px wide or less, which has no renditions and is shown as its original. A PNG with HTML
// appended loses the appended bytes. Uploads stored before the fix are re-encoded once when the site
// is next served or exported, and the static export copies only clean files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { demoSite, startServer, run, tempDir, dbExec } from '../lib/server.mjs';
import { addUser, login, page, post, selectOptions, publicHref, formError } from '../lib/newsroom.mjs';
import { png } from '../lib/png.mjs';
import { cameraJpeg, exifBlock, metadataLeaks, SECRET } from '../lib/jpeg.mjs';

const PW = 'a-long-password';
const HTML_TAIL = '<html><body><script>alert(document.domain)</script></body></html>\n';
let dir, srv, session, section;

before(async () => {
  dir = demoSite(0);
  addUser(dir, 'photoed', 'editor', PW);
  srv = await startServer(dir);
  session = await login(srv.base, 'photoed', PW);
  const ed = await page(srv.base, '/admin/articles/new', session);
  section = selectOptions(ed.html, 'section').find((o) => o.label.startsWith('English: '))?.value;
  assert.ok(section, 'an English section to publish in');
});

after(async () => {
  await srv?.stop();
});

/** Uploads bytes to the media library; returns the stored row {id, path, width, height}. */
async function upload(bytes, name, alt = 'A photo from the scene') {
  const fd = new FormData();
  fd.set('alt', alt);
  fd.set('file', new Blob([bytes]), name);
  const r = await fetch(`${srv.base}/admin/media?csrf=${session.csrf}`, { method: 'POST', body: fd, headers: { cookie: `bs_session=${session.cookie}` }, redirect: 'manual' });
  assert.equal(r.status, 303, `upload ${name}: ${formError(await r.text())}`);
  const id = Number(/uploaded=(\d+)/.exec(r.headers.get('location'))[1]);
  const [p, w, h] = dbExec(dir, `SELECT path, width, height FROM media WHERE id = ${id}`).trim().split('\t');
  return { id, path: p, width: Number(w), height: Number(h) };
}

/** The files the upload wrote under the media dir (names relative to it): the original and renditions. */
function filesOf(rel) {
  const d = path.dirname(rel), base = path.basename(rel).replace(/\.[a-z]+$/, '');
  return fs.readdirSync(path.join(dir, 'media', d)).filter((n) => n.startsWith(base)).map((n) => `${d}/${n}`).sort();
}

/** The names of the four crops around the centre an upload gets since issue 18 (media.h, "Crops"). */
const crops = (base) => ['16x9', '1x1', '4x3', 'social'].map((k) => `${base}-${k}-f5000-5000.jpg`);

/** GETs /media/REL; asserts 200 and returns the bytes. */
async function media(rel, base = srv.base) {
  const r = await fetch(`${base}/media/${rel}`);
  assert.equal(r.status, 200, `GET /media/${rel}`);
  return Buffer.from(await r.arrayBuffer());
}

/** Width and height from a JPEG's frame header (SOF0..SOF2), or null. */
function jpegSize(b) {
  for (let i = 2; i + 9 < b.length;) {
    if (b[i] !== 0xff) return null;
    const m = b[i + 1];
    if (m >= 0xc0 && m <= 0xc2) return [b.readUInt16BE(i + 7), b.readUInt16BE(i + 5)];
    i += 2 + b.readUInt16BE(i + 2);
  }
  return null;
}

/** A PNG's chunks: [{type, data}] (asserts the signature and that nothing follows IEND). */
function pngChunks(b) {
  assert.deepEqual([...b.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
  const out = [];
  let i = 8;
  while (i + 12 <= b.length) {
    const len = b.readUInt32BE(i), type = b.toString('latin1', i + 4, i + 8);
    out.push({ type, data: b.subarray(i + 8, i + 8 + len) });
    i += 12 + len;
    if (type === 'IEND') break;
  }
  assert.equal(i, b.length, 'nothing after the IEND chunk');
  return out;
}

/** png(w, h) with metadata chunks before IEND (tEXt with HTML, eXIf with the camera EXIF). */
function pngWithMetadata(w, h) {
  const plain = png(w, h);
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    data.copy(out, 8);
    out.writeUInt32BE(zlib.crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const iend = plain.length - 12;
  return Buffer.concat([plain.subarray(0, iend), chunk('tEXt', Buffer.from(`Comment\0${SECRET.comment} <script>alert(1)</script>`, 'latin1')),
    chunk('eXIf', exifBlock().subarray(6)), plain.subarray(iend)]);
}

/** Asserts that none of the named media files hold metadata; returns them as {rel: bytes}. */
async function assertClean(rels, base = srv.base) {
  const got = {};
  for (const rel of rels) {
    got[rel] = await media(rel, base);
    assert.deepEqual(metadataLeaks(got[rel]), [], `/media/${rel} holds metadata`);
  }
  return got;
}

test('a camera JPEG with GPS, artist and serial: no file served for it holds them, the original\'s name included', async () => {
  const upload1 = cameraJpeg(1000, 700, { orientation: 6 });
  assert.ok(metadataLeaks(upload1).length >= 8, 'the upload really carries the metadata');
  const m = await upload(upload1, 'DSC_0042.JPG');
  assert.deepEqual([m.width, m.height], [700, 1000], 'the size as displayed (EXIF orientation 6 turns it)');
  const files = filesOf(m.path);
  const hex = path.basename(m.path, '.jpg');
  assert.deepEqual(files.map((f) => path.basename(f)).sort(),
    [`${hex}-320.jpg`, `${hex}-320.webp`, `${hex}-640.jpg`, `${hex}-640.webp`, `${hex}.jpg`, ...crops(hex)].sort());
  // the article's page names the renditions; a reader can also strip "-640" to ask for the original
  const r = await post(srv.base, '/admin/articles/new', session, {
    version: '0', headline: 'Scene photo test', standfirst: 'A photo with a location.', body: 'Text.', edition: 'en', section,
    slug: '', dateline: 'BEIRUT', bylines: 'Staff', tags: '', media: String(m.id), caption: 'The scene', credit: 'Jane Q. Photographer',
    translation: '', do: 'save',
  });
  assert.equal(r.status, 303, `create: ${formError(await r.text())}`);
  const id = /^\/admin\/articles\/(\d+)/.exec(r.headers.get('location'))[1];
  assert.equal((await post(srv.base, `/admin/articles/${id}/status`, session, { to: 'publish' })).status, 303);
  const href = publicHref((await page(srv.base, `/admin/articles/${id}`, session)).html);
  const art = await (await fetch(srv.base + href)).text();
  const linked = [...new Set([...art.matchAll(/\/media\/(\d{4}\/\d\d\/[0-9a-f]+(?:-\d+)?\.(?:jpg|webp))/g)].map((x) => x[1]))];
  assert.ok(linked.length >= 4, `the page links the renditions: ${linked}`);
  for (const l of linked) assert.ok(files.includes(l), `${l} is one of the upload's files`);
  const stripped = linked.map((l) => l.replace(/-\d+\.(jpg|webp)$/, '.jpg'));
  const got = await assertClean([...new Set([...stripped, ...files])]); // the original's name first
  const orig = got[m.path];
  assert.notDeepEqual(orig, upload1, 'the original\'s name serves a re-encoding, not the upload');
  assert.deepEqual([orig[0], orig[1], orig[2]], [0xff, 0xd8, 0xff], 'still a JPEG');
  assert.deepEqual(jpegSize(orig), [700, 1000], 'full size, turned upright (no orientation tag is left to do it)');
  assert.match(art, /Jane Q\. Photographer/, 'the credit field is where the photographer is named');
});

test('an image 320 px wide or less (no renditions) is served re-encoded, without its metadata', async () => {
  const small = cameraJpeg(200, 150);
  const m = await upload(small, 'small.jpg');
  assert.deepEqual(filesOf(m.path), [m.path, ...crops(m.path.replace(/\.jpg$/, ''))].sort(), 'no renditions below 320 px, only the crops');
  const got = (await assertClean([m.path]))[m.path];
  assert.notDeepEqual(got, small, 'bytes differ from the upload');
  assert.deepEqual(jpegSize(got), [200, 150]);
  // the media library's thumbnail of a small image is that same file
  const lib = await page(srv.base, '/admin/media', session);
  assert.ok(lib.html.includes(`/media/${m.path}`), 'the library shows the small image itself');
});

test('a PNG with HTML appended (and text and EXIF chunks) is served without them, renditions and original alike', async () => {
  for (const [w, h] of [[200, 100], [700, 300]]) {
    const bytes = Buffer.concat([pngWithMetadata(w, h), Buffer.from(HTML_TAIL)]);
    const m = await upload(bytes, 'chart.png');
    const files = filesOf(m.path);
    assert.equal(files.length, (w > 320 ? 5 : 1) + 4, `${w} px (and its four crops, issue 18): ${files}`);
    const got = await assertClean(files);
    for (const [rel, b] of Object.entries(got)) {
      assert.ok(!b.includes(Buffer.from('<script')) && !b.includes(Buffer.from('<html')), `${rel} holds the HTML`);
    }
    const chunks = pngChunks(got[m.path]).map((c) => c.type);
    assert.deepEqual(chunks.filter((t) => !['IHDR', 'IDAT', 'IEND', 'pHYs', 'PLTE', 'tRNS', 'gAMA', 'bKGD'].includes(t)), [],
      `only image chunks in the original: ${chunks}`);
    assert.equal(got[m.path].readUInt32BE(16), w, 'full width');
  }
});

/** Plants an upload as Broadsheet stored it before the fix (the upload's bytes as is) under site/media. */
function plantOld(site, rel, bytes) {
  fs.mkdirSync(path.join(site, 'media', path.dirname(rel)), { recursive: true });
  fs.writeFileSync(path.join(site, 'media', rel), bytes);
}

test('uploads stored before the fix are re-encoded once, at the first start, and the export copies them clean', async () => {
  const site = path.join(tempDir(), 'old');
  assert.equal(run(['init', site]).status, 0);
  const jpg = '2025/03/0123456789abcdef0123456789abcdef.jpg';
  const pngRel = '2025/03/fedcba9876543210fedcba9876543210.png';
  const rendition = '2025/03/0123456789abcdef0123456789abcdef-320.jpg'; // renditions were always stripped
  const oldJpg = cameraJpeg(480, 360, { orientation: 8 });
  plantOld(site, jpg, oldJpg);
  plantOld(site, pngRel, Buffer.concat([pngWithMetadata(120, 80), Buffer.from(HTML_TAIL)]));
  plantOld(site, rendition, cameraJpeg(320, 240).subarray(0, 2)); // not read: only originals are
  fs.writeFileSync(path.join(site, 'media', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');

  // an export before any start cleans them too (it copies the media dir)
  const out = path.join(tempDir(), 'export');
  const ex = run(['export', '--site', site, '--jobs', '1', out]);
  assert.equal(ex.status, 0, ex.stderr);
  for (const rel of [jpg, pngRel]) {
    const b = fs.readFileSync(path.join(out, 'media', rel));
    assert.deepEqual(metadataLeaks(b), [], `exported ${rel}`);
    assert.ok(!b.includes(Buffer.from('<script')), `exported ${rel}: no HTML`);
  }
  assert.deepEqual(jpegSize(fs.readFileSync(path.join(site, 'media', jpg))), [360, 480], 'turned upright (orientation 8)');
  assert.equal(fs.readFileSync(path.join(site, 'media', 'logo.svg'), 'utf8'), '<svg xmlns="http://www.w3.org/2000/svg"/>',
    'files that are not uploads are left alone');
  assert.equal(fs.readFileSync(path.join(site, 'media', rendition)).length, 2, 'renditions are left alone');

  // served: clean, and a second start does not re-encode again
  const s1 = await startServer(site);
  let first;
  try {
    first = await assertClean([jpg, pngRel], s1.base);
  } finally {
    await s1.stop();
  }
  const inode = fs.statSync(path.join(site, 'media', jpg)).ino;
  const s2 = await startServer(site);
  try {
    const again = await assertClean([jpg, pngRel], s2.base);
    assert.deepEqual(again, first, 'the same files');
    // the export, run again, holds what the server sends
    assert.equal(run(['export', '--site', site, '--jobs', '1', out]).status, 0);
    for (const rel of [jpg, pngRel]) assert.deepEqual(fs.readFileSync(path.join(out, 'media', rel)), again[rel], `exported ${rel}`);
  } finally {
    await s2.stop();
  }
  assert.equal(fs.statSync(path.join(site, 'media', jpg)).ino, inode, 'not rewritten at the second start');
});

test('the server logged no sanitizer findings', () => {
  assert.doesNotMatch(srv.stderr, /AddressSanitizer|LeakSanitizer|runtime error:/);
});
