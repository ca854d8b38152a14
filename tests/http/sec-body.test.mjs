// Issue 16 item 3: a request that will be refused is refused on its headers, before its body is read.
// Unauthenticated uploads made the server buffer ~10 MB each (8 of them took it from 69 MB to 146 MB
// resident). Now the session, the role, the upload's CSRF token (in the form's action, ?csrf=, or an
// X-CSRF-Token header) and the admin API's bearer key are checked when the headers are in; a refusal is
// answered at once and the connection closed, so the body is never read (nor parsed as a next request).
// Forms that keep what was typed (ROUTE_KEEPS_INPUT) still read their body without a session, bounded
// by max_body_bytes, to show the form again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { demoSite, startServer, ROOT } from '../lib/server.mjs';
import { addUser, login, post, page, fieldValue } from '../lib/newsroom.mjs';
import { png } from '../lib/png.mjs';

const PW = 'a-long-password';
const MB = 1024 * 1024;
let dir, srv;
const s = {}; // sessions by login

before(async () => {
  dir = demoSite(0);
  addUser(dir, 'boss', 'admin', PW);
  addUser(dir, 'rep', 'reporter', PW);
  addUser(dir, 'mod', 'moderator', PW);
  srv = await startServer(dir);
  for (const who of ['boss', 'rep', 'mod']) s[who] = await login(srv.base, who, PW);
});
after(async () => { await srv?.stop(); }); // (fails on a leak or sanitizer report)

/** The server process's resident memory in kB (VmRSS). */
function rssKb() {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${srv.proc.pid}/status`, 'utf8'));
  assert.ok(m, 'VmRSS is readable');
  return Number(m[1]);
}

/** The request head for a POST of `length` body bytes to target. */
function head(target, length, headers = {}) {
  const h = { Host: `127.0.0.1:${srv.port}`, 'Content-Length': String(length), ...headers };
  return `POST ${target} HTTP/1.1\r\n${Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
}

/** The status of the first response in a raw reply (0 when none). */
const statusOf = (text) => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);

/**
 * Sends `data` (the head, perhaps some body) on a new connection and sends nothing more; resolves
 * {text, closed} when the server closes the connection, or {text, closed: false} after waitMs (a server
 * that waits for the body the head announced never answers).
 */
function sendOnly(data, waitMs = 8000) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port: srv.port });
    const chunks = [];
    let finished = false;
    const done = (closed) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed });
    };
    const timer = setTimeout(() => done(false), waitMs);
    sock.on('connect', () => sock.write(data));
    sock.on('data', (d) => chunks.push(d));
    sock.on('end', () => done(true));
    sock.on('close', () => done(true));
    sock.on('error', () => done(true));
  });
}

/** A request announcing `length` body bytes, of which none is sent: answered and closed at once? */
async function refusedOnHeaders(target, length, headers, why) {
  const r = await sendOnly(head(target, length, headers));
  assert.ok(r.closed, `${why}: the server answered and closed without waiting for the body (got: ${JSON.stringify(r.text.slice(0, 80))})`);
  return { status: statusOf(r.text), text: r.text };
}

/** The POST routes of src/routes.c's table that need a permission: [{pattern, perm, keep, upload}]. */
function permissionPostRoutes() {
  const src = fs.readFileSync(path.join(ROOT, 'src/routes.c'), 'utf8');
  const out = [];
  for (const m of src.matchAll(/^\s*\{([^,]+), "([^"]+)", \w+, ([^,]+), (PERM_\w+)/gm)) {
    if (!/\bP\b|HTTP_POST/.test(m[1]) || m[4] === 'PERM_PUBLIC') continue;
    out.push({ pattern: m[2], perm: m[4], keep: /\bKEEP\b/.test(m[3]), upload: /ROUTE_UPLOAD/.test(m[3]) });
  }
  assert.ok(out.length >= 20, `the route table was read (${out.length} routes)`);
  return out;
}

/** A concrete path for a pattern ({id} -> 1, {action} -> publish). */
const pathOf = (pattern) => pattern.replace('{action}', 'publish').replace(/\{\w+\}/g, '1');

const cookie = (who) => `bs_session=${s[who].cookie}`;
const boundary = 'sec-body-boundary';
const multipart = `multipart/form-data; boundary=${boundary}`;

/**
 * The uploader of the memory test, in Python: Node cannot be trusted to read a reply that comes while it
 * is still writing the body (when a write fails first it drops the unread reply), a blocking socket can.
 * Opens N connections to PORT, sends HEAD and all but the last byte of LENGTH body bytes on each (in
 * threads), and prints one JSON line per connection: {"how": "closed", "reply": ...} when the server
 * stopped the upload (the reply read to its end), {"how": "held"} when all of it was handed to the
 * kernel; holds the connections until a line on stdin, then exits.
 */
const UPLOADER = String.raw`
import json, socket, sys, threading
port, n, length, head = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].encode('latin1')
data = head + b'\xff' * (length - 1)
socks, out, lock = [], [], threading.Lock()
def one():
    s = socket.create_connection(('127.0.0.1', port))
    with lock:
        socks.append(s)
    try:
        s.sendall(data)
        how, reply = 'held', b''
    except OSError:
        how, reply = 'closed', b''
        try:
            while True:
                d = s.recv(65536)
                if not d:
                    break
                reply += d
        except OSError:
            pass
    with lock:
        print(json.dumps({'how': how, 'reply': reply.decode('latin1')}), flush=True)
threads = [threading.Thread(target=one) for _ in range(n)]
for t in threads: t.start()
for t in threads: t.join()
sys.stdin.readline()
for s in socks: s.close()
`;

test('8 unauthenticated 9 MB uploads held open: each refused at once, resident memory stays within 8 MB', async (t) => {
  const length = 9 * MB;
  const top = head('/admin/media', length, { 'Content-Type': multipart });
  // warm up the paths a refusal takes (error page, session lookup) before measuring
  for (let i = 0; i < 3; i++) await sendOnly(head('/admin/media', 1000, { 'Content-Type': multipart }) + 'x'.repeat(1000));
  const before = rssKb();
  const py = spawn('python3', ['-c', UPLOADER, String(srv.port), '8', String(length), top], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => py.on('exit', resolve));
  try {
    const results = [];
    let text = '';
    await new Promise((resolve, reject) => {
      py.stdout.on('data', (d) => {
        text += d;
        const lines = text.split('\n');
        text = lines.pop();
        for (const l of lines) results.push(JSON.parse(l));
        if (results.length === 8) resolve();
      });
      exited.then((code) => reject(new Error(`the uploader exited (${code}) after ${results.length} connections`)));
    });
    let peak = rssKb();
    if (results.some((r) => r.how === 'held')) {
      // a server that reads the bodies may still be draining the sockets: watch it for a while
      for (let i = 0; i < 50 && peak - before < 8 * 1024; i++) {
        await new Promise((r) => setTimeout(r, 100));
        peak = Math.max(peak, rssKb());
      }
    }
    const grew = (peak - before) / 1024;
    t.diagnostic(`resident: ${(before / 1024).toFixed(1)} MB before, ${(peak / 1024).toFixed(1)} MB at most with the uploads open`);
    assert.ok(grew < 8, `resident memory grew by ${grew.toFixed(1)} MB (from ${(before / 1024).toFixed(1)} MB) with 8 uploads held open`);
    for (const r of results) {
      assert.equal(r.how, 'closed', 'the server closed the connection instead of reading the upload');
      assert.equal(statusOf(r.reply), 403, r.reply.slice(0, 200));
      assert.match(r.reply, /not logged in/);
    }
  } finally {
    py.stdin.end('done\n');
    await exited;
  }
});

test('every POST route that needs a permission refuses a request without a session before its body', async () => {
  const checks = permissionPostRoutes().map(async (r) => {
    const target = pathOf(r.pattern);
    if (r.keep && !r.upload) {
      // forms that keep what was typed read their body to show it again, but only up to max_body_bytes
      const big = await refusedOnHeaders(target, 9 * MB, { 'Content-Type': 'application/x-www-form-urlencoded' }, `${target} (keeps input)`);
      assert.equal(big.status, 413, `${target}: ${big.text.slice(0, 120)}`);
      return;
    }
    const length = r.upload ? 9 * MB : 500 * 1024;
    const type = r.upload ? multipart : 'application/x-www-form-urlencoded';
    const a = await refusedOnHeaders(target, length, { 'Content-Type': type }, `${target} without a session`);
    assert.equal(a.status, 403, `${target}: ${a.text.slice(0, 120)}`);
    assert.match(a.text, /\r\nConnection: close\r\n/i, `${target}: the connection is closed`);
    const b = await refusedOnHeaders(target, length, { 'Content-Type': type, Cookie: `bs_session=${'0'.repeat(64)}` },
      `${target} with an unknown session`);
    assert.equal(b.status, 403, `${target}: ${b.text.slice(0, 120)}`);
  });
  await Promise.all(checks);
});

test('a logged-in user whose role lacks the permission is refused before the body', async () => {
  const routes = permissionPostRoutes();
  const rep = routes.filter((r) => !['PERM_LOGIN', 'PERM_WRITE'].includes(r.perm));
  assert.ok(rep.some((r) => r.perm === 'PERM_ADMIN') && rep.some((r) => r.keep), 'admin-only routes, forms that keep input among them');
  const checks = rep.map(async (r) => {
    const target = pathOf(r.pattern);
    const a = await refusedOnHeaders(target, 500 * 1024, { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie('rep') },
      `${target} as a reporter`);
    assert.equal(a.status, 403, `${target} as a reporter: ${a.text.slice(0, 120)}`);
    assert.match(a.text, /Your role does not allow this/);
  });
  // the upload route needs PERM_WRITE: a moderator may not upload, even with a good token
  for (const r of routes.filter((x) => x.upload)) {
    checks.push((async () => {
      const a = await refusedOnHeaders(`${r.pattern}?csrf=${s.mod.csrf}`, 9 * MB, { 'Content-Type': multipart, Cookie: cookie('mod') },
        `${r.pattern} as a moderator`);
      assert.equal(a.status, 403, a.text.slice(0, 120));
      assert.match(a.text, /Your role does not allow this/);
    })());
  }
  await Promise.all(checks);
});

test('an upload with a missing or wrong CSRF token is refused before the body; a right one still uploads', async () => {
  const h = { 'Content-Type': multipart, Cookie: cookie('boss') };
  for (const [target, extra, why] of [
    ['/admin/media', {}, 'no token'],
    ['/admin/media?csrf=forged', {}, 'a forged token in the query'],
    [`/admin/media?csrf=${s.rep.csrf}`, {}, "another session's token"],
    ['/admin/media', { 'X-CSRF-Token': 'forged' }, 'a forged X-CSRF-Token header'],
  ]) {
    const a = await refusedOnHeaders(target, 9 * MB, { ...h, ...extra }, why);
    assert.equal(a.status, 403, `${why}: ${a.text.slice(0, 120)}`);
    assert.match(a.text, /security token/, why);
  }
  // the token in the body is not looked at: it would come after the file
  const image = png(64, 48);
  const body = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${s.boss.csrf}\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="alt"\r\n\r\nA test image\r\n--${boundary}\r\n` +
    'Content-Disposition: form-data; name="file"; filename="x.png"\r\nContent-Type: image/png\r\n\r\n'), image,
  Buffer.from(`\r\n--${boundary}--\r\n`)]);
  const late = await sendOnly(Buffer.concat([Buffer.from(head('/admin/media', body.length, h)), body]));
  assert.equal(statusOf(late.text), 403, 'a token only in the body is too late for an upload');
  assert.match(late.text, /security token/);
  // the form's own way: the token in its action, as the media page writes it
  const media = await page(srv.base, '/admin/media', s.boss);
  const action = /<form[^>]*action="([^"]*)"[^>]*enctype="multipart\/form-data"/.exec(media.html)?.[1].replace(/&amp;/g, '&');
  assert.equal(action, `/admin/media?csrf=${s.boss.csrf}`);
  const good = () => { const f = new FormData(); f.set('alt', 'Harbour at dawn'); f.set('file', new Blob([image]), 'dawn.png'); return f; };
  let r = await fetch(srv.base + action, { method: 'POST', body: good(), headers: { cookie: cookie('boss') }, redirect: 'manual' });
  assert.equal(r.status, 303, (await r.text()).slice(0, 300));
  assert.match(r.headers.get('location'), /^\/admin\/media\?uploaded=\d+$/);
  // scripts may send the header instead
  r = await fetch(`${srv.base}/admin/media`, {
    method: 'POST', body: good(), headers: { cookie: cookie('boss'), 'x-csrf-token': s.boss.csrf }, redirect: 'manual',
  });
  assert.equal(r.status, 303, (await r.text()).slice(0, 300));
  // a refused upload shows the form again, still carrying the token in its action
  const bad = new FormData();
  bad.set('alt', 'Kept alt text');
  bad.set('file', new Blob([Buffer.from('not pixels')]), 'notes.jpg');
  r = await fetch(srv.base + action, { method: 'POST', body: bad, headers: { cookie: cookie('boss') }, redirect: 'manual' });
  const html = await r.text();
  assert.equal(r.status, 400);
  assert.equal(fieldValue(html, 'alt'), 'Kept alt text');
  assert.ok(html.includes(`action="/admin/media?csrf=${s.boss.csrf}"`));
});

test('the refused request\'s body is never read as a next request on the same connection', async () => {
  const smuggled = `GET /admin/ HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookie('boss')}\r\n\r\n`;
  const r = await sendOnly(head('/admin/logout', smuggled.length, { 'Content-Type': 'application/x-www-form-urlencoded' }) + smuggled);
  assert.ok(r.closed, 'the server closed the connection after its refusal');
  assert.equal(statusOf(r.text), 403);
  assert.equal(r.text.split('HTTP/1.1 ').length - 1, 1, `one response only: ${r.text.slice(0, 400)}`);
});

test('forms still read their body where they must: the form token after it, the kept text without a session', async () => {
  // (not a before/after test: these held before the change and must still hold)
  // small forms keep their token in the body, checked once it is in
  let r = await post(srv.base, '/admin/settings', s.boss, { csrf: 'forged', 'site_name.en': 'x' });
  assert.equal(r.status, 403);
  r = await post(srv.base, '/admin/preview', s.rep, { body: 'Some *text*' });
  assert.equal(r.status, 200, 'a POST with its token in the body still works');
  // a form that keeps what was typed reads its body without a session and shows the text again
  r = await fetch(`${srv.base}/admin/settings`, {
    method: 'POST', body: new URLSearchParams({ csrf: 'x', 'site_name.en': 'Typed before the session ended' }), redirect: 'manual',
  });
  assert.equal(r.status, 403);
  const html = await r.text();
  assert.match(html, /session has expired/);
  assert.equal(fieldValue(html, 'site_name.en'), 'Typed before the session ended');
});

test('the admin API refuses a missing, unknown or under-scoped key before the body', async () => {
  const json = { 'Content-Type': 'application/json' };
  for (const [target, method] of [['/api/v1/admin/articles', 'POST'], ['/api/v1/admin/articles/1', 'PUT'], ['/api/v1/admin/articles/1/publish', 'POST']]) {
    for (const auth of [{}, { Authorization: `Bearer bsk_${'0'.repeat(64)}` }]) {
      const raw = head(target, 500 * 1024, { ...json, ...auth }).replace(/^POST/, method);
      const r = await sendOnly(raw);
      assert.ok(r.closed, `${method} ${target}: answered without the body`);
      assert.equal(statusOf(r.text), 401, r.text.slice(0, 200));
      assert.match(r.text, /"code": ?"unauthorized"/);
    }
  }
  // a key without the scope
  const form = new URLSearchParams({ csrf: s.boss.csrf, name: 'Reader', days: '30', scope: 'read' });
  const made = await fetch(`${srv.base}/admin/api-keys`, { method: 'POST', body: form, headers: { cookie: cookie('boss') }, redirect: 'manual' });
  const key = /<code class="token">(bsk_[0-9a-f]{64})<\/code>/.exec(await made.text())?.[1];
  assert.ok(key, 'a read-only key was made');
  const r = await sendOnly(head('/api/v1/admin/articles', 500 * 1024, { ...json, Authorization: `Bearer ${key}` }));
  assert.ok(r.closed, 'answered without the body');
  assert.equal(statusOf(r.text), 403);
  assert.match(r.text, /insufficient_scope/);
});

test('a client that half-closes after its POST leaks nothing (found while writing these tests)', async () => {
  // libmicrohttpd 0.9.75 drops a connection whose client shut its side down while a writer thread ran the
  // handler, so the reply is never sent; its body used to leak (LeakSanitizer at the server's stop, below)
  // (a race: the shut-down side must be seen before the writer thread is done; 20 tries lose a few)
  const body = `csrf=${s.boss.csrf}&site_name.en=`; // refused by the handler (400): nothing is written
  for (let i = 0; i < 20; i++) {
    await new Promise((resolve) => {
      const sock = net.connect({ host: '127.0.0.1', port: srv.port });
      sock.on('connect', () => sock.end(head('/admin/settings', body.length,
        { Cookie: cookie('boss'), 'Content-Type': 'application/x-www-form-urlencoded' }) + body));
      sock.on('data', () => {});
      sock.on('close', resolve);
      sock.on('error', () => {});
    });
  }
  const r = await page(srv.base, '/admin/', s.boss);
  assert.equal(r.status, 200, 'the server still answers');
});

test('the server logged no sanitizer findings', () => {
  assert.doesNotMatch(srv.stderr, /AddressSanitizer|LeakSanitizer|runtime error:/);
});
