// The command line: help, version, exit codes, init and demo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { run, tempDir, startServer, freePort, BIN, ENGINE } from '../lib/server.mjs';
import { spawnSync } from 'node:child_process';

test('--version and --help for every command', () => {
  const v = run(['--version']);
  assert.equal(v.status, 0);
  assert.match(v.stdout, /^broadsheet \d+\.\d+\.\d+\n$/);
  for (const args of [['--help'], ['init', '--help'], ['demo', '--help'], ['serve', '--help'], ['help', 'serve']]) {
    const r = run(args);
    assert.equal(r.status, 0, args.join(' '));
    assert.match(r.stdout, /^usage: broadsheet/, args.join(' '));
  }
});

test('usage errors exit 64 with a message', () => {
  for (const args of [[], ['frobnicate'], ['init'], ['init', 'a', 'b'], ['demo'], ['demo', 'x', '--articles', 'many'],
    ['serve', '--bogus'], ['serve', '--site']]) {
    const r = run(args);
    assert.equal(r.status, 64, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /usage: broadsheet/);
  }
});

test('init creates a site with a private secret key and refuses to overwrite it', () => {
  const dir = path.join(tempDir(), 'news');
  const r = run(['init', dir]);
  assert.equal(r.status, 0, r.stderr);
  const files = ['broadsheet.conf', 'secret.key', 'media', ...(ENGINE === 'sqlite' ? ['site.db'] : [])];
  for (const f of files) assert.ok(fs.existsSync(path.join(dir, f)), f);
  assert.equal(fs.statSync(path.join(dir, 'secret.key')).mode & 0o777, 0o600);
  assert.match(fs.readFileSync(path.join(dir, 'secret.key'), 'utf8'), /^[0-9a-f]{64}\n$/);
  const again = run(['init', dir]);
  assert.equal(again.status, 73);
  assert.match(again.stderr, /already holds a site/);
});

test('an empty site serves an empty front page', async () => {
  const dir = path.join(tempDir(), 'empty');
  assert.equal(run(['init', dir]).status, 0);
  const srv = await startServer(dir);
  try {
    const r = await fetch(`${srv.base}/en/`);
    assert.equal(r.status, 200);
    assert.match(await r.text(), /<title>Broadsheet<\/title>/);
  } finally {
    await srv.stop();
  }
});

test('serve: no such site exits 66; bad config exits 78; busy port exits 69', async () => {
  const nosite = run(['serve', '--site', path.join(tempDir(), 'missing')]);
  assert.equal(nosite.status, 66);
  assert.match(nosite.stderr, /not a Broadsheet site/);
  const dir = path.join(tempDir(), 's');
  assert.equal(run(['init', dir]).status, 0);
  fs.appendFileSync(path.join(dir, 'broadsheet.conf'), 'threads = lots\n');
  const bad = run(['serve', '--site', dir]);
  assert.equal(bad.status, 78);
  assert.match(bad.stderr, /line \d+: threads must be a whole number/);
  const dir2 = path.join(tempDir(), 's2');
  assert.equal(run(['init', dir2]).status, 0);
  const srv = await startServer(dir2);
  try {
    const busy = spawnSync(BIN, ['serve', '--site', dir2, '--listen', `127.0.0.1:${srv.port}`], { encoding: 'utf8', timeout: 20000 });
    assert.equal(busy.status, 69, busy.stderr);
  } finally {
    await srv.stop();
  }
});

test('the environment overrides the config file, options override both', async () => {
  const dir = path.join(tempDir(), 'env');
  assert.equal(run(['init', dir]).status, 0);
  const port = await freePort();
  const r = spawnSync(BIN, ['serve', '--site', dir, '--listen', 'not-an-address'], { encoding: 'utf8', env: { ...process.env, BROADSHEET_LISTEN: `127.0.0.1:${port}` }, timeout: 20000 });
  assert.equal(r.status, 64);
  assert.match(r.stderr, /listen must be ADDRESS:PORT/);
  const r2 = spawnSync(BIN, ['serve', '--site', dir], { encoding: 'utf8', env: { ...process.env, BROADSHEET_THREADS: '-3' }, timeout: 20000 });
  assert.equal(r2.status, 78);
  assert.match(r2.stderr, /BROADSHEET_THREADS/);
});

/** The width and height in a JPEG's start-of-frame segment (baseline or progressive). */
function jpegSize(buf) {
  for (let i = 2; i + 9 < buf.length;) {
    const marker = buf[i + 1], len = buf.readUInt16BE(i + 2);
    if (marker === 0xc0 || marker === 0xc2) return [buf.readUInt16BE(i + 7), buf.readUInt16BE(i + 5)];
    i += 2 + len;
  }
  return null;
}

test('demo fills both editions with lead photos cut around their focal points, and adds generated articles', async () => {
  const dir = path.join(tempDir(), 'demo');
  const r = run(['demo', dir, '--articles', '10'], { timeout: 600000 }); // 87 pictures encoded: a minute under ASan
  assert.equal(r.status, 0, r.stderr);
  // every story's lead picture is a JPEG stored as an upload is: renditions, and the four crops named by
  // its own focal point (not the centre: an editor's choice), none cut around the centre left
  const files = fs.readdirSync(path.join(dir, 'media'), { recursive: true }).map(String);
  const originals = files.filter((f) => /\/[0-9a-f]{32}\.jpg$/.test(f));
  assert.equal(originals.length, 87, '42 stories in each edition, the one the translation desk waits to translate, and the live blog of each edition');
  const points = new Set();
  for (const o of originals) {
    const base = o.slice(0, -4);
    for (const w of [320, 640]) assert.ok(files.includes(`${base}-${w}.webp`) && files.includes(`${base}-${w}.jpg`), `${base}-${w}`);
    const social = files.find((f) => f.startsWith(`${base}-social-f`));
    assert.ok(social, `${base} has a social crop`);
    const [, fx, fy] = social.match(/-f(\d+)-(\d+)\.jpg$/).map(Number);
    points.add(`${fx},${fy}`);
    assert.ok(!(fx === 5000 && fy === 5000), 'a focal point of its own');
    for (const c of ['16x9', '4x3', '1x1']) assert.ok(files.includes(`${base}-${c}-f${fx}-${fy}.jpg`), `${base} ${c}`);
    assert.ok(!files.some((f) => f.startsWith(`${base}-`) && f.includes('-f5000-5000')), 'the centre crops are gone');
  }
  assert.ok(points.size > 10, 'focal points differ between stories');
  // a story's page names its social crop (1200x630) for og:image, served as a JPEG
  const srv = await startServer(dir);
  try {
    const home = await (await fetch(`${srv.base}/en/`)).text();
    const link = home.match(/href="(\/en\/[0-9]{4}\/[0-9]{2}\/[0-9]{2}\/[^"#]+)"/)[1];
    const page = await (await fetch(srv.base + link)).text();
    const og = page.match(/<meta property="og:image" content="([^"]+)"/)[1];
    assert.match(og, /\/media\/[0-9]{4}\/[0-9]{2}\/[0-9a-f]{32}-social-f\d+-\d+\.jpg$/);
    const img = await fetch(srv.base + new URL(og, srv.base).pathname);
    assert.equal(img.status, 200);
    assert.equal(img.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(jpegSize(Buffer.from(await img.arrayBuffer())), [1200, 630]);
  } finally {
    await srv.stop();
  }
});

test('demo --drawn stores its pictures as SVG drawings (quick; no crops)', () => {
  const dir = path.join(tempDir(), 'drawn');
  const r = run(['demo', dir, '--drawn']);
  assert.equal(r.status, 0, r.stderr);
  const media = fs.readdirSync(path.join(dir, 'media'));
  // 42 stories and the live blog in each edition, and the translation desk's untranslated English one
  assert.equal(media.filter((f) => /^en-.*\.svg$/.test(f) && !/-g\d\.svg$/.test(f)).length, 44);
  assert.equal(media.filter((f) => /^ar-.*\.svg$/.test(f) && !/-g\d\.svg$/.test(f)).length, 43);
  assert.ok(!media.some((f) => /^[0-9]{4}$/.test(f)), 'no uploads directory: nothing was encoded');
});

test('SIGTERM shuts down cleanly while a reader is connected', async () => {
  const dir = path.join(tempDir(), 'term');
  assert.equal(run(['init', dir]).status, 0);
  const srv = await startServer(dir);
  const r = await fetch(`${srv.base}/en/`); // leaves a keep-alive connection open
  assert.equal(r.status, 200);
  await r.text();
  await srv.stop(); // asserts exit 0 and no sanitizer report
});

test('a template naming an unknown variable stops the server at start-up', () => {
  const dir = path.join(tempDir(), 'tpl-site');
  assert.equal(run(['init', dir]).status, 0);
  const tpl = path.join(tempDir(), 'templates');
  fs.mkdirSync(tpl);
  const src = path.join(path.dirname(new URL(import.meta.url).pathname), '../../templates');
  for (const f of fs.readdirSync(src)) fs.copyFileSync(path.join(src, f), path.join(tpl, f));
  fs.writeFileSync(path.join(tpl, 'error.html'), fs.readFileSync(path.join(tpl, 'error.html'), 'utf8').replace('{{message}}', '{{mesage}}'));
  const r = spawnSync(BIN, ['serve', '--site', dir, '--listen', '127.0.0.1:0'], { encoding: 'utf8', env: { ...process.env, BROADSHEET_TEMPLATE_DIR: tpl }, timeout: 20000 });
  assert.equal(r.status, 78);
  assert.match(r.stderr, /templates\/error.html:5: unknown variable 'mesage'/);
});
