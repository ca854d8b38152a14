// Issue 19: the newsroom in Arabic and English. Until a person chooses, the newsroom (the log-in page
// included) speaks the language the browser asks for first (Accept-Language), else the site's
// newsroom_lang; a person's choice (POST /admin/language) wins over both; the Arabic newsroom is
// right-to-left with its words from po/ar.po; the demo has an account that works in Arabic.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { demoSite, startServer } from '../lib/server.mjs';
import { addUser, formError, formNotice, login, post, request } from '../lib/newsroom.mjs';

const PW = 'a-long-password';
let dir, srv;

before(async () => {
  dir = demoSite(0);
  addUser(dir, 'boss', 'admin', PW);
  addUser(dir, 'writer', 'reporter', PW);
  srv = await startServer(dir);
});
after(async () => { await srv?.stop(); });

/** GETs path with the headers (and session) and returns {status, html}. */
async function get(p, { session, lang } = {}) {
  const r = await request(srv.base, p, { session, headers: lang === undefined ? {} : { 'accept-language': lang } });
  return { status: r.status, html: await r.text() };
}

/** The <html> element's lang and dir. */
function htmlLang(html) {
  const m = /<html lang="([a-z]+)" dir="(ltr|rtl)">/.exec(html);
  assert.ok(m, 'the page names its language and direction');
  return `${m[1]} ${m[2]}`;
}

test('the log-in page speaks the language the browser asks for first, in Arabic right to left', async () => {
  const ar = await get('/admin/login', { lang: 'ar-EG,ar;q=0.9,en;q=0.5' });
  assert.equal(ar.status, 200);
  assert.equal(htmlLang(ar.html), 'ar rtl');
  assert.match(ar.html, /<title>[^<]* \| غرفة الأخبار<\/title>/);
  assert.match(ar.html, />انتقل إلى المحتوى</);
  for (const lang of ['en-GB,en;q=0.9', 'fr-FR, en;q=0.5, ar;q=0.4', 'de', undefined]) {
    const en = await get('/admin/login', { lang });
    assert.equal(htmlLang(en.html), 'en ltr', `Accept-Language: ${lang}`);
    assert.match(en.html, /<title>[^<]* \| Newsroom<\/title>/);
  }
});

test('a person\'s choice wins over the browser, and "as my browser asks" gives the browser back', async () => {
  const w = await login(srv.base, 'writer', PW);
  assert.equal(htmlLang((await get('/admin/', { session: w, lang: 'ar' })).html), 'ar rtl', 'not chosen yet: the browser');
  const page = await get('/admin/language', { session: w, lang: 'ar' });
  assert.match(page.html, /<input type="radio" id="lang-browser" name="lang" value="" checked>/);
  let r = await post(srv.base, '/admin/language', w, { lang: 'en' });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/admin/language?saved=1');
  const saved = await get('/admin/language?saved=1', { session: w, lang: 'ar' });
  assert.equal(htmlLang(saved.html), 'en ltr', 'chosen English: the Arabic browser no longer decides');
  assert.equal(formNotice(saved.html), 'Your newsroom language is saved.');
  assert.match(saved.html, /id="lang-en" name="lang" value="en" checked>/);
  r = await post(srv.base, '/admin/language', w, { lang: 'ar' });
  assert.equal(r.status, 303);
  const arabic = await get('/admin/language?saved=1', { session: w, lang: 'en' });
  assert.equal(htmlLang(arabic.html), 'ar rtl');
  assert.equal(formNotice(arabic.html), 'حُفظت لغتك في غرفة الأخبار.');
  assert.match(arabic.html, /<a href="\/admin\/">المقالات<\/a>/, 'the menu in Arabic');
  r = await post(srv.base, '/admin/language', w, { lang: '' });
  assert.equal(r.status, 303);
  assert.equal(htmlLang((await get('/admin/', { session: w, lang: 'en' })).html), 'en ltr', 'the browser again');
});

test('a choice that is not a language, another person\'s site setting, or no CSRF token is refused', async () => {
  const w = await login(srv.base, 'writer', PW);
  for (const lang of ['fr', 'arabic', 'AR-', 'e']) {
    const r = await post(srv.base, '/admin/language', w, { lang });
    assert.equal(r.status, 400, lang);
    assert.equal(formError(await r.text()), 'Choose English, Arabic, or what your browser asks for.');
  }
  const missing = await post(srv.base, '/admin/language', w, {});
  assert.equal(missing.status, 400);
  const site = await post(srv.base, '/admin/language', w, { site_lang: 'ar' });
  assert.equal(site.status, 403);
  assert.equal(formError(await site.text()), 'Only an administrator sets the site\'s newsroom language.');
  const forged = await request(srv.base, '/admin/language', { session: w, form: { lang: 'ar', csrf: 'forged' } });
  assert.equal(forged.status, 403);
  assert.equal(htmlLang((await get('/admin/', { session: w, lang: 'en' })).html), 'en ltr', 'nothing was saved');
});

test('the site\'s newsroom language speaks to browsers that ask for neither language', async () => {
  const boss = await login(srv.base, 'boss', PW);
  assert.equal(htmlLang((await get('/admin/login', { lang: 'fr' })).html), 'en ltr');
  const bad = await post(srv.base, '/admin/language', boss, { site_lang: 'fr' });
  assert.equal(bad.status, 400);
  const r = await post(srv.base, '/admin/language', boss, { site_lang: 'ar' });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/admin/language?saved=2');
  assert.equal(htmlLang((await get('/admin/login', { lang: 'fr' })).html), 'ar rtl', 'the site default');
  assert.equal(htmlLang((await get('/admin/login')).html), 'ar rtl', 'no Accept-Language at all');
  assert.equal(htmlLang((await get('/admin/login', { lang: 'en' })).html), 'en ltr', 'the browser still first');
  assert.equal((await post(srv.base, '/admin/language', boss, { site_lang: 'en' })).status, 303);
  assert.equal(htmlLang((await get('/admin/login', { lang: 'fr' })).html), 'en ltr');
});

test('the demo has an editor who works in Arabic', async () => {
  const logins = fs.readFileSync(path.join(dir, 'demo-logins.txt'), 'utf8');
  const m = /^editor\s+login: (muharrir)\s+password: ([0-9a-f]{16})\s+\(newsroom in Arabic\)$/m.exec(logins);
  assert.ok(m, `demo-logins.txt names the Arabic editor:\n${logins}`);
  const s = await login(srv.base, m[1], m[2]);
  const dash = await get('/admin/', { session: s, lang: 'en-US,en' });
  assert.equal(htmlLang(dash.html), 'ar rtl', 'in Arabic whatever the browser asks');
  // the dashboard's groups, chart and stamps in Arabic (the site stamp as readers of the Arabic edition see it)
  assert.match(dash.html, /قيد المراجعة/);
  assert.match(dash.html, /مشاهدات المقالات في الساعة، آخر 48 ساعة/);
  assert.match(dash.html, /GMT \d\d:\d\d \d{4} (السبت|الأحد|الاثنين|الثلاثاء|الأربعاء|الخميس|الجمعة) ,\d\d (يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر)/);
  assert.doesNotMatch(dash.html, /In review|Drafts|No article views/);
});
