// The query planner's statistics (db_analyze). Without them SQLite answers a tag page by reading every
// published article of the edition and probing each for the tag (150 ms at 100,000 articles); with them it
// starts from the tag's few. `serve` makes them at start-up when there are none or the number of articles
// has halved or doubled since they were made, and leaves fresh ones alone; /metrics counts both. On
// PostgreSQL autovacuum keeps them, and `broadsheet optimize` remakes them on both engines.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { demoSite, startServer, run, dbExec, siteDatabase } from '../lib/server.mjs';
import { undoAfter } from '../lib/migrations.mjs';

let site, pg;
before(() => {
  site = demoSite(40);
  pg = siteDatabase(site).startsWith('postgres');
});

// the shape of db_sqlite.c's S_LIST_TAG, for the tag with the most articles
const tagPlan = () => {
  const tag = dbExec(site, 'SELECT tag_id FROM article_tags GROUP BY tag_id ORDER BY count(*) DESC LIMIT 1').trim();
  return dbExec(site, 'EXPLAIN QUERY PLAN SELECT a.id FROM articles a JOIN sections s ON s.id = a.section_id '
    + `JOIN article_tags t ON t.article_id = a.id WHERE a.edition = 'en' AND a.status = 'published' AND t.tag_id = ${tag} `
    + 'AND a.id <> 0 ORDER BY a.published_at DESC, a.id DESC LIMIT 20 OFFSET 0');
};
const hasStats = () => dbExec(site, "SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'").trim() === '1';
const madeFor = () => dbExec(site, "SELECT stat FROM sqlite_stat1 WHERE tbl = 'articles' AND idx = 'articles_latest'").trim();
const articles = () => Number(dbExec(site, 'SELECT count(*) FROM articles').trim());

/** Starts serve, waits until its scheduler has looked at the statistics once; returns [checks, remade]. */
async function serveOnce() {
  const srv = await startServer(site);
  try {
    for (let i = 0; i < 300; i++) {
      const text = await (await fetch(`${srv.base}/metrics`)).text();
      const num = (name) => Number((text.match(new RegExp(`^${name} (\\d+)$`, 'm')) || [])[1]);
      if (num('broadsheet_planner_stats_checks_total') >= 1)
        return [num('broadsheet_planner_stats_checks_total'), num('broadsheet_planner_stats_remade_total')];
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the scheduler never looked at the statistics');
  } finally {
    await srv.stop();
  }
}

test('serve makes the statistics at start-up, and a tag page then starts from the tag', async (t) => {
  if (pg) return t.skip('PostgreSQL: autovacuum keeps the statistics');
  assert.equal(hasStats(), false, 'a new site has none');
  assert.doesNotMatch(tagPlan(), /article_tags_tag/, 'without them the plan reads the edition first');
  assert.deepEqual(await serveOnce(), [1, 1]);
  assert.equal(hasStats(), true);
  assert.equal(Number(madeFor().split(' ')[0]), articles(), 'made for the articles there are');
  assert.match(tagPlan(), /SEARCH t USING (COVERING )?INDEX article_tags_tag/);
});

test('fresh statistics are left alone; stale ones (articles halved or doubled) are remade', async (t) => {
  if (pg) return t.skip('PostgreSQL: autovacuum keeps the statistics');
  const n = articles();
  const cases = [
    [`${Math.ceil(n * 0.6)} 7 7 1`, false], // within a factor of two: fresh
    [`${Math.ceil(n * 1.9)} 7 7 1`, false],
    [`${Math.floor(n / 2) - 1} 7 7 1`, true], // more than doubled since
    [`${2 * n + 1} 7 7 1`, true], // less than half since
  ];
  for (const [stat, remade] of cases) {
    dbExec(site, `UPDATE sqlite_stat1 SET stat = '${stat}' WHERE tbl = 'articles' AND idx = 'articles_latest'`);
    assert.deepEqual(await serveOnce(), [1, remade ? 1 : 0], stat);
    if (remade) assert.equal(Number(madeFor().split(' ')[0]), n, stat);
    else assert.equal(madeFor(), stat, `${stat}: left as it was`);
  }
});

test('optimize remakes the statistics on either engine', () => {
  // before: statistics made for some other count (SQLite), the explicit ANALYZEs so far (PostgreSQL)
  const analyses = () => Number(dbExec(site, "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'articles'").trim());
  const before = pg ? analyses() : null;
  if (!pg) dbExec(site, "UPDATE sqlite_stat1 SET stat = '7 7 7 1' WHERE tbl = 'articles' AND idx = 'articles_latest'");
  const r = run(['optimize', '--site', site]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`statistics made for ${articles()} article\\(s\\)`));
  if (pg) assert.ok(analyses() > before, `articles analysed (${before} before)`);
  else assert.equal(Number(madeFor().split(' ')[0]), articles());
});

test('sitemaps read their dates from indexes (migration 12), on either engine', () => {
  const names = dbExec(site, pg ? "SELECT indexname FROM pg_indexes WHERE tablename = 'articles'"
    : "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'articles'");
  assert.match(names, /^articles_stamps$/m);
  assert.match(names, /^articles_section_stamps$/m);
  if (pg) return;
  // the shapes of db_sqlite_feeds.c's sql_months and sql_sections, with the statistics serve makes
  const months = dbExec(site, "EXPLAIN QUERY PLAN SELECT CAST(strftime('%Y', a.published_at, 'unixepoch') AS INTEGER) AS y, "
    + "CAST(strftime('%m', a.published_at, 'unixepoch') AS INTEGER) AS m, count(*), "
    + 'max(max(a.published_at, coalesce(a.updated_at, a.published_at))) FROM articles a '
    + "WHERE a.edition IN (SELECT code FROM editions) AND a.status = 'published' AND a.published_at IS NOT NULL "
    + 'GROUP BY y, m ORDER BY y DESC, m DESC');
  assert.match(months, /USING COVERING INDEX articles_stamps/);
  const sections = dbExec(site, 'EXPLAIN QUERY PLAN SELECT s.id, coalesce((SELECT max(max(a.published_at, '
    + "coalesce(a.updated_at, a.published_at))) FROM articles a WHERE a.section_id = s.id AND a.status = 'published'), 0) "
    + "FROM sections s WHERE s.edition = 'en' ORDER BY s.position, s.id");
  assert.match(sections, /USING COVERING INDEX articles_section_stamps/);
});

test('an upgrade remakes the statistics a site has, so a new index is not taken for unmeasured', (t) => {
  if (pg) return t.skip('PostgreSQL: autovacuum keeps the statistics');
  assert.equal(hasStats(), true);
  // back to the schema before migration 12, with statistics made then
  // (what the later migrations added goes too, so the upgrade runs them again: 13 autosaves, 14 the media
  // focal point and metadata columns; SQLite's DROP COLUMN re-reads the FTS triggers, whose tokenizer
  // only the server has, so media is made again as migration 1 made it; 15 articles.body_text, dropped
  // once the triggers naming it are gone, which migration 15 drops and makes again: stand-ins of the same
  // names stay; every migration after 15 as tests/lib/migrations.mjs undoes it)
  const triggers = ['articles_fts_ai', 'articles_fts_ad', 'articles_fts_au', 'articles_terms_ai', 'articles_terms_au'];
  dbExec(site, triggers.map((n) => `DROP TRIGGER ${n}; `).join('') + undoAfter(15)
    + 'ALTER TABLE articles DROP COLUMN body_text; '
    + triggers.map((n) => `CREATE TRIGGER ${n} AFTER DELETE ON sections BEGIN SELECT 1; END; `).join(''));
  dbExec(site, 'DROP INDEX articles_stamps; DROP INDEX articles_section_stamps; DROP TABLE autosaves; '
    + 'CREATE TABLE media_then AS SELECT id, path, mime, alt, width, height, created_at FROM media; DROP TABLE media; '
    + 'CREATE TABLE media(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, mime TEXT NOT NULL, '
    + "alt TEXT NOT NULL DEFAULT '', width INTEGER NOT NULL DEFAULT 0, height INTEGER NOT NULL DEFAULT 0, "
    + 'created_at INTEGER NOT NULL); INSERT INTO media SELECT * FROM media_then; DROP TABLE media_then; '
    + 'ANALYZE; PRAGMA user_version = 11;');
  assert.equal(dbExec(site, "SELECT count(*) FROM sqlite_stat1 WHERE idx LIKE 'articles%stamps'").trim(), '0');
  const r = run(['check', '--site', site]); // opening the site upgrades it
  assert.equal(r.status, 0, r.stderr);
  assert.ok(Number(dbExec(site, 'PRAGMA user_version').trim()) >= 12);
  assert.equal(dbExec(site, "SELECT count(*) FROM sqlite_stat1 WHERE idx LIKE 'articles%stamps'").trim(), '2');
  // the latest-news list reads in date order and stops at its limit (with articles_section_stamps
  // unmeasured it read and sorted the whole edition through that index)
  const plan = dbExec(site, 'EXPLAIN QUERY PLAN SELECT a.id FROM articles a JOIN sections s ON s.id = a.section_id '
    + "WHERE a.edition = 'en' AND a.status = 'published' AND a.id <> 0 AND NULL IS NULL "
    + 'ORDER BY a.published_at DESC, a.id DESC LIMIT 10 OFFSET 0');
  assert.doesNotMatch(plan, /articles_section_stamps|TEMP B-TREE FOR ORDER BY/);
  assert.match(plan, /USING INDEX articles_(latest|published)\b/);
});

test('export makes the statistics of a site that was never served', (t) => {
  if (pg) return t.skip('PostgreSQL: autovacuum keeps the statistics');
  const fresh = demoSite(0);
  const has = () => dbExec(fresh, "SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'").trim();
  assert.equal(has(), '0');
  const r = run(['export', '--site', fresh, '--jobs', '2', path.join(path.dirname(fresh), 'out')]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(has(), '1');
});
