// Bad and oversized input gets a 4xx with a readable message, never a 500 or a crash.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSite, startServer, rawRequest, statusOf } from '../lib/server.mjs';

let srv;
before(async () => { srv = await startServer(demoSite(0)); });
after(async () => { await srv.stop(); });

const raw = (text, opts) => rawRequest(srv.port, text, opts);
const bodyOf = (text) => text.slice(text.indexOf('\r\n\r\n') + 4);

test('wrong method: 405 with Allow and a page in the site design', async () => {
  for (const m of ['POST', 'PUT', 'DELETE', 'PATCH']) {
    const r = await fetch(`${srv.base}/en/`, { method: m, body: m === 'PATCH' || m === 'POST' ? 'x=1' : undefined });
    assert.equal(r.status, 405, m);
    assert.equal(r.headers.get('allow'), 'GET, HEAD');
    const body = await r.text();
    assert.match(body, /Method not allowed/);
    assert.match(body, /<footer class="site-footer">/);
  }
});

test('oversized URL: 414', async () => {
  const r = await raw(`GET /en/section/${'a'.repeat(6000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  assert.equal(statusOf(r.text), 414);
  assert.match(bodyOf(r.text), /too long/);
});

test('oversized headers: 431', async () => {
  const big = `X-Big: ${'b'.repeat(20000)}\r\n`;
  const r = await raw(`GET /en/ HTTP/1.1\r\nHost: x\r\n${big}Connection: close\r\n\r\n`);
  assert.equal(statusOf(r.text), 431);
  const many = Array.from({ length: 400 }, (_, i) => `X-H${i}: ${'v'.repeat(40)}\r\n`).join('');
  const r2 = await raw(`GET /en/ HTTP/1.1\r\nHost: x\r\n${many}Connection: close\r\n\r\n`);
  assert.equal(statusOf(r2.text), 431);
});

// Headers as the server counts them (name + value + 4 per header) adding up to `total`, in headers of
// about `per` bytes, Host and Connection included.
function headersOf(total, per = 400) {
  let left = total - ('Host'.length + 1 + 4) - ('Connection'.length + 'close'.length + 4);
  const lines = [];
  for (let i = 0; left > 0; i++) {
    const name = `X-Pad-${i}`;
    const len = Math.min(per, left - name.length - 4);
    if (len < 1) throw new Error('cannot pad exactly');
    lines.push(`${name}: ${'p'.repeat(len)}\r\n`);
    left -= name.length + len + 4;
  }
  return `Host: x\r\n${lines.join('')}Connection: close\r\n`;
}

// (libmicrohttpd's per-connection memory is sized for this: the target, the headers and room for the
// records of about 100 header lines; docs/operations.md)
test('a request at the limits (4096-byte target, 16384 bytes of headers) is served; one byte more is refused readably', async () => {
  const target = `/en/?pad=${'q'.repeat(4096 - '/en/?pad='.length)}`;
  assert.equal(target.length, 4096);
  for (const per of [400, 200]) { // 43 and 81 header lines
    const r = await raw(`GET ${target} HTTP/1.1\r\n${headersOf(16384, per)}\r\n`);
    assert.equal(statusOf(r.text), 200, `${per}: ${r.text.slice(0, 200)}`);
    assert.match(bodyOf(r.text), /<footer class="site-footer">/);
  }
  const r2 = await raw(`GET ${target} HTTP/1.1\r\n${headersOf(16385)}\r\n`);
  assert.equal(statusOf(r2.text), 431);
  assert.match(bodyOf(r2.text), /headers are larger than this server accepts/);
  const r3 = await raw(`GET ${target}q HTTP/1.1\r\n${headersOf(16384)}\r\n`);
  assert.equal(statusOf(r3.text), 414);
  assert.match(bodyOf(r3.text), /too long/);
});

test('oversized body: 413 without reading it all', async () => {
  const r = await raw(`POST /en/ HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\nContent-Type: text/plain\r\n\r\n${'z'.repeat(2000)}`);
  assert.equal(statusOf(r.text), 413);
  assert.match(bodyOf(r.text), /larger than this server accepts/);
  // a body that grows past the limit in chunks (no Content-Length)
  const chunk = 'z'.repeat(65536);
  let chunked = `POST /en/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n`;
  for (let i = 0; i < 20; i++) chunked += `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
  const r2 = await raw(chunked + '0\r\n\r\n');
  assert.equal(statusOf(r2.text), 413);
});

test('conflicting Content-Length and Transfer-Encoding: 400', async () => {
  const r = await raw('POST /en/ HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n');
  assert.ok([400, 413].includes(statusOf(r.text)) && statusOf(r.text) === 400, r.text.slice(0, 80));
});

test('invalid UTF-8, NUL and broken escapes in the path or query: 400 with a reason', async () => {
  const cases = {
    '/en/%ff': /not valid UTF-8/,
    '/en/%c0%af': /not valid UTF-8/,
    '/en/section/a%00b': /NUL/,
    '/en/%zz': /percent-escape/,
    '/en/%4': /percent-escape/,
    '/en/section/politics?page=%ff': /not valid UTF-8/,
    '/en/section/politics?q=a%00': /NUL/,
  };
  for (const [p, re] of Object.entries(cases)) {
    const r = await fetch(srv.base + p);
    assert.equal(r.status, 400, p);
    assert.match(await r.text(), re, p);
  }
  // raw invalid bytes in the request line
  const r = await raw(Buffer.concat([Buffer.from('GET /en/'), Buffer.from([0xff, 0xfe]), Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')]));
  const st = statusOf(r.text);
  assert.ok(st >= 400 && st < 500, `raw bytes gave ${st}`);
});

test('a barrage of odd addresses never produces a 5xx', async () => {
  const paths = ['/en/section/', '/en/section//x', '/en//', '//', '/en/2026/1/1/x', '/en/aaaa/bb/cc/x',
    '/en/2026/13/45/x', '/en/tag/%20', '/static/', '/static/.hidden', '/media/x.exe', '/ar/author/%D8%A7',
    '/en/section/politics?page=1&page=2', `/en/?${'a=1&'.repeat(100)}`, '/en/section/politics?page=+1',
    '/%2e%2e/%2e%2e/etc/passwd', '/en/../../etc/passwd', '/en/section/politics#frag'];
  for (const p of paths) {
    const r = await raw(`GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    const st = statusOf(r.text);
    assert.ok(st >= 200 && st < 500, `${p} gave ${st}`);
  }
  // the server is still healthy
  assert.equal((await fetch(`${srv.base}/en/`)).status, 200);
});
