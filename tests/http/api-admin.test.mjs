// The admin API: keys made in the newsroom (shown once, stored hashed, scoped, expiring, revocable) and
// JSON create/update/schedule/publish/unpublish through the web editor's validation, revisions and log;
// every refusal a JSON error of one shape.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSite, startServer, dbExec } from '../lib/server.mjs';
import { addUser, login, post, page, fieldValue } from '../lib/newsroom.mjs';

let srv, dir, boss;
const keys = {};

before(async () => {
  dir = demoSite(0);
  addUser(dir, 'boss', 'admin');
  addUser(dir, 'ed', 'editor');
  srv = await startServer(dir);
  boss = await login(srv.base, 'boss', 'a-long-password');
});
after(async () => { await srv?.stop(); });

/** Makes a key in the newsroom with the scopes; returns the token shown once. */
async function makeKey(name, scopes, days = '30') {
  const form = new URLSearchParams({ csrf: boss.csrf, name, days });
  for (const s of scopes) form.append('scope', s);
  const r = await fetch(`${srv.base}/admin/api-keys`, {
    method: 'POST', body: form, headers: { cookie: `bs_session=${boss.cookie}` }, redirect: 'manual',
  });
  const html = await r.text();
  assert.equal(r.status, 200, html.slice(0, 300));
  const m = /<code class="token">(bsk_[0-9a-f]{64})<\/code>/.exec(html);
  assert.ok(m, 'the new key is shown');
  return m[1];
}

async function call(method, p, { key, body, type = 'application/json' } = {}) {
  const headers = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = type;
  const r = await fetch(srv.base + p, { method, headers, body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)) });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* asserted by callers */ }
  return { status: r.status, json, text, headers: r.headers };
}

function isError(r, status, code) {
  assert.equal(r.status, status, r.text);
  assert.deepEqual(Object.keys(r.json), ['error'], r.text);
  // "field" names the request field at fault, when one is (issue 16: refusals name the field)
  const keys = Object.keys(r.json.error);
  assert.deepEqual(keys, 'field' in r.json.error ? ['code', 'message', 'field'] : ['code', 'message'], r.text);
  if ('field' in r.json.error) assert.match(r.json.error.field, /^[a-z_]+$/, r.text);
  if (code) assert.equal(r.json.error.code, code, r.text);
}

const draft = {
  edition: 'en', section: 'business', headline: 'Port authority publishes container figures over the API',
  standfirst: 'Throughput rose for a third month.', body: 'The figures were released on **Tuesday**.',
  bylines: ['Rana Haddad', 'Omar Khalil'], tags: ['ports', 'trade'], dateline: 'AQABA',
};

test('keys: made in the newsroom, shown once, stored only as a hash, listed by prefix', async () => {
  keys.all = await makeKey('CMS bridge', ['read', 'write', 'publish']);
  keys.read = await makeKey('Reader', ['read']);
  keys.write = await makeKey('Writer', ['read', 'write']);
  const list = await page(srv.base, '/admin/api-keys', boss);
  assert.ok(!list.html.includes(keys.all), 'the list never shows a key again');
  assert.ok(list.html.includes(`${keys.all.slice(0, 12)}…`), 'keys are listed by their first characters');
  const db = dbExec(dir, 'SELECT token_hash FROM api_keys');
  assert.ok(!db.includes(keys.all.slice(4)), 'the token itself is not stored');
  // refusals keep the form: no scope, bad lifetime
  const bad = new URLSearchParams({ csrf: boss.csrf, name: 'No scopes', days: '30' });
  const r = await fetch(`${srv.base}/admin/api-keys`, { method: 'POST', body: bad, headers: { cookie: `bs_session=${boss.cookie}` } });
  assert.equal(r.status, 400);
  const html = await r.text();
  assert.match(html, /at least one scope/);
  assert.equal(fieldValue(html, 'name'), 'No scopes');
  // an editor may not manage keys
  const ed = await login(srv.base, 'ed', 'a-long-password');
  assert.equal((await page(srv.base, '/admin/api-keys', ed)).status, 403);
});

test('create, read, update with the stale-version check, then the revision history shows the saves', async () => {
  const c = await call('POST', '/api/v1/admin/articles', { key: keys.all, body: draft });
  assert.equal(c.status, 201, c.text);
  const a = c.json.article;
  assert.equal(a.status, 'draft');
  assert.equal(a.version, 1);
  assert.deepEqual(a.bylines, draft.bylines);
  // (a tag that exists already keeps its name: the demo has "Trade")
  assert.deepEqual(a.tags.map((t) => t.toLowerCase()).sort(), draft.tags.slice().sort());
  assert.equal(a.section, 'business');
  assert.equal(a.url, null, 'a draft has no public address');
  assert.match(c.headers.get('location'), new RegExp(`/api/v1/admin/articles/${a.id}$`));
  const g = await call('GET', `/api/v1/admin/articles/${a.id}`, { key: keys.read });
  assert.equal(g.status, 200);
  assert.equal(g.json.article.body, draft.body);
  const u = await call('PUT', `/api/v1/admin/articles/${a.id}`, { key: keys.write, body: { version: 1, headline: 'Container figures rise for a third month' } });
  assert.equal(u.status, 200, u.text);
  assert.equal(u.json.article.version, 2);
  assert.equal(u.json.article.standfirst, draft.standfirst, 'absent fields are kept');
  const stale = await call('PUT', `/api/v1/admin/articles/${a.id}`, { key: keys.write, body: { version: 1, headline: 'Stale' } });
  isError(stale, 409, 'conflict');
  const hist = await page(srv.base, `/admin/articles/${a.id}/history`, boss);
  assert.match(hist.html, /Container figures rise for a third month/);
  assert.match(hist.html, /Port authority publishes container figures/);
  keys.article = a.id;
});

test('publish, unpublish and schedule need the publish scope; the public site follows', async () => {
  const id = keys.article;
  isError(await call('POST', `/api/v1/admin/articles/${id}/publish`, { key: keys.write }), 403, 'insufficient_scope');
  const p = await call('POST', `/api/v1/admin/articles/${id}/publish`, { key: keys.all });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.article.status, 'published');
  const pub = await fetch(p.json.article.url);
  assert.equal(pub.status, 200);
  isError(await call('POST', `/api/v1/admin/articles/${id}/publish`, { key: keys.all }), 409, 'conflict');
  const un = await call('POST', `/api/v1/admin/articles/${id}/unpublish`, { key: keys.all });
  assert.equal(un.json.article.status, 'unpublished');
  assert.equal((await fetch(p.json.article.url)).status, 404);
  isError(await call('POST', `/api/v1/admin/articles/${id}/schedule`, { key: keys.all, body: { at: '2001-01-01T00:00:00Z' } }), 400, 'invalid');
  // publish "as of" a past time (archive imports); a future one must be scheduled instead
  const later = new Date(Date.now() + 86400e3).toISOString().slice(0, 19) + 'Z';
  isError(await call('POST', `/api/v1/admin/articles/${id}/publish`, { key: keys.all, body: { at: later } }), 400, 'invalid');
  const asOf = await call('POST', `/api/v1/admin/articles/${id}/publish`, { key: keys.all, body: { at: '2019-05-04T10:30:00Z' } });
  assert.equal(asOf.status, 200, asOf.text);
  assert.equal(asOf.json.article.published_at, '2019-05-04T10:30:00Z');
  assert.match(asOf.json.article.url, /\/2019\/05\/04\//);
  assert.equal((await fetch(asOf.json.article.url)).status, 200);
  assert.equal((await call('POST', `/api/v1/admin/articles/${id}/unpublish`, { key: keys.all })).status, 200);
  const at = new Date(Date.now() + 3600e3).toISOString().slice(0, 19) + 'Z';
  const s = await call('POST', `/api/v1/admin/articles/${id}/schedule`, { key: keys.all, body: { at } });
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.article.status, 'scheduled');
  assert.equal(s.json.article.scheduled_at, at);
});

test('bad keys: missing, unknown, revoked, expired, under-scoped', async () => {
  isError(await call('GET', '/api/v1/admin/articles/1'), 401, 'unauthorized');
  isError(await call('GET', '/api/v1/admin/articles/1', { key: `bsk_${'0'.repeat(64)}` }), 401, 'unauthorized');
  const doomed = await makeKey('Doomed', ['read']);
  assert.equal((await call('GET', '/api/v1/admin/articles/1', { key: doomed })).status, 200);
  const list = await page(srv.base, '/admin/api-keys', boss);
  const id = new RegExp(`<code>${doomed.slice(0, 12)}…</code>[\\s\\S]*?/admin/api-keys/(\\d+)/revoke`).exec(list.html)[1];
  const rv = await post(srv.base, `/admin/api-keys/${id}/revoke`, boss, {});
  assert.equal(rv.status, 303);
  isError(await call('GET', '/api/v1/admin/articles/1', { key: doomed }), 403, 'key_revoked');
  const old = await makeKey('Old', ['read'], '1');
  dbExec(dir, "UPDATE api_keys SET expires_at = 1 WHERE name = 'Old'");
  isError(await call('GET', '/api/v1/admin/articles/1', { key: old }), 403, 'key_expired');
  isError(await call('POST', '/api/v1/admin/articles', { key: keys.read, body: draft }), 403, 'insufficient_scope');
});

test('bad input: malformed JSON, wrong types, unknown fields, invalid articles, oversized bodies', async () => {
  const k = keys.all;
  isError(await call('POST', '/api/v1/admin/articles', { key: k, body: '{"headline": ' }), 400, 'bad_json');
  isError(await call('POST', '/api/v1/admin/articles', { key: k, body: '[1, 2]' }), 400, 'bad_json');
  isError(await call('POST', '/api/v1/admin/articles', { key: k, body: '{"a": 1, "a": 2}' }), 400, 'bad_json');
  isError(await call('POST', '/api/v1/admin/articles', { key: k, body: { ...draft, colour: 'red' } }), 400, 'unknown_field');
  isError(await call('POST', '/api/v1/admin/articles', { key: k, body: { ...draft, headline: 42 } }), 400, 'bad_field');
  isError(await call('POST', '/api/v1/admin/articles', { key: k, body: { ...draft, tags: 'ports' } }), 400, 'bad_field');
  isError(await call('POST', '/api/v1/admin/articles', { key: k, body: { ...draft, tags: ['a,b'] } }), 400, 'bad_field');
  isError(await call('POST', '/api/v1/admin/articles', { key: k, body: { ...draft, section: 'no-such' } }), 400, 'bad_field');
  isError(await call('POST', '/api/v1/admin/articles', { key: k, body: { ...draft, headline: '' } }), 400, 'invalid');
  isError(await call('POST', '/api/v1/admin/articles', { key: k, body: { ...draft, headline: 'x'.repeat(301) } }), 400, 'invalid');
  isError(await call('POST', '/api/v1/admin/articles', { key: k, body: draft, type: 'text/plain' }), 415, 'bad_content_type');
  isError(await call('PUT', `/api/v1/admin/articles/${keys.article}`, { key: k, body: { headline: 'No version' } }), 400, 'bad_field');
  isError(await call('GET', '/api/v1/admin/articles/99999', { key: k }), 404, 'not_found');
  isError(await call('POST', `/api/v1/admin/articles/${keys.article}/explode`, { key: k }), 404, 'not_found');
  isError(await call('POST', `/api/v1/admin/articles/${keys.article}/schedule`, { key: k, body: { at: 5 } }), 400, 'bad_field');
  isError(await call('DELETE', `/api/v1/admin/articles/${keys.article}`, { key: k }), 405, 'method_not_allowed');
  const huge = JSON.stringify({ ...draft, body: 'x'.repeat(2 * 1024 * 1024) });
  const r = await fetch(`${srv.base}/api/v1/admin/articles`, { method: 'POST', body: huge, headers: { authorization: `Bearer ${k}`, 'content-type': 'application/json' } }).catch(() => null);
  if (r) {
    assert.equal(r.status, 413);
    assert.equal((await r.json()).error.code, 'too_large');
  }
  // nothing was created by the refusals: the drafts list has the one article made above
  const dash = await page(srv.base, '/admin/', boss);
  assert.equal((dash.html.match(/Port authority publishes container figures|Container figures rise/g) || []).length, 1);
});
