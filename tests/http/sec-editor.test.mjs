// Issue 16, items 2, 6 and 12: the article editor and the admin API.
//  2. The translation field applies the article's own visibility: a reporter learns nothing from it about
//     an article they may not open (the answer for it is the answer for a number that does not exist), and
//     a link made by one article never takes over another's pair.
//  6. A lead image (and the other ids a form or the API names) that does not exist is a 400 naming the
//     field with everything typed kept, never a 500.
// 12. Publication, schedule and take-down times outside a sane window (before 1990, more than ten years
//     ahead) are a 400 naming the field; nothing changes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSite, startServer, dbExec } from '../lib/server.mjs';
import {
  addUser, login, post, page, fieldValue, selectOptions, formError, editorFields, utcText,
} from '../lib/newsroom.mjs';

const PW = 'a-long-password';
const MISSING = 987654321; // an article (and image) number no test site reaches

let dir, srv, base, apiKey;
const sessions = {};
const sections = {}; // "en:Business" -> section id (from the editor's <select>)

/** A logged-in session for one of the site's accounts (cached). */
async function as(name) {
  sessions[name] ??= await login(base, name, PW);
  return sessions[name];
}

/** The article fields of the editor form; override any of them. */
function articleForm(overrides = {}) {
  return {
    version: '0', headline: 'Harbour cranes return to work', standfirst: 'Dockers end a two-week stoppage.',
    body: 'The port reopened on **Monday**.\n\nShips queued overnight.', edition: 'en', section: sections['en:Business'],
    slug: '', dateline: 'BEIRUT', bylines: 'Rana Haddad', tags: 'ports', media: '0', caption: '', credit: '',
    translation: '', do: 'save', ...overrides,
  };
}

/** An Arabic-edition section id. */
const arSection = () => Object.entries(sections).find(([k]) => k.startsWith('ar:'))[1];

/** Creates an article as `who`; returns its id. */
async function createArticle(who, overrides = {}) {
  const r = await post(base, '/admin/articles/new', await as(who), articleForm(overrides));
  const text = await r.text();
  assert.equal(r.status, 303, `create article as ${who}: ${formError(text)}`);
  return Number(/^\/admin\/articles\/(\d+)/.exec(r.headers.get('location'))[1]);
}

/** The editor page of article id for `who` (asserts 200). */
async function editor(who, id) {
  const p = await page(base, `/admin/articles/${id}`, await as(who));
  assert.equal(p.status, 200, `GET /admin/articles/${id} as ${who}`);
  return p.html;
}

/** Publishes article id as the editor. */
async function publish(id) {
  const r = await post(base, `/admin/articles/${id}/status`, await as('ed'), { to: 'publish' });
  assert.equal(r.status, 303, `publish ${id}: ${formError(await r.text())}`);
}

/** An admin API call with the test's key; returns {status, json, text}. */
async function api(method, p, body) {
  const headers = { authorization: `Bearer ${apiKey}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* asserted by callers */ }
  return { status: r.status, json, text };
}

/** Asserts an API refusal: status, code, and the field it names. */
function apiRefusal(r, status, code, field) {
  assert.equal(r.status, status, r.text);
  assert.equal(r.json?.error?.code, code, r.text);
  assert.equal(r.json.error.field, field, `the error names the field: ${r.text}`);
  assert.ok(r.json.error.message.length > 10, r.text);
}

/** A published demo article of the English edition (paired with its Arabic translation by the demo), the n-th. */
function demoPublished(n = 0) {
  return Number(dbExec(dir, `SELECT id FROM articles WHERE edition = 'en' AND status = 'published' AND translation_group LIKE 'demo-%' ORDER BY id LIMIT 1 OFFSET ${n}`).trim());
}

/** An article's row as the store has it (status, published_at, scheduled_at, expires_at, version). */
function row(id) {
  return dbExec(dir, `SELECT status, coalesce(published_at, -1), coalesce(scheduled_at, -1), coalesce(expires_at, -1), version FROM articles WHERE id = ${id}`).trim();
}

before(async () => {
  dir = demoSite(0);
  for (const [n, role] of [['boss', 'admin'], ['ed', 'editor'], ['rep', 'reporter'], ['rep2', 'reporter']]) addUser(dir, n, role, PW);
  srv = await startServer(dir);
  base = srv.base;
  for (const o of selectOptions((await page(base, '/admin/articles/new', await as('ed'))).html, 'section')) {
    const [edLabel, name] = o.label.split(': ');
    sections[`${edLabel === 'English' ? 'en' : 'ar'}:${name}`] = o.value;
  }
  assert.ok(sections['en:Business'] && arSection(), JSON.stringify(sections));
  const boss = await as('boss');
  const form = new URLSearchParams({ csrf: boss.csrf, name: 'sec-editor', days: '30' });
  for (const s of ['read', 'write', 'publish']) form.append('scope', s);
  const r = await fetch(`${base}/admin/api-keys`, { method: 'POST', body: form, headers: { cookie: `bs_session=${boss.cookie}` } });
  apiKey = /<code class="token">(bsk_[0-9a-f]{64})<\/code>/.exec(await r.text())[1];
});

after(async () => { await srv?.stop(); });

// ------------------------------------------------------------------ 2. the translation field

/** Posts a new article as the reporter with `translation` = id; returns {status, html}. */
async function repNew(id, overrides = {}) {
  const r = await post(base, '/admin/articles/new', await as('rep'),
    articleForm({ headline: 'Reporter probes the translation field', translation: String(id), ...overrides }));
  return { status: r.status, html: await r.text(), location: r.headers.get('location') };
}

/** A page with the CSRF token and the number typed into the translation field made neutral. */
/* (only the translation field's value: the demo's media library has options whose numbers may equal it) */
const neutral = (html, id) => html.replace(/name="csrf" value="[^"]*"/g, 'name="csrf" value="T"')
  .replaceAll(`name="translation" value="${id}"`, 'name="translation" value="ID"');

test('2: a reporter learns nothing about an embargoed draft through the translation field', async () => {
  const secret = 'Embargoed: minister to resign at noon';
  const hidden = await createArticle('ed', { headline: secret, slug: 'embargoed-minister' });
  // preview (the form shown back) names nothing of it
  const prev = await repNew(hidden, { do: 'preview', edition: 'ar', section: arSection() });
  assert.equal(prev.status, 200);
  assert.ok(!prev.html.includes(secret), 'the preview does not show the hidden article\'s headline');
  assert.ok(!prev.html.includes('translation-status'), 'nor its status');
  // saving: same edition, other edition, and a number that does not exist all answer alike
  for (const [edition, section] of [['en', sections['en:Business']], ['ar', arSection()]]) {
    const known = await repNew(hidden, { edition, section });
    const unknown = await repNew(MISSING, { edition, section });
    assert.equal(known.status, 400, `${edition}: linking to an article the reporter may not open is refused`);
    assert.equal(unknown.status, 400);
    assert.equal(formError(known.html), formError(unknown.html), `${edition}: one message for both`);
    assert.match(formError(known.html), /no article with the number given as the translation/);
    assert.equal(neutral(known.html, hidden), neutral(unknown.html, MISSING), `${edition}: the same page apart from the number typed`);
    assert.ok(!known.html.includes(secret));
    assert.equal(fieldValue(known.html, 'headline'), 'Reporter probes the translation field', 'the typed text is kept');
  }
  // nothing was linked to it
  assert.equal(fieldValue(await editor('ed', hidden), 'translation'), '');
  // the editor (who may open it) still can link to it
  const twin = await createArticle('ed', { headline: 'وزير يستقيم ظهراً', edition: 'ar', section: arSection(), translation: String(hidden), bylines: 'رنا حداد', tags: 'سياسة' });
  assert.equal(fieldValue(await editor('ed', hidden), 'translation'), String(twin));
});

test('2: a reporter\'s draft cannot take over a published article\'s translation', async () => {
  // a demo pair: both published, linked both ways
  const demoEn = demoPublished();
  const realAr = Number(fieldValue(await editor('ed', demoEn), 'translation'));
  assert.ok(realAr > 0, 'the demo article has its Arabic translation');
  const r = await repNew(demoEn, { headline: 'مسودة مراسل', edition: 'ar', section: arSection(), bylines: 'مراسل', tags: 'تجربة' });
  assert.equal(r.status, 400, 'linking to an article that already has a translation in this edition is refused');
  assert.match(formError(r.html), /already has a translation/);
  assert.equal(fieldValue(r.html, 'headline'), 'مسودة مراسل');
  assert.equal(fieldValue(await editor('ed', demoEn), 'translation'), String(realAr), 'the editor still sees the real translation');
  const pub = await fetch(`${base}/api/v1/articles/${demoEn}`);
  assert.equal(pub.status, 200);

  // when the article already paired is one the reporter may not open, the refusal does not name it
  const live = await createArticle('ed', { headline: 'Desert observatory opens', slug: 'desert-observatory' });
  await publish(live);
  const secretAr = 'مسودة محجوبة عن المراسلين';
  const hiddenAr = await createArticle('ed', { headline: secretAr, edition: 'ar', section: arSection(), translation: String(live), bylines: 'محرر', tags: 'علوم' });
  const r2 = await repNew(live, { headline: 'ترجمة مراسل', edition: 'ar', section: arSection(), bylines: 'مراسل', tags: 'علوم' });
  assert.equal(r2.status, 400);
  assert.match(formError(r2.html), /already has a translation/);
  assert.ok(!r2.html.includes(secretAr) && !formError(r2.html).includes(String(hiddenAr)), 'the hidden translation is not named');
  assert.equal(fieldValue(await editor('ed', live), 'translation'), String(hiddenAr));

  // a published article without a translation may be translated by a reporter (the ordinary case)
  const lone = await createArticle('ed', { headline: 'Water talks resume in Geneva', slug: 'water-talks-resume' });
  await publish(lone);
  const ok = await repNew(lone, { headline: 'استئناف محادثات المياه', edition: 'ar', section: arSection(), bylines: 'مراسل', tags: 'مياه' });
  assert.equal(ok.status, 303, formError(ok.html));
  const repAr = Number(/^\/admin\/articles\/(\d+)/.exec(ok.location)[1]);
  assert.equal(fieldValue(await editor('ed', lone), 'translation'), String(repAr));
  assert.match(await editor('rep', repAr), /Water talks resume in Geneva/, 'a published article is named to the reporter');
});

test('2: a reporter linked (by an editor) to an embargoed article sees nothing of it and can still save', async () => {
  const secret = 'Sealed verdict due on Friday';
  const hidden = await createArticle('ed', { headline: secret, slug: 'sealed-verdict' });
  const mine = await createArticle('rep', { headline: 'حكم مختوم', edition: 'ar', section: arSection(), bylines: 'مراسل', tags: 'قضاء' });
  const byEd = await post(base, `/admin/articles/${mine}`, await as('ed'), { ...editorFields(await editor('ed', mine)), translation: String(hidden), do: 'save' });
  assert.equal(byEd.status, 303, formError(await byEd.text()));
  const repView = await editor('rep', mine);
  assert.ok(!repView.includes(secret), 'no headline of the embargoed article');
  assert.equal(fieldValue(repView, 'translation'), '', 'nor its number');
  const save = await post(base, `/admin/articles/${mine}`, await as('rep'), { ...editorFields(repView), body: 'Updated text.', do: 'save' });
  assert.equal(save.status, 303, formError(await save.text()));
  assert.equal(fieldValue(await editor('ed', hidden), 'translation'), String(mine), 'the pair is kept');
});

test('2: moving a translation link leaves no third article in the old pair', async () => {
  const en = await createArticle('ed', { headline: 'Solar roofs subsidy doubled', slug: 'solar-roofs-doubled' });
  const arOld = await createArticle('ed', { headline: 'مضاعفة دعم الأسطح الشمسية', edition: 'ar', section: arSection(), translation: String(en), bylines: 'محرر', tags: 'طاقة' });
  const arNew = await createArticle('ed', { headline: 'دعم الطاقة الشمسية يتضاعف', edition: 'ar', section: arSection(), bylines: 'محرر', tags: 'طاقة' });
  const move = await post(base, `/admin/articles/${en}`, await as('ed'), { ...editorFields(await editor('ed', en)), translation: String(arNew), do: 'save' });
  assert.equal(move.status, 303, formError(await move.text()));
  assert.equal(fieldValue(await editor('ed', en), 'translation'), String(arNew));
  assert.equal(fieldValue(await editor('ed', arNew), 'translation'), String(en));
  assert.equal(fieldValue(await editor('ed', arOld), 'translation'), '', 'the old partner is no longer paired with it');
});

test('2: the admin API refuses a link to an article already paired, naming the field', async () => {
  const demoEn = demoPublished(1);
  const before = fieldValue(await editor('ed', demoEn), 'translation');
  const r = await api('POST', '/api/v1/admin/articles', { edition: 'ar', section: 'business', headline: 'ترجمة عبر الواجهة', translation_id: demoEn });
  apiRefusal(r, 400, 'invalid', 'translation_id');
  assert.equal(fieldValue(await editor('ed', demoEn), 'translation'), before);
  apiRefusal(await api('POST', '/api/v1/admin/articles', { edition: 'ar', section: 'business', headline: 'ترجمة لا وجود لها', translation_id: MISSING }), 400, 'invalid', 'translation_id');
});

// ------------------------------------------------------------------ 6. ids that do not exist

test('6: a lead image that does not exist is a 400 at the lead image field, everything typed kept (web editor)', async () => {
  const typed = { headline: 'Typed headline kept after a bad image', body: 'A long body\n\nwith **two** paragraphs typed by hand.', media: String(MISSING), slug: 'bad-image-new' };
  const r = await post(base, '/admin/articles/new', await as('ed'), articleForm(typed));
  const html = await r.text();
  assert.equal(r.status, 400, 'a missing image is refused, not a 500');
  assert.match(formError(html), /lead image/i);
  assert.equal(fieldValue(html, 'headline'), typed.headline);
  assert.equal(fieldValue(html, 'body'), typed.body);
  assert.match(html, /<select id="media" name="media"[^>]* aria-invalid="true" aria-describedby="media-error">/, 'the lead image field is marked');
  assert.match(html, /<span class="field-error" id="media-error">[^<]*lead image/i, 'the message is at the field');
  // the same over an existing article
  const id = await createArticle('ed', { headline: 'An article to break', slug: 'an-article-to-break' });
  const f = editorFields(await editor('ed', id));
  const u = await post(base, `/admin/articles/${id}`, await as('ed'), { ...f, headline: 'Edited headline', media: String(MISSING), do: 'save' });
  const uh = await u.text();
  assert.equal(u.status, 400);
  assert.equal(fieldValue(uh, 'headline'), 'Edited headline');
  assert.match(uh, /aria-describedby="media-error"/);
  assert.equal(fieldValue(await editor('ed', id), 'headline'), 'An article to break', 'nothing saved');
  // a reporter gets the same answer
  const rr = await post(base, '/admin/articles/new', await as('rep'), articleForm({ ...typed, slug: 'bad-image-rep' }));
  assert.equal(rr.status, 400);
  assert.equal(fieldValue(await rr.text(), 'body'), typed.body);
});

test('6: ids that do not exist are 400 naming the field in the admin API, never 500', async () => {
  const art = { edition: 'en', section: 'business', headline: 'API article with a bad image', body: 'Body kept?' };
  apiRefusal(await api('POST', '/api/v1/admin/articles', { ...art, lead_media_id: MISSING }), 400, 'invalid', 'lead_media_id');
  apiRefusal(await api('POST', '/api/v1/admin/articles', { ...art, section: 'no-such-section' }), 400, 'bad_field', 'section');
  const c = await api('POST', '/api/v1/admin/articles', art);
  assert.equal(c.status, 201, c.text);
  const { id, version } = c.json.article;
  apiRefusal(await api('PUT', `/api/v1/admin/articles/${id}`, { version, lead_media_id: MISSING }), 400, 'invalid', 'lead_media_id');
  apiRefusal(await api('PUT', `/api/v1/admin/articles/${id}`, { version, translation_id: MISSING }), 400, 'invalid', 'translation_id');
  apiRefusal(await api('PUT', `/api/v1/admin/articles/${id}`, { version, headline: '' }), 400, 'invalid', 'headline');
  // bylines and tags are names, found or created: repeated ones are not an error either
  const dup = await api('PUT', `/api/v1/admin/articles/${id}`, { version, bylines: ['Rana Haddad', 'rana haddad'], tags: ['Ports', 'ports'] });
  assert.equal(dup.status, 200, dup.text);
  assert.equal((await api('GET', `/api/v1/admin/articles/${id}`)).json.article.lead_media_id, null);
});

// ------------------------------------------------------------------ 12. times outside a sane window

test('12: publishing through the API as of 1970 is refused, naming the field, and nothing changes', async () => {
  const c = await api('POST', '/api/v1/admin/articles', { edition: 'en', section: 'business', headline: 'Archive import check' });
  assert.equal(c.status, 201, c.text);
  const id = c.json.article.id;
  const was = row(id);
  for (const at of ['1970-01-01T00:00:00Z', '1970-01-01T00:00:01Z', '1989-12-31T23:59:59Z']) {
    apiRefusal(await api('POST', `/api/v1/admin/articles/${id}/publish`, { at }), 400, 'invalid', 'at');
    assert.equal(row(id), was, `${at}: the article is unchanged`);
  }
  assert.equal((await api('GET', `/api/v1/admin/articles/${id}`)).json.article.status, 'draft');
  // an archive date inside the window is kept as given (imports keep their dates)
  const ok = await api('POST', `/api/v1/admin/articles/${id}/publish`, { at: '1990-01-01T00:00:00Z' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.article.status, 'published');
  assert.equal(ok.json.article.published_at, '1990-01-01T00:00:00Z');
});

test('12: schedule and take-down times in year 9999 are refused (API and web editor)', async () => {
  const c = await api('POST', '/api/v1/admin/articles', { edition: 'en', section: 'business', headline: 'Far future check' });
  const id = c.json.article.id;
  const was = row(id);
  apiRefusal(await api('POST', `/api/v1/admin/articles/${id}/schedule`, { at: '9999-12-31T23:59:00Z' }), 400, 'invalid', 'at');
  const soon = new Date(Date.now() + 86400e3).toISOString().slice(0, 19) + 'Z';
  apiRefusal(await api('POST', `/api/v1/admin/articles/${id}/schedule`, { at: soon, expires_at: '9999-12-31T23:59:00Z' }), 400, 'invalid', 'expires_at');
  assert.equal(row(id), was, 'the article is unchanged');
  // the web editor's workflow form: refused with the typed time kept and the field marked
  const web = await post(base, `/admin/articles/${id}/status`, await as('ed'), { to: 'schedule', at: '9999-12-31 23:59:00' });
  const html = await web.text();
  assert.equal(web.status, 400);
  assert.match(formError(html), /publication time/);
  assert.equal(fieldValue(html, 'at'), '9999-12-31 23:59:00');
  assert.match(html, /id="schedule-at"[^>]*aria-invalid="true"/);
  const exp = await post(base, `/admin/articles/${id}/status`, await as('ed'), { to: 'schedule', at: utcText(Date.now() + 86400e3), expires: '9999-12-31 23:59:00' });
  const eh = await exp.text();
  assert.equal(exp.status, 400);
  assert.match(formError(eh), /take-down time/);
  assert.equal(fieldValue(eh, 'expires'), '9999-12-31 23:59:00');
  assert.equal(row(id), was, 'the article is unchanged');
  // nine years ahead is still a schedule
  const nine = new Date(Date.now() + 9 * 365 * 86400e3).toISOString().slice(0, 19) + 'Z';
  const s = await api('POST', `/api/v1/admin/articles/${id}/schedule`, { at: nine });
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.article.status, 'scheduled');
});

test('the server logged no sanitizer findings', () => {
  assert.doesNotMatch(srv.stderr, /AddressSanitizer|runtime error:/);
});
