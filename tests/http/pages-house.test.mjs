// Issue 17, "each rule in one home" for the newsroom pages:
// - one trimming rule for every newsroom form field (util_trim: spaces, tabs, CRs and LFs at both ends).
//   The log-in, users and settings pages used to keep a leading line end (only the editor dropped it), so
//   a login pasted with a newline before it was "unknown" and a setting kept its newline.
// - page_admin.c changes passwords and disables accounts through user.c: the same statuses, messages and
//   session endings as before (these tests guard that the move changed nothing a user sees).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSite, startServer } from '../lib/server.mjs';
import { addUser, fieldValue, formError, formNotice, login, loginPost, page, post, request } from '../lib/newsroom.mjs';

const PW = 'a-long-password';
let dir, srv;

before(async () => {
  dir = demoSite(0);
  for (const [name, role] of [['boss', 'admin'], ['ed', 'editor'], ['pat', 'reporter'], ['gone', 'reporter']])
    addUser(dir, name, role, PW);
  srv = await startServer(dir);
});
after(async () => { await srv?.stop(); });

test('trimming: a login typed with line ends and tabs around it logs in', async () => {
  const r = await loginPost(srv.base, '\r\n\ted \n', PW);
  assert.equal(r.status, 303, 'the login is trimmed of the line end before it, as of the one after it');
});

test('trimming: the users page trims a new login and display name at both ends; inner spaces stay', async () => {
  const boss = await login(srv.base, 'boss', PW);
  const r = await post(srv.base, '/admin/users', boss,
    { login: '\r\nfresh\t', display_name: '\n Fresh  Name \r\n', role: '\nreporter ', password: PW });
  const html = await r.text();
  assert.equal(r.status, 200, formError(html));
  assert.equal(formNotice(html), 'Added fresh.');
  assert.match(html, /<td>fresh<\/td><td><bdi>Fresh  Name<\/bdi><\/td><td>reporter<\/td>/,
    'login, display name and role are stored trimmed, inner spaces kept');
  assert.equal((await loginPost(srv.base, 'fresh', PW)).status, 303, 'the account is "fresh"');
});

test('trimming: a setting is saved without the line end typed before it', async () => {
  const boss = await login(srv.base, 'boss', PW);
  const form = (await page(srv.base, '/admin/settings', boss)).html;
  const fields = {};
  for (const m of form.matchAll(/name="([a-z_.]+)"/g)) if (m[1] !== 'csrf') fields[m[1]] = fieldValue(form, m[1]) ?? '';
  fields['site_name.en'] = '\r\n\tThe Trimmed Times ';
  const r = await post(srv.base, '/admin/settings', boss, fields);
  const html = await r.text();
  assert.equal(r.status, 200, formError(html));
  assert.equal(fieldValue(html, 'site_name.en'), 'The Trimmed Times');
});

test('password change through user.c: same refusals, statuses and messages; other sessions end', async () => {
  const other = await login(srv.base, 'pat', PW);
  const pat = await login(srv.base, 'pat', PW);
  let r = await post(srv.base, '/admin/password', pat, { current: 'not-the-password', new: 'a-new-long-password' });
  assert.equal(r.status, 400);
  assert.equal(formError(await r.text()), 'The current password is not right.');
  r = await post(srv.base, '/admin/password', pat, { current: PW, new: 'short' });
  assert.equal(r.status, 400);
  assert.equal(formError(await r.text()), 'A password needs at least 10 characters.');
  r = await post(srv.base, '/admin/password', pat, { current: PW, new: 'x'.repeat(1025) });
  assert.equal(r.status, 400);
  assert.equal(formError(await r.text()), 'A password can have at most 1024 characters.');
  r = await post(srv.base, '/admin/password', pat, { current: PW, csrf: 'forged' });
  assert.equal(r.status, 403, 'a forged CSRF token is refused before anything changes');
  r = await post(srv.base, '/admin/password', pat, { current: PW, new: 'a-new-long-password' });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/admin/?notice=password');
  assert.match(r.headers.getSetCookie().join('\n'), /bs_session=/, 'this session starts afresh');
  assert.equal((await request(srv.base, '/admin/', { session: other })).status, 303, 'the other session ended');
  assert.equal((await loginPost(srv.base, 'pat', PW)).status, 401, 'the old password no longer works');
  assert.equal((await loginPost(srv.base, 'pat', 'a-new-long-password')).status, 303);
});

test('disabling through user.c: own account refused (400); another disabled with its sessions ended', async () => {
  const boss = await login(srv.base, 'boss', PW);
  const gone = await login(srv.base, 'gone', PW);
  const users = (await page(srv.base, '/admin/users', boss)).html;
  const idOf = (name) => /\/admin\/users\/(\d+)\/disable"/.exec(users.slice(users.indexOf(`<tr><td>${name}</td>`)))?.[1];
  const bossId = idOf('boss'), goneId = idOf('gone');
  assert.ok(bossId && goneId, 'the users page links each account\'s disable form');
  let r = await post(srv.base, `/admin/users/${bossId}/disable`, boss);
  assert.equal(r.status, 400);
  assert.equal(formError(await r.text()), 'You cannot disable your own account.');
  r = await post(srv.base, `/admin/users/${goneId}/disable`, boss);
  assert.equal(r.status, 200);
  assert.equal(formNotice(await r.text()), 'Account disabled; its sessions have ended.');
  assert.equal((await request(srv.base, '/admin/', { session: gone })).status, 303, 'its session ended');
  assert.equal((await loginPost(srv.base, 'gone', PW)).status, 401, 'it cannot log in');
  r = await post(srv.base, '/admin/users/0/disable', boss);
  assert.equal(r.status, 404);
});
