// Issue 18, images: a focal point per image, set in the media library (a click with JavaScript; two
// numeric fields without it), refused with 400 and what was typed kept when it lies outside the image;
// crops around it for 16:9, 4:3 and 1:1 and a 1200x630 social image made at upload and again when the
// point moves (new names: /media/ files are cached as immutable), none holding the camera's metadata; the
// social crop is the article's og:image (with its size) and the NewsArticle image in JSON-LD.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { demoSite, startServer, dbExec, unescapeHtml, rawRequest, statusOf } from '../lib/server.mjs';
import { addUser, login, page, post, request, selectOptions, publicHref, formError, fieldValue, rawUpload } from '../lib/newsroom.mjs';
import { cameraJpeg, metadataLeaks, jpeg, exifBlock, SECRET, xmpApp1, iptcApp13 } from '../lib/jpeg.mjs';

const PW = 'a-long-password';
const CROPS = { '16x9': [16, 9], '4x3': [4, 3], '1x1': [1, 1], social: [1200, 630] };
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

/** Uploads a camera JPEG (GPS, serial ...) w x h; returns the stored row {id, path}. */
async function upload(w, h) {
  const fd = new FormData();
  fd.set('alt', 'Crowd in the square');
  fd.set('file', new Blob([cameraJpeg(w, h)]), 'DSC_0001.JPG');
  const r = await fetch(`${srv.base}/admin/media?csrf=${session.csrf}`, { method: 'POST', body: fd, headers: { cookie: `bs_session=${session.cookie}` }, redirect: 'manual' });
  assert.equal(r.status, 303, `upload: ${formError(await r.text())}`);
  const id = Number(/uploaded=(\d+)/.exec(r.headers.get('location'))[1]);
  return { id, path: dbExec(dir, `SELECT path FROM media WHERE id = ${id}`).trim() };
}

/** The crop file of stored path for kind and focal point (fx, fy in ten-thousandths): media.h "Naming". */
const cropOf = (rel, kind, fx, fy) => rel.replace(/\.[a-z]+$/, `-${kind}-f${fx}-${fy}.jpg`);

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

/** GETs every crop of rel for (fx, fy): each a JPEG of its aspect (the social one exactly 1200x630)
 * without any of the camera's metadata. Returns their sizes. */
async function assertCrops(rel, fx, fy) {
  const sizes = {};
  for (const [kind, [aw, ah]] of Object.entries(CROPS)) {
    const r = await fetch(`${srv.base}/media/${cropOf(rel, kind, fx, fy)}`);
    assert.equal(r.status, 200, `${kind} crop served`);
    assert.equal(r.headers.get('content-type'), 'image/jpeg');
    const b = Buffer.from(await r.arrayBuffer());
    const [w, h] = jpegSize(b);
    assert.ok(Math.abs(w / h - aw / ah) < 0.01, `${kind}: ${w}x${h} has the aspect ${aw}:${ah}`);
    assert.deepEqual(metadataLeaks(b), [], `${kind} crop holds no GPS, serial or other metadata`);
    sizes[kind] = [w, h];
  }
  assert.deepEqual(sizes.social, [1200, 630]);
  return sizes;
}

/** POSTs a focal point form for media id; returns {status, html, location}. */
async function setFocal(id, x, y, s = session) {
  const fields = {};
  if (x !== undefined) fields.focal_x = x;
  if (y !== undefined) fields.focal_y = y;
  const r = await post(srv.base, `/admin/media/${id}/focal`, s, fields);
  return { status: r.status, html: await r.text(), location: r.headers.get('location') };
}

const focalOf = (id) => dbExec(dir, `SELECT focal_x, focal_y FROM media WHERE id = ${id}`).trim().split(/\s+/).map(Number);

test('an upload gets its crops around the centre, each of its aspect and without metadata', async () => {
  const m = await upload(1000, 700);
  assert.deepEqual(focalOf(m.id), [5000, 5000], 'a new image is focused on its centre');
  const sizes = await assertCrops(m.path, 5000, 5000);
  assert.deepEqual(sizes['1x1'], [700, 700], 'the largest square, not scaled up');
  // the library shows the two fields with the centre, and the social crop
  const lib = await page(srv.base, '/admin/media', session);
  assert.equal(fieldValue(lib.html.slice(lib.html.indexOf(`id="focal-${m.id}"`)), 'focal_x'), '0.5');
  assert.ok(lib.html.includes(`/media/${cropOf(m.path, 'social', 5000, 5000)}`), 'the library links the social crop');
  assert.ok(lib.html.includes('/static/media.js'), 'the script that sets the point by a click');
});

test('a new focal point is stored, its crops made and the old ones removed; outside the image is refused', async () => {
  const m = await upload(1200, 600);
  const ok = await setFocal(m.id, '0.1', '0.85');
  assert.equal(ok.status, 303, ok.html);
  assert.match(ok.location, new RegExp(`^/admin/media\\?focal=${m.id}`));
  assert.deepEqual(focalOf(m.id), [1000, 8500]);
  await assertCrops(m.path, 1000, 8500);
  for (const kind of Object.keys(CROPS)) {
    assert.ok(!fs.existsSync(path.join(dir, 'media', cropOf(m.path, kind, 5000, 5000))), `old ${kind} crop removed`);
  }
  const lib = await page(srv.base, `/admin/media?focal=${m.id}`, session);
  assert.match(lib.html, new RegExp(`focal point of image #${m.id} is saved`));

  for (const [x, y] of [['1.5', '0.5'], ['0.5', '-0.1'], ['abc', '0.2'], ['', '0.3'], ['0.2', '1e0'], ['0.2', undefined],
    ['0.'.padEnd(40, '1'), '0.5']]) {
    const r = await setFocal(m.id, x, y);
    assert.equal(r.status, 400, `${x},${y} refused`);
    assert.match(unescapeHtml(formError(r.html) ?? ''), /focal point must lie inside the image/, `${x},${y}: a readable message`);
    const form = r.html.slice(r.html.indexOf(`id="focal-${m.id}"`));
    assert.equal(fieldValue(form, 'focal_x'), x, 'what was typed is kept');
    assert.equal(fieldValue(form, 'focal_y'), y ?? '', 'what was typed is kept');
    assert.match(form, /aria-invalid="true"/);
    assert.deepEqual(focalOf(m.id), [1000, 8500], 'nothing stored');
  }
  assert.equal((await setFocal(999999, '0.5', '0.5')).status, 404, 'an unknown image');
  // the edges themselves are inside the image
  assert.equal((await setFocal(m.id, '0', '1')).status, 303);
  assert.deepEqual(focalOf(m.id), [0, 10000]);
  await assertCrops(m.path, 0, 10000);
});

test('the focal form needs a session, the CSRF token and a writing role', async () => {
  const m = await upload(400, 300);
  const noToken = await request(srv.base, `/admin/media/${m.id}/focal`, { session, form: { csrf: 'forged', focal_x: '0.2', focal_y: '0.2' } });
  assert.equal(noToken.status, 403);
  const anon = await request(srv.base, `/admin/media/${m.id}/focal`, { form: { focal_x: '0.2', focal_y: '0.2' } });
  assert.ok([401, 403].includes(anon.status), `anonymous: ${anon.status}`);
  addUser(dir, 'modonly', 'moderator', PW);
  const mod = await login(srv.base, 'modonly', PW);
  assert.equal((await setFocal(m.id, '0.2', '0.2', mod)).status, 403, 'a moderator may not');
  assert.deepEqual(focalOf(m.id), [5000, 5000], 'nothing changed');
});

test('the article\'s og:image is the 1200x630 crop around the focal point, in JSON-LD too, and follows the point', async () => {
  const m = await upload(1600, 900);
  assert.equal((await setFocal(m.id, '0.25', '0.4')).status, 303);
  const r = await post(srv.base, '/admin/articles/new', session, {
    version: '0', headline: 'Focal point story', standfirst: 'The square at noon.', body: 'Text.', edition: 'en', section,
    slug: '', dateline: 'BEIRUT', bylines: 'Staff', tags: '', media: String(m.id), caption: 'The square', credit: 'Agency',
    translation: '', do: 'save',
  });
  assert.equal(r.status, 303, `create: ${formError(await r.text())}`);
  const id = /^\/admin\/articles\/(\d+)/.exec(r.headers.get('location'))[1];
  assert.equal((await post(srv.base, `/admin/articles/${id}/status`, session, { to: 'publish' })).status, 303);
  const href = publicHref((await page(srv.base, `/admin/articles/${id}`, session)).html);
  const check = async (fx, fy) => {
    const html = await (await fetch(srv.base + href)).text();
    const og = unescapeHtml(/<meta property="og:image" content="([^"]+)">/.exec(html)[1]);
    assert.equal(og, `${srv.base}/media/${cropOf(m.path, 'social', fx, fy)}`);
    assert.match(html, /<meta property="og:image:width" content="1200">/);
    assert.match(html, /<meta property="og:image:height" content="630">/);
    const ld = JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)[1]);
    const doc = [].concat(ld).find((d) => d['@type'] === 'NewsArticle');
    assert.deepEqual(doc.image, [{ '@type': 'ImageObject', url: og, width: 1200, height: 630 }]);
    const img = await fetch(og);
    assert.equal(img.status, 200);
    assert.deepEqual(jpegSize(Buffer.from(await img.arrayBuffer())), [1200, 630]);
  };
  await check(2500, 4000);
  // a new point: the (cached) page names the new crop at once
  assert.equal((await setFocal(m.id, '0.75', '0.6')).status, 303);
  await check(7500, 6000);
});

test('the demo\'s lead images have focal points and their caption and credit, in both editions', () => {
  for (const ed of ['en', 'ar']) {
    const rows = dbExec(dir, `SELECT m.focal_x, m.focal_y, m.caption, m.credit FROM articles a JOIN media m ON m.id = a.lead_media_id WHERE a.edition = '${ed}' AND m.mime = 'image/svg+xml'`)
      .trim().split('\n').filter(Boolean).map((l) => l.split(/\t|\|/));
    assert.ok(rows.length >= 3, `${ed}: demo lead images`);
    const off = rows.filter(([x, y]) => Number(x) !== 5000 || Number(y) !== 5000);
    assert.ok(off.length >= rows.length - 1, `${ed}: focal points set (${off.length} of ${rows.length})`);
    for (const [x, y] of rows) assert.ok(Number(x) >= 3333 && Number(x) <= 6667 && Number(y) >= 3333 && Number(y) <= 6667);
    assert.ok(rows.filter((r) => r[2] && r[3]).length >= rows.length / 2, `${ed}: caption and credit stored with the image`);
  }
});

/** Uploads bytes; returns {id, path, form: the library's form of that image as HTML}. */
async function uploadBytes(bytes) {
  const fd = new FormData();
  fd.set('alt', 'A photo');
  fd.set('file', new Blob([bytes]), 'photo.jpg');
  const r = await fetch(`${srv.base}/admin/media?csrf=${session.csrf}`, { method: 'POST', body: fd, headers: { cookie: `bs_session=${session.cookie}` }, redirect: 'manual' });
  assert.equal(r.status, 303, `upload: ${formError(await r.text())}`);
  const id = Number(/uploaded=(\d+)/.exec(r.headers.get('location'))[1]);
  const lib = await page(srv.base, '/admin/media', session);
  const form = lib.html.slice(lib.html.indexOf(`id="focal-${id}"`), lib.html.indexOf('</form>', lib.html.indexOf(`id="focal-${id}"`)));
  return { id, path: dbExec(dir, `SELECT path FROM media WHERE id = ${id}`).trim(), form };
}

/** The four prefilled fields of a library form. */
const details = (form) => Object.fromEntries(['caption', 'credit', 'copyright', 'keywords'].map((k) => [k, fieldValue(form, k)]));

/** Every file the media dir holds for stored path rel: none may carry the camera's metadata. */
async function assertServedClean(rel) {
  const d = path.dirname(rel), base = path.basename(rel).replace(/\.[a-z]+$/, '');
  const files = fs.readdirSync(path.join(dir, 'media', d)).filter((n) => n.startsWith(base));
  assert.ok(files.length >= 5, `${files}`);
  for (const f of files) {
    const b = Buffer.from(await (await fetch(`${srv.base}/media/${d}/${f}`)).arrayBuffer());
    assert.deepEqual(metadataLeaks(b), [], `${f}: no GPS, serial or other metadata is served`);
  }
}

test('caption, credit, copyright and keywords are prefilled from XMP, IPTC or EXIF; nothing else is kept or served', async () => {
  const xmp = xmpApp1('<dc:description><rdf:Alt><rdf:li xml:lang="x-default">متظاهرون في الساحة &amp; الشرطة</rdf:li></rdf:Alt></dc:description>'
    + '<photoshop:Credit>Agency &#x201C;AFP&#x201D;</photoshop:Credit><dc:creator><rdf:Seq><rdf:li>Jane Q. Photographer</rdf:li></rdf:Seq></dc:creator>'
    + '<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">© 2026 Agency</rdf:li></rdf:Alt></dc:rights>'
    + '<dc:subject><rdf:Bag><rdf:li>protest</rdf:li><rdf:li>ساحة</rdf:li></rdf:Bag></dc:subject>');
  const a = await uploadBytes(jpeg(640, 400, { segments: [[0xe1, exifBlock()], [0xe1, xmp]] }));
  assert.deepEqual(details(a.form), { caption: 'متظاهرون في الساحة & الشرطة', credit: 'Agency “AFP”', copyright: '© 2026 Agency', keywords: 'protest, ساحة' });
  await assertServedClean(a.path);

  const b = await uploadBytes(jpeg(640, 400, { segments: [[0xed, iptcApp13([[120, 'Fishing boats at dawn'], [80, 'Omar Photographer'],
    [116, 'Omar 2026'], [25, 'harbour'], [25, 'boats']])]] }));
  assert.deepEqual(details(b.form), { caption: 'Fishing boats at dawn', credit: 'Omar Photographer', copyright: 'Omar 2026', keywords: 'harbour, boats' });

  const c = await uploadBytes(cameraJpeg(640, 400)); // EXIF only: the Artist is the credit; serial and GPS are not read
  assert.equal(details(c.form).credit, SECRET.artist);
  assert.ok(!c.form.includes(SECRET.serial) && !c.form.includes('33,53'), 'no serial or position in the fields');
  await assertServedClean(c.path);
});

test('hostile metadata is ignored safely: entity bombs, huge fields, bad encodings, broken IPTC', async () => {
  const bomb = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
    + '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e SYSTEM "file:///etc/passwd">]>';
  const x = await uploadBytes(jpeg(400, 300, { segments: [[0xe1, xmpApp1('<dc:description><rdf:Alt><rdf:li>&d;&e;</rdf:li></rdf:Alt></dc:description>'
    + `<dc:rights><rdf:Alt><rdf:li>${'R'.repeat(60000)}</rdf:li></rdf:Alt></dc:rights>`, bomb)]] }));
  const d = details(x.form);
  assert.ok(!d.caption.includes('aaaaaaaaaa') && !d.caption.includes('root:'), `no entity expanded: ${d.caption}`);
  assert.equal(d.copyright.length, 1000, 'a huge field is cut to 1000 characters');
  const bad = await uploadBytes(jpeg(400, 300, { segments: [[0xed, Buffer.concat([iptcApp13([[120, Buffer.from([0xff, 0xfe, 0x41, 0xc0])],
    [80, 'Fine credit']]), Buffer.from([0x1c, 2, 116, 0x7f, 0xff, 0x41])])]] })); // bad UTF-8; a record longer than the block
  assert.deepEqual(details(bad.form), { caption: '', credit: 'Fine credit', copyright: '', keywords: '' });
  const broken = iptcApp13([[120, 'x']]);
  broken.writeUInt32BE(0x7fffffff, 22); // a resource size past the end
  const br = await uploadBytes(jpeg(400, 300, { segments: [[0xed, broken]] }));
  assert.equal(details(br.form).caption, '');
});

test('the editor confirms or corrects the details; an over-long one is refused with what was typed kept', async () => {
  const m = await uploadBytes(cameraJpeg(640, 400));
  const ok = await post(srv.base, `/admin/media/${m.id}/focal`, session, { focal_x: '0.5', focal_y: '0.5', caption: 'Corrected caption',
    credit: 'Jane Q. Photographer / Agency', copyright: '', keywords: 'one, two' });
  assert.equal(ok.status, 303);
  assert.deepEqual(dbExec(dir, `SELECT caption, credit, keywords FROM media WHERE id = ${m.id}`).trim().split(/\t|\|/),
    ['Corrected caption', 'Jane Q. Photographer / Agency', 'one, two']);
  const long = 'ك'.repeat(1001);
  const r = await post(srv.base, `/admin/media/${m.id}/focal`, session, { focal_x: '0.5', focal_y: '0.5', caption: long, credit: 'kept' });
  assert.equal(r.status, 400);
  const html = await r.text();
  assert.match(formError(html), /caption/i);
  const form = html.slice(html.indexOf(`id="focal-${m.id}"`));
  assert.equal(fieldValue(form, 'caption'), long, 'what was typed is kept');
  assert.equal(fieldValue(form, 'credit'), 'kept');
  assert.equal(dbExec(dir, `SELECT caption FROM media WHERE id = ${m.id}`).trim(), 'Corrected caption');
});

test('a 50 MB image is refused on its Content-Length, before its body is read', async () => {
  const port = new URL(srv.base).port;
  const head = `POST /admin/media?csrf=${session.csrf} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: bs_session=${session.cookie}\r\n`
    + `Content-Type: multipart/form-data; boundary=b\r\nContent-Length: ${50 * 1024 * 1024}\r\n\r\n--b\r\n`;
  const r = await rawRequest(port, head, { waitMs: 5000 });
  assert.equal(statusOf(r.text), 413, r.text.slice(0, 200));
  assert.match(r.text, /larger|too large|MB/i);
});
