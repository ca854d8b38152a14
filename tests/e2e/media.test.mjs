// Issue 18, images and pickers in Chromium: an editor sets an image's focal point by clicking on it in
// the media library (the two fields fill, the point is saved and the crops move), then in the article
// editor picks the lead image and the translation by typing (keyboard only: arrows and Enter), saves,
// and the saved article has them. The media page and the editor pass vnu and axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSite, startServer, run, dbExec } from '../lib/server.mjs';
import { launch, axe, vnu } from '../lib/browser.mjs';
import { png } from '../lib/png.mjs';

const PASSWORD = 'correct horse battery';
let srv, browser, site;

before(async () => {
  site = demoSite(0);
  const r = run(['user', 'add', '--site', site, '--name', 'ed', '--role', 'editor'], { input: `${PASSWORD}\n` });
  assert.equal(r.status, 0, r.stderr);
  srv = await startServer(site);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

/** Every page must be valid HTML and accessible. */
async function check(page, what) {
  const violations = await axe(page);
  assert.deepEqual(violations, [], `axe on ${what}: ${JSON.stringify(violations, null, 1)}`);
  const errors = await vnu(await page.content());
  assert.deepEqual(errors, [], `vnu on ${what}`);
}

test('focal point by a click, then lead image and translation picked by typing', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${srv.base}/admin/`);
  await page.waitForURL(/\/admin\/login\?next=/);
  await page.fill('#login', 'ed');
  await page.fill('#password', PASSWORD);
  await page.click('button:text("Log in")');
  await page.waitForURL(`${srv.base}/admin/`);

  // upload through the form
  await page.goto(`${srv.base}/admin/media`);
  await page.setInputFiles('#file', { name: 'quay.png', mimeType: 'image/png', buffer: png(800, 400) });
  await page.fill('#alt', 'Quayside cranes at dawn');
  await page.click('button:text("Upload")');
  await page.waitForURL(/uploaded=\d+/);
  const id = Number(/uploaded=(\d+)/.exec(page.url())[1]);
  await check(page, 'the media library');

  // a click at three quarters across, a quarter down
  const img = page.locator(`#media-${id} .focal-pick img`);
  const box = await img.boundingBox();
  await img.click({ position: { x: box.width * 0.75, y: box.height * 0.25 } });
  const fx = Number(await page.inputValue(`#focal-x-${id}`)), fy = Number(await page.inputValue(`#focal-y-${id}`));
  assert.ok(Math.abs(fx - 0.75) < 0.02 && Math.abs(fy - 0.25) < 0.02, `the fields follow the click: ${fx}, ${fy}`);
  assert.equal(await page.locator(`#media-${id} .focal-mark`).isVisible(), true, 'a mark shows the point');
  await page.click(`#focal-${id} button:text("Save focal point")`);
  await page.waitForURL(new RegExp(`focal=${id}`));
  const [sx, sy] = dbExec(site, `SELECT focal_x, focal_y FROM media WHERE id = ${id}`).trim().split(/\s+/).map(Number);
  assert.ok(Math.abs(sx - 7500) < 200 && Math.abs(sy - 2500) < 200, `stored ${sx}, ${sy}`);
  const social = await page.locator(`#media-${id} a:text("Social image (1200×630)")`).getAttribute('href');
  assert.match(social, new RegExp(`-social-f${sx}-${sy}\\.jpg$`));

  // an Arabic story to be the translation
  await page.goto(`${srv.base}/admin/articles/new`);
  await page.selectOption('#edition', 'ar');
  await page.fill('#headline', 'رافعات الميناء عند الفجر');
  await page.fill('#standfirst', 'ملخص');
  await page.locator('.pm-editor').click(); // the writing desk over the #body textarea
  await page.keyboard.type('نص.');
  const arSection = await page.locator('#section option').filter({ hasNotText: 'English' }).first().getAttribute('value');
  await page.selectOption('#section', arSection);
  await page.click('button[value="save"]');
  await page.waitForURL(/\/admin\/articles\/\d+/);
  const arId = Number(/\/admin\/articles\/(\d+)/.exec(page.url())[1]);

  // the English story: both pickers by keyboard
  await page.goto(`${srv.base}/admin/articles/new`);
  await page.selectOption('#edition', 'en');
  await page.fill('#headline', 'Cranes at dawn on the quay');
  await page.fill('#standfirst', 'Standfirst.');
  await page.locator('.pm-editor').click();
  await page.keyboard.type('Text.');
  assert.equal(await page.locator('#media').isHidden(), true, 'the select gives way to the combobox');
  const mediaBox = page.locator('#media-pick');
  assert.equal(await mediaBox.getAttribute('role'), 'combobox');
  await page.click('label[for="media-pick"]'); // the label now names the combobox
  await page.keyboard.type('quayside');
  await page.locator('#media-pick[aria-expanded="true"]').waitFor();
  await page.keyboard.press('ArrowDown');
  assert.ok(await mediaBox.getAttribute('aria-activedescendant'), 'the active option is announced');
  await page.keyboard.press('Enter');
  assert.equal(await page.inputValue('#media'), String(id), 'the chosen image is in the form');
  assert.match(await mediaBox.inputValue(), /Quayside cranes at dawn/);

  await page.focus('#translation-pick');
  await page.keyboard.type('الميناء');
  await page.locator('#translation-pick[aria-expanded="true"]').waitFor();
  const options = await page.locator('#translation-pick + [role="listbox"] [role="option"]').allTextContents();
  assert.ok(options.some((o) => o.includes('رافعات الميناء')), `the Arabic story is offered: ${options}`);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.equal(await page.inputValue('#translation'), String(arId));
  await check(page, 'the article editor with its pickers');

  await page.click('button[value="save"]');
  await page.waitForURL(/\/admin\/articles\/\d+/);
  const enId = Number(/\/admin\/articles\/(\d+)/.exec(page.url())[1]);
  assert.equal(dbExec(site, `SELECT lead_media_id FROM articles WHERE id = ${enId}`).trim(), String(id));
  const [g1, g2] = [enId, arId].map((x) => dbExec(site, `SELECT translation_group FROM articles WHERE id = ${x}`).trim());
  assert.ok(g1 && g1 === g2, 'paired as translations');
  await page.close();
});
