// The wire samples of tests/fixtures/wires/ (ninjs JSON and NewsML-G2 XML, English and Arabic) validate
// against IPTC's published schemas in tests/fixtures/iptc/ before the ingest tests use them
// (scripts/validate-wires.sh: xmllint --schema for NewsML-G2, a standard-library JSON Schema validator for
// ninjs); broken copies of them are refused, so a pass means something. No server is started.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../lib/server.mjs';

const WIRES = path.join(ROOT, 'tests/fixtures/wires');
const SCRIPT = path.join(ROOT, 'scripts/validate-wires.sh');

/** Runs the validator on files (none: every sample); returns {status, lines}. */
function validate(files = []) {
  const r = spawnSync('bash', [SCRIPT, ...files], { encoding: 'utf8', timeout: 60000 });
  return { status: r.status, lines: (r.stdout + r.stderr).split('\n').filter(Boolean) };
}

const dirs = [];
after(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

/** Writes text into a new temp file named name (removed after the tests); returns its path. */
function temp(name, text) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-wires-'));
  dirs.push(dir);
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}

const sample = (name) => fs.readFileSync(path.join(WIRES, name), 'utf8');
const json = (name) => JSON.parse(sample(name));

test('every sample validates against the IPTC schema of its format and version', () => {
  const files = fs.readdirSync(WIRES).filter((f) => /\.(json|xml)$/.test(f)).sort();
  assert.ok(files.length >= 9, `samples: ${files}`);
  const r = validate();
  assert.equal(r.status, 0, r.lines.join('\n'));
  for (const f of files) assert.ok(r.lines.some((l) => l === `ok ${path.join(WIRES, f)}` || l.startsWith(`ok ${path.join(WIRES, f)} (`)), `${f}: ${r.lines.join('\n')}`);
});

test('the samples cover both languages, an embargo and a second version of the same item', () => {
  const en = json('ninjs-en.json'), v2 = json('ninjs-en-v2.json');
  assert.equal(v2.uri, en.uri);
  assert.ok(Number(v2.version) > Number(en.version));
  assert.ok(Date.parse(v2.versioncreated) > Date.parse(en.versioncreated));
  assert.equal(json('ninjs-ar.json').language, 'ar');
  assert.match(json('ninjs-ar-embargo.json').embargoed, /^2099-/);
  assert.equal(json('ninjs-1.6-en.json').$standard.version, '1.6');

  const guid = (x) => x.match(/guid="([^"]+)"/)[1];
  const version = (x) => Number(x.match(/<newsItem[^>]*\sversion="(\d+)"/)[1]);
  const g1 = sample('newsml-en.xml'), g2 = sample('newsml-en-v2.xml');
  assert.equal(guid(g2), guid(g1));
  assert.equal(version(g1), 1);
  assert.equal(version(g2), 2);
  assert.match(sample('newsml-ar.xml'), /xml:lang="ar"/);
  assert.match(sample('newsml-en-embargo.xml'), /<embargoed>2099-01-01T06:00:00Z<\/embargoed>/);
  assert.notEqual(guid(sample('newsml-en-embargo.xml')), guid(g1));
});

test('broken ninjs items are refused with the reason', () => {
  const en = json('ninjs-en.json');
  const broken = {
    'unknown property': { ...en, colour: 'red' },
    'missing uri': (({ uri, ...rest }) => rest)(en), // eslint-disable-line no-unused-vars
    'bad pubstatus': { ...en, pubstatus: 'published' },
    'bad date-time': { ...en, versioncreated: '6 December 2026' },
    'unknown property in a headline': { ...en, headlines: [{ value: 'x', colour: 'red' }] },
    'association without a name': { ...en, associations: [{ uri: 'urn:x' }] },
    'urgency as text': { ...en, urgency: 'high' },
    'unknown ninjs version': { ...en, standard: { name: 'ninjs', version: '9.9' } },
  };
  const v16 = json('ninjs-1.6-en.json');
  broken['ninjs 1.6 with a 2.x property'] = { ...v16, headlines: [{ value: 'x' }] };
  broken['ninjs 1.6 body_ of the wrong type'] = { ...v16, body_xhtml: 5 };
  for (const [why, item] of Object.entries(broken)) {
    const f = temp('item.json', JSON.stringify(item));
    const r = validate([f]);
    assert.equal(r.status, 1, `${why}: ${r.lines.join('\n')}`);
    assert.match(r.lines.join('\n'), /^FAIL /m, why);
  }
  assert.equal(validate([temp('x.json', '{"uri": ')]).status, 1, 'truncated JSON');
});

test('broken NewsML-G2 items are refused with the reason', () => {
  const g = sample('newsml-en.xml');
  const broken = {
    'no guid': g.replace(/ guid="[^"]+"/, ''),
    'unknown element': g.replace('<pubStatus qcode="stat:usable"/>', '<pubStatus qcode="stat:usable"/><colour/>'),
    'elements out of order': g.replace(/(<versionCreated>[^<]+<\/versionCreated>)\s*(<firstCreated>[^<]+<\/firstCreated>)/, '$2$1'),
    'bad date': g.replace('<versionCreated>2026-12-06T08:20:00Z', '<versionCreated>6 December 2026'),
    'truncated': g.slice(0, g.length / 2),
  };
  for (const [why, text] of Object.entries(broken)) {
    assert.notEqual(text, g, `${why}: the mutation changed nothing`);
    const r = validate([temp('item.xml', text)]);
    assert.equal(r.status, 1, `${why}: ${r.lines.join('\n')}`);
    assert.match(r.lines.join('\n'), /^FAIL /m, why);
  }
});
