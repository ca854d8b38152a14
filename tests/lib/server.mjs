// Test helpers: build sites with the real binary, start `broadsheet serve` on a free loopback port,
// stop it with SIGTERM and check it shut down cleanly (exit 0, no sanitizer report).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const BIN = path.resolve(ROOT, process.env.BROADSHEET_BIN || 'build/asan/broadsheet');

/**
 * The engine the tests run on: BROADSHEET_TEST_DB=pg puts every site the tests create on PostgreSQL (a
 * fresh database per site in the cluster BROADSHEET_TEST_PG names, e.g. postgresql://postgres@127.0.0.1:5432/postgres,
 * which tests/run-all.sh starts with scripts/test-pg.sh); anything else means SQLite.
 */
export const ENGINE = process.env.BROADSHEET_TEST_DB === 'pg' ? 'pg' : 'sqlite';
let dbCounter = 0;

/** A new, empty PostgreSQL database on the test cluster; returns its URL. */
export function freshPgDatabase() {
  const admin = process.env.BROADSHEET_TEST_PG;
  assert.ok(admin, 'BROADSHEET_TEST_DB=pg needs BROADSHEET_TEST_PG (the test cluster URL, see scripts/test-pg.sh)');
  const name = `bs_${process.pid}_${++dbCounter}_${Date.now() % 100000}`;
  const r = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', admin, '-c', `CREATE DATABASE ${name}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, `cannot create a test database: ${r.stderr}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Runs the binary synchronously; returns {status, stdout, stderr}. On PostgreSQL, `init DIR` and
 * `demo DIR ...` get `--db` with a fresh database, so the tests need not know the engine.
 */
export function run(args, opts = {}) {
  if (ENGINE === 'pg' && (args[0] === 'init' || args[0] === 'demo') && args.length >= 2 && !args[1].startsWith('-') &&
      !args.includes('--db') && !args.includes('--help') && (args[0] === 'demo' || args.length === 2)) {
    args = [...args, '--db', freshPgDatabase()];
  }
  const r = spawnSync(BIN, args, { encoding: 'utf8', timeout: 120000, ...opts });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The database URL a site's broadsheet.conf names (the last `database` line wins, as in the binary). */
export function siteDatabase(dir) {
  const conf = fs.readFileSync(path.join(dir, 'broadsheet.conf'), 'utf8');
  let url = 'sqlite:site.db';
  for (const m of conf.matchAll(/^\s*(?:database|db)\s*=\s*(.+?)\s*$/gm)) url = m[1];
  return url;
}

/**
 * Runs SQL on a site's store with the engine's shell (sqlite3 or psql), for tests that set up or check
 * rows directly; returns stdout, rows one a line, columns separated by tabs. Throws when the SQL fails.
 * Write SQL both engines accept.
 */
export function dbExec(dir, sql) {
  const url = siteDatabase(dir);
  if (url.startsWith('postgres')) return sqlExec(url, sql);
  const file = url.replace(/^sqlite:/, '');
  return sqlExec(path.isAbsolute(file) ? file : path.join(dir, file), sql);
}

/** dbExec for a database named directly: a postgresql:// URL, or a SQLite file's path. */
export function sqlExec(db, sql) {
  const r = db.startsWith('postgres')
    ? spawnSync('psql', ['-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', db, '-c', sql], { encoding: 'utf8', maxBuffer: 1 << 26 })
    : spawnSync('sqlite3', ['-cmd', '.timeout 10000', '-separator', '\t', db, sql], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`sql failed (${sql}): ${r.stderr}`);
  return r.stdout;
}

/** A new temp directory (removed at process exit). */
export function tempDir(prefix = 'bs-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Creates a demo site with `articles` synthetic articles, its pictures drawn (`--drawn`: no image
 * encoding, seconds quicker; `photos` true stores them as uploads, with renditions and crops); returns its
 * directory. */
export function demoSite(articles = 0, { photos = false } = {}) {
  const dir = path.join(tempDir(), 'site');
  const r = run(['demo', dir, '--articles', String(articles), ...(photos ? [] : ['--drawn'])]);
  assert.equal(r.status, 0, `demo failed: ${r.stderr}`);
  return dir;
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Appends settings to a site's broadsheet.conf. */
export function configure(dir, settings) {
  const lines = Object.entries(settings).map(([k, v]) => `${k} = ${v}`).join('\n');
  fs.appendFileSync(path.join(dir, 'broadsheet.conf'), `\n${lines}\n`);
}

/** Starts `serve` for a site; resolves when it prints its address. */
export async function startServer(dir, { env = {}, args = [] } = {}) {
  const port = await freePort();
  const proc = spawn(BIN, ['serve', '--site', dir, '--listen', `127.0.0.1:${port}`, '--quiet', ...args], {
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '', stderr = '';
  proc.stdout.on('data', (d) => { stdout += d; });
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 30000);
    const check = () => {
      if (stdout.includes('listening on')) { clearTimeout(timer); resolve(); }
    };
    proc.stdout.on('data', check);
    exited.then((e) => { clearTimeout(timer); reject(new Error(`server exited ${e.code}: ${stderr}`)); });
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    port, base, proc, exited,
    get stderr() { return stderr; },
    /** Stops with SIGTERM; asserts a clean exit with no sanitizer findings. */
    async stop() {
      proc.kill('SIGTERM');
      const e = await exited;
      assert.equal(e.code, 0, `server exit ${e.code} ${e.signal}: ${stderr}`);
      assert.doesNotMatch(stderr, /AddressSanitizer|LeakSanitizer|runtime error:/, stderr);
    },
  };
}

/**
 * Sends raw bytes on a new socket and collects the reply until the server closes or `waitMs` passes
 * without data. Returns {text, closed}.
 */
export function rawRequest(port, data, { localAddress, waitMs = 1500 } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port, localAddress });
    const chunks = [];
    let timer;
    const done = (closed) => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed });
    };
    const arm = () => { clearTimeout(timer); timer = setTimeout(() => done(false), waitMs); };
    sock.on('connect', () => { sock.write(data); arm(); });
    sock.on('data', (d) => { chunks.push(d); arm(); });
    sock.on('end', () => done(true));
    sock.on('close', () => done(true));
    sock.on('error', (e) => (chunks.length ? done(true) : reject(e)));
  });
}

/** Status code of the first response in a raw reply. */
export function statusOf(text) {
  const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
  return m ? Number(m[1]) : 0;
}

/** Parses a demo content file (demo/content/ED/KEY.md) into its header fields and body. */
export function demoDoc(edition, key) {
  const text = fs.readFileSync(path.join(ROOT, 'demo/content', edition, `${key}.md`), 'utf8');
  const [head, ...rest] = text.split('\n---\n');
  const doc = { body: rest.join('\n---\n') };
  for (const line of head.split('\n')) {
    const i = line.indexOf(': ');
    if (i > 0) doc[line.slice(0, i)] = line.slice(i + 2);
  }
  return doc;
}

/** Decodes the HTML entities our escaper produces. */
export function unescapeHtml(s) {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** waitUntil: polls fn (sync or async) every `every` ms until it gives something truthy, which it returns;
 * after ms it fails with "timed out waiting for WHAT" and, when given, what detail() adds (the server's log,
 * the rows, what a peer received). */
export async function waitUntil(fn, ms, what, { every = 100, detail } = {}) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${detail ? `; ${detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, every));
  }
}
