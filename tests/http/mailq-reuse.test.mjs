// The mail queue's kept relay connections (src/mail_send.c's mail_conn, one per sender thread), over the
// aiosmtpd relay on loopback (tests/lib/smtp.mjs counts the connections made to it), on the engine
// BROADSHEET_TEST_DB names: the messages of one issue arrive over fewer connections than messages; a relay
// that closes a kept connection while it sits idle, or drops it as the next message starts on it, still
// gets every message exactly once, at the first attempt (the dead connection is not a failure).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { demoSite, startServer, configure, dbExec, waitUntil } from '../lib/server.mjs';
import { startRelay, mailSite } from '../lib/smtp.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let dir, srv, relay;
let next = 1;

before(async () => {
  ({ relay, dir, srv } = await mailSite({ smtp_timeout: 5, mail_max_attempts: 6, mail_concurrency: 2 }));
});

after(async () => {
  await srv?.stop();
  relay?.stop();
});

const q = (sql) => dbExec(dir, sql).trim();

const waitFor = waitUntil;

/** makeIssue: n confirmed subscribers of a list of their own and a scheduled issue to it whose time has
 * passed (the senders start it by themselves); returns the issue's id. */
function makeIssue(n) {
  const id = 7000 + next++;
  const list = `section/reuse${id}`;
  const rows = [];
  for (let i = 0; i < n; i++) {
    const sub = id * 100 + i;
    rows.push(`INSERT INTO newsletter_subscribers(id, email, lang, state, created_at, updated_at) VALUES (${sub}, 'k${sub}.p${process.pid}@example.org', 'en', 'confirmed', 1, 1);`,
      `INSERT INTO newsletter_subscriptions(subscriber_id, edition, list, created_at) VALUES (${sub}, 'en', '${list}', 1);`);
  }
  rows.push(`INSERT INTO newsletter_issues(id, edition, list, kind, subject, state, send_at, created_at, updated_at) VALUES (${id}, 'en', '${list}', 'issue', 'Issue ${id}', 'scheduled', 1, 1, 1);`);
  dbExec(dir, rows.join('\n'));
  return id;
}

/** The issue's rows [{state, attempts, mid}] and how often the relay received each Message-ID. */
function outcome(id) {
  const rows = q(`SELECT state, attempts, message_id FROM mail_queue WHERE issue_id = ${id} ORDER BY id`).split('\n')
    .map((l) => { const [state, attempts, mid] = l.split('\t'); return { state, attempts: Number(attempts), mid }; });
  const seen = new Map();
  for (const m of relay.messages()) {
    const mid = /^Message-ID:\s*(<[^>\r\n]+>)/mi.exec(fs.readFileSync(m.file, 'latin1'))?.[1];
    seen.set(mid, (seen.get(mid) || 0) + 1);
  }
  return { rows, seen };
}

/** sendIssue: n messages of a new issue, waited for until the issue is 'sent'; the relay's counts before
 * and after, and the outcome. */
async function sendIssue(n) {
  const before = relay.stats();
  const id = makeIssue(n);
  await waitFor(() => q(`SELECT state FROM newsletter_issues WHERE id = ${id}`) === 'sent', 60000, `issue ${id} to be sent`);
  const after = relay.stats();
  return { ...outcome(id), connections: after.connections - before.connections,
    dropped: after.kept_dropped - before.kept_dropped };
}

function exactlyOnceAtFirstAttempt({ rows, seen }, n) {
  assert.equal(rows.length, n);
  for (const r of rows) {
    assert.equal(r.state, 'sent', JSON.stringify(r));
    assert.equal(r.attempts, 1, `${r.mid}: the dead connection is not a failed attempt`);
    assert.equal(seen.get(r.mid), 1, `${r.mid} received exactly once`);
  }
}

test('the messages of one issue arrive over fewer connections than messages (each sender keeps its own)', async () => {
  const got = await sendIssue(20);
  exactlyOnceAtFirstAttempt(got, 20);
  assert.ok(got.connections >= 1, 'the relay counted connections');
  assert.ok(got.connections < 20, `20 messages over ${got.connections} connections`);
  assert.ok(got.connections <= 4, `two senders: ${got.connections} connections for 20 messages`);
});

test('a relay that closes each kept connection after its message: every message still arrives once', async () => {
  relay.setMode('idleclose');
  try {
    const got = await sendIssue(8);
    exactlyOnceAtFirstAttempt(got, 8);
    assert.equal(got.connections, 8, 'one connection per message: the closed one was not used again');
  } finally {
    relay.setMode('accept');
  }
});

test('a kept connection dropped as the next message starts on it: that message goes over a fresh one, once', async () => {
  relay.setMode('dropkept');
  try {
    const got = await sendIssue(8);
    assert.ok(got.dropped >= 1, `the relay dropped ${got.dropped} kept connection(s): they were used again`);
    exactlyOnceAtFirstAttempt(got, 8);
  } finally {
    relay.setMode('accept');
  }
});
