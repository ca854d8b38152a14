// A Web Push service on loopback for the tests, built on the reference libraries (npm http_ece, as the
// web-push package uses it): each subscriber is a device the test makes (a P-256 key pair from node:crypto's
// ECDH and a 16-byte auth secret), with an endpoint http://127.0.0.1:PORT/push/ID. Every message is checked
// like a real push service does (RFC 8292: `Authorization: vapid t=JWT, k=KEY`, the JWT's ES256 signature
// verified against k=, aud = this service's origin, exp in the future and at most 24 hours away, sub a
// mailto: or https: address; TTL and Topic headers; Content-Encoding aes128gcm) and decrypted with
// http_ece using the device's private key and auth secret (RFC 8291). A device that is offline keeps its
// messages queued at the service, where a new message with the same Topic replaces the queued one
// (RFC 8030 section 5.4); online, it receives them at once. Per device, the service can answer 404, 410,
// 500 (a number of times, optionally with Retry-After), or hang (hold the request until released).
import http from 'node:http';
import crypto from 'node:crypto';
import ece from 'http_ece';

const b64u = (buf) => Buffer.from(buf).toString('base64url');

/** verifyVapid: checks an Authorization header against origin; returns null or why not. */
export function verifyVapid(header, origin, now = Math.floor(Date.now() / 1000)) {
  const m = /^vapid t=([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+), k=([A-Za-z0-9_-]+)$/.exec(header || '');
  if (!m) return `malformed Authorization: ${header}`;
  const [, h, p, s, k] = m;
  const head = JSON.parse(Buffer.from(h, 'base64url'));
  if (head.alg !== 'ES256' || head.typ !== 'JWT') return `bad JWT header ${JSON.stringify(head)}`;
  const pub = Buffer.from(k, 'base64url');
  if (pub.length !== 65 || pub[0] !== 4) return 'k= is not an uncompressed P-256 point';
  const key = crypto.createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64u(pub.subarray(1, 33)), y: b64u(pub.subarray(33)) }, format: 'jwk' });
  const sig = Buffer.from(s, 'base64url');
  if (sig.length !== 64) return 'the signature is not raw r||s';
  if (!crypto.verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, sig)) return 'bad ES256 signature';
  const claims = JSON.parse(Buffer.from(p, 'base64url'));
  if (claims.aud !== origin) return `aud ${claims.aud} is not ${origin}`;
  if (!(claims.exp > now && claims.exp <= now + 86400)) return `exp ${claims.exp} out of range`;
  if (!/^(mailto:|https?:\/\/)/.test(claims.sub || '')) return `sub ${claims.sub}`;
  return null;
}

/** startPushService: resolves the service: {base, origin, device(opts), devices, requests, errors,
 * release(), close()}. */
export async function startPushService() {
  const devices = new Map();
  const requests = []; // every POST: {id, status, topic, ttl, alert}
  const errors = [];   // checks that failed (a test asserts this stays empty)
  const hanging = [];
  let nextId = 1;
  let origin;

  const server = http.createServer((req, res) => {
    const m = /^\/push\/(\d+)$/.exec(req.url);
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const dev = m && devices.get(Number(m[1]));
      if (!dev || req.method !== 'POST') { res.writeHead(404).end(); return; }
      const body = Buffer.concat(chunks);
      const rec = { id: dev.id, topic: req.headers.topic, ttl: req.headers.ttl, status: 0 };
      requests.push(rec);
      const why = verifyVapid(req.headers.authorization, origin)
        ?? (req.headers['content-encoding'] !== 'aes128gcm' ? 'Content-Encoding is not aes128gcm' : null)
        ?? (!/^\d+$/.test(req.headers.ttl || '') ? 'no TTL' : null)
        ?? (!/^[A-Za-z0-9_-]{1,32}$/.test(req.headers.topic || '') ? `bad Topic ${req.headers.topic}` : null);
      if (why) { errors.push(why); rec.status = 400; res.writeHead(400).end(why); return; }
      let alert;
      try {
        const plain = ece.decrypt(body, { version: 'aes128gcm', privateKey: dev.ecdh, authSecret: dev.keys.auth });
        alert = JSON.parse(plain.toString('utf8'));
      } catch (e) {
        errors.push(`decryption failed for device ${dev.id}: ${e.message}`);
        rec.status = 400;
        res.writeHead(400).end('cannot decrypt');
        return;
      }
      rec.alert = alert;
      const answer = dev.answer(rec);
      if (answer === 'hang') { hanging.push(res); rec.status = -1; return; }
      if (answer.status === 201) {
        if (dev.online) dev.received.push(alert);
        else { // RFC 8030 5.4: a message with the same topic replaces the one waiting
          dev.queue = dev.queue.filter((q) => q.topic !== rec.topic);
          dev.queue.push({ topic: rec.topic, alert });
        }
      }
      // the message is stored before the answer goes out: a sender that dies in between sends it again
      const reply = () => { rec.status = answer.status; res.writeHead(answer.status, answer.headers || {}).end(); };
      if (dev.delay) setTimeout(reply, dev.delay); else reply();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${server.address().port}`;

  /** device: a new subscriber. mode: 'ok' (201), 'gone' (410), 'missing' (404), 'hang', or
   * {fail: N, retryAfter} (500 N times, then 201). online false: messages wait at the service. delay: ms
   * before each answer. */
  function device({ mode = 'ok', online = true, delay = 0 } = {}) {
    const ecdh = crypto.createECDH('prime256v1');
    ecdh.generateKeys();
    const id = nextId++;
    let failures = 0;
    const dev = {
      id, ecdh, online, received: [], queue: [], mode, delay,
      keys: { p256dh: b64u(ecdh.getPublicKey()), auth: b64u(crypto.randomBytes(16)) },
      get endpoint() { return `${origin}/push/${id}`; },
      subscription(edition = 'en') { return { endpoint: dev.endpoint, expirationTime: null, keys: dev.keys, edition }; },
      answer() {
        const md = dev.mode;
        if (md === 'hang') return 'hang';
        if (md === 'gone') return { status: 410 };
        if (md === 'missing') return { status: 404 };
        if (md && md.fail && failures < md.fail) {
          failures++;
          return { status: 500, headers: md.retryAfter ? { 'retry-after': String(md.retryAfter) } : {} };
        }
        return { status: 201 };
      },
      /** goOnline: the device connects: it receives what waited for it. */
      goOnline() { dev.online = true; for (const q of dev.queue) dev.received.push(q.alert); dev.queue = []; },
    };
    devices.set(id, dev);
    return dev;
  }

  return {
    origin, device, devices, requests, errors,
    /** release: answers every hanging request with 201 (the device does not count it). */
    release() { for (const r of hanging.splice(0)) { try { r.writeHead(201).end(); } catch { /* closed */ } } },
    close() {
      for (const r of hanging.splice(0)) r.destroy();
      server.closeAllConnections?.();
      return new Promise((r) => server.close(r));
    },
  };
}
