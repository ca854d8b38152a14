// A loopback webhook receiver for the webhook tests (webhooks.test.mjs, sec-webhook.test.mjs).
import http from 'node:http';

/**
 * Starts a receiver (node:http on 127.0.0.1, a free port) that records every request it gets and answers
 * it as told per path. Resolves {got, behaviour, port, base, close}:
 * - got: every request seen, in order: {path, headers, body (text), json (parsed body or undefined), at
 *   (Date.now() on arrival), answered (the status sent; 0 for a request left hanging)};
 * - behaviour: a Map path -> {fail: N, hang: bool}: fail answers 500 to the next N requests to that path
 *   (Infinity: all of them), hang never answers (the response is destroyed by close()); otherwise 204;
 * - port and base ("http://127.0.0.1:PORT");
 * - close(): ends the hanging responses and every connection, and stops listening.
 */
export async function startReceiver() {
  const got = [];
  const behaviour = new Map();
  const hanging = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      let json;
      try { json = JSON.parse(body); } catch { json = undefined; }
      const b = behaviour.get(req.url) ?? {};
      const rec = { path: req.url, headers: req.headers, body, json, at: Date.now(), answered: 204 };
      got.push(rec);
      if (b.hang) { hanging.push(res); rec.answered = 0; return; }
      if (b.fail > 0) { b.fail--; rec.answered = 500; res.writeHead(500); res.end('no'); return; }
      res.writeHead(204);
      res.end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  return {
    got,
    behaviour,
    port,
    base: `http://127.0.0.1:${port}`,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
