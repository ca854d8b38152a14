// Issue 20: passkeys (WebAuthn) over HTTP, with the test itself as the authenticator (node:crypto: a P-256
// key, CBOR attestation "none", authenticatorData, ES256 signatures). An editor adds a passkey on
// /admin/account/passkeys (the options only after the password) and logs in with it on its own from the log-in
// page; a replayed, tampered (signature, authenticatorData, clientDataJSON), other-origin, other-site
// (rpIdHash), unverified, cloned (counter) or unknown assertion is refused with a clear message (in Arabic
// too), throttled like password failures and written to the audit log; renamed; removed with the password,
// after which it no longer logs in. Runs on SQLite or PostgreSQL (BROADSHEET_TEST_DB).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { demoSite, startServer, configure, dbExec, unescapeHtml } from '../lib/server.mjs';
import { addUser, login, loginPost, request, post, loginForm, sessionCookieOf, formError, formNotice, fieldValue, PRELOGIN_COOKIE }
  from '../lib/newsroom.mjs';

const PASSWORD = 'a-long-password';

// ---- a software authenticator ----

const b64u = (buf) => Buffer.from(buf).toString('base64url');
const unb64u = (s) => Buffer.from(s, 'base64url');
const sha256 = (data) => crypto.createHash('sha256').update(data).digest();

/** Minimal CBOR encoding of what an authenticator sends. */
const cbor = {
  head(major, n) {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
    if (n < 0x10000) return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff]);
    throw new Error('too long for this encoder');
  },
  int: (v) => (v >= 0 ? cbor.head(0, v) : cbor.head(1, -1 - v)),
  bytes: (b) => Buffer.concat([cbor.head(2, b.length), b]),
  text: (s) => Buffer.concat([cbor.head(3, Buffer.byteLength(s)), Buffer.from(s)]),
  map: (pairs) => Buffer.concat([cbor.head(5, pairs.length), ...pairs.flat()]),
};

const UP = 0x01, UV = 0x04, AT = 0x40;

/** authenticatorData: rpIdHash, flags, counter, and (registration) the attested credential. */
function authData(rpId, flags, count, cred) {
  const head = Buffer.alloc(37);
  sha256(rpId).copy(head, 0);
  head[32] = flags | (cred ? AT : 0);
  head.writeUInt32BE(count, 33);
  if (!cred) return head;
  const len = Buffer.from([cred.id.length >> 8, cred.id.length & 0xff]);
  return Buffer.concat([head, Buffer.alloc(16), len, cred.id, cred.cose]);
}

/** An authenticator holding discoverable ES256 credentials, as a platform authenticator would. */
class Authenticator {
  constructor() { this.creds = []; }

  /** navigator.credentials.create(): a new credential for the options, as passkeys.js sends it. */
  create(options, origin, { uv = true } = {}) {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = cbor.map([[cbor.int(1), cbor.int(2)], [cbor.int(3), cbor.int(-7)], [cbor.int(-1), cbor.int(1)],
      [cbor.int(-2), cbor.bytes(unb64u(jwk.x))], [cbor.int(-3), cbor.bytes(unb64u(jwk.y))]]);
    const cred = { id: crypto.randomBytes(16), cose, privateKey, rpId: options.rp.id, userHandle: options.user.id, count: 0 };
    this.creds.push(cred);
    const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin,
      crossOrigin: false }));
    const att = cbor.map([[cbor.text('fmt'), cbor.text('none')], [cbor.text('attStmt'), cbor.map([])],
      [cbor.text('authData'), cbor.bytes(authData(options.rp.id, UP | (uv ? UV : 0), 0, cred))]]);
    return { cred, json: { id: b64u(cred.id), rawId: b64u(cred.id), type: 'public-key',
      response: { clientDataJSON: b64u(clientData), attestationObject: b64u(att) } } };
  }

  /**
   * navigator.credentials.get(): an assertion by cred for the options. `change` alters what is signed or
   * sent: origin, rpId, flags, count (else the next), challenge, and after signing tamperSig,
   * tamperAuthData, tamperClientData.
   */
  get(cred, options, origin, change = {}) {
    const count = change.count ?? ++cred.count;
    const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: change.challenge ?? options.challenge,
      origin: change.origin ?? origin, crossOrigin: false }));
    const ad = authData(change.rpId ?? cred.rpId, change.flags ?? (UP | UV), count);
    const sig = crypto.sign('sha256', Buffer.concat([ad, sha256(clientData)]), cred.privateKey);
    if (change.tamperSig) sig[sig.length - 1] ^= 1;
    if (change.tamperAuthData) ad[36] ^= 0x80;
    const cd = change.tamperClientData ? Buffer.from(clientData.toString().replace('}', ',"extra":1}')) : clientData;
    return { id: b64u(change.credId ?? cred.id), rawId: b64u(cred.id), type: 'public-key',
      response: { clientDataJSON: b64u(cd), authenticatorData: b64u(ad), signature: b64u(sig), userHandle: cred.userHandle } };
  }
}

// ---- the site ----

let srv, site, editor;
const auth = new Authenticator();

before(async () => {
  site = demoSite(0);
  configure(site, { login_max_failures: 100 }); // the throttle has its own test and site below
  editor = addUser(site, 'keeper', 'editor', PASSWORD);
  srv = await startServer(site);
});
after(async () => { await srv?.stop(); });

/** POSTs JSON with the X-CSRF-Token header (and the session or pre-session cookies); returns {status, body, res}. */
async function postJSON(path, body, { session, token, cookies = [], headers = {} } = {}) {
  const r = await fetch(srv.base + path, { method: 'POST', redirect: 'manual', body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(token ? { 'x-csrf-token': token } : {}), ...headers,
      cookie: [...(session ? [`bs_session=${session.cookie}`] : []), ...cookies].join('; ') } });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { json = null; }
  return { status: r.status, body: json, text, res: r };
}

/** Adds a passkey named name to session's account; returns the authenticator's credential. */
async function addPasskey(session, name, { uv = true } = {}) {
  const opts = await postJSON('/admin/account/passkeys/options', { password: PASSWORD }, { session, token: session.csrf });
  assert.equal(opts.status, 200, opts.text);
  const { cred, json } = auth.create(opts.body.publicKey, srv.base, { uv });
  const r = await postJSON('/admin/account/passkeys/add', { name, credential: json }, { session, token: session.csrf });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.next, '/admin/account/passkeys?notice=added');
  return cred;
}

/** A passkey log-in's options from a fresh log-in page: {options, token, cookies}. */
async function loginOptions(headers = {}) {
  const { token, prelogin } = await loginForm(srv.base);
  const cookies = [`${PRELOGIN_COOKIE}=${prelogin}`];
  const r = await postJSON('/admin/login/passkey/options', {}, { token, cookies, headers });
  assert.equal(r.status, 200, r.text);
  return { options: r.body.publicKey, token, cookies };
}

/** Logs in with an assertion made by makeAssertion(options); returns the reply. */
async function passkeyLogin(makeAssertion, { headers = {}, next = '/admin/account/passkeys' } = {}) {
  const { options, token, cookies } = await loginOptions(headers);
  const credential = makeAssertion(options);
  const r = await postJSON('/admin/login/passkey', { credential, next }, { token, cookies, headers });
  return { ...r, credential, token, cookies };
}

/** The audit log's actions and how often each was written. */
function auditCounts() {
  const out = {};
  for (const line of dbExec(site, "SELECT action, count(*) FROM audit_log WHERE action LIKE '%passkey%' GROUP BY action").trim().split('\n')) {
    if (!line) continue;
    const [action, n] = line.split('\t');
    out[action] = Number(n);
  }
  return out;
}

let cred; // the editor's passkey

test('the passkeys page lists nothing at first and explains what it needs', async () => {
  const session = await login(srv.base, editor.login, PASSWORD);
  const r = await request(srv.base, '/admin/account/passkeys', { session });
  assert.equal(r.status, 200);
  const html = await r.text();
  assert.match(html, /You have no passkeys yet\./);
  assert.match(html, /<noscript><p>Adding a passkey needs JavaScript/);
  assert.match(html, /class="passkey-unsupported" hidden/);
  assert.match(html, /<script src="\/static\/passkeys\.js[^"]*" defer>/);
  // without a session: to the log-in page
  const anon = await request(srv.base, '/admin/account/passkeys');
  assert.equal(anon.status, 303);
});

test('adding a passkey: options only after the password; the answer is checked and stored', async () => {
  const session = await login(srv.base, editor.login, PASSWORD);
  // no CSRF token, a wrong password, no password: refused
  const noCsrf = await postJSON('/admin/account/passkeys/options', { password: PASSWORD }, { session });
  assert.equal(noCsrf.status, 403);
  const wrong = await postJSON('/admin/account/passkeys/options', { password: 'not-the-password' }, { session, token: session.csrf });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.error, 'That is not your password.');
  const none = await postJSON('/admin/account/passkeys/options', {}, { session, token: session.csrf });
  assert.equal(none.status, 400);
  const opts = await postJSON('/admin/account/passkeys/options', { password: PASSWORD }, { session, token: session.csrf });
  assert.equal(opts.status, 200);
  const pk = opts.body.publicKey;
  assert.equal(pk.rp.id, '127.0.0.1');
  assert.equal(pk.user.name, 'keeper');
  assert.equal(pk.attestation, 'none');
  assert.deepEqual(pk.authenticatorSelection, { residentKey: 'required', requireResidentKey: true, userVerification: 'required' });
  assert.deepEqual(pk.pubKeyCredParams.map((p) => p.alg), [-7, -8, -257]);
  assert.equal(unb64u(pk.challenge).length, 32);
  assert.deepEqual(pk.excludeCredentials, []);
  // an answer for another origin, or without user verification, is refused (and its challenge is spent)
  const other = auth.create(pk, 'https://evil.example');
  let r = await postJSON('/admin/account/passkeys/add', { name: 'Evil', credential: other.json }, { session, token: session.csrf });
  assert.equal(r.status, 400);
  assert.match(r.body.error, /made for another site/);
  r = await postJSON('/admin/account/passkeys/add', { name: 'Again', credential: auth.create(pk, srv.base).json }, { session, token: session.csrf });
  assert.equal(r.status, 400);
  assert.match(r.body.error, /out of date or was used already/);
  const opts2 = await postJSON('/admin/account/passkeys/options', { password: PASSWORD }, { session, token: session.csrf });
  r = await postJSON('/admin/account/passkeys/add', { name: 'No UV', credential: auth.create(opts2.body.publicKey, srv.base, { uv: false }).json },
    { session, token: session.csrf });
  assert.equal(r.status, 400);
  assert.match(r.body.error, /did not verify you/);
  // a name is required
  const opts3 = await postJSON('/admin/account/passkeys/options', { password: PASSWORD }, { session, token: session.csrf });
  r = await postJSON('/admin/account/passkeys/add', { name: '  ', credential: auth.create(opts3.body.publicKey, srv.base).json },
    { session, token: session.csrf });
  assert.equal(r.status, 400);
  assert.match(r.body.error, /Give the passkey a name/);
  // the genuine one
  cred = await addPasskey(session, 'Office laptop');
  const page = await request(srv.base, '/admin/account/passkeys?notice=added', { session });
  const html = await page.text();
  assert.match(html, /<bdi>Office laptop<\/bdi>/);
  assert.match(html, /Not used to log in yet/);
  assert.match(formNotice(html), /The passkey was added/);
  // the next options exclude it
  const opts4 = await postJSON('/admin/account/passkeys/options', { password: PASSWORD }, { session, token: session.csrf });
  assert.deepEqual(opts4.body.publicKey.excludeCredentials, [{ type: 'public-key', id: b64u(cred.id) }]);
  assert.equal(dbExec(site, "SELECT count(*) FROM passkeys").trim(), '1');
  assert.equal(auditCounts()['passkey.added'], 1);
});

test('log-in with a passkey on its own: a session, the counter kept; the same answer again is refused', async () => {
  const r = await passkeyLogin((o) => {
    assert.equal(o.rpId, '127.0.0.1');
    assert.equal(o.userVerification, 'required');
    assert.deepEqual(o.allowCredentials, []); // discoverable: the authenticator picks
    return auth.get(cred, o, srv.base);
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.next, '/admin/account/passkeys');
  const cookie = sessionCookieOf(r.res);
  assert.ok(cookie, 'the passkey log-in sets the session cookie');
  const page = await request(srv.base, '/admin/account/passkeys', { cookie });
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<span class="who"><bdi>keeper<\/bdi>/);
  assert.doesNotMatch(html, /Not used to log in yet/);
  assert.equal(dbExec(site, 'SELECT sign_count FROM passkeys').trim(), String(cred.count));
  // a next outside the newsroom is not followed
  const away = await passkeyLogin((o) => auth.get(cred, o, srv.base), { next: 'https://evil.example/' });
  assert.equal(away.body.next, '/admin/');
  // replayed: the same answer with the same log-in page's cookie and token
  const replay = await postJSON('/admin/login/passkey', { credential: r.credential, next: '/admin/' },
    { token: r.token, cookies: r.cookies });
  assert.equal(replay.status, 401);
  assert.match(replay.body.error, /out of date or was used already/);
  assert.equal(sessionCookieOf(replay.res), undefined);
  assert.ok(auditCounts()['login.passkey.ok'] >= 2);
});

/** A refused passkey log-in: status 401 (unless given), no session, the error matching re. */
async function refused(makeAssertion, re, status = 401, opts) {
  const before = auditCounts()['login.passkey.failed'] ?? 0;
  const r = await passkeyLogin(makeAssertion, opts);
  assert.equal(r.status, status, r.text);
  assert.match(r.body.error, re);
  assert.equal(sessionCookieOf(r.res), undefined, 'no session');
  assert.equal(auditCounts()['login.passkey.failed'], before + 1, 'written to the audit log');
  return r;
}

test('tampered, other-origin, other-site, unverified, cloned and unknown assertions are refused', async () => {
  await refused((o) => auth.get(cred, o, srv.base, { tamperSig: true }), /signature is not valid/);
  await refused((o) => auth.get(cred, o, srv.base, { tamperAuthData: true }), /signature is not valid/);
  await refused((o) => auth.get(cred, o, srv.base, { tamperClientData: true }), /signature is not valid/);
  await refused((o) => auth.get(cred, o, srv.base, { origin: 'https://evil.example' }), /made for another site/);
  await refused((o) => auth.get(cred, o, srv.base, { rpId: 'evil.example' }), /belongs to another site/);
  await refused((o) => auth.get(cred, o, srv.base, { flags: UP }), /did not verify you/);
  await refused((o) => auth.get(cred, o, srv.base, { challenge: b64u(crypto.randomBytes(32)) }), /out of date or was used already/);
  await refused((o) => auth.get(cred, o, srv.base, { count: 1 }), /counter went backwards/);
  await refused((o) => auth.get(cred, o, srv.base, { credId: crypto.randomBytes(16) }), /not registered/);
  await refused(() => ({ id: 'x', type: 'public-key', response: {} }), /malformed/, 400);
  // the genuine one still works after all that (the failures were counted, but under the limit)
  const ok = await passkeyLogin((o) => auth.get(cred, o, srv.base));
  assert.equal(ok.status, 200, ok.text);
});

test('refusals speak the newsroom language the browser asks for', async () => {
  const r = await refused((o) => auth.get(cred, o, srv.base, { origin: 'https://evil.example' }),
    /صُنع ردّ مفتاح المرور هذا لموقع آخر/, 401, { headers: { 'accept-language': 'ar' } });
  assert.ok(r.body.error);
});

test('a passkey log-in must come from this site\'s own log-in page', async () => {
  const { token, prelogin } = await loginForm(srv.base);
  // no token, no pre-session cookie, another origin: 403
  let r = await postJSON('/admin/login/passkey/options', {}, { cookies: [`${PRELOGIN_COOKIE}=${prelogin}`] });
  assert.equal(r.status, 403);
  r = await postJSON('/admin/login/passkey/options', {}, { token });
  assert.equal(r.status, 403);
  r = await postJSON('/admin/login/passkey/options', {}, { token, cookies: [`${PRELOGIN_COOKIE}=${prelogin}`],
    headers: { origin: 'https://evil.example' } });
  assert.equal(r.status, 403);
  // a challenge issued to one browser (pre-session cookie) does not serve another
  const { options } = await loginOptions();
  const other = await loginForm(srv.base);
  r = await postJSON('/admin/login/passkey', { credential: auth.get(cred, options, srv.base) },
    { token: other.token, cookies: [`${PRELOGIN_COOKIE}=${other.prelogin}`] });
  assert.equal(r.status, 401);
  assert.match(r.body.error, /out of date or was used already/);
});

/** Logs loginName in with the password and then, at the second-factor step an account with a passkey is
 * sent to, with the passkey's answer made by makeAssertion(options); returns the final reply and the page. */
async function passwordThenPasskey(loginName, makeAssertion) {
  const { token, prelogin } = await loginForm(srv.base);
  const first = await loginPost(srv.base, loginName, PASSWORD, { token, prelogin, next: '/admin/account/passkeys' });
  assert.equal(first.status, 303);
  assert.equal(first.headers.get('location'), '/admin/login/second-factor', 'a passkey is a second factor');
  assert.ok(!sessionCookieOf(first), 'no session after the password alone');
  const mfa = first.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('bs_mfa='));
  assert.ok(mfa, 'the waiting log-in cookie');
  const cookies = [`${PRELOGIN_COOKIE}=${prelogin}`, mfa];
  const page = await request(srv.base, '/admin/login/second-factor', { cookies });
  assert.equal(page.status, 200);
  const html = await page.text();
  const attr = /data-passkey-options="([^"]*)"/.exec(html);
  assert.ok(attr, 'the second-factor page offers the passkey');
  const options = JSON.parse(unescapeHtml(attr[1])).publicKey;
  const credential = makeAssertion(options);
  const r = await request(srv.base, '/admin/login/second-factor',
    { cookies, form: { token: fieldValue(html, 'token'), passkey_assertion: JSON.stringify(credential) } });
  return { r, html: r.status === 303 ? '' : await r.text() };
}

test('after the password, an account with a passkey answers with it as its second factor; a bad answer is refused', async () => {
  const bad = await passwordThenPasskey(editor.login, (o) => auth.get(cred, o, srv.base, { tamperSig: true }));
  assert.equal(bad.r.status, 401);
  assert.equal(formError(bad.html), 'Your passkey was not accepted. Try it again, or enter a code.');
  assert.ok(!sessionCookieOf(bad.r));
  const good = await passwordThenPasskey(editor.login, (o) => auth.get(cred, o, srv.base));
  assert.equal(good.r.status, 303);
  assert.equal(good.r.headers.get('location'), '/admin/account/passkeys');
  assert.ok(sessionCookieOf(good.r), 'the session starts');
  const entries = dbExec(site, "SELECT action || ' ' || detail FROM audit_log WHERE action LIKE 'login.second_factor.%' ORDER BY id").trim().split('\n');
  assert.deepEqual(entries.slice(-2), ['login.second_factor.failed passkey refused', 'login.second_factor.ok passkey']);
});

/** A session for loginName, whose account has a passkey: the password, then the passkey. */
async function loginWithPasskey(loginName) {
  const { r } = await passwordThenPasskey(loginName, (o) => auth.get(cred, o, srv.base));
  assert.equal(r.status, 303);
  const cookie = sessionCookieOf(r);
  const dash = await request(srv.base, '/admin/', { cookie });
  return { cookie, csrf: fieldValue(await dash.text(), 'csrf'), login: loginName };
}

test('rename keeps the name typed when it is refused; remove needs the password, then the passkey no longer logs in', async () => {
  const session = await loginWithPasskey(editor.login);
  const id = dbExec(site, 'SELECT id FROM passkeys').trim();
  let r = await post(srv.base, `/admin/account/passkeys/${id}/rename`, session, { name: '' });
  assert.equal(r.status, 400);
  assert.match(formError(await r.text()), /Give the passkey a name/);
  r = await post(srv.base, `/admin/account/passkeys/${id}/rename`, session, { name: 'x'.repeat(61) });
  assert.equal(r.status, 400);
  const html = await r.text();
  assert.equal(fieldValue(html, 'name'), 'x'.repeat(61));
  assert.match(html, /aria-invalid="true"/);
  r = await post(srv.base, `/admin/account/passkeys/${id}/rename`, session, { name: 'حاسوب المكتب' });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/admin/account/passkeys?notice=renamed');
  assert.equal(dbExec(site, 'SELECT name FROM passkeys').trim(), 'حاسوب المكتب');
  // another account cannot touch it
  const other = addUser(site, 'other-one', 'reporter', PASSWORD);
  const otherSession = await login(srv.base, other.login, PASSWORD);
  r = await post(srv.base, `/admin/account/passkeys/${id}/rename`, otherSession, { name: 'Mine' });
  assert.equal(r.status, 404);
  r = await post(srv.base, `/admin/account/passkeys/${id}/remove`, otherSession, { password: PASSWORD });
  assert.equal(r.status, 404);
  // remove: the password first
  r = await post(srv.base, `/admin/account/passkeys/${id}/remove`, session, { password: 'wrong-password' });
  assert.equal(r.status, 401);
  assert.equal(formError(await r.text()), 'That is not your password.');
  r = await post(srv.base, `/admin/account/passkeys/${id}/remove`, session, { password: PASSWORD });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/admin/account/passkeys?notice=removed');
  assert.equal(dbExec(site, 'SELECT count(*) FROM passkeys').trim(), '0');
  await refused((o) => auth.get(cred, o, srv.base), /not registered/);
  const counts = auditCounts();
  assert.equal(counts['passkey.removed'], 1);
  assert.equal(counts['passkey.renamed'], 1);
  assert.ok(counts['login.passkey.failed'] >= 10);
});

test('passkey failures are throttled like password failures', async () => {
  const tsite = demoSite(0);
  configure(tsite, { login_max_failures: 2 });
  const u = addUser(tsite, 'thrott', 'editor', PASSWORD);
  const tsrv = await startServer(tsite);
  const saved = srv;
  srv = tsrv;
  try {
    const session = await login(srv.base, u.login, PASSWORD);
    const c = await addPasskey(session, 'Key');
    for (let i = 0; i < 2; i++) await refusedIn(tsite, (o) => auth.get(c, o, srv.base, { tamperSig: true }), /signature is not valid/, 401);
    // the genuine passkey is now refused too, from this address, until the window passes
    const r = await passkeyLogin((o) => auth.get(c, o, srv.base));
    assert.equal(r.status, 429);
    assert.match(r.body.error, /Too many failed log-ins/);
    assert.ok(Number(r.res.headers.get('retry-after')) >= 1);
    // and so is the account's password from this address (one throttle for both)
    const pw = await loginPost(srv.base, u.login, PASSWORD);
    assert.equal(pw.status, 429);
  } finally {
    srv = saved;
    await tsrv.stop();
  }
});

/** refused() for another site's audit log. */
async function refusedIn(dir, makeAssertion, re, status) {
  const r = await passkeyLogin(makeAssertion);
  assert.equal(r.status, status, r.text);
  assert.match(r.body.error, re);
  const n = dbExec(dir, "SELECT count(*) FROM audit_log WHERE action = 'login.passkey.failed'").trim();
  assert.ok(Number(n) >= 1);
}
