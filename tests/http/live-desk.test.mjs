// Issue 21, the live desk (the newsroom's side of live coverage): an editor starts a story's coverage,
// reporters post entries (two at once are both kept), mark key events, edit and correct (a stale edit is
// refused with the current text shown and what was typed kept); editors pin one entry, withdraw one with
// a note, end the coverage (after which nothing more is posted); an entry goes to the other edition's
// live blog as a draft translation, listed on the translation board and published from its desk. Each
// change queues its webhook event and is audited; bad input gets a clear 4xx with the form kept. Both
// engines (BROADSHEET_TEST_DB).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dbExec, demoSite, startServer } from '../lib/server.mjs';
import { addUser, fieldValue, formError, formNotice, login, page, post } from '../lib/newsroom.mjs';

const PW = 'a-long-password';
let dir, srv, base;
const sessions = {};
const sections = {};
let en, ar; // the paired English and Arabic stories

async function as(name) {
  sessions[name] ??= await login(base, name, PW);
  return sessions[name];
}

/** Rows of a query, each an array of its columns (text). */
const rows = (q) => dbExec(dir, q).trim().split('\n').filter(Boolean).map((l) => l.split('\t'));

before(async () => {
  dir = demoSite(0);
  addUser(dir, 'live-ed', 'editor', PW, 'Lina Editor');
  addUser(dir, 'live-rep', 'reporter', PW, 'Rami Reporter');
  addUser(dir, 'live-rep2', 'reporter', PW, 'Sara Reporter');
  srv = await startServer(dir);
  base = srv.base;
  for (const [ed, slug, id] of rows('SELECT edition, slug, id FROM sections')) sections[`${ed}:${slug}`] ??= id;
  dbExec(dir, "INSERT INTO webhooks(url, secret, events, active, created_at) VALUES('https://hooks.example/live', 's3cret', " +
    "'live.started,live.entry.created,live.entry.updated,live.entry.withdrawn,live.ended', 1, 0)");
  en = await createArticle({ headline: 'Earthquake: live updates' });
  await publish(en);
  const r = await post(base, `/admin/articles/${en}/translate`, await as('live-ed'), {});
  assert.equal(r.status, 303, `translate: ${formError(await r.text())}`);
  ar = Number(/\/admin\/articles\/(\d+)/.exec(r.headers.get('location'))[1]);
  await publish(ar);
});
after(async () => { await srv?.stop(); });

async function createArticle(over = {}) {
  const sec = Object.entries(sections).find(([k]) => k.startsWith('en:'))[1];
  const r = await post(base, '/admin/articles/new', await as('live-ed'), {
    version: '0', headline: 'A story', standfirst: 'What we know.', body: 'The summary of the coverage.', edition: 'en',
    section: sec, slug: '', dateline: 'ANTAKYA', bylines: '', tags: '', media: '0', caption: '', credit: '',
    translation: '', do: 'save', ...over,
  });
  assert.equal(r.status, 303, `create: ${formError(await r.text())}`);
  return Number(/\/admin\/articles\/(\d+)/.exec(r.headers.get('location'))[1]);
}

async function publish(id) {
  const r = await post(base, `/admin/articles/${id}/status`, await as('live-ed'), { to: 'publish' });
  assert.equal(r.status, 303, `publish ${id}: ${formError(await r.text())}`);
}

const desk = async (who, id) => page(base, `/admin/articles/${id}/live`, await as(who));
const act = async (who, id, fields) => post(base, `/admin/articles/${id}/live`, await as(who), fields);
const postEntry = async (who, id, fields) => post(base, `/admin/articles/${id}/live/entries`, await as(who), fields);

/** Posts an entry and returns its id (asserts the redirect). */
async function posted(who, id, body, key_event = '') {
  const r = await postEntry(who, id, { body, key_event });
  assert.equal(r.status, 303, `post: ${formError(await r.text())}`);
  return Number(/#entry-(\d+)$/.exec(r.headers.get('location'))[1]);
}

/** The entries of a desk page: [{id, html}] newest first. */
const deskEntries = (html) => [...html.matchAll(/<article class="live-desk-entry[^"]*" id="entry-(\d+)"[\s\S]*?<\/article>/g)]
  .map((m) => ({ id: Number(m[1]), html: m[0] }));

/** The webhook queue's rows: [{event, body}] (the payload parsed: both engines spell JSON differently). */
const queue = () => rows('SELECT event, payload FROM webhook_queue ORDER BY id').map(([event, p]) => ({ event, body: JSON.parse(p) }));

const entryRow = (id) => rows(`SELECT state, version, key_event, note, coalesce(corrected_at, 0), coalesce(source_entry_id, 0), article_id, body_md FROM live_entries WHERE id = ${id}`)[0];

test('the editor links to the live desk; an editor starts coverage, a reporter may not start or end it', async () => {
  const ed = await page(base, `/admin/articles/${en}`, await as('live-ed'));
  assert.match(ed.html, new RegExp(`<a href="/admin/articles/${en}/live">Live coverage</a>`));
  let d = await desk('live-rep', en);
  assert.equal(d.status, 200);
  assert.match(d.html, /This story is not live/);
  assert.doesNotMatch(d.html, /name="do" value="start"/);
  let r = await act('live-rep', en, { do: 'start' });
  assert.equal(r.status, 403);
  assert.match(formError(await r.text()), /Only editors/);
  assert.equal(rows(`SELECT count(*) FROM live_blogs WHERE article_id = ${en}`)[0][0], '0');
  r = await postEntry('live-rep', en, { body: 'Too early.', key_event: '' });
  assert.equal(r.status, 409, 'not live yet');
  const html = await r.text();
  assert.match(formError(html), /not live/);
  assert.equal(fieldValue(html, 'body'), 'Too early.', 'what was typed kept');
  assert.equal(fieldValue((await desk('live-rep', en)).html, 'body'), undefined, 'no entry form on a story that is not live');
  for (const id of [en, ar]) {
    r = await act('live-ed', id, { do: 'start' });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), `/admin/articles/${id}/live?done=start`);
  }
  r = await act('live-ed', en, { do: 'start' });
  assert.equal(r.status, 409, 'already live');
  d = await desk('live-rep', en);
  assert.match(d.html, /<strong>Live<\/strong>/);
  assert.equal(fieldValue(d.html, 'body'), '');
  assert.match(d.html, /<script src="\/static\/editor-desk\.js/, 'the writing desk mounts over the entry form');
  assert.doesNotMatch(d.html, /name="do" value="end"/, 'a reporter has no End button');
  r = await act('live-rep', en, { do: 'end' });
  assert.equal(r.status, 403);
  assert.equal(rows(`SELECT count(*) FROM live_blogs WHERE article_id = ${en} AND ended_at IS NULL`)[0][0], '1');
});

test('entries: posted newest first, two at once both kept, key events, bad input refused with the form kept', async () => {
  const first = await posted('live-rep', en, 'A magnitude 7.8 **earthquake** struck before dawn.', 'Quake strikes');
  const [a, b] = await Promise.all([
    postEntry('live-rep', en, { body: 'Rescue teams are on their way.', key_event: '' }),
    postEntry('live-rep2', en, { body: 'The airport is closed.', key_event: '' }),
  ]);
  assert.deepEqual([a.status, b.status], [303, 303]);
  const d = await desk('live-ed', en);
  const list = deskEntries(d.html);
  assert.equal(list.length, 3);
  assert.equal(list[2].id, first);
  assert.ok(list[0].id > list[2].id && list[1].id > list[2].id, 'newest first');
  assert.ok(list.some((e) => /Rescue teams/.test(e.html)) && list.some((e) => /airport is closed/.test(e.html)), 'both kept');
  assert.match(list[2].html, /<strong>earthquake<\/strong>/, 'rendered like an article body');
  assert.match(list[2].html, /Key event: <bdi>Quake strikes<\/bdi>/);
  assert.match(list[2].html, /Rami Reporter/);
  // bad input
  let r = await postEntry('live-rep', en, { body: '   ', key_event: 'Kept label' });
  assert.equal(r.status, 400);
  let html = await r.text();
  assert.match(formError(html), /cannot be empty/);
  assert.equal(fieldValue(html, 'key_event'), 'Kept label');
  r = await postEntry('live-rep', en, { body: 'Typed text', key_event: 'x'.repeat(121) });
  assert.equal(r.status, 400);
  html = await r.text();
  assert.match(formError(html), /too long: 121 characters/);
  assert.equal(fieldValue(html, 'body'), 'Typed text');
  r = await postEntry('live-rep', en, { body: 'y'.repeat(256 * 1024 + 1), key_event: '' });
  assert.equal(r.status, 400);
  assert.match(formError(await r.text()), /too long/);
  r = await postEntry('live-rep', 999999, { body: 'Lost', key_event: '' });
  assert.equal(r.status, 404);
  assert.equal(rows(`SELECT count(*) FROM live_entries WHERE article_id = ${en}`)[0][0], '3', 'nothing half-written');
});

test('edit and correct: a stale version answers 409 with the current text and what was typed kept', async () => {
  const id = await posted('live-rep', en, 'Casualty figures are not yet known.');
  const form = await page(base, `/admin/live-entries/${id}`, await as('live-rep'));
  assert.equal(form.status, 200);
  assert.equal(fieldValue(form.html, 'version'), '1');
  let r = await post(base, `/admin/live-entries/${id}`, await as('live-rep2'),
    { version: '1', body: 'Officials report at least 40 dead.', key_event: 'First toll', note: '' });
  assert.equal(r.status, 303);
  r = await post(base, `/admin/live-entries/${id}`, await as('live-rep'),
    { version: '1', body: 'My stale text', key_event: '', note: '' });
  assert.equal(r.status, 409);
  const html = await r.text();
  assert.match(formError(html), /Someone else saved this entry/);
  assert.match(html, /<h2 id="live-stale-title">/);
  assert.match(html, /Officials report at least 40 dead\./, 'their version shown');
  assert.equal(fieldValue(html, 'body'), 'My stale text', 'what was typed kept');
  assert.equal(fieldValue(html, 'version'), '2', 'saving again takes the current version');
  assert.equal(entryRow(id)[7], 'Officials report at least 40 dead.');
  // a correction, shown to readers with its note
  r = await post(base, `/admin/live-entries/${id}`, await as('live-rep'),
    { version: '2', body: 'Officials report at least 41 dead.', key_event: 'First toll', note: 'An earlier version gave 40.' });
  assert.equal(r.status, 303);
  const [state, version, key, note, corrected] = entryRow(id);
  assert.deepEqual([state, version, key, note], ['published', '3', 'First toll', 'An earlier version gave 40.']);
  assert.ok(Number(corrected) > 0);
  const d = await desk('live-ed', en);
  assert.match(deskEntries(d.html).find((e) => e.id === id).html, /Correction: <bdi>An earlier version gave 40\.<\/bdi>/);
  r = await page(base, '/admin/live-entries/999999', await as('live-rep'));
  assert.equal(r.status, 404);
});

test('pin and unpin (one pinned entry), withdraw with a note; a withdrawn entry cannot be pinned or corrected', async () => {
  const a = await posted('live-rep', en, 'Aftershock felt in the capital.');
  const b = await posted('live-rep', en, 'Unconfirmed: a dam has burst.');
  let r = await act('live-rep', en, { do: 'pin', entry: String(a) });
  assert.equal(r.status, 403, 'a reporter cannot pin');
  r = await act('live-ed', en, { do: 'pin', entry: String(a) });
  assert.equal(r.status, 303);
  r = await act('live-ed', en, { do: 'pin', entry: String(b) });
  assert.equal(r.status, 303);
  assert.equal(rows(`SELECT pinned_entry_id FROM live_blogs WHERE article_id = ${en}`)[0][0], String(b), 'pin replaces');
  let d = await desk('live-ed', en);
  assert.match(deskEntries(d.html).find((e) => e.id === b).html, /Pinned/);
  // withdraw: needs a note, editors only
  r = await post(base, `/admin/live-entries/${b}/withdraw`, await as('live-rep'), { note: 'x' });
  assert.equal(r.status, 403);
  r = await post(base, `/admin/live-entries/${b}/withdraw`, await as('live-ed'), { note: '' });
  assert.equal(r.status, 400);
  assert.match(formError(await r.text()), /Say why/);
  r = await post(base, `/admin/live-entries/${b}/withdraw`, await as('live-ed'), { note: 'The report was wrong: no dam burst.' });
  assert.equal(r.status, 303);
  assert.deepEqual(entryRow(b).slice(0, 4), ['withdrawn', '2', '', 'The report was wrong: no dam burst.']);
  assert.equal(rows(`SELECT coalesce(pinned_entry_id, 0) FROM live_blogs WHERE article_id = ${en}`)[0][0], '0', 'unpinned');
  r = await post(base, `/admin/live-entries/${b}/withdraw`, await as('live-ed'), { note: 'again' });
  assert.equal(r.status, 409);
  r = await act('live-ed', en, { do: 'pin', entry: String(b) });
  assert.equal(r.status, 409, 'a withdrawn entry cannot be pinned');
  r = await post(base, `/admin/live-entries/${b}`, await as('live-rep'), { version: '2', body: 'Fixed', key_event: '', note: 'n' });
  assert.equal(r.status, 409);
  const html = await r.text();
  assert.match(formError(html), /withdrawn/);
  assert.equal(fieldValue(html, 'body'), 'Fixed');
  d = await desk('live-ed', en);
  const w = deskEntries(d.html).find((e) => e.id === b).html;
  assert.match(w, /Withdrawn: <bdi>The report was wrong/);
  assert.doesNotMatch(w, /dam has burst/, 'a withdrawn entry shows as its note only');
  // a foreign entry (the Arabic blog's own) cannot be pinned here; unknown ids are 404
  const other = await posted('live-ed', ar, 'هزة ارتدادية في العاصمة.');
  r = await act('live-ed', en, { do: 'pin', entry: String(other) });
  assert.equal(r.status, 409);
  r = await act('live-ed', en, { do: 'pin', entry: 'x' });
  assert.equal(r.status, 404);
  r = await post(base, '/admin/live-entries/999999/withdraw', await as('live-ed'), { note: 'n' });
  assert.equal(r.status, 404);
  r = await act('live-ed', en, { do: 'pin', entry: String(a) });
  assert.equal(r.status, 303);
  r = await act('live-ed', en, { do: 'unpin' });
  assert.equal(r.status, 303);
  assert.equal(rows(`SELECT coalesce(pinned_entry_id, 0) FROM live_blogs WHERE article_id = ${en}`)[0][0], '0');
});

test('send to translation: a draft in the paired live blog, on the board, published from its desk', async () => {
  const src = await posted('live-rep', en, 'The UN sends a rescue team.', 'UN team');
  let r = await post(base, `/admin/live-entries/${src}/translate`, await as('live-rep'), {});
  assert.equal(r.status, 303, formError(await r.text()));
  const [draft] = rows(`SELECT id FROM live_entries WHERE source_entry_id = ${src}`)[0];
  const [state, , key, , , source, article, md] = entryRow(draft);
  assert.deepEqual([state, key, source, article, md], ['draft', 'UN team', String(src), String(ar), 'The UN sends a rescue team.']);
  r = await post(base, `/admin/live-entries/${src}/translate`, await as('live-rep'), {});
  assert.equal(r.status, 409, 'sent once');
  const board = (await page(base, '/admin/translations', await as('live-rep'))).html;
  assert.match(board, /<h2 id="live-drafts-title">Live entries to translate<\/h2>/);
  assert.match(board, new RegExp(`<a href="/admin/live-entries/${draft}">`));
  const form = await page(base, `/admin/live-entries/${draft}`, await as('live-rep2'));
  assert.match(form.html, /<h2 id="live-source-title">/, 'the source beside the draft');
  r = await post(base, `/admin/live-entries/${draft}`, await as('live-rep2'), { version: '1', body: 'الأمم المتحدة ترسل فريق إنقاذ.', key_event: 'فريق أممي' });
  assert.equal(r.status, 303);
  assert.ok(!queue().some((q) => q.body.entry?.id === Number(draft)), 'a draft raises no event');
  r = await post(base, `/admin/live-entries/${draft}/publish`, await as('live-rep2'), {});
  assert.equal(r.status, 303);
  assert.equal(entryRow(draft)[0], 'published');
  r = await post(base, `/admin/live-entries/${draft}/publish`, await as('live-rep2'), {});
  assert.equal(r.status, 409);
  assert.doesNotMatch((await page(base, '/admin/translations', await as('live-rep'))).html, /live-drafts-title/);
  // an entry of a story with no pair cannot be sent
  const lone = await createArticle({ headline: 'A lone live story' });
  await publish(lone);
  assert.equal((await act('live-ed', lone, { do: 'start' })).status, 303);
  const e = await posted('live-rep', lone, 'Only in English.');
  r = await post(base, `/admin/live-entries/${e}/translate`, await as('live-rep'), {});
  assert.equal(r.status, 409);
  assert.match(formError(await r.text()), /no translation in the other edition/);
});

test('end of coverage: no more entries (409, the form kept); webhook events and audit entries', async () => {
  let r = await act('live-ed', en, { do: 'end' });
  assert.equal(r.status, 303);
  r = await act('live-ed', en, { do: 'end' });
  assert.equal(r.status, 409);
  r = await postEntry('live-rep', en, { body: 'One more thing', key_event: 'Late' });
  assert.equal(r.status, 409);
  const html = await r.text();
  assert.match(formError(html), /Coverage has ended/);
  assert.equal(fieldValue(html, 'body'), 'One more thing', 'what was typed kept');
  assert.equal(fieldValue(html, 'key_event'), 'Late');
  const d = await desk('live-rep', en);
  assert.match(d.html, /<strong>Coverage ended<\/strong>/);
  assert.equal(fieldValue(d.html, 'body'), undefined, 'no entry form once ended');
  assert.equal(rows(`SELECT count(*) FROM live_entries WHERE article_id = ${en} AND body_md = 'One more thing'`)[0][0], '0');
  // the webhook queue: each event once per change, with the article and the entry
  const events = queue().filter((q) => q.body.id === en);
  const names = events.map((q) => q.event);
  assert.equal(names[0], 'live.started');
  assert.equal(names.at(-1), 'live.ended');
  for (const ev of ['live.entry.created', 'live.entry.updated', 'live.entry.withdrawn']) assert.ok(names.includes(ev), ev);
  const created = events.find((q) => q.event === 'live.entry.created').body;
  assert.equal(created.id, en);
  assert.equal(created.entry.article_id, en);
  assert.match(created.entry.html, /earthquake/);
  assert.equal(events[0].body.entry, null);
  // the audit log
  const audit = rows("SELECT action, login FROM audit_log WHERE action LIKE 'live.%' ORDER BY id").map(([a, l]) => `${a} ${l}`);
  for (const want of ['live.started live-ed', 'live.entry.posted live-rep', 'live.entry.corrected live-rep', 'live.pinned live-ed',
    'live.unpinned live-ed', 'live.entry.withdrawn live-ed', 'live.entry.translate live-rep', 'live.entry.published live-rep2',
    'live.ended live-ed', 'live.refused live-rep']) assert.ok(audit.includes(want), `${want} in ${audit.join(', ')}`);
});

test('a notice after each change, in the desk', async () => {
  const d = await page(base, `/admin/articles/${ar}/live?done=posted`, await as('live-ed'));
  assert.equal(formNotice(d.html), 'Entry posted.');
});
