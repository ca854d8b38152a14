// Issue 19: the rest of the newsroom speaks Arabic. A person whose newsroom language is Arabic sees no
// English sentence on the newsroom pages that show no article content (users, settings, password,
// language, media, API keys, webhooks, comments, search, the log-in page), nor on the pages after a refused
// form (a duplicate user, a bad setting, a bad webhook URL, an upload that is not an image, a wrong current
// password, a forged CSRF token): the text built in C (notices, errors, labels, counts, role and edition
// names, the route table's refusals) goes through po/ar.po like the templates' words. The same pages in
// English keep their English and show no Arabic but the language's own name. The article editor and its
// pages say every message in Arabic too (a stale save, texts too long, a refused translation or related
// story, a refused step of the workflow, the restored unsaved copy, the marks beside the fields), and an
// error page reached at a newsroom address (/admin/...) is the newsroom's, in its language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { configure, dbExec, demoSite, startServer, unescapeHtml } from '../lib/server.mjs';
import { addUser, editorFields, fieldValue, formError, formNotice, login, post, request } from '../lib/newsroom.mjs';

const PW = 'a-long-password';
let dir, srv, ar, en, rep, comment;

/** Names that are English on purpose: the product, logins made here, formats and time zones. */
const ALLOWED = ['Broadsheet', 'English', 'JSON', 'RSS', 'HTTP', 'HTTPS', 'UTC', 'GMT', 'qalam', 'quill', 'katib', 'Atom', 'API',
  'YYYY', 'MM', 'DD', 'HH', 'SS'];

/** A tiny PNG (16x16, one colour) that the media library accepts. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR4nGM44KBAEmIY1TCqYfhqAAC85yAQb7u4kAAAAABJRU5ErkJggg==', 'base64');

before(async () => {
  dir = demoSite(0);
  addUser(dir, 'qalam', 'admin', PW);
  addUser(dir, 'quill', 'admin', PW);
  addUser(dir, 'katib', 'reporter', PW);
  configure(dir, { webhook_allow_private: '127.0.0.1' });
  // a reader's comment waiting in the moderation queue (written here as the comment form would store it)
  dbExec(dir, "INSERT INTO comments(article_id, name, body, status, ip_hash, dup_key, created_at) SELECT id, 'Reader', " +
    "'تعليق من قارئ', 'pending', 'ip-hash', 'dup-key', 1764979200 FROM articles WHERE status = 'published' ORDER BY id LIMIT 1");
  comment = dbExec(dir, "SELECT id FROM comments WHERE dup_key = 'dup-key'").trim();
  assert.match(comment, /^\d+$/, 'a comment to moderate');
  srv = await startServer(dir);
  ar = await login(srv.base, 'qalam', PW);
  assert.equal((await post(srv.base, '/admin/language', ar, { lang: 'ar' })).status, 303);
  en = await login(srv.base, 'quill', PW);
  assert.equal((await post(srv.base, '/admin/language', en, { lang: 'en' })).status, 303);
  rep = await login(srv.base, 'katib', PW);
  assert.equal((await post(srv.base, '/admin/language', rep, { lang: 'ar' })).status, 303);
});
after(async () => { await srv?.stop(); });

/**
 * The text a reader of the page sees that the newsroom wrote: no script, style, textarea or <bdi> (typed
 * data: names, settings, a comment's body), no <code> (names for machines: API scopes, settings of the server's file), no attribute but title, placeholder, aria-label, the alt of anything but an
 * image (an image's alt is its own data) and the value of an input button; entities decoded.
 */
function shownText(html) {
  // (an element marked as another language's text: an English source beside its translation)
  let h = html.replace(/<(div|p|span)\b[^>]*\blang="en"[^>]*>[\s\S]*?<\/\1>/g, ' ');
  // (the lead image list names each image by its number and alt text: the image's own data)
  h = h.replace(/(<option value="\d+"[^>]*>)#\d+ [^<]*/g, '$1');
  h = h.replace(/<(script|style|textarea|bdi|code)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<div class="comment-body"[^>]*>[\s\S]*?<\/div>/g, ' ');
  const shown = [];
  h = h.replace(/<[^>]*>/g, (tag) => {
    for (const m of tag.matchAll(/\s(alt|title|placeholder|aria-label)="([^"]*)"/g)) {
      if (!(m[1] === 'alt' && /^<img\b/i.test(tag))) shown.push(m[2]);
    }
    if (/^<input\b/i.test(tag) && /\btype="(submit|button)"/.test(tag)) { // a <button> shows its content
      const v = /\bvalue="([^"]*)"/.exec(tag);
      if (v) shown.push(v[1]);
    }
    return ' ';
  });
  return unescapeHtml(`${h} ${shown.join(' ')}`).replace(/\s+/g, ' ');
}

/** Runs of three or more English words in the page's shown text (the allowed names taken out first). */
function englishRuns(html) {
  let t = shownText(html);
  for (const w of ALLOWED) t = t.replace(new RegExp(`\\b${w}\\b`, 'g'), ' ');
  return [...t.matchAll(/\b[A-Za-z]{2,}(?:[ ,'’-]+[A-Za-z]{2,}){2,}\b/g)].map((m) => m[0]);
}

/** Arabic letters in the page's shown text but for the language's own name. */
function arabicRuns(html) {
  const t = shownText(html).replace(/العربية/g, ' ');
  return [...t.matchAll(/[\u0600-\u06FF][\u0600-\u06FF\s،]*/g)].map((m) => m[0].trim());
}

/** GETs a newsroom page as the session. */
async function get(path, session, headers = {}) {
  const r = await request(srv.base, path, { session, headers });
  return { status: r.status, html: await r.text() };
}

/** Uploads a file to the media library as the session; returns {status, html}. */
async function upload(session, bytes, name) {
  const fd = new FormData();
  fd.set('alt', 'صورة');
  fd.set('file', new Blob([bytes]), name);
  const r = await fetch(`${srv.base}/admin/media?csrf=${session.csrf}`,
    { method: 'POST', body: fd, headers: { cookie: `bs_session=${session.cookie}` }, redirect: 'manual' });
  return { status: r.status, html: await r.text(), location: r.headers.get('location') };
}

/** The settings form's current values (every input named with its key). */
async function settingsForm(session) {
  const html = (await get('/admin/settings', session)).html;
  return Object.fromEntries([...html.matchAll(/<input id="s-\d+" name="([^"]+)" value="([^"]*)"/g)]
    .map((m) => [m[1], unescapeHtml(m[2])]));
}

/** Every page of the check, as [name, {status, html}] for the session (lang: its Accept-Language). */
async function pages(session, lang) {
  const out = [];
  const visit = async (name, p) => { out.push([name, await p]); };
  await visit('log-in', get('/admin/login', undefined, { 'accept-language': lang }));
  for (const p of ['/admin/users', '/admin/settings', '/admin/password', '/admin/language', '/admin/media',
    '/admin/api-keys', '/admin/webhooks', '/admin/comments', '/admin/comments?status=spam', '/admin/search',
    '/admin/search?q=harbour+news']) {
    await visit(p, get(p, session));
  }
  const form = async (p, fields) => {
    const r = await post(srv.base, p, session, fields);
    return { status: r.status, html: await r.text() };
  };
  await visit('duplicate user', form('/admin/users', { login: session.login, display_name: 'x', role: 'editor', password: 'another-password' }));
  await visit('short password user', form('/admin/users', { login: 'shorty', display_name: 'x', role: 'editor', password: 'short' }));
  await visit('bad role', form('/admin/users', { login: 'roleless', display_name: 'x', role: 'chief', password: 'another-password' }));
  await visit('bad setting', form('/admin/settings', { ...(await settingsForm(session)), latest_count: 'many' }));
  await visit('bad half-life', form('/admin/settings', { ...(await settingsForm(session)), search_half_life_days: '0' }));
  await visit('long setting', form('/admin/settings', { ...(await settingsForm(session)), 'site_name.en': 'x'.repeat(5000) }));
  await visit('bad webhook URL', form('/admin/webhooks', { url: 'ftp://example.com/hook', 'article.published': '1' }));
  await visit('private webhook address', form('/admin/webhooks', { url: 'http://127.0.0.2:9/hook', 'article.published': '1' }));
  const added = await form('/admin/webhooks', { url: `http://127.0.0.1:9/${session.login}`, 'article.published': '1' });
  assert.equal(added.status, 200, 'a webhook on the allowed address is added');
  await visit('webhook added', added);
  const hook = new RegExp(`<a href="/admin/webhooks/(\\d+)">http://127\\.0\\.0\\.1:9/${session.login}</a>`).exec(added.html)[1];
  await visit('webhook deliveries', get(`/admin/webhooks/${hook}`, session));
  const key = await form('/admin/api-keys', { name: `key of ${session.login}`, days: '30', scope: 'read' });
  assert.equal(key.status, 200, 'an API key is made');
  await visit('API key made', key);
  await visit('API key without a scope', form('/admin/api-keys', { name: 'x', days: '30' }));
  await visit('webhook without events', form('/admin/webhooks', { url: 'https://example.com/hook' }));
  await visit('wrong password', form('/admin/password', { current: 'not-my-password', new: 'brand-new-password' }));
  await visit('weak password', form('/admin/password', { current: PW, new: 'short' }));
  await visit('forged CSRF', (async () => {
    const r = await request(srv.base, '/admin/settings', { session, form: { csrf: 'forged', latest_count: '3' } });
    return { status: r.status, html: await r.text() };
  })());
  await visit('not an image', upload(session, Buffer.from('just some words, not a picture'), 'notes.jpg'));
  const up = await upload(session, PNG, 'dot.png');
  assert.equal(up.status, 303, `the PNG is accepted: ${up.html}`);
  await visit('uploaded', get(up.location, session));
  const id = /uploaded=(\d+)/.exec(up.location)[1];
  await visit('bad focal point', form(`/admin/media/${id}/focal`, { focal_x: 'left', focal_y: '2' }));
  await visit('long caption', form(`/admin/media/${id}/focal`, { focal_x: '0.5', focal_y: '0.5', caption: 'x'.repeat(1001) }));
  await visit('comment queue', get('/admin/comments', session));
  const done = await post(srv.base, '/admin/comments', session, { action: 'spam', ids: comment, back: '/admin/comments?status=spam' });
  assert.equal(done.status, 303, 'the comment is moderated');
  await visit('comment moderated', get(done.headers.get('location'), session));
  await visit('moderation log', get('/admin/comments/log', session));
  await visit('comment edit', get(`/admin/comments/${comment}`, session));
  await visit('comment edit refused', form(`/admin/comments/${comment}`, { body: '' }));
  await visit('comment moderation in bulk with nothing chosen', form('/admin/comments', { action: 'approve' }));
  return out;
}

test('the Arabic newsroom shows no English sentence on its pages and after refused forms', async () => {
  const found = [];
  let total = 0;
  for (const [name, r] of await pages(ar, 'ar')) {
    assert.match(r.html, /<html lang="ar" dir="rtl">/, `${name} (${r.status}) is in Arabic`);
    const runs = englishRuns(r.html);
    if (runs.length) found.push(`${name} (${r.status}): ${[...new Set(runs)].map((x) => JSON.stringify(x)).join(', ')}`);
    total += runs.length;
  }
  assert.equal(found.length, 0, `English left in the Arabic newsroom (${total} runs):\n${found.join('\n')}`);
});

/** Sends a form as the session; {status, html, location}. */
async function send(session, p, fields) {
  const r = await post(srv.base, p, session, fields);
  return { status: r.status, html: await r.text(), location: r.headers.get('location') };
}

/** Creates an article as the session (the editor's form with fields); returns its id. */
async function createArticle(session, fields) {
  const r = await send(session, '/admin/articles/new', { do: 'save', standfirst: '', body: 'نص المقال.', slug: '',
    dateline: '', bylines: 'قلم', tags: '', media: '0', caption: '', credit: '', translation: '', version: '0', ...fields });
  assert.equal(r.status, 303, `the article is made: ${formError(r.html)}`);
  return /^\/admin\/articles\/(\d+)/.exec(r.location)[1];
}

/**
 * The article pages of the Arabic newsroom with each message they give, as [name, {status, html}]: the
 * editor (its lists: editions, sections, images, workflow, comment modes), every refusal of a save, of a
 * step of the workflow and of a correction (with the field marked), the notices, the restored unsaved copy,
 * the history with its diff and log, and the error pages of newsroom addresses.
 */
async function articlePages() {
  const out = [];
  const visit = async (name, p) => { out.push([name, await p]); };
  const arSection = dbExec(dir, "SELECT id FROM sections WHERE edition = 'ar' ORDER BY id LIMIT 1").trim();
  const enSection = dbExec(dir, "SELECT id FROM sections WHERE edition = 'en' ORDER BY id LIMIT 1").trim();
  const a1 = await createArticle(ar, { edition: 'ar', section: arSection, headline: 'المقال الأول في الاختبار' });
  const a2 = await createArticle(ar, { edition: 'ar', section: arSection, headline: 'المقال الثاني في الاختبار' });
  const e1 = await createArticle(ar, { edition: 'en', section: enSection, headline: 'Harbour story', translation: a2 });
  const own = await createArticle(rep, { edition: 'ar', section: arSection, headline: 'مسودة المراسل' });
  const ed = `/admin/articles/${a1}`;
  const form = async () => ({ ...editorFields((await get(ed, ar)).html), do: 'save' });
  await visit('editor', get(ed, ar));
  assert.equal((await send(ar, ed, await form())).status, 303, 'a save (version 2)');
  const save = async (name, fields, status = 400) => {
    const r = await send(ar, ed, { ...(await form()), ...fields });
    assert.equal(r.status, status, `${name}: ${formError(r.html)}`);
    await visit(`editor: ${name}`, r);
  };
  await save('stale version', { version: '1' }, 409);
  await save('no headline', { headline: '' });
  await save('headline too long', { headline: 'ع'.repeat(301) });
  await save('slug too long', { slug: 'ب'.repeat(101) });
  await save('body too long', { body: 'x'.repeat(256 * 1024 + 1) });
  await save('HTML in the body', { body: 'نص <span>هنا</span>' });
  await save('a javascript: link in the body', { body: '[انقر](javascript:alert(1))' });
  await save('a typed block without its key', { body: '```embed\ntitle: فيديو\n```' });
  await save('a typed block naming no image', { body: '```image\nmedia: 987654\n```' });
  await save('slug taken', { slug: fieldValue((await get(`/admin/articles/${a2}`, ar)).html, 'slug') });
  await save('section of the other edition', { section: enSection });
  await save('no such image', { media: '987654' });
  await save('too many bylines', { bylines: 'أ; ب; ت; ث; ج; ح; خ; د; ذ' });
  await save('translation not a number', { translation: 'ثلاثة' });
  await save('no such translation', { translation: '987654' });
  await save('translation in the same edition', { translation: a2 });
  await save('translation already paired', { translation: e1 });
  await save('related: no such number', { related: '#987654' });
  await save('related: no such headline', { related: 'عنوان لا وجود له' });
  await save('related: the other edition', { related: `#${e1}` });
  await save('related: twice', { related: `#${a2}\n#${a2}` });
  await save('related: itself', { related: `#${a1}` });
  await save('related: seven', { related: ['1', '2', '3', '4', '5', '6', '7'].map((n) => `#${n}`).join('\n') });
  await visit('preview', send(ar, ed, { ...(await form()), do: 'preview' }));
  const step = async (name, fields, status = 400) => {
    const r = await send(ar, `${ed}/status`, fields);
    assert.equal(r.status, status, `${name}: ${formError(r.html)}`);
    await visit(`workflow: ${name}`, r);
  };
  await step('schedule without a time', { to: 'schedule', at: '' });
  await step('schedule in the past', { to: 'schedule', at: '2020-01-01 08:00' });
  await step('bad take-down time', { to: 'publish', expires: 'غدًا' });
  await step('take-down of a draft', { to: 'expiry' }, 409);
  assert.equal((await send(ar, `${ed}/status`, { to: 'publish' })).status, 303, 'published');
  await visit('notice: status', get(`${ed}?notice=status`, ar));
  await visit('correction: empty', send(ar, `${ed}/corrections`, { body: '' }));
  await visit('correction: too long', send(ar, `${ed}/corrections`, { body: 'ت'.repeat(2001) }));
  assert.equal((await send(ar, `${ed}/corrections`, { body: 'صُحّح اسم الوزير.' })).status, 303, 'a correction');
  await visit('notice: correction', get(`${ed}?notice=correction`, ar));
  const copy = { ...(await form()), headline: 'عنوان لم يُحفظ بعد' };
  delete copy.do;
  assert.equal((await send(ar, `${ed}/autosave`, copy)).status, 204, 'an unsaved copy is kept');
  await visit('unsaved copy offered', get(ed, ar));
  await visit('unsaved copy restored', get(`${ed}?autosave=restore`, ar));
  await visit('history', get(`${ed}/history`, ar));
  // error pages at newsroom addresses: the newsroom's frame, in its language
  const errorPage = async (name, p, status) => {
    const r = await p;
    assert.equal(r.status, status, name);
    await visit(`error page: ${name}`, r);
  };
  await errorPage('no such article', get('/admin/articles/987654', ar), 404);
  await errorPage('no such address', get('/admin/no-such-page', ar), 404);
  await errorPage('comment filter too long', get(`/admin/comments?q=${'x'.repeat(201)}`, ar), 400);
  await errorPage('no such revision', get(`${ed}/history?a=1&b=99`, ar), 404);
  await errorPage('restore of no such revision', send(ar, `${ed}/restore`, { version: '99' }), 404);
  await errorPage('preview too long', send(ar, '/admin/preview', { body: 'x'.repeat(256 * 1024 + 1) }), 413);
  await errorPage('unsaved copy too long', send(ar, `${ed}/autosave`, { ...copy, standfirst: 'x'.repeat(5000) }), 413);
  await errorPage('forged token', send(ar, `${ed}/restore`, { csrf: 'forged', version: '1' }), 403);
  await errorPage('a reporter opens another\'s article', get(ed, rep), 403);
  await errorPage('a reporter publishes', send(rep, `/admin/articles/${own}/status`, { to: 'publish' }), 403);
  await errorPage('a reporter opens the users', get('/admin/users', rep), 403);
  await errorPage('no session', (async () => {
    const r = await request(srv.base, `${ed}/restore`, { form: { version: '1' }, headers: { 'accept-language': 'ar' } });
    return { status: r.status, html: await r.text() };
  })(), 403);
  return out;
}

test('the Arabic newsroom\'s article pages say every message in Arabic; its error pages are the newsroom\'s', async () => {
  const found = [];
  for (const [name, r] of await articlePages()) {
    if (!/<html lang="ar" dir="rtl">/.test(r.html)) found.push(`${name} (${r.status}): not in Arabic`);
    if (name.startsWith('error page') && !/<body class="admin">/.test(r.html)) found.push(`${name}: not the newsroom's frame`);
    const runs = englishRuns(r.html);
    if (runs.length) found.push(`${name} (${r.status}): ${[...new Set(runs)].map((x) => JSON.stringify(x)).join(', ')}`);
  }
  assert.equal(found.length, 0, `English left in the Arabic newsroom's article pages:\n${found.join('\n')}`);
});

test('the English newsroom shows no Arabic on the same pages', async () => {
  const found = [];
  for (const [name, r] of await pages(en, 'en')) {
    assert.match(r.html, /<html lang="en" dir="ltr">/, `${name} (${r.status}) is in English`);
    const runs = arabicRuns(r.html);
    if (runs.length) found.push(`${name} (${r.status}): ${[...new Set(runs)].join(' | ')}`);
  }
  assert.equal(found.length, 0, `Arabic in the English newsroom:\n${found.join('\n')}`);
});

test('short words built in C follow the newsroom\'s language too: roles, notices, titles, states', async () => {
  const users = { ar: (await get('/admin/users', ar)).html, en: (await get('/admin/users', en)).html };
  assert.match(users.ar, /<tr><td>qalam<\/td><td><bdi>qalam<\/bdi><\/td><td>مسؤول<\/td>/, 'the role in the list');
  assert.match(users.ar, /<option value="reporter" selected>مراسل<\/option>/, 'the role in the form');
  assert.match(users.en, /<tr><td>qalam<\/td><td><bdi>qalam<\/bdi><\/td><td>admin<\/td>/);
  assert.match(users.en, /<option value="reporter" selected>reporter<\/option>/);
  for (const [s, title] of [[ar, 'البحث: harbour news'], [en, 'Search: harbour news']]) {
    assert.match((await get('/admin/search?q=harbour+news', s)).html, new RegExp(`<title>${title} \\|`));
  }
  const up = { ar: await upload(ar, PNG, 'a.png'), en: await upload(en, PNG, 'e.png') };
  const idOf = (r) => /uploaded=(\d+)/.exec(r.location)[1];
  assert.equal(formNotice((await get(up.ar.location, ar)).html), `رُفعت بوصفها الصورة رقم ${idOf(up.ar)}.`);
  assert.equal(formNotice((await get(up.en.location, en)).html), `Uploaded as image #${idOf(up.en)}.`);
  const log = { ar: (await get('/admin/comments/log', ar)).html, en: (await get('/admin/comments/log', en)).html };
  assert.match(log.ar, /عُلّم بوصفه مزعجًا/, 'a logged action in Arabic');
  assert.match(log.en, /marked as spam/);
  assert.doesNotMatch(log.ar, /marked as spam/);
  assert.match((await get('/admin/comments', ar)).html, />المزعجة <span class="count">/, 'the queue\'s tabs in Arabic');
  assert.match((await get('/admin/comments', en)).html, />Spam <span class="count">/);
  const refused = await post(srv.base, '/admin/users', ar, { login: 'qalam', display_name: 'x', role: 'editor', password: 'another-password' });
  assert.equal(formError(await refused.text()), 'اسم الدخول هذا مستخدم من قبل.');
});

test('an error page at a newsroom address is the newsroom\'s, in the person\'s language; a reader\'s stays the readers\'', async () => {
  for (const [s, lang, message, back] of [[ar, 'ar', 'لا يوجد مقال بهذا الرقم.', 'العودة إلى غرفة الأخبار'],
    [en, 'en', 'There is no article with that number.', 'Back to the newsroom']]) {
    const r = await get('/admin/articles/987654', s);
    assert.equal(r.status, 404);
    assert.match(r.html, new RegExp(`<html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}">`));
    assert.match(r.html, /<body class="admin">/);
    assert.match(r.html, new RegExp(`<p>${message.replace('.', '\\.')}</p>`));
    assert.match(r.html, new RegExp(`<a href="/admin/">${back}</a>`));
    // an unknown newsroom address: the person's session is looked up for the page's language and menu
    const unknown = await get('/admin/no-such-page', s);
    assert.equal(unknown.status, 404);
    assert.match(unknown.html, new RegExp(`<html lang="${lang}"`));
    assert.match(unknown.html, /<nav class="sections"/, 'the newsroom\'s menu for the logged-in person');
  }
  const reader = await get('/ar/no-such-page', ar);
  assert.equal(reader.status, 404);
  assert.doesNotMatch(reader.html, /<body class="admin">/, 'a reader\'s address keeps the readers\' frame');
  assert.match(reader.html, /<html lang="ar" dir="rtl">/);
});
