// bench/editor.mjs - the writing desk (issue 18): the gzipped size of its bundle as the server sends it
// (static/editor-desk.js, goal at most 150 KB) and the time until the editor page can be typed in, in
// Chromium on this machine (goal under 1 s): from navigation start to the ProseMirror surface mounted
// and accepting a keystroke that reaches the form's Markdown, median and worst of ROUNDS page loads of
// a long demo article (release build, loopback, cold browser cache each round). Not a timed test.
//
//   node bench/editor.mjs            (ROUNDS=10 in the environment to change)
// Prints Markdown (paste into bench/RESULTS.md).
import { execSync } from 'node:child_process';
import os from 'node:os';
import zlib from 'node:zlib';

// BROADSHEET_BIN=build/asan/broadsheet measures with the test build instead (no release build made)
const given = !!process.env.BROADSHEET_BIN;
process.env.BROADSHEET_BIN ||= 'build/broadsheet';
const { demoSite, startServer, dbExec } = await import('../tests/lib/server.mjs');
const { addUser, login } = await import('../tests/lib/newsroom.mjs');
const { chromium } = await import('playwright-core');

const ROUNDS = Number(process.env.ROUNDS || 10);
if (!given) execSync('make -s -j2 build/broadsheet', { stdio: 'inherit' });
const dir = demoSite(0);
addUser(dir, 'bench', 'editor');
const srv = await startServer(dir);
const who = await login(srv.base, 'bench', 'a-long-password');

const bundle = Buffer.from(await (await fetch(`${srv.base}/static/editor-desk.js`)).arrayBuffer());
const gz = zlib.gzipSync(bundle, { level: 9 }).length;
const br = zlib.brotliCompressSync(bundle).length;

// the longest demo article
const id = dbExec(dir, 'SELECT id FROM articles ORDER BY length(body_md) DESC LIMIT 1').trim();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--headless'] });
const times = [], marks = [];
for (let i = 0; i < ROUNDS; i++) {
  const ctx = await browser.newContext(); // a cold cache each round
  await ctx.addCookies([{ name: 'bs_session', value: who.cookie, url: srv.base }]);
  const page = await ctx.newPage();
  await page.goto(`${srv.base}/admin/articles/${id}`, { waitUntil: 'commit' });
  await page.locator('.pm-editor').click();
  await page.keyboard.type('x');
  await page.waitForFunction(() => document.getElementById('body').value.includes('x'));
  const ms = await page.evaluate(() => performance.now()); // since navigation start
  times.push(ms);
  // the page's own clock: when the desk was mounted and took keys (editor/main.js marks it), without the
  // automation's round trips (click, type, poll) that the time above includes
  marks.push(await page.evaluate(() => performance.getEntriesByName('desk-typeable')[0].startTime));
  await ctx.close();
}
await browser.close();
await srv.stop();
times.sort((a, b) => a - b);
marks.sort((a, b) => a - b);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`# Writing desk benchmark, ${new Date().toISOString().slice(0, 10)}\n`);
console.log(`- machine: ${os.cpus().length} cores, ${os.cpus()[0].model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; server ${process.env.BROADSHEET_BIN}`);
console.log(`- bundle static/editor-desk.js: ${kb(bundle.length)} minified, ${kb(gz)} gzip -9 (goal <= 150 KB), ${kb(br)} brotli`);
console.log(`- editor page of article ${id} (the longest demo body), ${ROUNDS} cold loads: time until a typed key reaches the form:`
  + ` median ${times[Math.floor(times.length / 2)].toFixed(0)} ms, worst ${times[times.length - 1].toFixed(0)} ms`
  + ` (through the automation's click, type and poll); the page's own mark of the desk mounted and taking keys:`
  + ` median ${marks[Math.floor(marks.length / 2)].toFixed(0)} ms, worst ${marks[marks.length - 1].toFixed(0)} ms (goal < 1000 ms)`);
console.log(`- load average while measuring: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
