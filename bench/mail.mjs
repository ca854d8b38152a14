// bench/mail.mjs - see bench/mail.sh. The subscribers and the issue are made with SQL (a recursive CTE);
// the issue is 'scheduled' with its time passed, so the server's senders start it by themselves, and the
// clock runs from that UPDATE until the issue is 'sent'. RSS is read from /proc every 200 ms. The demo site
// has subscribers and issues of its own (ids from 1): the bench's are numbered from 1000.
import fs from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { demoSite, startServer, configure, dbExec, freePort } from '../tests/lib/server.mjs';

const N = Number(process.argv[2] || 100000), CONC = Number(process.argv[3] || 8), RATE = Number(process.argv[4] || 10000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rss = (pid) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

const port = await freePort();
// smtp-sink: accept and discard; -u because it refuses to run as root otherwise; backlog 1024
const sink = spawn('/usr/sbin/smtp-sink', ['-u', 'nobody', `127.0.0.1:${port}`, '1024'], { stdio: 'ignore' });
await sleep(300);

const dir = demoSite(0);
configure(dir, { smtp_url: `smtp://127.0.0.1:${port}`, smtp_starttls: 0, smtp_timeout: 30, mail_rate: RATE,
  mail_concurrency: CONC, mail_from: 'news@news.example' });
const t0 = Date.now();
dbExec(dir, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${N})
  INSERT INTO newsletter_subscribers(id, email, lang, state, created_at, updated_at)
  SELECT 1000 + i, 'reader' || i || '@example.org', 'en', 'confirmed', 1, 1 FROM n;
  INSERT INTO newsletter_subscriptions(subscriber_id, edition, list, created_at) SELECT id, 'en', 'digest', 1 FROM newsletter_subscribers WHERE id > 1000;
  INSERT INTO newsletter_issues(id, edition, list, kind, subject, state, created_at, updated_at)
  VALUES (1000, 'en', 'digest', 'digest', 'The bench digest', 'draft', 1, 1);`);
console.log(`${N} subscribers made in ${Date.now() - t0} ms`);
const srv = await startServer(dir);
const pid = srv.proc.pid;
await sleep(2000);
const idle = rss(pid);
let peak = idle;
const start = Date.now();
dbExec(dir, "UPDATE newsletter_issues SET state = 'scheduled', send_at = 1 WHERE id = 1000");
let queuedAt = 0;
for (;;) {
  await sleep(200);
  peak = Math.max(peak, rss(pid));
  const [state, rows] = dbExec(dir, "SELECT state, (SELECT count(*) FROM mail_queue WHERE issue_id = 1000) FROM newsletter_issues WHERE id = 1000").trim().split('\t');
  if (!queuedAt && Number(rows) >= N) queuedAt = Date.now(); // N and the demo's English subscriber
  if (state === 'sent') break;
  if (Date.now() - start > 30 * 60 * 1000) throw new Error('gave up after 30 minutes');
}
const secs = (Date.now() - start) / 1000;
const counts = dbExec(dir, 'SELECT state, count(*) FROM mail_queue WHERE issue_id = 1000 GROUP BY state ORDER BY state').trim().replace(/\t/g, ' ').replace(/\n/g, ', ');
await srv.stop();

// Postfix's own client through the same sink: CONC sessions, 20,000 messages of about our size
const M = Math.min(N, 20000);
const s0 = Date.now();
const src = spawnSync('/usr/sbin/smtp-source', ['-s', String(CONC), '-m', String(M), '-l', '1200', '-f', 'news@news.example',
  '-t', 'reader@example.org', `127.0.0.1:${port}`], { encoding: 'utf8' });
const ssecs = (Date.now() - s0) / 1000;
sink.kill('SIGTERM');
console.log(JSON.stringify({
  subscribers: N, mail_concurrency: CONC, mail_rate: RATE,
  queued_ms: queuedAt ? queuedAt - start : null,
  send_all_s: Number(secs.toFixed(1)), per_second: Math.round(N / secs), counts,
  rss_idle_mib: Number(idle.toFixed(1)), rss_peak_mib: Number(peak.toFixed(1)), rss_growth_mib: Number((peak - idle).toFixed(1)),
  smtp_source: { messages: M, sessions: CONC, seconds: ssecs, per_second: Math.round(M / ssecs), status: src.status },
}, null, 1));
