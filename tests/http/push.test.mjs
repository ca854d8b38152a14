// Web Push alerts over real HTTP, on the engine BROADSHEET_TEST_DB names: readers' subscriptions and
// their refusals (a foreign push service, http, malformed JSON, oversized keys, a point off the curve, no
// token, another origin, not JSON, too many from one address), an alert sent from /admin/push that every
// device decrypts (tests/lib/pushservice.mjs checks each VAPID signature and decrypts with http_ece), a
// 410 that removes the subscription, a 500 retried then delivered once, a hanging push service that holds
// up neither the other devices nor a publish, kill -9 of the server mid-queue (every device gets the alert,
// none twice at the device level thanks to Topic), the counts on /admin/push, the article editor's link
// with its prefill, the permission and the audit entry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { demoSite, startServer, configure, dbExec, waitUntil } from '../lib/server.mjs';
import { startPushService } from '../lib/pushservice.mjs';
import { addUser, login, post, page, selectOptions, formError, formNotice } from '../lib/newsroom.mjs';

const PW = 'a-long-password';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let dir, srv, base, svc, section;
const sessions = {};
let ipCounter = 10;

async function as(name) {
  sessions[name] ??= await login(base, name, PW);
  return sessions[name];
}

/** A loopback address of its own for each reader (the subscribe rate is per address). */
const nextIp = () => `127.0.${Math.floor(ipCounter / 250) + 1}.${(ipCounter++ % 250) + 1}`;

/** The signed token a reader page carries in its opt-in button. */
async function pageToken(edition = 'en') {
  const html = await (await fetch(`${base}/${edition}/`)).text();
  const m = /class="push-optin" hidden data-key="([A-Za-z0-9_-]+)" data-token="([^"]+)"/.exec(html);
  assert.ok(m, 'the reader page has the opt-in with its key and token');
  return m[2];
}

/** jsonPost: a POST of body (an object, or raw text) to path from address ip; resolves {status, json, headers}. */
function jsonPost(path, body, { ip = nextIp(), token, origin = base, type = 'application/json' } = {}) {
  const data = typeof body === 'string' ? body : JSON.stringify(body);
  const headers = { 'content-type': type, 'content-length': Buffer.byteLength(data) };
  if (origin) headers.origin = origin;
  if (token) headers['x-push-token'] = token;
  const u = new URL(base + path);
  return new Promise((resolve, reject) => {
    const r = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers, localAddress: ip, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, json, text, headers: res.headers });
      });
    });
    r.on('error', reject);
    r.end(data);
  });
}

async function subscribe(dev, edition = 'en') {
  const r = await jsonPost('/push/subscribe', dev.subscription(edition), { token: await pageToken(edition) });
  assert.equal(r.status, 200, `subscribe: ${r.text}`);
  return r;
}

/** Sends an alert through the newsroom's form; returns its id. */
async function sendAlert(fields) {
  const r = await post(base, '/admin/push/new', await as('ed'), { edition: 'en', body: '', url: '/en/', ...fields });
  const html = await r.text();
  assert.equal(r.status, 200, `send: ${formError(html)}`);
  assert.match(formNotice(html) || '', /Alert queued for \d+ devices/);
  const m = /<tr class="push-alert" data-alert="(\d+)">/.exec(html);
  return Number(m[1]);
}

/** The counts /admin/push shows for alert id. */
async function counts(id) {
  const { html } = await page(base, '/admin/push', await as('ed'));
  const row = new RegExp(`<tr class="push-alert" data-alert="${id}">([\\s\\S]*?)</tr>`).exec(html);
  assert.ok(row, `alert ${id} is listed`);
  const out = {};
  for (const k of ['queued', 'sent', 'failed', 'removed', 'pending'])
    out[k] = Number(new RegExp(`<td class="${k}">(\\d+)</td>`).exec(row[1])[1]);
  return out;
}

/** Subscriber counts per edition on /admin/push. */
async function subscribers() {
  const { html } = await page(base, '/admin/push', await as('ed'));
  const m = /English (\d+)<\/span>, <span class="push-subs" lang="ar" dir="rtl">العربية (\d+)/.exec(html);
  return { en: Number(m[1]), ar: Number(m[2]) };
}

const waitFor = (fn, ms, what) => waitUntil(fn, ms, what, { detail: () => `push service saw ${svc.requests.length} requests, errors ${JSON.stringify(svc.errors.slice(0, 3))}; rows ${dbExec(dir, 'SELECT id, alert_id, subscription_id, state, attempts, status, error, claim, lease_until, next_attempt_at FROM push_deliveries')}; server log: ${srv.stderr.slice(-1500)}` });

/** The messages of alert id that device dev received. */
const got = (dev, id) => dev.received.filter((a) => a.id === id);

before(async () => {
  svc = await startPushService();
  dir = demoSite(0);
  configure(dir, {
    push_allow_http: '127.0.0.1', push_timeout: 3, push_connect_timeout: 1, push_retry_base: 1,
    push_concurrency: 8, push_subscribe_rate: 4, push_contact: 'mailto:desk@example.com',
  });
  addUser(dir, 'ed', 'editor', PW);
  addUser(dir, 'rep', 'reporter', PW);
  srv = await startServer(dir);
  base = srv.base;
  const ed = await page(base, '/admin/articles/new', await as('ed'));
  section = selectOptions(ed.html, 'section').find((o) => o.label === 'English: Business').value;
});

after(async () => {
  svc?.release();
  await srv?.stop();
  await svc?.close();
});

test('reader pages carry the opt-in (hidden without JavaScript) and /sw.js is served for the whole site', async () => {
  for (const ed of ['en', 'ar']) {
    const html = await (await fetch(`${base}/${ed}/`)).text();
    assert.match(html, new RegExp(`<div class="push-optin" hidden [^>]*data-edition="${ed}"`));
    assert.match(html, ed === 'ar' ? /تلقَّ تنبيهات الأخبار/ : /Get news alerts on this device/);
    assert.match(html, /<script src="\/static\/push\.js\?v=[0-9a-f]+" defer><\/script>/);
  }
  const sw = await fetch(`${base}/sw.js`);
  assert.equal(sw.status, 200);
  assert.match(sw.headers.get('content-type'), /^text\/javascript/);
  assert.equal(sw.headers.get('service-worker-allowed'), '/');
  assert.match(await sw.text(), /showNotification/);
});

test('subscriptions: bad ones are refused with a readable JSON reason; a repeat updates the one row', async () => {
  const token = await pageToken();
  const dev = svc.device();
  const good = dev.subscription('en');
  const bad = {
    foreign: { ...good, endpoint: 'https://push.evil.example/x' },
    http: { ...good, endpoint: 'http://push.evil.example/x' },
    lookalike: { ...good, endpoint: 'https://fcm.googleapis.com.evil.example/x' },
    long: { ...good, endpoint: 'https://fcm.googleapis.com/' + 'a'.repeat(1100) },
    bigKey: { ...good, keys: { ...good.keys, p256dh: 'A'.repeat(400) } },
    shortKey: { ...good, keys: { ...good.keys, p256dh: good.keys.auth } },
    offCurve: { ...good, keys: { ...good.keys, p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url') } },
    auth: { ...good, keys: { ...good.keys, auth: 'AAAA' } },
    noKeys: { endpoint: good.endpoint, edition: 'en' },
    edition: { ...good, edition: 'fr' },
  };
  for (const [what, body] of Object.entries(bad)) {
    const r = await jsonPost('/push/subscribe', body, { token });
    assert.equal(r.status, 400, `${what}: ${r.text}`);
    assert.equal(typeof r.json?.error, 'string', `${what}: a JSON error`);
    assert.ok(r.json.error.length > 10, `${what}: a sentence`);
  }
  assert.match((await jsonPost('/push/subscribe', bad.offCurve, { token })).json.error, /curve/);
  assert.match((await jsonPost('/push/subscribe', bad.foreign, { token })).json.error, /push service/);
  assert.equal((await jsonPost('/push/subscribe', '{"endpoint": ', { token })).status, 400, 'malformed JSON');
  const noToken = await jsonPost('/push/subscribe', good, {});
  assert.equal(noToken.status, 403);
  assert.match(noToken.json.error, /reload/);
  assert.equal((await jsonPost('/push/subscribe', good, { token: token.replace(/.$/, (c) => (c === '0' ? '1' : '0')) })).status, 403, 'a forged token');
  assert.equal((await jsonPost('/push/subscribe', good, { token, origin: 'https://evil.example' })).status, 403, 'another origin');
  assert.equal((await jsonPost('/push/subscribe', good, { token, origin: null })).status, 403, 'no origin');
  assert.equal((await jsonPost('/push/subscribe', good, { token, type: 'text/plain' })).status, 415, 'not JSON');
  assert.deepEqual(await subscribers(), { en: 0, ar: 0 }, 'nothing was stored');
  // a good one, then the same endpoint again (moving to the Arabic edition): one row
  assert.equal((await jsonPost('/push/subscribe', good, { token })).status, 200);
  assert.deepEqual(await subscribers(), { en: 1, ar: 0 });
  assert.equal((await jsonPost('/push/subscribe', dev.subscription('ar'), { token: await pageToken('ar') })).status, 200);
  assert.deepEqual(await subscribers(), { en: 0, ar: 1 }, 'a duplicate endpoint updates its row');
  // unsubscribing
  const un = await jsonPost('/push/unsubscribe', { endpoint: good.endpoint }, { token });
  assert.equal(un.status, 200, un.text);
  assert.deepEqual(await subscribers(), { en: 0, ar: 0 });
  assert.equal((await jsonPost('/push/unsubscribe', { endpoint: good.endpoint }, { token })).status, 404);
});

test('subscriptions are rate-limited per address', async () => {
  const ip = nextIp(), token = await pageToken();
  const made = [];
  for (let i = 0; i < 4; i++) {
    const d = svc.device();
    made.push(d);
    assert.equal((await jsonPost('/push/subscribe', d.subscription('ar'), { ip, token })).status, 200);
  }
  const over = await jsonPost('/push/subscribe', svc.device().subscription('ar'), { ip, token });
  assert.equal(over.status, 429);
  assert.ok(Number(over.headers['retry-after']) > 0);
  assert.match(over.json.error, /[\u0600-\u06FF]/, 'in the edition\'s language (Arabic)');
  assert.equal((await jsonPost('/push/subscribe', svc.device().subscription('ar'), { token })).status, 200, 'another address may');
  for (const d of made) await jsonPost('/push/unsubscribe', { endpoint: d.endpoint }, { token });
});

test('only publishers send alerts; bad alerts are refused keeping what was typed', async () => {
  assert.equal((await page(base, '/admin/push', await as('rep'))).status, 403);
  assert.equal((await post(base, '/admin/push/new', await as('rep'), { edition: 'en', title: 'x', url: '/en/' })).status, 403);
  for (const [fields, why] of [
    [{ title: '', url: '/en/' }, /title/],
    [{ title: 'x'.repeat(121), url: '/en/' }, /title/],
    [{ title: 'Quake', url: 'javascript:alert(1)' }, /link/],
    [{ title: 'Quake', url: '/en/', edition: 'fr' }, /edition/],
    [{ title: 'Quake', url: '/en/', body: 'y'.repeat(301) }, /text/],
  ]) {
    const r = await post(base, '/admin/push/new', await as('ed'), { edition: 'en', body: '', ...fields });
    const html = await r.text();
    assert.equal(r.status, 400, JSON.stringify(fields));
    assert.match(formError(html), why);
    if (fields.title) assert.ok(html.includes(`value="${fields.title.slice(0, 20)}`), 'the title typed is kept');
  }
});

test('an alert reaches every device of its edition, decrypted and signed; 410 removes; 500 is retried and sent once', async () => {
  const devs = [];
  for (let i = 0; i < 10; i++) devs.push(svc.device());
  const gone = svc.device({ mode: 'gone' });
  const flaky = svc.device({ mode: { fail: 1, retryAfter: 1 } });
  const arabic = svc.device();
  for (const d of [...devs, gone, flaky]) await subscribe(d, 'en');
  await subscribe(arabic, 'ar');
  const before = await subscribers();
  const id = await sendAlert({ title: 'Earthquake: strong tremor felt in the north', body: 'Live coverage follows.', url: '/en/' });
  await waitFor(async () => { const c = await counts(id); return c.pending === 0 && c; }, 30000, 'the alert to be handed over');
  const c = await counts(id);
  assert.deepEqual(c, { queued: 12, sent: 11, failed: 0, removed: 1, pending: 0 });
  assert.deepEqual(svc.errors, [], 'every request was signed and decrypted');
  for (const d of [...devs, flaky]) {
    const m = got(d, id);
    assert.equal(m.length, 1, `device ${d.id} got the alert once`);
    assert.equal(m[0].title, 'Earthquake: strong tremor felt in the north');
    assert.equal(m[0].body, 'Live coverage follows.');
    assert.equal(m[0].url, `${base}/en/`);
    assert.equal(m[0].tag, `alert-${id}`);
  }
  assert.equal(got(arabic, id).length, 0, 'the other edition is not sent it');
  const flakyTries = svc.requests.filter((r) => r.id === flaky.id);
  assert.deepEqual(flakyTries.map((r) => r.status), [500, 201], 'retried once after the 500');
  assert.ok(svc.requests.filter((r) => r.alert?.id === id).every((r) => r.topic === String(id) && r.ttl === '86400'));
  assert.deepEqual(await subscribers(), { en: before.en - 1, ar: before.ar }, 'the 410 removed its subscription');
  const again = await sendAlert({ title: 'Second alert', url: '/en/' });
  await waitFor(async () => (await counts(again)).pending === 0, 30000, 'the second alert');
  assert.equal(svc.requests.filter((r) => r.id === gone.id).length, 1, 'the removed device is not sent the next alert');
});

test('a hanging push service delays neither the other devices nor a publish', async () => {
  const hang = svc.device({ mode: 'hang' });
  const others = [svc.device(), svc.device(), svc.device()];
  for (const d of [hang, ...others]) await subscribe(d, 'ar');
  const n = (await subscribers()).ar;
  const id = await sendAlert({ edition: 'ar', title: 'عاجل: زلزال', body: 'تغطية مباشرة', url: '/ar/' });
  await waitFor(() => others.every((d) => got(d, id).length === 1), 20000, 'the other devices');
  const held = svc.requests.filter((r) => r.id === hang.id && r.status === -1).length;
  assert.ok(held >= 1, 'the hanging request is still held');
  // publish while the request hangs: it returns
  const r = await post(base, '/admin/articles/new', await as('ed'), {
    version: '0', headline: 'Published while a push hangs', standfirst: 'S', body: 'Body.', edition: 'en', section,
    slug: 'published-while-hanging', dateline: 'BEIRUT', bylines: 'Rana Haddad', tags: '', media: '0', caption: '',
    credit: '', translation: '', do: 'save',
  });
  assert.equal(r.status, 303);
  const art = Number(/\/admin\/articles\/(\d+)/.exec(r.headers.get('location'))[1]);
  const pub = await post(base, `/admin/articles/${art}/status`, await as('ed'), { to: 'publish' });
  assert.equal(pub.status, 303, 'the publish returned');
  assert.equal(svc.requests.filter((q) => q.id === hang.id && q.status === -1).length, held, 'while the push request still hangs');
  hang.mode = 'ok'; // the service recovers: the timed-out request is retried and delivered
  await waitFor(() => got(hang, id).length === 1, 30000, 'the retried delivery');
  await waitFor(async () => (await counts(id)).pending === 0, 20000, 'no delivery pending');
  assert.deepEqual(await counts(id), { queued: n, sent: n, failed: 0, removed: 0, pending: 0 });
  // the editor links a story to the alert form, which takes its headline and address
  const ed = await page(base, `/admin/articles/${art}`, await as('ed'));
  assert.match(ed.html, new RegExp(`href="/admin/push/new\\?article=${art}"`));
  const form = await page(base, `/admin/push/new?article=${art}`, await as('ed'));
  assert.match(form.html, /value="Published while a push hangs"/);
  assert.match(form.html, /name="url" value="\/en\/\d{4}\/\d\d\/\d\d\/published-while-hanging"/);
  assert.match(form.html, new RegExp(`name="source" value="article:${art}"`));
  const pre = await page(base, '/admin/push/new?edition=ar&title=%D8%B9%D8%A7%D8%AC%D9%84&url=%2Far%2F', await as('ed'));
  assert.match(pre.html, /value="عاجل"/);
  assert.match(pre.html, /id="push-ar" name="edition" value="ar" checked/);
});

test('a live entry and a breaking banner are one link from an alert, prefilled with what they show', async () => {
  // the demo's English live blog: its newest published entry
  const [entry, blog] = dbExec(dir, "SELECT e.id, e.article_id FROM live_entries e JOIN articles a ON a.id = e.article_id " +
    "WHERE a.edition = 'en' AND e.state = 'published' ORDER BY e.id DESC LIMIT 1").trim().split('\t').map(Number);
  const desk = await page(base, `/admin/articles/${blog}/live`, await as('ed'));
  assert.match(desk.html, new RegExp(`href="/admin/push/new\\?live-entry=${entry}"`));
  const fromEntry = await page(base, `/admin/push/new?live-entry=${entry}`, await as('ed'));
  assert.match(fromEntry.html, /name="title" value="Flash floods in the south: live updates"/);
  assert.match(fromEntry.html, new RegExp(`name="url" value="/en/\\d{4}/\\d\\d/\\d\\d/flash-floods-in-the-south-live/entry/${entry}"`));
  assert.match(fromEntry.html, new RegExp(`name="source" value="live-entry:${entry}"`));
  // the Arabic edition's banner (the demo's links its live blog)
  const banner = Number(dbExec(dir, "SELECT id FROM breaking WHERE edition = 'ar' AND ended_at IS NULL").trim());
  assert.ok(banner > 0, 'the demo raised a banner in the Arabic edition');
  const breaking = await page(base, '/admin/breaking', await as('ed'));
  assert.match(breaking.html, new RegExp(`href="/admin/push/new\\?breaking=${banner}"`));
  const fromBanner = await page(base, `/admin/push/new?breaking=${banner}`, await as('ed'));
  assert.match(fromBanner.html, /name="title" value="عاجل"/);
  assert.match(fromBanner.html, /سيول في الجنوب/);
  assert.match(fromBanner.html, /name="url" value="\/ar\/\d{4}\/\d\d\/\d\d\/[^"]+"/);
  assert.match(fromBanner.html, new RegExp(`name="source" value="breaking:${banner}"`));
  assert.match(fromBanner.html, /id="push-ar" name="edition" value="ar" checked/);
  // a withdrawn or unknown entry prefills nothing
  const none = await page(base, '/admin/push/new?live-entry=999999', await as('ed'));
  assert.match(none.html, /name="title" value=""/);
});

test('kill -9 mid-queue: after a restart every device gets the alert, none twice at the device level', async (t) => {
  // devices offline: messages wait at the push service, where a repeat with the same Topic replaces the first
  const devs = [];
  for (let i = 0; i < 24; i++) devs.push(svc.device({ online: false }));
  for (const d of devs) await subscribe(d, 'en');
  for (const d of devs) d.delay = 700; // slow answers: the queue is mid-way when the server dies
  const n = (await subscribers()).en;
  const id = await sendAlert({ title: 'Crash test alert', url: '/en/' });
  await waitFor(() => svc.requests.filter((r) => r.alert?.id === id).length >= 3, 20000, 'the first deliveries');
  srv.proc.kill('SIGKILL');
  await srv.exited;
  const before = svc.requests.filter((r) => r.alert?.id === id).length;
  assert.ok(before < devs.length, 'killed with deliveries still queued');
  for (const d of devs) d.delay = 0;
  srv = await startServer(dir);
  base = srv.base;
  for (const k of Object.keys(sessions)) delete sessions[k];
  await waitFor(async () => (await counts(id)).pending === 0, 60000, 'the queue after the restart');
  assert.deepEqual(await counts(id), { queued: n, sent: n, failed: 0, removed: 0, pending: 0 });
  const twice = devs.filter((d) => svc.requests.filter((r) => r.id === d.id && r.alert?.id === id).length > 1);
  // whether the crash fell inside the window of docs/operations.md (a request the push service took but
  // whose answer the server never recorded, so it is sent again) is a matter of timing: reported, not
  // asserted (tests must not depend on speed); when it did, the Topic kept the device to one alert
  t.diagnostic(`${twice.length} of ${devs.length} devices were sent the alert again after the crash`);
  for (const d of devs) d.goOnline();
  for (const d of devs) assert.equal(got(d, id).length, 1, `device ${d.id} shows the alert exactly once`);
  assert.deepEqual(svc.errors, []);
});
