// Security headers and cookie flags on every kind of reply: CSP without inline script or style (and no
// inline handlers in our pages), frame-ancestors, X-Content-Type-Options, Referrer-Policy,
// Permissions-Policy; HSTS and Secure cookies only when the configured base_url is https, whatever a
// client claims in X-Forwarded-Proto (it is never trusted: the scheme is configuration).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSite, startServer } from '../lib/server.mjs';
import { addUser, loginPost, sessionSetCookie } from '../lib/newsroom.mjs';

let dir, srv, https;

before(async () => {
  dir = demoSite(0);
  addUser(dir, 'ed', 'editor');
  srv = await startServer(dir);
  https = await startServer(dir, { env: { BROADSHEET_BASE_URL: 'https://news.example.com' } });
});
after(async () => { await srv?.stop(); await https?.stop(); });

const paths = ['/en/', '/ar/', '/en/no-such-page', '/api/v1/articles', '/en/feed.xml', '/robots.txt', '/admin/login',
  '/en/search?q=%ff', '/static/site.css'];

function assertHeaders(h, where) {
  const csp = h.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'self'/, `${where}: CSP ${csp}`);
  assert.match(csp, /script-src 'self'/, where);
  assert.match(csp, /frame-ancestors 'none'/, where);
  assert.match(csp, /object-src 'none'/, where);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/, `${where}: nothing unsafe in the CSP`);
  assert.equal(h.get('x-content-type-options'), 'nosniff', where);
  assert.equal(h.get('referrer-policy'), 'strict-origin-when-cross-origin', where);
  assert.match(h.get('permissions-policy') ?? '', /camera=\(\)/, where);
  assert.equal(h.get('x-frame-options'), 'DENY', where);
}

test('every kind of reply carries the security headers; no HSTS over plain http', async () => {
  for (const p of paths) {
    const r = await fetch(srv.base + p, { redirect: 'manual' });
    assertHeaders(r.headers, `${p} (${r.status})`);
    assert.equal(r.headers.get('strict-transport-security'), null, `${p}: no HSTS on an http site`);
  }
});

test('pages have no inline script (JSON-LD data blocks aside), no inline styles, no inline event handlers', async () => {
  for (const p of ['/en/', '/ar/', '/admin/login']) {
    const html = await (await fetch(srv.base + p)).text();
    for (const m of html.matchAll(/<script\b([^>]*)>/g)) assert.match(m[1], /type="application\/ld\+json"|\bsrc=/, `${p}: ${m[0]}`);
    assert.doesNotMatch(html, /<style\b|\sstyle="/, `${p}: inline style`);
    assert.doesNotMatch(html, /\son[a-z]+="/, `${p}: inline event handler`);
  }
});

test('an https site (by base_url) sends HSTS on every reply, and its session cookie is Secure', async () => {
  for (const p of paths) {
    const r = await fetch(https.base + p, { redirect: 'manual' });
    assertHeaders(r.headers, p);
    assert.equal(r.headers.get('strict-transport-security'), 'max-age=31536000', p);
  }
  const r = await loginPost(https.base, 'ed', 'a-long-password');
  assert.match(sessionSetCookie(r), /;\s*Secure/);
});

test('X-Forwarded-Proto is not trusted: it neither adds HSTS or Secure on http nor removes them on https', async () => {
  const h = await fetch(`${srv.base}/en/`, { headers: { 'x-forwarded-proto': 'https' } });
  assert.equal(h.headers.get('strict-transport-security'), null);
  const c = await loginPost(srv.base, 'ed', 'a-long-password', {});
  assert.doesNotMatch(sessionSetCookie(c), /Secure/i);
  const s = await fetch(`${https.base}/en/`, { headers: { 'x-forwarded-proto': 'http' } });
  assert.equal(s.headers.get('strict-transport-security'), 'max-age=31536000');
});

test('cookies: the session cookie is HttpOnly, SameSite=Lax, Path=/ and a 64-hex random value', async () => {
  const sc = sessionSetCookie(await loginPost(srv.base, 'ed', 'a-long-password'));
  assert.match(sc, /^bs_session=[0-9a-f]{64}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
});
