// Outgoing mail (mail.c, mail_send.c) through `broadsheet mail-test`: a real relay on loopback (Debian's
// aiosmtpd, tests/lib/smtp.py) receives the message and Python's email package reads it back: headers
// (an Arabic subject and sender as encoded-words), both parts, CRLF line ends and line lengths; the relay
// refusing, failing for now, hanging and dropping the connection; STARTTLS required but not offered;
// addresses that are refused before anything is sent; and the .eml files written when no relay is set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { run, tempDir, configure } from '../lib/server.mjs';
import { startRelay, parseMail } from '../lib/smtp.mjs';

let relay, site;
before(async () => {
  relay = await startRelay();
  site = path.join(tempDir(), 'site');
  const r = run(['init', site]);
  assert.equal(r.status, 0, r.stderr);
});
after(() => relay.stop());

/** A site directory with its own broadsheet.conf settings (a copy of the shared one's). */
function siteWith(settings) {
  const dir = path.join(tempDir(), 'site');
  fs.mkdirSync(dir);
  fs.copyFileSync(path.join(site, 'broadsheet.conf'), path.join(dir, 'broadsheet.conf'));
  configure(dir, settings);
  return dir;
}

function mailTest(dir, to) {
  return run(['mail-test', '--site', dir, '--to', to]);
}

test('a message reaches the relay and reads back whole: encoded headers, both parts, CRLF, IDN recipient', () => {
  relay.setMode('accept');
  const before = relay.messages().length;
  const dir = siteWith({ smtp_url: relay.url, smtp_starttls: 0, mail_from: 'desk@news.example.org' });
  const r = mailTest(dir, '  Reader@Bücher.Example ');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^sent to Reader@xn--bcher-kva\.example through smtp:\/\/127\.0\.0\.1:\d+\n$/);
  const got = relay.messages();
  assert.equal(got.length, before + 1);
  const { file, envelope } = got.at(-1);
  assert.equal(envelope.from, 'desk@news.example.org');
  assert.deepEqual(envelope.to, ['Reader@xn--bcher-kva.example']);
  const m = parseMail(file);
  assert.deepEqual(m.defects, []);
  assert.equal(m.crlf_only, true);
  assert.ok(m.max_line <= 78, `a line of ${m.max_line} characters`);
  assert.equal(m.headers.Subject, 'Broadsheet: test message / رسالة تجريبية');
  assert.equal(m.headers.From, 'Broadsheet <desk@news.example.org>');
  assert.equal(m.headers.To, 'Reader@xn--bcher-kva.example');
  assert.match(m.headers['Message-ID'], /^<test-\d+-[0-9a-f]{8}@news\.example\.org>$/);
  assert.ok(!Number.isNaN(Date.parse(m.headers.Date)));
  assert.equal(m.type, 'multipart/alternative');
  assert.deepEqual(m.parts.map((p) => [p.type, p.charset, p.cte]),
    [['text/plain', 'utf-8', 'quoted-printable'], ['text/html', 'utf-8', 'quoted-printable']]);
  assert.match(m.parts[0].content, /هذه رسالة تجريبية من برودشيت/);
  assert.match(m.parts[1].content, /<p lang="ar" dir="rtl">هذه رسالة تجريبية/);
  for (const p of m.parts) assert.deepEqual(p.defects, []);
});

test('the relay refusing, failing for now, hanging or dropping: a clear exit status and reason', () => {
  const dir = siteWith({ smtp_url: relay.url, smtp_starttls: 0, smtp_timeout: 3, mail_from: 'desk@news.example.org' });
  const cases = [['refuse', 76, /550/], ['tempfail', 69, /451/], ['hang', 69, /timed? ?out|Timeout/i], ['drop', 69, /./]];
  for (const [mode, status, why] of cases) {
    relay.setMode(mode);
    const before = relay.messages().length;
    const r = mailTest(dir, 'reader@example.com');
    assert.equal(r.status, status, `${mode}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /^broadsheet: not sent: /, mode);
    assert.match(r.stderr, why, mode);
    assert.equal(relay.messages().length, before, `${mode}: nothing kept`);
  }
  relay.setMode('accept');
});

test('STARTTLS required and not offered: nothing goes out in the clear', () => {
  relay.setMode('accept');
  const before = relay.messages().length;
  const dir = siteWith({ smtp_url: relay.url, mail_from: 'desk@news.example.org' }); /* smtp_starttls = 1 */
  const r = mailTest(dir, 'reader@example.com');
  assert.equal(r.status, 69, r.stderr);
  assert.match(r.stderr, /not sent/);
  assert.equal(relay.messages().length, before);
});

test('no relay: the message is a .eml file under the site\'s mail/ folder, and reads back the same', () => {
  const dir = siteWith({ mail_from: '' });
  const r = mailTest(dir, 'reader@example.com');
  assert.equal(r.status, 0, r.stderr);
  const m = /written to (.+\/mail)\/(test-\d+-[0-9a-f]{8})\.eml\n$/.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.equal(m[1], path.join(dir, 'mail'));
  const files = fs.readdirSync(m[1]);
  assert.deepEqual(files, [`${m[2]}.eml`]); /* no temporary file left */
  const msg = parseMail(path.join(m[1], files[0]));
  assert.deepEqual(msg.defects, []);
  assert.equal(msg.headers.To, 'reader@example.com');
  assert.match(msg.headers.From, /<news@localhost\.invalid>$/); /* a site on 127.0.0.1 has no mail domain */
  assert.equal(msg.parts.length, 2);
});

test('hostile and malformed addresses are refused before anything is sent', () => {
  relay.setMode('accept');
  const before = relay.messages().length;
  const dir = siteWith({ smtp_url: relay.url, smtp_starttls: 0 });
  const long = `${'a'.repeat(500)}@${'b'.repeat(495)}.com`;
  for (const [to, why] of [['victim@example.com\r\nBcc: all@example.com', /line breaks/], ['victim@example.com\nRCPT TO:<x@example.com>', /line breaks/],
    [long, /too long/], ['no-at-sign', /not an e-mail address/], ['a@b@example.com', /not an e-mail address/],
    ['قارئ@example.com', /Latin letters/], ['reader@localhost', /not a domain name/], ['', /Type an e-mail address/]]) {
    const r = mailTest(dir, to);
    assert.equal(r.status, 65, `${JSON.stringify(to)}: ${r.stderr}`);
    assert.match(r.stderr, why, JSON.stringify(to));
  }
  const quoted = mailTest(dir, '"john doe"@example.com');
  assert.equal(quoted.status, 0, quoted.stderr);
  assert.deepEqual(relay.messages().at(-1).envelope.to, ['"john doe"@example.com']);
  assert.equal(relay.messages().length, before + 1);
});

test('a relay URL that is not SMTP is a configuration error', () => {
  const dir = siteWith({ smtp_url: 'http://127.0.0.1:1/' });
  const r = mailTest(dir, 'reader@example.com');
  assert.equal(r.status, 78, r.stderr);
  assert.match(r.stderr, /smtp_url: must start with smtp:\/\//);
});
