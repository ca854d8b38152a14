// The newsletters' reader pages in Chromium, in both editions: the newsletters page, the footer form's
// sign-up and its "check your inbox" answer, a refused address (the form kept), the confirm button page,
// the preferences page and a dead link's page: vnu 0 errors, axe-core 0 violations, lang and dir right.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { demoSite, startServer, dbExec } from '../lib/server.mjs';
import { PYTHON } from '../lib/smtp.mjs';
import { launch, assertValidAccessible, screenshot } from '../lib/browser.mjs';

let dir, srv, browser, page;
before(async () => {
  dir = demoSite(0);
  srv = await startServer(dir);
  browser = await launch();
  page = await browser.context.newPage();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

/** mint: a signed link token made with the site's secret (as tests/http/newsletter-subscribe.test.mjs). */
function mint(purpose, id, version = 1, expires = 0) {
  const py = `
import base64, hashlib, struct, sys
key = bytes.fromhex(open(sys.argv[1]).read().strip())
purpose = sys.argv[2].encode()
nums = struct.pack('>qqq', int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
h = hashlib.blake2b(digest_size=32, key=key)
h.update(b'broadsheet-nl-link'); h.update(struct.pack('>q', len(purpose))); h.update(purpose); h.update(nums)
print(base64.urlsafe_b64encode(nums + h.digest()).rstrip(b'=').decode())`;
  const r = spawnSync(PYTHON, ['-c', py, path.join(dir, 'secret.key'), purpose, String(id), String(version), String(expires)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

async function check(ed, what) {
  assert.equal(await page.getAttribute('html', 'lang'), ed);
  assert.equal(await page.getAttribute('html', 'dir'), ed === 'ar' ? 'rtl' : 'ltr');
  await screenshot(page, `newsletter-${ed}-${what}`);
  await assertValidAccessible(page, `${ed} ${what}`);
}

for (const ed of ['en', 'ar']) {
  test(`${ed}: the newsletter pages are valid HTML and accessible`, async () => {
    assert.equal((await page.goto(`${srv.base}/${ed}/newsletters`)).status(), 200);
    await check(ed, 'lists');
    // the footer's form, as a reader uses it
    await page.goto(`${srv.base}/${ed}/`);
    await page.locator('#nlf-email').fill(`e2e-${ed}@example.com`);
    await Promise.all([page.waitForNavigation(), page.locator('.nl-signup button[type="submit"]').click()]);
    assert.match(await page.locator('h1').textContent(), ed === 'ar' ? /تفقّد بريدك/ : /Check your inbox/);
    await check(ed, 'inbox');
    // a refused address: the page's own form comes back with the message and what was typed
    await page.goto(`${srv.base}/${ed}/newsletters`);
    await page.evaluate(() => { document.querySelector('.nl-form').noValidate = true; });
    await page.locator('#nlp-email').fill('not an address');
    await Promise.all([page.waitForNavigation(), page.locator('.nl-form button[type="submit"]').click()]);
    assert.equal(await page.inputValue('#nlp-email'), 'not an address');
    await check(ed, 'refused');
    const id = dbExec(dir, `SELECT id FROM newsletter_subscribers WHERE email = 'e2e-${ed}@example.com'`).trim();
    await page.goto(`${srv.base}/newsletter/confirm/${mint('confirm', id, 1, Math.floor(Date.now() / 1000) + 3600)}`);
    await check(ed, 'confirm');
    await Promise.all([page.waitForNavigation(), page.locator('.nl-form button[type="submit"]').click()]);
    await check(ed, 'confirmed');
    await page.goto(`${srv.base}/newsletter/preferences/${mint('prefs', id)}`);
    assert.equal(await page.locator('.newsletter-page input[name="list"]:checked').count(), 1);
    await check(ed, 'preferences');
    await page.setExtraHTTPHeaders({ 'accept-language': ed });
    assert.equal((await page.goto(`${srv.base}/newsletter/unsubscribe/forged`)).status(), 404);
    await check(ed, 'dead-link');
    await page.setExtraHTTPHeaders({});
  });
}
