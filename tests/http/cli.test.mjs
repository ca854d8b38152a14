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

test('demo fills both editions and adds generated articles', () => {
  const dir = path.join(tempDir(), 'demo');
  const r = run(['demo', dir, '--articles', '10']);
  assert.equal(r.status, 0, r.stderr);
  const media = fs.readdirSync(path.join(dir, 'media'));
  assert.ok(media.filter((f) => f.startsWith('en-')).length >= 40);
  assert.ok(media.filter((f) => f.startsWith('ar-')).length >= 40);
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
