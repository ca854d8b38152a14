// Attacks on the newsroom log-in that newsroom.test.mjs does not already cover (it has: a new session id
// at every log-in, a planted cookie never adopted, log-out ending the session on the server, the
// per-account limit): credential stuffing across many accounts from one address is throttled by the
// per-address limit while other addresses still log in; the throttle survives a restart; unknown and
// real accounts get the same answer; sessions are stored only as hashes; a stolen session
// cookie stops working at log-out even from another client; there is no password-reset flow to attack.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { demoSite, startServer, configure, dbExec } from '../lib/server.mjs';
import { addUser, fieldValue, formError, login, post, request, PRELOGIN_COOKIE, SESSION_COOKIE } from '../lib/newsroom.mjs';

const PW = 'a-long-password';
let dir, srv;

before(async () => {
  dir = demoSite(0);
  // per account: 3 failures a minute; per address: 4 x 3 = 12
  configure(dir, { login_max_failures: 3, login_window: 60 });
  for (const name of ['alice', 'bob', 'carol', 'dave', 'erin']) addUser(dir, name, 'reporter');
  srv = await startServer(dir);
});
after(async () => { await srv?.stop(); });

/** A log-in POST from a chosen loopback address; resolves {status, retryAfter, html, cookie}. */
function loginFrom(localAddress, loginName, password) {
  return new Promise((resolve, reject) => {
    const get = http.get({ host: '127.0.0.1', port: srv.port, path: '/admin/login', localAddress, agent: false }, (res) => {
      let html = '';
      res.on('data', (d) => { html += d; });
      res.on('end', () => {
        const body = new URLSearchParams({ login: loginName, password, token: fieldValue(html, 'token'), next: '/admin/' }).toString();
        // the form's token is bound to the pre-session cookie it came with (log-in CSRF): send it back
        const pre = [].concat(res.headers['set-cookie'] ?? []).map((s) => new RegExp(`^${PRELOGIN_COOKIE}=[^;]+`).exec(s)).find(Boolean);
        const r = http.request({ host: '127.0.0.1', port: srv.port, path: '/admin/login', method: 'POST', localAddress, agent: false,
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body),
            ...(pre ? { cookie: pre[0] } : {}) } }, (res2) => {
          let out = '';
          res2.on('data', (d) => { out += d; });
          res2.on('end', () => {
            const c = [].concat(res2.headers['set-cookie'] ?? []).map((s) => new RegExp(`^${SESSION_COOKIE}=([^;]+)`).exec(s)).find(Boolean);
            resolve({ status: res2.statusCode, retryAfter: res2.headers['retry-after'], html: out, cookie: c?.[1] });
          });
        });
        r.on('error', reject);
        r.end(body);
      });
    });
    get.on('error', reject);
  });
}

/** Runs one SQL statement on the site's store (sqlite3 or psql); returns stdout, trimmed. */
function sql(query) {
  return dbExec(dir, query).trim();
}

test('unknown and real accounts get the same refusal (no account enumeration)', async () => {
  const real = await loginFrom('127.0.0.5', 'alice', 'wrong-password-1');
  const unknown = await loginFrom('127.0.0.5', 'nobody-here', 'wrong-password-1');
  assert.equal(real.status, 401);
  assert.equal(unknown.status, 401);
  assert.equal(formError(real.html), formError(unknown.html));
  assert.equal(formError(real.html), 'That login and password do not match an active account.');
});

test('credential stuffing: many accounts from one address are throttled there (429), other addresses still log in', async () => {
  const attacker = '127.0.0.3';
  const accounts = ['bob', 'carol', 'dave', 'erin', 'admin', 'root', 'editor', 'test', 'info', 'news', 'web', 'sales'];
  const statuses = [];
  // 12 logins, each tried at most twice: under the per-account limit (3), so only the per-address one can stop it
  for (const a of accounts) {
    for (const pw of ['123456', 'password']) statuses.push((await loginFrom(attacker, a, pw)).status);
  }
  const first429 = statuses.indexOf(429);
  assert.equal(first429, 12, `the 13th failure from one address is throttled (statuses ${statuses.join(' ')})`);
  assert.ok(statuses.slice(12).every((s) => s === 429), 'and every later attempt');
  // even the right password of a real account is refused from the throttled address
  const right = await loginFrom(attacker, 'alice', PW);
  assert.equal(right.status, 429);
  assert.equal(right.cookie, undefined);
  assert.ok(Number(right.retryAfter) > 0 && Number(right.retryAfter) <= 60, `Retry-After ${right.retryAfter}`);
  assert.match(formError(right.html), /Too many failed log-ins/);
  // the accounts themselves were not locked for their owners elsewhere (each saw 2 failures, limit 3)
  const owner = await loginFrom('127.0.0.4', 'bob', PW);
  assert.equal(owner.status, 303, 'bob logs in from his own address');
  assert.ok(owner.cookie);
});

test('the throttle is kept in the database: it survives a restart', async () => {
  await srv.stop();
  srv = await startServer(dir);
  assert.equal((await loginFrom('127.0.0.3', 'carol', PW)).status, 429);
  assert.equal((await loginFrom('127.0.0.6', 'carol', PW)).status, 303);
});

test('sessions are stored only as hashes: a copy of the database logs nobody in (API keys: api-admin.test.mjs)', async () => {
  const s = await login(srv.base, 'dave', PW);
  const stored = sql('SELECT token_hash FROM sessions');
  assert.ok(stored.length > 0);
  assert.ok(!stored.includes(s.cookie), 'the cookie value is not in the sessions table');
  // replaying a stored hash as a cookie does not work
  for (const h of stored.split('\n')) assert.equal((await request(srv.base, '/admin/', { cookie: h })).status, 303);
});

test('a stolen session cookie, used from another client, dies when its owner logs out', async () => {
  const owner = await login(srv.base, 'erin', PW);
  // the thief replays the cookie from another address
  const thief = () => new Promise((resolve) => {
    http.get({ host: '127.0.0.1', port: srv.port, path: '/admin/', localAddress: '127.0.0.7', agent: false,
      headers: { cookie: `${SESSION_COOKIE}=${owner.cookie}` } }, (res) => { res.resume(); resolve(res.statusCode); });
  });
  assert.equal(await thief(), 200, 'a session cookie is a bearer token while it lives');
  assert.equal((await post(srv.base, '/admin/logout', owner)).status, 303);
  assert.equal(await thief(), 303, 'after log-out the copy is refused (sent to the log-in page)');
  assert.equal(sql(`SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.login = 'erin'`), '0');
});

test('there is no password-reset flow to attack: no such pages', async () => {
  for (const p of ['/admin/reset', '/admin/forgot', '/admin/password-reset', '/admin/login/reset']) {
    const r = await request(srv.base, p);
    assert.ok([303, 404].includes(r.status), `${p}: ${r.status}`);
    if (r.status === 303) assert.match(r.headers.get('location'), /^\/admin\/login\?next=/, 'only the log-in page');
  }
  const form = await (await request(srv.base, '/admin/login')).text();
  assert.doesNotMatch(form, /forgot|reset/i, 'the log-in form offers no reset link');
});
