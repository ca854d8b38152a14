// Connection limits: a client dripping header bytes on many connections from one address cannot
// starve a normal reader on another address, and the per-IP limit holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { demoSite, startServer, configure } from '../lib/server.mjs';

/** GET / from a given local address with a raw socket; resolves to the status code. */
function getFrom(port, localAddress, path = '/en/') {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port, localAddress });
    let data = '';
    const timer = setTimeout(() => { sock.destroy(); reject(new Error('reader timed out')); }, 10000);
    sock.on('connect', () => sock.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    sock.on('data', (d) => { data += d; });
    sock.on('close', () => { clearTimeout(timer); resolve(Number((/^HTTP\/1\.1 (\d{3})/.exec(data) || [0, 0])[1])); });
    sock.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

test('slow-drip clients on one address do not starve a reader on another', async () => {
  const dir = demoSite(0);
  configure(dir, { per_ip_connections: 16, max_connections: 200, connection_timeout: 30 });
  const srv = await startServer(dir);
  const attackers = [];
  let refused = 0;
  try {
    // 60 connections from 127.0.0.1, each dripping one header byte every 200 ms and never finishing
    for (let i = 0; i < 60; i++) {
      const s = net.connect({ host: '127.0.0.1', port: srv.port, localAddress: '127.0.0.1' });
      s.on('error', () => {});
      s.on('close', () => { refused++; });
      s.on('connect', () => s.write('GET /en/ HTTP/1.1\r\nHost: x\r\nX-Slow: '));
      const timer = setInterval(() => { if (!s.destroyed) s.write('a'); }, 200);
      attackers.push({ s, timer });
    }
    await new Promise((r) => setTimeout(r, 1500));
    // the per-IP limit closed the connections past 16 while the first 16 are still dripping
    assert.ok(refused >= 60 - 16, `only ${refused} of the 44 excess connections were refused`);
    const alive = attackers.filter((a) => !a.s.destroyed).length;
    assert.ok(alive > 0 && alive <= 16, `${alive} drippers still connected`);
    // a reader on another loopback address still gets pages, repeatedly
    for (let i = 0; i < 5; i++) assert.equal(await getFrom(srv.port, '127.0.0.2'), 200);
  } finally {
    for (const a of attackers) { clearInterval(a.timer); a.s.destroy(); }
    await srv.stop();
  }
});
