// Mixed traffic for bench/soak.sh: readers (front pages, articles, sections, tags, search, feeds, sitemaps,
// the JSON API, 404s, 304 revalidations), visitors posting comments, and an editor logging in and saving
// articles. Runs CONCURRENCY loops until DURATION seconds have passed; prints request counts as JSON.
// Usage: node bench/soak-traffic.mjs BASE_URL SITE_DIR DURATION CONCURRENCY
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const [base, site, duration, concurrency] = [process.argv[2], process.argv[3], Number(process.argv[4]), Number(process.argv[5] || 4)];
const until = Date.now() + duration * 1000;
const counts = {};
const sql = (q) => spawnSync('sqlite3', ['-cmd', '.timeout 10000', path.join(site, 'site.db'), q], { encoding: 'utf8' }).stdout.trim();
const articles = sql("SELECT id || ' /' || edition || strftime('/%Y/%m/%d/', published_at, 'unixepoch') || slug FROM articles "
  + "WHERE status = 'published' ORDER BY id LIMIT 200").split('\n').map((l) => {
  const i = l.indexOf(' ');
  return { id: Number(l.slice(0, i)), href: encodeURI(l.slice(i + 1)) };
});
const reads = ['/en/', '/ar/', '/en/section/business', '/en/section/business?page=2', '/en/search?q=port', '/ar/search?q=%D9%85%D9%8A%D9%86%D8%A7%D8%A1',
  '/en/rss.xml', '/ar/atom.xml', '/sitemap.xml', '/robots.txt', '/api/v1/articles?edition=en&limit=20', '/api/v1/sections?edition=ar',
  '/en/no-such-page', '/static/site.css'];
const pick = (a) => a[Math.floor(Math.random() * a.length)];
const field = (html, name) => (new RegExp(`name="${name}" value="([^"]*)"`).exec(html) || [])[1];

async function hit(kind, url, opts) {
  const r = await fetch(base + url, { redirect: 'manual', ...opts });
  const text = await r.text();
  counts[`${kind} ${r.status}`] = (counts[`${kind} ${r.status}`] || 0) + 1;
  return { r, text };
}

async function editor() {
  const lp = await hit('login-form', '/admin/login');
  const form = new URLSearchParams({ login: 'soak', password: 'a-soak-password', token: field(lp.text, 'token'), next: '/admin/' });
  // the form's token is bound to its pre-session cookie: send that back
  const pre = (/bs_prelogin=[0-9a-f]+/.exec(lp.r.headers.get('set-cookie') || '') || [])[0];
  const l = await hit('login', '/admin/login', { method: 'POST', body: form, headers: pre ? { cookie: pre } : {} });
  const cookie = (/bs_session=([0-9a-f]+)/.exec(l.r.headers.get('set-cookie') || '') || [])[1];
  if (!cookie) return;
  const headers = { cookie: `bs_session=${cookie}` };
  const ed = await hit('editor', '/admin/articles/new', { headers });
  const csrf = field(ed.text, 'csrf');
  const body = new URLSearchParams({ csrf, do: 'save', headline: `Soak ${Date.now()} ${Math.random()}`, standfirst: 'A soak test.',
    body: 'Some **Markdown** text about the port and the council.\n\n- one\n- two', edition: 'en', section: '1', bylines: 'Soak Tester',
    tags: 'soak', dateline: 'AMMAN', slug: '', media: '0', caption: '', credit: '', translation: '', version: '0' });
  await hit('save', '/admin/articles/new', { method: 'POST', headers, body });
  await hit('dashboard', '/admin/', { headers });
  const lo = new URLSearchParams({ csrf });
  await hit('logout', '/admin/logout', { method: 'POST', headers, body: lo });
}

async function commenter() {
  const a = pick(articles);
  const p = await hit('article', a.href);
  const token = field(p.text, 'token');
  if (!token) return;
  await hit('comment', `/comments/${a.id}`, { method: 'POST', body: new URLSearchParams({ token, website: '', name: 'Soak', email: '',
    body: `A soak comment ${Math.random()}` }) });
}

async function reader() {
  if (Math.random() < 0.5) {
    const { r } = await hit('article', pick(articles).href);
    const etag = r.headers.get('etag');
    if (etag) await hit('revalidate', '/en/', { headers: { 'if-none-match': etag } });
  } else {
    await hit('read', pick(reads));
  }
}

async function loop() {
  while (Date.now() < until) {
    const x = Math.random();
    try {
      if (x < 0.02) await editor();
      else if (x < 0.08) await commenter();
      else await reader();
    } catch (e) {
      counts[`error ${e.code || e.message}`] = (counts[`error ${e.code || e.message}`] || 0) + 1;
    }
  }
}
await Promise.all(Array.from({ length: concurrency }, loop));
console.log(JSON.stringify(counts));
