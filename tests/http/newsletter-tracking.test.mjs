// The newsletters' open and click counts over real HTTP and a real SMTP relay on loopback (tests/lib/smtp.mjs:
// aiosmtpd), on the engine BROADSHEET_TEST_DB names (issue 22): off by default (the mails' HTML parts carry
// no image and no redirected link, parsed with Python's email package); an admin turns them on in the site
// settings (an editor cannot); then a subscriber's HTML part carries a 1x1 image with empty alt and its story
// links go through /newsletter/c/ (the text part's links stay plain); following them counts once per
// recipient (twice is still one), shown in the newsroom beside the other counts; forged, altered, truncated
// or swapped tokens answer 404 with a readable page, and a token for story A cannot be made to lead anywhere
// else; the subscriber's data export holds the times and deleting the data removes them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSite, startServer, configure, dbExec, waitUntil } from '../lib/server.mjs';
import { addUser, login, post, page, formError, fieldValue } from '../lib/newsroom.mjs';
import { startRelay, parseMail, mailSite } from '../lib/smtp.mjs';

const PW = 'a-long-password';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let dir, srv, base, relay;
const sessions = {};
const as = async (name) => (sessions[name] ??= await login(base, name, PW));
const q = (sql) => dbExec(dir, sql).trim();
let nextId = 7000;

before(async () => {
  ({ relay, dir, srv } = await mailSite({}, [['boss', 'admin', PW], ['ed', 'editor', PW]]));
  base = srv.base;
});

after(async () => {
  await srv?.stop();
  relay?.stop();
});

const waitFor = (fn, ms, what) => waitUntil(fn, ms, what, { every: 150, detail: () => `server log: ${srv.stderr.slice(-1500)}` });

/** Two published English stories: [{id, href}] (href the site-relative address the reader pages use). */
function twoStories() {
  return q("SELECT id FROM articles WHERE edition = 'en' AND status = 'published' ORDER BY id LIMIT 2").split('\n').map(Number);
}

/**
 * sendIssue: `n` confirmed subscribers of a list of their own and an issue of the stories, scheduled in the
 * past (the queue sends it by itself); waits for every message at the relay and returns
 * {id, subs: [{id, email, mail}]} with each parsed mail {html, text}.
 */
async function sendIssue(n, articles) {
  const id = nextId++;
  const list = `section/t${id}`;
  const subject = `Tracking ${id}`;
  const rows = [];
  const subs = [];
  for (let i = 0; i < n; i++) {
    const sid = id * 10 + i;
    const email = `t${sid}@example.org`;
    subs.push({ id: sid, email });
    rows.push(`INSERT INTO newsletter_subscribers(id, email, lang, state, created_at, updated_at) VALUES (${sid}, '${email}', 'en', 'confirmed', 1, 1);`,
      `INSERT INTO newsletter_subscriptions(subscriber_id, edition, list, created_at) VALUES (${sid}, 'en', '${list}', 1);`);
  }
  rows.push(`INSERT INTO newsletter_issues(id, edition, list, kind, subject, article_ids, state, send_at, created_at, updated_at) VALUES (${id}, 'en', '${list}', 'issue', '${subject}', '${articles.join(',')}', 'scheduled', 1, 1, 1);`);
  dbExec(dir, rows.join('\n'));
  const mine = () => relay.messages().map((m) => ({ ...m, parsed: parseMail(m.file) })).filter((m) => m.parsed.headers.Subject === subject);
  const got = await waitFor(() => { const m = mine(); return m.length === n ? m : null; }, 30000, `${n} mails of issue ${id}`);
  for (const s of subs) {
    const m = got.find((g) => g.envelope.to?.includes(s.email) || g.parsed.headers.To?.includes(s.email));
    assert.ok(m, `a mail to ${s.email}`);
    assert.deepEqual(m.parsed.defects, []);
    const parts = Object.fromEntries(m.parsed.parts.map((p) => [p.type, p.content]));
    s.mail = { html: parts['text/html'], text: parts['text/plain'] };
  }
  return { id, subs };
}

/** The settings form as stored with overrides, posted as who; returns the response. */
async function saveSettings(who, overrides) {
  const s = await as(who);
  const html = (await page(base, '/admin/settings', await as('boss'))).html;
  const fields = {};
  for (const m of html.matchAll(/\bname="([^"]+)"/g)) if (m[1] !== 'csrf') fields[m[1]] = fieldValue(html, m[1]);
  return post(base, '/admin/settings', s, { ...fields, ...overrides });
}

/** The issue's row on the newsroom's newsletters page. */
async function issueRow(id) {
  const { html } = await page(base, '/admin/newsletters', await as('ed'));
  const m = new RegExp(`<tr class="newsletter-issue" data-issue="${id}">([\\s\\S]*?)</tr>`).exec(html);
  assert.ok(m, `issue ${id} is listed`);
  return { row: m[1], html };
}

const cell = (row, name) => Number(new RegExp(`<td class="${name}">(\\d+)</td>`).exec(row)[1]);
const get = (url) => fetch(url.replace(/^http:\/\/127\.0\.0\.1:\d+/, base), { redirect: 'manual' });
const clickUrls = (html) => [...html.matchAll(/href="([^"]*\/newsletter\/c\/[^"]*)"/g)].map((m) => m[1]);
const pixelUrls = (html) => [...html.matchAll(/<img src="([^"]*\/newsletter\/o\/[^"]*)"([^>]*)>/g)];

/** base64url token with its article id (bytes 8..16) replaced. */
function retarget(token, article) {
  const raw = Buffer.from(token, 'base64url');
  raw.writeBigInt64BE(BigInt(article), 8);
  return raw.toString('base64url');
}

test('off by default: no image, no redirected link; the preferences page says nothing is counted', async () => {
  const settings = (await page(base, '/admin/settings', await as('boss'))).html;
  assert.equal(fieldValue(settings, 'newsletter.tracking'), '0', 'a new site (here the demo) shows the setting, off');
  assert.match(settings, /Newsletters: count opens and clicks/);
  const [a, b] = twoStories();
  const { id, subs } = await sendIssue(2, [a, b]);
  for (const s of subs) {
    assert.doesNotMatch(s.mail.html, /\/newsletter\/[oc]\//, 'no tracking URL in the HTML part');
    assert.doesNotMatch(s.mail.html, /width="1" height="1"/, 'no 1x1 image');
    const hrefs = [...s.mail.html.matchAll(/<h2[^>]*><a href="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(hrefs.length, 2);
    for (const h of hrefs) assert.match(h, /^http:\/\/127\.0\.0\.1:\d+\/en\/\d{4}\//, 'story links straight to the site');
    assert.doesNotMatch(s.mail.text, /\/newsletter\/[oc]\//);
  }
  const prefs = /Your newsletter preferences: (\S+)/.exec(subs[0].mail.text)[1];
  const p = await (await get(prefs)).text();
  assert.match(p, /<p class="nl-tracking">This site does not count when its newsletters are opened/);
  const { row, html } = await issueRow(id);
  assert.equal(cell(row, 'opened'), 0);
  assert.equal(cell(row, 'clicked'), 0);
  assert.match(html, /nothing counts opens or clicks/);
  assert.match(html, /Opens are an estimate: mail programs that block images are not counted/);
});

test('only an admin turns the counts on, in the site settings', async () => {
  const refused = await saveSettings('ed', { 'newsletter.tracking': '1' });
  assert.equal(refused.status, 403);
  const bad = await saveSettings('boss', { 'newsletter.tracking': '2' });
  assert.equal(bad.status, 400);
  assert.match(formError(await bad.text()), /count opens and clicks.*a whole number from 0 to 1/);
  const r = await saveSettings('boss', { 'newsletter.tracking': '1' });
  assert.equal(r.status, 200, formError(await r.text()));
  assert.equal(q("SELECT value FROM settings WHERE key = 'newsletter.tracking'"), '1');
});

test('on: the image and the click addresses; each recipient counts once; the newsroom shows the counts', async () => {
  const [a, b] = twoStories();
  const { id, subs } = await sendIssue(2, [a, b]);
  for (const s of subs) {
    const px = pixelUrls(s.mail.html);
    assert.equal(px.length, 1, 'one open image');
    assert.match(px[0][2], /^ alt="" width="1" height="1"/, 'with empty alt');
    const clicks = clickUrls(s.mail.html);
    assert.equal(clicks.length, 2 * 2, 'headline and picture of each story (or headline only)');
    assert.doesNotMatch(s.mail.text, /\/newsletter\/[oc]\//, 'the text part\'s links stay plain');
    s.pixel = px[0][1];
    s.clicks = [...new Set(clicks)];
  }
  assert.equal(subs[0].clicks.length, 2, 'one address per story');
  // the story addresses as the text part has them, in order
  const direct = [...subs[0].mail.text.matchAll(/^(http:\/\/\S+\/en\/\d{4}\/\S+)$/gm)].map((m) => m[1]);
  assert.equal(direct.length, 2);

  // recipient 0: the image twice, the first story twice; recipient 1: the image once
  for (let i = 0; i < 2; i++) {
    const r = await get(subs[0].pixel);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'image/gif');
    assert.match(r.headers.get('cache-control'), /no-store/);
    assert.equal((await r.arrayBuffer()).byteLength, 43);
  }
  for (let i = 0; i < 2; i++) {
    const r = await get(subs[0].clicks[0]);
    assert.equal(r.status, 302);
    assert.equal(r.headers.get('location').replace(/^http:\/\/127\.0\.0\.1:\d+/, ''), direct[0].replace(/^http:\/\/127\.0\.0\.1:\d+/, ''));
  }
  const second = await get(subs[0].clicks[1]);
  assert.equal(second.headers.get('location').replace(/^http:\/\/127\.0\.0\.1:\d+/, ''), direct[1].replace(/^http:\/\/127\.0\.0\.1:\d+/, ''));
  assert.equal((await get(subs[1].pixel)).status, 200);
  const times = q(`SELECT opened_at IS NOT NULL, clicked_at IS NOT NULL FROM mail_queue WHERE issue_id = ${id} ORDER BY subscriber_id`);
  assert.match(times, /^(1|t)\t(1|t)\n(1|t)\t(0|f)$/);
  const { row, html } = await issueRow(id);
  assert.equal(cell(row, 'sent'), 2);
  assert.equal(cell(row, 'opened'), 2, 'unique opens');
  assert.equal(cell(row, 'clicked'), 1, 'unique clicks: following twice is one');
  assert.match(html, /This site counts opens and clicks/);
  assert.doesNotMatch(html, /t\d+@example\.org/, 'nothing per person');
  // an editor's preview and test mail carry no tracking
  const pre = await (await fetch(`${base}/admin/newsletters/${id}/preview`, { headers: { cookie: `bs_session=${(await as('ed')).cookie}` } })).text();
  assert.doesNotMatch(pre, /\/newsletter\/[oc]\//);
  subsOn = subs;
  issueOn = id;
  storiesOn = [a, b];
});

let subsOn, issueOn, storiesOn;

test('forged, altered, truncated or swapped tokens answer 404 with a readable page; a story\'s token leads only to it', async () => {
  const s = subsOn[0];
  const click = s.clicks[0];
  const token = click.split('/newsletter/c/')[1];
  const open = s.pixel.split('/newsletter/o/')[1].replace(/\.gif$/, '');
  const flip = (t) => t.slice(0, 10) + (t[10] === 'A' ? 'B' : 'A') + t.slice(11);
  const cases = [
    `/newsletter/c/${flip(token)}`,
    `/newsletter/c/${token.slice(0, -1)}`,
    `/newsletter/c/${token}x`,
    `/newsletter/c/${retarget(token, storiesOn[1])}`, // story A's token pointed at story B
    `/newsletter/c/${retarget(token, 999999)}`,
    `/newsletter/c/${open}`, // an open token is not a click
    `/newsletter/o/${token}.gif`, // nor the reverse
    `/newsletter/o/${flip(open)}.gif`,
    `/newsletter/o/${open}`, // without its .gif
    '/newsletter/c/evil.example',
  ];
  for (const c of cases) {
    const r = await fetch(base + c, { redirect: 'manual' });
    assert.equal(r.status, 404, c);
    assert.equal(r.headers.get('location'), null, c);
    assert.match(r.headers.get('content-type'), /text\/html/);
    assert.match(await r.text(), /This link does not work/, c);
  }
  const encoded = await fetch(`${base}/newsletter/c/${encodeURIComponent('https://evil.example/')}`, { redirect: 'manual' });
  assert.equal(encoded.status, 404);
  assert.equal(encoded.headers.get('location'), null);
  const before = q(`SELECT count(clicked_at) FROM mail_queue WHERE issue_id = ${issueOn}`);
  assert.equal(before, '1', 'nothing counted by a bad token');
  // the same token with a query string still leads to story A only
  const r = await fetch(`${base}/newsletter/c/${token}?to=https://evil.example/`, { redirect: 'manual' });
  assert.equal(r.status, 302);
  assert.match(r.headers.get('location'), new RegExp(`^${base}/en/\\d{4}/`));
});

test('the subscriber\'s data export holds the open and click times; deleting the data removes them', async () => {
  const s = subsOn[0];
  const prefs = /Your newsletter preferences: (\S+)/.exec(s.mail.text)[1];
  const p = await (await get(prefs)).text();
  assert.match(p, /<p class="nl-tracking">This site counts when its newsletters are opened and their story links followed/);
  const data = /<a href="(\/newsletter\/data\/[^"]+)" download>/.exec(p)[1];
  const doc = await (await fetch(base + data)).json();
  const mail = doc.mails.find((m) => m.kind === 'issue');
  assert.ok(mail.opened_at > 1_700_000_000, `opened_at ${mail.opened_at}`);
  assert.ok(mail.clicked_at >= mail.opened_at, `clicked_at ${mail.clicked_at}`);
  const del = await fetch(base + data, { method: 'POST' });
  assert.equal(del.status, 200);
  assert.equal(q(`SELECT count(opened_at) + count(clicked_at) FROM mail_queue WHERE issue_id = ${issueOn} AND to_addr = ''`), '0');
  const { row } = await issueRow(issueOn);
  assert.equal(cell(row, 'opened'), 1, 'the deleted subscriber\'s open is gone');
  assert.equal(cell(row, 'clicked'), 0);
  // their links still answer (the image, the story), but count nothing
  assert.equal((await get(s.pixel)).status, 200);
  assert.equal((await get(s.clicks[0])).status, 302);
  assert.equal(q(`SELECT count(clicked_at) FROM mail_queue WHERE issue_id = ${issueOn}`), '0');
});

test('turned off again: new mails carry nothing, and old links answer but count nothing', async () => {
  const r = await saveSettings('boss', { 'newsletter.tracking': '0' });
  assert.equal(r.status, 200);
  const s = subsOn[1];
  assert.equal((await get(s.clicks[0])).status, 302);
  assert.equal(q(`SELECT count(clicked_at) FROM mail_queue WHERE issue_id = ${issueOn}`), '0');
  const { subs } = await sendIssue(1, storiesOn);
  assert.doesNotMatch(subs[0].mail.html, /\/newsletter\/[oc]\//);
});
