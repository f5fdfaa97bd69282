// `user add|list|remove` through the real executable (bin/ -> dist/, built before the tests).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, runBin } from '../helpers/cli.js';
import { openStore, DB_FILE } from '../../src/store/index.js';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-cli-'));
  dirs.push(dir);
  return dir;
}
function checkPassword(dir: string, name: string, pw: string): boolean | undefined {
  const store = openStore(dir);
  try {
    return store.getUser(name)?.checkPassword(pw);
  } finally {
    store.close();
  }
}

/** Run `user add NAME` on a pseudo-terminal (util-linux `script`), answering each prompt. */
function addOnTty(dir: string, name: string, answers: readonly string[]): Promise<{ status: number | null; out: string }> {
  const cmd = [process.execPath, BIN, 'user', 'add', name, '--data-dir', dir].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  let answered = 0;
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    const prompts = out.split('Password').length - 1;
    while (answered < prompts && answered < answers.length) child.stdin.write(answers[answered++] + '\r');
  });
  return new Promise((resolve) => child.once('exit', (status) => resolve({ status, out })));
}

test('user add --password-stdin takes the first line, without its line end', () => {
  const dir = tmp();
  const r = runBin(['user', 'add', 'alice', '--password-stdin', '--data-dir', dir], 'pa ss\r\nsecond line\n');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.toString(), 'added user alice\n');
  assert.equal(checkPassword(dir, 'alice', 'pa ss'), true);
  const r2 = runBin(['user', 'add', 'bob', '--password-stdin', '--data-dir', dir], 'no-newline');
  assert.equal(r2.status, 0, r2.stderr);
  assert.equal(checkPassword(dir, 'bob', 'no-newline'), true);
});

test('user add: refusals with one line and the right exit status', () => {
  const dir = tmp();
  assert.equal(runBin(['user', 'add', 'alice', '--password-stdin', '--data-dir', dir], 'pw\n').status, 0);
  const cases: Array<[string[], string, number, RegExp]> = [
    [['user', 'add', 'alice', '--password-stdin'], 'pw\n', 1, /^syncml-bridge user add: user 'alice' already exists\n$/],
    [['user', 'add', 'bob', '--password-stdin'], '\nsecond\n', 2, /^syncml-bridge user add: the password cannot be empty\n$/],
    [['user', 'add', 'bob'], 'pw\n', 2, /^syncml-bridge user add: .*use --password-stdin\n$/],
    [['user', 'add', 'a:b', '--password-stdin'], 'pw\n', 2, /^syncml-bridge user add: NAME 'a:b': a user name cannot contain ":"\n$/],
    [['user', 'add', '--password-stdin'], 'pw\n', 2, /missing required argument 'name'/],
  ];
  for (const [args, input, status, message] of cases) {
    const r = runBin([...args, '--data-dir', dir], input);
    assert.equal(r.status, status, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  assert.equal(checkPassword(dir, 'bob', 'pw'), undefined);
});

test('user add on a terminal asks twice without echo', async () => {
  const dir = tmp();
  const ok = await addOnTty(dir, 'carol', ['t0p secret', 't0p secret']);
  assert.equal(ok.status, 0, ok.out);
  assert.match(ok.out, /Password: .*Password \(again\): .*added user carol/s);
  assert.ok(!ok.out.includes('t0p'), 'no echo');
  assert.equal(checkPassword(dir, 'carol', 't0p secret'), true);
  const mismatch = await addOnTty(dir, 'dave', ['one', 'two']);
  assert.equal(mismatch.status, 2, mismatch.out);
  assert.match(mismatch.out, /the passwords do not match/);
  assert.equal(checkPassword(dir, 'dave', 'one'), undefined);
});

test('user list: one line per user with devices and items; user remove', () => {
  const dir = tmp();
  for (const u of ['bob', 'alice']) assert.equal(runBin(['user', 'add', u, '--password-stdin', '--data-dir', dir], 'pw\n').status, 0);
  const store = openStore(dir);
  store.putItem('alice', 'contacts', { contentType: 'text/vcard', data: Buffer.from('x'), matchKey: null, changedBy: null, now: 1 });
  store.putItem('alice', 'notes', { contentType: 'text/plain', data: Buffer.from('y'), matchKey: null, changedBy: null, now: 1 });
  store.saveDevice({ id: 'IMEI:1', user: 'alice', devinf: null, devinfDigest: null, profile: null, lastSeen: 1 });
  // the CLI runs while this connection (think: `serve`) stays open
  const list = runBin(['user', 'list', '--data-dir', dir]);
  assert.equal(list.status, 0, list.stderr);
  const lines = list.stdout.toString().trimEnd().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, /^alice {2}devices 1 {2}items 2 \(contacts 1, calendar 0, tasks 0, notes 1\) {2}created \d{4}-\d\d-\d\dT/);
  assert.match(lines[1]!, /^bob {4}devices 0 {2}items 0 /);
  assert.match(lines[2]!, /^local {2}devices 0 {2}items 0 /);

  const rm = runBin(['user', 'remove', 'alice', '--data-dir', dir]);
  assert.equal(rm.status, 0, rm.stderr);
  assert.equal(rm.stdout.toString(), 'removed user alice\n');
  assert.equal(store.hasUser('alice'), false, 'the open connection sees the removal');
  assert.equal(store.countLive('alice', 'contacts'), 0);
  assert.equal(store.getDevice('IMEI:1'), undefined);
  store.close();

  const unknown = runBin(['user', 'remove', 'alice', '--data-dir', dir]);
  assert.equal(unknown.status, 2);
  assert.equal(unknown.stderr, "syncml-bridge user remove: NAME: no user 'alice'\n");
  const local = runBin(['user', 'remove', 'local', '--data-dir', dir]);
  assert.equal(local.status, 2);
  assert.match(local.stderr, /^syncml-bridge user remove: NAME 'local': .*cannot be removed\n$/);
});

test('the data directory defaults to ./var under the working directory', () => {
  const cwd = tmp();
  const r = runBin(['user', 'add', 'alice', '--password-stdin'], 'pw\n', cwd);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(join(cwd, 'var', DB_FILE)));
  assert.equal(checkPassword(join(cwd, 'var'), 'alice', 'pw'), true);
});

test('a broken database is a runtime failure (exit 1) naming the file', () => {
  const dir = tmp();
  assert.equal(runBin(['user', 'list', '--data-dir', dir]).status, 0);
  rmSync(join(dir, DB_FILE));
  writeFileSync(join(dir, DB_FILE), 'not a database'.repeat(100));
  const r = runBin(['user', 'list', '--data-dir', dir]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^syncml-bridge user list: .*bridge\.sqlite.*\n$/);
  assert.equal(r.stderr.split('\n').length, 2, 'one line');
});
