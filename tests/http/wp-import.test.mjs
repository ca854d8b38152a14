// `broadsheet import wordpress` (issue 23) on the real WordPress fixture (tests/fixtures/wordpress, made by
// scripts/wp-fixture.sh from WordPress 6.1.9): articles, sections, tags, bylines, media with renditions,
// comments threaded with their states, the Polylang pair, statuses and dates; a second import changes
// nothing; a changed post is updated in place; hostile files are refused with nothing written; a truncated
// file keeps its earlier batches; an uploads path with ../ is refused. Both engines (BROADSHEET_TEST_DB).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { run, tempDir, dbExec, startServer, ROOT } from '../lib/server.mjs';

const FIX = path.join(ROOT, 'tests/fixtures/wordpress');
const XML = path.join(FIX, 'export.xml');
const UPLOADS = path.join(FIX, 'uploads');
const expected = JSON.parse(fs.readFileSync(path.join(FIX, 'expected.json'), 'utf8'));

/** A new empty site (SQLite or a fresh PostgreSQL database, as the engine says). */
function freshSite() {
  const dir = path.join(tempDir('wp-'), 'site');
  const r = run(['init', dir]);
  assert.equal(r.status, 0, r.stderr);
  return dir;
}

/** Runs the import; returns {status, stdout, stderr, report}. */
function importWp(site, file, extra = []) {
  const report = path.join(path.dirname(site), `report-${Math.random().toString(36).slice(2)}.json`);
  const r = run(['import', 'wordpress', file, '--site', site, '--report', report, ...extra]);
  const rep = fs.existsSync(report) ? JSON.parse(fs.readFileSync(report, 'utf8')) : null;
  return { ...r, report: rep };
}

const one = (site, sql) => dbExec(site, sql).trim();
const rows = (site, sql) => dbExec(site, sql).trim().split('\n').filter(Boolean).map((l) => l.split('\t'));
const counts = (site) => ['articles', 'comments', 'media', 'sections', 'tags', 'authors', 'legacy_urls']
  .map((t) => one(site, `SELECT count(*) FROM ${t}`)).join(',');

/** The normal form legacy_path_norm gives an old address (upper-case hex, no trailing slash). */
function norm(p) {
  let s = encodeURI(decodeURIComponent(p)).replace(/%[0-9a-f]{2}/gi, (m) => m.toUpperCase());
  if (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  return s.replace('/?', '?').replace(/^\?/, '/?');
}

test('the fixture imports: articles, sections, tags, bylines, media, comments, pair, statuses, old addresses', async () => {
  const site = freshSite();
  const r = importWp(site, XML, ['--uploads', UPLOADS, '--accounts']);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /posts\/pages\s+imported 12/);
  assert.equal(r.report.posts.imported, 12);
  // the missing upload is reported, not fatal
  assert.ok(r.report.skipped.some((s) => s.kind === 'attachment' && s.wp_id === 22 && /missing/.test(s.why)), r.stdout);
  assert.ok(r.report.skipped.some((s) => s.kind === 'comment' && s.wp_id === 7 && /trash/.test(s.why)));

  // posts: status, dates (UTC from post_date_gmt), slugs (Arabic decoded), standfirst, guid
  const byGuid = Object.fromEntries(rows(site, 'SELECT guid, status, edition, slug, published_at, scheduled_at, standfirst, top_rank FROM articles')
    .map((c) => [c[0], c.slice(1)]));
  const p4 = byGuid['http://oldsite.example/?p=4'];
  assert.deepEqual(p4.slice(0, 3), ['published', 'en', 'election-results-announced-in-the-capital']);
  assert.equal(Number(p4[3]), Date.parse('2024-03-10T06:00:00Z') / 1000);
  assert.equal(p4[5], 'Turnout was the highest in twenty years.');
  assert.equal(p4[6], '1', 'the sticky post is the lead top story');
  const p6 = byGuid['http://oldsite.example/?p=6'];
  assert.deepEqual(p6.slice(0, 3), ['published', 'ar', 'إعلان-نتائج-الانتخابات-في-العاصمة']);
  const p8 = byGuid['http://oldsite.example/?p=8'];
  assert.equal(Number(p8[3]), Date.parse('2024-03-31T22:30:00Z') / 1000, 'UTC, not the site time zone');
  const p16 = byGuid['http://oldsite.example/?p=16'];
  assert.equal(p16[0], 'scheduled');
  assert.equal(Number(p16[4]), Date.parse('2099-01-15T06:00:00Z') / 1000);
  assert.equal(byGuid['http://oldsite.example/?p=17'][0], 'draft');
  assert.equal(byGuid['http://oldsite.example/?page_id=20'][1], 'ar');

  // sections (a category each, in its edition; pages in "pages"), the article in its deepest category
  assert.equal(one(site, `SELECT s.slug FROM articles a JOIN sections s ON s.id = a.section_id WHERE a.guid = 'http://oldsite.example/?p=4'`), 'middle-east');
  assert.equal(one(site, `SELECT s.edition || ':' || s.slug FROM articles a JOIN sections s ON s.id = a.section_id WHERE a.guid = 'http://oldsite.example/?p=21'`), 'ar:العالم');
  assert.equal(one(site, `SELECT s.slug FROM articles a JOIN sections s ON s.id = a.section_id WHERE a.guid = 'http://oldsite.example/?page_id=18'`), 'pages');
  // tags and bylines
  assert.equal(one(site, `SELECT t.edition || ':' || t.slug FROM article_tags x JOIN tags t ON t.id = x.tag_id JOIN articles a ON a.id = x.article_id WHERE a.guid = 'http://oldsite.example/?p=6'`), 'ar:انتخابات');
  assert.equal(one(site, `SELECT au.name FROM article_authors x JOIN authors au ON au.id = x.author_id JOIN articles a ON a.id = x.article_id WHERE a.guid = 'http://oldsite.example/?p=4'`), 'Sarah Lane');
  // --accounts: newsroom accounts without a password
  assert.deepEqual(rows(site, `SELECT login, pw_hash, email FROM users WHERE login = 'lhaddad'`), [['lhaddad', '', 'layla.haddad@oldsite.example']]);

  // the Polylang pair shares a translation group
  const groups = rows(site, `SELECT translation_group FROM articles WHERE guid IN ('http://oldsite.example/?p=4', 'http://oldsite.example/?p=6')`).flat();
  assert.equal(groups.length, 2);
  assert.ok(groups[0] && groups[0] === groups[1], groups.join(' '));

  // media: the featured image with renditions, alt, caption, credit
  const [lead] = rows(site, `SELECT m.path, m.alt, a.lead_caption, a.lead_credit, m.width FROM articles a JOIN media m ON m.id = a.lead_media_id WHERE a.guid = 'http://oldsite.example/?p=4'`);
  assert.equal(lead[1], 'People counting paper ballots at long tables');
  assert.equal(lead[2], 'Volunteers count ballots in the capital.');
  assert.equal(lead[3], 'The Old Gazette / Sarah Lane');
  assert.equal(lead[4], '1200');
  for (const w of [320, 640]) assert.ok(fs.existsSync(path.join(site, 'media', lead[0].replace(/\.jpg$/, `-${w}.webp`))), `rendition ${w}`);
  assert.equal(Number(one(site, 'SELECT count(*) FROM media')), 7);

  // comments: threading (a reply to a reply hangs under its top-level ancestor), states, hashed e-mail
  const cs = rows(site, `SELECT c.name, c.status, c.parent_id, c.id, c.body, c.email_hash FROM comments c JOIN articles a ON a.id = c.article_id WHERE a.guid = 'http://oldsite.example/?p=4' ORDER BY c.created_at`);
  assert.deepEqual(cs.map((c) => c[1]), ['approved', 'approved', 'approved', 'pending']);
  const top = cs[0][3];
  assert.equal(cs[0][2], '');
  assert.equal(cs[1][2], top);
  assert.equal(cs[2][2], top, 'the reply to a reply is under the top-level comment');
  assert.doesNotMatch(cs[3][4], /<script|alert/);
  assert.match(cs[0][5], /^[0-9a-f]{64}$/);
  assert.equal(one(site, `SELECT count(*) FROM comments WHERE body LIKE '%omar@example.net%'`), '0');

  // the hostile post: no script, style or event handler in the stored body
  const body = one(site, `SELECT body_md || body_html FROM articles WHERE guid = 'http://oldsite.example/?p=15'`);
  assert.doesNotMatch(body, /<script|<style|<iframe|onclick|onerror|style=|javascript:/i);

  // galleries (block editor and [gallery ids]) and [caption] images point to the media library
  const gallery = one(site, `SELECT body_md FROM articles WHERE guid = 'http://oldsite.example/?p=8'`);
  assert.match(gallery, /```gallery\n/);
  assert.equal((gallery.match(/^media: \d+$/gm) || []).length, 3, gallery);
  assert.match(gallery, /caption: The spice market at opening time\./);
  const classic = one(site, `SELECT body_md FROM articles WHERE guid = 'http://oldsite.example/?p=12'`);
  assert.match(classic, /```image\nmedia: \d+\nalt: Fishing boats moored in a small harbour\ncaption: The harbour before the new quay\./);
  assert.match(classic, /```gallery\n/);
  assert.doesNotMatch(classic, /\[caption|\[gallery/);
  // the markup the converter left out is summarised in the report
  assert.ok(r.report.dropped > 0);
  assert.ok(r.report.skipped.some((s) => s.kind === 'dropped-html' && s.wp_id === 15 && /script/.test(s.why)), JSON.stringify(r.report.skipped));

  // every old address of the fixture is recorded
  const have = new Set(rows(site, 'SELECT path FROM legacy_urls').map((c) => c[0]));
  for (const u of expected.old_urls) assert.ok(have.has(norm(u)), `old address ${u} (${norm(u)})`);
  assert.equal(one(site, `SELECT kind FROM legacy_urls WHERE path = '/2024/03/election-results-announced-in-the-capital/ballot-count'`), 'article');

  // and the reader serves the imported Arabic story
  const srv = await startServer(site);
  try {
    const d = new Date(Number(p6[3]) * 1000);
    const url = `${srv.base}/ar/${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}/${encodeURIComponent(p6[2])}`;
    const res = await fetch(url);
    assert.equal(res.status, 200, url);
    assert.match(await res.text(), /إعلان نتائج الانتخابات في العاصمة/);
  } finally {
    await srv.stop();
  }
});

test('a second import changes nothing; a changed post is updated in place with a new revision', () => {
  const site = freshSite();
  assert.equal(importWp(site, XML, ['--uploads', UPLOADS]).status, 0);
  const before = counts(site);
  const again = importWp(site, XML, ['--uploads', UPLOADS]);
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual([again.report.posts.imported, again.report.posts.updated, again.report.posts.unchanged], [0, 0, 12]);
  assert.deepEqual([again.report.media.imported, again.report.media.unchanged], [0, 7]);
  assert.deepEqual([again.report.comments.imported, again.report.comments.unchanged], [0, 8]);
  assert.equal(counts(site), before);

  const changed = path.join(path.dirname(site), 'changed.xml');
  fs.writeFileSync(changed, fs.readFileSync(XML, 'utf8').replace('Every vote was counted twice.', 'Every vote was counted three times.'));
  const upd = importWp(site, changed, ['--uploads', UPLOADS]);
  assert.equal(upd.status, 0, upd.stderr);
  assert.deepEqual([upd.report.posts.updated, upd.report.posts.unchanged, upd.report.posts.imported], [1, 11, 0]);
  assert.equal(counts(site), before);
  assert.match(one(site, `SELECT body_md FROM articles WHERE guid = 'http://oldsite.example/?p=4'`), /three times/);
  assert.equal(one(site, `SELECT version FROM articles WHERE guid = 'http://oldsite.example/?p=4'`), '2');
  assert.equal(one(site, `SELECT count(*) FROM article_revisions r JOIN articles a ON a.id = r.article_id WHERE a.guid = 'http://oldsite.example/?p=4'`), '2');

  // a comment added on the old site since: imported, its post left unchanged
  const more = path.join(path.dirname(site), 'more.xml');
  fs.writeFileSync(more, fs.readFileSync(changed, 'utf8').replace('<wp:comment_id>2</wp:comment_id>',
    '<wp:comment_id>99</wp:comment_id><wp:comment_author>Late</wp:comment_author><wp:comment_content>Late reply.</wp:comment_content>' +
    '<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>3</wp:comment_parent></wp:comment><wp:comment><wp:comment_id>2</wp:comment_id>'));
  const late = importWp(site, more, ['--uploads', UPLOADS]);
  assert.equal(late.status, 0, late.stderr);
  assert.deepEqual([late.report.posts.unchanged, late.report.comments.imported], [12, 1]);
  const top = one(site, "SELECT c.id FROM comments c JOIN articles a ON a.id = c.article_id WHERE a.guid = 'http://oldsite.example/?p=4' AND c.name = 'Omar' AND c.parent_id IS NULL");
  assert.equal(one(site, "SELECT parent_id FROM comments WHERE body = 'Late reply.'"), top);
});

test('--sections maps WordPress categories to chosen sections', () => {
  const site = freshSite();
  const map = path.join(path.dirname(site), 'sections.txt');
  fs.writeFileSync(map, '# wp-category-slug = section-slug\nmiddle-east = world\n\nالعالم = arab-world\n');
  const r = importWp(site, XML, ['--sections', map]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(one(site, `SELECT s.edition || ':' || s.slug FROM articles a JOIN sections s ON s.id = a.section_id WHERE a.guid = 'http://oldsite.example/?p=4'`), 'en:world');
  assert.equal(one(site, `SELECT s.edition || ':' || s.slug FROM articles a JOIN sections s ON s.id = a.section_id WHERE a.guid = 'http://oldsite.example/?p=6'`), 'ar:arab-world');
  const bad = path.join(path.dirname(site), 'bad.txt');
  fs.writeFileSync(bad, 'just a word\n');
  assert.equal(run(["import", "wordpress", XML, "--site", site, "--sections", bad]).status, 65);
});

test('a DOCTYPE (billion laughs) and an external entity are refused with nothing written', () => {
  const site = freshSite();
  const before = counts(site);
  const dir = path.dirname(site);
  const laughs = path.join(dir, 'laughs.xml');
  fs.writeFileSync(laughs, '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
    '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>\n' +
    '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><title>&lol2;</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status></item></channel></rss>\n');
  const xxe = path.join(dir, 'xxe.xml');
  fs.writeFileSync(xxe, '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n' +
    '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><title>&xxe;</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status></item></channel></rss>\n');
  for (const f of [laughs, xxe]) {
    const r = importWp(site, f);
    assert.equal(r.status, 65, r.stdout + r.stderr);
    assert.match(r.stdout, /refused: the file declares a DOCTYPE/);
    assert.equal(r.report.refused, true);
    assert.equal(counts(site), before);
  }
  const latin = path.join(dir, 'latin.xml');
  fs.writeFileSync(latin, Buffer.concat([Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<rss><channel><item><title>caf'),
    Buffer.from([0xe9]), Buffer.from('</title></item></channel></rss>\n')]));
  const bad = importWp(site, latin);
  assert.equal(bad.status, 65, bad.stdout);
  assert.match(bad.stdout, /not in the encoding it declares/);
  assert.equal(counts(site), before);
});

test('a truncated file keeps its earlier batches and says where it stopped; running the whole file then goes on', () => {
  const site = freshSite();
  const text = fs.readFileSync(XML, 'utf8');
  const cut = text.indexOf('<wp:post_id>12</wp:post_id>'); // part-way through the fourth post
  const trunc = path.join(path.dirname(site), 'trunc.xml');
  fs.writeFileSync(trunc, text.slice(0, cut));
  const r = importWp(site, trunc, ['--uploads', UPLOADS, '--batch', '2']);
  assert.equal(r.status, 70, r.stdout + r.stderr);
  assert.match(r.stdout, /STOPPED: line \d+: the XML broke off/);
  assert.match(r.report.stopped, /^line \d+/);
  assert.equal(Number(one(site, 'SELECT count(*) FROM articles')), 3, 'the posts before the break are kept');
  const rest = importWp(site, XML, ['--uploads', UPLOADS]);
  assert.equal(rest.status, 0, rest.stderr);
  assert.deepEqual([rest.report.posts.imported, rest.report.posts.unchanged], [9, 3]);
});

test('an uploads path escaping the folder is refused and reported; the rest imports', () => {
  const site = freshSite();
  const dots = path.join(path.dirname(site), 'dots.xml');
  fs.writeFileSync(dots, fs.readFileSync(XML, 'utf8').replace(
    'wp-content/uploads/2024/03/ballot-count.jpg]]></wp:attachment_url>', 'wp-content/uploads/../../../../etc/passwd]]></wp:attachment_url>'));
  const r = importWp(site, dots, ['--uploads', UPLOADS]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.report.skipped.some((s) => s.kind === 'attachment' && s.wp_id === 5 && /escapes the uploads folder/.test(s.why)), r.stdout);
  assert.equal(r.report.media.imported, 6);
  assert.equal(one(site, `SELECT count(*) FROM articles WHERE lead_media_id IS NULL AND guid = 'http://oldsite.example/?p=4'`), '1');
});

test('without --uploads (as bench/import.sh calls it) posts import and attachments are reported', () => {
  const site = freshSite();
  const r = run(['import', 'wordpress', XML, '--site', site]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /posts\/pages\s+imported 12/);
  assert.match(r.stdout, /skipped attachment 5: not stored: no --uploads folder was given/);
});

test('usage: a missing file, an unknown source and a bad --edition', () => {
  assert.equal(run(['import', 'blogger', 'x.xml']).status, 64);
  assert.equal(run(['import', 'wordpress']).status, 64);
  assert.equal(run(['import', 'wordpress', XML, '--edition', 'fr']).status, 64);
  const site = freshSite();
  assert.equal(run(['import', 'wordpress', '/nonexistent.xml', '--site', site]).status, 66);
});

test('the demo imports its bundled WordPress export: a pair of stories, a comment thread and old addresses', () => {
  const dir = path.join(tempDir('wp-demo-'), 'site');
  const r = run(['demo', dir, '--drawn']);
  assert.equal(r.status, 0, r.stderr);
  const pair = rows(dir, "SELECT edition, slug, translation_group FROM articles WHERE guid LIKE 'http://old-gazette.example/%' ORDER BY edition DESC");
  assert.deepEqual(pair.map((p) => p.slice(0, 2)), [['en', 'the-harbour-twenty-five-years-on'], ['ar', 'الميناء-بعد-خمسة-وعشرين-عاما']]);
  assert.ok(pair[0][2] && pair[0][2] === pair[1][2], 'a translation pair');
  assert.equal(one(dir, "SELECT count(*) FROM comments c JOIN articles a ON a.id = c.article_id WHERE a.guid = 'http://old-gazette.example/?p=10' AND c.parent_id IS NOT NULL"), '1');
  assert.equal(one(dir, "SELECT kind FROM legacy_urls WHERE path = '/2019/05/the-harbour-twenty-five-years-on'"), 'article');
  assert.equal(one(dir, "SELECT count(*) FROM audit_log WHERE action = 'import.wordpress'"), '1');
});
