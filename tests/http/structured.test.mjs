// What search engines and social sites read in a page's head: canonical address, Open Graph and Twitter
// tags, hreflang alternates between an article and its translation, and JSON-LD (NewsArticle on
// articles, WebSite on front pages, CollectionPage on lists), checked with structured-data-testing-tool's
// Google, Twitter and Facebook presets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { demoSite, startServer } from '../lib/server.mjs';

const require = createRequire(import.meta.url);
const { structuredDataTestHtml } = require('structured-data-testing-tool');
const { Google, Twitter, Facebook } = require('structured-data-testing-tool/presets');

let srv;
before(async () => { srv = await startServer(demoSite(60)); });
after(async () => { await srv?.stop(); });

const html = async (p) => {
  const r = await fetch(srv.base + p);
  assert.equal(r.status, 200, p);
  return r.text();
};
const meta = (page, attr, name) => {
  const m = new RegExp(`<meta ${attr}="${name}" content="([^"]*)">`).exec(page);
  return m && m[1];
};
const jsonld = (page) => {
  const blocks = [...page.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)];
  assert.equal(blocks.length, 1, 'one JSON-LD block');
  return JSON.parse(blocks[0][1]);
};
async function firstArticle(ed) {
  const front = await html(`/${ed}/`);
  return /<article class="story story-lead">[\s\S]*?<h3><a href="([^"]+)">/.exec(front)[1];
}

/** Runs the validator; fails with its messages when a required property is missing. */
async function validate(page, schemas, presets = [Google, Twitter, Facebook]) {
  try {
    const res = await structuredDataTestHtml(page, { presets, schemas });
    return res;
  } catch (e) {
    const failed = (e.res?.failed ?? []).map((f) => `${f.test}: ${f.error?.message ?? ''}`);
    assert.fail(`structured data failed: ${failed.join('; ') || e.message}`);
  }
}

for (const ed of ['en', 'ar']) {
  test(`${ed} article: NewsArticle JSON-LD passes the Google preset; OG, Twitter and hreflang tags are right`, async () => {
    const href = await firstArticle(ed);
    const page = await html(href);
    const res = await validate(page, ['NewsArticle']);
    assert.ok(res.passed.length > 0);
    assert.ok(res.schemas.includes('NewsArticle'), `schemas found: ${res.schemas}`);
    const d = jsonld(page);
    const url = srv.base + href;
    assert.equal(d['@type'], 'NewsArticle');
    assert.equal(d.url, url);
    assert.equal(d.inLanguage, ed);
    assert.equal(d.isAccessibleForFree, true);
    assert.ok(d.headline && d.description && d.articleSection);
    assert.match(d.datePublished, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(d.dateModified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(d.author.length >= 1 && d.author.every((p) => p['@type'] === 'Person' && p.name));
    assert.equal(d.publisher['@type'], 'Organization');
    assert.match(d.publisher.logo.url, /^http:\/\/127\.0\.0\.1:\d+\/static\//);
    assert.match(d.image[0], /^http:\/\/127\.0\.0\.1:\d+\/media\//);
    assert.ok(Array.isArray(d.keywords) && d.keywords.length >= 1);
    // the visible headline is the structured one (entities decoded)
    const h1 = /<h1>([^<]*)<\/h1>/.exec(page)[1].replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    assert.equal(d.headline, h1);
    assert.equal(/<link rel="canonical" href="([^"]+)">/.exec(page)[1], url);
    assert.equal(meta(page, 'property', 'og:type'), 'article');
    assert.equal(meta(page, 'property', 'og:url'), url);
    assert.equal(meta(page, 'name', 'twitter:card'), 'summary_large_image');
    assert.ok(meta(page, 'property', 'article:published_time'));
    // hreflang: itself, its translation and x-default (the English version)
    const alts = Object.fromEntries([...page.matchAll(/<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">/g)].map((m) => [m[1], m[2]]));
    assert.equal(alts[ed], url);
    const other = ed === 'en' ? 'ar' : 'en';
    assert.match(alts[other], new RegExp(`^http://127\\.0\\.0\\.1:\\d+/${other}/\\d{4}/`));
    assert.equal(alts['x-default'], ed === 'en' ? url : alts.en);
    const back = await html(alts[other].replace(srv.base, ''));
    assert.ok(back.includes(`hreflang="${ed}" href="${url}"`), 'the translation links back');
  });
}

test('the masthead language switch on an article goes to its translation; elsewhere to the other front page', async () => {
  for (const ed of ['en', 'ar']) {
    const other = ed === 'en' ? 'ar' : 'en';
    const href = await firstArticle(ed);
    const page = await html(href);
    const sw = /<p class="edition-switch">[\s\S]*?<a href="([^"]+)"/.exec(page)[1];
    assert.match(sw, new RegExp(`^/${other}/\\d{4}/\\d\\d/\\d\\d/`), `${ed} article switch: ${sw}`);
    const translated = await html(sw);
    assert.ok(translated.includes(`href="${href}"`), 'and it links back');
    const front = await html(`/${ed}/`);
    assert.equal(/<p class="edition-switch">[\s\S]*?<a href="([^"]+)"/.exec(front)[1], `/${other}/`);
  }
  // an article without a translation (the demo's generated ones): the switch goes to the other front page
  const all = await (await fetch(`${srv.base}/api/v1/articles?edition=en&limit=100`)).json();
  const lone = all.articles.find((x) => x.translation_id === null);
  assert.ok(lone, 'the demo has untranslated articles');
  const lonePage = await html(lone.url.replace(srv.base, ''));
  assert.ok(!/class="translation"/.test(lonePage));
  assert.equal(/<p class="edition-switch">[\s\S]*?<a href="([^"]+)"/.exec(lonePage)[1], '/ar/');
});

test('the canonical address drops query strings; paged lists keep ?page=', async () => {
  const href = await firstArticle('en');
  const page = await html(`${href}?utm_source=x&comment=held`);
  assert.equal(/<link rel="canonical" href="([^"]+)">/.exec(page)[1], srv.base + href);
  const p2 = await html('/en/section/politics?page=2&junk=1');
  assert.equal(/<link rel="canonical" href="([^"]+)">/.exec(p2)[1], `${srv.base}/en/section/politics?page=2`);
});

test('front pages carry WebSite data and hreflang between editions; lists carry CollectionPage', async () => {
  for (const ed of ['en', 'ar']) {
    const page = await html(`/${ed}/`);
    const d = jsonld(page);
    assert.equal(d['@type'], 'WebSite');
    assert.equal(d.url, `${srv.base}/${ed}/`);
    assert.equal(d.inLanguage, ed);
    // the SearchAction's template is a working search address
    assert.equal(d.potentialAction['@type'], 'SearchAction');
    assert.equal(d.potentialAction.target.urlTemplate, `${srv.base}/${ed}/search?q={search_term_string}`);
    assert.equal(d.potentialAction['query-input'], 'required name=search_term_string');
    const found = await fetch(d.potentialAction.target.urlTemplate.replace('{search_term_string}', encodeURIComponent(ed === 'en' ? 'water' : 'المياه')));
    assert.equal(found.status, 200);
    await validate(page, ['WebSite'], [Twitter, Facebook]);
    assert.ok(page.includes(`<link rel="alternate" hreflang="x-default" href="${srv.base}/en/">`));
    const list = await html(`/${ed}/section/politics`);
    const c = jsonld(list);
    assert.equal(c['@type'], 'CollectionPage');
    assert.equal(c.isPartOf['@type'], 'WebSite');
    assert.equal(c.url, `${srv.base}/${ed}/section/politics`);
  }
});

test('JSON-LD cannot be broken out of: script-like text in a headline stays inside the data', async () => {
  // the escaper is what guarantees it; the demo text has quotes and apostrophes, so check every '<' form
  const href = await firstArticle('en');
  const page = await html(href);
  const block = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(page)[1];
  assert.ok(!/[<>&]/.test(block), 'no raw < > & inside the JSON-LD block');
  assert.doesNotThrow(() => JSON.parse(block));
});
