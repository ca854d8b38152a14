// Issue 19: the rest of the newsroom speaks Arabic. A person whose newsroom language is Arabic sees no
// English sentence on the newsroom pages that show no article content (users, settings, password,
// language, media, API keys, webhooks, comments, search, the log-in page), nor on the pages after a refused
// form (a duplicate user, a bad setting, a bad webhook URL, an upload that is not an image, a wrong current
// password, a forged CSRF token): the text built in C (notices, errors, labels, counts, role and edition
// names, the route table's refusals) goes through po/ar.po like the templates' words. The same pages in
// English keep their English and show no Arabic but the language's own name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { configure, dbExec, demoSite, startServer, unescapeHtml } from '../lib/server.mjs';
import { addUser, formError, formNotice, login, post, request } from '../lib/newsroom.mjs';

const PW = 'a-long-password';
let dir, srv, ar, en, comment;

/** Names that are English on purpose: the product, logins made here, formats and time zones. */
const ALLOWED = ['Broadsheet', 'English', 'JSON', 'RSS', 'HTTP', 'HTTPS', 'UTC', 'GMT', 'qalam', 'quill', 'Atom', 'API'];

/** A tiny PNG (16x16, one colour) that the media library accepts. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR4nGM44KBAEmIY1TCqYfhqAAC85yAQb7u4kAAAAABJRU5ErkJggg==', 'base64');

before(async () => {
  dir = demoSite(0);
  addUser(dir, 'qalam', 'admin', PW);
  addUser(dir, 'quill', 'admin', PW);
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
});
after(async () => { await srv?.stop(); });

/**
 * The text a reader of the page sees that the newsroom wrote: no script, style, textarea or <bdi> (typed
 * data: names, settings, a comment's body), no <code> (names for machines: API scopes, settings of the server's file), no attribute but title, placeholder, aria-label, the alt of anything but an
 * image (an image's alt is its own data) and the value of an input button; entities decoded.
 */
function shownText(html) {
  let h = html.replace(/<(script|style|textarea|bdi|code)\b[\s\S]*?<\/\1>/gi, ' ')
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
