// Posts anonymous comments at a fixed rate, the way a visitor's browser does (docs/comments.md): a form
// token read from each article page, then POST /comments/ID with unique text. Used by bench/mixed.sh.
// Usage: node post-comments.mjs BASE RATE SECONDS PATH...   Prints one JSON line:
// {sent, accepted (303), statuses: {code: n}, errors, seconds}.
import http from 'node:http';

const [base, rateArg, secondsArg, ...paths] = process.argv.slice(2);
const rate = Number(rateArg), seconds = Number(secondsArg);
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
const u = new URL(base);

/** One request; resolves {status, headers, text} (or {status: 0, error} when the connection failed). */
function req(method, path, body) {
  return new Promise((resolve) => {
    const headers = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' };
    if (body) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const r = http.request({ host: u.hostname, port: u.port, path, method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString() }));
    });
    r.on('error', (e) => resolve({ status: 0, error: String(e) }));
    r.end(body);
  });
}

// each article's id (from the form's action) and a token, read once: a token stays valid for hours
const forms = [];
for (const p of paths) {
  const r = await req('GET', p);
  const action = /<form[^>]*action="\/comments\/(\d+)/.exec(r.text);
  const token = /name="token" value="([^"]+)"/.exec(r.text);
  if (r.status === 200 && action && token) forms.push({ id: action[1], token: token[1] });
}
if (!forms.length) {
  console.error('no article with an open comment form among the paths');
  process.exit(1);
}

const statuses = {};
let sent = 0, accepted = 0, errors = 0;
const inflight = new Set();
const t0 = Date.now();
const run = process.hrtime.bigint();
await new Promise((resolve) => {
  const tick = () => {
    const elapsed = Date.now() - t0;
    const due = Math.min(Math.floor((elapsed / 1000) * rate), Math.floor(rate * seconds));
    while (sent < due) {
      const f = forms[sent % forms.length];
      const n = sent++;
      const body = new URLSearchParams({ token: f.token, website: '', name: `Reader ${n}`, email: '',
        body: `Benchmark comment number ${n} of run ${run}.` }).toString();
      const p = req('POST', `/comments/${f.id}`, body).then((r) => {
        statuses[r.status] = (statuses[r.status] || 0) + 1;
        if (r.status === 303) accepted++;
        if (r.status === 0) errors++;
        inflight.delete(p);
      });
      inflight.add(p);
    }
    if (sent >= rate * seconds) resolve();
    else setTimeout(tick, 2);
  };
  tick();
});
await Promise.all([...inflight]);
agent.destroy();
console.log(JSON.stringify({ sent, accepted, statuses, errors, seconds: (Date.now() - t0) / 1000 }));
