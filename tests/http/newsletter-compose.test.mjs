// The newsletter desk over real HTTP, on the engine BROADSHEET_TEST_DB names (issue 22): the demo's sent
// issues with their counts, writing an issue
// from stories, its preview (the HTML part valid for vnu, the text part, the whole message parsed by
// Python's email package: multipart/alternative, both parts, List-Unsubscribe + One-Click, the subject
// decoded, the Arabic mail right to left with an Arabic date), a test to the writer's own address (refused
// without one), sending at a time (the scheduler queues it), the daily digest at its hour (once), the
// breaking prefill, permissions and bad input (empty subject, unknown stories, over-long fields, a stale
// version answered 409).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { demoSite, startServer, dbExec, tempDir, waitUntil } from '../lib/server.mjs';
import { addUser, login, post, page, formError, formNotice, fieldValue } from '../lib/newsroom.mjs';
import { parseMail } from '../lib/smtp.mjs';
import { vnu } from '../lib/browser.mjs';

const PW = 'a-long-password';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let dir, srv, base;
const sessions = {};
const as = async (name) => (sessions[name] ??= await login(base, name, PW));
const stories = (ed, n) => dbExec(dir, `SELECT id FROM articles WHERE edition = '${ed}' AND status = 'published' ORDER BY id LIMIT ${n}`)
  .trim().split('\n').map(Number);

const waitFor = (fn, ms, what) => waitUntil(fn, ms, what, { every: 200, detail: () => `server log: ${srv.stderr.slice(-1500)}` });

/** Creates an issue through the form; returns its id. */
async function create(fields, who = 'ed') {
  const r = await post(base, '/admin/newsletters/new', await as(who), { edition: 'en', list: 'digest', preheader: '', intro: '', stories: '', send_at: '', ...fields });
  assert.equal(r.status, 303, `create: ${formError(await r.text())}`);
  return Number(/\/admin\/newsletters\/(\d+)/.exec(r.headers.get('location'))[1]);
}

/** The issue page's fields as a form to post back (with do). */
async function formOf(id, who = 'ed') {
  const { html } = await page(base, `/admin/newsletters/${id}`, await as(who));
  const f = {};
  for (const k of ['version', 'list', 'subject', 'preheader', 'send_at']) f[k] = fieldValue(html, k) ?? '';
  f.edition = /<option value="ar"[^>]*selected/.test(html) ? 'ar' : 'en';
  f.intro = /<textarea id="intro"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)[1].replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&quot;/g, '"');
  f.stories = /<textarea id="stories"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)[1].replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"');
  return f;
}

const state = (id) => dbExec(dir, `SELECT state FROM newsletter_issues WHERE id = ${id}`).trim();

before(async () => {
  dir = demoSite(0);
  addUser(dir, 'ed', 'editor', PW);
  addUser(dir, 'rep', 'reporter', PW);
  addUser(dir, 'mod', 'moderator', PW);
  dbExec(dir, "UPDATE users SET email = 'ed@example.com' WHERE login = 'ed'");
  srv = await startServer(dir);
  base = srv.base;
});

after(async () => { await srv?.stop(); });

test('the demo shows one sent issue per edition with its counts', async () => {
  const { html } = await page(base, '/admin/newsletters', await as('ed'));
  assert.match((await page(base, '/admin/', await as('rep'))).html, /<li><a href="\/admin\/newsletters">Newsletters<\/a><\/li>/, 'in the newsroom\'s menu');
  const rows = [...html.matchAll(/<tr class="newsletter-issue" data-issue="(\d+)">([\s\S]*?)<\/tr>/g)].map((m) => [m[1], m[2]]);
  assert.equal(rows.length, 2);
  for (const [id, r] of rows) {
    assert.match(r, /data-state="sent"/);
    // the counts are the queue's: the demo records some of each issue's mails as sent and some as failed
    const count = (state) => Number(dbExec(dir, `SELECT count(*) FROM mail_queue WHERE issue_id = ${id} AND state = '${state}'`).trim());
    const [sent, failed] = [count('sent'), count('failed')];
    assert.ok(sent >= 2 && failed >= 1, `issue ${id}: ${sent} sent, ${failed} failed`);
    assert.match(r, new RegExp(`<td class="sent">${sent}</td><td class="failed">${failed}</td>`));
  }
  assert.match(html, /أسبوع المشرق/);
});

test('an issue is written from stories and previewed exactly as it arrives: valid HTML, text part, the whole message', async () => {
  const [a, b] = stories('en', 2);
  const id = await create({ subject: 'Monday briefing', preheader: 'Five things before breakfast', intro: 'Good *morning*, readers.', stories: `#${b}\n${a}\n` });
  const { html } = await page(base, `/admin/newsletters/${id}?done=saved`, await as('ed'));
  assert.equal(formNotice(html), 'Saved.');
  assert.match(html, /<pre class="newsletter-text" dir="auto">[\s\S]*Monday briefing/);
  const pre = await fetch(`${base}/admin/newsletters/${id}/preview`, { headers: { cookie: `bs_session=${(await as('ed')).cookie}` } });
  assert.equal(pre.status, 200);
  assert.match(pre.headers.get('content-security-policy'), /default-src 'none'.*sandbox/);
  const mail = await pre.text();
  assert.deepEqual(await vnu(mail), [], 'the HTML part is valid HTML');
  assert.match(mail, /<html lang="en" dir="ltr">/);
  assert.match(mail, /<meta name="color-scheme" content="light dark">/);
  assert.match(mail, /Five things before breakfast<\/div>/, 'the preheader leads the body');
  assert.match(mail, /Good <em>morning<\/em>, readers\./, 'the introduction through the Markdown renderer');
  const hrefs = [...mail.matchAll(/<h2[^>]*><a href="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(hrefs.length, 2);
  for (const h of hrefs) assert.ok(h.startsWith(`${base}/en/`), `absolute link to the site: ${h}`);
  const headB = dbExec(dir, `SELECT headline FROM articles WHERE id = ${b}`).trim();
  assert.ok(mail.indexOf(headB.replace(/'/g, '&#39;')) < mail.indexOf('</h2>', mail.indexOf('</h2>') + 1), 'the stories in the order picked');
  for (const m of mail.matchAll(/<img [^>]*>/g)) {
    assert.match(m[0], /src="http:\/\/127\.0\.0\.1:\d+\/media\//, 'pictures from the site, absolute');
    assert.match(m[0], /alt="[^"]+"/, 'with alt text');
  }
  assert.doesNotMatch(mail, /<img[^>]+width="1"|\/track|\/click/i, 'no tracking pixel or redirected link');
  const text = await (await fetch(`${base}/admin/newsletters/${id}/preview?part=text`, { headers: { cookie: `bs_session=${(await as('ed')).cookie}` } })).text();
  for (const h of hrefs) assert.ok(text.includes(h), 'the text part carries the same links');
  assert.match(text, /Unsubscribe: http:\/\/127\.0\.0\.1:\d+\/newsletter\/unsubscribe\/[A-Za-z0-9_-]{75}/);
});

test('the Arabic issue is right to left with an Arabic date; the message parses with both parts and the unsubscribe headers', async () => {
  const [a] = stories('ar', 1);
  const id = await create({ edition: 'ar', list: 'breaking', subject: 'عاجل: خبر مهم', preheader: 'التفاصيل في الداخل', stories: `${a}` });
  const res = await fetch(`${base}/admin/newsletters/${id}/preview?part=eml`, { headers: { cookie: `bs_session=${(await as('ed')).cookie}` } });
  assert.equal(res.status, 200);
  const file = path.join(tempDir('nl-eml-'), 'issue.eml');
  fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  const m = parseMail(file);
  assert.deepEqual(m.defects, []);
  assert.equal(m.type, 'multipart/alternative');
  assert.deepEqual(m.parts.map((p) => p.type), ['text/plain', 'text/html']);
  assert.equal(m.headers.Subject, 'عاجل: خبر مهم');
  assert.match(m.headers['List-Unsubscribe'], /^<http:\/\/127\.0\.0\.1:\d+\/newsletter\/unsubscribe\/[A-Za-z0-9_-]{75}>$/);
  assert.equal(m.headers['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click');
  assert.equal(m.headers['Content-Language'], 'ar');
  const html = m.parts[1].content;
  assert.match(html, /<html lang="ar" dir="rtl">/);
  assert.match(html, /<table role="presentation" dir="rtl"/);
  assert.match(html, /text-align:right/);
  assert.match(html, /[\u0660-\u0669]|يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر/, 'an Arabic date');
  assert.match(m.parts[0].content, /إلغاء الاشتراك: http/);
  assert.deepEqual(await vnu(html), []);
});

test('a test goes to the writer\'s own address; an account without one is told so', async () => {
  const id = await create({ subject: 'Test me' });
  const f = await formOf(id);
  let r = await post(base, `/admin/newsletters/${id}`, await as('ed'), { ...f, do: 'test' });
  let html = await r.text();
  assert.equal(r.status, 200, formError(html));
  assert.equal(formNotice(html), 'A test is on its way to ed@example.com.');
  assert.equal(dbExec(dir, `SELECT kind, to_addr FROM mail_queue WHERE issue_id = ${id}`).trim(), 'test\ted@example.com');
  const row = dbExec(dir, `SELECT id FROM mail_queue WHERE issue_id = ${id}`).trim();
  const eml = path.join(dir, 'mail', `${row}.eml`); // no relay configured: the queue writes it here
  await waitFor(() => fs.existsSync(eml), 30000, 'the test mail');
  const m = parseMail(eml);
  assert.deepEqual(m.defects, []);
  assert.equal(m.type, 'multipart/alternative');
  assert.deepEqual(m.parts.map((p) => p.type), ['text/plain', 'text/html']);
  assert.equal(m.headers.Subject, '[Test] Test me');
  assert.equal(m.headers.To, 'ed@example.com');
  assert.match(m.headers['List-Unsubscribe'], /^<http:\/\/127\.0\.0\.1:\d+\/newsletter\/unsubscribe\/[A-Za-z0-9_-]{75}>$/);
  assert.equal(m.headers['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click');
  assert.match(m.parts[1].content, /<html lang="en" dir="ltr">/);
  const g = await formOf(id, 'rep');
  r = await post(base, `/admin/newsletters/${id}`, await as('rep'), { ...g, do: 'test' });
  html = await r.text();
  assert.equal(r.status, 400);
  assert.match(formError(html), /no e-mail address/);
  assert.equal(state(id), 'draft');
});

test('send at a time: the scheduler queues the issue for its subscribers when it is due', async () => {
  dbExec(dir, "INSERT INTO newsletter_subscribers(email, lang, state, created_at, updated_at) VALUES('r1@example.org', 'en', 'confirmed', 1, 1)");
  dbExec(dir, "INSERT INTO newsletter_subscriptions(subscriber_id, edition, list, created_at) SELECT id, 'en', 'section/world', 1 FROM newsletter_subscribers WHERE email = 'r1@example.org'");
  const id = await create({ subject: 'World this week', list: 'section/world', stories: `${stories('en', 1)[0]}` });
  const f = await formOf(id);
  const when = new Date(Date.now() + 2000).toISOString().slice(0, 19).replace('T', ' ');
  const r = await post(base, `/admin/newsletters/${id}`, await as('ed'), { ...f, send_at: when, do: 'schedule' });
  const html = await r.text();
  assert.equal(r.status, 200, formError(html));
  assert.match(html, /data-state="scheduled"/);
  await waitFor(() => state(id) !== 'scheduled', 30000, 'the scheduler to queue the issue');
  assert.match(state(id), /^(sending|sent)$/);
  assert.equal(dbExec(dir, `SELECT to_addr FROM mail_queue WHERE issue_id = ${id} AND kind = 'issue'`).trim(), 'r1@example.org');
  const row = dbExec(dir, `SELECT id FROM mail_queue WHERE issue_id = ${id}`).trim();
  const eml = path.join(dir, 'mail', `${row}.eml`);
  await waitFor(() => fs.existsSync(eml), 30000, 'the subscriber\'s mail');
  const m = parseMail(eml);
  assert.equal(m.headers.Subject, 'World this week');
  assert.equal(m.headers.To, 'r1@example.org');
  assert.match(m.headers['List-Unsubscribe'], /\/newsletter\/unsubscribe\/[A-Za-z0-9_-]{75}>$/);
  assert.match(m.parts[0].content, /Your newsletter preferences: http:\/\/127\.0\.0\.1:\d+\/newsletter\/preferences\//);
  await waitFor(() => state(id) === 'sent', 30000, 'the issue to be marked sent');
  const list = (await page(base, '/admin/newsletters', await as('ed'))).html;
  const tr = new RegExp(`<tr class="newsletter-issue" data-issue="${id}">([\\s\\S]*?)</tr>`).exec(list)[1];
  assert.match(tr, /<td class="queued">0<\/td><td class="sent">1<\/td><td class="failed">0<\/td>/);
});

test('the daily digest assembles itself at its hour, once a day, from the front page\'s stories', async () => {
  const now = new Date();
  const hour = `${String(now.getUTCHours()).padStart(2, '0')}:${String(now.getUTCMinutes()).padStart(2, '0')}`;
  let r = await post(base, '/admin/newsletters/digest', await as('ed'), { edition: 'ar', hour: '25:00' });
  assert.equal(r.status, 400);
  r = await post(base, '/admin/newsletters/digest', await as('rep'), { edition: 'ar', hour });
  assert.equal(r.status, 403, 'a reporter cannot set it');
  r = await post(base, '/admin/newsletters/digest', await as('ed'), { edition: 'ar', hour });
  assert.equal(r.status, 303);
  const digest = () => dbExec(dir, "SELECT id, state, article_ids, subject, list FROM newsletter_issues WHERE kind = 'digest' AND edition = 'ar'").trim();
  const row = await waitFor(() => digest(), 30000, 'the digest');
  const [, st, ids, subject, list] = row.split('\t');
  assert.match(subject, /^الموجز اليومي: \d+ \S+ \d{4}$/);
  assert.equal(list, 'digest');
  assert.notEqual(st, 'draft');
  assert.ok(ids.split(',').length >= 1, 'it holds the edition\'s stories');
  await srv.stop();
  srv = await startServer(dir); // a restart at the same hour makes no second one
  base = srv.base;
  for (const k of Object.keys(sessions)) delete sessions[k];
  await sleep(1500);
  assert.equal(dbExec(dir, "SELECT count(*) FROM newsletter_issues WHERE kind = 'digest' AND edition = 'ar'").trim(), '1');
});

test('breaking e-mail: the article editor\'s and the banner desk\'s links prefill the form', async () => {
  const [a] = stories('en', 1);
  const { html } = await page(base, `/admin/newsletters/new?kind=breaking&article=${a}`, await as('ed'));
  assert.equal(fieldValue(html, 'list'), 'breaking');
  assert.equal(fieldValue(html, 'subject'), dbExec(dir, `SELECT headline FROM articles WHERE id = ${a}`).trim());
  assert.match(html, new RegExp(`#${a} `));
  const ed = await page(base, `/admin/articles/${a}`, await as('ed'));
  assert.match(ed.html, new RegExp(`href="/admin/newsletters/new\\?kind=breaking&amp;article=${a}"`));
  const banner = dbExec(dir, "SELECT id, text, link_article_id FROM breaking WHERE edition = 'ar' AND ended_at IS NULL").trim().split('\t');
  const desk = await page(base, '/admin/breaking', await as('ed'));
  assert.match(desk.html, new RegExp(`href="/admin/newsletters/new\\?kind=breaking&amp;breaking=${banner[0]}"`));
  const fromBanner = (await page(base, `/admin/newsletters/new?kind=breaking&breaking=${banner[0]}`, await as('ed'))).html;
  assert.equal(fieldValue(fromBanner, 'subject'), banner[1]);
  assert.match(fromBanner, /<option value="ar" lang="ar" selected>/);
  assert.match(fromBanner, new RegExp(`#${banner[2]} `), 'the story the banner links');
});

test('permissions: moderators see nothing, reporters draft but cannot send', async () => {
  assert.equal((await page(base, '/admin/newsletters', await as('mod'))).status, 403);
  const id = await create({ subject: 'Reporter draft' }, 'rep');
  const f = await formOf(id, 'rep');
  const r = await post(base, `/admin/newsletters/${id}`, await as('rep'), { ...f, do: 'send' });
  assert.equal(r.status, 403);
  assert.match(formError(await r.text()), /Only editors/);
  assert.equal(state(id), 'draft');
});

test('bad input: empty subject, unknown stories, over-long fields, a stale version', async () => {
  const s = await as('ed');
  const bad = async (fields, re, status = 400) => {
    const r = await post(base, '/admin/newsletters/new', s, { edition: 'en', list: 'digest', subject: 'x', stories: '', ...fields });
    const html = await r.text();
    assert.equal(r.status, status, `${JSON.stringify(fields).slice(0, 80)}: ${formError(html)}`);
    assert.match(formError(html), re);
    return html;
  };
  const kept = await bad({ subject: '', intro: 'kept text' }, /Write a subject/);
  assert.match(kept, /kept text<\/textarea>/, 'the form keeps what was typed');
  await bad({ stories: '999999' }, /no published story number 999999/);
  await bad({ stories: 'not a number' }, /is not a story number/);
  await bad({ subject: 'x'.repeat(201) }, /too long/);
  await bad({ intro: 'y'.repeat(20001) }, /too long/);
  await bad({ list: 'section/Bad Slug' }, /The list is/);
  await bad({ edition: 'fr' }, /English or the Arabic/);
  const id = await create({ subject: 'Versioned' });
  const f = await formOf(id);
  let r = await post(base, `/admin/newsletters/${id}`, s, { ...f, subject: 'First', do: 'save' });
  assert.equal(r.status, 200);
  r = await post(base, `/admin/newsletters/${id}`, s, { ...f, subject: 'Second', do: 'save' });
  assert.equal(r.status, 409);
  assert.match(formError(await r.text()), /changed or sent meanwhile/);
  assert.equal(dbExec(dir, `SELECT subject FROM newsletter_issues WHERE id = ${id}`).trim(), 'First');
  assert.equal((await page(base, '/admin/newsletters/999999', s)).status, 404);
});
