// Webhooks over real HTTP: a loopback receiver (node:http) records deliveries and checks their
// HMAC-SHA256 signatures with the secret the admin page shows. Covers publish / update / unpublish,
// a scheduled publish with no request to trigger it, retries with growing gaps and the delivery log,
// a hanging endpoint that delays neither publishing nor other endpoints, delivery after a restart,
// URL validation that keeps the form, and the admin-only permission.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { demoSite, startServer, configure, unescapeHtml, waitUntil } from '../lib/server.mjs';
import { startReceiver } from '../lib/webhooks.mjs';
import {
  addUser, login, post, page, selectOptions, formError, fieldValue, editorFields, publicHref, utcText,
} from '../lib/newsroom.mjs';

const PW = 'a-long-password';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let dir, srv, base, receiver, rbase, got, behaviour;
const sessions = {};
let section;

async function as(name) {
  sessions[name] ??= await login(base, name, PW);
  return sessions[name];
}

/** Waits until pred() returns a truthy value (polled every 50 ms); fails after ms. */
const waitFor = (fn, ms, what) => waitUntil(fn, ms, what, { every: 50, detail: () => `received: ${JSON.stringify(got.map((g) => [g.path, g.json?.event, g.json?.article?.id]))}` });

/** Deliveries (any answer) of event for article id at path. */
const deliveries = (path, event, id) => got.filter((g) => g.path === path && g.json?.event === event && g.json?.article?.id === id);

/** Adds an endpoint through the admin form; returns {id, secret}. */
async function addHook(path, events = ['article.published', 'article.updated', 'article.unpublished']) {
  const url = rbase + path;
  const form = { url };
  for (const e of events) form[e] = '1';
  const r = await post(base, '/admin/webhooks', await as('boss'), form);
  const html = await r.text();
  assert.equal(r.status, 200, `add webhook: ${formError(html)}`);
  const esc = url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const m = new RegExp(`<a href="/admin/webhooks/(\\d+)">${esc}</a>[\\s\\S]*?<code class="secret">([0-9a-f]{64})</code>`).exec(html);
  assert.ok(m, `the list shows ${url} with its secret`);
  return { id: Number(m[1]), secret: m[2] };
}

async function createArticle(headline, slug) {
  const r = await post(base, '/admin/articles/new', await as('ed'), {
    version: '0', headline, standfirst: `Standfirst of ${headline}`, body: 'Body text.', edition: 'en', section,
    slug, dateline: 'BEIRUT', bylines: 'Rana Haddad', tags: '', media: '0', caption: '', credit: '', translation: '',
    do: 'save',
  });
  assert.equal(r.status, 303, `create: ${formError(await r.text())}`);
  return Number(/\/admin\/articles\/(\d+)/.exec(r.headers.get('location'))[1]);
}

async function setStatus(id, fields) {
  const r = await post(base, `/admin/articles/${id}/status`, await as('ed'), fields);
  assert.equal(r.status, 303, `status ${JSON.stringify(fields)}: ${formError(await r.text())}`);
  return r;
}

/** Checks a delivery's headers, signature and body against the article. */
function checkSigned(d, secret, event) {
  const ts = d.headers['broadsheet-timestamp'];
  assert.match(ts, /^\d+$/, 'a unix timestamp header');
  assert.ok(Math.abs(Number(ts) - d.at / 1000) < 30, 'the timestamp is the time of sending');
  const want = 'sha256=' + crypto.createHmac('sha256', secret).update(`${ts}.${d.body}`).digest('hex');
  assert.equal(d.headers['broadsheet-signature'], want, 'the signature verifies with the secret from the admin page');
  assert.match(d.headers['content-type'], /^application\/json/);
  assert.equal(d.headers['broadsheet-event'], event);
  assert.equal(d.headers['broadsheet-delivery'], d.json.id, 'Broadsheet-Delivery is the body id');
  assert.equal(d.json.event, event);
  assert.match(d.json.id, /^\d+$/);
  assert.match(d.json.occurred_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
}

before(async () => {
  // every request the receiver sees: receiver.got; per-path failures and hangs: receiver.behaviour
  receiver = await startReceiver();
  ({ got, behaviour, base: rbase } = receiver);

  dir = demoSite(0);
  // the receiver is on loopback, which webhooks may reach only when the setting names it
  // (sec-webhook.test.mjs covers the refusals)
  configure(dir, { webhook_retry_base: 1, webhook_timeout: 2, webhook_connect_timeout: 1, webhook_allow_private: '127.0.0.1' });
  addUser(dir, 'boss', 'admin', PW);
  addUser(dir, 'ed', 'editor', PW);
  srv = await startServer(dir);
  base = srv.base;
  const ed = await page(base, '/admin/articles/new', await as('ed'));
  section = selectOptions(ed.html, 'section').find((o) => o.label === 'English: Business').value;
});

after(async () => {
  await srv?.stop();
  await receiver?.close();
});

test('roles: only admins open the webhook pages; the menu links them for admins', async () => {
  const ed = await page(base, '/admin/webhooks', await as('ed'));
  assert.equal(ed.status, 403);
  const edPost = await post(base, '/admin/webhooks', await as('ed'), { url: `${rbase}/x`, 'article.published': '1' });
  assert.equal(edPost.status, 403);
  const boss = await page(base, '/admin/webhooks', await as('boss'));
  assert.equal(boss.status, 200);
  assert.match(boss.html, /<a href="\/admin\/webhooks">Webhooks<\/a>/);
  assert.doesNotMatch((await page(base, '/admin/', await as('ed'))).html, /href="\/admin\/webhooks"/);
});

test('invalid endpoint addresses are refused and the form keeps what was typed', async () => {
  for (const url of ['ftp://example.com/hook', 'javascript:alert(1)', 'http://', 'example.com/hook',
    'http://exa mple.com/', 'https:///path']) {
    const r = await post(base, '/admin/webhooks', await as('boss'), { url, 'article.updated': '1' });
    const html = await r.text();
    assert.equal(r.status, 400, url);
    assert.ok(formError(html), `a reason for ${url}`);
    assert.equal(fieldValue(html, 'url'), url, 'the typed address is kept');
    assert.match(html, /name="article\.updated" value="1" checked/, 'the ticked event stays ticked');
    assert.doesNotMatch(html, /name="article\.published" value="1" checked/, 'an unticked event stays unticked');
  }
  const none = await post(base, '/admin/webhooks', await as('boss'), { url: `${rbase}/none` });
  assert.equal(none.status, 400);
  assert.match(formError(await none.text()), /at least one event/);
  assert.doesNotMatch((await page(base, '/admin/webhooks', await as('boss'))).html, /<code class="secret">/,
    'nothing was stored');
});

let hookA;
test('publish, edit and unpublish each deliver a signed event with the article', async () => {
  hookA = await addHook('/a');
  const id = await createArticle('Harbour cranes return', 'harbour-cranes');
  assert.equal(got.length, 0, 'a draft sends nothing');
  await setStatus(id, { to: 'publish' });
  const pub = await waitFor(() => deliveries('/a', 'article.published', id)[0], 5000, 'article.published');
  checkSigned(pub, hookA.secret, 'article.published');
  const href = publicHref((await page(base, `/admin/articles/${id}`, await as('ed'))).html);
  const a = pub.json.article;
  assert.equal(a.url, base + href, 'an absolute address under base_url');
  assert.equal(a.headline, 'Harbour cranes return');
  assert.equal(a.standfirst, 'Standfirst of Harbour cranes return');
  assert.equal(a.edition, 'en');
  assert.match(a.published_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.match(a.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  const f = editorFields((await page(base, `/admin/articles/${id}`, await as('ed'))).html);
  const saved = await post(base, `/admin/articles/${id}`, await as('ed'), { ...f, headline: 'Harbour cranes back at work', do: 'save' });
  assert.equal(saved.status, 303);
  const upd = await waitFor(() => deliveries('/a', 'article.updated', id)[0], 5000, 'article.updated');
  checkSigned(upd, hookA.secret, 'article.updated');
  assert.equal(upd.json.article.headline, 'Harbour cranes back at work');
  assert.notEqual(upd.json.id, pub.json.id, 'each delivery has its own id');

  await setStatus(id, { to: 'unpublish' });
  const un = await waitFor(() => deliveries('/a', 'article.unpublished', id)[0], 5000, 'article.unpublished');
  checkSigned(un, hookA.secret, 'article.unpublished');
  assert.equal(un.json.article.id, id);
  await sleep(300);
  assert.equal(got.filter((g) => g.json?.article?.id === id).length, 3, 'exactly one delivery per event');
});

test('a scheduled publication is delivered when it happens, with no request to trigger it', async () => {
  const id = await createArticle('Night ferry schedule', 'night-ferry');
  const at = Date.now() + 2000;
  await setStatus(id, { to: 'schedule', at: utcText(at) });
  await sleep(200);
  assert.equal(deliveries('/a', 'article.published', id).length, 0, 'nothing before the time');
  const d = await waitFor(() => deliveries('/a', 'article.published', id)[0], 8000, 'the scheduled publication');
  assert.ok(d.at >= Math.floor(at / 1000) * 1000, 'not before the scheduled time');
  checkSigned(d, hookA.secret, 'article.published');
  assert.equal(d.json.article.published_at, new Date(Math.floor(at / 1000) * 1000).toISOString().replace('.000', ''));
});

test('failed deliveries are retried with growing gaps, and the delivery log shows each attempt', async () => {
  behaviour.set('/flaky', { fail: 3 });
  const hook = await addHook('/flaky', ['article.published']);
  const id = await createArticle('Flaky receiver story', 'flaky-receiver');
  await setStatus(id, { to: 'publish' });
  const tries = await waitFor(() => {
    const t = deliveries('/flaky', 'article.published', id);
    return t.length >= 4 && t;
  }, 20000, 'four attempts');
  assert.deepEqual(tries.map((t) => t.answered), [500, 500, 500, 204]);
  assert.equal(new Set(tries.map((t) => t.json.id)).size, 1, 'one delivery, retried');
  for (const t of tries) checkSigned(t, hook.secret, 'article.published');
  const gaps = tries.slice(1).map((t, i) => (t.at - tries[i].at) / 1000);
  assert.ok(gaps[1] >= 1.5 && gaps[2] >= 3.5, `backoff doubles (base 1 s): ${gaps}`);
  assert.ok(gaps[2] > gaps[0] && gaps[2] > gaps[1], `the gaps grow: ${gaps}`);
  await sleep(300);
  assert.equal(deliveries('/flaky', 'article.published', id).length, 4, 'no attempt after the success');

  const log = await page(base, `/admin/webhooks/${hook.id}`, await as('boss'));
  assert.equal(log.status, 200);
  const rows = [...log.html.matchAll(/<tr class="delivery"><td>(\d+)<\/td><td>([^<]*)<\/td><td>(\d+)<\/td><td><time datetime="[^"]+">[^<]+<\/time><\/td><td>([^<]*)<\/td><td>(\d+) ms<\/td><\/tr>/g)];
  assert.deepEqual(rows.map((r) => [r[1], r[2], Number(r[3]), unescapeHtml(r[4])]), [
    [tries[0].json.id, 'article.published', 4, 'HTTP 204 (delivered)'],
    [tries[0].json.id, 'article.published', 3, 'HTTP 500'],
    [tries[0].json.id, 'article.published', 2, 'HTTP 500'],
    [tries[0].json.id, 'article.published', 1, 'HTTP 500'],
  ], 'newest first, every attempt');
  assert.equal((await page(base, `/admin/webhooks/${hook.id}`, await as('ed'))).status, 403);
  // disabled: no more deliveries; deleting removes it
  await post(base, `/admin/webhooks/${hook.id}/active`, await as('boss'), { active: '0' });
  assert.match((await page(base, '/admin/webhooks', await as('boss'))).html, /\/flaky<\/a><\/td><td>article\.published<\/td><td>disabled/);
});

test('a hanging endpoint delays neither publishing nor the other endpoints', async () => {
  behaviour.set('/hang', { hang: true });
  const hang = await addHook('/hang', ['article.published']);
  const other = await addHook('/other', ['article.published']);
  const id = await createArticle('Hanging receiver story', 'hanging-receiver');
  const t0 = Date.now();
  await setStatus(id, { to: 'publish' });
  const took = Date.now() - t0;
  assert.ok(took < 1500, `publishing answered in ${took} ms`);
  await waitFor(() => deliveries('/hang', 'article.published', id)[0], 5000, 'the hanging endpoint is called');
  const d = await waitFor(() => deliveries('/other', 'article.published', id)[0], 8000, 'the other endpoint');
  checkSigned(d, other.secret, 'article.published');
  // the timed-out attempt is logged as an error; on a private address (loopback here) the log does
  // not say why it failed nor how long it took, so it cannot tell a closed port from a filtered one
  await sleep(2500);
  const log = await page(base, `/admin/webhooks/${hang.id}`, await as('boss'));
  assert.match(log.html, /<td>1<\/td><td><time[^>]*>[^<]*<\/time><\/td><td>could not connect or no answer \(details are not shown for private addresses\)<\/td><td>–<\/td>/);
  const del = await post(base, `/admin/webhooks/${hang.id}/delete`, await as('boss'), {});
  assert.equal(del.status, 200);
  assert.doesNotMatch(await del.text(), /\/hang</);
});

test('a queued delivery survives a restart: stopped while the receiver fails, delivered after', async () => {
  behaviour.set('/down', { fail: Infinity });
  const hook = await addHook('/down', ['article.published']);
  const id = await createArticle('Restart story', 'restart-story');
  await setStatus(id, { to: 'publish' });
  await waitFor(() => deliveries('/down', 'article.published', id)[0], 5000, 'a failed attempt');
  await srv.stop(); // SIGTERM: exits 0 with no sanitizer report
  behaviour.set('/down', { fail: 0 });
  const before = deliveries('/down', 'article.published', id).length;
  srv = await startServer(dir);
  base = srv.base;
  for (const k of Object.keys(sessions)) delete sessions[k]; // new port: log in again
  const ok = await waitFor(() => deliveries('/down', 'article.published', id).find((g) => g.answered === 204), 8000,
    'the delivery after the restart');
  assert.ok(deliveries('/down', 'article.published', id).length > before);
  checkSigned(ok, hook.secret, 'article.published');
  const log = await page(base, `/admin/webhooks/${hook.id}`, await as('boss'));
  assert.match(log.html, /HTTP 204 \(delivered\)/);
  assert.match(log.html, /HTTP 500/);
});
