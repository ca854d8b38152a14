// Issue 19, the translation desk: "Translate" makes a paired draft in the other edition (the source's
// text to translate over, the section of the same slug, owned by the translator); the editor of a
// translation shows its source beside it and warns when the source changed substantively since the
// translation was last saved (a whitespace- or punctuation-only edit does not count), with the source's
// diff; "Mark as up to date" and a save bring it back; the board (/admin/translations) lists today's
// stories missing their translation, translations out of date and corrections not yet carried to the
// other side, each only to those who may open the articles; hreflang follows every change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSite, startServer, dbExec, unescapeHtml } from '../lib/server.mjs';
import {
  addUser, login, request, post, page, formError, formNotice, editorFields, selectOptions, publicHref,
} from '../lib/newsroom.mjs';

const PW = 'a-long-password';
let dir, srv, base;
const sessions = {};
const sections = {}; // "en:business" -> section id

async function as(name) {
  sessions[name] ??= await login(base, name, PW);
  return sessions[name];
}

/** One SQL value (first column of the first row) from the site's database, as text. */
const sql = (q) => dbExec(dir, q).trim().split('\n')[0].split('\t')[0];

before(async () => {
  dir = demoSite(0);
  addUser(dir, 'ed', 'editor', PW);
  addUser(dir, 'rep', 'reporter', PW);
  addUser(dir, 'rep2', 'reporter', PW);
  srv = await startServer(dir);
  base = srv.base;
  for (const row of dbExec(dir, 'SELECT edition, slug, id FROM sections').trim().split('\n')) {
    const [ed, slug, id] = row.split('\t');
    sections[`${ed}:${slug}`] = id;
  }
});
after(async () => { await srv?.stop(); });

/** Creates an article as `who` (English, Business unless overridden); returns its id. */
async function createArticle(who, overrides = {}) {
  const r = await post(base, '/admin/articles/new', await as(who), {
    version: '0', headline: 'Harbour cranes return to work', standfirst: 'Dockers end a two-week stoppage.',
    body: 'The port reopened on **Monday**.\n\nShips queued overnight.', edition: 'en', section: sections['en:business'],
    slug: '', dateline: 'BEIRUT', bylines: 'Rana Haddad', tags: 'ports', media: '0', caption: '', credit: '',
    translation: '', do: 'save', ...overrides,
  });
  assert.equal(r.status, 303, `create: ${formError(await r.text())}`);
  return Number(/\/admin\/articles\/(\d+)/.exec(r.headers.get('location'))[1]);
}

async function editor(who, id) {
  const p = await page(base, `/admin/articles/${id}`, await as(who));
  assert.equal(p.status, 200, `editor of ${id} as ${who}`);
  return p.html;
}

async function save(who, id, overrides = {}) {
  const f = editorFields(await editor(who, id));
  const r = await post(base, `/admin/articles/${id}`, await as(who), { ...f, ...overrides, do: 'save' });
  assert.equal(r.status, 303, `save ${id}: ${formError(await r.text())}`);
}

async function publish(id) {
  const r = await post(base, `/admin/articles/${id}/status`, await as('ed'), { to: 'publish' });
  assert.equal(r.status, 303, `publish ${id}: ${formError(await r.text())}`);
}

/** Translates article id as `who`; returns the response. */
const translate = async (who, id, fields = {}) => post(base, `/admin/articles/${id}/translate`, await as(who), fields);

/** Translates and returns the new draft's id (asserts the redirect). */
async function translated(who, id) {
  const r = await translate(who, id);
  assert.equal(r.status, 303, `translate ${id}: ${formError(await r.text())}`);
  const m = /^\/admin\/articles\/(\d+)\?notice=translated$/.exec(r.headers.get('location'));
  assert.ok(m, r.headers.get('location'));
  return Number(m[1]);
}

async function board(who) {
  const p = await page(base, '/admin/translations', await as(who));
  assert.equal(p.status, 200);
  return p.html;
}

/** The <section> of the board whose heading has the id. */
const boardPart = (html, id) => new RegExp(`<h2 id="${id}">[\\s\\S]*?</section>`).exec(html)[0];
const outOfDate = (html) => /<section class="source-drift"/.test(html);
const editorLink = (id) => `<a href="/admin/articles/${id}">`;

test('Translate makes a paired draft in the other edition: the source\'s text, the same section, owned by the translator', async () => {
  const src = await createArticle('rep');
  assert.match(await editor('rep', src), /<form class="translate-action" method="post" action="\/admin\/articles\/\d+\/translate">/);
  const id = await translated('rep', src);
  const opened = await page(base, `/admin/articles/${id}?notice=translated`, await as('rep'));
  assert.equal(formNotice(opened.html), 'The translation is made: write over the source\'s text; the source is shown beside the form.');
  const html = await editor('rep', id);
  const f = editorFields(html);
  assert.equal(f.edition, 'ar');
  assert.equal(f.section, sections['ar:business'], 'the Arabic section with the source section\'s slug');
  assert.equal(f.headline, 'Harbour cranes return to work');
  assert.equal(f.standfirst, 'Dockers end a two-week stoppage.');
  assert.equal(f.body, 'The port reopened on **Monday**.\n\nShips queued overnight.');
  assert.equal(f.translation, String(src), 'paired with its source');
  assert.equal(sql(`SELECT u.login || ' ' || a.status || ' ' || a.source_id || ' ' || a.source_version FROM articles a JOIN users u ON u.id = a.owner_id WHERE a.id = ${id}`),
    `rep draft ${src} 1`);
  assert.equal(sql(`SELECT count(DISTINCT translation_group) FROM articles WHERE id IN (${src}, ${id})`), '1');
  // the source beside the editor, in its own language and direction, paragraph by paragraph
  const pane = /<aside class="translation-source"[\s\S]*?<\/aside>/.exec(html)[0];
  assert.match(pane, /<div class="source-text" lang="en" dir="ltr">/);
  assert.match(pane, /<p>The port reopened on Monday\.<\/p>\n<p>Ships queued overnight\.<\/p>/, 'plain text, one paragraph each');
  assert.doesNotMatch(html, /class="translate-action"/, 'a translation has no Translate button');
  assert.doesNotMatch(await editor('rep', src), /class="translate-action"/, 'nor has its source any more');
  assert.ok(!outOfDate(html));
  // an Arabic source: the pane is right to left
  const ar = await createArticle('ed', { edition: 'ar', section: sections['ar:sport'], headline: 'الفريق يفوز بالكأس',
    standfirst: 'فوز في النهائي.', body: 'فاز الفريق **أمس**.\n\nواحتفل الجمهور.' });
  const en = await translated('ed', ar);
  const enHtml = await editor('ed', en);
  assert.equal(editorFields(enHtml).section, sections['en:sport']);
  assert.match(enHtml, /<div class="source-text" lang="ar" dir="rtl">\n<p class="source-headline"><strong>الفريق يفوز بالكأس<\/strong><\/p>/);
});

test('Translate is refused: a source already translated (409, with a link), one the person may not see, the same edition, no token', async () => {
  const src = await createArticle('rep', { headline: 'Library opens late on Fridays' });
  const id = await translated('rep', src);
  const again = await translate('rep', src);
  assert.equal(again.status, 409);
  const html = await again.text();
  assert.equal(formError(html), 'This article already has a translation: open it instead.');
  assert.match(html, new RegExp(`<p class="translation-existing">Its translation: ${editorLink(id)}<bdi lang="ar" dir="rtl">Library opens late on Fridays</bdi></a></p>`));
  assert.equal(sql(`SELECT count(*) FROM articles WHERE translation_group = (SELECT translation_group FROM articles WHERE id = ${src})`), '2');
  // another reporter's draft answers as a number that does not exist
  const hidden = await translate('rep2', src);
  assert.equal(hidden.status, 404);
  assert.match(await hidden.text(), /There is no article with that number to translate\./);
  assert.equal((await translate('rep', 999999)).status, 404);
  const other = await createArticle('rep', { headline: 'Tram line survey begins' });
  const same = await translate('rep', other, { edition: 'en' });
  assert.equal(same.status, 400);
  assert.equal(formError(await same.text()), 'A translation must be in the other edition.');
  const noToken = await post(base, `/admin/articles/${other}/translate`, await as('rep'), { csrf: 'forged' });
  assert.equal(noToken.status, 403);
  assert.equal(sql(`SELECT count(*) FROM articles WHERE translation_group = (SELECT translation_group FROM articles WHERE id = ${other})`), '0',
    'nothing was made');
});

test('drift: a whitespace- or punctuation-only source edit is not; a word change is, with the diff; mark as up to date and a save bring it back', async () => {
  const src = await createArticle('ed', { headline: 'Port dredging to start in spring' });
  await publish(src);
  const tr = await translated('ed', src);
  await save('ed', tr, { headline: 'تجريف الميناء يبدأ في الربيع', body: 'يبدأ العمل **الاثنين**.\n\nوانتظرت السفن.' });
  // whitespace and punctuation only
  const v = Number(sql(`SELECT version FROM articles WHERE id = ${src}`));
  await save('ed', src, { body: 'The  port reopened on **Monday**!\n\n\nShips queued overnight', standfirst: 'Dockers end a two-week stoppage' });
  assert.equal(sql(`SELECT version FROM articles WHERE id = ${src}`), String(v + 1), 'the source was saved');
  assert.ok(!outOfDate(await editor('ed', tr)), 'not out of date after a whitespace-only change');
  assert.doesNotMatch(boardPart(await board('ed'), 'behind-title'), new RegExp(editorLink(tr)));
  // a word changed
  await save('ed', src, { body: 'The port reopened on **Monday**.\n\nShips queued all week.' });
  let html = await editor('ed', tr);
  assert.ok(outOfDate(html), 'out of date after a word change');
  assert.match(html, /<p class="diff-removed"><span class="diff-mark">removed:<\/span> <span lang="en" dir="ltr">Ships queued overnight\.<\/span><\/p>/);
  assert.match(html, /<p class="diff-added"><span class="diff-mark">added:<\/span> <span lang="en" dir="ltr">Ships queued all week\.<\/span><\/p>/);
  const behind = boardPart(await board('ed'), 'behind-title');
  assert.match(behind, new RegExp(`<td><bdi lang="en" dir="ltr">Port dredging to start in spring</bdi> <span class="meta">\\(published\\)</span></td><td>${editorLink(tr)}<bdi lang="ar" dir="rtl">تجريف الميناء يبدأ في الربيع</bdi></a> <span class="meta">\\(draft\\)</span></td>`));
  // mark as up to date
  const mark = await post(base, `/admin/articles/${tr}/up-to-date`, await as('ed'));
  assert.equal(mark.status, 303);
  assert.equal(mark.headers.get('location'), `/admin/articles/${tr}?notice=uptodate`);
  html = await editor('ed', tr);
  assert.ok(!outOfDate(html));
  assert.doesNotMatch(boardPart(await board('ed'), 'behind-title'), new RegExp(editorLink(tr)));
  assert.equal((await post(base, `/admin/articles/${tr}/up-to-date`, await as('ed'), { csrf: 'forged' })).status, 403);
  assert.equal((await post(base, `/admin/articles/${src}/up-to-date`, await as('ed'))).status, 404, 'the source is no translation');
  // out of date again, then a save of the translation brings it back
  await save('ed', src, { headline: 'Port dredging to start in summer' });
  assert.ok(outOfDate(await editor('ed', tr)));
  await save('ed', tr, { headline: 'تجريف الميناء يبدأ في الصيف' });
  assert.ok(!outOfDate(await editor('ed', tr)));
  assert.equal(sql(`SELECT source_version FROM articles WHERE id = ${tr}`), sql(`SELECT version FROM articles WHERE id = ${src}`));
});

test('the board lists today\'s stories missing their translation, with Translate; each person sees only what they may open', async () => {
  const pub = await createArticle('ed', { headline: 'Desalination plant opens ahead of summer' });
  await publish(pub);
  const draft = await createArticle('ed', { headline: 'Unpublished draft stays off the board' });
  const sched = await createArticle('ed', { headline: 'Embargoed budget story' });
  const at = new Date(Math.floor(Date.now() / 1000) * 1000 + 120000);
  const sameDay = at.toISOString().slice(0, 10) === new Date().toISOString().slice(0, 10);
  const r = await post(base, `/admin/articles/${sched}/status`, await as('ed'), { to: 'schedule', at: at.toISOString().slice(0, 19).replace('T', ' ') });
  assert.equal(r.status, 303);
  const edMissing = boardPart(await board('ed'), 'missing-title');
  assert.match(edMissing, new RegExp(`${editorLink(pub)}<bdi lang="en" dir="ltr">Desalination plant opens ahead of summer</bdi></a> <span class="meta">\\(English, published\\)</span>\n<form class="inline-form" method="post" action="/admin/articles/${pub}/translate">`));
  if (sameDay) assert.match(edMissing, /Embargoed budget story/, 'an editor sees today\'s scheduled story');
  assert.doesNotMatch(edMissing, /Unpublished draft stays off the board/);
  const repMissing = boardPart(await board('rep2'), 'missing-title');
  assert.match(repMissing, /Desalination plant opens ahead of summer/, 'published: anyone sees it');
  assert.doesNotMatch(repMissing, /Embargoed budget story/, 'a reporter does not see another\'s schedule');
  // the demo's own: a story published minutes ago without its translation
  assert.match(edMissing, /Night buses to reach the eastern districts from January/);
  // translated from the board: it leaves the list
  const tr = await translated('rep2', pub);
  assert.doesNotMatch(boardPart(await board('ed'), 'missing-title'), /Desalination plant opens ahead of summer/);
  assert.equal(sql(`SELECT u.login FROM articles a JOIN users u ON u.id = a.owner_id WHERE a.id = ${tr}`), 'rep2');
  // out-of-date rows: another reporter's translation draft is not shown to rep
  await save('ed', pub, { headline: 'Desalination plant opens a month early' });
  assert.match(boardPart(await board('ed'), 'behind-title'), new RegExp(editorLink(tr)));
  assert.match(boardPart(await board('rep2'), 'behind-title'), new RegExp(editorLink(tr)), 'its writer sees it');
  assert.doesNotMatch(boardPart(await board('rep'), 'behind-title'), new RegExp(editorLink(tr)), 'another reporter does not');
  assert.equal((await request(base, '/admin/translations')).status, 303, 'anonymous: to the log-in page');
});

test('the demo shows a translation out of date (its source edited after it) on the board and in its editor', async () => {
  const tr = sql('SELECT id FROM articles WHERE source_id IS NOT NULL AND id < 100 ORDER BY id LIMIT 1');
  const behind = boardPart(await board('ed'), 'behind-title');
  assert.match(behind, new RegExp(`${editorLink(tr)}<bdi lang="ar" dir="rtl">`));
  const html = await editor('ed', tr);
  assert.ok(outOfDate(html));
  assert.match(html, /<p class="diff-added"><span class="diff-mark">added:<\/span> <span lang="en" dir="ltr">The central bank kept its main policy rate at 6\.5 percent for a third meeting but/);
});

test('a correction on one side is flagged on the other until the other side is saved', async () => {
  const src = await createArticle('ed', { headline: 'Ferry timetable changes next week' });
  await publish(src);
  const tr = await translated('ed', src);
  await save('ed', tr, { headline: 'تغيير جدول العبّارات الأسبوع المقبل' });
  // the translation was last saved a minute before the correction
  dbExec(dir, `UPDATE article_revisions SET created_at = created_at - 60 WHERE article_id = ${tr}`);
  const c = await post(base, `/admin/articles/${src}/corrections`, await as('ed'), { body: 'The ferry leaves at 9, not 8.' });
  assert.equal(c.status, 303);
  const flags = boardPart(await board('ed'), 'flags-title');
  assert.match(flags, new RegExp(`<tr><td>${editorLink(src)}<bdi lang="en" dir="ltr">Ferry timetable changes next week</bdi></a> <span class="meta">\\(published\\)</span></td><td><time datetime="[^"]+">[^<]+</time></td><td>${editorLink(tr)}<bdi lang="ar" dir="rtl">`));
  assert.doesNotMatch(boardPart(await board('rep'), 'flags-title'), new RegExp(editorLink(tr)), 'a reporter cannot open the draft');
  const html = await editor('ed', tr);
  assert.match(html, new RegExp(`<p class="translation-flag" role="status">A correction was published on the other side of this pair after this article was last saved: ${editorLink(src)}<bdi lang="en" dir="ltr">Ferry timetable changes next week</bdi></a>`));
  assert.doesNotMatch(await editor('ed', src), /class="translation-flag"/, 'not on the corrected side');
  await save('ed', tr, { body: 'تغادر العبّارة في التاسعة.' });
  assert.doesNotMatch(await editor('ed', tr), /class="translation-flag"/, 'carried over: the flag is gone');
  assert.doesNotMatch(boardPart(await board('ed'), 'flags-title'), new RegExp(editorLink(tr)));
});

/** Deletes article id in the store (the newsroom has no delete). SQLite's sqlite3 shell lacks the site's
 * search tokenizer, so the search index's delete trigger is set aside for the statement and put back. */
function deleteArticle(id) {
  if (process.env.BROADSHEET_TEST_DB === 'pg') {
    dbExec(dir, `DELETE FROM articles WHERE id = ${id}`);
    return;
  }
  const trigger = dbExec(dir, "SELECT sql FROM sqlite_master WHERE name = 'articles_fts_ad'").trim();
  dbExec(dir, `PRAGMA foreign_keys = ON; BEGIN; DROP TRIGGER articles_fts_ad; DELETE FROM articles WHERE id = ${id}; ${trigger}; COMMIT;`);
}

/** The hreflang alternates of a reader page: {lang: href}. */
async function alternates(href) {
  const r = await request(base, href);
  assert.equal(r.status, 200, href);
  const html = await r.text();
  const out = {};
  for (const m of html.matchAll(/<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">/g)) out[m[1]] = new URL(unescapeHtml(m[2])).pathname;
  return out;
}

test('hreflang stays right through translate, publish, unpublish, re-pairing and delete', async () => {
  const src = await createArticle('ed', { headline: 'Old souk restoration finished' });
  await publish(src);
  const srcHref = publicHref(await editor('ed', src));
  const before = await alternates(srcHref);
  assert.deepEqual(before, {}, 'no translation yet');
  const tr = await translated('ed', src);
  assert.deepEqual(await alternates(srcHref), {}, 'a draft translation is not announced');
  await save('ed', tr, { headline: 'اكتمال ترميم السوق القديم', slug: '' });
  await publish(tr);
  const trHref = publicHref(await editor('ed', tr));
  const pair = { en: srcHref, ar: trHref, 'x-default': srcHref };
  assert.deepEqual(await alternates(srcHref), pair);
  assert.deepEqual(await alternates(trHref), pair);
  const un = await post(base, `/admin/articles/${tr}/status`, await as('ed'), { to: 'unpublish' });
  assert.equal(un.status, 303);
  assert.deepEqual(await alternates(srcHref), {}, 'unpublished: gone from the source\'s page');
  await post(base, `/admin/articles/${tr}/status`, await as('ed'), { to: 'draft' });
  await publish(tr);
  assert.deepEqual(await alternates(srcHref), pair);
  // re-paired with another Arabic article: the old translation's page no longer points at the source
  const other = await createArticle('ed', { edition: 'ar', section: sections['ar:culture'], headline: 'انتهاء ترميم السوق' });
  await publish(other);
  const otherHref = publicHref(await editor('ed', other));
  await save('ed', src, { translation: String(other) });
  assert.deepEqual(await alternates(srcHref), { en: srcHref, ar: otherHref, 'x-default': srcHref });
  assert.deepEqual(await alternates(otherHref), { en: srcHref, ar: otherHref, 'x-default': srcHref });
  assert.deepEqual(await alternates(trHref), {}, 'the old translation is unpaired');
  assert.equal(sql(`SELECT count(*) FROM articles WHERE id = ${tr} AND translation_group = (SELECT translation_group FROM articles WHERE id = ${src})`), '0');
  // deleted (there is no delete in the newsroom: the store's own): the other side drops the link, and
  // a translation whose source is deleted keeps working without it
  const src2 = await createArticle('ed', { headline: 'Bridge repairs close a lane' });
  await publish(src2);
  const tr2 = await translated('ed', src2);
  deleteArticle(src2);
  assert.equal(sql(`SELECT coalesce(source_id, 0) FROM articles WHERE id = ${tr2}`), '0', 'ON DELETE SET NULL');
  const html = await editor('ed', tr2);
  assert.doesNotMatch(html, /class="translation-source"/);
  assert.match(html, /class="translate-action"/, 'unpaired now: it can be translated');
});
