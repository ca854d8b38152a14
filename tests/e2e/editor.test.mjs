// Issue 18, the writing desk in Chromium: ProseMirror over the body's textarea, writing the Markdown of
// docs/blocks.md back into it. In both editions, with Arabic and English text: type and format a story,
// undo and redo, the paragraph direction button, paste a Word and a Google Docs clipboard (committed
// fixtures, tests/fixtures/clipboard) and get clean Markdown, paste a link to make an embed, lose the
// browser mid-typing after an autosave and recover the text on reopening, publish; vnu and axe on the
// editor page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { demoSite, startServer, run, ROOT, dbExec } from '../lib/server.mjs';
import { launch, axe, vnu, screenshot } from '../lib/browser.mjs';

const PASSWORD = 'correct horse battery';
const CLIP = path.join(ROOT, 'tests/fixtures/clipboard');
let srv, browser, site;

function addUser(name, role) {
  const r = run(['user', 'add', '--site', site, '--name', name, '--role', role, '--display-name', `Test ${role}`],
    { input: `${PASSWORD}\n` });
  assert.equal(r.status, 0, r.stderr);
}

async function logIn(page, login) {
  await page.goto(`${srv.base}/admin/login`);
  await page.fill('#login', login);
  await page.fill('#password', PASSWORD);
  await page.click('button:text("Log in")');
  await page.waitForURL(`${srv.base}/admin/`);
}

/** Opens the new-article page of an edition with the desk mounted; returns the editing surface. */
async function openNew(page, edition) {
  await page.goto(`${srv.base}/admin/articles/new?edition=${edition}`);
  const surface = page.locator('.pm-editor');
  await surface.waitFor();
  return surface;
}

/** The Markdown the desk wrote into the (hidden) form field. */
const markdown = async (page) => (await page.inputValue('#body')).replace(/\r\n/g, '\n');

/** Pastes a clipboard of html (and text) into the editor at the caret, as the browser delivers one. */
async function paste(page, { html, text }) {
  await page.evaluate(({ html: h, text: t }) => {
    const dt = new DataTransfer();
    if (h) dt.setData('text/html', h);
    dt.setData('text/plain', t ?? '');
    document.querySelector('.pm-editor').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, { html, text });
}

/** Empties the editor (select all, delete). */
async function clear(page) {
  await page.locator('.pm-editor').click();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
}

before(async () => {
  site = demoSite(0);
  addUser('rep', 'reporter');
  addUser('ed', 'editor');
  addUser('crash_en', 'editor'); // one account per crash test: its own unsaved copy of a new article
  addUser('crash_ar', 'editor');
  srv = await startServer(site);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

for (const edition of ['en', 'ar']) {
  const rtl = edition === 'ar';
  test(`${edition}: type and format, undo and redo, direction, word count`, async () => {
    const page = await browser.context.newPage();
    await logIn(page, 'ed');
    const surface = await openNew(page, edition);
    assert.equal(await page.locator('#body').isVisible(), false, 'the textarea is hidden behind the desk');
    assert.equal(await surface.getAttribute('dir'), rtl ? 'rtl' : 'ltr');
    await surface.click();
    await page.keyboard.type('## ');
    await page.keyboard.type(rtl ? 'الميناء يعود إلى العمل' : 'The port returns to work');
    await page.keyboard.press('Enter');
    await page.keyboard.type(rtl ? 'عاد العمال ' : 'Dockers went back ');
    await page.keyboard.press('Control+b');
    await page.keyboard.type(rtl ? 'صباح الاثنين' : 'on Monday');
    await page.keyboard.press('Control+b');
    await page.keyboard.type(rtl ? ' بعد ' : ' after ');
    await page.locator('.pm-toolbar .pm-italic').click();
    await page.keyboard.type(rtl ? 'أسبوعين' : 'two weeks');
    await page.keyboard.press('Control+i');
    await page.keyboard.type('.');
    await page.keyboard.press('Enter');
    // a paragraph in the other language, its direction set by the button
    await page.keyboard.type(rtl ? 'The harbour master spoke in English.' : 'قال مدير الميناء إن العمل استؤنف.');
    const dirButton = page.locator('.pm-toolbar .pm-dir');
    // (the newsroom's pages are in English: the toolbar's names too)
    assert.equal(await dirButton.getAttribute('aria-label'), 'Paragraph direction: automatic');
    await dirButton.click();
    if (rtl) await dirButton.click(); // automatic -> right to left -> left to right
    let md = await markdown(page);
    const expected = rtl
      ? '## الميناء يعود إلى العمل\n\nعاد العمال **صباح الاثنين** بعد *أسبوعين*.\n\n\u200EThe harbour master spoke in English.\n'
      : '## The port returns to work\n\nDockers went back **on Monday** after *two weeks*.\n\n\u200Fقال مدير الميناء إن العمل استؤنف.\n';
    assert.equal(md, expected);
    assert.equal(await surface.locator('p').last().getAttribute('dir'), rtl ? 'ltr' : 'rtl');
    assert.match(await page.locator('.pm-count').textContent(), /^1\d words · 1 min read$/);
    // undo removes the direction, redo puts it back (toolbar buttons and keys)
    await page.keyboard.press('Control+z');
    md = await markdown(page);
    assert.ok(!md.includes(rtl ? '\u200E' : '\u200F'), 'undo took the direction mark away');
    await page.keyboard.press('Control+Shift+z');
    assert.equal(await markdown(page), expected, 'redo put it back');
    await page.locator('.pm-toolbar .pm-undo').click();
    await page.locator('.pm-toolbar .pm-redo').click();
    assert.equal(await markdown(page), expected);
    // Mod-k makes a link (an unsafe address is refused with an alert)
    let answer = '';
    const alerts = [];
    page.on('dialog', (d) => {
      if (d.type() === 'prompt') d.accept(answer);
      else { alerts.push(d.message()); d.dismiss(); }
    });
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+Home');
    answer = 'javascript:alert(1)';
    await page.keyboard.press('Control+k');
    await page.waitForFunction(() => true);
    assert.equal(alerts.length, 1);
    assert.match(alerts[0], /Links may be http\(s\), mailto or a path/);
    assert.doesNotMatch(await markdown(page), /javascript/);
    answer = 'https://example.org/port';
    await page.keyboard.press('Control+k');
    assert.match(await markdown(page), /\[[^\]]+\]\(https:\/\/example\.org\/port\)\n$/);
    await check(page, `the editor (${edition})`);
    await screenshot(page, `editor-desk-${edition}`);
    await page.close();
  });

  test(`${edition}: Word and Google Docs pastes are cleaned; a pasted link becomes an embed`, async () => {
    const page = await browser.context.newPage();
    await logIn(page, 'ed');
    await openNew(page, edition);
    await clear(page);
    await paste(page, { html: fs.readFileSync(path.join(CLIP, 'word.html'), 'utf8'), text: 'Flood waters recede' });
    const word = await markdown(page);
    const arMark = ''; // an Arabic paragraph reads right to left by itself (dir="auto"): no mark needed
    assert.equal(word, '## Flood waters recede in the valley\n\n'
      + 'Residents returned on **Tuesday** to find the market square under *half a metre* of mud, officials said.\n\n'
      + '- Roads to the north are closed\n- Schools reopen on Monday\n\n'
      + `${arMark}قال رئيس البلدية إن المياه بدأت تنحسر.\n\n`
      + 'Read the [full report](https://example.org/flood-report) or this.\n');
    await clear(page);
    await paste(page, { html: fs.readFileSync(path.join(CLIP, 'gdocs.html'), 'utf8'), text: 'Ministers agree' });
    const docs = await markdown(page);
    assert.equal(docs, '## Ministers agree on the water plan\n\n'
      + 'The agreement was signed **late on Wednesday** after *three days* of talks.\n\n'
      + `${arMark}وقّع الوزراء الاتفاق مساء الأربعاء.\n\n`
      + '- Two new desalination plants\n- A shared monitoring office\n\n'
      + '[The plan in full](https://example.org/water-plan)\n');
    for (const md of [word, docs]) assert.doesNotMatch(md, /<|style|class=|mso|alert|evil|docs-internal/);
    // a bare https link pasted on an empty paragraph makes an embed block
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await paste(page, { text: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ' });
    assert.match(await markdown(page), /\n```embed\nurl: https:\/\/www\.youtube\.com\/watch\?v=dQw4w9WgXcQ\n```\n$/);
    await page.locator('.pm-embed input').fill(rtl ? 'كلمة الوزير' : 'The minister\'s statement');
    assert.match(await markdown(page), rtl ? /title: كلمة الوزير\n```\n$/ : /title: The minister's statement\n```\n$/);
    // a link pasted inside text stays a link in the text
    await page.locator('.pm-editor p').first().click();
    await page.keyboard.press('End');
    await paste(page, { text: ' https://example.org/x' });
    assert.doesNotMatch((await markdown(page)).split('```embed')[0], /```/);
    await page.close();
  });

  test(`${edition}: the browser lost mid-typing, the text recovered on reopening, then published`, async () => {
    const ctx = (await launch()).context;
    const page = await ctx.newPage();
    const who = `crash_${edition}`;
    await logIn(page, who);
    const surface = await openNew(page, edition);
    const headline = rtl ? `قصة محفوظة تلقائيا ${Date.now()}` : `Autosaved story ${Date.now()}`;
    await page.fill('#headline', headline);
    const section = await page.locator('#section option', { hasText: rtl ? 'Arabic (العربية): ' : 'English: ' }).first().getAttribute('value');
    await page.selectOption('#section', section);
    await surface.click();
    const words = rtl ? 'انقطع الاتصال أثناء الكتابة ولم يضع شيء.' : 'The connection dropped while typing and nothing was lost.';
    await page.keyboard.type(words);
    // wait for the autosave to have reached the server, then lose the browser without saving
    // (the copy holding the whole sentence: one kept while typing may hold part of it)
    const last = encodeURIComponent(words.split(' ').at(-1)).replace(/'/g, "''");
    const stored = () => dbExec(site, `SELECT count(*) FROM autosaves a JOIN users u ON u.id = a.user_id WHERE u.login = '${who}' AND article_id = 0 AND fields LIKE '%body=%${last}%'`).trim();
    for (let i = 0; i < 300 && stored() === '0'; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(stored(), '1', 'an unsaved copy is on the server');
    await page.keyboard.type(' More');
    await ctx.close(); // no save, no pagehide handler guaranteed: a crash
    const page2 = await browser.context.newPage();
    await logIn(page2, who);
    await page2.goto(`${srv.base}/admin/articles/new`);
    const offer = page2.locator('.autosave-offer');
    assert.match(await offer.textContent(), /unsaved copy of this article from/);
    await check(page2, `the editor with an unsaved copy offered (${edition})`);
    await offer.locator('a.button').click();
    await page2.locator('.pm-editor').waitFor();
    assert.equal(await page2.inputValue('#headline'), headline);
    assert.match(await markdown(page2), new RegExp(`^${words.replace(/[.]/g, '\\.')}`));
    assert.match(await page2.locator('.pm-editor').textContent(), new RegExp(words.slice(0, 20)));
    await page2.click('button[name="do"][value="save"]');
    await page2.waitForURL(/\/admin\/articles\/\d+\?notice=saved/);
    assert.equal(dbExec(site, `SELECT count(*) FROM autosaves a JOIN users u ON u.id = a.user_id WHERE u.login = '${who}'`).trim(), '0', 'the save deleted the copy');
    await page2.click('button[name="to"][value="publish"]');
    await page2.waitForURL(/notice=status/);
    const href = await page2.locator('a:text("View on the site")').getAttribute('href');
    const pub = await page2.context().request.get(srv.base + href);
    assert.equal(pub.status(), 200);
    assert.ok((await pub.text()).includes(words.slice(0, 20)), 'the published page has the recovered text');
    await page2.close();
  });
}

/** vnu errors and axe violations on the page: none. */
async function check(page, what) {
  const violations = await axe(page);
  assert.deepEqual(violations, [], `axe on ${what}: ${JSON.stringify(violations, null, 1)}`);
  const errors = await vnu(await page.content());
  assert.deepEqual(errors, [], `vnu on ${what}`);
}
