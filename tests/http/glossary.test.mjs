// Issue 19, the glossary: names and their agreed spelling in each edition, kept by editors (reporters read
// it), offered in the article editor (the names a story and its translation mention, both spellings) and
// checked on save (a variant where the edition's agreed spelling is expected: a warning shown with the
// saved page, never a refusal). A duplicate (the same English or Arabic name once normalised: case,
// tashkeel, hamza forms) is refused with what was typed kept; so are an unknown kind, an empty or
// over-long field. Both engines (BROADSHEET_TEST_DB).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dbExec, demoSite, startServer, unescapeHtml } from '../lib/server.mjs';
import { addUser, fieldValue, formError, formNotice, login, page, post, selectOptions } from '../lib/newsroom.mjs';

const PW = 'a-long-password';
let dir, srv, editor, reporter, boss, sections;

before(async () => {
  dir = demoSite(0);
  addUser(dir, 'gl-editor', 'editor', PW);
  addUser(dir, 'gl-rep', 'reporter', PW);
  addUser(dir, 'gl-boss', 'admin', PW);
  srv = await startServer(dir);
  [editor, reporter, boss] = await Promise.all(['gl-editor', 'gl-rep', 'gl-boss'].map((u) => login(srv.base, u, PW)));
  const opts = selectOptions((await page(srv.base, '/admin/articles/new', editor)).html, 'section');
  sections = { en: opts.find((o) => o.label.startsWith('English: ')).value, ar: opts.find((o) => !o.label.startsWith('English: ')).value };
});
after(async () => { await srv?.stop(); });

/** An entry's form fields, with over. */
function entry(over = {}) {
  return { id: '', kind: 'person', name_en: 'Zayd Qasimi', name_ar: 'زيد القاسمي', variants: 'Zaid Kasimi; Zayd al-Qasimi\nزيد قاسمي', note: 'Minister of water', ...over };
}

/** Adds an entry as session s; asserts the redirect; returns its id (read back from the page). */
async function add(s, over = {}) {
  const f = entry(over);
  const r = await post(srv.base, '/admin/glossary', s, f);
  assert.equal(r.status, 303, `add ${f.name_en}: ${formError(await r.text())}`);
  assert.equal(r.headers.get('location'), '/admin/glossary?done=added');
  const list = (await page(srv.base, `/admin/glossary?q=${encodeURIComponent(f.name_en)}`, s)).html;
  const m = new RegExp(`<bdi>${f.name_en}</bdi>[\\s\\S]*?/admin/glossary\\?edit=(\\d+)`).exec(list);
  assert.ok(m, `${f.name_en} listed with its edit link`);
  return m[1];
}

/** The glossary rows of a page: [{en, ar}]. */
function rows(html) {
  return [...html.matchAll(/<tr class="glossary-entry"><td lang="en" dir="ltr"><bdi>([^<]*)<\/bdi><\/td><td lang="ar" dir="rtl"><bdi>([^<]*)<\/bdi>/g)]
    .map((m) => ({ en: unescapeHtml(m[1]), ar: unescapeHtml(m[2]) }));
}

/** The field a refusal marks (aria-invalid) on the glossary form. */
function invalidField(html) {
  const m = /<(?:input|select|textarea) id="gl-[a-z-]+" name="([a-z_]+)"[^>]*aria-invalid="true"/.exec(html);
  return m?.[1];
}

/** The editor's glossary panel: {names: ["en|ar"], warnings: [text]} or null when there is none. */
function panel(html) {
  const m = /<aside class="glossary-panel"[\s\S]*?<\/aside>/.exec(html);
  if (!m) return null;
  const names = [...m[0].matchAll(/<li><span lang="en" dir="ltr"><bdi>([^<]*)<\/bdi><\/span> · <span lang="ar" dir="rtl"><bdi>([^<]*)<\/bdi>/g)]
    .map((x) => `${unescapeHtml(x[1])}|${unescapeHtml(x[2])}`);
  const w = /<div class="glossary-warnings" role="status">[\s\S]*?<ul>([\s\S]*?)<\/ul>/.exec(m[0]);
  const warnings = w ? [...w[1].matchAll(/<li>([\s\S]*?)<\/li>/g)].map((x) => unescapeHtml(x[1].replace(/<\/?bdi>/g, ''))) : [];
  return { names, warnings };
}

/** Saves a new article as session s; returns its id. */
async function article(s, edition, headline, body, over = {}) {
  const r = await post(srv.base, '/admin/articles/new', s, {
    version: '0', headline, standfirst: 'Standfirst.', body, edition, section: sections[edition], slug: '', dateline: '',
    bylines: 'Staff', tags: '', media: '', caption: '', credit: '', translation: '', do: 'save', ...over,
  });
  assert.equal(r.status, 303, `save ${headline}: ${formError(await r.text())}`);
  return Number(/^\/admin\/articles\/(\d+)\?notice=saved$/.exec(r.headers.get('location'))[1]);
}

test('an editor adds, searches, edits and deletes entries; the variants are stored one a line', async () => {
  const id = await add(editor);
  let html = (await page(srv.base, '/admin/glossary?done=added', editor)).html;
  assert.equal(formNotice(html), 'Entry added to the glossary.');
  assert.deepEqual(rows(html).filter((r) => r.en === 'Zayd Qasimi'), [{ en: 'Zayd Qasimi', ar: 'زيد القاسمي' }]);
  assert.match(html, /<bdi dir="auto">Zaid Kasimi<\/bdi><br><bdi dir="auto">Zayd al-Qasimi<\/bdi><br><bdi dir="auto">زيد قاسمي<\/bdi>/);
  // search: case, tashkeel and hamza forms do not matter; variants and the note are searched
  for (const q of ['zayd', 'KASIMI', 'زَيْد', 'water']) {
    const found = rows((await page(srv.base, `/admin/glossary?q=${encodeURIComponent(q)}`, editor)).html);
    assert.ok(found.some((r) => r.en === 'Zayd Qasimi'), `search ${q}`);
  }
  html = (await page(srv.base, '/admin/glossary?q=nothing-like-it', editor)).html;
  assert.deepEqual(rows(html), []);
  assert.match(html, /No entry matches this search\./);
  // edit: the form holds the stored entry
  html = (await page(srv.base, `/admin/glossary?edit=${id}`, editor)).html;
  assert.equal(fieldValue(html, 'id'), id);
  assert.equal(fieldValue(html, 'name_ar'), 'زيد القاسمي');
  assert.equal(fieldValue(html, 'variants'), 'Zaid Kasimi\nZayd al-Qasimi\nزيد قاسمي');
  let r = await post(srv.base, '/admin/glossary', editor, entry({ id, kind: 'title', name_en: 'Minister Zayd Qasimi', variants: '' }));
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/admin/glossary?done=saved');
  html = (await page(srv.base, `/admin/glossary?edit=${id}`, editor)).html;
  assert.equal(fieldValue(html, 'name_en'), 'Minister Zayd Qasimi');
  assert.equal(selectOptions(html, 'kind').find((o) => o.selected).value, 'title');
  assert.equal((await page(srv.base, '/admin/glossary?edit=999999', editor)).status, 404);
  assert.equal((await page(srv.base, '/admin/glossary?edit=x', editor)).status, 404);
  // delete
  r = await post(srv.base, `/admin/glossary/${id}/delete`, editor, {});
  assert.equal(r.status, 303);
  html = (await page(srv.base, '/admin/glossary?done=deleted', editor)).html;
  assert.equal(formNotice(html), 'Entry deleted from the glossary.');
  assert.ok(!rows(html).some((x) => x.en === 'Minister Zayd Qasimi'));
  assert.equal((await post(srv.base, `/admin/glossary/${id}/delete`, editor, {})).status, 404);
});

test('a duplicate English or Arabic name, also differing only by case, tashkeel or hamza, is refused with what was typed kept', async () => {
  await add(editor, { name_en: 'Layla Haddad', name_ar: 'ليلى حداد', variants: '', note: '' });
  const cases = [
    [{ name_en: 'Layla Haddad', name_ar: 'اسم آخر' }, 'name_en'],
    [{ name_en: 'LAYLA  haddad', name_ar: 'اسم ثالث' }, 'name_en'],
    [{ name_en: 'Someone Else', name_ar: 'ليلى حداد' }, 'name_ar'],
    [{ name_en: 'Someone Else', name_ar: 'لَيْلى حدّاد' }, 'name_ar'],
  ];
  for (const [over, field] of cases) {
    const typed = entry({ ...over, variants: 'Laila Hadad\nليلى الحداد', note: 'typed note' });
    const r = await post(srv.base, '/admin/glossary', editor, typed);
    assert.equal(r.status, 400, JSON.stringify(over));
    const html = await r.text();
    assert.match(formError(html), field === 'name_en' ? /Another entry already has this English name/ : /Another entry already has this Arabic name/);
    assert.equal(invalidField(html), field);
    for (const k of ['name_en', 'name_ar', 'variants', 'note']) assert.equal(fieldValue(html, k), typed[k], `${k} kept`);
  }
  // an entry keeps its own names when edited
  const list = (await page(srv.base, '/admin/glossary?q=layla', editor)).html;
  const id = /\/admin\/glossary\?edit=(\d+)/.exec(list)[1];
  const r = await post(srv.base, '/admin/glossary', editor, entry({ id, name_en: 'layla haddad', name_ar: 'ليلى حداد', variants: '', note: 'same names' }));
  assert.equal(r.status, 303);
});

test('an unknown kind, an empty or over-long field is refused with the field named and what was typed kept', async () => {
  const cases = [
    [{ kind: 'planet' }, 'kind', /Choose the kind of name/],
    [{ kind: '' }, 'kind', /Choose the kind of name/],
    [{ name_en: '   ' }, 'name_en', /Give the English name/],
    [{ name_en: '--' }, 'name_en', /Give the English name/],
    [{ name_ar: '' }, 'name_ar', /Give the Arabic name/],
    [{ name_en: 'A'.repeat(201) }, 'name_en', /too long/],
    [{ name_ar: 'ب'.repeat(101) }, 'name_ar', /too long/],
    [{ variants: Array.from({ length: 31 }, (_, i) => `Spelling ${i}`).join('\n') }, 'variants', /Too many variants/],
    [{ variants: 'x'.repeat(2001) }, 'variants', /Too many variants/],
    [{ note: 'n'.repeat(1001) }, 'note', /note is too long/],
  ];
  for (const [over, field, why] of cases) {
    const typed = entry({ name_en: 'Valid Name', name_ar: 'اسم صالح', ...over });
    const r = await post(srv.base, '/admin/glossary', editor, typed);
    assert.equal(r.status, 400, JSON.stringify(over).slice(0, 60));
    const html = await r.text();
    assert.match(formError(html), why);
    assert.equal(invalidField(html), field);
    assert.match(html, new RegExp(`<span class="field-error" id="gl-${field.replace('_', '-')}-error">`));
    for (const k of ['name_en', 'name_ar', 'variants', 'note']) assert.equal(fieldValue(html, k), typed[k], `${k} kept`);
  }
  assert.ok(!rows((await page(srv.base, '/admin/glossary?q=valid', editor)).html).length, 'nothing stored');
});

test('a reporter reads the glossary but cannot change it; an administrator can; every POST needs the CSRF token', async () => {
  const id = await add(boss, { name_en: 'Omar Farouk', name_ar: 'عمر فاروق', variants: '' });
  let html = (await page(srv.base, '/admin/glossary', reporter)).html;
  assert.ok(rows(html).some((r) => r.en === 'Omar Farouk'), 'the reporter reads it');
  assert.doesNotMatch(html, /name="name_en"/, 'no form for a reporter');
  assert.doesNotMatch(html, /\/delete"/, 'no delete buttons');
  assert.match(html, /<a href="\/admin\/glossary">Glossary<\/a>/, 'in the newsroom menu');
  let r = await post(srv.base, '/admin/glossary', reporter, entry({ name_en: 'Reporter Entry', name_ar: 'مدخل مراسل' }));
  assert.equal(r.status, 403);
  assert.equal(formError(await r.text()), 'Only editors and administrators keep the glossary.');
  assert.equal((await post(srv.base, `/admin/glossary/${id}/delete`, reporter, {})).status, 403);
  // no or a wrong CSRF token: refused, the form keeps what was typed, nothing stored or deleted
  r = await post(srv.base, '/admin/glossary', editor, { csrf: 'wrong', ...entry({ name_en: 'Forged Entry', name_ar: 'مدخل مزور' }) });
  assert.equal(r.status, 403);
  assert.equal(fieldValue(await r.text(), 'name_en'), 'Forged Entry');
  r = await post(srv.base, `/admin/glossary/${id}/delete`, editor, { csrf: 'wrong' });
  assert.equal(r.status, 403);
  html = (await page(srv.base, '/admin/glossary', editor)).html;
  assert.ok(rows(html).some((x) => x.en === 'Omar Farouk'), 'not deleted');
  assert.ok(!rows(html).some((x) => x.en === 'Forged Entry'), 'not added');
  // not logged in
  assert.equal((await page(srv.base, '/admin/glossary', undefined)).status, 303);
});

test('the editor lists the glossary names a story and its translation mention, with both spellings', async () => {
  await add(editor, { name_en: 'Nadia Salem', name_ar: 'نادية سالم', variants: 'Nadya Salim\nنادية سليم', note: 'Mayor' });
  await add(editor, { kind: 'place', name_en: 'Wadi Rum', name_ar: 'وادي رم', variants: '', note: '' });
  await add(editor, { kind: 'organisation', name_en: 'Harbour Authority', name_ar: 'هيئة الميناء', variants: '', note: '' });
  const en = await article(editor, 'en', 'Nadia Salem opens the season', 'The mayor spoke at the gate.');
  let p = panel((await page(srv.base, `/admin/articles/${en}`, editor)).html);
  assert.deepEqual(p.names, ['Nadia Salem|نادية سالم']);
  assert.deepEqual(p.warnings, []);
  // its translation mentions Wadi Rum in Arabic, with a prefix: listed in both
  const ar = await article(editor, 'ar', 'موسم جديد', 'افتتحت نادية سالم الموسم وزارت وادي رم.', { translation: String(en) });
  p = panel((await page(srv.base, `/admin/articles/${ar}`, editor)).html);
  assert.deepEqual(p.names.sort(), ['Nadia Salem|نادية سالم', 'Wadi Rum|وادي رم']);
  p = panel((await page(srv.base, `/admin/articles/${en}`, editor)).html);
  assert.deepEqual(p.names.sort(), ['Nadia Salem|نادية سالم', 'Wadi Rum|وادي رم'], 'the pair\'s text counts');
  // a story that names no entry has no panel
  const none = await article(editor, 'en', 'Weather today', 'Sunny.');
  assert.equal(panel((await page(srv.base, `/admin/articles/${none}`, editor)).html), null);
});

test('a save that spells a name with a variant succeeds and shows a warning naming the agreed spelling', async () => {
  await add(editor, { name_en: 'Karim Mansour', name_ar: 'كريم منصور', variants: 'Kareem Mansur\nكريم منصوري', note: '' });
  const id = await article(editor, 'en', 'Kareem Mansur wins', 'KAREEM MANSUR said the vote was fair.');
  const html = (await page(srv.base, `/admin/articles/${id}?notice=saved`, editor)).html;
  assert.equal(formNotice(html), 'Saved.', 'the save went through');
  assert.equal(fieldValue(html, 'headline'), 'Kareem Mansur wins', 'as written');
  const p = panel(html);
  assert.deepEqual(p.warnings, ['«Kareem Mansur» is written «Karim Mansour» in the glossary.']);
  assert.deepEqual(p.names, ['Karim Mansour|كريم منصور']);
  // the Arabic edition: an Arabic variant warns (with a prefix); an English variant in Arabic text does not
  const ar = await article(editor, 'ar', 'فوز', 'قال لكريم منصوري إن Kareem Mansur فاز.');
  const pa = panel((await page(srv.base, `/admin/articles/${ar}`, editor)).html);
  assert.deepEqual(pa.warnings, ['«كريم منصوري» is written «كريم منصور» in the glossary.']);
  // corrected: the warning is gone on the next save
  const fix = (await page(srv.base, `/admin/articles/${id}`, editor)).html;
  const r = await post(srv.base, `/admin/articles/${id}`, editor, {
    version: fieldValue(fix, 'version'), headline: 'Karim Mansour wins', standfirst: 'Standfirst.', body: 'Karim Mansour said so.',
    edition: 'en', section: sections.en, slug: fieldValue(fix, 'slug'), dateline: '', bylines: 'Staff', tags: '', media: '0',
    caption: '', credit: '', translation: '', do: 'save',
  });
  assert.equal(r.status, 303);
  assert.deepEqual(panel((await page(srv.base, `/admin/articles/${id}`, editor)).html).warnings, []);
});

test('the glossary page and the warning speak Arabic, right to left, to a person who works in Arabic', async () => {
  const r = await post(srv.base, '/admin/language', reporter, { lang: 'ar' });
  assert.equal(r.status, 303);
  const html = (await page(srv.base, '/admin/glossary', reporter)).html;
  assert.match(html, /<html lang="ar" dir="rtl">/);
  assert.match(html, /<h1>المسرد<\/h1>/);
  assert.match(html, /<a href="\/admin\/glossary">المسرد<\/a>/);
  await add(editor, { name_en: 'Hana Aziz', name_ar: 'هناء عزيز', variants: 'Hanaa Aziz', note: '' });
  const id = await article(reporter, 'en', 'Hanaa Aziz visits', 'Text.');
  const p = panel((await page(srv.base, `/admin/articles/${id}`, reporter)).html);
  assert.deepEqual(p.warnings, ['«Hanaa Aziz» تُكتب «Hana Aziz» في المسرد.']);
  await post(srv.base, '/admin/language', reporter, { lang: '' });
});

test('the demo has a glossary of the names its stories use, and exactly one story spells one with a variant', async () => {
  const html = (await page(srv.base, '/admin/glossary', reporter)).html;
  for (const en of ['Amman', 'Aqaba', 'Petra', 'United Nations', 'Prime Minister', 'Omar Darwish', 'Elena Marković']) {
    assert.ok(rows(html).some((r) => r.en === en), `${en} in the demo glossary`);
  }
  const arts = dbExec(dir, "SELECT id, edition, translation_group FROM articles WHERE translation_group LIKE 'demo-%' ORDER BY id")
    .trim().split('\n').map((l) => l.split('\t'));
  assert.ok(arts.length >= 80, 'the demo stories');
  const warned = [];
  let offered = 0;
  for (const [id, edition, group] of arts) {
    const p = panel((await page(srv.base, `/admin/articles/${id}`, editor)).html);
    if (p) offered++;
    for (const w of p?.warnings ?? []) warned.push(`${group} ${edition}: ${w}`);
  }
  assert.deepEqual(warned, ['demo-museum-reopens en: «Omar Darweesh» is written «Omar Darwish» in the glossary.']);
  assert.ok(offered >= 20, `the panel on many demo stories (${offered})`);
});

test('the admin API saves a story with a variant and answers with the glossary\'s warnings', async () => {
  await add(editor, { name_en: 'Rania Khalil', name_ar: 'رانيا خليل', variants: 'Ranya Khaleel', note: '' });
  const form = new URLSearchParams({ csrf: boss.csrf, name: 'glossary-api', days: '30' });
  for (const s of ['read', 'write']) form.append('scope', s);
  const k = await fetch(`${srv.base}/admin/api-keys`, { method: 'POST', body: form, headers: { cookie: `bs_session=${boss.cookie}` }, redirect: 'manual' });
  const key = /<code class="token">(bsk_[0-9a-f]{64})<\/code>/.exec(await k.text())?.[1];
  assert.ok(key, 'a key');
  const call = async (method, p, body) => {
    const r = await fetch(srv.base + p, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
    return { status: r.status, json: await r.json() };
  };
  const c = await call('POST', '/api/v1/admin/articles', { edition: 'en', section: 'business', headline: 'Ranya Khaleel speaks', body: 'Text.' });
  assert.equal(c.status, 201, JSON.stringify(c.json));
  assert.deepEqual(c.json.article.glossary_warnings, [{ used: 'Ranya Khaleel', agreed: 'Rania Khalil' }]);
  const u = await call('PUT', `/api/v1/admin/articles/${c.json.article.id}`, { version: c.json.article.version, headline: 'Rania Khalil speaks' });
  assert.equal(u.status, 200, JSON.stringify(u.json));
  assert.deepEqual(u.json.article.glossary_warnings, []);
});
