// Newsroom helpers for the HTTP and browser tests: accounts made with the CLI, log-in over HTTP, a
// one-cookie session, form posts with the CSRF token, and reading fields out of the returned HTML.
import assert from 'node:assert/strict';
import net from 'node:net';
import { run, unescapeHtml } from './server.mjs';

export const SESSION_COOKIE = 'bs_session';
/** The pre-session cookie the log-in form sets; its token is only good with it (log-in CSRF). */
export const PRELOGIN_COOKIE = 'bs_prelogin';

/** Creates an account with `broadsheet user add`; asserts it worked. */
export function addUser(dir, login, role, password = 'a-long-password', displayName) {
  const args = ['user', 'add', '--site', dir, '--name', login, '--role', role];
  if (displayName) args.push('--display-name', displayName);
  const r = run(args, { input: `${password}\n` });
  assert.equal(r.status, 0, `user add ${login}: ${r.stderr}`);
  return { login, password, role };
}

/** The bs_session value set by a response: a string, '' when cleared, undefined when not set. */
export function sessionCookieOf(res) {
  for (const c of res.headers.getSetCookie()) {
    const m = new RegExp(`^${SESSION_COOKIE}=([^;]*)`).exec(c);
    if (m) return m[1];
  }
  return undefined;
}

/** The raw Set-Cookie header for the session cookie, or undefined. */
export function sessionSetCookie(res) {
  return res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
}

/** The value of the input (or textarea) named `name` in html, unescaped; undefined when absent. */
export function fieldValue(html, name) {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  let m = new RegExp(`<input[^>]*\\bname="${esc}"[^>]*>`).exec(html);
  if (m) {
    const v = /\bvalue="([^"]*)"/.exec(m[0]);
    return v ? unescapeHtml(v[1]) : '';
  }
  m = new RegExp(`<textarea[^>]*\\bname="${esc}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
  if (m) return unescapeHtml(m[1]);
  return undefined;
}

/** The options of the <select name=name>: [{value, label, selected}]. */
export function selectOptions(html, name) {
  const m = new RegExp(`<select[^>]*\\bname="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(html);
  if (!m) return [];
  return [...m[1].matchAll(/<option value="([^"]*)"( selected)?>([^<]*)<\/option>/g)]
    .map((o) => ({ value: unescapeHtml(o[1]), label: unescapeHtml(o[3]), selected: !!o[2] }));
}

/** The form error shown by a newsroom page, or undefined. */
export function formError(html) {
  const m = /<p class="form-error" role="alert">([^<]*)<\/p>/.exec(html);
  return m ? unescapeHtml(m[1]) : undefined;
}

/** The notice shown by a newsroom page, or undefined. */
export function formNotice(html) {
  const m = /<p class="notice" role="status">([^<]*)<\/p>/.exec(html);
  return m ? unescapeHtml(m[1]) : undefined;
}

/**
 * Sends a request with the session cookie (if any) and `cookies` (more "name=value" pairs, e.g. the
 * pre-session cookie); never follows redirects.
 */
export function request(base, path, { session, cookie, cookies = [], method = 'GET', form, headers = {} } = {}) {
  const h = { ...headers };
  const c = cookie !== undefined ? cookie : session?.cookie;
  const jar = [...(c ? [`${SESSION_COOKIE}=${c}`] : []), ...cookies];
  if (jar.length) h.cookie = jar.join('; ');
  let body;
  if (form) {
    body = new URLSearchParams(form).toString();
    h['content-type'] = 'application/x-www-form-urlencoded';
    method = method === 'GET' ? 'POST' : method;
  }
  return fetch(base + path, { method, headers: h, body, redirect: 'manual' });
}

/** POSTs a form with the session's CSRF token added (unless the form has its own `csrf` key). */
export function post(base, path, session, fields = {}) {
  const form = 'csrf' in fields ? fields : { csrf: session.csrf, ...fields };
  return request(base, path, { session, form });
}

/**
 * POSTs a multipart upload to base + path (the CSRF token goes in path, `?csrf=`, as the media form has
 * it): text `fields` and the bytes `file` as the part named "file". The request is written in one piece
 * on its own connection (Connection: close) and the reply read to its end. Use it rather than fetch() for
 * uploads the server may refuse: it answers those on their headers, before reading the body, and closes
 * the connection, which fetch() reports as a network error when it was still sending the body.
 * Resolves {status, headers (lower-case names), text}.
 */
export function rawUpload(base, path, { cookie, fields = {}, file, filename = 'photo.jpg' }) {
  const { hostname, port } = new URL(base);
  const boundary = `upload-${Math.random().toString(16).slice(2)}`;
  const parts = Object.entries(fields).map(([k, v]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
    'Content-Type: application/octet-stream\r\n\r\n'), Buffer.from(file), Buffer.from(`\r\n--${boundary}--\r\n`));
  const body = Buffer.concat(parts);
  const head = `POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: close\r\n` +
    `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${body.length}\r\n` +
    `${cookie ? `Cookie: ${SESSION_COOKIE}=${cookie}\r\n` : ''}\r\n`;
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: hostname, port: Number(port) });
    const chunks = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const raw = Buffer.concat(chunks).toString('utf8');
      const end = raw.indexOf('\r\n\r\n');
      const lines = raw.slice(0, end < 0 ? raw.length : end).split('\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(lines[0])?.[1] ?? 0);
      if (!status) { reject(new Error(`no reply to the upload to ${path}`)); return; }
      const headers = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      resolve({ status, headers, text: end < 0 ? '' : raw.slice(end + 4) });
    };
    // (write, not end: libmicrohttpd drops a connection whose client half-closes before the reply)
    sock.on('connect', () => sock.write(Buffer.concat([Buffer.from(head), body])));
    sock.on('data', (d) => chunks.push(d));
    sock.on('close', finish);
    sock.on('error', () => {}); // a reset after the reply (the server did not read the body): 'close' follows
  });
}

/** GETs a page with the session and returns {status, html, res}. */
export async function page(base, path, session) {
  const res = await request(base, path, { session });
  return { status: res.status, html: await res.text(), res };
}

/** The bs_prelogin value set by a response, or undefined. */
export function preloginCookieOf(res) {
  for (const c of res.headers.getSetCookie()) {
    const m = new RegExp(`^${PRELOGIN_COOKIE}=([^;]*)`).exec(c);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * A fresh log-in form (GET /admin/login): {token, prelogin}, the signed token and the pre-session cookie
 * it is bound to (a log-in POST must send both).
 */
export async function loginForm(base) {
  const r = await request(base, '/admin/login');
  assert.equal(r.status, 200, 'GET /admin/login');
  const token = fieldValue(await r.text(), 'token');
  assert.ok(token, 'the log-in form has a token');
  const prelogin = preloginCookieOf(r);
  assert.ok(prelogin, `the log-in form sets ${PRELOGIN_COOKIE}`);
  return { token, prelogin };
}

/** The log-in form's signed token (GET /admin/login); without its cookie it logs nobody in. */
export async function loginToken(base) {
  return (await loginForm(base)).token;
}

/**
 * POSTs the log-in form; returns the raw response. `cookie` sends a pre-existing session cookie; without
 * `token` a fresh form is fetched and its pre-session cookie sent (`prelogin` sends a given one);
 * `headers` go with the POST (a User-Agent: the session's device).
 */
export async function loginPost(base, login, password, { next = '/admin/', cookie, token, prelogin, headers } = {}) {
  if (token === undefined) ({ token, prelogin } = await loginForm(base));
  const cookies = prelogin ? [`${PRELOGIN_COOKIE}=${prelogin}`] : [];
  return request(base, '/admin/login', { cookie, cookies, form: { login, password, token, next }, headers });
}

/**
 * Logs in and returns {cookie, csrf, login, res}: cookie is the bs_session value, csrf the token read
 * from the newsroom dashboard. Asserts each step. opts as loginPost's (`headers` go with the dashboard's
 * request too).
 */
export async function login(base, loginName, password, opts = {}) {
  const res = await loginPost(base, loginName, password, opts);
  assert.equal(res.status, 303, `log-in of ${loginName} answers 303`);
  const cookie = sessionCookieOf(res);
  assert.ok(cookie, `log-in of ${loginName} sets ${SESSION_COOKIE}`);
  const dash = await request(base, '/admin/', { cookie, headers: opts.headers });
  assert.equal(dash.status, 200, 'the dashboard opens after log-in');
  const csrf = fieldValue(await dash.text(), 'csrf');
  assert.ok(csrf, 'the dashboard carries a CSRF token');
  return { cookie, csrf, login: loginName, res };
}

/** The fields of an article editor page, as a form would send them (do=save added by the caller). */
export function editorFields(html) {
  const sel = (name) => selectOptions(html, name).find((o) => o.selected)?.value ?? '';
  const f = {};
  for (const n of ['version', 'headline', 'standfirst', 'body', 'slug', 'dateline', 'bylines', 'tags', 'caption',
    'credit', 'translation']) f[n] = fieldValue(html, n) ?? '';
  f.edition = sel('edition');
  f.section = sel('section');
  f.media = sel('media') || '0';
  return f;
}

/** The version shown on an editor page ("Version N"), as a number. */
export function editorVersion(html) {
  const m = /<p class="meta">Version (\d+) ·/.exec(html);
  return m ? Number(m[1]) : undefined;
}

/** The public address linked from an editor page ("View on the site"), or undefined. */
export function publicHref(html) {
  const m = /<a href="([^"]+)">View on the site<\/a>/.exec(html);
  return m ? unescapeHtml(m[1]) : undefined;
}

/** "YYYY-MM-DD HH:MM:SS" (UTC) for a Date or milliseconds: the newsroom's time field format. */
export function utcText(t) {
  return new Date(t).toISOString().slice(0, 19).replace('T', ' ');
}
