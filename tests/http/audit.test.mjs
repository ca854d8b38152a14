// Issue 20, the audit log: every newsroom action and log-in attempt is written with who, when, from where
// and what. One test performs every action the newsroom has (log-ins that succeed, fail, are throttled or
// forged, log-out, accounts, passwords, languages, settings, the article workflow, restore, corrections,
// translations and pairing, comment moderation, webhooks, API keys and the admin API acting as its key,
// media, the glossary, the scheduler, the command line) and finds each entry on /admin/audit and in its
// JSON lines export; then the filters (person, action and group, days, paging), the export streamed past
// its pages, admins only, bad filters (400, the form as typed) and the retention purge.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSite, startServer, dbExec, configure, run, unescapeHtml } from '../lib/server.mjs';
import {
  addUser, login, loginPost, request, post, page, formError, fieldValue, editorFields, selectOptions, utcText,
} from '../lib/newsroom.mjs';
import { jpeg } from '../lib/jpeg.mjs';

const PW = 'a-long-password';
const ADDR = '127.0.0.1';
let dir, srv, base;
const sessions = {};
const ids = {}; // login -> user id
const sections = {}; // "en:business" -> section id
const expected = []; // the entries the actions must have left: {action, login, target, detail?, address?}

/** One SQL value (first column of the first row) from the site's database, as text. */
const sql = (q) => dbExec(dir, q).trim().split('\n')[0].split('\t')[0];

async function as(name) {
  sessions[name] ??= await login(base, name, PW);
  return sessions[name];
}

/** Notes an entry the action just done must have left (address 127.0.0.1 unless given). */
function expect(action, loginName, target, detail, address = ADDR) {
  expected.push({ action, login: loginName, target, detail, address });
}

before(async () => {
  dir = demoSite(0);
  for (const [name, role] of [['boss', 'admin'], ['ed', 'editor'], ['rep', 'reporter'], ['mod', 'moderator'], ['pw', 'reporter']]) {
    addUser(dir, name, role, PW);
    ids[name] = sql(`SELECT id FROM users WHERE login = '${name}'`);
  }
  configure(dir, { webhook_allow_private: '127.0.0.1', webhook_retry_base: 60 });
  srv = await startServer(dir);
  base = srv.base;
  for (const row of dbExec(dir, 'SELECT edition, slug, id FROM sections').trim().split('\n')) {
    const [ed, slug, id] = row.split('\t');
    sections[`${ed}:${slug}`] = id;
  }
});
after(async () => { await srv?.stop(); });

/** GET path as the admin: {status, text, res}. */
async function asBoss(path) {
  const res = await request(base, path, { session: await as('boss') });
  return { status: res.status, text: await res.text(), res };
}

/** The JSON lines export for query (as the admin), parsed. */
async function exportLines(query = '') {
  const r = await asBoss(`/admin/audit.jsonl${query ? `?${query}` : ''}`);
  assert.equal(r.status, 200, r.text.slice(0, 300));
  return r.text.split('\n').filter((l) => l).map((l) => JSON.parse(l));
}

/** The table rows of an audit page: {when, iso, login, address, action, target, href, detail}. */
function rows(html) {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html);
  if (!body) return [];
  const text = (s) => unescapeHtml(s.replace(/<[^>]*>/g, '')).trim();
  return [...body[1].matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((tr) => {
    const c = [...tr[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1]);
    return {
      when: text(c[0]), iso: /datetime="([^"]*)"/.exec(c[0])?.[1], login: text(c[1]), address: text(c[2]),
      action: text(/<code>([\s\S]*?)<\/code>/.exec(c[3])[1]), label: text(c[3].split('<br>')[0]),
      target: text(c[4]), href: unescapeHtml(/href="([^"]*)"/.exec(c[4])?.[1] ?? ''), detail: text(c[5]),
    };
  });
}

/** Creates an article as `who` (English, Business unless overridden); returns its id. */
async function createArticle(who, overrides = {}) {
  const r = await post(base, '/admin/articles/new', await as(who), {
    version: '0', headline: 'Harbour cranes return to work', standfirst: 'Dockers end a two-week stoppage.',
    body: 'The port reopened on **Monday**.', edition: 'en', section: sections['en:business'], slug: '',
    dateline: 'BEIRUT', bylines: 'Rana Haddad', tags: 'ports', media: '0', caption: '', credit: '', translation: '',
    do: 'save', ...overrides,
  });
  assert.equal(r.status, 303, `create: ${formError(await r.text())}`);
  return Number(/\/admin\/articles\/(\d+)/.exec(r.headers.get('location'))[1]);
}

/** Saves article id as `who` with its editor's fields and overrides. */
async function saveArticle(who, id, overrides = {}) {
  const html = (await page(base, `/admin/articles/${id}`, await as(who))).html;
  const r = await post(base, `/admin/articles/${id}`, await as(who), { ...editorFields(html), version: fieldValue(html, 'version'), do: 'save', ...overrides });
  assert.equal(r.status, 303, `save ${id}: ${formError(await r.text())}`);
}

/** A workflow step of article id as `who`; asserts the redirect. */
async function step(who, id, to, fields = {}) {
  const r = await post(base, `/admin/articles/${id}/status`, await as(who), { to, ...fields });
  assert.equal(r.status, 303, `${to} ${id}: ${formError(await r.text()) ?? r.status}`);
}

/** Posts a form with repeated fields (pairs) as session s. */
function postPairs(path, s, pairs) {
  return request(base, path, { session: s, form: [['csrf', s.csrf], ...pairs] });
}

/** The settings form as stored, with overrides, posted as the admin; asserts it saved. */
async function saveSettings(overrides) {
  const boss = await as('boss');
  const html = (await page(base, '/admin/settings', boss)).html;
  const fields = {};
  for (const m of html.matchAll(/\bname="([^"]+)"/g)) if (m[1] !== 'csrf') fields[m[1]] = fieldValue(html, m[1]);
  const r = await post(base, '/admin/settings', boss, { ...fields, ...overrides });
  assert.equal(r.status, 200, formError(await r.text()));
}

/** Waits (polling) until the export for query has an entry matching pred; returns it. */
async function waitForEntry(query, pred, what) {
  for (let i = 0; i < 100; i++) {
    const e = (await exportLines(query)).find(pred);
    if (e) return e;
    await new Promise((r) => setTimeout(r, 300));
  }
  assert.fail(`no audit entry: ${what}`);
}

test('every newsroom action and log-in attempt leaves its entry, on /admin/audit and in the export', async () => {
  // ---- log-ins and log-out
  const boss = await as('boss');
  expect('login.ok', 'boss', `user:${ids.boss}`);
  assert.equal((await loginPost(base, 'boss', 'not-the-password')).status, 401);
  expect('login.failed', 'boss', `user:${ids.boss}`, 'wrong password');
  assert.equal((await loginPost(base, 'nobody-here', 'whatever-password')).status, 401);
  expect('login.failed', 'nobody-here', '', 'no such account');
  const forged = await request(base, '/admin/login', { form: { login: 'ed', password: PW, token: 'forged', next: '/admin/' } });
  assert.equal(forged.status, 403);
  expect('login.forged', 'ed', '');
  for (let i = 0; i < 5; i++) assert.equal((await loginPost(base, 'throttle-me', 'wrong-password-x')).status, 401);
  assert.equal((await loginPost(base, 'throttle-me', 'wrong-password-x')).status, 429);
  expect('login.throttled', 'throttle-me', '');
  const other = await login(base, 'mod', PW);
  assert.equal((await post(base, '/admin/logout', other)).status, 303);
  expect('logout', 'mod', `user:${ids.mod}`);

  // ---- accounts: made and disabled on the users page; a password reset and re-enabling on the command line
  let r = await post(base, '/admin/users', boss, { login: 'newbie', display_name: 'New Person', role: 'reporter', password: PW });
  assert.equal(r.status, 200, formError(await r.text()));
  ids.newbie = sql("SELECT id FROM users WHERE login = 'newbie'");
  expect('user.created', 'boss', `user:${ids.newbie}`, 'newbie (reporter)');
  assert.equal((await post(base, `/admin/users/${ids.newbie}/disable`, boss)).status, 200);
  expect('user.disabled', 'boss', `user:${ids.newbie}`);
  assert.equal(run(['user', 'passwd', '--site', dir, '--name', 'newbie'], { input: 'another-long-password\n' }).status, 0);
  expect('user.password_reset', 'cli', `user:${ids.newbie}`, 'newbie', '');
  assert.equal(run(['user', 'enable', '--site', dir, '--name', 'newbie']).status, 0);
  expect('user.enabled', 'cli', `user:${ids.newbie}`, 'newbie', '');
  expect('user.created', 'cli', `user:${ids.ed}`, 'ed (editor)', '');

  // ---- one's own password (refused, changed) and language; the site's language and settings
  const pw = await as('pw');
  assert.equal((await post(base, '/admin/password', pw, { current: 'wrong-current-pw', new: 'a-new-long-password' })).status, 400);
  expect('user.password_refused', 'pw', `user:${ids.pw}`);
  r = await post(base, '/admin/password', pw, { current: PW, new: 'a-new-long-password' });
  assert.equal(r.status, 303);
  expect('user.password_changed', 'pw', `user:${ids.pw}`);
  sessions.pw = await login(base, 'pw', 'a-new-long-password'); // (the change ended its other sessions)
  assert.equal((await post(base, '/admin/language', sessions.pw, { lang: 'ar' })).status, 303);
  expect('user.language', 'pw', `user:${ids.pw}`, 'ar');
  assert.equal((await post(base, '/admin/language', boss, { site_lang: 'ar' })).status, 303);
  expect('setting.changed', 'boss', 'setting:newsroom_lang', 'ar');
  assert.equal((await post(base, '/admin/language', boss, { site_lang: 'en' })).status, 303);
  expect('setting.changed', 'boss', 'setting:newsroom_lang', 'en');
  await saveSettings({ latest_count: '7' });
  expect('setting.changed', 'boss', 'setting:latest_count', '7');

  // ---- an article's life: create, save, the workflow's every step, restore, correction, comment settings
  const a = await createArticle('ed', { headline: 'Audit trail story' });
  expect('article.created', 'ed', `article:${a}`, 'Audit trail story');
  await saveArticle('ed', a, { standfirst: 'A second version.' });
  expect('article.saved', 'ed', `article:${a}`, 'Audit trail story');
  await step('ed', a, 'review');
  expect('article.submitted', 'ed', `article:${a}`, 'submitted for review');
  await step('ed', a, 'draft');
  expect('article.returned', 'ed', `article:${a}`, 'returned to draft');
  const tomorrow = utcText(Date.now() + 86400000);
  await step('ed', a, 'schedule', { at: tomorrow });
  expect('article.scheduled', 'ed', `article:${a}`, `scheduled for ${tomorrow} UTC`);
  await step('ed', a, 'unpublish');
  expect('article.unscheduled', 'ed', `article:${a}`, 'schedule cancelled');
  await step('ed', a, 'publish');
  expect('article.published', 'ed', `article:${a}`, 'published');
  await step('ed', a, 'expiry', { expires: tomorrow });
  expect('article.takedown', 'ed', `article:${a}`, `take-down set for ${tomorrow} UTC`);
  await step('ed', a, 'unpublish');
  expect('article.unpublished', 'ed', `article:${a}`, 'unpublished');
  r = await post(base, `/admin/articles/${a}/restore`, await as('ed'), { version: '1' });
  assert.equal(r.status, 303);
  expect('article.restored', 'ed', `article:${a}`, 'version 1');
  r = await post(base, `/admin/articles/${a}/corrections`, await as('ed'), { body: 'An earlier version misnamed the port.' });
  assert.equal(r.status, 303);
  expect('article.corrected', 'ed', `article:${a}`, 'An earlier version misnamed the port.');
  r = await post(base, `/admin/articles/${a}/comments`, await as('ed'), { mode: 'pre', closed: '1' });
  assert.equal(r.status, 303);
  expect('article.comments', 'ed', `article:${a}`, 'mode pre, closed');

  // ---- translations: the desk's translate and up-to-date; pairing two articles in the editor
  r = await post(base, `/admin/articles/${a}/translate`, await as('ed'));
  assert.equal(r.status, 303);
  const t = Number(/\/admin\/articles\/(\d+)/.exec(r.headers.get('location'))[1]);
  expect('article.translated', 'ed', `article:${t}`, `translation of article:${a}`);
  assert.equal((await post(base, `/admin/articles/${t}/up-to-date`, await as('ed'))).status, 303);
  expect('article.uptodate', 'ed', `article:${t}`, `with article:${a}`);
  const en = await createArticle('ed', { headline: 'Pair me' });
  const ar = await createArticle('ed', { headline: 'زوّجني', edition: 'ar', section: sections['ar:business'] });
  await saveArticle('ed', en, { translation: String(ar) });
  expect('article.paired', 'ed', `article:${en}`, `with article:${ar}`);

  // ---- comment moderation: bulk actions, an edit, a ban
  const mod = await as('mod');
  const [c1, c2, c3, c4] = dbExec(dir, 'SELECT id FROM comments ORDER BY id LIMIT 4').trim().split('\n');
  r = await postPairs('/admin/comments', mod, [['action', 'reject'], ['ids', c1], ['ids', c2]]);
  assert.equal(r.status, 303);
  expect('comment.rejected', 'mod', `comment:${c1}`);
  expect('comment.rejected', 'mod', `comment:${c2}`);
  assert.equal((await postPairs('/admin/comments', mod, [['action', 'pending'], ['ids', c1]])).status, 303);
  expect('comment.pending', 'mod', `comment:${c1}`);
  assert.equal((await postPairs('/admin/comments', mod, [['action', 'approve'], ['ids', c1]])).status, 303);
  expect('comment.approved', 'mod', `comment:${c1}`);
  assert.equal((await postPairs('/admin/comments', mod, [['action', 'spam'], ['ids', c2]])).status, 303);
  expect('comment.spam', 'mod', `comment:${c2}`);
  assert.equal((await post(base, `/admin/comments/${c3}`, mod, { body: 'A moderated comment.' })).status, 303);
  expect('comment.edited', 'mod', `comment:${c3}`);
  dbExec(dir, `UPDATE comments SET ip_hash = 'audit-test-address' WHERE id = ${c4}`);
  assert.equal((await post(base, `/admin/comments/${c4}/ban`, mod)).status, 303);
  expect('comment.banned', 'mod', `comment:${c4}`, 'address');

  // ---- webhooks: added, disabled, enabled, deleted
  r = await post(base, '/admin/webhooks', boss, { url: 'http://127.0.0.1:9/audit-hook', 'article.published': 'on' });
  assert.equal(r.status, 200, formError(await r.text()));
  const hook = sql("SELECT id FROM webhooks WHERE url = 'http://127.0.0.1:9/audit-hook'");
  expect('webhook.created', 'boss', `webhook:${hook}`, 'http://127.0.0.1:9/audit-hook (article.published)');
  assert.equal((await post(base, `/admin/webhooks/${hook}/active`, boss, { active: '0' })).status, 200);
  expect('webhook.disabled', 'boss', `webhook:${hook}`);
  assert.equal((await post(base, `/admin/webhooks/${hook}/active`, boss, { active: '1' })).status, 200);
  expect('webhook.enabled', 'boss', `webhook:${hook}`);
  assert.equal((await post(base, `/admin/webhooks/${hook}/delete`, boss)).status, 200);
  expect('webhook.deleted', 'boss', `webhook:${hook}`);

  // ---- API keys, and the admin API acting as its key ("key:NAME", with its admin's id)
  const form = new URLSearchParams([['csrf', boss.csrf], ['name', 'Wire desk'], ['days', '30'], ['scope', 'read'], ['scope', 'write'], ['scope', 'publish']]);
  r = await fetch(`${base}/admin/api-keys`, { method: 'POST', body: form, headers: { cookie: `bs_session=${boss.cookie}` } });
  const token = /<code class="token">(bsk_[0-9a-f]{64})<\/code>/.exec(await r.text())[1];
  const key = sql("SELECT id FROM api_keys WHERE name = 'Wire desk'");
  expect('apikey.created', 'boss', `apikey:${key}`, 'Wire desk; read write publish; 30 days');
  const api = async (method, path, body) => {
    const res = await fetch(base + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
    const json = await res.json();
    assert.ok(res.status < 300, JSON.stringify(json));
    return json.article;
  };
  const made = await api('POST', '/api/v1/admin/articles', { edition: 'en', section: 'business', headline: 'Sent over the API', body: 'Text.' });
  expect('article.created', 'key:Wire desk', `article:${made.id}`, 'Sent over the API');
  await api('PUT', `/api/v1/admin/articles/${made.id}`, { version: made.version, headline: 'Sent over the API, again' });
  expect('article.saved', 'key:Wire desk', `article:${made.id}`, 'Sent over the API, again');
  await api('POST', `/api/v1/admin/articles/${made.id}/publish`);
  expect('article.published', 'key:Wire desk', `article:${made.id}`);
  await api('POST', `/api/v1/admin/articles/${made.id}/unpublish`);
  expect('article.unpublished', 'key:Wire desk', `article:${made.id}`);
  assert.equal((await post(base, `/admin/api-keys/${key}/revoke`, boss)).status, 303);
  expect('apikey.revoked', 'boss', `apikey:${key}`);

  // ---- media: an upload and its focal point
  const ed = await as('ed');
  const fd = new FormData();
  fd.set('alt', 'Cranes at dawn');
  fd.set('file', new Blob([jpeg(640, 400)]), 'cranes.jpg');
  r = await fetch(`${base}/admin/media?csrf=${ed.csrf}`, { method: 'POST', body: fd, headers: { cookie: `bs_session=${ed.cookie}` }, redirect: 'manual' });
  assert.equal(r.status, 303, formError(await r.text()));
  const media = /uploaded=(\d+)/.exec(r.headers.get('location'))[1];
  expect('media.uploaded', 'ed', `media:${media}`, 'Cranes at dawn');
  assert.equal((await post(base, `/admin/media/${media}/focal`, ed, { focal_x: '0.25', focal_y: '0.75' })).status, 303);
  expect('media.focal', 'ed', `media:${media}`, 'focal point 0.2500, 0.7500');

  // ---- the glossary: added, changed, deleted
  const entry = { id: '', kind: 'person', name_en: 'Audit Person', name_ar: 'شخص التدقيق', variants: '', note: '' };
  assert.equal((await post(base, '/admin/glossary', ed, entry)).status, 303);
  const gl = sql("SELECT id FROM glossary WHERE name_en = 'Audit Person'");
  expect('glossary.added', 'ed', `glossary:${gl}`, 'Audit Person / شخص التدقيق');
  assert.equal((await post(base, '/admin/glossary', ed, { ...entry, id: gl, note: 'Changed.' })).status, 303);
  expect('glossary.saved', 'ed', `glossary:${gl}`);
  assert.equal((await post(base, `/admin/glossary/${gl}/delete`, ed)).status, 303);
  expect('glossary.deleted', 'ed', `glossary:${gl}`);

  // ---- the scheduler publishes and takes down as "system" (no address)
  const s = await createArticle('ed', { headline: 'Goes out by itself' });
  const e = await createArticle('ed', { headline: 'Comes down by itself' });
  await step('ed', e, 'publish');
  const soon = utcText(Date.now() + 3000);
  await step('ed', s, 'schedule', { at: soon });
  await step('ed', e, 'expiry', { expires: soon });
  await waitForEntry('person=system', (x) => x.target === `article:${s}`, 'the scheduled publication');
  await waitForEntry('person=system', (x) => x.target === `article:${e}`, 'the take-down');
  expect('article.published', 'system', `article:${s}`, 'at its scheduled time', '');
  expect('article.expired', 'system', `article:${e}`, 'at its take-down time', '');

  // ---- every entry is in the export, then on the page (filtered to its action and person)
  const all = await exportLines();
  for (const x of expected) {
    const found = all.find((y) => y.action === x.action && y.login === x.login && y.target === x.target &&
      y.address === x.address && (x.detail === undefined || y.detail.includes(x.detail)));
    assert.ok(found, `export: no ${JSON.stringify(x)}`);
    const uid = { boss: ids.boss, ed: ids.ed, mod: ids.mod, pw: ids.pw, 'key:Wire desk': ids.boss }[x.login];
    const anonymous = ['cli', 'system', 'nobody-here', 'throttle-me'].includes(x.login) || x.action === 'login.forged';
    if (anonymous) assert.equal(found.user_id, null, `user_id of ${JSON.stringify(x)}`);
    else if (uid) assert.equal(String(found.user_id), uid, `user_id of ${JSON.stringify(x)}`);
    assert.match(found.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(Date.parse(found.at) / 1000, found.at_epoch);
  }
  for (const x of expected) {
    const p = await asBoss(`/admin/audit?action=${encodeURIComponent(x.action)}&person=${encodeURIComponent(x.login)}`);
    assert.equal(p.status, 200);
    const row = rows(p.text).find((y) => y.action === x.action && y.login === x.login && y.target === x.target &&
      y.address === x.address && (x.detail === undefined || y.detail.includes(x.detail)));
    assert.ok(row, `page: no ${JSON.stringify(x)} in ${JSON.stringify(rows(p.text))}`);
    assert.notEqual(row.label, '', `a label for ${x.action}`);
    if (x.target.startsWith('article:')) assert.equal(row.href, `/admin/articles/${x.target.slice(8)}`);
  }
});

test('filters: person, action and group, a window of days, and paging to older entries', async () => {
  const ed = await exportLines('person=ed');
  assert.ok(ed.length > 10 && ed.every((x) => x.login === 'ed'));
  const logins = await exportLines('action=login.');
  assert.ok(logins.some((x) => x.action === 'login.ok') && logins.some((x) => x.action === 'login.failed'));
  assert.ok(logins.every((x) => x.action.startsWith('login.')), 'a group is its prefix (not logout)');
  assert.deepEqual([...new Set((await exportLines('action=login.ok')).map((x) => x.action))], ['login.ok']);
  const p = await asBoss('/admin/audit?action=comment.&person=mod');
  assert.ok(rows(p.text).length >= 6 && rows(p.text).every((x) => x.action.startsWith('comment.') && x.login === 'mod'));
  assert.equal(selectOptions(p.text, 'action').find((o) => o.selected)?.value, 'comment.');
  assert.equal(fieldValue(p.text, 'person'), 'mod');

  // days: two entries 12 and 10 days ago
  const day = (n) => new Date(Date.now() - n * 86400000).toISOString().slice(0, 10);
  const noon = (n) => Math.floor(Date.parse(`${day(n)}T12:00:00Z`) / 1000);
  dbExec(dir, `INSERT INTO audit_log(at, login, address, action, target, detail) VALUES (${noon(12)}, 'window', '192.0.2.1', 'test.old', '', 'twelve'), (${noon(10)}, 'window', '192.0.2.1', 'test.new', '', 'ten')`);
  const details = async (q) => (await exportLines(`person=window&${q}`)).map((x) => x.detail);
  assert.deepEqual(await details(`from=${day(12)}&to=${day(12)}`), ['twelve']);
  assert.deepEqual(await details(`from=${day(11)}&to=${day(10)}`), ['ten']);
  assert.deepEqual(await details(`from=${day(12)}`), ['ten', 'twelve']);
  assert.deepEqual(await details(`to=${day(11)}`), ['twelve']);
  assert.deepEqual(await details(`from=${day(12)}%2012:00:01&to=${day(12)}`), [], 'a time narrows within the day');
  assert.deepEqual(await details(`from=${day(12)}%2012:00&to=${day(12)}`), ['twelve']);

  // paging: 60 entries, 50 a page, the older link and back to the newest
  const now = Math.floor(Date.now() / 1000);
  dbExec(dir, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)
    INSERT INTO audit_log(at, login, address, action, target, detail) SELECT ${now} - 100 + i, 'pager', '192.0.2.2', 'test.page', '', CAST(i AS TEXT) FROM n`);
  const first = await asBoss('/admin/audit?person=pager');
  const one = rows(first.text);
  assert.equal(one.length, 50);
  assert.deepEqual(one.map((x) => x.detail), Array.from({ length: 50 }, (_, i) => String(60 - i)), 'newest first');
  const older = /<a href="([^"]*)">Older entries<\/a>/.exec(first.text);
  assert.ok(older, 'an older link');
  assert.doesNotMatch(first.text, /Newest entries/);
  const second = await asBoss(unescapeHtml(older[1]));
  assert.deepEqual(rows(second.text).map((x) => x.detail), Array.from({ length: 10 }, (_, i) => String(10 - i)));
  assert.doesNotMatch(second.text, /Older entries/);
  assert.match(second.text, /<a href="\/admin\/audit\?person=pager">Newest entries<\/a>/);
  assert.equal((await exportLines('person=pager')).length, 60);
});

test('the export: JSON lines, an attachment, streamed past its pages of 500 in order; ?format=jsonl alike', async () => {
  const now = Math.floor(Date.now() / 1000);
  dbExec(dir, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1234)
    INSERT INTO audit_log(at, login, address, action, target, detail) SELECT ${now} - 2000 + i, 'bulk', '2001:db8::1', 'test.bulk', 'article:' || CAST(i AS TEXT), 'line "' || CAST(i AS TEXT) || '" <&>' FROM n`);
  const r = await asBoss('/admin/audit.jsonl?person=bulk');
  assert.equal(r.status, 200);
  assert.match(r.res.headers.get('content-type'), /^application\/x-ndjson/);
  assert.match(r.res.headers.get('content-disposition'), /^attachment; filename="audit-[0-9T-]+Z\.jsonl"$/);
  assert.equal(r.res.headers.get('transfer-encoding'), 'chunked', 'streamed, not one buffer of known length');
  assert.ok(r.text.endsWith('\n'));
  const lines = r.text.split('\n').filter((l) => l).map((l) => JSON.parse(l));
  assert.equal(lines.length, 1234);
  assert.deepEqual(Object.keys(lines[0]), ['id', 'at', 'at_epoch', 'user_id', 'login', 'address', 'action', 'target', 'detail']);
  assert.deepEqual(lines.map((x) => x.detail), Array.from({ length: 1234 }, (_, i) => `line "${1234 - i}" <&>`), 'newest first, none twice');
  for (let i = 1; i < lines.length; i++) assert.ok(lines[i].id < lines[i - 1].id);
  assert.equal(lines[0].address, '2001:db8::1');
  const same = await asBoss('/admin/audit?format=jsonl&person=bulk');
  assert.equal(same.status, 200);
  assert.equal(same.text.split('\n').filter((l) => l).length, 1234);
  const none = await asBoss('/admin/audit.jsonl?person=nobody-at-all');
  assert.equal(none.status, 200);
  assert.equal(none.text, '');
});

test('only admins: 403 for the other roles on both addresses, the log-in page for nobody', async () => {
  for (const who of ['ed', 'rep', 'mod']) {
    for (const path of ['/admin/audit', '/admin/audit.jsonl']) {
      const p = await page(base, path, await as(who));
      assert.equal(p.status, 403, `${who} ${path}`);
      assert.doesNotMatch(p.html, /login\.ok/);
    }
  }
  for (const path of ['/admin/audit', '/admin/audit.jsonl']) {
    const r = await request(base, path);
    assert.equal(r.status, 303);
    assert.match(r.headers.get('location'), /^\/admin\/login\?next=/);
  }
  const boss = (await page(base, '/admin/', await as('boss'))).html;
  assert.match(boss, /<a href="\/admin\/audit">Audit log<\/a>/, 'the menu links it for admins');
  assert.doesNotMatch((await page(base, '/admin/', await as('ed'))).html, /\/admin\/audit/, 'and for nobody else');
});

test('a bad filter answers 400 with a sentence and the form as typed, on the page and the export', async () => {
  const cases = [
    ['from=2026-02-31', 'from', '2026-02-31', /first day must be a date/],
    ['to=yesterday', 'to', 'yesterday', /last day must be a date/],
    ['from=2026-03-02&to=2026-03-01', 'to', '2026-03-01', /last day is before the first day/],
    [`person=${'x'.repeat(201)}`, 'person', 'x'.repeat(201), /person is too long: 201 characters, and at most 200/],
    ['action=LOGIN%20OK!', 'action', 'LOGIN OK!', /An action is a name such as login\.failed/],
    [`action=${'a'.repeat(101)}`, 'action', 'a'.repeat(101), /action is too long/],
    ['before=abc', null, null, /That page of the log does not exist/],
    ['format=xml', null, null, /format must be jsonl/],
  ];
  for (const [q, field, typed, why] of cases) {
    for (const path of ['/admin/audit', '/admin/audit.jsonl']) {
      const r = await asBoss(`${path}?${field === 'person' ? '' : 'person=kept&'}${q}`);
      assert.equal(r.status, 400, `${path}?${q}`);
      assert.match(r.res.headers.get('content-type'), /^text\/html/);
      assert.match(formError(r.text) ?? '', why, `${path}?${q}`);
      if (field === 'action') {
        const sel = selectOptions(r.text, 'action').find((o) => o.selected);
        assert.equal(sel?.value, typed, 'the action typed stays chosen');
        assert.match(r.text, /<select id="audit-action" name="action" aria-invalid="true">/);
      } else if (field) {
        assert.equal(fieldValue(r.text, field), typed, `${field} kept`);
        assert.match(r.text, new RegExp(`name="${field}"[^>]*aria-invalid="true"`));
      }
      if (field !== 'person') assert.equal(fieldValue(r.text, 'person'), 'kept');
      assert.equal(rows(r.text).length, 0, 'no entries under a refused filter');
    }
  }
});

test('retention: the scheduler purges entries older than audit.retention_days, at start and hourly, and nothing else', async () => {
  await saveSettings({ 'audit.retention_days': '30' });
  const now = Math.floor(Date.now() / 1000);
  dbExec(dir, `INSERT INTO audit_log(at, login, address, action, target, detail) VALUES (${now - 31 * 86400}, 'retention', '192.0.2.3', 'test.kept', '', 'old'), (${now - 29 * 86400}, 'retention', '192.0.2.3', 'test.kept', '', 'recent')`);
  assert.deepEqual((await exportLines('person=retention')).map((x) => x.detail), ['recent', 'old'], 'nothing purges them while the server runs (the next purge is an hour away)');
  await srv.stop();
  srv = await startServer(dir); // the scheduler's first round purges
  base = srv.base;
  let left;
  for (let i = 0; i < 100; i++) {
    left = (await exportLines('person=retention')).map((x) => x.detail);
    if (left.length < 2) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.deepEqual(left, ['recent']);
  assert.ok((await exportLines('person=pager')).length === 60, 'recent entries stay');
});
