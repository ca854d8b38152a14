// A mail relay on loopback for the tests: Debian's python3-aiosmtpd (tests/lib/smtp.py), keeping each
// accepted message as DIR/NNNN.eml (+ .json envelope), and a reader of message files through Python's
// email package (tests/lib/mailparse.py).
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { freePort, tempDir, demoSite, configure, startServer } from './server.mjs';
import { addUser } from './newsroom.mjs';

// Debian's aiosmtpd is installed for Debian's python3 (scripts/deps.sh); another python3 earlier in PATH
// (pyenv) would not see it.
export const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const HERE = path.dirname(new URL(import.meta.url).pathname);

/** Starts a relay; resolves to {port, dir, url, setMode(m), messages(), stats(), stop()}. */
export async function startRelay() {
  const dir = tempDir('bs-smtp-');
  const port = await freePort();
  const proc = spawn(PYTHON, [path.join(HERE, 'smtp.py'), String(port), dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => { err += d; });
  await new Promise((resolve, reject) => {
    proc.stdout.on('data', (d) => { if (String(d).includes('ready')) resolve(); });
    proc.on('exit', (code) => reject(new Error(`smtp relay exited ${code}: ${err}`)));
  });
  return {
    port, dir, url: `smtp://127.0.0.1:${port}`,
    setMode(m) { fs.writeFileSync(path.join(dir, 'mode'), m); },
    /** The accepted messages, oldest first: [{file, envelope}]. */
    messages() {
      return fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().map((f) => ({
        file: path.join(dir, f),
        envelope: JSON.parse(fs.readFileSync(path.join(dir, f.replace(/\.eml$/, '.json')), 'utf8')),
      }));
    },
    /** {connections, kept_dropped}: connections made to the relay, kept connections it dropped (dropkept). */
    stats() {
      try { return JSON.parse(fs.readFileSync(path.join(dir, 'stats.json'), 'utf8')); } catch { return { connections: 0, kept_dropped: 0 }; }
    },
    stop() { proc.kill('SIGTERM'); },
  };
}

/** A message file as Python's email package reads it (see mailparse.py). */
export function parseMail(file) {
  const r = spawnSync(PYTHON, [path.join(HERE, 'mailparse.py'), file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mailparse failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** mailSite: the mail tests' set-up: an aiosmtpd relay (startRelay), a demo site sending through it
 * (no STARTTLS on loopback, short timeouts, fast retries, mail_from news@news.example, then config's own
 * keys), the users given as [login, role, password] and its server started. Returns {relay, dir, srv}; the
 * caller stops srv and relay. */
export async function mailSite(config = {}, users = []) {
  const relay = await startRelay();
  const dir = demoSite(0);
  configure(dir, { smtp_url: relay.url, smtp_starttls: 0, smtp_timeout: 2, mail_rate: 1000, mail_retry_base: 1,
    mail_from: 'news@news.example', ...config });
  for (const [login, role, password] of users) addUser(dir, login, role, password);
  const srv = await startServer(dir);
  return { relay, dir, srv };
}
