// Issue 18, pickers: the editor's lead image and translation are found by typing (a headline in either
// edition; an image's alt text or caption) through GET /admin/pick/articles?q=&edition= and
// /admin/pick/media?q=. Only the newsroom's writing roles may ask, and an article is listed only when the
// editor's own rule lets the user see it (what they may edit, their own work, what is published): a
// picker must not tell a reporter the headline of another writer's draft (issue 16 item 2's leak).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSite, startServer, dbExec } from '../lib/server.mjs';
import { addUser, login, page, post, request, selectOptions, formError } from '../lib/newsroom.mjs';
import { png } from '../lib/png.mjs';

const PW = 'a-long-password';
let dir, srv, editor, reporter, other, moderator, sections;
const ids = {};

before(async () => {
  dir = demoSite(0);
  addUser(dir, 'deskeditor', 'editor', PW);
  addUser(dir, 'rep1', 'reporter', PW);
  addUser(dir, 'rep2', 'reporter', PW);
  addUser(dir, 'mod1', 'moderator', PW);
  srv = await startServer(dir);
  [editor, reporter, other, moderator] = await Promise.all(['deskeditor', 'rep1', 'rep2', 'mod1'].map((u) => login(srv.base, u, PW)));
  const ed = await page(srv.base, '/admin/articles/new', editor);
  const opts = selectOptions(ed.html, 'section');
  sections = { en: opts.find((o) => o.label.startsWith('English: ')).value, ar: opts.find((o) => !o.label.startsWith('English: ')).value };
  ids.enPub = await article(editor, 'en', 'Harbour Cranes Return to Beirut Port');
  assert.equal((await post(srv.base, `/admin/articles/${ids.enPub}/status`, editor, { to: 'publish' })).status, 303);
  ids.arPub = await article(editor, 'ar', 'عودة الرافعات إلى مرفأ بيروت');
  assert.equal((await post(srv.base, `/admin/articles/${ids.arPub}/status`, editor, { to: 'publish' })).status, 303);
  ids.mine = await article(reporter, 'en', 'Harbour workers strike draft by rep1');
  ids.theirs = await article(other, 'en', 'Harbour embargoed scoop by rep2');
  ids.wild = await article(editor, 'en', 'Rates rise 100% in a_b test');
});

after(async () => {
  await srv?.stop();
});

/** Creates an article as session s; returns its id. */
async function article(s, edition, headline) {
  const r = await post(srv.base, '/admin/articles/new', s, {
    version: '0', headline, standfirst: 'Standfirst.', body: 'Text.', edition, section: sections[edition],
    slug: '', dateline: '', bylines: 'Staff', tags: '', media: '', caption: '', credit: '', translation: '', do: 'save',
  });
  assert.equal(r.status, 303, `create ${headline}: ${formError(await r.text())}`);
  return Number(/^\/admin\/articles\/(\d+)/.exec(r.headers.get('location'))[1]);
}

/** GETs a picker as s; returns {status, type, body}. */
async function pick(s, kind, params) {
  const r = await request(srv.base, `/admin/pick/${kind}?${new URLSearchParams(params)}`, { session: s });
  const text = await r.text();
  let body;
  try { body = JSON.parse(text); } catch { body = text; }
  return { status: r.status, type: r.headers.get('content-type'), cache: r.headers.get('cache-control'), body };
}

const idsOf = (res) => res.body.articles.map((a) => a.id).sort((x, y) => x - y);

test('articles are found by part of their headline, in either edition, case aside', async () => {
  const r = await pick(editor, 'articles', { q: 'harbour CRANES' });
  assert.equal(r.status, 200);
  assert.match(r.type, /^application\/json/);
  assert.equal(r.cache, 'no-store');
  assert.deepEqual(r.body.articles, [{ id: ids.enPub, headline: 'Harbour Cranes Return to Beirut Port', edition: 'en', status: 'published' }]);
  const ar = await pick(editor, 'articles', { q: 'الرافعات', edition: 'ar' });
  assert.deepEqual(idsOf(ar), [ids.arPub], 'an Arabic headline');
  assert.deepEqual(idsOf(await pick(editor, 'articles', { q: 'الرافعات', edition: 'en' })), [], 'the edition filter');
  assert.deepEqual(idsOf(await pick(editor, 'articles', { q: String(ids.arPub) })), [ids.arPub], 'by number');
  assert.deepEqual(idsOf(await pick(editor, 'articles', { q: '' })), [], 'nothing for nothing typed');
  // LIKE's wildcards are text
  assert.deepEqual(idsOf(await pick(editor, 'articles', { q: '100% in a_b' })), [ids.wild]);
  assert.deepEqual(idsOf(await pick(editor, 'articles', { q: '100x in a_b' })), [], '% is no wildcard');
  assert.deepEqual(idsOf(await pick(editor, 'articles', { q: '100% in aXb' })), [], '_ is no wildcard');
  for (const q of ['%', '_']) {
    const all = (await pick(editor, 'articles', { q })).body.articles;
    assert.ok(all.some((a) => a.id === ids.wild), `${q} finds the headline holding it`);
    assert.ok(all.every((a) => a.headline.includes(q)), `${q} matches only headlines holding it`);
  }
});

test('a picker lists only what the user may see: a reporter never learns another writer\'s draft', async () => {
  // the demo's own stories (made before this file's) may mention a harbour too: only this file's count here
  const own = (r) => idsOf(r).filter((id) => id >= ids.enPub);
  assert.deepEqual(own(await pick(editor, 'articles', { q: 'harbour' })), [ids.enPub, ids.mine, ids.theirs].sort((x, y) => x - y),
    'an editor sees every status');
  const rep = await pick(reporter, 'articles', { q: 'harbour' });
  assert.deepEqual(own(rep), [ids.enPub, ids.mine].sort((x, y) => x - y), 'rep1: the published one and their own draft');
  assert.ok(!JSON.stringify(rep.body).includes('embargoed'), 'not even the headline of rep2\'s draft');
  assert.deepEqual(idsOf(await pick(reporter, 'articles', { q: String(ids.theirs) })), [], 'nor by its number');
  assert.deepEqual(own(await pick(other, 'articles', { q: 'harbour' })), [ids.enPub, ids.theirs].sort((x, y) => x - y));
});

test('pickers need a writing role and a session; bad parameters get a 400 in JSON', async () => {
  assert.equal((await pick(moderator, 'articles', { q: 'harbour' })).status, 403, 'a moderator');
  assert.equal((await pick(moderator, 'media', { q: 'x' })).status, 403);
  const anon = await request(srv.base, '/admin/pick/articles?q=harbour');
  assert.ok([302, 303, 401, 403].includes(anon.status), `anonymous: ${anon.status}`);
  assert.ok(!(await anon.text()).includes('Harbour'), 'nothing leaks to anonymous');
  assert.equal((await pick(editor, 'articles', { q: 'x'.repeat(201) })).status, 400);
  const bad = await pick(editor, 'articles', { q: 'harbour', edition: 'fr' });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /edition/);
  // a cross-site page cannot read the answers: no CORS header lets it
  const r = await request(srv.base, '/admin/pick/articles?q=harbour', { session: editor, headers: { origin: 'https://evil.example' } });
  assert.equal(r.headers.get('access-control-allow-origin'), null);
});

test('images are found by alt text or caption, or by number', async () => {
  const fd = new FormData();
  fd.set('alt', 'Cranes over the harbour at dusk');
  fd.set('file', new Blob([png(400, 300)]), 'cranes.png');
  const r = await fetch(`${srv.base}/admin/media?csrf=${editor.csrf}`, { method: 'POST', body: fd, headers: { cookie: `bs_session=${editor.cookie}` }, redirect: 'manual' });
  assert.equal(r.status, 303);
  const id = Number(/uploaded=(\d+)/.exec(r.headers.get('location'))[1]);
  dbExec(dir, `UPDATE media SET caption = 'Dockers return to work' WHERE id = ${id}`);
  for (const q of ['CRANES over', 'dockers', String(id)]) {
    const m = await pick(reporter, 'media', { q });
    assert.equal(m.status, 200);
    assert.deepEqual(m.body.media.map((x) => x.id), [id], q);
  }
  const m = (await pick(reporter, 'media', { q: 'dusk' })).body.media[0];
  assert.equal(m.alt, 'Cranes over the harbour at dusk');
  assert.equal(m.caption, 'Dockers return to work');
  assert.match(m.thumb, /^\/media\/\d{4}\/\d\d\/[0-9a-f]{32}-320\.webp$/);
  assert.deepEqual((await pick(reporter, 'media', { q: 'nothing like it' })).body.media, []);
});

test('the editor form marks its lead image and translation fields for the picker and loads its script', async () => {
  const ed = await page(srv.base, '/admin/articles/new', reporter);
  assert.match(ed.html, /<select id="media" name="media" data-pick="media"/);
  assert.match(ed.html, /<input id="translation" name="translation"[^>]* data-pick="articles" data-pick-other-edition="edition"/);
  assert.match(ed.html, /<script src="\/static\/picker\.js\?v=[0-9a-f]{8}" defer><\/script>/);
  const js = await fetch(`${srv.base}/static/picker.js`);
  assert.equal(js.status, 200);
  assert.match(await js.text(), /role', 'combobox'/);
});
