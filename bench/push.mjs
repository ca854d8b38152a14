// bench/push.mjs - see bench/push.sh. One device key pair serves every generated subscription (their
// endpoints differ), so the receiver can decrypt any message; it decrypts one in 1,000 and checks the
// VAPID signature of the same sample (tests/lib/pushservice.mjs's verifyVapid).
import http from 'node:http';
import crypto from 'node:crypto';
import os from 'node:os';
import ece from 'http_ece';
import { demoSite, startServer, configure, dbExec } from '../tests/lib/server.mjs';
import { addUser, login, post } from '../tests/lib/newsroom.mjs';
import { verifyVapid } from '../tests/lib/pushservice.mjs';

const N = Number(process.argv[2] || 100000), CONC = Number(process.argv[3] || 256);
const ecdh = crypto.createECDH('prime256v1');
ecdh.generateKeys();
const auth = crypto.randomBytes(16);
let count = 0, decrypted = 0, bad = 0, firstAt = 0, lastAt = 0;
const seen = new Set();
const server = http.createServer({ keepAliveTimeout: 60000 }, (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const id = Number(req.url.split('/').pop());
    if (!seen.has(id)) { seen.add(id); count++; }
    lastAt = Date.now();
    if (!firstAt) firstAt = lastAt;
    if (id % 1000 === 0) {
      try {
        const why = verifyVapid(req.headers.authorization, origin);
        if (why) throw new Error(why);
        JSON.parse(ece.decrypt(Buffer.concat(chunks), { version: 'aes128gcm', privateKey: ecdh, authSecret: auth.toString('base64url') }));
        decrypted++;
      } catch (e) { bad++; console.error('sample failed:', e.message); }
    }
    res.writeHead(201).end();
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

const dir = demoSite(0);
configure(dir, { push_allow_http: '127.0.0.1', push_concurrency: CONC, push_timeout: 30 });
addUser(dir, 'bench', 'editor', 'a-long-password');
const p256dh = ecdh.getPublicKey().toString('base64url'), a = auth.toString('base64url');
let t = Date.now();
dbExec(dir, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${N}) `
  + `INSERT INTO push_subscriptions(endpoint, p256dh, auth, edition, address_hash, created_at, updated_at) `
  + `SELECT '${origin}/push/' || i, '${p256dh}', '${a}', 'en', '', 0, 0 FROM n`);
console.log(`${N} subscriptions generated in ${((Date.now() - t) / 1000).toFixed(1)} s`);
const srv = await startServer(dir);
const session = await login(srv.base, 'bench', 'a-long-password');
t = Date.now();
const r = await post(srv.base, '/admin/push/new', session, { edition: 'en', title: 'Benchmark alert', body: 'One alert to every device', url: '/en/' });
const sendMs = Date.now() - t;
if (r.status !== 200) throw new Error(`send: ${r.status}`);
while (count < N && Date.now() - t < 600000) await new Promise((res) => setTimeout(res, 50));
const handed = (lastAt - t) / 1000;
let pending;
for (;;) {
  pending = Number(dbExec(dir, "SELECT count(*) FROM push_deliveries WHERE state = 'pending'").trim());
  if (pending === 0 || Date.now() - t > 600000) break;
  await new Promise((res) => setTimeout(res, 100));
}
const recorded = (Date.now() - t) / 1000;
const sent = dbExec(dir, "SELECT count(*) FROM push_deliveries WHERE state = 'sent'").trim();
console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0].model}), push_concurrency ${CONC}, SQLite, release build`);
console.log(`the send request (alert + ${N} queue rows in one transaction): ${sendMs} ms`);
console.log(`all ${count} handed to the push service after ${handed.toFixed(1)} s (${Math.round(count / handed)}/s); `
  + `all recorded sent (${sent}) after ${recorded.toFixed(1)} s`);
console.log(`samples: ${decrypted} decrypted and VAPID-verified, ${bad} failed`);
await srv.stop();
server.close();
process.exit(count === N && bad === 0 ? 0 : 1);
