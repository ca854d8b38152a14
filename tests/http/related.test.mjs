// Issue 18, related stories: an ordered list of up to six articles per article, chosen in the editor
// (the picker writes "#id headline" lines into the related field; without JavaScript the field takes one
// story a line, by number or whole headline), saved with the article in its transaction, shown on the
// reader's page as "Related" (only published stories of the same edition, in order; Arabic label in the
// ar edition), in the JSON API article and in the static export. A hidden article (another writer's
// draft) may not be named by a reporter and is kept, unnamed, when a reporter saves the list; bad lines
// are refused with 400 and the typed text kept; the page cache is purged when a related story changes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { demoSite, startServer, configure, run, tempDir, unescapeHtml } from '../lib/server.mjs';
import { addUser, login, page, post, selectOptions, formError, fieldValue, editorFields, publicHref } from '../lib/newsroom.mjs';

const PW = 'a-long-password';
let dir, srv, editor, reporter, other, boss, sections;
const ids = {};

before(async () => {
  dir = demoSite(0);
  // the export test blocks this process in spawnSync: kept-alive connections must outlive it as idle
  // (the demo's export grew past the default 30-second idle timeout under ASan: 'fetch failed' next)
  configure(dir, { cache_mb: 16, connection_timeout: 600 });
  addUser(dir, 'deskeditor', 'editor', PW);
  addUser(dir, 'rep1', 'reporter', PW);
  addUser(dir, 'rep2', 'reporter', PW);
  addUser(dir, 'boss', 'admin', PW);
  srv = await startServer(dir);
  boss = await login(srv.base, 'boss', PW);
  [editor, reporter, other] = await Promise.all(['deskeditor', 'rep1', 'rep2'].map((u) => login(srv.base, u, PW)));
  const ed = await page(srv.base, '/admin/articles/new', editor);
  const opts = selectOptions(ed.html, 'section');
  const en = opts.filter((o) => o.label.startsWith('English: '));
  // en2: another section, so that a change to a story there purges the main story's page only through
  // the related list (the page also shows its own section's latest when none are chosen)
  sections = { en: en[0].value, en2: en[1].value, ar: opts.find((o) => !o.label.startsWith('English: ')).value };
  ids.main = await article(editor, 'en', 'Main story about the harbour');
  for (let i = 1; i <= 7; i++) ids[`p${i}`] = await article(editor, 'en', `Published side story ${i}`, i === 5 ? sections.en2 : undefined);
  for (let i = 1; i <= 7; i++) await publish(ids[`p${i}`]);
  await publish(ids.main);
  ids.draft = await article(editor, 'en', 'Unpublished side story', sections.en2);
  ids.theirs = await article(other, 'en', 'Embargoed scoop by rep2');
  ids.mine = await article(reporter, 'en', 'Draft by rep1');
  ids.ar = await article(editor, 'ar', 'قصة عربية منشورة');
  await publish(ids.ar);
  ids.arMain = await article(editor, 'ar', 'القصة الرئيسية');
  ids.ar2 = await article(editor, 'ar', 'قصة عربية ثانية');
  await publish(ids.ar2);
  await publish(ids.arMain);
});

after(async () => {
  await srv?.stop();
});

/** The editor form's fields for a new article, with over. */
function fields(edition, headline, over = {}) {
  return {
    version: '0', headline, standfirst: 'Standfirst.', body: 'Text.', edition, section: sections[edition],
    slug: '', dateline: '', bylines: 'Staff', tags: '', media: '', caption: '', credit: '', translation: '', do: 'save', ...over,
  };
}

/** Creates an article as session s; returns its id. */
async function article(s, edition, headline, section) {
  const r = await post(srv.base, '/admin/articles/new', s, fields(edition, headline, section ? { section } : {}));
  assert.equal(r.status, 303, `create ${headline}: ${formError(await r.text())}`);
  return Number(/^\/admin\/articles\/(\d+)/.exec(r.headers.get('location'))[1]);
}

async function publish(id, to = 'publish') {
  const r = await post(srv.base, `/admin/articles/${id}/status`, editor, { to });
  assert.equal(r.status, 303, `${to} ${id}`);
}

/** Saves article id as session s with the related field `related` (the other fields as loaded). */
async function saveRelated(s, id, related) {
  const ed = await page(srv.base, `/admin/articles/${id}`, s);
  const r = await post(srv.base, `/admin/articles/${id}`, s, { ...editorFields(ed.html), related, do: 'save' });
  return { status: r.status, html: r.status === 303 ? '' : await r.text() };
}

/** The public page of a published article, anonymously: {status, html, cache}. */
async function reader(id) {
  const ed = await page(srv.base, `/admin/articles/${id}`, editor);
  const href = publicHref(ed.html);
  assert.ok(href, `article ${id} is public`);
  const r = await fetch(srv.base + href);
  return { status: r.status, html: await r.text(), cache: r.headers.get('x-cache'), href };
}

/** The "Related" section's heading and its story headlines, in order, or null when there is none. */
function relatedOf(html) {
  const m = /<section class="related"[^>]*>\s*<h2[^>]*>([^<]*)<\/h2>([\s\S]*?)<\/section>/.exec(html);
  if (!m) return null;
  const heads = [...m[2].matchAll(/<h3[^>]*>\s*<a[^>]*>([^<]*)<\/a>/g)].map((x) => unescapeHtml(x[1]));
  return { label: unescapeHtml(m[1]), heads };
}

test('related stories set through the form show on the page in order; the editor shows them by number and headline', async () => {
  const r = await saveRelated(editor, ids.main, `#${ids.p3} Published side story 3\r\n${ids.p1}\r\nPublished side story 2`);
  assert.equal(r.status, 303, formError(r.html));
  const ed = await page(srv.base, `/admin/articles/${ids.main}`, editor);
  assert.equal(fieldValue(ed.html, 'related'),
    `#${ids.p3} Published side story 3\n#${ids.p1} Published side story 1\n#${ids.p2} Published side story 2`);
  assert.match(ed.html, /<textarea id="related" name="related"[^>]*data-pick="articles"[^>]*data-pick-multi="6"/);
  const p = await reader(ids.main);
  assert.equal(p.status, 200);
  assert.deepEqual(relatedOf(p.html), { label: 'Related', heads: ['Published side story 3', 'Published side story 1', 'Published side story 2'] });
});

test('an unpublished related story is hidden from readers, and appears once published (the cached page is purged)', async () => {
  assert.equal((await saveRelated(editor, ids.main, `#${ids.draft}\n#${ids.p4}`)).status, 303);
  await reader(ids.main);
  const warm = await reader(ids.main);
  assert.equal(warm.cache, 'hit', 'the page is served from the cache');
  assert.deepEqual(relatedOf(warm.html).heads, ['Published side story 4']);
  await publish(ids.draft);
  const after1 = await reader(ids.main);
  assert.deepEqual(relatedOf(after1.html).heads, ['Unpublished side story', 'Published side story 4'], 'published: it joins the list');
  await reader(ids.main);
  await publish(ids.p4, 'unpublish');
  assert.deepEqual(relatedOf((await reader(ids.main)).html).heads, ['Unpublished side story'], 'taken down: it leaves the list');
  await publish(ids.p4);
});

test('an edit of a related story\'s headline purges the pages listing it', async () => {
  assert.equal((await saveRelated(editor, ids.main, `#${ids.p5}`)).status, 303);
  await reader(ids.main);
  assert.equal((await reader(ids.main)).cache, 'hit');
  const ed = await page(srv.base, `/admin/articles/${ids.p5}`, editor);
  const r = await post(srv.base, `/admin/articles/${ids.p5}`, editor, { ...editorFields(ed.html), headline: 'Side story five, renamed', do: 'save' });
  assert.equal(r.status, 303);
  assert.deepEqual(relatedOf((await reader(ids.main)).html).heads, ['Side story five, renamed']);
});

test('a related story moved to the other edition and back: the listing page follows it (purged through the list)', async () => {
  // while in the other edition p5 is not shown, so the listing page no longer depends on p5's own page;
  // only the purge of the articles listing p5 (cache_keys.c) brings it back when it returns
  assert.equal((await saveRelated(editor, ids.main, `#${ids.p5}`)).status, 303);
  const move = async (edition, section) => {
    const ed = await page(srv.base, `/admin/articles/${ids.p5}`, editor);
    const r = await post(srv.base, `/admin/articles/${ids.p5}`, editor, { ...editorFields(ed.html), edition, section, do: 'save' });
    assert.equal(r.status, 303, formError(await r.text()));
  };
  await move('ar', sections.ar);
  // the listing article still saves as loaded: a story already listed is not refused for having moved
  const listed = fieldValue((await page(srv.base, `/admin/articles/${ids.main}`, editor)).html, 'related');
  assert.equal(listed, `#${ids.p5} Side story five, renamed`);
  const kept = await saveRelated(editor, ids.main, listed);
  assert.equal(kept.status, 303, formError(kept.html));
  await reader(ids.main);
  const gone = await reader(ids.main);
  assert.equal(gone.cache, 'hit');
  assert.equal(relatedOf(gone.html)?.heads.includes('Side story five, renamed'), false, 'not shown while in the other edition');
  await move('en', sections.en2);
  assert.deepEqual(relatedOf((await reader(ids.main)).html).heads, ['Side story five, renamed'], 'shown again at once');
});

test('at most six related stories: a seventh is refused with 400 and the typed text kept', async () => {
  const seven = [1, 2, 3, 4, 5, 6, 7].map((i) => `#${ids[`p${i}`]}`).join('\n');
  const r = await saveRelated(editor, ids.main, seven);
  assert.equal(r.status, 400);
  assert.match(formError(r.html), /At most 6 related stories/);
  assert.equal(fieldValue(r.html, 'related'), seven, 'the typed text is kept');
  assert.match(r.html, /<textarea id="related"[^>]*aria-invalid="true"/);
  const six = [1, 2, 3, 4, 6, 7].map((i) => `#${ids[`p${i}`]}`).join('\n');
  assert.equal((await saveRelated(editor, ids.main, six)).status, 303);
  assert.equal(relatedOf((await reader(ids.main)).html).heads.length, 6);
});

test('bad lines are refused with 400 naming the problem, the typed text kept and nothing saved', async () => {
  assert.equal((await saveRelated(editor, ids.main, `#${ids.p1}`)).status, 303);
  const cases = [
    [`#${ids.p2}\n#999999`, /no article number 999999/],
    ['No such headline anywhere', /No article in this edition has the headline "No such headline anywhere"/],
    [`#${ids.main}`, /its own related story/],
    [`#${ids.p2}\n${ids.p2}`, new RegExp(`Article ${ids.p2} is listed twice`)],
    [`#${ids.ar}`, /other edition/],
    ['#0', /no article number 0/],
    ['#99999999999999999999', /No article in this edition has the headline/],
    ['x'.repeat(4001), /too long/],
  ];
  for (const [text, want] of cases) {
    const r = await saveRelated(editor, ids.main, text);
    assert.equal(r.status, 400, `${text.slice(0, 40)}: 400`);
    assert.match(formError(r.html), want, text.slice(0, 40));
    assert.equal(fieldValue(r.html, 'related'), text, 'the typed text is kept');
  }
  const ed = await page(srv.base, `/admin/articles/${ids.main}`, editor);
  assert.equal(fieldValue(ed.html, 'related'), `#${ids.p1} Published side story 1`, 'the stored list is unchanged');
});

test('a reporter cannot name a draft they may not see, and a save keeps the hidden stories an editor chose', async () => {
  // the reporter's own draft: they may name another writer's draft neither by number nor by headline
  const byNumber = await saveRelated(reporter, ids.mine, `#${ids.theirs}`);
  assert.equal(byNumber.status, 400);
  assert.doesNotMatch(byNumber.html, /Embargoed scoop/, 'the hidden headline is not told');
  assert.equal(fieldValue(byNumber.html, 'related'), `#${ids.theirs}`);
  const missing = await saveRelated(reporter, ids.mine, '#999999');
  assert.equal(formError(byNumber.html).replace(String(ids.theirs), 'N'), formError(missing.html).replace('999999', 'N'),
    'a hidden article answers exactly as a missing number');
  const byHeadline = await saveRelated(reporter, ids.mine, 'Embargoed scoop by rep2');
  const noHeadline = await saveRelated(reporter, ids.mine, 'Embargoed scoop by rep9');
  assert.equal(byHeadline.status, 400);
  assert.equal(fieldValue(byHeadline.html, 'related'), 'Embargoed scoop by rep2');
  assert.equal(formError(byHeadline.html).replace('rep2', 'repN'), formError(noHeadline.html).replace('rep9', 'repN'),
    'a hidden headline answers exactly as one that does not exist');
  // an editor lists rep2's draft on rep1's draft; rep1 does not see it in the field, and their save keeps it
  assert.equal((await saveRelated(editor, ids.mine, `#${ids.theirs}\n#${ids.p1}`)).status, 303);
  const ed = await page(srv.base, `/admin/articles/${ids.mine}`, reporter);
  assert.equal(fieldValue(ed.html, 'related'), `#${ids.p1} Published side story 1`);
  assert.doesNotMatch(ed.html, /Embargoed scoop/);
  assert.equal((await saveRelated(reporter, ids.mine, `#${ids.p2}`)).status, 303);
  const ed2 = await page(srv.base, `/admin/articles/${ids.mine}`, editor);
  assert.equal(fieldValue(ed2.html, 'related'), `#${ids.p2} Published side story 2\n#${ids.theirs} Embargoed scoop by rep2`);
});

test('a stale version gives the 409 with the typed related stories kept', async () => {
  const ed = await page(srv.base, `/admin/articles/${ids.p7}`, editor);
  assert.equal((await saveRelated(editor, ids.p7, `#${ids.p6}`)).status, 303);
  const r = await post(srv.base, `/admin/articles/${ids.p7}`, editor, { ...editorFields(ed.html), related: `#${ids.p1}`, do: 'save' });
  assert.equal(r.status, 409);
  assert.equal(fieldValue(await r.text(), 'related'), `#${ids.p1}`);
  const now = await page(srv.base, `/admin/articles/${ids.p7}`, editor);
  assert.equal(fieldValue(now.html, 'related'), `#${ids.p6} Published side story 6`, 'the stale form did not write its list');
});

test('the Arabic edition labels the list in Arabic; Arabic headlines are found by their whole text', async () => {
  const r = await saveRelated(editor, ids.arMain, 'قصة عربية ثانية');
  assert.equal(r.status, 303, formError(r.html));
  const p = await reader(ids.arMain);
  assert.deepEqual(relatedOf(p.html), { label: 'أخبار ذات صلة', heads: ['قصة عربية ثانية'] });
});

test('the JSON API article lists the related stories readers see: ids, headlines and links', async () => {
  assert.equal((await saveRelated(editor, ids.main, `#${ids.p2}\n#${ids.p1}\n#${ids.theirs}`)).status, 303);
  const r = await fetch(`${srv.base}/api/v1/articles/${ids.main}`);
  assert.equal(r.status, 200);
  const doc = await r.json();
  const art = doc.article || doc;
  assert.deepEqual(art.related.map((x) => x.id), [ids.p2, ids.p1], 'published ones only, in order');
  assert.equal(art.related[0].headline, 'Published side story 2');
  const p2 = await (await fetch(`${srv.base}/api/v1/articles/${ids.p2}`)).json();
  assert.equal(art.related[0].url, (p2.article || p2).url);
  const none = await (await fetch(`${srv.base}/api/v1/articles/${ids.p6}`)).json();
  assert.deepEqual((none.article || none).related, []);
});

test('the static export shows the related stories on the article page', async () => {
  assert.equal((await saveRelated(editor, ids.main, `#${ids.p3}`)).status, 303);
  const href = (await reader(ids.main)).href; // before the export: spawnSync blocks this process (idle connections)
  const out = path.join(tempDir(), 'out');
  const r = run(['export', '--site', dir, '--jobs', '1', out]);
  assert.equal(r.status, 0, r.stderr);
  const file = [path.join(out, href, 'index.html'), path.join(out, `${href}.html`), path.join(out, href)].find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
  assert.ok(file, `the export has ${href}`);
  assert.deepEqual(relatedOf(fs.readFileSync(file, 'utf8')).heads, ['Published side story 3']);
});

/** An admin API key with read and write scopes (made in the newsroom by the admin). */
async function apiKey() {
  const form = new URLSearchParams({ csrf: boss.csrf, name: 'related', days: '30' });
  for (const sc of ['read', 'write']) form.append('scope', sc);
  const r = await fetch(`${srv.base}/admin/api-keys`, { method: 'POST', body: form, headers: { cookie: `bs_session=${boss.cookie}` }, redirect: 'manual' });
  const m = /<code class="token">(bsk_[0-9a-f]{64})<\/code>/.exec(await r.text());
  assert.ok(m, 'a key is made');
  return m[1];
}

test('the admin API reads and sets related_ids with the same checks; an update without it keeps the list', async () => {
  const key = await apiKey();
  const call = async (method, p, body) => {
    const r = await fetch(srv.base + p, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, json: await r.json() };
  };
  assert.equal((await saveRelated(editor, ids.p6, `#${ids.p1}\n#${ids.p2}`)).status, 303);
  let g = await call('GET', `/api/v1/admin/articles/${ids.p6}`);
  assert.equal(g.status, 200);
  assert.deepEqual(g.json.article.related_ids, [ids.p1, ids.p2]);
  // an update of another field keeps the list
  let u = await call('PUT', `/api/v1/admin/articles/${ids.p6}`, { version: g.json.article.version, standfirst: 'New standfirst.' });
  assert.equal(u.status, 200, JSON.stringify(u.json));
  assert.deepEqual(u.json.article.related_ids, [ids.p1, ids.p2]);
  u = await call('PUT', `/api/v1/admin/articles/${ids.p6}`, { version: u.json.article.version, related_ids: [ids.p3, ids.p1] });
  assert.equal(u.status, 200, JSON.stringify(u.json));
  assert.deepEqual(u.json.article.related_ids, [ids.p3, ids.p1]);
  for (const bad of [[ids.p1, 'x'], [1, 2, 3, 4, 5, 6, 7], [0], '1,2']) { // the JSON's shape
    const r = await call('PUT', `/api/v1/admin/articles/${ids.p6}`, { version: u.json.article.version, related_ids: bad });
    assert.equal(r.status, 400, JSON.stringify(bad));
    assert.match(r.json.error.message, /'related_ids' must be an array of at most 6 article numbers/);
  }
  for (const [bad, why] of [[[999999], /no article number 999999/], [[ids.ar], /other edition/], [[ids.p6], /its own related story/]]) {
    const r = await call('PUT', `/api/v1/admin/articles/${ids.p6}`, { version: u.json.article.version, related_ids: bad });
    assert.equal(r.status, 400, JSON.stringify(bad));
    assert.equal(r.json.error.field, 'related_ids', JSON.stringify(r.json));
    assert.match(r.json.error.message, why);
  }
  g = await call('GET', `/api/v1/admin/articles/${ids.p6}`);
  assert.deepEqual(g.json.article.related_ids, [ids.p3, ids.p1], 'nothing refused was stored');
});
