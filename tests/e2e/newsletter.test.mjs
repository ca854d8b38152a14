// Issue 22, the newsletter desk and its mails in Chromium: for each edition an issue of three top stories
// with an introduction, its HTML part rendered as it will arrive (the preview page) and saved as
// docs/screenshot-newsletter-en.png and docs/screenshot-newsletter-ar.png (right to left, Arabic date);
// the desk's list and issue pages pass axe and vnu in both newsroom languages (English for the admin, Arabic
// for the demo's Arabic editor).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { dbExec, ROOT } from '../lib/server.mjs';
import { withNewsroomSite, logInAs, checkNewsroomPage as check } from '../lib/browser.mjs';

const site = withNewsroomSite();
const EDITIONS = [
  { ed: 'en', lang: 'en', who: () => site.admin, subject: 'The morning briefing', intro: 'Good morning. **Three stories** to start the day, and a look ahead.' },
  { ed: 'ar', lang: 'ar', who: () => site.arabic, subject: 'موجز الصباح', intro: 'صباح الخير. **ثلاث قصص** لبداية اليوم، ونظرة إلى ما سيأتي.' },
];

for (const e of EDITIONS) {
  test(`${e.ed}: the issue's HTML part renders as it will arrive (screenshot), and the desk passes axe and vnu`, async () => {
    const ids = dbExec(site.site, `SELECT id FROM articles WHERE edition = '${e.ed}' AND status = 'published' ORDER BY top_rank = 0, top_rank, id LIMIT 3`)
      .trim().split('\n').join(',');
    const id = dbExec(site.site, 'INSERT INTO newsletter_issues(edition, list, kind, subject, preheader, intro_md, article_ids, state, ' +
      `send_at, created_at, updated_at) VALUES('${e.ed}', 'digest', 'issue', '${e.subject}', '', '${e.intro}', '${ids}', 'draft', ` +
      '1796112000, 1, 1) RETURNING id').trim().split('\n')[0];
    const page = await site.browser.context.newPage();
    await logInAs(page, site.base, e.who());
    await page.goto(`${site.base}/admin/newsletters`);
    await check(page, e.lang, `the newsletters page (${e.lang})`);
    await page.goto(`${site.base}/admin/newsletters/${id}`);
    await check(page, e.lang, `the issue page (${e.lang})`);
    await page.goto(`${site.base}/admin/newsletters/new`);
    await check(page, e.lang, `the new issue page (${e.lang})`);
    await page.setViewportSize({ width: 680, height: 900 });
    const res = await page.goto(`${site.base}/admin/newsletters/${id}/preview`);
    assert.equal(res.status(), 200);
    assert.equal(await page.getAttribute('html', 'dir'), e.ed === 'ar' ? 'rtl' : 'ltr');
    const imgs = await page.locator('img').evaluateAll((els) => els.map((i) => ({ ok: i.complete && i.naturalWidth > 0, alt: i.alt })));
    assert.ok(imgs.length > 0 && imgs.every((i) => i.ok && i.alt), 'the pictures load from the site and have alt text');
    await page.screenshot({ path: path.join(ROOT, `docs/screenshot-newsletter-${e.ed}.png`), fullPage: true });
    await page.close();
  });
}
