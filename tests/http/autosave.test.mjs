// Issue 18, autosave: the editor keeps a private unsaved copy of its form on the server
// (POST /admin/articles/{id|new}/autosave), reopening the editor offers it (restore / discard), a
// successful save deletes it, and a save by someone else in between still gives the 409 with the typed
// text kept. The endpoint is CSRF-checked, bounded, refused on its headers without a session, and one
// user's copy is invisible to every other.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSite, startServer, dbExec, rawRequest, statusOf, unescapeHtml } from '../lib/server.mjs';
import {
  addUser, login, post, page, request, fieldValue, selectOptions, formError, formNotice, editorFields,
} from '../lib/newsroom.mjs';

const PW = 'a-long-password';
let dir, srv, base, section;
const sessions = {};

async function as(name) {
  sessions[name] ??= await login(base, name, PW);
  return sessions[name];
}

/** Creates an article as `who` through the editor form; returns its id. */
async function createArticle(who, headline) {
  const r = await post(base, '/admin/articles/new', await as(who), {
    version: '0', headline, standfirst: 'A standfirst.', body: 'The first text.\n', edition: 'en', section,
    slug: '', dateline: '', bylines: 'A Reporter', tags: '', media: '0', caption: '', credit: '', translation: '',
    do: 'save',
  });
  assert.equal(r.status, 303, `create as ${who}: ${formError(await r.text())}`);
  return Number(/^\/admin\/articles\/(\d+)/.exec(r.headers.get('location'))[1]);
}

/** The editor page of `path` for `who`: {status, html}. */
const editor = async (who, path) => page(base, path, await as(who));

/** POSTs an unsaved copy of `fields` as `who` (the session's token unless fields has its own csrf). */
const autosave = async (who, target, fields) => post(base, `/admin/articles/${target}/autosave`, await as(who), fields);

/** The stored copies, "login\tarticle\tfields" lines, sorted. */
const copies = () => dbExec(dir, 'SELECT u.login, a.article_id, a.fields FROM autosaves a JOIN users u ON u.id = a.user_id ORDER BY 1, 2').trim();

/** The offer section of an editor page: {when, restore} or null. */
function offer(html) {
  const m = /<section class="autosave-offer"[\s\S]*?<time datetime="([^"]+)">([^<]+)<\/time>[\s\S]*?<a class="button" href="([^"]+)">/.exec(html);
  return m ? { iso: m[1], when: m[2], restore: unescapeHtml(m[3]) } : null;
}

before(async () => {
  dir = demoSite(0);
  for (const [n, role] of [['ed', 'editor'], ['rep', 'reporter'], ['rep2', 'reporter']]) addUser(dir, n, role, PW);
  srv = await startServer(dir);
  base = srv.base;
  section = selectOptions((await editor('ed', '/admin/articles/new')).html, 'section').find((o) => o.label.startsWith('English'))?.value;
  assert.ok(section, 'an English section');
});

after(async () => { await srv?.stop(); });

test('a copy is kept, offered on reopening, restored with every field, and discarded', async () => {
  const id = await createArticle('rep', 'Harbour cranes return');
  let p = await editor('rep', `/admin/articles/${id}`);
  assert.equal(p.status, 200);
  assert.equal(offer(p.html), null, 'nothing to offer before any copy');
  assert.match(p.html, new RegExp(`data-autosave="/admin/articles/${id}/autosave"`), 'the form names its autosave address');
  const fields = { ...editorFields(p.html), headline: 'Harbour cranes return to work',
    body: 'The port reopened on **Monday**.\n\n\u200Fعاد العمال إلى الميناء صباح الاثنين.\n', tags: 'ports, labour' };
  const r = await autosave('rep', id, fields);
  assert.equal(r.status, 204, await r.text());
  assert.equal(r.headers.get('cache-control'), 'no-store');
  p = await editor('rep', `/admin/articles/${id}`);
  const o = offer(p.html);
  assert.ok(o, 'the editor offers the unsaved copy');
  assert.match(o.iso, /^\d{4}-\d\d-\d\dT/);
  assert.equal(o.restore, `/admin/articles/${id}?autosave=restore`);
  assert.equal(fieldValue(p.html, 'body'), 'The first text.\n', 'the stored text is shown until the copy is restored');
  const restored = await editor('rep', o.restore);
  assert.equal(restored.status, 200);
  assert.match(formNotice(restored.html) ?? '', /unsaved copy from .* is restored/);
  assert.equal(fieldValue(restored.html, 'body'), fields.body, 'the body as typed, with its direction mark');
  assert.equal(fieldValue(restored.html, 'headline'), 'Harbour cranes return to work');
  assert.equal(fieldValue(restored.html, 'tags'), 'ports, labour');
  assert.equal(fieldValue(restored.html, 'version'), fields.version);
  // discard: the page's button (a form, no JavaScript needed) deletes it and returns to the editor
  const d = await autosave('rep', id, { do: 'discard' });
  assert.equal(d.status, 303);
  assert.equal(d.headers.get('location'), `/admin/articles/${id}`);
  assert.equal(offer((await editor('rep', `/admin/articles/${id}`)).html), null, 'nothing offered after discard');
  assert.doesNotMatch(copies(), new RegExp(`^rep\\t${id}\\t`, 'm'));
});

test('a new article\'s copy is offered on the new-article page, and a save deletes it', async () => {
  let p = await editor('rep2', '/admin/articles/new');
  assert.match(p.html, /data-autosave="\/admin\/articles\/new\/autosave"/);
  const fields = { ...editorFields(p.html), section, headline: 'Draft never saved', body: 'Typed before the crash.\n' };
  assert.equal((await autosave('rep2', 'new', fields)).status, 204);
  p = await editor('rep2', '/admin/articles/new');
  const o = offer(p.html);
  assert.ok(o, 'offered on the new-article page');
  const restored = await editor('rep2', o.restore);
  assert.equal(fieldValue(restored.html, 'body'), 'Typed before the crash.\n');
  assert.equal(fieldValue(restored.html, 'headline'), 'Draft never saved');
  const save = await post(base, '/admin/articles/new', await as('rep2'), { ...editorFields(restored.html), do: 'save' });
  assert.equal(save.status, 303, formError(await save.text()));
  assert.doesNotMatch(copies(), /^rep2\t0\t/m, 'the save deleted the copy');
  assert.equal(offer((await editor('rep2', '/admin/articles/new')).html), null);
  // and on an existing article
  const id = Number(/(\d+)/.exec(save.headers.get('location'))[1]);
  p = await editor('rep2', `/admin/articles/${id}`);
  assert.equal((await autosave('rep2', id, { ...editorFields(p.html), body: 'Second thoughts.\n' })).status, 204);
  assert.match(copies(), new RegExp(`^rep2\\t${id}\\t`, 'm'));
  const s2 = await post(base, `/admin/articles/${id}`, await as('rep2'), { ...editorFields(p.html), body: 'Second thoughts.\n', do: 'save' });
  assert.equal(s2.status, 303, formError(await s2.text()));
  assert.doesNotMatch(copies(), new RegExp(`^rep2\\t${id}\\t`, 'm'), 'saving the article deleted its copy');
});

test('the CSRF token is required (form field or X-CSRF-Token header)', async () => {
  const id = await createArticle('rep', 'Token checks');
  const s = await as('rep');
  const body = { headline: 'Forged', body: 'Forged text.\n' };
  let r = await request(base, `/admin/articles/${id}/autosave`, { session: s, form: body });
  assert.equal(r.status, 403, 'no token');
  r = await request(base, `/admin/articles/${id}/autosave`, { session: s, form: { ...body, csrf: 'x'.repeat(43) } });
  assert.equal(r.status, 403, 'a wrong token');
  assert.doesNotMatch(copies(), new RegExp(`^rep\\t${id}\\t`, 'm'), 'nothing kept without the token');
  r = await request(base, `/admin/articles/${id}/autosave`, { session: s, form: body, headers: { 'x-csrf-token': s.csrf } });
  assert.equal(r.status, 204, 'the header token (fetch, sendBeacon cannot set it but sends the form field)');
  assert.match(copies(), new RegExp(`^rep\\t${id}\\theadline=Forged&body=Forged%20text\\.%0A$`, 'm'));
});

test('sizes are bounded and a request without a session is refused before its body is read', async () => {
  const id = await createArticle('rep', 'Size checks');
  let r = await autosave('rep', id, { headline: 'Big', body: 'x'.repeat(256 * 1024 + 1) });
  assert.equal(r.status, 413);
  assert.match(await r.text(), /unsaved copy was not kept: its body is over 256 KB/);
  r = await autosave('rep', id, { headline: 'h'.repeat(4001), body: 'small' });
  assert.equal(r.status, 413);
  assert.match(await r.text(), /its headline is over/);
  assert.doesNotMatch(copies(), new RegExp(`^rep\\t${id}\\t`, 'm'), 'nothing kept');
  // headers only, a body announced but never sent: the refusal comes at once (the server does not wait)
  const raw = await rawRequest(srv.port, `POST /admin/articles/${id}/autosave HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
    'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 500000\r\n\r\n', { waitMs: 5000 });
  assert.equal(statusOf(raw.text), 403, raw.text.slice(0, 200));
  // a body over the server's limit is refused by its Content-Length
  const big = await rawRequest(srv.port, `POST /admin/articles/${id}/autosave HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
    `Cookie: bs_session=${(await as('rep')).cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
    'Content-Length: 50000000\r\n\r\n', { waitMs: 5000 });
  assert.equal(statusOf(big.text), 413, big.text.slice(0, 200));
});

test('another user\'s copy is invisible, and another reporter\'s article takes none', async () => {
  const id = await createArticle('rep', 'Private copies');
  const p = await editor('rep', `/admin/articles/${id}`);
  assert.equal((await autosave('rep', id, { ...editorFields(p.html), body: 'Only mine.\n' })).status, 204);
  assert.equal((await autosave('rep', 'new', { headline: 'My new one', body: 'Mine too.\n' })).status, 204);
  const ed = await editor('ed', `/admin/articles/${id}`);
  assert.equal(ed.status, 200);
  assert.equal(offer(ed.html), null, 'the editor is not offered the reporter\'s copy');
  assert.doesNotMatch(ed.html, /Only mine/);
  const edRestore = await editor('ed', `/admin/articles/${id}?autosave=restore`);
  assert.doesNotMatch(edRestore.html, /Only mine/, 'nor can restore it');
  const edNew = await editor('ed', '/admin/articles/new?autosave=restore');
  assert.doesNotMatch(edNew.html, /Mine too/);
  assert.equal(offer(edNew.html), null);
  // rep2 may not edit rep's draft: no copy of it either
  const r = await autosave('rep2', id, { body: 'Intruder.\n' });
  assert.equal(r.status, 403);
  assert.doesNotMatch(copies(), /Intruder/);
  // discard by another user touches only their own (none)
  assert.equal((await autosave('ed', id, { do: 'discard' })).status, 303);
  assert.match(copies(), new RegExp(`^rep\\t${id}\\t.*Only%20mine`, 'm'));
  assert.equal((await autosave('rep', 987654321, { body: 'x' })).status, 404);
});

test('a copy restored after someone else saved still gets the 409 with the typed text kept', async () => {
  const id = await createArticle('rep', 'Two hands');
  const mine = await editor('rep', `/admin/articles/${id}`);
  const myFields = { ...editorFields(mine.html), body: 'My version of the story.\n' };
  assert.equal((await autosave('rep', id, myFields)).status, 204);
  // the editor saves meanwhile
  const theirs = await editor('ed', `/admin/articles/${id}`);
  const s = await post(base, `/admin/articles/${id}`, await as('ed'), { ...editorFields(theirs.html), body: 'The desk\'s version.\n', do: 'save' });
  assert.equal(s.status, 303, formError(await s.text()));
  const reopened = await editor('rep', `/admin/articles/${id}`);
  assert.match(reopened.html, /the article has been saved since then \(it is now version 2\)/);
  const restored = await editor('rep', offer(reopened.html).restore);
  assert.equal(fieldValue(restored.html, 'version'), '1', 'the copy keeps the version it was made from');
  const save = await post(base, `/admin/articles/${id}`, await as('rep'), { ...editorFields(restored.html), do: 'save' });
  assert.equal(save.status, 409);
  const html = await save.text();
  assert.match(formError(html), /someone else saved this article/);
  assert.equal(fieldValue(html, 'body'), 'My version of the story.\n', 'the typed text is kept');
  assert.match(html, /href="\/admin\/articles\/\d+\/history"/, 'the other text is one click away (History)');
  assert.match(copies(), new RegExp(`^rep\\t${id}\\t`, 'm'), 'a refused save keeps the copy');
  assert.equal(dbExec(dir, `SELECT body_md FROM articles WHERE id = ${id}`).trim(), 'The desk\'s version.');
});
