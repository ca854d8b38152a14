// A real nginx in front of a test server, configured as docs/operations.md's "Behind nginx" snippet: it
// proxies every request to the upstream with `X-Forwarded-For $proxy_add_x_forwarded_for`. nginx runs as a
// non-daemon child with its config, pid, error log and temp files in a temp directory of its own, on a
// free loopback port, and connects to the upstream from 127.0.0.1.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import assert from 'node:assert/strict';
import { freePort, tempDir } from './server.mjs';

/** Where nginx is installed, or undefined (scripts/deps.sh installs nginx-light). */
export const NGINX = ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find((p) => fs.existsSync(p));

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
function connectable(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('connect', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

/**
 * Starts nginx proxying to http://127.0.0.1:upstreamPort. Resolves to {port, base, dir, stop()}; stop()
 * ends it (SIGQUIT: graceful) and waits for it to exit. Throws when nginx is missing or does not start
 * (with its error log).
 */
export async function startNginx(upstreamPort) {
  assert.ok(NGINX, 'nginx is not installed (scripts/deps.sh installs nginx-light)');
  const dir = tempDir('bs-nginx-');
  fs.chmodSync(dir, 0o755); // nginx's workers run as an unprivileged user when the tests run as root
  const port = await freePort();
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(conf, `
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://127.0.0.1:${upstreamPort};
      proxy_bind 127.0.0.1;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
  }
}
`);
  const proc = spawn(NGINX, ['-p', dir, '-c', conf, '-e', path.join(dir, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  let exited = false;
  const exit = new Promise((resolve) => proc.on('exit', (code, signal) => { exited = true; resolve({ code, signal }); }));
  const log = () => {
    const f = path.join(dir, 'error.log');
    return `${stderr}${fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : ''}`;
  };
  for (let i = 0; !(await connectable(port)); i++) {
    if (exited || i >= 200) {
      if (!exited) proc.kill('SIGTERM');
      throw new Error(`nginx did not start: ${log()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port, dir, base: `http://127.0.0.1:${port}`, log,
    async stop() {
      if (!exited) proc.kill('SIGQUIT');
      await exit;
    },
  };
}
