// Issue 20: sign-in with the news group's identity provider over OpenID Connect (authorization code flow
// with PKCE; discovery; ID token signature, issuer, audience, nonce and expiry checked; accounts matched
// by verified e-mail and never created by it).
// Three sites:
//  - A signs in with a real provider on loopback: npm oidc-provider, started here in-process
//    (tests/lib/oidc.mjs; its development log-in form is posted like a browser would, with a cookie jar);
//  - B with a fake provider (a small node:http server: discovery, JWKS, an authorization endpoint that
//    answers at once and a token endpoint that checks the client and the PKCE verifier, then returns the
//    ID token the test asks for, signed here with node:crypto), for the tokens a real provider never makes;
//  - C names a provider nobody answers for (unreachable), and throttles after three failures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { configure, dbExec, freePort, run, startServer, tempDir, unescapeHtml } from '../lib/server.mjs';
import { addUser, fieldValue, formError, formNotice, login, post, SESSION_COOKIE } from '../lib/newsroom.mjs';
import { startProvider } from '../lib/oidc.mjs';
import { sendFrom } from '../lib/client.mjs';

const PW = 'a-long-password';
const CLIENT_ID = 'broadsheet-newsroom';
const CLIENT_SECRET = 'client-secret-0123456789abcdef';
const LABEL = 'Example News Group';

let siteA, siteB, siteC, bsA, bsB, bsC, provider, fake;
let ipCounter = 10;

/** A new site (broadsheet init) with the accounts [login, role, email] and the configuration conf. */
function makeSite(accounts, conf) {
  const dir = path.join(tempDir(), 'site');
  const r = run(['init', dir]);
  assert.equal(r.status, 0, `init: ${r.stderr}`);
  for (const [name, role, email] of accounts) {
    addUser(dir, name, role, PW);
    if (email) dbExec(dir, `UPDATE users SET email = '${email}' WHERE login = '${name}'`);
  }
  configure(dir, conf);
  return dir;
}

/** The accounts the real provider knows: sub -> claims. */
const PEOPLE = {
  ana: { email: 'Ana@Example.com', email_verified: true },   // Broadsheet has ana@example.com (case differs)
  una: { email: 'una@example.com', email_verified: false },  // not verified by the provider
  nobody: { email: 'nobody@example.com', email_verified: true }, // no Broadsheet account has it
  dis: { email: 'dis@example.com', email_verified: true },   // a disabled Broadsheet account
  noemail: {},                                               // no e-mail at all
};

/** The fake provider: serves discovery under issuer (with a path), a JWKS, an authorization endpoint that
 * answers at once, and a token endpoint (client_secret_post) that checks the code, redirect_uri and PKCE
 * verifier, then signs whatever token `mode` asks for. */
function startFake(port) {
  const issuer = `http://127.0.0.1:${port}/fake`;
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rogue = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const codes = new Map();
  const f = {
    issuer, mode: 'good-rs256', tokenRequests: [], up: true,
    jwks: { keys: [{ ...rsa.publicKey.export({ format: 'jwk' }), kid: 'r1', use: 'sig', alg: 'RS256' },
      { ...ec.publicKey.export({ format: 'jwk' }), kid: 'e1', use: 'sig', alg: 'ES256' }] },
  };
  const b64 = (x) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url');
  /** The ID token for mode, for the sign-in with this nonce. */
  f.token = (mode, nonce) => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: issuer, sub: 'fay-1', aud: CLIENT_ID, exp: now + 300, iat: now, nonce, email: 'fay@example.com', email_verified: true };
    let header = { alg: 'RS256', kid: 'r1', typ: 'JWT' }, key = rsa.privateKey;
    if (mode === 'good-es256') { header = { alg: 'ES256', kid: 'e1' }; key = ec.privateKey; }
    if (mode === 'bad-signature') key = rogue.privateKey;
    if (mode === 'bad-issuer') claims.iss = `${issuer}/evil`;
    if (mode === 'bad-audience') claims.aud = 'someone-else';
    if (mode === 'bad-nonce') claims.nonce = 'not-the-nonce-of-this-sign-in';
    if (mode === 'expired') { claims.exp = now - 3600; claims.iat = now - 7200; }
    if (mode === 'unknown-kid') header.kid = 'r9';
    const input = `${b64(header)}.${b64(mode === 'alg-none' ? claims : claims)}`;
    if (mode === 'alg-none') return `${b64({ alg: 'none' })}.${b64(claims)}.`;
    if (mode === 'hs256') {
      const h = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
      return `${h}.${crypto.createHmac('sha256', CLIENT_SECRET).update(h).digest('base64url')}`;
    }
    const sig = crypto.sign('sha256', Buffer.from(input), header.alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key);
    return `${input}.${sig.toString('base64url')}`;
  };
  const send = (res, status, body, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  f.server = http.createServer((req, res) => {
    const url = new URL(req.url, issuer);
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', async () => {
      if (url.pathname === '/fake/.well-known/openid-configuration') {
        return send(res, 200, {
          issuer, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'], code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['client_secret_post'], id_token_signing_alg_values_supported: ['RS256', 'ES256'],
        });
      }
      if (url.pathname === '/fake/jwks') return send(res, 200, f.jwks);
      if (url.pathname === '/fake/auth') {
        const q = url.searchParams, code = crypto.randomBytes(16).toString('hex');
        codes.set(code, { nonce: q.get('nonce'), challenge: q.get('code_challenge'), method: q.get('code_challenge_method'),
          redirect: q.get('redirect_uri'), client: q.get('client_id'), scope: q.get('scope') });
        res.writeHead(302, { location: `${q.get('redirect_uri')}?code=${code}&state=${encodeURIComponent(q.get('state'))}` });
        return res.end();
      }
      if (url.pathname === '/fake/token' && req.method === 'POST') {
        if (f.hold) { // the test holds the answer: says it arrived, answers once released
          const h = f.hold;
          f.hold = null;
          h.arrived();
          await h.released;
        }
        const form = new URLSearchParams(body);
        f.tokenRequests.push(Object.fromEntries(form));
        const c = codes.get(form.get('code'));
        codes.delete(form.get('code'));
        const verifier = form.get('code_verifier') ?? '';
        const ok = c && form.get('client_id') === CLIENT_ID && form.get('client_secret') === CLIENT_SECRET &&
          form.get('grant_type') === 'authorization_code' && form.get('redirect_uri') === c.redirect &&
          c.method === 'S256' && crypto.createHash('sha256').update(verifier).digest('base64url') === c.challenge;
        if (!ok || f.mode === 'error') return send(res, 400, { error: 'invalid_grant', error_description: 'grant request is invalid' });
        return send(res, 200, { access_token: 'x', token_type: 'Bearer', expires_in: 60, id_token: f.token(f.mode, c.nonce) });
      }
      return send(res, 404, { error: 'not_found' });
    });
  });
  return new Promise((resolve) => f.server.listen(port, '127.0.0.1', () => resolve(f)));
}

before(async () => {
  const [pPort, fPort, deadPort] = [await freePort(), await freePort(), await freePort()];
  const conf = (issuer, extra = {}) => ({ oidc_issuer: issuer, oidc_client_id: CLIENT_ID, ...extra });
  siteA = makeSite([['boss', 'admin'], ['ana', 'editor'], ['una', 'reporter', 'una@example.com'],
    ['dis', 'editor', 'dis@example.com'], ['noemail', 'reporter']], conf(`http://127.0.0.1:${pPort}`, { oidc_label: LABEL }));
  // (one connection thread: a request held there would hold up every other one)
  siteB = makeSite([['fay', 'reporter', 'fay@example.com']],
    conf(`http://127.0.0.1:${fPort}/fake`, { oidc_client_secret: CLIENT_SECRET, threads: 1 }));
  siteC = makeSite([['cat', 'reporter', 'cat@example.com']],
    conf(`http://127.0.0.1:${deadPort}`, { oidc_client_secret: CLIENT_SECRET, login_max_failures: 3 }));
  // site A's secret comes from the environment (BROADSHEET_OIDC_CLIENT_SECRET), B's and C's from the file
  bsA = await startServer(siteA, { env: { BROADSHEET_OIDC_CLIENT_SECRET: CLIENT_SECRET } });
  bsB = await startServer(siteB);
  bsC = await startServer(siteC);
  provider = await startProvider(pPort, { redirectUri: `${bsA.base}/admin/login/oidc/callback`, clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET, people: PEOPLE });
  fake = await startFake(fPort);
  dbExec(siteA, "UPDATE users SET disabled = 1 WHERE login = 'dis'");
});

after(async () => {
  await bsA?.stop();
  await bsB?.stop();
  await bsC?.stop();
  await provider?.stop();
  fake?.server.closeAllConnections();
  fake?.server.close();
});

/**
 * One browser: its own loopback source address (so that each test's failures are counted apart by the
 * throttle) and a cookie jar per origin. Requests never follow redirects; they resolve
 * {status, headers, html, url}.
 */
class Browser {
  constructor() { this.ip = `127.0.0.${ipCounter++}`; this.jars = new Map(); }

  jar(origin) {
    if (!this.jars.has(origin)) this.jars.set(origin, new Map());
    return this.jars.get(origin);
  }

  /** GET url (absolute), or POST form when given. */
  send(url, { form, cookies = true } = {}) {
    return sendFrom(this.ip, url, { form, jar: this.jar(new URL(url).origin), sendCookies: cookies })
      .then((r) => ({ status: r.status, headers: r.headers, html: r.html, url }));
  }

  /** Follows redirects from url while they stay away from stopAt (an origin + path prefix); returns the
   * last response, or {stopped: URL} when a redirect points at stopAt. */
  async follow(url, stopAt) {
    for (let i = 0; i < 10; i++) {
      if (stopAt && url.startsWith(stopAt)) return { stopped: url };
      const r = await this.send(url);
      if (r.status < 300 || r.status > 399) return r;
      url = new URL(r.headers.location, url).toString();
    }
    throw new Error(`too many redirects at ${url}`);
  }
}

/** The session cookie a Broadsheet reply set, or undefined. */
function sessionOf(r) {
  return [].concat(r.headers['set-cookie'] ?? []).map((s) => new RegExp(`^${SESSION_COOKIE}=([^;]+)`).exec(s)).find(Boolean)?.[1];
}

/**
 * Starts a sign-in at bs (the log-in page's button: GET /admin/login/oidc?next=...) and completes it at
 * the real provider as `who` (its development log-in form), stopping before the redirect back to
 * Broadsheet: returns the callback URL the provider sent the browser to.
 */
async function providerCallback(b, bs, who, next = '/admin/') {
  const start = await b.send(`${bs.base}/admin/login/oidc?next=${encodeURIComponent(next)}`);
  assert.equal(start.status, 303, `the sign-in starts: ${start.status} ${formError(start.html) ?? ''}`);
  const auth = new URL(start.headers.location);
  assert.equal(auth.searchParams.get('code_challenge_method'), 'S256');
  assert.equal(auth.searchParams.get('response_type'), 'code');
  assert.ok(auth.searchParams.get('state') && auth.searchParams.get('nonce') && auth.searchParams.get('code_challenge'));
  const form = await b.follow(auth.toString());
  assert.equal(form.status, 200, `the provider's log-in form: ${form.html.slice(0, 300)}`);
  const action = /<form[^>]*action="([^"]+)"/.exec(form.html)?.[1];
  assert.ok(action, 'the provider shows its log-in form');
  const posted = await b.send(new URL(unescapeHtml(action), form.url).toString(), { form: { prompt: 'login', login: who, password: 'anything' } });
  assert.equal(posted.status, 303, `the provider takes the log-in: ${posted.status} ${posted.html.slice(0, 300)}`);
  const back = await b.follow(new URL(posted.headers.location, form.url).toString(), `${bs.base}/admin/login/oidc/callback`);
  assert.ok(back.stopped, `the provider sends the browser back: ${back.status} ${back.html?.slice(0, 300)}`);
  return back.stopped;
}

/** The newest audit entry of site whose action starts with prefix: {action, login, target, detail, address}. */
function lastAudit(site, prefix = 'login.oidc.') {
  const row = dbExec(site, `SELECT action, login, target, detail, address FROM audit_log WHERE action LIKE '${prefix}%' ORDER BY id DESC LIMIT 1`);
  const [action, login, target, detail, address] = row.replace(/\n$/, '').split('\t');
  return { action, login, target, detail, address };
}

/** Asserts the newest sign-in audit entry of site is a failure from browser b whose reason matches re. */
function assertAuditedFailure(site, b, re, what) {
  const e = lastAudit(site);
  assert.equal(e.action, 'login.oidc.failed', `${what}: audited`);
  assert.match(e.detail, re, `${what}: the audit entry's reason`);
  assert.equal(e.address, b.ip, `${what}: from where`);
  return e;
}

/** Asserts r is a refusal shown on the log-in page: status, a message matching re, no session. */
function assertRefused(r, status, re, what) {
  assert.equal(r.status, status, `${what}: ${r.status} ${formError(r.html) ?? r.html.slice(0, 200)}`);
  assert.match(formError(r.html) ?? '', re, what);
  assert.equal(sessionOf(r), undefined, `${what}: no session`);
  assert.match(r.html, /<form class="admin-form narrow" method="post" action="\/admin\/login">/, `${what}: on the log-in page`);
}

/** Asserts r logged someone in: 303 to where, and the session's dashboard names login. */
async function assertSignedIn(r, bs, who, where = '/admin/') {
  assert.equal(r.status, 303, `sign-in of ${who}: ${r.status} ${formError(r.html) ?? ''}`);
  assert.equal(r.headers.location, where);
  const cookie = sessionOf(r);
  assert.ok(cookie, 'a session cookie');
  const res = await fetch(`${bs.base}/admin/`, { headers: { cookie: `${SESSION_COOKIE}=${cookie}` }, redirect: 'manual' });
  assert.equal(res.status, 200, 'the session opens the newsroom');
  assert.match(await res.text(), new RegExp(`<bdi>${who}</bdi>`), `the newsroom is ${who}'s`);
  return cookie;
}

// ------------------------------------------------------------------ the log-in page and the account's e-mail

test('the log-in page offers the provider\'s button, in both newsroom languages; unconfigured, the pages are 404', async () => {
  const b = new Browser();
  const en = await b.send(`${bsA.base}/admin/login?next=/admin/media`);
  assert.equal(en.status, 200);
  assert.match(en.html, new RegExp(`<a class="button" href="/admin/login/oidc\\?next=%2Fadmin%2Fmedia">Sign in with ${LABEL}</a>`));
  const ar = await fetch(`${bsA.base}/admin/login`, { headers: { 'accept-language': 'ar' } });
  assert.match(await ar.text(), new RegExp(`<a class="button" href="/admin/login/oidc\\?next=%2Fadmin%2F">الدخول عبر ${LABEL}</a>`));
  // without a label, a generic one
  assert.match((await new Browser().send(`${bsB.base}/admin/login`)).html, /<a class="button" href="\/admin\/login\/oidc\?next=%2Fadmin%2F">Sign in with your organisation&#39;s account<\/a>/);
  // a site without a provider has neither the button nor the pages
  const plain = path.join(tempDir(), 'site');
  assert.equal(run(['init', plain]).status, 0);
  const bsPlain = await startServer(plain);
  try {
    assert.doesNotMatch(await (await fetch(`${bsPlain.base}/admin/login`)).text(), /admin\/login\/oidc/);
    assert.equal((await fetch(`${bsPlain.base}/admin/login/oidc`, { redirect: 'manual' })).status, 404);
    assert.equal((await fetch(`${bsPlain.base}/admin/login/oidc/callback?state=x&code=y`, { redirect: 'manual' })).status, 404);
  } finally {
    await bsPlain.stop();
  }
});

test('an admin sets an account\'s e-mail on the users page: stored in lower case, unique, a refusal keeps what was typed', async () => {
  const admin = await login(bsA.base, 'boss', PW);
  const id = dbExec(siteA, "SELECT id FROM users WHERE login = 'ana'").trim();
  const unaId = dbExec(siteA, "SELECT id FROM users WHERE login = 'una'").trim();
  let r = await post(bsA.base, `/admin/users/${id}/email`, admin, { email: 'not-an-address' });
  let html = await r.text();
  assert.equal(r.status, 400);
  assert.match(formError(html), /one @/);
  assert.match(html, new RegExp(`id="email-${id}" name="email" type="email" value="not-an-address"`), 'what was typed is kept in its row');
  r = await post(bsA.base, `/admin/users/${id}/email`, admin, { email: 'UNA@example.com' });
  html = await r.text();
  assert.equal(r.status, 400, 'another account\'s address, in other case');
  assert.match(formError(html), /Another account already has that e-mail address/);
  assert.match(html, new RegExp(`id="email-${id}" name="email" type="email" value="UNA@example.com"`));
  assert.match(html, new RegExp(`id="email-${unaId}" name="email" type="email" value="una@example.com"`), 'the other row keeps its own');
  r = await post(bsA.base, `/admin/users/${id}/email`, admin, { email: '  Ana@EXAMPLE.com ' });
  html = await r.text();
  assert.equal(r.status, 200);
  assert.equal(formNotice(html), 'E-mail address saved.');
  assert.match(html, new RegExp(`id="email-${id}" name="email" type="email" value="ana@example.com"`));
  assert.equal(dbExec(siteA, `SELECT email FROM users WHERE id = ${id}`).trim(), 'ana@example.com');
  assert.deepEqual(lastAudit(siteA, 'user.email'), { action: 'user.email', login: 'boss', target: `user:${id}`,
    detail: 'set to ana@example.com', address: '127.0.0.1' }, 'the change is audited');
  // the CSRF token is required; a refusal keeps the typing too
  r = await post(bsA.base, `/admin/users/${id}/email`, admin, { csrf: 'wrong', email: 'x@example.com' });
  assert.equal(r.status, 403);
  assert.match(await r.text(), new RegExp(`id="email-${id}" name="email" type="email" value="x@example.com"`));
  assert.equal(dbExec(siteA, `SELECT email FROM users WHERE id = ${id}`).trim(), 'ana@example.com');
  // the Arabic newsroom says it in Arabic
  r = await fetch(`${bsA.base}/admin/users/${id}/email`, { method: 'POST', redirect: 'manual',
    headers: { cookie: `${SESSION_COOKIE}=${admin.cookie}`, 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'ar' },
    body: new URLSearchParams({ csrf: admin.csrf, email: 'no-at-sign' }).toString() });
  assert.equal(r.status, 400);
  assert.match(formError(await r.text()), /يحتوي عنوان البريد الإلكتروني على علامة @ واحدة/);
});

// ------------------------------------------------------------------ the real provider (oidc-provider)

test('the full flow with a real provider logs the matched account in and returns to where it was going', async () => {
  dbExec(siteA, "UPDATE users SET email = 'ana@example.com' WHERE login = 'ana'");
  const usersBefore = dbExec(siteA, 'SELECT count(*) FROM users').trim();
  const b = new Browser();
  const callback = await providerCallback(b, bsA, 'ana', '/admin/media');
  const q = new URL(callback).searchParams;
  assert.ok(q.get('code') && q.get('state'), 'the provider sent a code and the state');
  const r = await b.send(callback);
  await assertSignedIn(r, bsA, 'ana', '/admin/media');
  const anaId = dbExec(siteA, "SELECT id FROM users WHERE login = 'ana'").trim();
  assert.deepEqual(lastAudit(siteA), { action: 'login.oidc.ok', login: 'ana', target: `user:${anaId}`,
    detail: 'e-mail ana@example.com (sub ana)', address: b.ip }, 'the sign-in is audited');
  assert.equal(b.jar(new URL(bsA.base).origin).has('bs_oidc'), false, 'the sign-in cookie is removed');
  assert.equal(dbExec(siteA, 'SELECT count(*) FROM users').trim(), usersBefore, 'no account was made');
  assert.equal(dbExec(siteA, 'SELECT count(*) FROM oidc_logins').trim(), '0', 'the sign-in row is taken');
});

test('a replayed callback is refused: each sign-in works once', async () => {
  dbExec(siteA, "UPDATE users SET email = 'ana@example.com' WHERE login = 'ana'");
  const b = new Browser();
  const callback = await providerCallback(b, bsA, 'ana');
  const cookie = b.jar(new URL(bsA.base).origin).get('bs_oidc');
  await assertSignedIn(await b.send(callback), bsA, 'ana');
  // the same callback again, with the same sign-in cookie put back (an attacker who copied both)
  b.jar(new URL(bsA.base).origin).set('bs_oidc', cookie);
  assertRefused(await b.send(callback), 400, /could not be matched to one started in this browser/, 'replayed callback');
  assertAuditedFailure(siteA, b, /^bad state: unknown, or used already/, 'replayed callback');
});

test('a tampered state is refused, and so is a callback in a browser that did not start the sign-in', async () => {
  dbExec(siteA, "UPDATE users SET email = 'ana@example.com' WHERE login = 'ana'");
  const b = new Browser();
  const callback = new URL(await providerCallback(b, bsA, 'ana'));
  const state = callback.searchParams.get('state');
  const tampered = new URL(callback);
  tampered.searchParams.set('state', `${state.slice(0, -1)}${state.endsWith('0') ? '1' : '0'}`);
  assertRefused(await b.send(tampered.toString()), 400, /could not be matched/, 'tampered state');
  assertAuditedFailure(siteA, b, /^bad state: not the one this browser's sign-in sent/, 'tampered state');
  // the real state, but in another browser (login CSRF: an attacker's callback sent to a victim), with
  // no sign-in of its own, or with one of its own under way (its cookie holds another state)
  const victim = new Browser();
  assertRefused(await victim.send(callback.toString()), 400, /could not be matched/, 'another browser');
  assert.equal((await victim.send(`${bsA.base}/admin/login/oidc`)).status, 303, 'the victim starts its own sign-in');
  assertRefused(await victim.send(callback.toString()), 400, /could not be matched/, 'another browser, signing in itself');
  // no state at all
  const none = new URL(callback);
  none.searchParams.delete('state');
  assertRefused(await new Browser().send(none.toString()), 400, /could not be matched/, 'no state');
});

test('an e-mail the provider has not verified is refused', async () => {
  const b = new Browser();
  const r = await b.send(await providerCallback(b, bsA, 'una'));
  assertRefused(r, 403, /has not verified your e-mail address/, 'unverified e-mail');
  assert.equal(assertAuditedFailure(siteA, b, /^unverified e-mail una@example\.com$/, 'unverified').login, 'una@example.com');
});

test('an unknown e-mail is refused and no account is made; so is a token without an e-mail, and a disabled account', async () => {
  const before = dbExec(siteA, 'SELECT count(*) FROM users').trim();
  let b = new Browser();
  assertRefused(await b.send(await providerCallback(b, bsA, 'nobody')), 403,
    /No active newsroom account has the e-mail address nobody@example\.com/, 'unknown e-mail');
  assert.equal(assertAuditedFailure(siteA, b, /^unknown e-mail nobody@example\.com$/, 'unknown').target, '');
  assert.equal(dbExec(siteA, 'SELECT count(*) FROM users').trim(), before, 'no account was made');
  assert.equal(dbExec(siteA, "SELECT count(*) FROM users WHERE email = 'nobody@example.com' OR login = 'nobody'").trim(), '0');
  b = new Browser();
  assertRefused(await b.send(await providerCallback(b, bsA, 'noemail')), 403, /did not give an e-mail address/, 'no e-mail');
  b = new Browser();
  assertRefused(await b.send(await providerCallback(b, bsA, 'dis')), 403, /No active newsroom account/, 'disabled account');
  const dis = assertAuditedFailure(siteA, b, /^disabled account for e-mail dis@example\.com$/, 'disabled');
  assert.equal(dis.login, 'dis');
  assert.equal(dis.target, `user:${dbExec(siteA, "SELECT id FROM users WHERE login = 'dis'").trim()}`);
});

test('the provider\'s error response (the person cancelled at the provider) is refused with its code', async () => {
  const b = new Browser();
  const start = await b.send(`${bsA.base}/admin/login/oidc`);
  const form = await b.follow(start.headers.location);
  const uid = /\/interaction\/([^/"]+)/.exec(form.html)?.[1];
  assert.ok(uid, 'the interaction');
  const back = await b.follow(new URL(`/interaction/${uid}/abort`, form.url).toString(), `${bsA.base}/admin/login/oidc/callback`);
  assert.match(back.stopped, /error=access_denied/);
  assertRefused(await b.send(back.stopped), 401, /did not sign you in \(it answered "access_denied"\)/, 'error response');
  assertAuditedFailure(siteA, b, /^error response from the provider: access_denied$/, 'error response');
});

test('refusals are in the newsroom\'s language', async () => {
  const r = await fetch(`${bsA.base}/admin/login/oidc/callback?state=${'0'.repeat(64)}&code=x`, { headers: { 'accept-language': 'ar' }, redirect: 'manual' });
  assert.equal(r.status, 400);
  assert.match(formError(await r.text()), /تعذّرت مطابقة عملية الدخول/);
});

// ------------------------------------------------------------------ the fake provider's bad tokens

/** A sign-in at site B with the fake provider answering with mode; returns Broadsheet's last reply. */
async function fakeSignIn(mode, b = new Browser()) {
  fake.mode = mode;
  const start = await b.send(`${bsB.base}/admin/login/oidc`);
  assert.equal(start.status, 303, `start: ${formError(start.html) ?? ''}`);
  const back = await b.follow(start.headers.location, `${bsB.base}/admin/login/oidc/callback`);
  assert.ok(back.stopped);
  return b.send(back.stopped);
}

test('good tokens from the fake provider sign in (RS256 and ES256; client_secret_post; the PKCE verifier checked)', async () => {
  fake.tokenRequests.length = 0;
  await assertSignedIn(await fakeSignIn('good-rs256'), bsB, 'fay');
  await assertSignedIn(await fakeSignIn('good-es256'), bsB, 'fay');
  const t = fake.tokenRequests.at(-1);
  assert.equal(t.client_secret, CLIENT_SECRET, 'client_secret_post, as the discovery document says');
  assert.match(t.code_verifier, /^[A-Za-z0-9_-]{43}$/);
});

test('the provider is a first factor: an account whose role requires a second factor goes on to that step, without a session', async () => {
  dbExec(siteB, "INSERT INTO settings(key, value) VALUES('mfa_required_roles', 'reporter')");
  try {
    const b = new Browser();
    const r = await fakeSignIn('good-rs256', b);
    assert.equal(r.status, 303, formError(r.html) ?? '');
    assert.match(r.headers.location, /^\/admin\/login\/enrol/, 'to the enrolment step');
    assert.equal(sessionOf(r), undefined, 'no session yet');
    assert.equal(lastAudit(siteB).action, 'login.oidc.ok', 'the provider\'s part is audited');
  } finally {
    dbExec(siteB, "DELETE FROM settings WHERE key = 'mfa_required_roles'");
  }
});

for (const [mode, what, reason] of [['bad-signature', 'a bad signature', 'bad signature'], ['bad-issuer', 'another issuer', 'wrong issuer'],
  ['bad-audience', 'another audience', 'wrong audience'], ['bad-nonce', 'another nonce', 'wrong nonce'], ['expired', 'an expired token', 'expired'],
  ['alg-none', 'alg "none"', 'malformed token'], ['hs256', 'HS256 keyed with the client secret', 'algorithm not allowed'],
  ['unknown-kid', 'an unknown key', 'unknown signing key']]) {
  test(`an ID token with ${what} is refused`, async () => {
    const b = new Browser();
    assertRefused(await fakeSignIn(mode, b), 401, /answer could not be verified/, mode);
    assertAuditedFailure(siteB, b, new RegExp(`^ID token refused: ${reason}$`), mode);
  });
}

test('an error from the token endpoint is refused with its code; an unreachable one says so', async () => {
  const e = new Browser();
  assertRefused(await fakeSignIn('error', e), 401, /it answered "invalid_grant"/, 'token error');
  assertAuditedFailure(siteB, e, /^error response from the provider: the token endpoint answered HTTP 400: invalid_grant$/, 'token error');
  // the token endpoint gone (the discovery document is cached): the provider is unreachable
  const b = new Browser();
  fake.mode = 'good-rs256';
  const start = await b.send(`${bsB.base}/admin/login/oidc`);
  const back = await b.follow(start.headers.location, `${bsB.base}/admin/login/oidc/callback`);
  fake.server.closeAllConnections();
  await new Promise((resolve) => fake.server.close(resolve));
  try {
    assertRefused(await b.send(back.stopped), 502, /could not be reached/, 'unreachable token endpoint');
    assertAuditedFailure(siteB, b, /^provider unreachable: .*\/fake\/token/, 'unreachable token endpoint');
  } finally {
    await new Promise((resolve) => fake.server.listen(new URL(fake.issuer).port, '127.0.0.1', resolve));
  }
});

test('a callback waiting on the provider does not hold up readers (it runs on a writer thread)', async () => {
  const b = new Browser();
  fake.mode = 'good-rs256';
  const start = await b.send(`${bsB.base}/admin/login/oidc`);
  const back = await b.follow(start.headers.location, `${bsB.base}/admin/login/oidc/callback`);
  let arrived, release;
  const tokenAsked = new Promise((resolve) => { arrived = resolve; });
  const released = new Promise((resolve) => { release = resolve; });
  fake.hold = { arrived, released };
  const order = [];
  const callback = b.send(back.stopped).then((r) => { order.push('signed in'); return r; });
  await tokenAsked; // Broadsheet waits on the token endpoint now
  // a safety net: without writer threads the reader below would wait for this (then the order is wrong)
  const timer = setTimeout(() => { order.push('released by the timer'); release(); }, 5000);
  const reader = await fetch(`${bsB.base}/healthz`);
  order.push(`reader ${reader.status}`);
  clearTimeout(timer);
  release();
  await assertSignedIn(await callback, bsB, 'fay');
  assert.deepEqual(order, ['reader 200', 'signed in'], 'the reader was answered while the sign-in waited on the provider');
});

// ------------------------------------------------------------------ the unreachable provider and the throttle

test('an unreachable provider is refused on the log-in page; failures are throttled like password failures', async () => {
  const b = new Browser();
  for (let i = 1; i <= 3; i++) {
    const r = await b.send(`${bsC.base}/admin/login/oidc?next=/admin/media`);
    assertRefused(r, 502, /identity provider could not be reached/, `attempt ${i}`);
    assertAuditedFailure(siteC, b, /^provider unreachable: http:\/\/127\.0\.0\.1:\d+\/\.well-known\/openid-configuration: /, `attempt ${i}`);
    assert.equal(fieldValue(r.html, 'next'), '/admin/media', 'where it was going is kept');
  }
  const r = await b.send(`${bsC.base}/admin/login/oidc`);
  assertRefused(r, 429, /Too many failed log-ins/, 'throttled');
  assert.ok(Number(r.headers['retry-after']) > 0, 'Retry-After');
  assertAuditedFailure(siteC, b, /^throttled$/, 'the throttled attempt');
  const cb = await b.send(`${bsC.base}/admin/login/oidc/callback?state=${'0'.repeat(64)}&code=x`);
  assertRefused(cb, 429, /Too many failed log-ins/, 'the callback is throttled too');
  // another address is not
  assertRefused(await new Browser().send(`${bsC.base}/admin/login/oidc`), 502, /could not be reached/, 'another address');
  // and the same address still logs in with a password (the pair's count is the provider's, not cat's)
  const form = await b.send(`${bsC.base}/admin/login`);
  const pw = await b.send(`${bsC.base}/admin/login`, { form: { token: fieldValue(form.html, 'token'), next: '/admin/', login: 'cat', password: PW } });
  await assertSignedIn(pw, bsC, 'cat');
});
