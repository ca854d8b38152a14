// News alerts in Chromium, in both editions: the reader page's opt-in button shows (JavaScript, service
// workers and push present), a click asks for permission (granted by the test), the service worker at
// /sw.js registers with scope "/"; a push message delivered through the DevTools protocol
// (ServiceWorker.deliverPushMessage) makes the worker show a notification with the alert's title, text
// and tag; the same alert id again is ignored (not shown a second time, not changed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSite, startServer } from '../lib/server.mjs';
import { launch } from '../lib/browser.mjs';

let srv, browser;
before(async () => {
  srv = await startServer(demoSite(0));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls fn (async) until it returns a truthy value; fails after ms. */
async function until(fn, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

for (const ed of ['en', 'ar']) {
  test(`the opt-in registers the service worker and a pushed alert is shown once (${ed})`, async () => {
    const { context } = browser;
    await context.clearPermissions();
    await context.grantPermissions(['notifications'], { origin: srv.base });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const registrations = new Map();
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations: list }) => {
      for (const r of list) if (!r.isDeleted) registrations.set(r.scopeURL, r.registrationId);
    });
    await cdp.send('ServiceWorker.enable');
    await page.goto(`${srv.base}/${ed}/`);
    const button = page.locator('.push-optin .push-button');
    await button.waitFor({ state: 'visible' });
    assert.equal(await page.locator('.push-optin').getAttribute('data-edition'), ed);
    assert.match(await button.textContent(), ed === 'ar' ? /تنبيهات/ : /news alerts/);
    await button.click();
    // the worker is registered for the whole site (the subscription itself needs the browser's push
    // service, which a test machine cannot reach: the button then says so)
    const scope = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.ready;
      const w = reg.active;
      if (w.state !== 'activated') await new Promise((r) => w.addEventListener('statechange', () => w.state === 'activated' && r()));
      return reg.scope;
    });
    assert.equal(scope, `${srv.base}/`);
    const regId = await until(() => registrations.get(`${srv.base}/`), 10000, 'the registration id');
    const alert = { id: ed === 'ar' ? 71 : 70, title: ed === 'ar' ? 'عاجل: زلزال قوي' : 'Breaking: strong earthquake',
      body: ed === 'ar' ? 'تغطية مباشرة' : 'Live coverage', url: `${srv.base}/${ed}/`, tag: `alert-${ed === 'ar' ? 71 : 70}`, edition: ed };
    const shown = () => page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications())
      .map((n) => ({ title: n.title, body: n.body, tag: n.tag })));
    // (a message DevTools hands over while the new worker is still settling can be lost before it runs:
    // it is handed over again until the worker has it; the worker's own dedup is checked below)
    let list = null;
    for (let tries = 0; tries < 4 && !list; tries++) {
      await cdp.send('ServiceWorker.deliverPushMessage', { origin: srv.base, registrationId: regId, data: JSON.stringify(alert) });
      list = await until(async () => { const l = (await shown()).filter((n) => n.tag === alert.tag); return l.length ? l : null; }, 3000, 'the notification')
        .catch(() => null);
    }
    assert.deepEqual(list, [{ title: alert.title, body: alert.body, tag: alert.tag }], 'the notification is shown');
    // the same alert again (a push service's repeat): ignored, not shown again nor changed
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: srv.base, registrationId: regId,
      data: JSON.stringify({ ...alert, title: 'A repeat that must not show' }) });
    await sleep(1000);
    assert.deepEqual((await shown()).filter((n) => n.tag === alert.tag), [{ title: alert.title, body: alert.body, tag: alert.tag }]);
    await page.close();
  });
}
