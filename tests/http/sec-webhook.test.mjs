// Webhooks are no way into the server's own networks (issue 16, item 11). An admin cannot save an
// endpoint on a loopback, link-local or private address, whatever its spelling (IPv4-mapped IPv6, hex and
// octal IPv4, a bare number, a name that resolves to one); an endpoint that got into the store anyway (a
// name that resolved elsewhere when it was saved: DNS rebinding; simulated by writing the row directly)
// is refused at delivery without a connection, so the receiver gets nothing and the log cannot tell an
// open port from a closed one. webhook_allow_private in broadsheet.conf names networks that are allowed;
// even there the log withholds why a connection failed and how long it took.
// Every delivery here goes to loopback only: addresses outside it are only ever typed into the form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { demoSite, startServer, configure, dbExec, freePort, run, unescapeHtml, waitUntil } from '../lib/server.mjs';
import { addUser, login, post, page, selectOptions, formError, fieldValue } from '../lib/newsroom.mjs';
import { startReceiver } from '../lib/webhooks.mjs';

const PW = 'a-long-password';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const REFUSED = 'refused: private address';
const WITHHELD = 'could not connect or no answer (details are not shown for private addresses)';

let dir, srv, base, receiver, rport, closedPort, section, got;
let sessions = {};

async function as(name) {
  sessions[name] ??= await login(base, name, PW);
  return sessions[name];
}

/** Waits until pred() gives a truthy value (polled every 100 ms); fails after ms. */
const waitFor = waitUntil;

/** Writes an endpoint straight into the store, past the form's check; returns its id. */
function insertHook(url) {
  const secret = crypto.randomBytes(32).toString('hex');
  return Number(dbExec(dir, `INSERT INTO webhooks(url, secret, events, active, created_at) VALUES ('${url}', '${secret}', 'article.published', 1, 1) RETURNING id`).trim());
}

/** The delivery log's rows for endpoint id: [{attempt, result, duration}], newest first. */
async function logRows(id) {
  const log = await page(base, `/admin/webhooks/${id}`, await as('boss'));
  assert.equal(log.status, 200);
  return [...log.html.matchAll(/<tr class="delivery"><td>\d+<\/td><td>[^<]*<\/td><td>(\d+)<\/td><td><time[^>]*>[^<]*<\/time><\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)]
    .map((m) => ({ attempt: Number(m[1]), result: unescapeHtml(m[2]), duration: m[3] }));
}

async function publishArticle(headline, slug) {
  const r = await post(base, '/admin/articles/new', await as('ed'), {
    version: '0', headline, standfirst: `Standfirst of ${headline}`, body: 'Body text.', edition: 'en', section,
    slug, dateline: 'BEIRUT', bylines: 'Rana Haddad', tags: '', media: '0', caption: '', credit: '', translation: '',
    do: 'save',
  });
  assert.equal(r.status, 303, `create: ${formError(await r.text())}`);
  const id = Number(/\/admin\/articles\/(\d+)/.exec(r.headers.get('location'))[1]);
  const p = await post(base, `/admin/articles/${id}/status`, await as('ed'), { to: 'publish' });
  assert.equal(p.status, 303, `publish: ${formError(await p.text())}`);
  return id;
}

/** Only the endpoints a test adds may receive its events (a failed run must leave no other behind). */
function clearHooks() {
  dbExec(dir, 'DELETE FROM webhook_deliveries; DELETE FROM webhook_queue; DELETE FROM webhooks');
}

before(async () => {
  // every request the receiver sees: receiver.got; /hang is never answered
  receiver = await startReceiver();
  receiver.behaviour.set('/hang', { hang: true });
  ({ got, port: rport } = receiver);
  closedPort = await freePort(); // nothing listens there
  dir = demoSite(0);
  configure(dir, { webhook_retry_base: 60, webhook_timeout: 2, webhook_connect_timeout: 1 });
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

test('loopback, link-local and private endpoints are refused when saved, in every spelling', async () => {
  clearHooks();
  const urls = [
    `http://127.0.0.1:${rport}/hook`, 'http://[::1]/', 'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/',
    'http://[::ffff:127.0.0.1]/', 'http://[::ffff:7f00:1]/', 'http://0x7f000001/', 'http://2130706433/',
    'http://0177.0.0.1/', 'http://127.1/', 'http://localhost/', `http://localhost:${rport}/hook`, 'http://0.0.0.0/',
    'http://0/', 'http://[::]/', 'http://[fe80::1]/', 'http://100.64.0.1/', 'https://192.168.1.1:8443/x',
    'http://172.16.5.4/', 'http://[fd00::1]/', 'http://224.0.0.1/', 'http://255.255.255.255/',
    'http://[64:ff9b::a9fe:a9fe]/',
  ];
  for (const url of urls) {
    const r = await post(base, '/admin/webhooks', await as('boss'), { url, 'article.published': '1' });
    const html = await r.text();
    const stored = dbExec(dir, 'SELECT url FROM webhooks').trim();
    clearHooks();
    assert.equal(r.status, 400, `${url} is refused (stored: ${stored || 'nothing'})`);
    assert.equal(stored, '', `${url}: nothing is stored`);
    assert.match(formError(html), /is not a public address \([^)]+\)\. Webhooks may not reach loopback, link-local or private networks unless the server's webhook_allow_private setting names them\./, url);
    assert.equal(fieldValue(html, 'url'), url, 'the typed address is kept');
    assert.match(html, /name="article\.published" value="1" checked/, 'the ticked event stays ticked');
  }
  // the message names the address (numeric forms written out) and, for a name, what it resolves to
  const hex = await post(base, '/admin/webhooks', await as('boss'), { url: 'http://0x7f000001/', 'article.published': '1' });
  assert.match(formError(await hex.text()), /^The address 127\.0\.0\.1 is not a public address \(loopback\)/);
  const meta = await post(base, '/admin/webhooks', await as('boss'), { url: 'http://169.254.169.254/', 'article.published': '1' });
  assert.match(formError(await meta.text()), /^The address 169\.254\.169\.254 is not a public address \(link-local\)/);
  const name = await post(base, '/admin/webhooks', await as('boss'), { url: 'http://localhost/', 'article.published': '1' });
  assert.match(formError(await name.text()), /^localhost resolves to 127\.0\.0\.1, which is not a public address \(loopback\)/);
  assert.equal(dbExec(dir, 'SELECT count(*) FROM webhooks').trim(), '0');
});

test('public addresses are still accepted (documentation ranges: nothing is ever sent to them)', async () => {
  clearHooks();
  for (const url of ['http://192.0.2.10/hook', 'https://[2001:db8::1]:8443/hook', 'http://198.51.100.7:8080/x']) {
    const r = await post(base, '/admin/webhooks', await as('boss'), { url, 'article.published': '1' });
    assert.equal(r.status, 200, `${url}: ${formError(await r.text())}`);
  }
  assert.equal(dbExec(dir, 'SELECT count(*) FROM webhooks').trim(), '3');
  clearHooks(); // before anything is published
});

test('an endpoint in the store that leads to loopback is refused at delivery: nothing is sent, nothing probed', async () => {
  clearHooks();
  // as if saved while the names resolved to a public address (DNS rebinding), or written around the form
  const direct = insertHook(`http://127.0.0.1:${rport}/direct`);
  const named = insertHook(`http://localhost:${rport}/named`); // a name that resolves to loopback now
  const mapped = insertHook(`http://[::ffff:127.0.0.1]:${rport}/mapped`);
  const hex = insertHook(`http://0x7f000001:${rport}/hex`);
  const closed = insertHook(`http://127.0.0.1:${closedPort}/closed`); // a port where nothing listens
  const hooks = [direct, named, mapped, hex, closed];
  await publishArticle('Rebinding story', 'rebinding-story');
  const rows = {};
  for (const id of hooks) rows[id] = await waitFor(async () => { const r = await logRows(id); return r.length && r; }, 10000, `an attempt for endpoint ${id}`);
  await sleep(300);
  assert.deepEqual(got.map((g) => g.path), [], 'the loopback receiver got nothing');
  for (const id of hooks) {
    assert.deepEqual(rows[id], [{ attempt: 1, result: REFUSED, duration: '–' }], `endpoint ${id}: refused, no time shown`);
  }
  // the open port and the closed one look the same
  assert.deepEqual(rows[direct], rows[closed]);
  clearHooks();
});

test('webhook_allow_private lets named networks through: a loopback receiver gets its delivery', async () => {
  clearHooks();
  await srv.stop();
  configure(dir, { webhook_allow_private: '127.0.0.1/32 10.9.0.0/16' });
  srv = await startServer(dir);
  base = srv.base;
  sessions = {};
  // saving: the allowed address and a name resolving to it are accepted; other private ones are not
  const ok = await post(base, '/admin/webhooks', await as('boss'), { url: `http://127.0.0.1:${rport}/allowed`, 'article.published': '1' });
  assert.equal(ok.status, 200, formError(await ok.text()));
  const byName = await post(base, '/admin/webhooks', await as('boss'), { url: `http://localhost:${rport}/by-name`, 'article.published': '1' });
  assert.equal(byName.status, 200, formError(await byName.text()));
  for (const url of ['http://127.0.0.2/', 'http://[::1]/', 'http://10.8.0.1/', 'http://169.254.169.254/']) {
    const r = await post(base, '/admin/webhooks', await as('boss'), { url, 'article.published': '1' });
    assert.equal(r.status, 400, url);
    assert.match(formError(await r.text()), /not a public address/);
  }
  const ids = Object.fromEntries(dbExec(dir, 'SELECT url, id FROM webhooks').trim().split('\n').map((l) => {
    const [url, id] = l.split('\t');
    return [new URL(url).pathname, Number(id)];
  }));
  // even in an allowed network the log does not say why a connection failed, nor how long it took
  const closed = insertHook(`http://127.0.0.1:${closedPort}/closed`);
  const hang = insertHook(`http://127.0.0.1:${rport}/hang`);
  const elsewhere = insertHook(`http://127.0.0.2:${rport}/elsewhere`); // loopback, but not allowed
  const id = await publishArticle('Allowed receiver story', 'allowed-receiver');
  const d = await waitFor(() => got.find((g) => g.path === '/allowed'), 10000, 'the delivery to the allowed receiver');
  assert.equal(JSON.parse(d.body).article.id, id);
  assert.equal(d.headers['broadsheet-event'], 'article.published');
  await waitFor(() => got.find((g) => g.path === '/by-name'), 10000, 'the delivery by name');
  const allowedLog = await waitFor(async () => { const r = await logRows(ids['/allowed']); return r.length && r; }, 10000, 'the log');
  assert.equal(allowedLog[0].result, 'HTTP 204 (delivered)');
  assert.match(allowedLog[0].duration, /^\d+ ms$/);
  const closedLog = await waitFor(async () => { const r = await logRows(closed); return r.length && r; }, 10000, 'the closed port attempt');
  const hangLog = await waitFor(async () => { const r = await logRows(hang); return r.length && r; }, 10000, 'the hanging attempt');
  assert.ok(got.find((g) => g.path === '/hang'), 'the hanging endpoint was reached');
  assert.deepEqual(closedLog, [{ attempt: 1, result: WITHHELD, duration: '–' }], 'a closed port');
  assert.deepEqual(hangLog, [{ attempt: 1, result: WITHHELD, duration: '–' }], 'a timeout: the same line');
  const elsewhereLog = await waitFor(async () => { const r = await logRows(elsewhere); return r.length && r; }, 10000, 'the refused attempt');
  assert.deepEqual(elsewhereLog, [{ attempt: 1, result: REFUSED, duration: '–' }]);
  assert.equal(got.filter((g) => g.path === '/elsewhere').length, 0);
  clearHooks();
});

test('a malformed webhook_allow_private stops the server at start with a message', () => {
  const d = demoSite(0);
  configure(d, { webhook_allow_private: '10.0.0.0/8 192.168.1.0/33' });
  const r = run(['serve', '--site', d, '--listen', '127.0.0.1:0']);
  assert.equal(r.status, 78, r.stderr);
  assert.match(r.stderr, /webhook_allow_private must list IP addresses or CIDR networks.*192\.168\.1\.0\/33/);
});
