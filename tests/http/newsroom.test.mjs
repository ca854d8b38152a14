// The newsroom over real HTTP: accounts (CLI and web), log-in, sessions and their end, throttling, CSRF,
// the role matrix, the article editor (save, validation, stale saves, revisions), the workflow with the
// scheduler's own clock, old-slug redirects, corrections, the "updated" stamp, passwords and settings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSite, startServer, configure, run, tempDir, demoDoc, unescapeHtml, dbExec } from '../lib/server.mjs';
import {
  addUser, login, loginPost, request, post, page, fieldValue, selectOptions, formError, formNotice,
  sessionCookieOf, sessionSetCookie, editorFields, editorVersion, publicHref, utcText, rawUpload,
} from '../lib/newsroom.mjs';

const PW = 'a-long-password';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let dir, srv, base;
let strictDir, strict; // a second site: 2-second sessions, 3 failed log-ins per minute
let strictExpired; // a session on it that has expired
const sessions = {};
const sections = {}; // "en:Politics" -> section id (from the editor's <select>)
const demoIds = {}; // demo article headline -> admin id (from the dashboard)

/** A logged-in session for one of the main site's accounts (cached). */
async function as(name) {
  sessions[name] ??= await login(base, name, PW);
  return sessions[name];
}

/** The article fields the brief's form uses; override any of them. */
function articleForm(overrides = {}) {
  return {
    version: '0', headline: 'Harbour cranes return to work', standfirst: 'Dockers end a two-week stoppage.',
    body: 'The port reopened on **Monday**.\n\nShips queued overnight.', edition: 'en', section: sections['en:Business'],
    slug: '', dateline: 'BEIRUT', bylines: 'Rana Haddad; Omar Khalil', tags: 'ports, labour', media: '0',
    caption: 'Cranes at dawn', credit: 'Staff', translation: '', do: 'save', ...overrides,
  };
}

/** Creates an article as `who`; returns its id. */
async function createArticle(who, overrides = {}) {
  const s = await as(who);
  const r = await post(base, '/admin/articles/new', s, articleForm(overrides));
  const text = await r.text();
  assert.equal(r.status, 303, `create article: ${formError(text)}`);
  const m = /^\/admin\/articles\/(\d+)(\?|$)/.exec(r.headers.get('location'));
  assert.ok(m, `redirects to the editor: ${r.headers.get('location')}`);
  return Number(m[1]);
}

/** The editor page of article id for `who` (asserts 200). */
async function editor(who, id) {
  const p = await page(base, `/admin/articles/${id}`, await as(who));
  assert.equal(p.status, 200, `GET /admin/articles/${id} as ${who}`);
  return p.html;
}

/** Saves article id as `who` from its current editor fields plus overrides; returns the response. */
async function saveArticle(who, id, overrides = {}) {
  const f = editorFields(await editor(who, id));
  return post(base, `/admin/articles/${id}`, await as(who), { ...f, ...overrides, do: 'save' });
}

/** Moves article id through the workflow as `who`; returns the response. */
async function setStatus(who, id, fields) {
  return post(base, `/admin/articles/${id}/status`, await as(who), fields);
}

/** Publishes article id as an editor and returns its public address. */
async function publish(id, extra = {}) {
  const r = await setStatus('ed', id, { to: 'publish', ...extra });
  assert.equal(r.status, 303, `publish: ${formError(await r.text())}`);
  const href = publicHref(await editor('ed', id));
  assert.ok(href, 'a published article links to its public page');
  return href;
}

const get = (p) => request(base, p);
/** Some Arabic-edition section id. */
const arSection = () => Object.entries(sections).find(([k]) => k.startsWith('ar:'))[1];

/** The latest-news links of a front page. */
function latestHrefs(html) {
  const aside = /<aside class="latest"[\s\S]*?<\/aside>/.exec(html);
  assert.ok(aside, 'page has a latest-news aside');
  return [...aside[0].matchAll(/<li><a href="([^"]+)">/g)].map((m) => unescapeHtml(m[1]));
}

before(async () => {
  dir = demoSite(0);
  for (const [name, role] of [['boss', 'admin'], ['ed', 'editor'], ['ed2', 'editor'], ['rep', 'reporter'],
    ['rep2', 'reporter'], ['mod', 'moderator'], ['gone', 'editor'], ['gone2', 'reporter'], ['pwuser', 'reporter'],
    ['csrfuser', 'reporter'], ['cliuser', 'reporter']]) addUser(dir, name, role, PW);
  // the CLI test blocks this process in spawnSync for a while: the client's kept-alive connection must not
  // be closed as idle meanwhile (the next fetch would fail with "fetch failed" on a slow machine)
  configure(dir, { connection_timeout: 600 });
  srv = await startServer(dir);
  base = srv.base;
  const ed = await page(base, '/admin/articles/new', await as('ed'));
  for (const o of selectOptions(ed.html, 'section')) {
    const [edLabel, name] = o.label.split(': ');
    sections[`${edLabel === 'English' ? 'en' : 'ar'}:${name}`] = o.value;
  }
  assert.ok(sections['en:Business'] && sections['en:World'] && Object.keys(sections).some((k) => k.startsWith('ar:')),
    `sections found: ${JSON.stringify(sections)}`);
  const dash = await page(base, '/admin/', await as('ed'));
  for (const m of dash.html.matchAll(/<li><a href="\/admin\/articles\/(\d+)"><bdi>([^<]*)<\/bdi><\/a> <span class="meta">(en|ar) /g))
    demoIds[`${m[3]}:${unescapeHtml(m[2])}`] = Number(m[1]);

  strictDir = demoSite(0);
  configure(strictDir, { session_lifetime: 5, login_max_failures: 3, login_window: 60 });
  for (const n of ['short', 'th', 'th2']) addUser(strictDir, n, 'editor', PW);
  strict = await startServer(strictDir);
});

after(async () => {
  // stop both, then report the first failure (a server that crashed fails here)
  const results = await Promise.allSettled([srv?.stop(), strict?.stop()]);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
});

// ---------------------------------------------------------------------------------------------- 1. CLI

test('CLI: user add, list, passwd, disable, enable; refusals exit 65 with a message; --help', async () => {
  const u = ['--site', dir];
  const add = run(['user', 'add', ...u, '--name', 'clinew', '--role', 'moderator', '--display-name', 'Cli New'],
    { input: `${PW}\n` });
  assert.equal(add.status, 0, add.stderr);
  assert.match(add.stdout, /Added clinew \(moderator\)/);
  const listed = () => run(['user', 'list', ...u]).stdout.split('\n').find((l) => l.startsWith('clinew '));
  assert.match(listed(), /^clinew\s+moderator\s+active\s+Cli New$/);

  // refusals: bad role, short password, duplicate login, bad login, unknown account
  const cases = [
    [['user', 'add', ...u, '--name', 'x1', '--role', 'boss'], PW, /role must be admin, editor, reporter or moderator/],
    [['user', 'add', ...u, '--name', 'x2', '--role', 'editor'], 'short', /at least 10 characters/],
    [['user', 'add', ...u, '--name', 'clinew', '--role', 'editor'], PW, /already taken/],
    [['user', 'add', ...u, '--name', 'Bad Login!', '--role', 'editor'], PW, /login is 2 to 64/],
    [['user', 'passwd', ...u, '--name', 'nobody'], PW, /no account with that login/],
    [['user', 'disable', ...u, '--name', 'nobody'], '', /no account with that login/],
  ];
  for (const [args, pw, msg] of cases) {
    const r = run(args, { input: `${pw}\n` });
    assert.equal(r.status, 65, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, msg, args.join(' '));
  }
  assert.equal(run(['user', 'list', ...u]).stdout.match(/^x[12] /m), null, 'refused accounts were not created');
  assert.match(listed(), /moderator/, 'the duplicate did not replace the first account\'s role');

  // passwd: the old password stops working and the account's sessions end
  const before = await login(base, 'cliuser', PW);
  const pw = run(['user', 'passwd', ...u, '--name', 'cliuser'], { input: 'a-changed-password\n' });
  assert.equal(pw.status, 0, pw.stderr);
  assert.match(pw.stdout, /Password of cliuser changed/);
  assert.equal((await request(base, '/admin/', { session: before })).status, 303, 'passwd ends existing sessions');
  assert.equal((await loginPost(base, 'cliuser', PW)).status, 401);
  await login(base, 'cliuser', 'a-changed-password');
  const shortPw = run(['user', 'passwd', ...u, '--name', 'cliuser'], { input: 'short\n' });
  assert.equal(shortPw.status, 65);
  assert.match(shortPw.stderr, /at least 10 characters/);

  // disable / enable
  const dis = run(['user', 'disable', ...u, '--name', 'clinew']);
  assert.equal(dis.status, 0, dis.stderr);
  assert.match(listed(), /^clinew\s+moderator\s+disabled\s/);
  assert.equal((await loginPost(base, 'clinew', PW)).status, 401, 'a disabled account cannot log in');
  const en = run(['user', 'enable', ...u, '--name', 'clinew']);
  assert.equal(en.status, 0, en.stderr);
  assert.match(listed(), /^clinew\s+moderator\s+active\s/);
  await login(base, 'clinew', PW);

  // help and usage
  for (const args of [['user', '--help'], ['user', 'add', '--help'], ['help', 'user']]) {
    const r = run(args);
    assert.equal(r.status, 0, args.join(' '));
    assert.match(r.stdout, /^usage: broadsheet user add --site DIR --name LOGIN --role/, args.join(' '));
  }
  for (const args of [['user'], ['user', 'frob', '--site', dir], ['user', 'add', '--site', dir, '--role', 'editor'],
    ['user', 'add', '--site', dir, '--name', 'zz'], ['user', 'list', '--site']]) {
    const r = run(args, { input: `${PW}\n` });
    assert.equal(r.status, 64, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /usage: broadsheet user/);
  }
  const noSite = run(['user', 'list', '--site', tempDir()]);
  assert.equal(noSite.status, 66, noSite.stderr);
});

// ------------------------------------------------------------------------------------------ 2. log-in

test('anonymous newsroom requests are sent to the log-in page with next=', async () => {
  const r = await get('/admin/');
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/admin/login?next=%2Fadmin%2F');
  const r2 = await get('/admin/articles/new?edition=ar');
  assert.equal(r2.status, 303);
  assert.equal(r2.headers.get('location'), '/admin/login?next=%2Fadmin%2Farticles%2Fnew%3Fedition%3Dar');
  const form = await (await get('/admin/login?next=%2Fadmin%2Farticles%2Fnew%3Fedition%3Dar')).text();
  assert.equal(fieldValue(form, 'next'), '/admin/articles/new?edition=ar');
  // after log-in the person lands where they were going, but only inside the newsroom
  const ok = await loginPost(base, 'ed', PW, { next: '/admin/articles/new?edition=ar' });
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get('location'), '/admin/articles/new?edition=ar');
  for (const next of ['https://evil.example/', '//evil.example/admin/', '/en/']) {
    const r3 = await loginPost(base, 'ed', PW, { next });
    assert.equal(r3.status, 303);
    assert.equal(r3.headers.get('location'), '/admin/', `next=${next} is not followed`);
  }
  // a POST without a session is refused, not redirected
  assert.equal((await request(base, '/admin/logout', { form: { csrf: 'x' } })).status, 403);
});

test('wrong password: 401, no cookie, the login kept in the form', async () => {
  const r = await loginPost(base, 'ed', 'not-the-password');
  assert.equal(r.status, 401);
  assert.equal(sessionCookieOf(r), undefined);
  const html = await r.text();
  assert.equal(fieldValue(html, 'login'), 'ed');
  assert.match(formError(html), /do not match an active account/);
  assert.equal(fieldValue(html, 'password'), '', 'the password is not sent back');
  // unknown account: the same answer
  const u = await loginPost(base, 'nobody-here', 'not-the-password');
  assert.equal(u.status, 401);
  assert.match(formError(await u.text()), /do not match an active account/);
  // a forged or missing log-in form token is refused
  const forged = await request(base, '/admin/login', { form: { login: 'ed', password: PW, token: '123.abc', next: '' } });
  assert.equal(forged.status, 403);
  assert.equal(sessionCookieOf(forged), undefined);
});

test('good log-in: 303 and an HttpOnly, SameSite=Lax session cookie (no Secure over http)', async () => {
  const r = await loginPost(base, 'ed', PW);
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/admin/');
  const sc = sessionSetCookie(r);
  assert.ok(sc, 'sets bs_session');
  const attrs = sc.split(';').map((s) => s.trim().toLowerCase());
  assert.ok(attrs.includes('httponly'), sc);
  assert.ok(attrs.includes('samesite=lax'), sc);
  assert.ok(attrs.includes('path=/'), sc);
  assert.ok(!attrs.includes('secure'), `no Secure over plain http: ${sc}`);
  assert.match(sessionCookieOf(r), /^[0-9a-f]{64}$/);
  const dash = await request(base, '/admin/', { cookie: sessionCookieOf(r) });
  assert.equal(dash.status, 200);
  assert.equal(dash.headers.get('cache-control'), 'no-store');
  assert.match(await dash.text(), /<span class="who"><bdi>ed<\/bdi> \(editor\)<\/span>/); // the login isolated (an Arabic newsroom)
});

test('no session fixation: every log-in gets a new cookie; a cookie sent at log-in is not kept', async () => {
  const a = await login(base, 'ed2', PW);
  const b = await login(base, 'ed2', PW);
  assert.notEqual(a.cookie, b.cookie, 'a new value at each log-in');
  // logging in while presenting session a: a new value, and a stops working
  const r = await loginPost(base, 'ed2', PW, { cookie: a.cookie });
  assert.equal(r.status, 303);
  const c = sessionCookieOf(r);
  assert.ok(c && c !== a.cookie, 'the presented cookie is replaced');
  assert.equal((await request(base, '/admin/', { cookie: a.cookie })).status, 303, 'the presented session ended');
  assert.equal((await request(base, '/admin/', { cookie: c })).status, 200);
  // a value planted by an attacker is never adopted
  const planted = 'ab'.repeat(32);
  const r2 = await loginPost(base, 'ed2', PW, { cookie: planted });
  assert.equal(r2.status, 303);
  assert.notEqual(sessionCookieOf(r2), planted);
  assert.equal((await request(base, '/admin/', { cookie: planted })).status, 303);
});

test('log-out (POST with csrf) ends the session on the server', async () => {
  const s = await login(base, 'ed2', PW);
  const r = await post(base, '/admin/logout', s);
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/admin/login');
  assert.match(sessionSetCookie(r), /^bs_session=; .*Max-Age=0/);
  const again = await request(base, '/admin/', { session: s }); // the old cookie, replayed
  assert.equal(again.status, 303);
  assert.match(again.headers.get('location'), /^\/admin\/login\?next=/);
  assert.equal((await post(base, '/admin/preview', s, { body: 'x' })).status, 403);
});

test('a disabled account cannot log in and its sessions end (CLI and web)', async () => {
  const s = await login(base, 'gone', PW);
  const r = run(['user', 'disable', '--site', dir, '--name', 'gone']);
  assert.equal(r.status, 0, r.stderr);
  const after = await request(base, '/admin/', { session: s });
  assert.equal(after.status, 303);
  assert.match(after.headers.get('location'), /^\/admin\/login\?next=/);
  const l = await loginPost(base, 'gone', PW);
  assert.equal(l.status, 401);
  assert.equal(sessionCookieOf(l), undefined);

  // the admin disables gone2 from the users page
  const s2 = await login(base, 'gone2', PW);
  const boss = await as('boss');
  const users = await page(base, '/admin/users', boss);
  const row = /<tr><td>gone2<\/td>[\s\S]*?<\/tr>/.exec(users.html)[0];
  const action = /action="(\/admin\/users\/\d+\/disable)"/.exec(row)[1];
  const d = await post(base, action, boss);
  assert.equal(d.status, 200);
  const html = await d.text();
  assert.match(formNotice(html), /disabled/);
  assert.match(/<tr><td>gone2<\/td>[\s\S]*?<\/tr>/.exec(html)[0], /<td>disabled<\/td>/);
  assert.equal((await request(base, '/admin/', { session: s2 })).status, 303);
  assert.equal((await loginPost(base, 'gone2', PW)).status, 401);
  // an admin cannot disable themselves
  const me = /<tr><td>boss<\/td>[\s\S]*?action="(\/admin\/users\/\d+\/disable)"/.exec(html)[1];
  assert.equal((await post(base, me, boss)).status, 400);
  assert.equal((await request(base, '/admin/', { session: boss })).status, 200);
});

// -------------------------------------------------------------------------------------- 3. throttling

test('throttling: the 4th wrong password in the window gets 429 + Retry-After, even the right password', async () => {
  const b = strict.base;
  for (let i = 1; i <= 3; i++) assert.equal((await loginPost(b, 'th', `wrong-password-${i}`)).status, 401, `attempt ${i}`);
  const t = await loginPost(b, 'th', 'wrong-password-4');
  assert.equal(t.status, 429);
  const retry = t.headers.get('retry-after');
  assert.match(retry ?? '', /^\d+$/, 'Retry-After is a number of seconds');
  assert.ok(Number(retry) > 0 && Number(retry) <= 60, `Retry-After ${retry}`);
  const html = await t.text();
  assert.match(formError(html), /Too many failed log-ins/);
  assert.equal(fieldValue(html, 'login'), 'th');
  const right = await loginPost(b, 'th', PW);
  assert.equal(right.status, 429, 'the right password is refused while throttled');
  assert.equal(sessionCookieOf(right), undefined);
  assert.ok(Number(right.headers.get('retry-after')) > 0);
  // the limit is per account: another account still logs in
  await login(b, 'th2', PW);
});

test('sessions expire (session_lifetime = 5): redirected with expired=1', async () => {
  // the live check comes straight after its own log-in, and the lifetime leaves room for a slow one (an
  // ASan build's argon2id on a loaded machine): the test must not depend on speed
  const s = await login(strict.base, 'short', PW);
  assert.equal((await request(strict.base, '/admin/', { session: s })).status, 200);
  strictExpired = await login(strict.base, 'short', PW); // used by the next test
  await sleep(6000);
  const r = await request(strict.base, '/admin/', { session: s });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/admin/login?next=%2Fadmin%2F&expired=1');
  const form = await (await request(strict.base, r.headers.get('location'))).text();
  assert.match(formNotice(form), /session has expired/);
  assert.equal(fieldValue(form, 'next'), '/admin/');
  // a non-form POST after expiry is refused
  assert.equal((await post(strict.base, '/admin/preview', s, { body: 'x' })).status, 403);
});

// BUG (reported): a POST to the article editor (a ROUTE_KEEPS_INPUT route) with no session or an expired
// one reaches article_edit_page with req->session == NULL; editor_show() (and may_edit() for
// /admin/articles/{id}) call can_publish(), which reads req->session->user.role: a NULL dereference at
// src/page_editor.c:88 that kills the whole server (UBSan aborts; a release build segfaults). Any
// anonymous client can do it. Expected: 403 with the editor shown again and the typed text kept, as
// routes.h promises. This test runs last on the strict site because it brings that server down.
test('editor POST with an expired or no session: 403, the form shown again as typed (no crash)', async () => {
  const b = strict.base;
  const send = async (label, path, opts) => {
    try {
      return await request(b, path, opts);
    } catch (e) {
      assert.fail(`${label}: the server did not answer (${e.cause?.code ?? e.message}); its stderr:\n${strict.stderr}`);
    }
  };
  const typed = { version: '0', headline: 'Typed before expiry', body: 'Long text\n\nkept', edition: 'en', do: 'save' };
  let s = strictExpired;
  if (!s) {
    s = await login(b, 'short', PW);
    await sleep(6000); // past the strict site's session_lifetime
  }
  const p = await send('expired session', '/admin/articles/new', { session: s, form: { csrf: s.csrf, ...typed } });
  assert.equal(p.status, 403);
  const html = await p.text();
  assert.match(formError(html), /session has expired/);
  assert.equal(fieldValue(html, 'headline'), typed.headline);
  assert.equal(fieldValue(html, 'body'), typed.body);
  for (const path of ['/admin/articles/new', '/admin/articles/1']) {
    const a = await send(`anonymous POST ${path}`, path, { form: { csrf: 'x', ...typed } });
    assert.equal(a.status, 403, path);
    assert.equal(fieldValue(await a.text(), 'headline'), typed.headline, path);
  }
});

// ------------------------------------------------------------------------------------------- 4. CSRF

test('CSRF: a new-article POST without or with a wrong token is 403, shows the form as typed, saves nothing', async () => {
  const s = await as('ed');
  const other = await as('ed2');
  const typed = articleForm({ headline: 'Unsaved because of CSRF', body: 'Para one.\n\n  Indented *para* two.' });
  for (const [label, csrf] of [['missing', undefined], ['wrong', 'f'.repeat(64)], ['another session\'s', other.csrf]]) {
    const form = { ...typed };
    if (csrf !== undefined) form.csrf = csrf;
    const r = await request(base, '/admin/articles/new', { session: s, form });
    assert.equal(r.status, 403, label);
    const html = await r.text();
    assert.match(formError(html), /security token is missing or out of date/, label);
    assert.equal(fieldValue(html, 'headline'), typed.headline, label);
    assert.equal(fieldValue(html, 'body'), typed.body, label);
    assert.equal(fieldValue(html, 'standfirst'), typed.standfirst, label);
    assert.equal(fieldValue(html, 'bylines'), typed.bylines, label);
    assert.equal(fieldValue(html, 'csrf'), s.csrf, 'the form comes back with the right token');
  }
  const dash = await page(base, '/admin/', s);
  assert.ok(!dash.html.includes('Unsaved because of CSRF'), 'nothing was saved');
});

test('CSRF: log-out without the token is 403 and the session lives on', async () => {
  const s = await login(base, 'ed2', PW);
  const r = await request(base, '/admin/logout', { session: s, form: {} });
  assert.equal(r.status, 403);
  assert.equal(sessionCookieOf(r), undefined);
  const r2 = await request(base, '/admin/logout', { session: s, form: { csrf: 'nope' } });
  assert.equal(r2.status, 403);
  assert.equal((await request(base, '/admin/', { session: s })).status, 200);
});

// INCONSISTENCY (reported): a missing or wrong CSRF token is answered 403 by the editor and the users
// page but 400 by /admin/password and /admin/settings (password_page and settings_page turn req->refusal
// into their generic 400, src/page_admin.c password_page / settings_page). It is the same security
// refusal, so the same 403 is expected; the "nothing changed" half passes today.
test('CSRF: the password and settings forms refuse a POST without the token (403) and change nothing', async () => {
  const s = await login(base, 'csrfuser', PW);
  const boss = await as('boss');
  const pw = await request(base, '/admin/password', { session: s, form: { current: PW, new: 'never-applied-pw' } });
  const pwHtml = await pw.text();
  assert.match(formError(pwHtml), /security token/);
  const st = await request(base, '/admin/settings', { session: boss, form: { csrf: 'bad', 'site_name.en': 'Hijacked', 'site_name.ar': 'x', latest_count: '8' } });
  const stHtml = await st.text();
  assert.match(formError(stHtml), /security token/);
  assert.equal(fieldValue(stHtml, 'site_name.en'), 'Hijacked', 'the typed values are shown again');
  assert.equal((await loginPost(base, 'csrfuser', PW)).status, 303, 'the password did not change');
  assert.equal((await loginPost(base, 'csrfuser', 'never-applied-pw')).status, 401);
  assert.doesNotMatch(await (await get('/en/')).text(), /Hijacked/, 'the settings did not change');
  assert.deepEqual([pw.status, st.status], [403, 403], '403 like the other forms');
});

// ------------------------------------------------------------------------------------------ 5. roles

test('roles: who may open and post what (403 matrix)', async () => {
  const repDraft = await createArticle('rep', { headline: 'Reporter own draft', slug: 'rep-own-draft' });
  const rep2Draft = await createArticle('rep2', { headline: 'Another reporter draft', slug: 'rep2-draft' });
  const repPublished = await createArticle('rep', { headline: 'Reporter story now live', slug: 'rep-live' });
  await publish(repPublished);
  const future = utcText(Date.now() + 3600e3);
  const save = (id) => ({ post: `/admin/articles/${id}`, form: articleForm({ version: '1', headline: 'Changed' }) });
  // [who, method+path or post, expected]
  const matrix = [
    ['rep', { get: '/admin/users' }, 403],
    ['rep', { get: '/admin/settings' }, 403],
    ['rep', { post: '/admin/users', form: { login: 'sneaky', role: 'admin', password: PW } }, 403],
    ['rep', { post: '/admin/settings', form: { latest_count: '5' } }, 403],
    ['rep', { post: `/admin/articles/${repDraft}/status`, form: { to: 'publish' } }, 403],
    ['rep', { post: `/admin/articles/${repDraft}/status`, form: { to: 'schedule', at: future } }, 403],
    ['rep', { post: `/admin/articles/${repDraft}/corrections`, form: { body: 'x' } }, 403],
    ['rep', { get: `/admin/articles/${rep2Draft}` }, 403],
    ['rep', save(rep2Draft), 403],
    ['rep', { get: `/admin/articles/${repPublished}` }, 403],
    ['rep', save(repPublished), 403],
    ['rep', { get: `/admin/articles/${repDraft}` }, 200],
    ['rep', { get: '/admin/articles/new' }, 200],
    ['rep', { get: '/admin/' }, 200],
    ['mod', { get: '/admin/articles/new' }, 403],
    ['mod', { get: `/admin/articles/${repDraft}` }, 403],
    ['mod', { post: '/admin/preview', form: { body: 'x' } }, 403],
    ['mod', { get: '/admin/users' }, 403],
    ['mod', { get: '/admin/' }, 200],
    ['mod', { get: '/admin/password' }, 200],
    ['ed', { get: '/admin/users' }, 403],
    ['ed', { get: '/admin/settings' }, 403],
    ['ed', { post: '/admin/users', form: { login: 'sneaky', role: 'admin', password: PW } }, 403],
    ['ed', { get: `/admin/articles/${rep2Draft}` }, 200],
    ['ed', { get: `/admin/articles/${repPublished}` }, 200],
    ['boss', { get: '/admin/users' }, 200],
    ['boss', { get: '/admin/settings' }, 200],
    ['boss', { get: '/admin/articles/new' }, 200],
    ['boss', { get: `/admin/articles/${rep2Draft}` }, 200],
  ];
  const failures = [];
  for (const [who, req, want] of matrix) {
    const s = await as(who);
    const r = req.get ? await request(base, req.get, { session: s }) : await post(base, req.post, s, req.form);
    await r.arrayBuffer();
    if (r.status !== want) failures.push(`${who} ${req.get ? 'GET' : 'POST'} ${req.get ?? req.post}: ${r.status}, want ${want}`);
  }
  assert.deepEqual(failures, []);
  // nothing the refused requests asked for happened
  assert.match(await editor('rep', repDraft), /<span class="status-badge">draft<\/span>/);
  assert.equal(fieldValue(await editor('ed', rep2Draft), 'headline'), 'Another reporter draft');
  assert.doesNotMatch((await page(base, '/admin/users', await as('boss'))).html, /sneaky/);
  // the admin menu is offered to admins only
  assert.match((await page(base, '/admin/', await as('boss'))).html, /href="\/admin\/users"/);
  assert.doesNotMatch((await page(base, '/admin/', await as('ed'))).html, /href="\/admin\/users"/);
  // a reporter's dashboard lists only their own work
  const dash = (await page(base, '/admin/', await as('rep'))).html;
  assert.ok(dash.includes('Reporter own draft'));
  assert.ok(!dash.includes('Another reporter draft'));
});

// ---------------------------------------------------------------------------------------- 6. writing

test('writing: create an article, the editor shows version 1 and every field', async () => {
  const form = articleForm({ headline: 'Fishermen count a record catch', slug: 'record-catch', tags: 'x, y', bylines: 'A; B' });
  const id = await createArticle('ed', form);
  const html = await editor('ed', id);
  assert.equal(editorVersion(html), 1);
  assert.match(html, /<span class="status-badge">draft<\/span>/);
  const f = editorFields(html);
  assert.equal(f.version, '1');
  for (const k of ['headline', 'standfirst', 'body', 'slug', 'dateline', 'caption', 'credit', 'edition', 'section'])
    assert.equal(f[k], form[k], k);
  assert.equal(f.bylines, 'A; B');
  assert.deepEqual(f.tags.split(', ').sort(), ['x', 'y']);
  assert.equal(f.media, '0');
  // the slug defaults to one made from the headline
  const id2 = await createArticle('ed', { headline: 'Night Trains: Back on the Coast!', slug: '' });
  assert.equal(fieldValue(await editor('ed', id2), 'slug'), 'night-trains-back-on-the-coast');
});

test('writing: an empty headline is 400 and every other field is kept', async () => {
  const form = articleForm({ headline: '   ', slug: 'kept-slug', standfirst: 'Kept standfirst', body: 'Kept *body*\n\n  line',
    dateline: 'TRIPOLI', bylines: 'Kept One; Kept Two', tags: 'kept, tags', caption: 'Kept caption', credit: 'Kept credit',
    section: sections['en:World'] });
  const r = await post(base, '/admin/articles/new', await as('ed'), form);
  assert.equal(r.status, 400);
  const html = await r.text();
  assert.match(formError(html), /headline cannot be empty/);
  const f = editorFields(html);
  for (const k of ['standfirst', 'body', 'slug', 'dateline', 'bylines', 'tags', 'caption', 'credit', 'edition', 'section'])
    assert.equal(f[k], form[k], k);
});

test('writing: a slug taken by a demo article is 400, names the slug, keeps the fields', async () => {
  const doc = demoDoc('en', 'desal-plant');
  const form = articleForm({ headline: 'Copycat story', slug: doc.slug, body: 'Body that must survive.' });
  const r = await post(base, '/admin/articles/new', await as('ed'), form);
  assert.equal(r.status, 400);
  const html = await r.text();
  const err = formError(html);
  assert.ok(err.includes(`"${doc.slug}"`), err);
  assert.match(err, /already used by article \d+/);
  const f = editorFields(html);
  for (const k of ['headline', 'body', 'slug', 'standfirst', 'bylines', 'tags', 'section']) assert.equal(f[k], form[k], k);
  // the same slug in the other edition is free
  const ok = await post(base, '/admin/articles/new', await as('ed'),
    articleForm({ headline: 'نسخة', slug: doc.slug, edition: 'ar', section: arSection() }));
  assert.equal(ok.status, 303, formError(await ok.text()));
});

test('writing: an Arabic headline gives an Arabic slug; once published the Arabic (percent-encoded) URL works', async () => {
  const headline = 'افتتاح مكتبة عامة جديدة في صيدا';
  const id = await createArticle('ed', { headline, edition: 'ar', section: arSection(), slug: '', bylines: 'ريم سعد',
    tags: 'ثقافة', dateline: 'صيدا', body: 'افتتحت **المكتبة** أبوابها.' });
  const slug = fieldValue(await editor('ed', id), 'slug');
  assert.match(slug, /^[\u0600-\u06FF0-9-]+$/u, `Arabic slug: ${slug}`);
  assert.ok(slug.startsWith('افتتاح-مكتبة'), slug);
  const href = await publish(id);
  assert.match(href, /^\/ar\/\d{4}\/\d\d\/\d\d\/(%[0-9A-F]{2}|-)+$/, `percent-encoded: ${href}`);
  assert.equal(decodeURIComponent(href.split('/').pop()), slug);
  const r = await get(href);
  assert.equal(r.status, 200);
  const art = await r.text();
  assert.match(art, /<html lang="ar" dir="rtl">/);
  assert.equal(unescapeHtml(/<h1>([^<]+)<\/h1>/.exec(art)[1]), headline);
  assert.ok(latestHrefs(await (await get('/ar/')).text()).includes(href), 'in the Arabic latest news');
});

test('writing: raw HTML in Markdown is not rendered, in the preview nor on the published page', async () => {
  const s = await as('ed');
  const body = 'Hello **bold** reader.\n\n<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n[link](javascript:alert(3))';
  const p = await post(base, '/admin/preview', s, { body });
  assert.equal(p.status, 200);
  const html = await p.text();
  assert.match(html, /<strong>bold<\/strong>/);
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<img[^>]*onerror/i);
  assert.doesNotMatch(html, /href="javascript:/i);
  assert.equal((await request(base, '/admin/preview', { session: s, form: { body } })).status, 403, 'preview needs csrf');
  // the editor's own preview button
  const ep = await post(base, '/admin/articles/new', s, articleForm({ body, do: 'preview' }));
  assert.equal(ep.status, 200);
  const pane = /<div id="preview-pane" class="body" aria-live="polite">([\s\S]*?)<\/div>\n<\/section>/.exec(await ep.text())[1];
  assert.match(pane, /<strong>bold<\/strong>/);
  assert.doesNotMatch(pane, /<script|onerror=|javascript:/i);
  // saving it is refused since issue 18 (docs/blocks.md: every save validates), the text kept
  const refused = await post(base, '/admin/articles/new', s, articleForm({ headline: 'Script kiddies foiled', body }));
  assert.equal(refused.status, 400);
  assert.equal(fieldValue(await refused.text(), 'body'), body);
  // a body stored before that rule (here: an old revision restored) still renders with the raw HTML left out
  const id = await createArticle('ed', { headline: 'Script kiddies foiled', slug: 'script-kiddies', body: 'Clean.' });
  dbExec(dir, `UPDATE article_revisions SET body_md = '${body.replaceAll("'", "''")}' WHERE article_id = ${id} AND version = 1`);
  assert.equal((await post(base, `/admin/articles/${id}/restore`, s, { version: '1' })).status, 303);
  const page2 = await (await get(await publish(id))).text();
  assert.match(page2, /<strong>bold<\/strong>/);
  assert.doesNotMatch(page2, /<script>alert|<img[^>]*onerror|href="javascript:/i);
});

// -------------------------------------------------------------------------------------- 7. stale save

test('stale save: the second saver of version 1 gets 409, their text kept; the first save stands', async () => {
  const id = await createArticle('ed', { headline: 'Two editors, one story', slug: 'two-editors', body: 'Original text.' });
  const formA = editorFields(await editor('ed', id));
  const formB = editorFields(await editor('ed2', id));
  assert.equal(formA.version, '1');
  assert.equal(formB.version, '1');
  const a = await post(base, `/admin/articles/${id}`, await as('ed2'), { ...formB, body: 'First saver text.', do: 'save' });
  assert.equal(a.status, 303);
  assert.equal(editorVersion(await editor('ed', id)), 2);
  const typed = 'Second saver text,\nwritten at length.';
  const b = await post(base, `/admin/articles/${id}`, await as('ed'), { ...formA, headline: 'Stale headline', body: typed, do: 'save' });
  assert.equal(b.status, 409);
  const html = await b.text();
  assert.match(formError(html), /someone else saved/i);
  assert.equal(fieldValue(html, 'body'), typed, 'the textarea holds the typed text');
  assert.equal(fieldValue(html, 'headline'), 'Stale headline');
  const now = await editor('ed', id);
  assert.equal(editorVersion(now), 2);
  assert.equal(fieldValue(now, 'body'), 'First saver text.');
  assert.equal(fieldValue(now, 'headline'), 'Two editors, one story');
});

// ------------------------------------------------------------------------------------------ 8. revisions

test('revisions: history lists 3, 2, 1; a diff shows removed and added lines; restore makes version 4', async () => {
  const v1 = 'Line one.\nLine two.\nLine three.';
  const id = await createArticle('ed', { headline: 'Revised thrice', slug: 'revised-thrice', body: v1 });
  assert.equal((await saveArticle('ed', id, { body: 'Line one.\nLine two, edited.\nLine three.' })).status, 303);
  assert.equal((await saveArticle('ed', id, { body: 'Line one.\nLine three.\nLine four.' })).status, 303);
  const h = await page(base, `/admin/articles/${id}/history`, await as('ed'));
  assert.equal(h.status, 200);
  const versions = [...h.html.matchAll(/<td>(\d+)(?: \(current\))?<\/td><td>ed<\/td>/g)].map((m) => Number(m[1]));
  assert.deepEqual(versions, [3, 2, 1]);
  assert.match(h.html, /<td>3 \(current\)<\/td>/);
  const d = await page(base, `/admin/articles/${id}/history?a=1&b=3`, await as('ed'));
  assert.equal(d.status, 200);
  assert.match(d.html, /Changes from version 1 to 3/);
  assert.match(d.html, /<p class="diff-removed"><span class="diff-mark">removed: <\/span>Line two\.<\/p>/);
  assert.match(d.html, /<p class="diff-added"><span class="diff-mark">added: <\/span>Line four\.<\/p>/);
  assert.match(d.html, /<p class="diff-same">Line one\.<\/p>/);
  assert.equal((await page(base, `/admin/articles/${id}/history?a=1&b=9`, await as('ed'))).status, 404);
  // restore version 1
  const r = await post(base, `/admin/articles/${id}/restore`, await as('ed'), { version: '1' });
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location'), new RegExp(`^/admin/articles/${id}(\\?|$)`));
  const html = await editor('ed', id);
  assert.equal(editorVersion(html), 4);
  assert.equal(fieldValue(html, 'body'), v1);
  const h2 = await page(base, `/admin/articles/${id}/history`, await as('ed'));
  assert.deepEqual([...h2.html.matchAll(/<td>(\d+)(?: \(current\))?<\/td><td>ed<\/td>/g)].map((m) => Number(m[1])), [4, 3, 2, 1]);
  assert.match(h2.html, /restored version 1 by ed/);
  // restore is a POST with csrf
  assert.equal((await request(base, `/admin/articles/${id}/restore`, { session: await as('ed'), form: { version: '2' } })).status, 403);
});

// ------------------------------------------------------------------------------------------ 9. workflow

test('workflow: a reporter submits, an editor publishes: public URL and latest news', async () => {
  const id = await createArticle('rep', { headline: 'Bakery wins national prize', slug: 'bakery-prize', body: 'The *bakers* cheered.' });
  const sub = await setStatus('rep', id, { to: 'review' });
  assert.equal(sub.status, 303);
  const dash = (await page(base, '/admin/', await as('ed'))).html;
  const review = /<section class="status-group" aria-labelledby="group-review">[\s\S]*?<\/section>/.exec(dash)[0];
  assert.ok(review.includes(`/admin/articles/${id}"`), 'in the editor\'s review list');
  assert.equal((await setStatus('rep', id, { to: 'review' })).status, 409, 'cannot submit twice');
  const href = await publish(id);
  assert.match(href, /^\/en\/\d{4}\/\d\d\/\d\d\/bakery-prize$/);
  const today = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  assert.ok(href.includes(today), `dated today: ${href}`);
  const r = await get(href);
  assert.equal(r.status, 200);
  assert.match(await r.text(), /<h1>Bakery wins national prize<\/h1>/);
  const front = await (await get('/en/')).text();
  assert.ok(latestHrefs(front).includes(href), 'in the latest news');
  assert.match(await editor('ed', id), /<span class="status-badge">published<\/span>/);
  assert.equal((await setStatus('ed', id, { to: 'publish' })).status, 409, 'already published');
});

test('workflow: a schedule in the past is 400 and keeps the typed time', async () => {
  const id = await createArticle('ed', { headline: 'Too late to schedule', slug: 'too-late' });
  const at = '2020-01-02 08:30';
  const r = await setStatus('ed', id, { to: 'schedule', at });
  assert.equal(r.status, 400);
  const html = await r.text();
  assert.match(formError(html), /in the past/);
  assert.equal(fieldValue(html, 'at'), at);
  const bad = await setStatus('ed', id, { to: 'schedule', at: 'tomorrow morning' });
  assert.equal(bad.status, 400);
  assert.equal(fieldValue(await bad.text(), 'at'), 'tomorrow morning');
  assert.match(await editor('ed', id), /<span class="status-badge">draft<\/span>/);
});

test('workflow: scheduled and expiring articles change on the server\'s own clock; unpublish is 404', async () => {
  const slug = 'scheduled-story';
  const sid = await createArticle('ed', { headline: 'A story that waits', slug });
  const eid = await createArticle('ed', { headline: 'A story that goes away', slug: 'expiring-story' });
  const uid = await createArticle('ed', { headline: 'A story taken down', slug: 'unpublished-story' });
  const t0 = Math.ceil(Date.now() / 1000) * 1000;
  const at = t0 + 2000, expires = t0 + 2000;
  const sr = await setStatus('ed', sid, { to: 'schedule', at: utcText(at) });
  assert.equal(sr.status, 303, formError(await sr.text()));
  const eHref = await publish(eid, { expires: utcText(expires) });
  const d = new Date(at);
  const sHref = `/en/${utcText(d).slice(0, 10).replace(/-/g, '/')}/${slug}`;
  assert.match(await editor('ed', sid), /<span class="status-badge">scheduled<\/span>/);
  assert.equal((await get(sHref)).status, 404, 'not public before its time');
  assert.ok(!latestHrefs(await (await get('/en/')).text()).includes(sHref));
  assert.equal((await get(eHref)).status, 200, 'public before its take-down time');
  // no requests while waiting: only the scheduler's own clock can make the change
  await sleep(Math.max(at, expires) + 1500 - Date.now());
  const s2 = await get(sHref);
  assert.equal(s2.status, 200, 'the scheduled article went live by itself');
  assert.match(await s2.text(), /<h1>A story that waits<\/h1>/);
  assert.ok(latestHrefs(await (await get('/en/')).text()).includes(sHref), 'and reached the latest news');
  assert.equal((await get(eHref)).status, 404, 'the expired article was taken down by itself');
  assert.equal(publicHref(await editor('ed', sid)), sHref);

  // unpublish
  const uHref = await publish(uid);
  assert.equal((await get(uHref)).status, 200);
  const u = await setStatus('ed', uid, { to: 'unpublish' });
  assert.equal(u.status, 303);
  assert.equal((await get(uHref)).status, 404);
  assert.ok(!latestHrefs(await (await get('/en/')).text()).includes(uHref));
  assert.match(await editor('ed', uid), /<span class="status-badge">unpublished<\/span>/);
});

// --------------------------------------------------------------------------------------- 10. old slugs

test('changing a published article\'s slug: the old URL answers 301 to the new one', async () => {
  const id = await createArticle('ed', { headline: 'Mayor opens bridge', slug: 'mayor-bridge' });
  const oldHref = await publish(id);
  const r = await saveArticle('ed', id, { slug: 'mayor-opens-new-bridge' });
  assert.equal(r.status, 303, formError(await r.text()));
  const newHref = publicHref(await editor('ed', id));
  assert.equal(newHref, oldHref.replace(/mayor-bridge$/, 'mayor-opens-new-bridge'));
  const old = await get(oldHref);
  assert.equal(old.status, 301);
  assert.equal(old.headers.get('location'), newHref);
  assert.equal((await get(newHref)).status, 200);
  // the old slug stays reserved for the redirect
  const taken = await post(base, '/admin/articles/new', await as('ed'), articleForm({ headline: 'Squatter', slug: 'mayor-bridge' }));
  assert.equal(taken.status, 400);
  assert.match(formError(await taken.text()), new RegExp(`"mayor-bridge" is already used by article ${id}`));
  // and every old address still redirects after another change
  assert.equal((await saveArticle('ed', id, { slug: 'mayor-bridge-final' })).status, 303);
  const final = publicHref(await editor('ed', id));
  for (const h of [oldHref, newHref]) {
    const x = await get(h);
    assert.equal(x.status, 301, h);
    assert.equal(x.headers.get('location'), final, h);
  }
});

// -------------------------------------------------------------------------------------- 11. corrections

test('corrections: shown on the public article with a <time>; an empty one is 400', async () => {
  const id = await createArticle('ed', { headline: 'Census results out', slug: 'census-results' });
  const href = await publish(id);
  const note = 'An earlier version gave the wrong total & year.';
  const r = await post(base, `/admin/articles/${id}/corrections`, await as('ed'), { body: note });
  assert.equal(r.status, 303);
  const art = await (await get(href)).text();
  const sec = /<section class="corrections"[\s\S]*?<\/section>/.exec(art);
  assert.ok(sec, 'the article has a corrections section');
  assert.match(sec[0], /<p class="correction"><strong>[^<]+<\/strong> <time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ" dir="ltr">[^<]+<\/time>: An earlier version gave the wrong total &amp; year\.<\/p>/);
  const empty = await post(base, `/admin/articles/${id}/corrections`, await as('ed'), { body: '  \n ' });
  assert.equal(empty.status, 400);
  assert.match(formError(await empty.text()), /cannot be empty/);
  assert.equal((/<section class="corrections"[\s\S]*?<\/section>/.exec(await (await get(href)).text())[0].match(/class="correction"/g) || []).length, 1);
});

// -------------------------------------------------------------------------------------- 12. updated stamp

test('the "Updated" stamp moves only for a substantive edit of a published article', async () => {
  // a demo article published long ago whose page has no Updated stamp yet
  let id, href;
  for (const key of ['desal-plant', 'football-final', 'arabic-ai', 'museum-reopens', 'marathon', 'book-fair', 'solar-roofs']) {
    const cand = demoIds[`en:${demoDoc('en', key).headline}`];
    if (!cand) continue;
    const h = publicHref(await editor('ed', cand));
    if (!/class="updated"/.test(await (await get(h)).text())) { id = cand; href = h; break; }
  }
  assert.ok(id, 'found a demo article without an Updated stamp');
  const minor = await saveArticle('ed', id, { body: `${fieldValue(await editor('ed', id), 'body')}\n\nA typo fixed.` });
  assert.equal(minor.status, 303, formError(await minor.text()));
  const p1 = await (await get(href)).text();
  assert.match(p1, /A typo fixed\./, 'the edit is live');
  assert.doesNotMatch(p1, /class="updated"/, 'no Updated stamp for a minor edit');
  const major = await saveArticle('ed', id, { body: `${fieldValue(await editor('ed', id), 'body')}\n\nNew figures added.`, substantive: '1' });
  assert.equal(major.status, 303, formError(await major.text()));
  const p2 = await (await get(href)).text();
  const m = /<span class="updated"> Updated <time datetime="([^"]+)" dir="ltr">[^<]+<\/time><\/span>/.exec(p2);
  assert.ok(m, 'an Updated stamp after a substantive edit');
  assert.ok(Math.abs(Date.parse(m[1]) - Date.now()) < 120e3, `updated just now: ${m[1]}`);
});

// ----------------------------------------------------------------------------------------- 13. password

test('password change: wrong current is 400; then the old password fails and the new one works', async () => {
  const s = await login(base, 'pwuser', PW);
  const other = await login(base, 'pwuser', PW);
  const wrong = await post(base, '/admin/password', s, { current: 'not-my-password', new: 'brand-new-password' });
  assert.equal(wrong.status, 400);
  assert.match(formError(await wrong.text()), /current password is not right/);
  const weak = await post(base, '/admin/password', s, { current: PW, new: 'short' });
  assert.equal(weak.status, 400);
  assert.match(formError(await weak.text()), /at least 10/);
  assert.equal((await loginPost(base, 'pwuser', PW)).status, 303, 'refused changes changed nothing');
  const ok = await post(base, '/admin/password', s, { current: PW, new: 'brand-new-password' });
  assert.equal(ok.status, 303);
  assert.match(ok.headers.get('location'), /^\/admin\//);
  const fresh = sessionCookieOf(ok);
  assert.ok(fresh && fresh !== s.cookie, 'a fresh session for the person who changed it');
  assert.equal((await request(base, '/admin/', { cookie: fresh })).status, 200);
  assert.equal((await request(base, '/admin/', { session: other })).status, 303, 'other sessions end');
  assert.equal((await loginPost(base, 'pwuser', PW)).status, 401, 'the old password fails');
  await login(base, 'pwuser', 'brand-new-password');
});

// ------------------------------------------------------------------------------------ 14. users, settings

test('admin adds a user on the web; that user logs in; a bad add keeps the form', async () => {
  const boss = await as('boss');
  const r = await post(base, '/admin/users', boss, { login: 'newbie', display_name: 'Nadia Newbie', role: 'editor', password: 'newbie-password' });
  assert.equal(r.status, 200);
  const html = await r.text();
  assert.match(formNotice(html), /Added newbie/);
  assert.match(html, /<tr><td>newbie<\/td><td><bdi>Nadia Newbie<\/bdi><\/td><td>editor<\/td><td>active /);
  const s = await login(base, 'newbie', 'newbie-password');
  assert.match((await page(base, '/admin/', s)).html, /<bdi>newbie<\/bdi> \(editor\)/);
  assert.match(run(['user', 'list', '--site', dir]).stdout, /^newbie\s+editor\s+active\s+Nadia Newbie$/m);
  for (const [fields, msg] of [
    [{ login: 'newbie', display_name: 'Second Newbie', role: 'moderator', password: 'newbie-password' }, /already taken/],
    [{ login: 'shorty', display_name: 'Shorty', role: 'moderator', password: 'short' }, /at least 10/],
    [{ login: 'Bad Login', display_name: 'Bad', role: 'moderator', password: 'newbie-password' }, /login is 2 to 64/],
    [{ login: 'roleless', display_name: 'Roleless', role: 'chief', password: 'newbie-password' }, /role must be/],
  ]) {
    const b = await post(base, '/admin/users', boss, fields);
    assert.equal(b.status, 400, fields.login);
    const h = await b.text();
    assert.match(formError(h), msg, fields.login);
    assert.equal(fieldValue(h, 'login'), fields.login);
    assert.equal(fieldValue(h, 'display_name'), fields.display_name);
    if (fields.role !== 'chief') assert.equal(selectOptions(h, 'role').find((o) => o.selected)?.value, fields.role);
    assert.equal(fieldValue(h, 'password'), '', 'the password is not echoed');
  }
  assert.doesNotMatch(run(['user', 'list', '--site', dir]).stdout, /Second Newbie|shorty|roleless/);
});

test('settings: the publisher in the footer changes; an invalid latest_count is 400 with the values kept', async () => {
  const boss = await as('boss');
  const form = (html) => Object.fromEntries([...html.matchAll(/<input id="s-\d+" name="([^"]+)" value="([^"]*)"/g)]
    .map((m) => [m[1], unescapeHtml(m[2])]));
  const current = form((await page(base, '/admin/settings', boss)).html);
  assert.ok('footer_publisher.en' in current && 'latest_count' in current, Object.keys(current).join(','));
  const r = await post(base, '/admin/settings', boss, { ...current, 'footer_publisher.en': 'Harbour & Hill Press' });
  assert.equal(r.status, 200);
  const html = await r.text();
  assert.match(formNotice(html), /Settings saved/);
  assert.equal(form(html)['footer_publisher.en'], 'Harbour & Hill Press');
  const year = new Date().getUTCFullYear();
  const front = await (await get('/en/')).text();
  assert.ok(front.includes(`<p>All rights reserved to <bdi>Harbour &amp; Hill Press</bdi> ${year} ©</p>`), 'footer shows the new publisher');
  // invalid latest_count: 400, everything typed kept, nothing stored
  const bad = { ...current, 'footer_publisher.en': 'Not Saved Ltd', latest_count: 'many' };
  const b = await post(base, '/admin/settings', boss, bad);
  assert.equal(b.status, 400);
  const bh = await b.text();
  assert.match(formError(bh), /latest-news length must be a whole number from 1 to 50/);
  assert.deepEqual(form(bh), bad);
  for (const n of ['0', '51', '5x']) {
    const x = await post(base, '/admin/settings', boss, { ...current, latest_count: n });
    assert.equal(x.status, 400, `latest_count=${n}`);
  }
  // the search settings are on the page too, with their ranges
  assert.ok('search_half_life_days' in current && 'search_recent_days' in current);
  const hl = await post(base, '/admin/settings', boss, { ...current, search_half_life_days: '0' });
  assert.equal(hl.status, 400);
  assert.match(formError(await hl.text()), /Search: days after which/);
  const front2 = await (await get('/en/')).text();
  assert.ok(front2.includes('<bdi>Harbour &amp; Hill Press</bdi>'), 'the refused form stored nothing');
  assert.ok(!front2.includes('Not Saved Ltd'));
  // a valid latest_count takes effect
  const three = await post(base, '/admin/settings', boss, { ...current, 'footer_publisher.en': 'Harbour & Hill Press', latest_count: '3' });
  assert.equal(three.status, 200);
  assert.equal(latestHrefs(await (await get('/en/')).text()).length, 3);
});

// ------------------------------------------------------------------------------------- server health

test('translations: an article is linked to its counterpart in the other edition, both ways', async () => {
  const en = await createArticle('ed', { headline: 'Desert observatory opens to the public', slug: 'desert-observatory-opens' });
  // a translation in the same edition is refused, with the form kept
  const same = await post(base, '/admin/articles/new', await as('ed'),
    articleForm({ headline: 'Same edition twin', translation: String(en) }));
  assert.equal(same.status, 400);
  const sameHtml = await same.text();
  assert.match(formError(sameHtml), /other edition/);
  assert.equal(fieldValue(sameHtml, 'headline'), 'Same edition twin');
  const ar = await createArticle('ed', {
    headline: 'المرصد الصحراوي يفتح أبوابه للجمهور', edition: 'ar', section: arSection(), translation: String(en),
    bylines: 'رنا حداد', tags: 'علوم',
  });
  // the English editor now names its Arabic counterpart and its status
  const enEditor = await editor('ed', en);
  assert.equal(fieldValue(enEditor, 'translation'), String(ar));
  assert.match(enEditor, /<span class="translation-status">draft<\/span>/);
  const enHref = await publish(en);
  const arHref = await publish(ar);
  const enPage = await (await get(enHref)).text();
  assert.ok(enPage.includes(`href="${arHref}"`), 'the English article links to the Arabic one');
  assert.match(enPage, /المرصد الصحراوي يفتح أبوابه للجمهور/);
  const arPage = await (await get(arHref)).text();
  assert.ok(arPage.includes(`href="${enHref}"`), 'and back');
});

/** POSTs a multipart upload to the media library as `who` (the CSRF token in the action, as the form has
 * it); resolves {status, headers, text}. */
async function upload(who, bytes, { alt = 'A test image', name = 'photo.jpg', csrf } = {}) {
  const s = await as(who);
  return rawUpload(base, `/admin/media?csrf=${encodeURIComponent(csrf ?? s.csrf)}`, { cookie: s.cookie, fields: { alt }, file: bytes, filename: name });
}

test('media uploads: a non-image is refused, an oversized one gets 413 naming the limit, a missing alt text is 400', async () => {
  const count = async () => Number(/Images <span class="count">\((\d+)\)/.exec((await page(base, '/admin/media', await as('rep'))).html)[1]);
  const before = await count();
  let r = await upload('rep', Buffer.from('GIF89a? no: just text pretending to be a JPEG\n'));
  assert.equal(r.status, 400);
  let html = r.text;
  assert.match(formError(html), /not a JPEG, PNG or WebP/);
  assert.equal(fieldValue(html, 'alt'), 'A test image', 'the alt text is kept');
  r = await upload('rep', Buffer.alloc(11 * 1024 * 1024, 0xff));
  assert.equal(r.status, 413);
  html = r.text;
  assert.match(html, /upload limit of 10\.0 MB/);
  r = await upload('rep', Buffer.from([0xff, 0xd8, 0xff, 0xe0]), { alt: '   ' });
  assert.equal(r.status, 400);
  assert.match(formError(r.text), /Alt text is required/);
  r = await upload('rep', Buffer.from('x'), { csrf: 'forged' });
  assert.equal(r.status, 403, 'the CSRF token is checked on multipart forms too');
  r = await upload('mod', Buffer.from('x'));
  assert.equal(r.status, 403, 'a moderator cannot upload');
  assert.equal(await count(), before, 'nothing was stored by the refused uploads');
});

test('on a site whose base_url is https the session cookie is also Secure', async () => {
  const https = await startServer(dir, { env: { BROADSHEET_BASE_URL: 'https://news.example.com' } });
  try {
    const r = await loginPost(https.base, 'ed', PW);
    assert.equal(r.status, 303);
    const cookie = sessionSetCookie(r);
    assert.match(cookie, /;\s*Secure/i);
    assert.match(cookie, /HttpOnly/i);
  } finally {
    await https.stop();
  }
});

test('the newsroom menu offers only what the role may do', async () => {
  const mod = await page(base, '/admin/', await as('mod'));
  assert.equal(mod.status, 200);
  assert.ok(!mod.html.includes('href="/admin/articles/new"'), 'no writing links for a moderator');
  assert.ok(!mod.html.includes('href="/admin/users"'));
  const rep = await page(base, '/admin/', await as('rep'));
  assert.ok(rep.html.includes('href="/admin/articles/new"'));
  assert.ok(rep.html.includes('href="/admin/media"'));
  assert.ok(!rep.html.includes('href="/admin/settings"'), 'no admin links for a reporter');
});

test('the server logged no sanitizer findings so far', () => {
  assert.doesNotMatch(srv.stderr, /AddressSanitizer|LeakSanitizer|runtime error:/);
});
