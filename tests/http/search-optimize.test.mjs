// `broadsheet optimize` (db_search_maintain with no bound: FTS5 'optimize' on SQLite, the GIN pending list
// flushed on PostgreSQL; then ANALYZE, tested in planner-stats.test.mjs) on whichever engine the suite runs on: it exits 0 and the search page
// answers exactly as before, for words, ANDs, phrases and two-, three- and four-letter prefixes in both
// editions. Also its usage errors and help.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { demoSite, startServer, run, tempDir, unescapeHtml } from '../lib/server.mjs';

let site;
before(() => { site = demoSite(300); });

const queries = [
  ['en', 'official'], ['en', 'oil prices'], ['en', '"prime minister"'], ['en', 'of*'], ['en', 'off*'], ['en', 'offi*'],
  ['ar', 'الحكومة'], ['ar', 'اقتص*'], ['ar', 'ال*'], ['ar', 'وزي*'],
];

/** The search pages of every query (result slugs and the count line), from a fresh server (no page cache). */
async function answers() {
  const srv = await startServer(site);
  try {
    const out = [];
    for (const [ed, q] of queries) {
      const r = await fetch(`${srv.base}/${ed}/search?q=${encodeURIComponent(q)}&archive=1`);
      assert.equal(r.status, 200, q);
      const html = await r.text();
      const slugs = [...html.matchAll(/<article class="story result">[\s\S]*?<h3><a href="([^"]+)">/g)]
        .map((m) => unescapeHtml(m[1]));
      const count = (html.match(/<p class="intro">([\s\S]*?)<\/p>/) || [])[1] || '';
      out.push({ q, slugs, count });
    }
    return out;
  } finally {
    await srv.stop();
  }
}

test('optimize merges the index and every search answers as before', async () => {
  const before = await answers();
  assert.ok(before.filter((a) => a.slugs.length > 0).length >= 8, JSON.stringify(before.map((a) => [a.q, a.slugs.length])));
  const r = run(['optimize', '--site', site]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^ok: the search index is merged/);
  assert.deepEqual(await answers(), before);
  const again = run(['optimize', '--site', site]); // nothing left to merge: still fine
  assert.equal(again.status, 0, again.stderr);
});

test('optimize: help, usage errors (64) and a missing site (66)', () => {
  for (const args of [['optimize', '--help'], ['help', 'optimize']]) {
    const r = run(args);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^usage: broadsheet optimize/);
  }
  for (const args of [['optimize', '--bogus'], ['optimize', '--site']]) {
    const r = run(args);
    assert.equal(r.status, 64, args.join(' '));
    assert.match(r.stderr, /usage: broadsheet optimize/);
  }
  const missing = run(['optimize', '--site', path.join(tempDir(), 'nothing-here')]);
  assert.equal(missing.status, 66, missing.stderr);
});
