// Issue 18, the writing desk's remaining proof in Chromium, in both editions with Arabic and English text:
// (1) a gallery built in the desk (inserted from the toolbar, images added from the media library, their
// captions and credits prefilled from the library and edited, reordered by mouse and by keyboard) is
// published with its images in that order and ImageGallery data; (2) links from three providers
// (YouTube, Vimeo, OpenStreetMap) pasted into the desk become embeds, and the published page loads
// nothing from any host but the site's own until a click (Chromium's network log), each click then
// loading exactly that provider's frame; (3) an image with IPTC or XMP metadata dropped onto the desk and
// another pasted into it are uploaded with a progress bar, and their image blocks come with the caption
// and credit the server read from the file. The editor and the published pages pass vnu and axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSite, startServer, run } from '../lib/server.mjs';
import { login } from '../lib/newsroom.mjs';
import { launch, screenshot, assertValidAccessible, loggedPage } from '../lib/browser.mjs';
import { jpeg, xmpApp1, iptcApp13 } from '../lib/jpeg.mjs';

const PASSWORD = 'correct horse battery';
let srv, browser, site;

/** Per edition: the words of the stories, the gallery's library images and the uploaded photos' data. */
const WORDS = {
  en: {
    section: 'English: ', intro: 'The museum reopened its doors on Saturday.',
    images: [['The main hall at noon', 'The main hall, restored', 'Photo: Layla Haddad'],
      ['Visitors in the Roman wing', 'The Roman wing', 'Photo: Omar Said'],
      ['A mosaic floor, cleaned', 'The mosaic floor', 'Photo: Museum archive']],
    galleryTitle: 'The museum in pictures', newCaption: 'Visitors queue in the Roman wing', newCredit: 'Photo: Sara Nour',
    embedIntro: ['The launch was shown live.', 'The director spoke afterwards.', 'The site is on the coast.'],
    embedTitles: ['The launch, live', 'The director\'s statement', 'The launch site'],
    photo: { caption: 'Fishing boats return at dawn', credit: 'Omar Photographer', alt: 'Boats in the harbour' },
    photo2: { caption: 'متظاهرون في الساحة', credit: 'وكالة الأنباء', alt: 'A square full of people' },
  },
  ar: {
    section: 'Arabic (العربية): ', intro: 'أعاد المتحف فتح أبوابه يوم السبت.',
    images: [['القاعة الرئيسية ظهرا', 'القاعة الرئيسية بعد الترميم', 'تصوير: ليلى حداد'],
      ['زوار في الجناح الروماني', 'الجناح الروماني', 'تصوير: عمر سعيد'],
      ['أرضية فسيفساء بعد تنظيفها', 'أرضية الفسيفساء', 'تصوير: أرشيف المتحف']],
    galleryTitle: 'المتحف بالصور', newCaption: 'طابور الزوار في الجناح الروماني', newCredit: 'تصوير: سارة نور',
    embedIntro: ['بُث الإطلاق مباشرة.', 'تحدث المدير بعد ذلك.', 'يقع الموقع على الساحل.'],
    embedTitles: ['الإطلاق مباشرة', 'كلمة المدير', 'موقع الإطلاق'],
    photo: { caption: 'قوارب الصيد تعود فجرا', credit: 'عمر المصور', alt: 'قوارب في الميناء' },
    photo2: { caption: 'Protesters in the square', credit: 'Agency “AFP”', alt: 'ساحة مليئة بالناس' },
  },
};

/** The three providers: the link pasted, the provider's name on the card and the frame's origin. */
const LINKS = [
  ['https://www.youtube.com/watch?v=aqz-KE-bpKQ', 'YouTube', 'https://www.youtube-nocookie.com'],
  ['https://vimeo.com/76979871', 'Vimeo', 'https://player.vimeo.com'],
  ['https://www.openstreetmap.org/#map=15/36.80650/10.18150', 'OpenStreetMap', 'https://www.openstreetmap.org'],
];

/** A JPEG whose XMP holds caption (dc:description) and credit (photoshop:Credit). */
const xmpPhoto = ({ caption, credit }) => jpeg(480, 320, { blue: 60, segments: [[0xe1, xmpApp1(
  `<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${caption}</rdf:li></rdf:Alt></dc:description><photoshop:Credit>${credit}</photoshop:Credit>`)]] });
/** A JPEG whose IPTC holds caption (2:120) and credit (2:80, the by-line). */
const iptcPhoto = ({ caption, credit }) => jpeg(480, 320, { blue: 200, segments: [[0xed, iptcApp13([[120, caption], [80, credit]])]] });

const gallery = { en: [], ar: [] }; // the library ids of each edition's three gallery images

before(async () => {
  site = demoSite(0);
  const r = run(['user', 'add', '--site', site, '--name', 'ed', '--role', 'editor'], { input: `${PASSWORD}\n` });
  assert.equal(r.status, 0, r.stderr);
  srv = await startServer(site);
  browser = await launch();
  // the gallery's images, in the library with the caption and credit their IPTC gave them
  const who = await login(srv.base, 'ed', PASSWORD);
  for (const ed of ['en', 'ar']) {
    for (const [alt, caption, credit] of WORDS[ed].images) {
      const fd = new FormData();
      fd.set('alt', alt);
      fd.set('file', new Blob([iptcPhoto({ caption, credit })]), 'museum.jpg');
      const res = await fetch(`${srv.base}/admin/media?csrf=${who.csrf}`, { method: 'POST', body: fd, headers: { cookie: `bs_session=${who.cookie}` }, redirect: 'manual' });
      assert.equal(res.status, 303);
      gallery[ed].push(/uploaded=(\d+)/.exec(res.headers.get('location'))[1]);
    }
  }
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function logIn(page) {
  await page.goto(`${srv.base}/admin/login`);
  await page.fill('#login', 'ed');
  await page.fill('#password', PASSWORD);
  await page.click('button:text("Log in")');
  await page.waitForURL(`${srv.base}/admin/`);
}

/** Opens a new article of edition ed with headline, standfirst and section filled; returns the desk. */
async function newStory(page, ed, headline) {
  await page.goto(`${srv.base}/admin/articles/new?edition=${ed}`);
  const surface = page.locator('.pm-editor');
  await surface.waitFor();
  await page.fill('#headline', headline);
  await page.fill('#standfirst', headline);
  const section = await page.locator('#section option', { hasText: WORDS[ed].section }).first().getAttribute('value');
  await page.selectOption('#section', section);
  return surface;
}

/** Saves and publishes the open article; returns its public path. */
async function publish(page) {
  await page.click('button[name="do"][value="save"]');
  await page.waitForURL(/\/admin\/articles\/\d+\?notice=saved/);
  await page.click('button[name="to"][value="publish"]');
  await page.waitForURL(/notice=status/);
  return page.locator('a:text("View on the site")').getAttribute('href');
}

/** The Markdown the desk wrote into the (hidden) form field. */
const markdown = async (page) => (await page.inputValue('#body')).replace(/\r\n/g, '\n');

/** The key: value lines of the first fenced block named kind in md, as [key, value] pairs. */
function fence(md, kind) {
  const m = new RegExp('```' + kind + '\\n([\\s\\S]*?)```').exec(md);
  assert.ok(m, `a ${kind} block in ${md}`);
  return m[1].trim().split('\n').map((l) => { const i = l.indexOf(': '); return [l.slice(0, i), l.slice(i + 2)]; });
}

/** A page whose requests' origins are logged (tests/lib/browser.mjs). */
const openLogged = () => loggedPage(browser.context, srv.base);

const check = assertValidAccessible;

/** Every object in the page's JSON-LD (nested ones too) whose @type is type. */
async function jsonld(page, type) {
  const blocks = await page.locator('script[type="application/ld+json"]').allTextContents();
  const found = [];
  const walk = (o) => {
    if (Array.isArray(o)) o.forEach(walk);
    else if (o && typeof o === 'object') { if (o['@type'] === type) found.push(o); Object.values(o).forEach(walk); }
  };
  blocks.forEach((b) => walk(JSON.parse(b)));
  return found;
}

for (const ed of ['en', 'ar']) {
  const w = WORDS[ed];

  test(`${ed}: a gallery built in the desk from the library, captioned, reordered, published with ImageGallery data`, async () => {
    const page = await browser.context.newPage();
    await logIn(page);
    const surface = await newStory(page, ed, `${w.galleryTitle} ${Date.now()}`);
    await surface.click();
    await page.keyboard.type(w.intro);
    await page.keyboard.press('Enter');
    const [a, b, c] = gallery[ed];
    await page.locator('.pm-toolbar .pm-gallery').click();
    await page.locator(`dialog.pm-chooser button[data-media="${a}"]`).click();
    const block = page.locator('.pm-editor figure.pm-gallery');
    await block.waitFor();
    for (const id of [b, c]) {
      await block.locator('button', { hasText: 'Add image' }).click();
      await page.locator(`dialog.pm-chooser button[data-media="${id}"]`).click();
    }
    const items = block.locator('.pm-items > li');
    assert.equal(await items.count(), 3);
    // the library's caption and credit (read from each photo's IPTC) come with each image
    for (let i = 0; i < 3; i++) {
      assert.equal(await items.nth(i).getByLabel('Caption').inputValue(), w.images[i][1], `item ${i + 1}: caption from the library`);
      assert.equal(await items.nth(i).getByLabel('Credit').inputValue(), w.images[i][2], `item ${i + 1}: credit from the library`);
    }
    await block.getByLabel('Title').first().fill(w.galleryTitle);
    await items.nth(1).getByLabel('Caption').fill(w.newCaption); // b's caption, typed
    await items.nth(2).getByLabel('Credit').fill(w.newCredit); // c's credit, typed
    // reorder: a one place later by a click ([b, a, c]), then c earlier twice by keyboard ([c, b, a])
    assert.equal(await items.nth(0).locator('.pm-move-earlier').isDisabled(), true, 'the first cannot move earlier');
    assert.equal(await items.nth(2).locator('.pm-move-later').isDisabled(), true, 'the last cannot move later');
    await items.nth(0).locator('.pm-move-later').click();
    await items.nth(2).locator('.pm-move-earlier').focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.className), 'pm-move-earlier', 'the focus follows the moved image');
    await page.keyboard.press('Enter');
    const pairs = fence(await markdown(page), 'gallery');
    assert.deepEqual(pairs, [['title', w.galleryTitle],
      ['media', c], ['alt', w.images[2][0]], ['caption', w.images[2][1]], ['credit', w.newCredit],
      ['media', b], ['alt', w.images[1][0]], ['caption', w.newCaption], ['credit', w.images[1][2]],
      ['media', a], ['alt', w.images[0][0]], ['caption', w.images[0][1]], ['credit', w.images[0][2]]]);
    await check(page, `the desk with a gallery (${ed})`);
    const href = await publish(page);

    const { page: reader, origins } = await openLogged();
    await reader.goto(srv.base + href, { waitUntil: 'networkidle' });
    assert.deepEqual([...new Set(origins)], [srv.base], 'only the site itself');
    const figures = reader.locator('.gallery-track figure.gallery-item');
    assert.deepEqual(await figures.locator('img').evaluateAll((imgs) => imgs.map((i) => i.alt)), [w.images[2][0], w.images[1][0], w.images[0][0]]);
    assert.match(await figures.nth(1).locator('figcaption').textContent(), new RegExp(w.newCaption));
    assert.equal(await figures.nth(0).locator('figcaption .credit').textContent(), w.newCredit);
    const [g] = await jsonld(reader, 'ImageGallery');
    assert.ok(g, 'ImageGallery data on the page');
    assert.equal(g.name, w.galleryTitle);
    assert.deepEqual(g.associatedMedia.map((m) => [m.description, m.caption, m.creditText]), [
      [w.images[2][0], w.images[2][1], w.newCredit], [w.images[1][0], w.newCaption, w.images[1][2]],
      [w.images[0][0], w.images[0][1], w.images[0][2]]]);
    await check(reader, `the published gallery (${ed})`);
    await screenshot(reader, `desk-gallery-${ed}`);
    await reader.close();
    await page.close();
  });

  test(`${ed}: links from three providers pasted into the desk; the published page loads nothing from them until a click`, async () => {
    const page = await browser.context.newPage();
    await logIn(page);
    const surface = await newStory(page, ed, `${w.embedTitles[0]} ${Date.now()}`);
    await surface.click();
    for (let i = 0; i < 3; i++) {
      await page.keyboard.type(w.embedIntro[i]);
      if (i < 2) await page.keyboard.press('Enter');
    }
    // after each paragraph, on a new empty line, paste the link as the clipboard delivers it
    for (let i = 0; i < 3; i++) {
      await surface.locator(':scope > p', { hasText: w.embedIntro[i] }).click();
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      await page.evaluate((text) => {
        const dt = new DataTransfer();
        dt.setData('text/plain', text);
        document.querySelector('.pm-editor').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      }, LINKS[i][0]);
      await surface.locator('figure.pm-embed').nth(i).getByLabel('Title').fill(w.embedTitles[i]);
    }
    const md = await markdown(page);
    const urls = [...md.matchAll(/```embed\nurl: (\S+)\ntitle: (.+)\n```/g)].map((m) => [m[1], m[2]]);
    assert.deepEqual(urls, LINKS.map((l, i) => [l[0], w.embedTitles[i]]), md);
    for (let i = 0; i < 3; i++) assert.ok(md.indexOf(w.embedIntro[i]) < md.indexOf(LINKS[i][0]), 'each embed after its paragraph');
    await check(page, `the desk with three embeds (${ed})`);
    const href = await publish(page);

    const { page: reader, origins } = await openLogged();
    const res = await reader.goto(srv.base + href, { waitUntil: 'networkidle' });
    const csp = res.headers()['content-security-policy'];
    for (const [, , host] of LINKS) assert.ok(csp.includes(host), `the CSP allows ${host}: ${csp}`);
    assert.ok(origins.length > 0);
    assert.deepEqual([...new Set(origins)], [srv.base], 'only the site itself before a click');
    assert.equal(await reader.locator('iframe').count(), 0);
    const cards = reader.locator('.embed[data-embed-provider]');
    assert.deepEqual(await cards.evaluateAll((cs) => cs.map((c) => c.dataset.embedProvider)), LINKS.map((l) => l[1]));
    for (let i = 0; i < 3; i++) {
      const card = cards.nth(i);
      assert.equal(await card.locator('.embed-title a').getAttribute('href'), LINKS[i][0], 'without a click, a link');
      assert.equal(await card.locator('.embed-title a').textContent(), w.embedTitles[i]);
    }
    await check(reader, `the published story with three embeds (${ed})`);
    await screenshot(reader, `desk-embeds-${ed}`);
    // each click loads that provider's frame, and only that one
    for (let i = 0; i < 3; i++) {
      const before = origins.length;
      const card = cards.nth(i);
      const asked = reader.waitForRequest((r) => r.url().startsWith(`${LINKS[i][2]}/`));
      await card.locator('button.embed-load').click();
      await asked;
      const frame = card.locator('iframe.embed-frame');
      await frame.waitFor({ state: 'attached' });
      assert.ok((await frame.getAttribute('src')).startsWith(`${LINKS[i][2]}/`), await frame.getAttribute('src'));
      assert.deepEqual([...new Set(origins.slice(before))].filter((o) => o !== srv.base), [LINKS[i][2]], `the click on ${LINKS[i][1]} asks its frame host only`);
      assert.equal(await reader.locator('iframe').count(), i + 1, 'the other cards stay cards');
    }
    await reader.close();
    await page.close();
  });

  test(`${ed}: images with IPTC and XMP metadata dropped and pasted into the desk: progress bar, caption and credit prefilled`, async () => {
    const page = await browser.context.newPage();
    await logIn(page);
    const surface = await newStory(page, ed, `${w.photo.caption} ${Date.now()}`);
    await surface.click();
    await page.keyboard.type(w.intro);
    await page.keyboard.press('Enter');
    await page.keyboard.type(w.embedIntro[1]);
    // every progress bar the desk shows, and the highest value each reached, are recorded
    await page.evaluate(() => {
      window.bars = [];
      const status = document.querySelector('.pm-status');
      new MutationObserver((list) => {
        for (const m of list) {
          for (const n of m.addedNodes) if (n.tagName === 'PROGRESS') window.bars.push({ label: n.getAttribute('aria-label'), max: n.value });
          if (m.type === 'attributes' && m.target.tagName === 'PROGRESS') {
            const bar = window.bars.at(-1);
            bar.max = Math.max(bar.max, m.target.value);
          }
        }
      }).observe(status, { childList: true, subtree: true, attributes: true, attributeFilter: ['value'] });
    });
    const alts = [w.photo.alt, w.photo2.alt];
    page.on('dialog', (d) => (d.type() === 'prompt' ? d.accept(alts.shift()) : d.dismiss()));
    // (a) dropped: a photo with IPTC caption and by-line
    const dropped = iptcPhoto(w.photo).toString('base64');
    await page.evaluate(({ b64, name }) => {
      const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], name, { type: 'image/jpeg' }));
      const ed = document.querySelector('.pm-editor');
      const r = ed.querySelector('p').getBoundingClientRect();
      for (const type of ['dragenter', 'dragover', 'drop'])
        ed.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true, clientX: r.left + 5, clientY: r.bottom - 2 }));
    }, { b64: dropped, name: 'boats.jpg' });
    const images = surface.locator('figure.pm-image');
    await images.first().waitFor();
    // (b) pasted: a photo with XMP description and credit, with the caret at the end of the story
    await surface.locator(':scope > p', { hasText: w.embedIntro[1] }).click();
    await page.keyboard.press('End');
    await page.evaluate(({ b64, name }) => {
      const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], name, { type: 'image/jpeg' }));
      document.querySelector('.pm-editor').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, { b64: xmpPhoto(w.photo2).toString('base64'), name: 'square.jpg' });
    await page.waitForFunction(() => document.querySelectorAll('.pm-editor figure.pm-image').length === 2);
    const bars = await page.evaluate(() => window.bars);
    assert.deepEqual(bars.map((x) => x.label), ['Uploading boats.jpg', 'Uploading square.jpg'], 'a progress bar for each upload');
    assert.deepEqual(bars.map((x) => x.max), [100, 100], 'each bar filled');
    assert.equal(await page.locator('.pm-status progress').count(), 0, 'the bars go when the server has answered');
    const blocks = [];
    for (let i = 0; i < 2; i++) {
      blocks.push(await Promise.all(['Alt text', 'Caption', 'Credit'].map((l) => images.nth(i).getByLabel(l).inputValue())));
    }
    assert.deepEqual(blocks, [[w.photo.alt, w.photo.caption, w.photo.credit], [w.photo2.alt, w.photo2.caption, w.photo2.credit]],
      'the caption and credit read from the files');
    const md = await markdown(page);
    const first = Object.fromEntries(fence(md, 'image'));
    assert.deepEqual([first.alt, first.caption, first.credit], [w.photo.alt, w.photo.caption, w.photo.credit], md);
    assert.ok(md.indexOf(w.intro) < md.indexOf(w.photo.caption), 'the dropped image after the paragraph it was dropped on');
    assert.ok(md.indexOf(w.photo.caption) < md.indexOf(w.embedIntro[1]), 'dropped before the next paragraph');
    assert.ok(md.indexOf(w.embedIntro[1]) < md.indexOf(w.photo2.caption), 'the pasted one after the paragraph with the caret');
    // the preview shows the stored rendition, not the file from the disk
    assert.match(await images.nth(0).locator('img').getAttribute('src'), /^\/media\//);
    await check(page, `the desk with uploaded images (${ed})`);
    const href = await publish(page);
    const html = await (await fetch(srv.base + href)).text();
    for (const s of [w.photo.caption, w.photo2.caption]) assert.ok(html.includes(s), `the published page shows ${s}`);
    await page.close();
  });
}
