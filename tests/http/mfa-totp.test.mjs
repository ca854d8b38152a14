// Issue 20: two-factor log-in with TOTP, over HTTP, on the engine BROADSHEET_TEST_DB names. Codes are made by
// Debian's oathtool (`oathtool --totp -b SECRET --now @T`) from the secret the enrolment page shows for
// typing by hand. Enrolment from the account page (QR code, first code, ten recovery codes shown once); the
// log-in's second step (a right code logs in; the same code again, a wrong one and one two steps away are
// refused; one step either side is accepted); recovery codes work once and are replaced; the per-role
// requirement walks an editor through enrolment before the newsroom opens; wrong codes are throttled as
// failed log-ins; the waiting log-in's cookie opens nothing else and ends when the log-in completes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { demoSite, startServer, configure, dbExec, unescapeHtml } from '../lib/server.mjs';
import { addUser, fieldValue, formError, formNotice, SESSION_COOKIE } from '../lib/newsroom.mjs';
import { sendFrom } from '../lib/client.mjs';

const PW = 'a-long-password';
const MAX = 4; // login_max_failures: per (account, address) pair
const MFA_COOKIE = 'bs_mfa';
let dir, srv;

before(async () => {
  dir = demoSite(0);
  configure(dir, { login_max_failures: MAX, login_window: 600 });
  for (const [name, role] of [['enroller', 'reporter'], ['bea', 'reporter'], ['cal', 'reporter'], ['dee', 'reporter'],
    ['eve', 'moderator'], ['fay', 'editor'], ['gus', 'reporter'], ['hal', 'reporter'], ['ivy', 'reporter'],
    ['jo', 'reporter'], ['boss', 'admin']]) addUser(dir, name, role, PW);
  srv = await startServer(dir);
});
after(async () => { await srv?.stop(); });

/** One browser: a loopback source address of its own (so throttling by address stays per test) and a cookie
 * jar. Requests never follow redirects; they resolve {status, headers, html}. */
class Client {
  constructor(ip) { this.ip = ip; this.jar = new Map(); }

  send(path, { form, headers = {}, jar = true } = {}) {
    return sendFrom(this.ip, `http://127.0.0.1:${srv.port}${path}`, { form, headers, jar: this.jar, sendCookies: jar });
  }

  /** The password step: the log-in form, then its POST. */
  async password(login, password = PW, next = '/admin/') {
    const f = await this.send('/admin/login');
    return this.send('/admin/login', { form: { token: fieldValue(f.html, 'token'), login, password, next } });
  }

  /** A POST of the second-factor form (its token read from the page first, unless given). */
  async factor(fields, token) {
    if (token === undefined) {
      const p = await this.send('/admin/login/second-factor');
      assert.equal(p.status, 200, `the second-factor page: ${p.status}`);
      token = fieldValue(p.html, 'token');
    }
    return this.send('/admin/login/second-factor', { form: { token, ...fields } });
  }

  /** The session's CSRF token, read from the account page. */
  async csrf() {
    const r = await this.send('/admin/account');
    assert.equal(r.status, 200, `the account page: ${r.status}`);
    return fieldValue(r.html, 'csrf');
  }
}

let nextIp = 10;
/** A client on an address no other test uses. */
function client() { return new Client(`127.0.0.${nextIp++}`); }

/** The code oathtool gives for secret (base32) at unix time t. */
function oath(secret, t) {
  return execFileSync('oathtool', ['--totp', '-b', secret, '--now', `@${t}`], { encoding: 'utf8' }).trim();
}

const now = () => Math.floor(Date.now() / 1000);

/** The audit log's second-factor entries (mfa.*, login.second_factor.*; or those of `actions`, a LIKE
 * pattern) for login, oldest first, as "action detail" lines (detail left out when empty), with the address
 * and target of each. */
function auditOf(login, actions) {
  const which = actions ? `action LIKE '${actions}'` : "(action LIKE 'mfa.%' OR action LIKE 'login.second\\_factor.%' ESCAPE '\\')";
  const rows = dbExec(dir, `SELECT action, detail, address, target FROM audit_log WHERE login = '${login}' AND ${which} ORDER BY id`)
    .split('\n').filter(Boolean).map((l) => l.split('\t'));
  return { lines: rows.map(([a, d]) => (d ? `${a} ${d}` : a)), addresses: rows.map((r) => r[2]), targets: rows.map((r) => r[3]) };
}

/** The id of login's account, as the audit log's targets name it ("user:ID"). */
function userTarget(login) {
  return `user:${dbExec(dir, `SELECT id FROM users WHERE login = '${login}'`).trim()}`;
}

/** Waits, when the current 30-second step ends in less than 6 seconds, for the next one: a test that
 * names "one step away" must not see the server's clock cross a step boundary meanwhile. */
async function midStep() {
  const left = 30 - (Date.now() / 1000) % 30;
  if (left < 6) await new Promise((r) => setTimeout(r, left * 1000 + 200));
}

/** The secret the enrolment page shows for typing by hand (spaces removed). */
function secretOf(html) {
  const m = /<code id="totp-secret"[^>]*>([A-Z2-7 ]+)<\/code>/.exec(html);
  assert.ok(m, 'the enrolment page shows the secret as text');
  return m[1].replace(/ /g, '');
}

/** The recovery codes a page lists. */
function codesOf(html) {
  return [...html.matchAll(/<li><code>([^<]+)<\/code><\/li>/g)].map((m) => unescapeHtml(m[1]));
}

/** Asserts a completed log-in: 303 to where, a session cookie that opens the dashboard. */
async function assertIn(r, c, what, where = '/admin/') {
  assert.equal(r.status, 303, `${what}: ${r.status} ${formError(r.html) ?? ''}`);
  assert.equal(r.headers.location, where, what);
  assert.ok(c.jar.get(SESSION_COOKIE), `${what}: a session cookie`);
  assert.equal((await c.send('/admin/')).status, 200, `${what}: the session opens the dashboard`);
}

/** Logs a fresh client in with the password alone (no second factor yet) and enrols TOTP from the account
 * page with the code of the time `offset` seconds from now; returns {c, secret, codes}. */
async function enrolled(login, offset = 0) {
  const c = client();
  const r = await c.password(login);
  assert.equal(r.status, 303, `${login}: the password alone logs in before enrolment`);
  const page = await c.send('/admin/account/totp');
  assert.equal(page.status, 200);
  const secret = secretOf(page.html);
  await midStep();
  const done = await c.send('/admin/account/totp', { form: { csrf: fieldValue(page.html, 'csrf'), code: oath(secret, now() + offset) } });
  assert.equal(done.status, 200, `${login}: enrolment confirmed ${formError(done.html) ?? ''}`);
  const codes = codesOf(done.html);
  assert.equal(codes.length, 10);
  return { c, secret, codes };
}

test('the account page, linked from the menu, sets up TOTP: QR code, secret as text, a first code, ten recovery codes once', async () => {
  const c = client();
  assert.equal((await c.password('enroller')).status, 303);
  const dash = await c.send('/admin/');
  assert.match(dash.html, /<a href="\/admin\/account">Account<\/a>/, 'the menu links the account page');
  let acc = await c.send('/admin/account');
  assert.equal(acc.status, 200);
  for (const href of ['/admin/password', '/admin/language', '/admin/account/passkeys', '/admin/account/sessions', '/admin/account/totp'])
    assert.ok(acc.html.includes(`href="${href}"`), `the account page links ${href}`);
  assert.match(acc.html, /<bdi>enroller<\/bdi>/);
  assert.match(acc.html, /Two-factor log-in is off/);

  const page = await c.send('/admin/account/totp');
  assert.equal(page.status, 200);
  assert.match(page.html, /<div class="qr-code" role="img" aria-label="[^"]+"><svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="qr"[^>]*><rect [^>]*\/><path fill="#000" d="M4 4h7v1h-7z/);
  const secret = secretOf(page.html);
  assert.match(secret, /^[A-Z2-7]{32}$/, '20 random bytes in base32');
  const again = await c.send('/admin/account/totp');
  assert.equal(secretOf(again.html), secret, 'a reload shows the same secret until it is confirmed');
  // the store keeps the secret sealed: a dump of the table does not show it
  const row = dbExec(dir, "SELECT secret, confirmed FROM user_totp t JOIN users u ON u.id = t.user_id WHERE u.login = 'enroller'");
  assert.ok(!row.includes(secret) && !row.toLowerCase().includes(secret.toLowerCase()), 'the secret is not stored in clear');
  assert.match(row, /^[0-9a-f]{100,}\t0\n$/);

  const csrf = fieldValue(page.html, 'csrf');
  const wrong = await c.send('/admin/account/totp', { form: { csrf, code: '12345' } });
  assert.equal(wrong.status, 400);
  assert.match(formError(wrong.html), /That code is not right/);
  assert.equal(secretOf(wrong.html), secret, 'the same secret is shown again');

  const done = await c.send('/admin/account/totp', { form: { csrf, code: oath(secret, now()) } });
  assert.equal(done.status, 200, formError(done.html));
  const codes = codesOf(done.html);
  assert.equal(codes.length, 10, 'ten recovery codes');
  assert.equal(new Set(codes).size, 10);
  for (const code of codes) assert.match(code, /^[2-9a-hjkmnp-z]{5}-[2-9a-hjkmnp-z]{5}$/);
  assert.match(done.html, /href="\/admin\/account\?done=on"/);
  // stored hashed: no code is in the table
  const hashes = dbExec(dir, "SELECT code_hash FROM user_recovery_codes r JOIN users u ON u.id = r.user_id WHERE u.login = 'enroller'");
  assert.equal(hashes.trim().split('\n').length, 10);
  for (const code of codes) assert.ok(!hashes.includes(code.replace('-', '')), 'codes are stored hashed');

  acc = await c.send('/admin/account?done=on');
  assert.equal(formNotice(acc.html), 'Two-factor log-in is on.');
  assert.match(acc.html, /10 recovery codes are left\./);
  assert.ok(!codesOf(acc.html).length, 'the codes are not shown again');
  const reenrol = await c.send('/admin/account/totp');
  assert.equal(reenrol.status, 303, 'enrolment is closed once it is on');
  assert.equal(reenrol.headers.location, '/admin/account');
  const audit = auditOf('enroller');
  assert.deepEqual(audit.lines, ['mfa.totp.enable_refused wrong first code', 'mfa.totp.enabled from the account page']);
  assert.deepEqual(audit.targets, [userTarget('enroller'), userTarget('enroller')]);
  assert.deepEqual(audit.addresses, [c.ip, c.ip], 'from where: the client address');
});

test('log-in: the password leads to the second-factor page; a right code logs in; the same code again, a wrong one, are refused', async () => {
  const { secret } = await enrolled('bea', -30); // its first code: the step before now
  const c = client();
  const pw = await c.password('bea', PW, '/admin/articles/new');
  assert.equal(pw.status, 303);
  assert.equal(pw.headers.location, '/admin/login/second-factor');
  assert.equal(c.jar.get(SESSION_COOKIE), undefined, 'no session after the password alone');
  const pending = [].concat(pw.headers['set-cookie']).find((s) => s.startsWith(`${MFA_COOKIE}=`));
  assert.match(pending, /; Path=\/admin\/login; Max-Age=300; HttpOnly; SameSite=Strict/);
  const firstCookie = c.jar.get(MFA_COOKIE);

  const form = await c.send('/admin/login/second-factor');
  assert.equal(form.status, 200);
  assert.match(form.html, /Logging in as bea\./);
  assert.match(form.html, /autocomplete="one-time-code"/);
  assert.match(form.html, /name="recovery"/, 'a recovery code can be used instead');
  const token = fieldValue(form.html, 'token');

  await midStep();
  const current = oath(secret, now());
  const wrong = current === '000000' ? '000001' : '000000';
  let r = await c.factor({ code: wrong }, token);
  assert.equal(r.status, 401);
  assert.match(formError(r.html), /That code is not right/);
  assert.equal(c.jar.get(SESSION_COOKIE), undefined);

  r = await c.factor({ code: current }, token);
  await assertIn(r, c, 'the right code', '/admin/articles/new');
  assert.equal(c.jar.get(MFA_COOKIE), undefined, 'the waiting log-in\'s cookie is removed with it');

  // the same code on a new log-in: refused as used
  const other = client();
  assert.equal((await other.password('bea')).status, 303);
  r = await other.factor({ code: current });
  assert.equal(r.status, 401);
  assert.match(formError(r.html), /used already/);
  assert.equal(other.jar.get(SESSION_COOKIE), undefined);

  // the waiting log-in that completed cannot complete again, even with a new good code
  const replay = new Client(c.ip);
  replay.jar.set(MFA_COOKIE, firstCookie);
  r = await replay.send('/admin/login/second-factor', { form: { token, code: oath(secret, now() + 30) } });
  assert.equal(r.status, 401);
  assert.match(formError(r.html), /expired or was already completed/);
  assert.equal(replay.jar.get(SESSION_COOKIE), undefined);
  assert.equal((await replay.send('/admin/login/second-factor')).headers.location, '/admin/login');
  const audit = auditOf('bea');
  assert.deepEqual(audit.lines, ['mfa.totp.enabled from the account page', 'login.second_factor.failed wrong code',
    'login.second_factor.ok authenticator code', 'login.second_factor.failed replayed code']);
  assert.deepEqual(audit.addresses.slice(1), [c.ip, c.ip, other.ip]);
  // the log-in itself: once with the password alone (before enrolment), once completed by the code
  assert.deepEqual(auditOf('bea', 'login.ok').lines, ['login.ok', 'login.ok totp']);
});

test('a code two steps away is refused; one step either side is accepted', async () => {
  const { secret } = await enrolled('cal');
  const c = client();
  assert.equal((await c.password('cal')).status, 303);
  for (const d of [-60, 60, -90]) {
    await midStep();
    const r = await c.factor({ code: oath(secret, now() + d) });
    assert.equal(r.status, 401, `a code ${d / 30} steps away`);
    assert.equal(c.jar.get(SESSION_COOKIE), undefined);
  }
  await assertIn(await c.factor({ code: oath(secret, now() + 30) }), c, 'a code one step ahead (a fast phone)');

  // one step behind (a slow phone): dee enrolled long ago (no step used yet)
  const { secret: s2 } = await enrolled('dee');
  dbExec(dir, "UPDATE user_totp SET last_step = 0 WHERE user_id = (SELECT id FROM users WHERE login = 'dee')");
  const d = client();
  assert.equal((await d.password('dee')).status, 303);
  await midStep();
  await assertIn(await d.factor({ code: oath(s2, now() - 30) }), d, 'a code one step behind');
  assert.deepEqual(auditOf('cal').lines.slice(1), ['login.second_factor.failed wrong code', 'login.second_factor.failed wrong code',
    'login.second_factor.failed wrong code', 'login.second_factor.ok authenticator code']);
});

test('a recovery code logs in once; new codes replace all the old ones', async () => {
  const { c: owner, codes } = await enrolled('eve');
  const c = client();
  assert.equal((await c.password('eve')).status, 303);
  let r = await c.factor({ recovery: codes[0] });
  await assertIn(r, c, 'a recovery code');
  const again = client();
  assert.equal((await again.password('eve')).status, 303);
  r = await again.factor({ recovery: codes[0] });
  assert.equal(r.status, 401, 'a used recovery code');
  assert.match(formError(r.html), /recovery code is not right or has been used/);
  r = await again.factor({ recovery: 'not a code' });
  assert.equal(r.status, 401);
  // typed in capitals with spaces: the same code
  r = await again.factor({ recovery: ` ${codes[1].toUpperCase().replace('-', ' ')} ` });
  await assertIn(r, again, 'a recovery code typed in capitals');

  let acc = await owner.send('/admin/account');
  assert.match(acc.html, /8 recovery codes are left\./);
  const csrf = fieldValue(acc.html, 'csrf');
  r = await owner.send('/admin/account/recovery', { form: { csrf, confirm: 'not my password' } });
  assert.equal(r.status, 400);
  assert.match(formError(r.html), /neither your password nor a current code/);
  r = await owner.send('/admin/account/recovery', { form: { csrf, confirm: PW } });
  assert.equal(r.status, 200);
  const fresh = codesOf(r.html);
  assert.equal(fresh.length, 10);
  assert.match(formNotice(r.html), /old ones no longer work/);
  const third = client();
  assert.equal((await third.password('eve')).status, 303);
  assert.equal((await third.factor({ recovery: codes[2] })).status, 401, 'an old unused code no longer works');
  await assertIn(await third.factor({ recovery: fresh[0] }), third, 'a new code');
  acc = await owner.send('/admin/account');
  assert.match(acc.html, /9 recovery codes are left\./);
  assert.deepEqual(auditOf('eve').lines.slice(1), [
    'mfa.recovery.used', 'login.second_factor.ok recovery code',
    'login.second_factor.failed wrong recovery code', 'login.second_factor.failed wrong recovery code',
    'mfa.recovery.used', 'login.second_factor.ok recovery code',
    'mfa.recovery.regenerate_refused wrong password or code', 'mfa.recovery.regenerated',
    'login.second_factor.failed wrong recovery code', 'mfa.recovery.used', 'login.second_factor.ok recovery code']);
});

/** Saves the site settings as an admin with mfa_required_roles set to roles; returns the response. */
async function requireRoles(admin, roles) {
  const page = await admin.send('/admin/settings');
  assert.equal(page.status, 200);
  const form = { csrf: fieldValue(page.html, 'csrf') };
  for (const m of page.html.matchAll(/<(?:input|textarea)[^>]*\bname="([^"]+)"/g)) form[m[1]] = fieldValue(page.html, m[1]);
  assert.ok('mfa_required_roles' in form, 'the settings page has the two-factor requirement');
  form.mfa_required_roles = roles;
  return admin.send('/admin/settings', { form });
}

test('a role that requires a second factor: an editor without one is walked through enrolment before the newsroom opens', async () => {
  const admin = client();
  assert.equal((await admin.password('boss')).status, 303);
  let r = await requireRoles(admin, 'editor, king');
  assert.equal(r.status, 400);
  assert.match(formError(r.html), /admin, editor, reporter and moderator/);
  r = await requireRoles(admin, 'editor');
  assert.equal(r.status, 200, formError(r.html));
  try {
    const c = client();
    r = await c.password('fay', PW, '/admin/media');
    assert.equal(r.status, 303);
    assert.equal(r.headers.location, '/admin/login/enrol');
    assert.equal(c.jar.get(SESSION_COOKIE), undefined, 'no session before enrolment');
    assert.match([].concat(r.headers['set-cookie']).find((s) => s.startsWith(`${MFA_COOKIE}=`)), /Max-Age=900; HttpOnly; SameSite=Strict/);
    // the enrolment-only state opens nothing else
    for (const path of ['/admin/', '/admin/media', '/admin/account', '/admin/login/second-factor']) {
      const p = await c.send(path);
      assert.equal(p.status, 303, `${path} during enrolment`);
      assert.match(p.headers.location, /^\/admin\/login/, path);
    }
    const page = await c.send('/admin/login/enrol');
    assert.equal(page.status, 200);
    assert.match(formNotice(page.html), /Your role requires two-factor log-in/);
    assert.match(page.html, /<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="qr"/);
    const secret = secretOf(page.html);
    const token = fieldValue(page.html, 'token');
    r = await c.send('/admin/login/enrol', { form: { token, code: '99999' } });
    assert.equal(r.status, 400);
    assert.match(formError(r.html), /That code is not right/);
    assert.equal(c.jar.get(SESSION_COOKIE), undefined);
    r = await c.send('/admin/login/enrol', { form: { code: oath(secret, now()) } });
    assert.equal(r.status, 403, 'a POST without the form token');
    r = await c.send('/admin/login/enrol', { form: { token, code: oath(secret, now()) } });
    assert.equal(r.status, 200, formError(r.html));
    assert.equal(codesOf(r.html).length, 10, 'the recovery codes, once');
    assert.match(r.html, /href="\/admin\/media"/, 'then on to where the log-in was going');
    assert.ok(c.jar.get(SESSION_COOKIE), 'the session starts with enrolment');
    assert.equal((await c.send('/admin/media')).status, 200);
    const acc = await c.send('/admin/account');
    assert.match(acc.html, /Your role requires two-factor log-in, so it cannot be turned off\./);
    r = await c.send('/admin/account/totp/disable', { form: { csrf: fieldValue(acc.html, 'csrf'), confirm: PW } });
    assert.equal(r.status, 400, 'turning it off is refused while the role requires it');
    // the next log-in asks for the code
    const next = client();
    assert.equal((await next.password('fay')).headers.location, '/admin/login/second-factor');
    // other roles are not asked
    const rep = client();
    assert.equal((await rep.password('ivy')).headers.location, '/admin/');
    assert.deepEqual(auditOf('fay').lines, ['mfa.totp.enable_refused wrong first code', 'mfa.totp.enable_refused forged or stale form',
      'mfa.totp.enabled at log-in: the role requires a second factor',
      'mfa.totp.disable_refused the role requires a second factor']);
  } finally {
    r = await requireRoles(admin, '');
    assert.equal(r.status, 200);
  }
});

test('wrong codes are throttled like failed passwords, and the password step shares the count', async () => {
  const { secret } = await enrolled('gus');
  const c = client();
  assert.equal((await c.password('gus')).status, 303);
  for (let i = 0; i < MAX; i++) {
    const r = await c.factor({ code: '00000' + (i % 10) });
    assert.equal(r.status, 401, `wrong code ${i + 1}`);
  }
  const r = await c.factor({ code: oath(secret, now() + 30) });
  assert.equal(r.status, 429, 'even a right code is refused while throttled');
  assert.ok(Number(r.headers['retry-after']) > 0);
  assert.match(formError(r.html), /Too many failed attempts/);
  assert.equal(c.jar.get(SESSION_COOKIE), undefined);
  // the pair (address, account) failed: the password form is throttled too, and another address is not
  assert.equal((await c.password('gus')).status, 429);
  const elsewhere = client();
  assert.equal((await elsewhere.password('gus')).status, 303);
  assert.deepEqual(auditOf('gus').lines.slice(1), [...Array(MAX).fill('login.second_factor.failed wrong code'),
    'login.second_factor.failed throttled']);

  // the right password again does not wipe the wrong codes' count (else it would buy more guesses)
  const { secret: s2 } = await enrolled('jo');
  const j = client();
  assert.equal((await j.password('jo')).status, 303);
  for (let i = 0; i < MAX - 1; i++) assert.equal((await j.factor({ code: '00000' + i })).status, 401);
  assert.equal((await j.password('jo')).headers.location, '/admin/login/second-factor', 'the password is still right');
  assert.equal((await j.factor({ code: '000009' })).status, 401);
  assert.equal((await j.factor({ code: oath(s2, now() + 30) })).status, 429, 'the count went on across the password');
});

test('the waiting log-in\'s cookie opens no newsroom page; it expires; a forged POST is refused', async () => {
  await enrolled('hal');
  const c = client();
  assert.equal((await c.password('hal')).status, 303);
  const pending = c.jar.get(MFA_COOKIE);
  assert.match(pending, /^[0-9a-f]{64}$/);
  const probe = new Client(c.ip);
  probe.jar.set(MFA_COOKIE, pending);
  let r = await probe.send('/admin/');
  assert.equal(r.status, 303);
  assert.match(r.headers.location, /^\/admin\/login\?next=/);
  r = await probe.send('/admin/', { jar: false, headers: { cookie: `${SESSION_COOKIE}=${pending}` } });
  assert.equal(r.status, 303, 'its value is no session token either');
  assert.match(r.headers.location, /^\/admin\/login\?next=.*&expired=1$/);
  r = await probe.send('/admin/account/totp/disable', { form: { confirm: PW } });
  assert.equal(r.status, 403);
  // a POST without the page's token, or from another origin
  r = await c.send('/admin/login/second-factor', { form: { code: '123456' } });
  assert.equal(r.status, 403);
  const token = fieldValue((await c.send('/admin/login/second-factor')).html, 'token');
  r = await c.send('/admin/login/second-factor', { form: { token, code: '123456' }, headers: { origin: 'https://evil.example' } });
  assert.equal(r.status, 403);
  // past its five minutes
  dbExec(dir, "UPDATE mfa_pending SET expires_at = 1 WHERE user_id = (SELECT id FROM users WHERE login = 'hal')");
  r = await c.send('/admin/login/second-factor', { form: { token, code: '123456' } });
  assert.equal(r.status, 401);
  assert.match(formError(r.html), /expired/);
  assert.match(r.html, /href="\/admin\/login"/);
  assert.equal(c.jar.get(SESSION_COOKIE), undefined);
  // no waiting log-in at all
  r = await client().send('/admin/login/second-factor');
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/admin/login');
  assert.equal((await client().send('/admin/login/second-factor', { form: { code: '1' } })).status, 401);
  assert.deepEqual(auditOf('hal').lines.slice(1), ['login.second_factor.failed forged or stale form',
    'login.second_factor.failed forged or stale form', 'login.second_factor.failed expired']);
});

test('turning two-factor log-in off takes the password or a current code; the log-in then asks only the password', async () => {
  const { c, secret } = await enrolled('ivy', -30);
  let acc = await c.send('/admin/account');
  const csrf = fieldValue(acc.html, 'csrf');
  let r = await c.send('/admin/account/totp/disable', { form: { csrf, confirm: '000000' === oath(secret, now()) ? '111111' : '000000' } });
  assert.equal(r.status, 400);
  assert.match(formError(r.html), /neither your password nor a current code/);
  await midStep();
  r = await c.send('/admin/account/totp/disable', { form: { csrf, confirm: oath(secret, now()) } });
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/admin/account?done=off');
  acc = await c.send('/admin/account?done=off');
  assert.equal(formNotice(acc.html), 'Two-factor log-in is off.');
  assert.equal(dbExec(dir, "SELECT count(*) FROM user_recovery_codes r JOIN users u ON u.id = r.user_id WHERE u.login = 'ivy'").trim(), '0');
  const next = client();
  r = await next.password('ivy');
  await assertIn(r, next, 'the password alone');
  assert.deepEqual(auditOf('ivy').lines.slice(1), ['mfa.totp.disable_refused wrong password or code', 'mfa.totp.disabled']);
});
