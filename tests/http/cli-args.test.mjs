// The command line's refusals, exactly: every command's bad arguments give the same exit code and the same
// first line on stderr (followed by the command's usage), and help gives each command's own usage. Written
// before the argument parsing of src/cli.c was made one table-driven parser (issue 17), from the answers of
// the code before it, so that the change is seen to alter nothing a user sees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { BIN, tempDir } from '../lib/server.mjs';

const env = { ...process.env };
delete env.BROADSHEET_SITE;

/** Runs the binary in an empty temporary directory, without BROADSHEET_SITE and with empty stdin. */
function cli(args) {
  return spawnSync(BIN, args, { encoding: 'utf8', cwd: tempDir('bs-cli-'), env, input: '', timeout: 60000 });
}

// [arguments, exit code, first line of stderr]
const refusals = [
  [["init"], 64, "broadsheet: init takes one directory and an optional --db URL"],
  [["init","-x"], 64, "broadsheet: unknown option -x"],
  [["init","a","b"], 64, "broadsheet: init takes one directory and an optional --db URL"],
  [["init","a","--db"], 64, "broadsheet: init takes one directory and an optional --db URL"],
  [["demo"], 64, "broadsheet: demo needs a directory"],
  [["demo","--db"], 64, "broadsheet: a value is missing after --db"],
  [["demo","d","--articles"], 64, "broadsheet: --articles takes a whole number from 0 to 10000000"],
  [["demo","d","--articles","x"], 64, "broadsheet: --articles takes a whole number from 0 to 10000000"],
  [["demo","d","--articles","-1"], 64, "broadsheet: --articles takes a whole number from 0 to 10000000"],
  [["demo","d","--articles","10000001"], 64, "broadsheet: --articles takes a whole number from 0 to 10000000"],
  [["demo","-"], 64, "broadsheet: unknown option -"],
  [["demo","--bogus"], 64, "broadsheet: unknown option --bogus"],
  [["demo","a","b"], 64, "broadsheet: unexpected argument b"],
  [["demo","--articles","abc","--bogus"], 64, "broadsheet: --articles takes a whole number from 0 to 10000000"],
  [["serve","--bogus"], 64, "broadsheet: unknown argument --bogus"],
  [["serve","--site"], 64, "broadsheet: a value is missing after --site"],
  [["serve","pos"], 64, "broadsheet: unknown argument pos"],
  [["serve","--quiet","--listen"], 64, "broadsheet: a value is missing after --listen"],
  [["serve","--db"], 64, "broadsheet: a value is missing after --db"],
  [["serve","--threads"], 64, "broadsheet: a value is missing after --threads"],
  [["user"], 64, "usage: broadsheet user add --site DIR --name LOGIN --role admin|editor|reporter|moderator"],
  [["user","add"], 64, "broadsheet: --name LOGIN is required for add"],
  [["user","add","--name","bob"], 64, "broadsheet: --role is required for add"],
  [["user","frob","--name","x"], 64, "broadsheet: unknown user command frob"],
  [["user","list","--bogus"], 64, "broadsheet: unknown argument --bogus"],
  [["user","list","--site"], 64, "broadsheet: a value is missing after --site"],
  [["user","list","pos"], 64, "broadsheet: unknown argument pos"],
  [["user","passwd"], 64, "broadsheet: --name LOGIN is required for passwd"],
  [["user","add","--display-name"], 64, "broadsheet: a value is missing after --display-name"],
  [["comments"], 64, "usage: broadsheet comments export --site DIR [FILE]"],
  [["comments","frob"], 64, "broadsheet: unknown comments command frob"],
  [["comments","export","--site"], 64, "broadsheet: a value is missing after --site"],
  [["comments","export","-x"], 64, "broadsheet: unknown option -x"],
  [["comments","export","a","b"], 64, "broadsheet: unexpected argument b"],
  [["comments","import","-","--db"], 64, "broadsheet: a value is missing after --db"],
  [["export"], 64, "broadsheet: export needs an output directory"],
  [["export","--jobs"], 64, "broadsheet: a value is missing after --jobs"],
  [["export","--jobs","0"], 64, "broadsheet: --jobs takes a whole number from 1 to 64"],
  [["export","--jobs","65"], 64, "broadsheet: --jobs takes a whole number from 1 to 64"],
  [["export","--jobs","x","out"], 64, "broadsheet: --jobs takes a whole number from 1 to 64"],
  [["export","-z"], 64, "broadsheet: unknown option -z"],
  [["export","a","b"], 64, "broadsheet: unexpected argument b"],
  [["export","--site"], 64, "broadsheet: a value is missing after --site"],
  [["export","--base-url"], 64, "broadsheet: a value is missing after --base-url"],
  [["export","--db"], 64, "broadsheet: a value is missing after --db"],
  [["export","--no-compress"], 64, "broadsheet: export needs an output directory"],
  [["export","-"], 64, "broadsheet: unknown option -"],
  [["check","--bogus"], 64, "broadsheet: unknown argument --bogus"],
  [["check","--site"], 64, "broadsheet: a value is missing after --site"],
  [["check","pos"], 64, "broadsheet: unknown argument pos"],
  [["check","--db"], 64, "broadsheet: a value is missing after --db"],
  [["optimize","--bogus"], 64, "broadsheet: unknown argument --bogus"],
  [["optimize","--site"], 64, "broadsheet: a value is missing after --site"],
  [["optimize","x"], 64, "broadsheet: unknown argument x"],
  [["backup"], 64, "broadsheet: the file to write is missing"],
  [["backup","--site"], 64, "broadsheet: a value is missing after --site"],
  [["backup","-x"], 64, "broadsheet: unknown argument -x"],
  [["backup","a","b"], 64, "broadsheet: more than one OUTFILE: b"],
  [["backup","--db","x","o"], 64, "broadsheet: unknown argument --db"],
  [["backup","-"], 66, "broadsheet: . is not a Broadsheet site (cannot read ./broadsheet.conf: No such file or directory); create one with 'broadsheet init .'"],
  [["backup",""], 64, "broadsheet: the file to write is missing"],
  [["migrate"], 64, "broadsheet: migrate needs --from and --to"],
  [["migrate","--from"], 64, "broadsheet: a value is missing after --from"],
  [["migrate","--to","x"], 64, "broadsheet: migrate needs --from and --to"],
  [["migrate","--bogus"], 64, "broadsheet: unknown argument --bogus"],
  [["migrate","--from","a","--to"], 64, "broadsheet: a value is missing after --to"],
  [["migrate","x"], 64, "broadsheet: unknown argument x"],
  [["terms"], 64, "broadsheet: terms needs TEXT"],
  [["terms","--help"], 64, "broadsheet: terms needs TEXT"],
  [["frob"], 64, "broadsheet: unknown command frob"],
  [[], 64, "usage: broadsheet COMMAND [OPTIONS]"],
  [["check","--site","/nonexistent/x"], 66, "broadsheet: /nonexistent/x is not a Broadsheet site (cannot read /nonexistent/x/broadsheet.conf: No such file or directory); create one with 'broadsheet init /nonexistent/x'"],
  [["optimize","--site","/nonexistent/x"], 66, "broadsheet: /nonexistent/x is not a Broadsheet site (cannot read /nonexistent/x/broadsheet.conf: No such file or directory); create one with 'broadsheet init /nonexistent/x'"],
  [["user","list","--site","/nonexistent/x"], 66, "broadsheet: /nonexistent/x is not a Broadsheet site (cannot read /nonexistent/x/broadsheet.conf: No such file or directory); create one with 'broadsheet init /nonexistent/x'"],
  [["comments","export","--site","/nonexistent/x"], 66, "broadsheet: /nonexistent/x is not a Broadsheet site (cannot read /nonexistent/x/broadsheet.conf: No such file or directory); create one with 'broadsheet init /nonexistent/x'"],
  [["backup","--site","/nonexistent/x","o"], 66, "broadsheet: /nonexistent/x is not a Broadsheet site (cannot read /nonexistent/x/broadsheet.conf: No such file or directory); create one with 'broadsheet init /nonexistent/x'"],
  [["export","--site","/nonexistent/x","o"], 66, "broadsheet: /nonexistent/x is not a Broadsheet site (cannot read /nonexistent/x/broadsheet.conf: No such file or directory); create one with 'broadsheet init /nonexistent/x'"],
  [["serve","--site","/nonexistent/x"], 66, "broadsheet: /nonexistent/x is not a Broadsheet site (cannot read /nonexistent/x/broadsheet.conf: No such file or directory); create one with 'broadsheet init /nonexistent/x'"],
  [["comments","import","--site","/nonexistent/x","/nonexistent/file"], 66, "broadsheet: cannot read /nonexistent/file: No such file or directory"],
  [["check","--site","/nonexistent/x","--db","bogus:x"], 66, "broadsheet: /nonexistent/x is not a Broadsheet site (cannot read /nonexistent/x/broadsheet.conf: No such file or directory); create one with 'broadsheet init /nonexistent/x'"],
  [["user","add","--name","a","--role","r","--site","/nonexistent/x"], 66, "broadsheet: /nonexistent/x is not a Broadsheet site (cannot read /nonexistent/x/broadsheet.conf: No such file or directory); create one with 'broadsheet init /nonexistent/x'"],
];

test('every refusal keeps its exit code and message', () => {
  for (const [args, status, first] of refusals) {
    const r = cli(args);
    const what = `broadsheet ${args.join(' ')}`;
    assert.equal(r.status, status, `${what}: ${r.stderr}`);
    assert.equal(r.stderr.split('\n')[0], first, what);
    assert.equal(r.stdout, '', what);
    if (status === 64 && first.startsWith('broadsheet: '))
      assert.match(r.stderr, /\n\nusage: broadsheet /, `${what}: the usage follows the refusal`);
  }
});

test('help COMMAND and COMMAND --help print the same usage; terms and unknown topics get the main one', () => {
  const main = cli(['--help']);
  assert.equal(main.status, 0);
  assert.match(main.stdout, /^usage: broadsheet COMMAND/);
  for (const cmd of ['init', 'demo', 'serve', 'user', 'comments', 'export', 'check', 'backup', 'migrate', 'optimize']) {
    const a = cli(['help', cmd]), b = cli([cmd, 'x', '-h']);
    assert.equal(a.status, 0, cmd);
    assert.match(a.stdout, new RegExp(`^usage: broadsheet ${cmd} `), cmd);
    assert.notEqual(a.stdout, main.stdout, cmd);
    assert.equal(b.status, 0, cmd);
    assert.equal(b.stdout, a.stdout, cmd);
  }
  for (const topic of [['help'], ['help', 'terms'], ['help', 'frobnicate'], ['-h']]) {
    const r = cli(topic);
    assert.equal(r.status, 0, topic.join(' '));
    assert.equal(r.stdout, main.stdout, topic.join(' '));
  }
  for (const cmd of ['user', 'comments']) {
    const r = cli([cmd]);
    assert.equal(r.status, 64, cmd);
    assert.equal(r.stderr, cli(['help', cmd]).stdout, `${cmd} without a sub-command: its usage on stderr`);
  }
  assert.equal(cli([]).stderr, main.stdout);
});
