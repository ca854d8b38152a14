// The server apart from the request (issue 17): the layers http, server, routes and the pages include
// one another in one direction only (scripts/check-includes.sh, shown failing on a deliberate circle), and
// every service the server starts is stopped again by its one cleanup path when a later one cannot
// start (no leak, no stray thread: the sanitizer build reports both at exit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, ROOT, configure, run, startServer, tempDir } from '../lib/server.mjs';

const script = path.join(ROOT, 'scripts/check-includes.sh');

test('check-includes: the source has no include circle; a deliberate one is named and fails', () => {
  const ok = spawnSync('bash', [script], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /^ok$/m);
  // http.h including server.h closes a circle http -> server -> http
  const dir = tempDir('bs-inc-');
  for (const f of fs.readdirSync(path.join(ROOT, 'src'))) {
    if (/\.[ch]$/.test(f)) fs.copyFileSync(path.join(ROOT, 'src', f), path.join(dir, f));
  }
  const h = path.join(dir, 'http.h');
  fs.writeFileSync(h, fs.readFileSync(h, 'utf8').replace('#include "uri.h"\n', '#include "uri.h"\n#include "server.h"\n'));
  const bad = spawnSync('bash', [script, dir], { encoding: 'utf8' });
  assert.equal(bad.status, 1, bad.stdout + bad.stderr);
  assert.match(bad.stdout, /include circle between http and server: http -> server and server -> http/);
  // a page file including routes.h closes routes -> pages -> routes
  const dir2 = tempDir('bs-inc-');
  for (const f of fs.readdirSync(dir)) fs.copyFileSync(path.join(ROOT, 'src', f), path.join(dir2, f));
  const p = path.join(dir2, 'page_ops.c');
  fs.writeFileSync(p, '#include "routes.h"\n' + fs.readFileSync(p, 'utf8'));
  const bad2 = spawnSync('bash', [script, dir2], { encoding: 'utf8' });
  assert.equal(bad2.status, 1, bad2.stdout + bad2.stderr);
  assert.match(bad2.stdout, /include circle between routes and pages/);
});

/** serve with the site's configuration; returns the exit status and stderr (the sanitizer build). */
function serve(dir, listen) {
  const r = spawnSync(BIN, ['serve', '--site', dir, '--listen', listen], {
    encoding: 'utf8', timeout: 60000, env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' },
  });
  return { status: r.status, stderr: r.stderr };
}

test('serve: a service that cannot start stops the ones started before it, and says which', () => {
  const dir = path.join(tempDir(), 's');
  assert.equal(run(['init', dir]).status, 0);
  // the access log's directory does not exist: the page cache and the signals were set up before it
  configure(dir, { access_log: 'no/such/dir/access.log', cache_mb: 8 });
  const r = serve(dir, '127.0.0.1:0');
  assert.equal(r.status, 69, r.stderr);
  assert.match(r.stderr, /the server cannot start: access log failed/);
  assert.doesNotMatch(r.stderr, /AddressSanitizer|LeakSanitizer|runtime error:/, r.stderr);
});

test('serve: a busy port stops every service started before the daemon (scheduler, webhooks, views ...)', async () => {
  const dir = path.join(tempDir(), 's');
  assert.equal(run(['init', dir]).status, 0);
  const srv = await startServer(dir);
  try {
    const r = serve(dir, `127.0.0.1:${srv.port}`);
    assert.equal(r.status, 69, r.stderr);
    assert.match(r.stderr, /cannot listen on 127\.0\.0\.1/);
    assert.match(r.stderr, /the server cannot start: http daemon failed/);
    assert.doesNotMatch(r.stderr, /AddressSanitizer|LeakSanitizer|runtime error:/, r.stderr);
  } finally {
    await srv.stop();
  }
});
