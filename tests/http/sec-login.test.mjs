// Issue 16, items 4, 8 and 9: the newsroom log-in.
// 4. Failed log-ins are counted per (account, address) pair and per address; the account as a whole is
//    slowed only far more gently and never for an address that has not failed on it. So an attacker who
//    keeps failing from one address cannot lock the owner out, while guessing one account from many
//    addresses and many accounts from one address is still throttled. Unknown and real accounts get the
//    same answers.
// 8. Log-in CSRF: the log-in form's token is bound to a pre-session cookie set with the form, and a log-in
//    POST from another origin (Origin, else Referer) is refused.
// 9. CR/LF in the log-in's `next` or the moderation queue's `back` gives a redirect to the default target,
//    never a 303 without Location or an injected header.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSite, startServer, configure, dbExec } from '../lib/server.mjs';
import { addUser, fieldValue, formError, login, SESSION_COOKIE } from '../lib/newsroom.mjs';
import { sendFrom } from '../lib/client.mjs';

const PW = 'a-long-password';
const MAX = 3; // login_max_failures: per (account, address) pair; per address 4 x 3 = 12; per account 10 x 3 = 30
const PRE_COOKIE = 'bs_prelogin';

let dir, srv, httpsSrv;

before(async () => {
  dir = demoSite(0);
  presetComments();
  configure(dir, { login_max_failures: MAX, login_window: 600 });
  for (const [name, role] of [['ed', 'editor'], ['target', 'reporter'], ['mod', 'moderator'], ['alice', 'reporter'],
    ['bob', 'reporter'], ['carol', 'reporter'], ['known', 'reporter'], ['victim', 'editor'], ['cross', 'editor'], ['helper', 'editor'],
    ['nexter', 'editor']]) addUser(dir, name, role, PW);
  srv = await startServer(dir);
  httpsSrv = await startServer(dir, { env: { BROADSHEET_BASE_URL: 'https://news.example.com' } });
});
after(async () => { await srv?.stop(); await httpsSrv?.stop(); });

/** Lets a visitor comment at once and often (so item 9's test can make a pending comment). */
function presetComments() {
  for (const [k, v] of Object.entries({ 'comments.min_fill_seconds': 0, 'comments.rate_ip': 100000, 'comments.rate_net': 100000 }))
    dbExec(dir, `INSERT INTO settings VALUES('${k}', '${v}') ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
}

/**
 * One browser: a loopback source address and a cookie jar. Requests never follow redirects and resolve
 * {status, headers, rawHeaders, html}.
 */
class Client {
  constructor(ip = '127.0.0.1', server = srv) { this.ip = ip; this.srv = server; this.jar = new Map(); }

  /** Sends a request; form (an object or [name, value] pairs) makes it an urlencoded POST. */
  send(path, { method = 'GET', form, headers = {}, cookies = true } = {}) {
    return sendFrom(this.ip, `http://127.0.0.1:${this.srv.port}${path}`,
      { method, form, headers, jar: this.jar, sendCookies: cookies });
  }

  /** GET /admin/login: the form's token (asserted present). */
  async token(path = '/admin/login') {
    const r = await this.send(path);
    assert.equal(r.status, 200, `GET ${path}`);
    const t = fieldValue(r.html, 'token');
    assert.ok(t, 'the log-in form has a token');
    return t;
  }

  /** A log-in: a fresh form (unless token is given), then its POST. */
  async login(name, password, { token, next = '/admin/', headers, cookies } = {}) {
    token ??= await this.token();
    return this.send('/admin/login', { form: { token, next, login: name, password }, headers, cookies });
  }
}

/** The session cookie a response set, or undefined. */
function sessionOf(r) {
  const c = [].concat(r.headers['set-cookie'] ?? []).map((s) => new RegExp(`^${SESSION_COOKIE}=([^;]+)`).exec(s)).find(Boolean);
  return c?.[1];
}

/** Asserts a successful log-in: 303 to where, a session cookie that opens the dashboard. */
async function assertLoggedIn(r, what, where = '/admin/') {
  assert.equal(r.status, 303, `${what}: ${r.status} ${formError(r.html) ?? ''}`);
  assert.equal(r.headers.location, where, what);
  const s = sessionOf(r);
  assert.ok(s, `${what}: a session cookie`);
  const dash = await new Client().send('/admin/', { headers: { cookie: `${SESSION_COOKIE}=${s}` } });
  assert.equal(dash.status, 200, `${what}: the session opens the dashboard`);
}

/** Asserts a throttled refusal (429, Retry-After, the form with the login kept, no session). */
function assertThrottled(r, name, what) {
  assert.equal(r.status, 429, `${what}: ${r.status} ${formError(r.html) ?? ''}`);
  assert.ok(Number(r.headers['retry-after']) > 0, `${what}: Retry-After ${r.headers['retry-after']}`);
  assert.match(formError(r.html) ?? '', /Too many failed log-ins/, what);
  assert.equal(fieldValue(r.html, 'login'), name, `${what}: the login typed is kept`);
  assert.equal(sessionOf(r), undefined, `${what}: no session`);
}

// ------------------------------------------------------------------ 4. throttling without lock-outs

test('an attacker failing from one address does not lock the owner out from another (the attacker stays throttled)', async () => {
  const attacker = new Client('127.0.0.2'), owner = new Client('127.0.0.3');
  for (let i = 1; i <= MAX; i++) assert.equal((await attacker.login('ed', `wrong-password-${i}`)).status, 401, `attempt ${i}`);
  for (let i = 0; i < 3; i++) assertThrottled(await attacker.login('ed', 'wrong-password-x'), 'ed', `attacker, more (${i})`);
  // the owner, from an address that has not been failing, with the right password
  await assertLoggedIn(await owner.login('ed', PW), 'the owner from a clean address');
  // the attacker keeps failing, and keeps being refused, even with the right password from its address
  assertThrottled(await attacker.login('ed', 'wrong-password-y'), 'ed', 'attacker after the owner logged in');
  assertThrottled(await attacker.login('ed', PW), 'ed', 'the right password from the throttled address');
  // and the owner still logs in, again and again
  await assertLoggedIn(await owner.login('ed', PW), 'the owner again');
  await assertLoggedIn(await new Client('127.0.0.4').login('ed', PW), 'the owner from a third address');
});

test('one account from many addresses: each address gets a few tries, then the account slows failing addresses only', async () => {
  const statuses = [];
  // ten addresses, three wrong passwords each: 30 failures on the account (its whole budget: 10 x 3)
  for (let k = 1; k <= 10; k++) {
    const c = new Client(`127.0.1.${k}`);
    for (let i = 0; i < MAX; i++) statuses.push((await c.login('target', `guess-${k}-${i}`)).status);
    assertThrottled(await c.login('target', `guess-${k}-x`), 'target', `address ${k} after its own ${MAX} failures`);
  }
  assert.ok(statuses.every((s) => s === 401), `each address's first ${MAX} guesses are checked: ${statuses.join(' ')}`);
  // a new attacking address: its first wrong guess is checked, then the account's budget refuses it at once
  const late = new Client('127.0.1.11');
  assert.equal((await late.login('target', 'guess-late-1')).status, 401, 'a new address gets one guess');
  assertThrottled(await late.login('target', 'guess-late-2'), 'target', 'a failing address once the account is over its budget');
  assertThrottled(await late.login('target', PW), 'target', 'even its right password');
  // the owner, from an address that has not failed, is never refused: a wrong password is just wrong
  const owner = new Client('127.0.1.50');
  assert.equal((await new Client('127.0.1.51').login('target', 'owner-typo')).status, 401, 'a clean address is checked, not refused');
  await assertLoggedIn(await owner.login('target', PW), 'the owner from a clean address');
});

test('credential stuffing: many accounts from one address are throttled there; the owners log in elsewhere', async () => {
  const attacker = new Client('127.0.2.1');
  const accounts = ['alice', 'bob', 'carol', 'admin', 'root', 'editor', 'test', 'info', 'news', 'web', 'sales', 'office'];
  const statuses = [];
  for (const a of accounts) statuses.push((await attacker.login(a, 'password123')).status);
  for (const a of accounts) statuses.push((await attacker.login(a, '1234567890')).status);
  assert.equal(statuses.indexOf(429), 4 * MAX, `the ${4 * MAX + 1}th failure from one address is throttled: ${statuses.join(' ')}`);
  assert.ok(statuses.slice(4 * MAX).every((s) => s === 429), 'and every later attempt');
  assertThrottled(await attacker.login('alice', PW), 'alice', 'the right password from the stuffing address');
  await assertLoggedIn(await new Client('127.0.2.2').login('alice', PW), 'alice from her own address');
  await assertLoggedIn(await new Client('127.0.2.3').login('bob', PW), 'bob from his own address');
});

test('unknown and real accounts get the same answers, refused and throttled', async () => {
  const c = new Client('127.0.3.1');
  const answers = {};
  for (const name of ['known', 'no-such-person']) {
    const seen = [];
    for (let i = 0; i <= MAX; i++) {
      const r = await c.login(name, `wrong-password-${i}`);
      seen.push([r.status, formError(r.html), r.headers['retry-after'] !== undefined, fieldValue(r.html, 'login') === name]);
    }
    answers[name] = seen;
  }
  assert.deepEqual(answers['no-such-person'], answers.known);
  assert.deepEqual(answers.known.map((a) => a[0]), [...Array(MAX).fill(401), 429]);
  assert.equal(answers.known[0][1], 'That login and password do not match an active account.');
});

// ------------------------------------------------------------------------------- 8. log-in CSRF

test('the log-in form sets a pre-session cookie: HttpOnly, SameSite=Strict, scoped to the log-in; Secure on https', async () => {
  const r = await new Client().send('/admin/login');
  const sc = [].concat(r.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${PRE_COOKIE}=`));
  assert.ok(sc, `GET /admin/login sets ${PRE_COOKIE}: ${r.headers['set-cookie']}`);
  const attrs = sc.split(';').map((s) => s.trim().toLowerCase());
  assert.match(sc, new RegExp(`^${PRE_COOKIE}=[0-9a-f]{64};`));
  for (const a of ['httponly', 'samesite=strict', 'path=/admin/login']) assert.ok(attrs.includes(a), `${a}: ${sc}`);
  assert.ok(!attrs.includes('secure'), `no Secure on an http site: ${sc}`);
  assert.equal(r.headers['cache-control'], 'no-store', 'a page that sets a cookie is not stored by caches');
  // a browser that has one keeps it (two tabs, two forms, both good)
  const c = new Client();
  const t1 = await c.token();
  const first = c.jar.get(PRE_COOKIE);
  const t2 = await c.token();
  assert.equal(c.jar.get(PRE_COOKIE), first, 'the cookie is kept');
  assert.equal((await c.login('nobody-x', 'wrong-password', { token: t1 })).status, 401, 'the first tab\'s token is still good');
  assert.equal((await c.login('nobody-x', 'wrong-password', { token: t2 })).status, 401);
  const s = await new Client('127.0.0.1', httpsSrv).send('/admin/login');
  const ssc = [].concat(s.headers['set-cookie'] ?? []).find((x) => x.startsWith(`${PRE_COOKIE}=`));
  assert.match(ssc ?? '', /;\s*Secure/, `Secure when base_url is https: ${ssc}`);
});

test('a log-in token fetched by one client is refused from another (other cookie, or none), with the form re-shown', async () => {
  const victim = new Client('127.0.4.1'), attacker = new Client('127.0.4.2');
  const token = await attacker.token();
  // the victim's browser has its own pre-session cookie
  await victim.token();
  for (const [what, opts] of [['another client\'s cookie', {}], ['no cookie at all', { cookies: false }]]) {
    const r = await victim.login('victim', PW, { token, ...opts });
    assert.equal(r.status, 403, `${what}: ${r.status}`);
    assert.equal(sessionOf(r), undefined, `${what}: no session`);
    assert.match(formError(r.html) ?? '', /log-in form|cookie/i, `${what}: a readable message (${formError(r.html)})`);
    assert.equal(fieldValue(r.html, 'login'), 'victim', `${what}: the login typed is kept`);
    assert.ok(fieldValue(r.html, 'token'), `${what}: a fresh form to try again`);
  }
  // the re-shown form works for the person who has it
  const again = await victim.send('/admin/login', { form: { token: (await victim.token()), next: '/admin/', login: 'victim', password: PW } });
  await assertLoggedIn(again, 'the victim\'s own form');
  // the attacker's own pair still works for the attacker (it is the binding, not the token, that counts)
  await assertLoggedIn(await attacker.login('victim', PW, { token }), 'the attacker with its own cookie');
  assert.ok(attacker.jar.get(PRE_COOKIE) && victim.jar.get(PRE_COOKIE) !== attacker.jar.get(PRE_COOKIE), 'two browsers, two cookies');
});

test('a log-in POST from another origin is refused (Origin, else Referer); the site\'s own origin logs in', async () => {
  const c = new Client('127.0.4.3');
  const own = `http://127.0.0.1:${srv.port}`;
  for (const [what, headers] of [
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['Origin null', { origin: 'null' }],
    ['the same host on another port', { origin: `http://127.0.0.1:${srv.port + 1}` }],
    ['a foreign Referer without Origin', { referer: 'https://evil.example/login.html' }],
    ['a Referer that only starts like the site', { referer: `${own}.evil.example/` }],
  ]) {
    const r = await c.login('cross', PW, { headers });
    assert.equal(r.status, 403, `${what}: ${r.status}`);
    assert.equal(sessionOf(r), undefined, `${what}: no session`);
    assert.match(formError(r.html) ?? '', /another site/, `${what}: ${formError(r.html)}`);
    assert.equal(fieldValue(r.html, 'login'), 'cross', `${what}: the login typed is kept`);
  }
  await assertLoggedIn(await c.login('cross', PW, { headers: { origin: own } }), 'the site\'s own Origin');
  await assertLoggedIn(await c.login('cross', PW, { headers: { referer: `${own}/admin/login` } }), 'the site\'s own Referer');
  await assertLoggedIn(await c.login('cross', PW), 'neither header: the cookie binding decides');
});

test('the test helper logs in (pre-session cookie carried)', async () => {
  const s = await login(srv.base, 'helper', PW);
  assert.ok(s.cookie && s.csrf);
});

// ------------------------------------------------------------------------- 9. CR/LF in redirects

/** Asserts a 303 to where and that no header was injected (no header named x, no cookie but the session). */
function assertCleanRedirect(r, where, what) {
  assert.equal(r.status, 303, `${what}: ${r.status} ${formError(r.html) ?? ''}`);
  assert.equal(r.headers.location, where, `${what}: Location`);
  const names = r.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
  assert.ok(!names.includes('x'), `${what}: no injected header (${names.join(', ')})`);
  for (const c of [].concat(r.headers['set-cookie'] ?? [])) assert.doesNotMatch(c, /^x=/i, `${what}: ${c}`);
}

test('CR/LF in the log-in\'s next: the form shows the default target and the log-in goes there', async () => {
  const c = new Client('127.0.5.1');
  const shown = await c.send('/admin/login?next=/admin/%0d%0aSet-Cookie:x=1');
  assert.equal(shown.status, 200);
  assert.equal(fieldValue(shown.html, 'next'), '/admin/', 'the form carries the default target');
  for (const next of ['/admin/\r\nSet-Cookie: x=1', '/admin/\r\nx: 1', '/admin/articles\nx: 1', '/admin/\rx', '/admin/\tx', '/admin/\x7f']) {
    const r = await c.login('nexter', PW, { next });
    assertCleanRedirect(r, '/admin/', JSON.stringify(next));
  }
  // a good target is still followed
  assertCleanRedirect(await c.login('nexter', PW, { next: '/admin/articles/new?edition=ar' }), '/admin/articles/new?edition=ar', 'a good next');
});

test('CR/LF in the moderation queue\'s back: the default queue address, no header injection', async () => {
  const art = dbExec(dir, "SELECT id, edition, slug, published_at FROM articles WHERE status = 'published' AND edition = 'en' ORDER BY id LIMIT 1")
    .trim().split('\t');
  const ymd = new Date(Number(art[3]) * 1000).toISOString().slice(0, 10).replace(/-/g, '/');
  const visitor = new Client('127.0.5.2');
  const page = await visitor.send(`/${art[1]}/${ymd}/${encodeURIComponent(art[2])}`);
  assert.equal(page.status, 200);
  const ids = [];
  for (let i = 0; i < 3; i++) {
    const sent = await visitor.send(`/comments/${art[0]}`, { form: { token: fieldValue(page.html, 'token'), website: '', name: 'Omar',
      email: '', body: `A comment to moderate, number ${i}.` } });
    assert.equal(sent.status, 303, `comment ${i}: ${formError(sent.html)}`);
    ids.push(/#comment-(\d+)$/.exec(sent.headers.location)[1]);
  }
  const mod = await login(srv.base, 'mod', PW);
  const bulk = (id, back) => new Client('127.0.5.3').send('/admin/comments', {
    headers: { cookie: `${SESSION_COOKIE}=${mod.cookie}` },
    form: [['csrf', mod.csrf], ['action', 'approve'], ['ids', id], ['back', back]] });
  assertCleanRedirect(await bulk(ids[0], '/admin/comments?status=pending\r\nSet-Cookie: x=1'), '/admin/comments?done=1', 'CR/LF in back');
  assertCleanRedirect(await bulk(ids[1], '/admin/comments?status=pending\nx: 1'), '/admin/comments?done=1', 'LF in back');
  assertCleanRedirect(await bulk(ids[2], '/admin/comments?status=pending'), '/admin/comments?status=pending&done=1', 'a good back');
});
