// Issue 23, the Wires desk in Chromium, in Arabic (the demo's muharrir, whose newsroom is Arabic) and in
// English (an administrator): the desk reached from the newsroom menu, a search (Arabic without tashkeel
// or hamza forms), an item with its embargo, "Use" opening the editor on the draft, and the sources page.
// Each page is right to left in Arabic, left to right in English, with 0 vnu errors and 0 axe violations.
// Screenshots: build/screenshots/wires-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withNewsroomSite, logInAs, checkNewsroomPage as check, screenshot } from '../lib/browser.mjs';

const site = withNewsroomSite();

test('in Arabic: the desk, an Arabic search, an item, Use opens the editor on the draft', async () => {
  const page = await site.browser.context.newPage();
  await logInAs(page, site.base, site.arabic);
  await page.click('nav.sections a[href="/admin/wires"]');
  await page.waitForURL(`${site.base}/admin/wires`);
  assert.equal(await page.locator('h1').textContent(), 'الوكالات');
  assert.ok(await page.locator('li.wire-item').count() >= 5, 'the demo items are listed');
  await check(page, 'ar', 'wires desk (Arabic)');
  await screenshot(page, 'wires-ar');
  await page.fill('#wires-q', 'الامم المتحدة');
  await page.locator('form.wires-filter button[type="submit"]').click();
  await page.waitForURL(/\/admin\/wires\?q=/);
  assert.equal(await page.locator('li.wire-item').count(), 1);
  await check(page, 'ar', 'wires search (Arabic)');
  await page.locator('li.wire-item a').first().click();
  await page.waitForURL(/\/admin\/wires\/\d+$/);
  assert.equal(await page.locator('article.wire h1').textContent(), 'الأُمم المتّحدة تستأنف محادثات المياه في جنيف');
  await check(page, 'ar', 'wire item (Arabic)');
  await page.locator('form.wire-use button').click();
  await page.waitForURL(/\/admin\/articles\/\d+\?notice=wire$/);
  assert.equal(await page.inputValue('#headline'), 'الأُمم المتّحدة تستأنف محادثات المياه في جنيف');
  await check(page, 'ar', 'editor on the wire draft (Arabic)');
  await screenshot(page, 'wires-ar-editor');
  await page.close();
});

test('in English: an embargoed item, Use, the embargo in the editor, the sources page', async () => {
  const page = await site.browser.context.newPage();
  await logInAs(page, site.base, site.admin);
  await page.goto(`${site.base}/admin/wires?lang=en`);
  await check(page, 'en', 'wires desk (English)');
  await page.locator('li.wire-item a', { hasText: 'Finance ministry to publish the spring budget' }).click();
  await page.waitForURL(/\/admin\/wires\/\d+$/);
  assert.match(await page.locator('p.wire-embargo').textContent(), /^Embargoed until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
  await check(page, 'en', 'embargoed wire item');
  await screenshot(page, 'wires-en-item');
  await page.locator('form.wire-use button').click();
  await page.waitForURL(/\/admin\/articles\/\d+\?notice=wire$/);
  assert.match(await page.locator('p.wire-notice').textContent(), /Embargoed until .*cannot be published or scheduled before/);
  await check(page, 'en', 'editor on the embargoed draft');
  await page.goto(`${site.base}/admin/wires/sources`);
  assert.equal(await page.locator('tr.wire-source').count(), 2);
  await check(page, 'en', 'wire sources');
  await screenshot(page, 'wires-en-sources');
  await page.close();
});
