// Issue 21, the breaking-news banner: editors raise one line per edition, linking a story or an address of
// the site, with an expiry; it shows at the top of every reader page of that edition (front, section,
// article, search) and of no page of the other, served from the page cache and purged when it is raised,
// taken down or expires (the scheduler wakes at the expiry, no request needed). Refusals keep what was
// typed: an expiry in the past, zero or too far, an empty, over-long or marked-up line, an unknown article
// or another edition's, a foreign address; reporters may not raise one. Both engines (BROADSHEET_TEST_DB).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { dbExec, demoSite, startServer, unescapeHtml } from '../lib/server.mjs';
import { addUser, fieldValue, formError, formNotice, login, page, post } from '../lib/newsroom.mjs';

const PW = 'a-long-password';
let dir, srv, editor, reporter, story, arStory;
const PAGES = { en: [], ar: [] };

/** An anonymous GET (served from the page cache when it can be): {status, text, cache}. */
async function anon(path) {
  const r = await fetch(srv.base + path, { redirect: 'manual' });
  return { status: r.status, text: await r.text(), cache: r.headers.get('x-cache') };
}

/** The banner a reader page shows: {label, text, href} or null. */
function banner(html) {
  const m = /<section class="breaking" aria-label="([^"]*)">\s*<p><strong class="breaking-label">[^<]*<\/strong> <(?:a class="breaking-link" href="([^"]*)"|span class="breaking-link")>([^<]*)</.exec(html);
  return m ? { label: unescapeHtml(m[1]), href: m[2] && unescapeHtml(m[2]), text: unescapeHtml(m[3]) } : null;
}

/** Raises a banner as session s (editor by default) with form fields f; returns the reply and its page. */
async function raise(f, s = editor) {
  const r = await post(srv.base, '/admin/breaking', s, { edition: 'en', minutes: '60', ...f });
  return { status: r.status, html: await r.text() };
}

/** Requests each page until it is a cache hit (so the next change must purge it to show). */
async function warm(paths) {
  for (const p of paths) {
    await anon(p);
    const again = await anon(p);
    if (!p.includes('/search')) assert.equal(again.cache, 'hit', `${p} is cached`);
  }
}

/** How many banners are up (not ended) in edition. */
function upCount(edition) {
  return Number(dbExec(dir, `SELECT count(*) FROM breaking WHERE edition = '${edition}' AND ended_at IS NULL`).trim());
}

before(async () => {
  dir = demoSite(0);
  addUser(dir, 'bk-editor', 'editor', PW);
  addUser(dir, 'bk-rep', 'reporter', PW);
  srv = await startServer(dir);
  [editor, reporter] = await Promise.all(['bk-editor', 'bk-rep'].map((u) => login(srv.base, u, PW)));
  const pick = (ed) => dbExec(dir, `SELECT id, slug FROM articles WHERE edition = '${ed}' AND status = 'published' ORDER BY id LIMIT 1`).trim().split('\t');
  story = pick('en')[0];
  arStory = pick('ar')[0];
  for (const ed of ['en', 'ar']) {
    const front = (await anon(`/${ed}/`)).text;
    const article = /<h[23][^>]*>\s*<a href="(\/(?:en|ar)\/\d{4}\/[^"]+)"/.exec(front)[1];
    const section = /<nav class="sections"[\s\S]*?<a href="([^"]+)"/.exec(front)[1];
    PAGES[ed] = [`/${ed}/`, section, article, `/${ed}/search?q=water`];
  }
  // the demo raises one banner per edition: take them down so each test starts from none
  for (const ed of ['en', 'ar']) assert.equal((await post(srv.base, `/admin/breaking/${ed}/end`, editor)).status, 200);
});
after(async () => { await srv?.stop(); });

test('the demo raised a banner in each edition, and taking it down clears every page', async () => {
  assert.equal(Number(dbExec(dir, 'SELECT count(*) FROM breaking').trim()), 2, 'one demo banner per edition');
  for (const ed of ['en', 'ar']) {
    assert.equal(upCount(ed), 0);
    for (const p of PAGES[ed]) assert.equal(banner((await anon(p)).text), null, `${p} shows no banner once it is down`);
  }
  // nothing up: taking down again says so
  const r = await post(srv.base, '/admin/breaking/en/end', editor);
  assert.equal(r.status, 404);
  assert.match(formError(await r.text()), /No banner is up/);
});

test('raised: at the top of every page of its edition, at once through the page cache, and of no other', async () => {
  await warm([...PAGES.en, ...PAGES.ar]);
  const text = `Earthquake shakes the north ${Date.now()}`;
  const r = await raise({ text, article: story });
  assert.equal(r.status, 200, formError(r.html));
  assert.match(formNotice(r.html), /banner is up/);
  assert.equal(upCount('en'), 1);
  for (const p of PAGES.en) {
    const got = await anon(p);
    const b = banner(got.text);
    assert.ok(b, `${p} shows the banner`);
    assert.equal(b.text, text);
    assert.equal(b.label, 'Breaking news');
    assert.match(b.href, /^\/en\/\d{4}\//, 'it links the story');
    if (!p.includes('/search')) assert.equal(got.cache, 'miss', `${p} was purged`);
    // at the top: after the masthead, before the page's own content
    assert.ok(got.text.indexOf('class="breaking"') < got.text.indexOf('<main id="main">'));
  }
  for (const p of PAGES.ar) assert.equal(banner((await anon(p)).text), null, `${p} (the other edition) shows none`);
  // the linked story's address is the article's own
  const href = banner((await anon('/en/')).text).href;
  assert.equal((await anon(href)).status, 200);
  // an Arabic banner: the Arabic label, linking an address of the site given in full
  const arText = `زلزال في الشمال ${Date.now()}`;
  const ar = await raise({ edition: 'ar', text: arText, url: '/ar/section/x' });
  assert.equal(ar.status, 200, formError(ar.html));
  const b = banner((await anon('/ar/')).text);
  assert.equal(b.label, 'عاجل');
  assert.equal(b.text, arText);
  assert.equal(b.href, '/ar/section/x');
  // the newsroom page shows each edition's banner up with its expiry and a take-down button
  const desk = (await page(srv.base, '/admin/breaking', editor)).html;
  assert.match(desk, /action="\/admin\/breaking\/en\/end"/);
  assert.match(desk, /action="\/admin\/breaking\/ar\/end"/);
  assert.match(desk, /<time datetime="\d{4}-\d\d-\d\dT/);
  // a new banner replaces the one up
  const second = `Aftershocks expected ${Date.now()}`;
  assert.equal((await raise({ text: second, article: story })).status, 200);
  assert.equal(upCount('en'), 1);
  assert.equal(banner((await anon('/en/')).text).text, second);
  const audit = dbExec(dir, "SELECT action FROM audit_log WHERE action LIKE 'breaking.%' ORDER BY id").trim().split('\n');
  assert.ok(audit.includes('breaking.raised') && audit.includes('breaking.ended'), audit.join(','));
});

test('taken down: every page of the edition loses it at once', async () => {
  assert.equal((await raise({ text: `Down soon ${Date.now()}`, article: story })).status, 200);
  await warm(PAGES.en);
  assert.ok(banner((await anon('/en/')).text));
  const r = await post(srv.base, '/admin/breaking/en/end', editor);
  assert.equal(r.status, 200);
  assert.match(formNotice(await r.text()), /banner is down/);
  for (const p of PAGES.en) assert.equal(banner((await anon(p)).text), null, `${p} lost the banner`);
  assert.equal(upCount('en'), 0);
  assert.equal((await post(srv.base, '/admin/breaking/xx/end', editor)).status, 404);
});

test('expiry: the scheduler takes the banner down at its time, with no request; an expired one is never rendered', async () => {
  const text = `Expiring line ${Date.now()}`;
  assert.equal((await raise({ text, article: story, minutes: '1' })).status, 200);
  await warm(PAGES.en);
  assert.equal(banner((await anon('/en/')).text).text, text);
  // a minute is the shortest expiry the form takes; rather than wait for it, the row's expiry is moved to
  // two seconds from now behind the server's back, and raising the Arabic banner (which wakes the
  // scheduler, as every raise does) makes the scheduler read the new time: from then on only its own
  // clock can end the English banner and purge the cached pages
  const at = Math.floor(Date.now() / 1000) + 2;
  dbExec(dir, `UPDATE breaking SET expires_at = ${at} WHERE edition = 'en' AND ended_at IS NULL`);
  assert.equal((await raise({ edition: 'ar', text: `Wake ${Date.now()}`, article: arStory })).status, 200);
  let gone = false;
  for (let i = 0; i < 150 && !gone; i++) {
    await sleep(100);
    gone = banner((await anon('/en/')).text) === null;
  }
  assert.ok(gone, 'the cached front page lost the expired banner');
  for (const p of PAGES.en) assert.equal(banner((await anon(p)).text), null, `${p} lost it too`);
  assert.equal(upCount('en'), 0, 'the scheduler ended it');
  assert.match(dbExec(dir, "SELECT action FROM audit_log WHERE action = 'breaking.expired'"), /breaking\.expired/);
  assert.ok(banner((await anon('/ar/')).text), 'the other edition keeps its own');
  // a banner past its expiry that the scheduler has not ended (a write behind its back) is not rendered
  dbExec(dir, `UPDATE breaking SET expires_at = ${Math.floor(Date.now() / 1000) - 5} WHERE edition = 'ar' AND ended_at IS NULL`);
  assert.equal(banner((await anon(`/ar/?never-cached=${Date.now()}`)).text), null);
});

test('an expiry in the past, zero or too far is refused, keeping what was typed', async () => {
  for (const [minutes, why] of [['0', /in the past/], ['-5', /in the past/], ['abc', /whole number of minutes/],
    ['1.5', /whole number of minutes/], ['2881', /too far away/]]) {
    const text = `Kept line ${minutes}`;
    const r = await raise({ text, article: story, minutes });
    assert.equal(r.status, 400, `minutes=${minutes}`);
    assert.match(formError(r.html), why);
    assert.equal(fieldValue(r.html, 'text'), text, 'the line is kept');
    assert.match(r.html, /id="minutes-en"[^>]*aria-invalid="true"/);
  }
  assert.equal(upCount('en'), 0, 'nothing was raised');
  assert.match(dbExec(dir, "SELECT count(*) FROM audit_log WHERE action = 'breaking.refused'"), /^[1-9]/);
});

test('bad input: empty, too long or marked-up lines, unknown or foreign links, both links or none', async () => {
  const long = 'x'.repeat(161);
  const cases = [
    [{ text: '   ', article: story }, /Write the banner's line/, 'text'],
    [{ text: long, article: story }, /too long: 161 characters, and at most 160/, 'text'],
    [{ text: 'Alert <b>now</b>', article: story }, /plain text/, 'text'],
    [{ text: 'Line\nbreak', article: story }, /one line/, 'text'],
    [{ text: 'No link' }, /Choose the story/, 'article'],
    [{ text: 'Both', article: story, url: '/en/' }, /not both/, 'article'],
    [{ text: 'Unknown', article: '999999' }, /no article number 999999/, 'article'],
    [{ text: 'Other edition', article: arStory }, /other edition/, 'article'],
    [{ text: 'Not a number', article: 'abc' }, /picker/, 'article'],
    [{ text: 'Foreign', url: 'https://evil.example/x' }, /address on this site/, 'url'],
    [{ text: 'Protocol-relative', url: '//evil.example/x' }, /address on this site/, 'url'],
    [{ text: 'Script', url: 'javascript:alert(1)' }, /address on this site/, 'url'],
    [{ text: 'Quote', url: '/en/"onmouseover=x' }, /address on this site/, 'url'],
  ];
  for (const [f, why, field] of cases) {
    const r = await raise(f);
    assert.equal(r.status, 400, JSON.stringify(f));
    assert.match(formError(r.html), why, JSON.stringify(f));
    assert.match(r.html, new RegExp(`id="${field}-en"[^>]*aria-invalid="true"`), `${field} is marked`);
    if (f.text.trim() && !f.text.includes('\n')) assert.equal(fieldValue(r.html, 'text'), f.text, 'the line is kept');
  }
  // an unknown edition
  const r = await raise({ edition: 'fr', text: 'Bonjour', url: '/en/' });
  assert.equal(r.status, 400);
  assert.match(formError(r.html), /edition/);
  // a draft is not linked (readers could not open it)
  const draft = dbExec(dir, "SELECT id FROM articles WHERE edition = 'en' AND status <> 'published' LIMIT 1").trim();
  if (draft) assert.match(formError((await raise({ text: 'Draft', article: draft })).html), /not published/);
  // 160 characters exactly, Arabic counted in characters, is accepted
  const ok = await raise({ edition: 'ar', text: 'ع'.repeat(160), article: arStory });
  assert.equal(ok.status, 200, formError(ok.html));
  assert.equal(upCount('en'), 0, 'no English banner was raised by the refusals');
});

test('permissions: a reporter cannot raise or take down a banner, nor sees the link; readers are sent to log in', async () => {
  const r = await raise({ text: 'Reporter line', article: story }, reporter);
  assert.equal(r.status, 403);
  assert.equal((await post(srv.base, '/admin/breaking/ar/end', reporter)).status, 403);
  assert.equal((await page(srv.base, '/admin/breaking', reporter)).status, 403);
  assert.doesNotMatch((await page(srv.base, '/admin/', reporter)).html, /href="\/admin\/breaking"/);
  assert.match((await page(srv.base, '/admin/', editor)).html, /href="\/admin\/breaking"/);
  const a = await fetch(`${srv.base}/admin/breaking`, { redirect: 'manual' });
  assert.ok([302, 303].includes(a.status), `anonymous: ${a.status}`);
  assert.equal(upCount('en'), 0);
  // without the CSRF token: refused, the form kept
  const forged = await post(srv.base, '/admin/breaking', editor, { csrf: 'forged', edition: 'en', text: 'Forged', article: story, minutes: '5' });
  assert.equal(forged.status, 403);
  assert.equal(upCount('en'), 0);
});
