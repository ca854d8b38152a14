// Each newsletter list's sender (issue 22, "sender per list"; /admin/newsletters/senders, table
// newsletter_lists) over real HTTP and a real SMTP relay on loopback (tests/lib/smtp.mjs: aiosmtpd), on the
// engine BROADSHEET_TEST_DB names: the From and Reply-To of a digest of the Arabic edition and of a breaking
// mail of the English edition follow their lists' settings (the Arabic display name RFC 2047-encoded and
// read back by Python's email package), the envelope sender stays the site's mail_from, a list left unset
// keeps the site's own sender, an address outside the site's domain is saved with a warning, bad input
// (CR/LF in an address or a name, not an address, an unknown list) is refused with what was typed kept,
// and a reporter is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { demoSite, startServer, configure, dbExec, waitUntil } from '../lib/server.mjs';
import { addUser, login, post, page, formError, formNotice, fieldValue } from '../lib/newsroom.mjs';
import { startRelay, parseMail, mailSite } from '../lib/smtp.mjs';
import { vnu } from '../lib/browser.mjs';

const PW = 'a-long-password';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let dir, srv, base, relay;
const sessions = {};
const as = async (name) => (sessions[name] ??= await login(base, name, PW));
const q = (sql) => dbExec(dir, sql).trim();

before(async () => {
  ({ relay, dir, srv } = await mailSite({ smtp_timeout: 5 }, [['ed', 'editor', PW], ['rep', 'reporter', PW], ['ared', 'editor', PW]]));
  base = srv.base;
});

after(async () => {
  await srv?.stop();
  relay?.stop();
});

const waitFor = waitUntil;

/** The form of one list on the senders page (its HTML), by "edition:list". */
function listForm(html, key) {
  const m = new RegExp(`<form[^>]*data-list="${key}"[^>]*>([\\s\\S]*?)</form>`).exec(html);
  assert.ok(m, `the form of ${key}`);
  return m[1];
}

const setSender = async (who, fields) => post(base, '/admin/newsletters/senders', await as(who),
  { from_name: '', from_addr: '', reply_to: '', ...fields });

let nextId = 1;
/** sendIssue: one confirmed subscriber of edition's list and a scheduled issue to it (its time passed: the
 * queue starts it); resolves to the received message parsed, with its raw text and envelope. */
async function sendIssue(edition, list, kind) {
  const id = 9000 + nextId++;
  const email = `s${id}.p${process.pid}@example.org`;
  dbExec(dir, [
    `INSERT INTO newsletter_subscribers(id, email, lang, state, created_at, updated_at) VALUES (${id}, '${email}', '${edition}', 'confirmed', 1, 1);`,
    `INSERT INTO newsletter_subscriptions(subscriber_id, edition, list, created_at) VALUES (${id}, '${edition}', '${list}', 1);`,
    `INSERT INTO newsletter_issues(id, edition, list, kind, subject, state, send_at, created_at, updated_at) VALUES (${id}, '${edition}', '${list}', '${kind}', 'Issue ${id}', 'scheduled', 1, 1, 1);`,
  ].join('\n'));
  const got = await waitFor(() => relay.messages().find((m) => m.envelope.to[0] === email), 30000, `issue ${id}'s mail`);
  return { ...parseMail(got.file), raw: fs.readFileSync(got.file, 'latin1'), envelope: got.envelope };
}

/** The display name and the address of a decoded From/Reply-To header. */
function addressOf(value) {
  const m = /^(?:"?(.*?)"?\s*)?<([^>]+)>$/.exec(value) ?? [null, '', value];
  return { name: m[1] ?? '', addr: m[2] };
}

test('the demo gives the Arabic edition\'s digest and breaking lists a sender of their own', async () => {
  const { status, html } = await page(base, '/admin/newsletters/senders', await as('ed'));
  assert.equal(status, 200);
  assert.equal(fieldValue(listForm(html, 'ar:digest'), 'from_name'), 'برودشيت — النشرة اليومية');
  assert.equal(fieldValue(listForm(html, 'ar:digest'), 'reply_to'), 'letters@example.com');
  assert.equal(fieldValue(listForm(html, 'ar:breaking'), 'from_name'), 'برودشيت — عاجل');
  assert.equal(fieldValue(listForm(html, 'en:digest'), 'from_name'), '', 'the English lists keep the site\'s');
  assert.match(listForm(html, 'en:digest'), /placeholder="news@news\.example"/, 'the default shown');
  assert.ok(/data-list="ar:section\//.test(html), 'every section\'s list is there');
  assert.deepEqual(await vnu(html), [], 'valid HTML');
  // in Arabic for a newsroom member who chose it
  assert.equal((await post(base, '/admin/language', await as('ared'), { lang: 'ar' })).status, 303);
  const ar = await page(base, '/admin/newsletters/senders', await as('ared'));
  assert.match(ar.html, /<html[^>]*\blang="ar"[^>]*>/);
  assert.match(ar.html, /<html[^>]*\bdir="rtl"/);
  assert.match(ar.html, /<h1>مُرسِلو النشرات<\/h1>/);
  assert.match(ar.html, /احفظ مُرسِل هذه القائمة/);
});

test('a reporter can neither see nor change the senders', async () => {
  const { status } = await page(base, '/admin/newsletters/senders', await as('rep'));
  assert.equal(status, 403);
  const r = await setSender('rep', { edition: 'en', list: 'digest', from_name: 'Mine' });
  assert.equal(r.status, 403);
  assert.equal(q("SELECT count(*) FROM newsletter_lists WHERE edition = 'en'"), '0');
  // the desk links the page for those who may use it only
  assert.doesNotMatch((await page(base, '/admin/newsletters', await as('rep'))).html, /\/admin\/newsletters\/senders/);
  assert.match((await page(base, '/admin/newsletters', await as('ed'))).html, /href="\/admin\/newsletters\/senders"/);
});

test('bad input is refused with what was typed kept, and nothing stored', async () => {
  const cases = [
    [{ from_addr: 'desk@news.example\r\nBcc: victim@example.org' }, 'from_addr', /line breaks|not an e-mail address/],
    [{ from_addr: 'not an address' }, 'from_addr', /not an address/],
    [{ reply_to: 'a@b@c' }, 'reply_to', /Reply-To/],
    [{ from_name: 'Desk\nBcc: victim@example.org' }, 'from_name', /one line/],
  ];
  for (const [fields, name, why] of cases) {
    const r = await setSender('ed', { edition: 'en', list: 'digest', ...fields });
    assert.equal(r.status, 400, JSON.stringify(fields));
    const html = await r.text();
    assert.match(formError(html), why);
    const form = listForm(html, 'en:digest');
    // an input's value cannot hold a line break as typed: it comes back as the characters' references
    assert.equal(fieldValue(form, name).replace(/&#13;|&#10;/g, (c) => (c === '&#13;' ? '\r' : '\n')), fields[name], 'kept as typed');
  }
  let r = await setSender('ed', { edition: 'en', list: 'section/no-such-section', from_name: 'X' });
  assert.equal(r.status, 400);
  assert.match(formError(await r.text()), /no such list/);
  r = await setSender('ed', { edition: 'fr', list: 'digest', from_name: 'X' });
  assert.equal(r.status, 400);
  assert.equal(q("SELECT count(*) FROM newsletter_lists WHERE edition = 'en'"), '0');
  assert.ok(Number(q("SELECT count(*) FROM audit_log WHERE action = 'newsletter.sender.refused'")) >= 6);
});

test('the From and Reply-To of a digest and a breaking mail follow their lists; the envelope stays the site\'s', async () => {
  const arName = 'النشرة اليومية — برودشيت';
  let r = await setSender('ed', { edition: 'ar', list: 'digest', from_name: arName, from_addr: ' Akhbar@News.Example ',
    reply_to: 'desk@news.example' });
  assert.equal(r.status, 200);
  let html = await r.text();
  assert.equal(formNotice(html), 'Saved.');
  const form = listForm(html, 'ar:digest');
  assert.equal(fieldValue(form, 'from_name'), arName);
  assert.equal(fieldValue(form, 'from_addr'), 'Akhbar@news.example', 'stored normalised (the domain lower-cased)');
  r = await setSender('ed', { edition: 'en', list: 'breaking', from_name: 'Breaking, "Desk"', from_addr: 'alerts@other.example' });
  assert.equal(r.status, 200);
  html = await r.text();
  assert.match(formNotice(html), /alerts@other\.example is outside the site's mail domain: the relay must be allowed/);
  assert.equal(q("SELECT action FROM audit_log WHERE action = 'newsletter.sender' ORDER BY id DESC LIMIT 1"), 'newsletter.sender');

  const digest = await sendIssue('ar', 'digest', 'digest');
  assert.deepEqual(digest.defects, []);
  assert.match(digest.raw, /^From: =\?UTF-8\?B\?/m, 'the Arabic name as RFC 2047 encoded-words');
  // Python's email package keeps the folding space between two encoded-words of a display name (RFC 2047
  // 6.2 says to drop it), so the name is compared with its spaces folded; that the pieces are cut after a
  // space, never inside a word, is checked on the raw header
  const from = addressOf(digest.headers.From);
  assert.equal(from.name.replace(/\s+/g, ' '), arName);
  assert.equal(from.addr, 'Akhbar@news.example');
  const fromHeader = /^From:[^\r]*(?:\r\n [^\r]*)*/m.exec(digest.raw)[0];
  const pieces = [...fromHeader.matchAll(/=\?UTF-8\?B\?([^?]+)\?=/g)]
    .map((m) => Buffer.from(m[1], 'base64').toString('utf8'));
  assert.ok(pieces.length >= 2, 'a name this long takes more than one encoded-word');
  assert.equal(pieces.join(''), arName, 'the encoded-words joined as RFC 2047 says');
  for (const p of pieces.slice(0, -1)) assert.match(p, / $/, `"${p}" is cut after a space`);
  assert.equal(addressOf(digest.headers['Reply-To']).addr, 'desk@news.example');
  assert.equal(digest.envelope.from, 'news@news.example', 'bounces still go to the site\'s mail_from');

  const breaking = await sendIssue('en', 'breaking', 'breaking');
  assert.deepEqual(breaking.defects, []);
  assert.match(breaking.headers.From, /Breaking, \\?"Desk\\?"/);
  assert.equal(addressOf(breaking.headers.From).addr, 'alerts@other.example');
  assert.equal(breaking.headers['Reply-To'], undefined, 'no Reply-To unless set');
  assert.equal(breaking.envelope.from, 'news@news.example');

  // a list left unset keeps the site's own sender; emptying a list's fields brings it back
  const other = await sendIssue('en', 'digest', 'digest');
  assert.equal(addressOf(other.headers.From).addr, 'news@news.example');
  r = await setSender('ed', { edition: 'en', list: 'breaking' });
  assert.equal(r.status, 200);
  assert.equal(q("SELECT count(*) FROM newsletter_lists WHERE edition = 'en'"), '0');
  const again = await sendIssue('en', 'breaking', 'breaking');
  assert.equal(addressOf(again.headers.From).addr, 'news@news.example');
});
