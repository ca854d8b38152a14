// Issue 20, sessions: each person sees their active sessions (device, address, started, last seen, how
// they began) at /admin/account/sessions and ends any of them, or all the others; an admin signs a person
// out everywhere, with or without disabling the account; the session lifetime (from log-in) and idle
// timeout (since the last request) are settings, enforced at every request (an expired or idle session
// is refused and deleted). Expiry is made deterministic by ageing the session's stored times well past
// the bound (dbExec), never by waiting. Both engines (BROADSHEET_TEST_DB=pg).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE, configure, dbExec, demoSite, startServer, unescapeHtml } from '../lib/server.mjs';
import { undoAfter } from '../lib/migrations.mjs';
import { addUser, fieldValue, formError, formNotice, login, loginPost, page, post, request, sessionSetCookie } from '../lib/newsroom.mjs';

const PW = 'a-long-password';
const CHROME_LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const SAFARI_IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';
let dir, srv;

before(async () => {
  dir = demoSite(0);
  // the proxy in front of the site is loopback: X-Forwarded-For names the client (src/clientaddr.c)
  configure(dir, { trusted_proxies: '127.0.0.1' });
  for (const [name, role] of [['boss', 'admin'], ['ana', 'reporter'], ['ben', 'editor'], ['cat', 'reporter'],
    ['dan', 'reporter'], ['eve', 'reporter'], ['fay', 'moderator'], ['ida', 'reporter']])
    addUser(dir, name, role, PW);
  srv = await startServer(dir);
});
after(async () => { await srv?.stop(); });

/** Logs `name` in from a device (User-Agent) and address (X-Forwarded-For). */
function loginFrom(name, agent, address) {
  return login(srv.base, name, PW, { headers: { 'user-agent': agent, 'x-forwarded-for': address } });
}

/** The rows of the sessions page: {id, device, agent, address, started, seen, method, current, html}. */
function sessionRows(html) {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>[\s\S]*?<\/tr>/g)].map(([row]) => {
    const cells = [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1]);
    const times = [...row.matchAll(/<time datetime="([^"]+)">/g)].map((m) => Date.parse(m[1]) / 1000);
    return {
      id: /\/admin\/account\/sessions\/(\d+)\/end"/.exec(row)?.[1],
      device: unescapeHtml(/<span title="[^"]*">([^<]*)<\/span>/.exec(cells[0])?.[1] ?? ''),
      agent: unescapeHtml(/<span title="([^"]*)">/.exec(cells[0])?.[1] ?? ''),
      address: unescapeHtml(cells[1].replace(/<[^>]*>/g, '')),
      started: times[0],
      seen: times[1],
      method: unescapeHtml(cells[4]),
      current: /class="current"/.test(row),
      html: row,
    };
  });
}

/** GETs the sessions page (or `path`, a redirect to it) as session s: {status, html, rows}. */
async function sessionsOf(s, path = '/admin/account/sessions') {
  const { status, html } = await page(srv.base, path, s);
  return { status, html, rows: status === 200 ? sessionRows(html) : [] };
}

/** Whether session s still opens the dashboard (a dead one is sent to the log-in page). */
async function alive(s) {
  const r = await request(srv.base, '/admin/', { session: s });
  assert.ok(r.status === 200 || r.status === 303, `dashboard: ${r.status}`);
  if (r.status === 303) assert.match(r.headers.get('location'), /^\/admin\/login\?next=/);
  return r.status === 200;
}

/** The id of session s (its own row on its sessions page). */
async function idOf(s) {
  return (await sessionsOf(s)).rows.find((r) => r.current).id;
}

/** The stored sessions of a login, as text rows "id\tcreated_at\tlast_seen". */
function storedSessions(name) {
  return dbExec(dir, `SELECT s.id, s.created_at, s.last_seen FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE u.login = '${name}' ORDER BY s.created_at`).trim().split('\n').filter(Boolean).map((l) => l.split('\t'));
}

const now = () => Math.floor(Date.now() / 1000);

/** The audit log's entries for target (e.g. "session:12", "user:3"), oldest first: {login, action, detail, address}. */
function audited(target) {
  return dbExec(dir, `SELECT login, action, detail, address FROM audit_log WHERE target = '${target}' ORDER BY id`)
    .trim().split('\n').filter(Boolean).map((l) => {
      const [login, action, detail, address] = l.split('\t');
      return { login, action, detail, address };
    });
}

test('two log-ins of one account from two devices: both listed with device, address, start and last seen; this one marked', async () => {
  const t0 = now();
  const a1 = await loginFrom('ana', CHROME_LINUX, '198.51.100.7');
  const a2 = await loginFrom('ana', FIREFOX_WINDOWS, '203.0.113.9');
  await loginFrom('ben', SAFARI_IPHONE, '192.0.2.55'); // someone else's: never on ana's page
  const { status, html, rows } = await sessionsOf(a1);
  assert.equal(status, 200);
  assert.equal(rows.length, 2, 'ana has two sessions');
  const chrome = rows.find((r) => r.device === 'Chrome on Linux');
  const firefox = rows.find((r) => r.device === 'Firefox on Windows');
  assert.ok(chrome && firefox, `devices summarised: ${rows.map((r) => r.device)}`);
  assert.equal(chrome.agent, CHROME_LINUX, 'the raw User-Agent is in the title');
  assert.equal(firefox.agent, FIREFOX_WINDOWS);
  assert.equal(chrome.address, '198.51.100.7', 'the client address as clientaddr.c gives it (X-Forwarded-For from the trusted proxy)');
  assert.equal(firefox.address, '203.0.113.9');
  for (const r of rows) {
    assert.ok(r.started >= t0 - 1 && r.started <= now() + 1, `started is the log-in time (${r.started})`);
    assert.ok(r.seen >= r.started && r.seen <= now() + 1, 'last seen is at or after the start');
    assert.equal(r.method, 'Password');
    assert.match(r.id, /^\d+$/);
  }
  assert.ok(chrome.current && !firefox.current, 'the current session is marked, and only it');
  assert.match(chrome.html, /this session/);
  assert.doesNotMatch(html, /iPhone|192\.0\.2\.55/, "another person's sessions are not listed");
  assert.match(html, /action="\/admin\/account\/sessions\/end-others"/, 'End all other sessions is offered');
  // the same list seen from the other device marks that one
  const other = await sessionsOf(a2);
  assert.ok(other.rows.find((r) => r.device === 'Firefox on Windows').current);
  assert.equal(other.rows.filter((r) => r.current).length, 1);
});

test('the device is bounded and escaped; an unknown or missing User-Agent still shows a device', async () => {
  const hostile = `"><script>alert(1)</script><img src=x onerror=alert(2)> ${'x'.repeat(2000)}`;
  const c1 = await loginFrom('cat', hostile, '198.51.100.20');
  await loginFrom('cat', '', '198.51.100.21');
  const { html, rows } = await sessionsOf(c1);
  assert.doesNotMatch(html, /<script>alert|<img src=x/, 'the User-Agent is escaped');
  const mine = rows.find((r) => r.current);
  assert.ok(mine.agent.startsWith('"><script>alert(1)</script>'), 'the title holds the raw string, escaped');
  assert.equal(mine.agent.length, 511, 'a User-Agent is kept to 511 bytes');
  assert.equal(mine.device, 'Unknown device');
  const lengths = dbExec(dir, "SELECT length(user_agent) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.login = 'cat' ORDER BY 1")
    .trim().split('\n').map(Number);
  assert.ok(lengths.every((n) => n <= 511), `stored bounded: ${lengths}`);
  assert.equal(rows.find((r) => !r.current).device, 'Unknown device');
});

test('ending one session logs that browser out and not the other; ending the current one logs out', async () => {
  const d1 = await loginFrom('dan', CHROME_LINUX, '198.51.100.30');
  const d2 = await loginFrom('dan', FIREFOX_WINDOWS, '198.51.100.31');
  const { rows } = await sessionsOf(d1);
  const target = rows.find((r) => !r.current);
  let r = await post(srv.base, `/admin/account/sessions/${target.id}/end`, d1);
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/admin/account/sessions?done=ended');
  assert.equal(await alive(d2), false, 'the ended session is logged out');
  assert.equal(await alive(d1), true, 'the other one is not');
  assert.deepEqual(audited(`session:${target.id}`),
    [{ login: 'dan', action: 'session.ended', detail: 'by self', address: '127.0.0.1' }], 'audited (the POST came without a proxy header)');
  const after1 = await sessionsOf(d1, r.headers.get('location'));
  assert.equal(formNotice(after1.html), 'The session has ended: that browser is logged out.');
  assert.deepEqual(after1.rows.map((x) => x.id), [rows.find((x) => x.current).id]);
  assert.doesNotMatch(after1.html, /end-others/, 'no "End all other sessions" when there are none');
  // ending the current one: the log-out
  r = await post(srv.base, `/admin/account/sessions/${after1.rows[0].id}/end`, d1);
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/admin/login');
  assert.match(sessionSetCookie(r), /^bs_session=;.*Max-Age=0/, 'the cookie is cleared');
  assert.equal(await alive(d1), false);
  assert.equal(storedSessions('dan').length, 0);
  assert.deepEqual(audited(`session:${after1.rows[0].id}`).map((e) => [e.action, e.detail]),
    [['session.ended', 'by self: this session (log-out)']]);
});

test('"End all other sessions" keeps only this one', async () => {
  const e1 = await loginFrom('eve', CHROME_LINUX, '198.51.100.40');
  const e2 = await loginFrom('eve', FIREFOX_WINDOWS, '198.51.100.41');
  const e3 = await loginFrom('eve', SAFARI_IPHONE, '198.51.100.42');
  assert.equal((await sessionsOf(e2)).rows.length, 3);
  const r = await post(srv.base, '/admin/account/sessions/end-others', e2);
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/admin/account/sessions?done=others');
  assert.deepEqual([await alive(e1), await alive(e2), await alive(e3)], [false, true, false]);
  const eveId = dbExec(dir, "SELECT id FROM users WHERE login = 'eve'").trim();
  assert.deepEqual(audited(`user:${eveId}`),
    [{ login: 'eve', action: 'session.ended', detail: 'by self: every other session (2)', address: '127.0.0.1' }]);
  const { html, rows } = await sessionsOf(e2, r.headers.get('location'));
  assert.equal(formNotice(html), 'Every other session has ended: only this browser is logged in.');
  assert.equal(rows.length, 1);
  assert.equal(rows[0].device, 'Firefox on Windows');
  assert.ok(rows[0].current);
});

test("bad input: another person's session, a non-number, a missing or forged CSRF token: 4xx and nothing ends", async () => {
  const f1 = await loginFrom('fay', CHROME_LINUX, '198.51.100.50');
  const f2 = await loginFrom('fay', FIREFOX_WINDOWS, '198.51.100.51');
  const b = await loginFrom('ben', SAFARI_IPHONE, '198.51.100.52');
  const bensId = await idOf(b);
  const fays = (await sessionsOf(f1)).rows;
  const before = storedSessions('fay').length + storedSessions('ben').length;
  // another person's session answers as a missing one
  let r = await post(srv.base, `/admin/account/sessions/${bensId}/end`, f1);
  assert.equal(r.status, 404, "another person's session: 404");
  assert.deepEqual(audited(`session:${bensId}`).map((e) => [e.login, e.action]), [['fay', 'session.end_refused']],
    'the refusal is audited');
  r = await post(srv.base, '/admin/account/sessions/4503599627370497/end', f1);
  assert.equal(r.status, 404, 'a missing session: the same 404');
  for (const id of ['abc', '-1', '0', '1e3', '99999999999999999999999', '%20']) {
    r = await post(srv.base, `/admin/account/sessions/${id}/end`, f1);
    assert.equal(r.status, 404, `id ${id}`);
  }
  // the CSRF token: missing, forged
  r = await post(srv.base, `/admin/account/sessions/${fays.find((x) => !x.current).id}/end`, f1, { csrf: '' });
  assert.equal(r.status, 403, 'no CSRF token: 403');
  r = await post(srv.base, `/admin/account/sessions/${fays.find((x) => !x.current).id}/end`, f1, { csrf: f2.csrf });
  assert.equal(r.status, 403, "another session's CSRF token: 403");
  r = await post(srv.base, '/admin/account/sessions/end-others', f1, { csrf: 'forged' });
  assert.equal(r.status, 403);
  // without a session
  r = await request(srv.base, '/admin/account/sessions/end-others', { form: { csrf: f1.csrf } });
  assert.equal(r.status, 403);
  r = await request(srv.base, '/admin/account/sessions');
  assert.equal(r.status, 303, 'the page asks for a log-in');
  // a GET cannot end anything (no GET route has that path)
  r = await request(srv.base, `/admin/account/sessions/${bensId}/end`, { session: f1 });
  assert.equal(r.status, 404);
  assert.equal(storedSessions('fay').length + storedSessions('ben').length, before, 'nothing was ended');
  assert.deepEqual([await alive(f1), await alive(f2), await alive(b)], [true, true, true]);
});

/** The settings form's fields as stored, with `changes` applied. */
async function settingsForm(admin, changes) {
  const form = (await page(srv.base, '/admin/settings', admin)).html;
  const fields = {};
  for (const m of form.matchAll(/name="([a-z_.]+)"/g)) if (m[1] !== 'csrf') fields[m[1]] = fieldValue(form, m[1]) ?? '';
  return { ...fields, ...changes };
}

test('settings: lifetime and idle timeout, empty by default (12 hours, no idle limit), bounded', async () => {
  const boss = await loginFrom('boss', CHROME_LINUX, '198.51.100.60');
  const form = (await page(srv.base, '/admin/settings', boss)).html;
  assert.equal(fieldValue(form, 'session.lifetime_minutes'), '', 'unset: the configuration decides, as before');
  assert.equal(fieldValue(form, 'session.idle_minutes'), '', 'unset: no idle timeout, as before');
  for (const [key, bad] of [['session.idle_minutes', '4'], ['session.idle_minutes', 'ten'],
    ['session.lifetime_minutes', '129601'], ['session.lifetime_minutes', '-5']]) {
    const r = await post(srv.base, '/admin/settings', boss, await settingsForm(boss, { [key]: bad }));
    const html = await r.text();
    assert.equal(r.status, 400, `${key}=${bad}`);
    assert.match(formError(html), /^Sessions: .*: a whole number from 5 to 129600\.$/);
    assert.equal(fieldValue(html, key), bad, 'the form keeps what was typed');
  }
  // today's behaviour by default: 12 hours from log-in (broadsheet.conf's session_lifetime), no idle limit
  const g = await loginFrom('ben', CHROME_LINUX, '198.51.100.61');
  const cookie = g.res.headers.getSetCookie().find((c) => c.startsWith('bs_session='));
  assert.match(cookie, /Max-Age=43200/);
  const id = await idOf(g);
  dbExec(dir, `UPDATE sessions SET created_at = created_at - 11 * 3600, last_seen = last_seen - 11 * 3600 WHERE id = ${id}`);
  assert.equal(await alive(g), true, 'idle 11 hours, 11 hours old: alive (no idle limit by default)');
  dbExec(dir, `UPDATE sessions SET created_at = created_at - 3600 WHERE id = ${id}`);
  assert.equal(await alive(g), false, '12 hours after its log-in a session is over');
});

test('idle timeout and lifetime enforced: a session past either is refused and deleted; last seen written at most once a minute', async () => {
  const boss = await loginFrom('boss', CHROME_LINUX, '198.51.100.70');
  let r = await post(srv.base, '/admin/settings', boss,
    await settingsForm(boss, { 'session.lifetime_minutes': '60', 'session.idle_minutes': '5' }));
  assert.equal(r.status, 200, formError(await r.text()));
  try {
    const x = await loginFrom('ida', CHROME_LINUX, '198.51.100.71');
    assert.match(sessionSetCookie(x.res), /Max-Age=3600/, 'the cookie lasts the lifetime setting');
    const id = await idOf(x);
    // last seen: a request writes it when it is a minute old or more, and not more often
    dbExec(dir, `UPDATE sessions SET last_seen = last_seen - 30 WHERE id = ${id}`);
    const seen30 = storedSessions('ida').find((s) => s[0] === id)[2];
    assert.equal(await alive(x), true);
    assert.equal(storedSessions('ida').find((s) => s[0] === id)[2], seen30, 'seen 30 s ago: not written again');
    dbExec(dir, `UPDATE sessions SET last_seen = last_seen - 240 WHERE id = ${id}`);
    const t = now();
    assert.equal(await alive(x), true, 'idle 4.5 minutes of 5: alive');
    const seen = Number(storedSessions('ida').find((s) => s[0] === id)[2]);
    assert.ok(seen >= t - 1 && seen <= now() + 1, `the request was written as the last seen (${seen})`);
    // idle: clearly past 5 minutes
    dbExec(dir, `UPDATE sessions SET last_seen = last_seen - 360 WHERE id = ${id}`);
    r = await request(srv.base, '/admin/', { session: x });
    assert.equal(r.status, 303);
    assert.match(r.headers.get('location'), /expired=1/, 'told it expired');
    assert.equal(storedSessions('ida').filter((s) => s[0] === id).length, 0, 'the idle session is deleted');
    // lifetime: clearly past 60 minutes from the log-in, however recently used
    const y = await loginFrom('ida', FIREFOX_WINDOWS, '198.51.100.72');
    const yid = await idOf(y);
    dbExec(dir, `UPDATE sessions SET created_at = created_at - 59 * 60 WHERE id = ${yid}`);
    assert.equal(await alive(y), true, '59 minutes old: alive');
    dbExec(dir, `UPDATE sessions SET created_at = created_at - 2 * 60 WHERE id = ${yid}`);
    assert.equal(await alive(y), false, '61 minutes old: over');
    assert.equal(storedSessions('ida').filter((s) => s[0] === yid).length, 0, 'the expired session is deleted');
    // an over session is not listed among the active ones
    const z = await loginFrom('ida', SAFARI_IPHONE, '198.51.100.73');
    const w = await loginFrom('ida', CHROME_LINUX, '198.51.100.74');
    const wid = await idOf(w);
    dbExec(dir, `UPDATE sessions SET last_seen = last_seen - 600 WHERE id = ${wid}`);
    const { rows } = await sessionsOf(z);
    assert.deepEqual(rows.map((s) => s.device), ['Safari on iOS'], 'the idle one is not listed');
    assert.equal(await alive(w), false);
  } finally {
    r = await post(srv.base, '/admin/settings', boss,
      await settingsForm(boss, { 'session.lifetime_minutes': '', 'session.idle_minutes': '' }));
    assert.equal(r.status, 200);
  }
});

/** The id of an account on the users page. */
function userIdOf(html, name) {
  return new RegExp(`<tr><td>${name}</td>[\\s\\S]*?/admin/users/(\\d+)/sign-out"`).exec(html)?.[1];
}

test('admin: "Sign out everywhere and disable" ends every session and refuses log-in; "Sign out everywhere" only ends them', async () => {
  addUser(dir, 'gil', 'reporter', PW);
  addUser(dir, 'hal', 'editor', PW);
  const boss = await loginFrom('boss', CHROME_LINUX, '198.51.100.80');
  const g1 = await loginFrom('gil', CHROME_LINUX, '198.51.100.81');
  const g2 = await loginFrom('gil', FIREFOX_WINDOWS, '198.51.100.82');
  const h1 = await loginFrom('hal', CHROME_LINUX, '198.51.100.83');
  const h2 = await loginFrom('hal', SAFARI_IPHONE, '198.51.100.84');
  const users = (await page(srv.base, '/admin/users', boss)).html;
  assert.match(users, />Sign out everywhere<\/button>/);
  assert.match(users, />Sign out everywhere and disable<\/button>/);
  const gil = userIdOf(users, 'gil'), hal = userIdOf(users, 'hal'), me = userIdOf(users, 'boss');
  assert.ok(gil && hal && me);
  // sign out everywhere and disable: one POST
  let r = await post(srv.base, `/admin/users/${gil}/disable`, boss);
  let html = await r.text();
  assert.equal(r.status, 200, formError(html));
  assert.equal(formNotice(html), 'Account disabled; its sessions have ended.');
  assert.match(/<tr><td>gil<\/td>[\s\S]*?<\/tr>/.exec(html)[0], /<td>disabled<\/td>/);
  assert.deepEqual([await alive(g1), await alive(g2)], [false, false], "the user's cookies stop working");
  assert.equal(storedSessions('gil').length, 0);
  assert.equal((await loginPost(srv.base, 'gil', PW)).status, 401, 'log-in is refused');
  assert.deepEqual(audited(`user:${gil}`).map((e) => [e.login, e.action, e.detail]), [
    ['boss', 'session.ended', 'by admin: every session of gil'],
    ['boss', 'user.signed_out_everywhere', 'gil, by admin'],
    ['boss', 'user.disabled', 'gil, by admin']]);
  // sign out everywhere, the account kept
  r = await post(srv.base, `/admin/users/${hal}/sign-out`, boss);
  html = await r.text();
  assert.equal(r.status, 200, formError(html));
  assert.equal(formNotice(html), 'hal is signed out everywhere.');
  assert.deepEqual([await alive(h1), await alive(h2)], [false, false]);
  assert.equal(storedSessions('hal').length, 0);
  assert.equal((await loginPost(srv.base, 'hal', PW)).status, 303, 'hal can log in again');
  assert.deepEqual(audited(`user:${hal}`).map((e) => [e.login, e.action, e.detail]), [
    ['boss', 'session.ended', 'by admin: every session of hal'],
    ['boss', 'user.signed_out_everywhere', 'hal, by admin']]);
  assert.equal(await alive(boss), true, "the admin's own session is untouched");
});

test('admin sign-out refusals: own account, unknown or non-number account, no CSRF token, not an admin', async () => {
  const boss = await loginFrom('boss', CHROME_LINUX, '198.51.100.90');
  const i1 = await loginFrom('ana', CHROME_LINUX, '198.51.100.91');
  const users = (await page(srv.base, '/admin/users', boss)).html;
  const me = userIdOf(users, 'boss'), ana = userIdOf(users, 'ana');
  let r = await post(srv.base, `/admin/users/${me}/sign-out`, boss);
  assert.equal(r.status, 400);
  assert.match(formError(await r.text()), /^You cannot sign yourself out everywhere here/);
  r = await post(srv.base, `/admin/users/${me}/disable`, boss);
  assert.equal(r.status, 400);
  assert.deepEqual(audited(`user:${me}`).map((e) => [e.action, e.detail]),
    [['user.sign_out_refused', 'own account'], ['user.disable_refused', 'own account']]);
  for (const id of ['999999', 'abc', '0']) {
    r = await post(srv.base, `/admin/users/${id}/sign-out`, boss);
    assert.equal(r.status, 404, `sign-out of ${id}`);
    r = await post(srv.base, `/admin/users/${id}/disable`, boss);
    assert.equal(r.status, 404, `disable of ${id}`);
  }
  r = await post(srv.base, `/admin/users/${ana}/sign-out`, boss, { csrf: '' });
  assert.equal(r.status, 403, 'no CSRF token');
  r = await post(srv.base, `/admin/users/${ana}/disable`, boss, { csrf: 'forged' });
  assert.equal(r.status, 403, 'a forged CSRF token');
  r = await post(srv.base, `/admin/users/${ana}/sign-out`, i1);
  assert.equal(r.status, 403, 'a reporter is not an admin');
  assert.equal(await alive(i1), true, 'nothing was ended');
  assert.equal(await alive(boss), true);
});

test('upgrade: a session of before the sessions migration keeps working, numbered, last seen at its start', async () => {
  const old = await loginFrom('ben', CHROME_LINUX, '198.51.100.99');
  const before = dbExec(dir, 'SELECT token_hash, created_at FROM sessions ORDER BY token_hash').trim();
  await srv.stop();
  srv = null;
  // back to the schema before the sessions migration (20: the audit log's; the ones after it undone:
  // tests/lib/migrations.mjs), the sessions there were kept
  if (ENGINE === 'pg') dbExec(dir, undoAfter(20) + 'UPDATE broadsheet_schema SET version = 20;');
  else {
    // (SQLite's DROP COLUMN re-reads every trigger, and the search triggers' tokenizer is only the
    // server's: they are set aside and put back as they were)
    const triggers = dbExec(dir, "SELECT group_concat(sql || ';', char(10)) FROM sqlite_master WHERE type = 'trigger'");
    const drop = dbExec(dir, "SELECT group_concat('DROP TRIGGER ' || name || ';', ' ') FROM sqlite_master WHERE type = 'trigger'");
    dbExec(dir, drop + undoAfter(20) + triggers + 'PRAGMA user_version = 20;');
  }
  assert.doesNotMatch(dbExec(dir, ENGINE === 'pg'
    ? "SELECT string_agg(column_name, ',') FROM information_schema.columns WHERE table_name = 'sessions'"
    : "SELECT group_concat(name) FROM pragma_table_info('sessions')"), /last_seen/, 'rewound');
  srv = await startServer(dir);
  assert.equal(dbExec(dir, 'SELECT token_hash, created_at FROM sessions ORDER BY token_hash').trim(), before,
    'every session is still there');
  const rows = dbExec(dir, 'SELECT id, last_seen - created_at, user_agent, address, method FROM sessions')
    .trim().split('\n').map((l) => l.split('\t'));
  assert.ok(rows.length > 5);
  for (const [id, seen, agent, address, method] of rows) {
    assert.ok(Number(id) >= 1 && Number(id) <= 2 ** 52, `a public id: ${id}`);
    assert.deepEqual([seen, agent, address, method], ['0', '', '', 'password'], 'last seen at the start; device unknown');
  }
  assert.equal(new Set(rows.map((r) => r[0])).size, rows.length, 'the ids differ');
  assert.equal(await alive(old), true, 'the session goes on after the upgrade');
  const { rows: listed } = await sessionsOf(old);
  const mine = listed.find((r) => r.current);
  assert.equal(mine.device, 'Unknown device');
  assert.equal(mine.agent, 'No User-Agent was sent.');
  assert.equal(mine.address, '-');
  const r = await post(srv.base, `/admin/account/sessions/${listed.find((x) => !x.current).id}/end`, old);
  assert.equal(r.status, 303, 'and an old session can be ended by its number');
});

test('the scheduler deletes ended sessions with their device and address; live ones stay', async () => {
  const live = await loginFrom('cat', SAFARI_IPHONE, '198.51.100.110');
  const over = await loginFrom('cat', CHROME_LINUX, '198.51.100.111');
  const liveId = await idOf(live), overId = await idOf(over);
  await srv.stop();
  srv = null;
  // over: started 13 hours ago (the default lifetime is 12), never presented again
  dbExec(dir, `UPDATE sessions SET created_at = created_at - 13 * 3600, last_seen = last_seen - 13 * 3600 WHERE id = ${overId}`);
  srv = await startServer(dir); // the scheduler's first round purges
  let left;
  for (let i = 0; i < 100; i++) { // (waits for the round, up to 20 s; never a timing assertion)
    left = dbExec(dir, `SELECT count(*) FROM sessions WHERE id = ${overId}`).trim();
    if (left === '0') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(left, '0', 'the ended session is deleted without being presented');
  assert.equal(dbExec(dir, `SELECT address FROM sessions WHERE id = ${liveId}`).trim(), '198.51.100.110', 'the live one stays');
  assert.equal(await alive(live), true);
});
