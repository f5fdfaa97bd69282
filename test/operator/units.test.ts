// systemd/: `systemd-analyze verify` on both units, `systemd-sysusers --dry-run` on the sysusers
// file, and the settings the operator docs promise.
//
// `systemd-analyze verify` fails a unit whose ExecStart binary does not exist, and
// /usr/bin/syncml-bridge does not exist on a test machine. So the test verifies a temporary copy
// of each unit with `/usr/bin/syncml-bridge` rewritten to this checkout's bin/syncml-bridge.js
// (executable, committed as mode 100755); nothing else changes. It also fails on every warning
// verify prints about our units (verify exits 0 on "Unknown key ..., ignoring").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from '../helpers/cli.js';
import { runCli } from '../../src/daemon/cli.js';

const UNITS = ['syncml-bridge.service', 'syncml-bridge-tty@.service'] as const;
const INSTALLED_BIN = '/usr/bin/syncml-bridge';
const read = (name: string): string => readFileSync(join(ROOT, 'systemd', name), 'utf8');

/** Run a tool; a missing tool fails with the Debian package to install (never a skip). */
function tool(cmd: string, args: readonly string[], pkg: string, cwd?: string): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...(cwd === undefined ? {} : { cwd }) });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    assert.fail(`${cmd} not found: install the Debian package '${pkg}' (apt-get install ${pkg}; .ci/run does)`);
  }
  if (r.error !== undefined) throw r.error;
  return r;
}

/** The `Key=value` settings of a unit file, by section, in order (comments and blanks dropped). */
function settings(text: string): Map<string, [string, string][]> {
  const out = new Map<string, [string, string][]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[(\w+)\]$/.exec(line);
    if (sec !== null) {
      section = sec[1]!;
      out.set(section, out.get(section) ?? []);
      continue;
    }
    const eq = line.indexOf('=');
    assert.ok(eq > 0 && section !== '', `not Key=value in a section: ${line}`);
    out.get(section)!.push([line.slice(0, eq), line.slice(eq + 1)]);
  }
  return out;
}
const values = (s: Map<string, [string, string][]>, section: string, key: string): string[] =>
  (s.get(section) ?? []).filter(([k]) => k === key).map(([, v]) => v);
const one = (s: Map<string, [string, string][]>, section: string, key: string): string => {
  const v = values(s, section, key);
  assert.equal(v.length, 1, `${section}.${key} set once: ${JSON.stringify(v)}`);
  return v[0]!;
};

test('systemd-analyze verify passes on both units (ExecStart pointed at the checkout)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-units-'));
  try {
    for (const name of UNITS) {
      const text = read(name);
      assert.equal(text.split(INSTALLED_BIN + ' ').length, 2, `${name}: one ExecStart of ${INSTALLED_BIN}`);
      writeFileSync(join(dir, name), text.replaceAll(INSTALLED_BIN + ' ', BIN + ' '));
    }
    // The template is verified through an instance, as udev would start it.
    for (const unit of ['syncml-bridge.service', 'syncml-bridge-tty@ttyACM0.service']) {
      const r = tool('systemd-analyze', ['verify', `./${unit}`], 'systemd', dir);
      const output = `${r.stdout}${r.stderr}`;
      assert.equal(r.status, 0, `systemd-analyze verify ${unit}: ${output}`);
      const ours = output.split('\n').filter((l) => l.includes(dir) || l.includes('syncml-bridge'));
      assert.deepEqual(ours, [], `systemd-analyze verify ${unit} warns:\n${output}`);
    }
    // The check itself catches mistakes (a warning only, exit status 0).
    writeFileSync(join(dir, 'syncml-bridge.service'), read('syncml-bridge.service').replaceAll(INSTALLED_BIN + ' ', BIN + ' ').replace('Type=simple', 'Type=simpel'));
    const bad = tool('systemd-analyze', ['verify', './syncml-bridge.service'], 'systemd', dir);
    assert.match(`${bad.stdout}${bad.stderr}`, /syncml-bridge\.service:\d+: Failed to parse service type/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sysusers: creates user syncml-bridge in dialout and bluetooth (systemd-sysusers --dry-run)', () => {
  const file = join(ROOT, 'systemd/syncml-bridge.sysusers.conf');
  const root = mkdtempSync(join(tmpdir(), 'sb-sysusers-'));
  try {
    mkdirSync(join(root, 'etc'));
    writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    writeFileSync(join(root, 'etc/group'), 'root:x:0:\ndialout:x:20:\n');
    const r = tool('systemd-sysusers', ['--dry-run', `--root=${root}`, file], 'systemd');
    const output = `${r.stdout}${r.stderr}`;
    assert.equal(r.status, 0, output);
    assert.match(output, /Creating user '?syncml-bridge'?/);
    assert.doesNotMatch(output, /ignoring|Unknown|Failed/i, output);
    // --dry-run writes nothing.
    assert.equal(readFileSync(join(root, 'etc/passwd'), 'utf8'), 'root:x:0:0:root:/root:/bin/sh\n');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')).map((l) => l.trim().split(/\s+/));
  assert.deepEqual(lines.filter((l) => l[0] === 'm').map((l) => l.slice(1, 3)), [['syncml-bridge', 'dialout'], ['syncml-bridge', 'bluetooth']]);
  assert.ok(lines.some((l) => l[0] === 'u' && l[1] === 'syncml-bridge'));
});

test('both units: service user, shared state directory, hardening that keeps ttys, D-Bus and sockets', () => {
  for (const name of UNITS) {
    const s = settings(read(name));
    const svc = (key: string): string => one(s, 'Service', key);
    assert.equal(svc('User'), 'syncml-bridge', name);
    assert.equal(svc('StateDirectory'), 'syncml-bridge', name);
    assert.equal(svc('NoNewPrivileges'), 'yes', name);
    assert.equal(svc('ProtectSystem'), 'strict', name);
    assert.equal(svc('ProtectHome'), 'yes', name);
    assert.equal(svc('PrivateDevices'), 'no', `${name}: a private /dev hides the serial ports`);
    assert.equal(svc('CapabilityBoundingSet'), '', name);
    const families = svc('RestrictAddressFamilies').split(/\s+/);
    for (const f of ['AF_UNIX', 'AF_INET', 'AF_INET6', 'AF_BLUETOOTH']) assert.ok(families.includes(f), `${name}: ${f}`);
    assert.ok(!families.some((f) => f.startsWith('~')), `${name}: an allow-list`);
    assert.deepEqual(values(s, 'Service', 'MemoryDenyWriteExecute'), [], `${name}: V8 needs W+X pages`);
    const exec = svc('ExecStart').split(/\s+/);
    assert.equal(exec[0], INSTALLED_BIN, name);
    assert.equal(exec[exec.indexOf('--data-dir') + 1], '/var/lib/syncml-bridge', `${name}: the StateDirectory`);
  }
});

test('syncml-bridge.service: Type=simple (no sd_notify), serve with flags the CLI knows', async () => {
  const s = settings(read('syncml-bridge.service'));
  assert.equal(one(s, 'Service', 'Type'), 'simple');
  assert.equal(one(s, 'Install', 'WantedBy'), 'multi-user.target');
  const exec = one(s, 'Service', 'ExecStart').split(/\s+/);
  assert.equal(exec[1], 'serve');
  // Every flag of the unit is one `serve --help` lists.
  let help = '';
  const sink = { write: (chunk: string): boolean => { help += chunk; return true; } } as unknown as NodeJS.WritableStream;
  assert.equal(await runCli(['serve', '--help'], { stdout: sink, stderr: sink }), 0);
  for (const flag of exec.filter((a) => a.startsWith('--'))) assert.ok(help.includes(flag + ' '), `serve has no ${flag}:\n${help}`);
  assert.equal(exec[exec.indexOf('--config') + 1], '/etc/syncml-bridge/config.json');
  assert.equal(one(s, 'Unit', 'AssertPathExists'), '/etc/syncml-bridge/config.json');
  // A configuration error (status 2) is not retried forever.
  assert.equal(one(s, 'Service', 'RestartPreventExitStatus'), '2');
});

test('syncml-bridge-tty@.service: bound to its tty, one sync of /dev/%I with flags the CLI knows', async () => {
  const s = settings(read('syncml-bridge-tty@.service'));
  assert.equal(one(s, 'Unit', 'BindsTo'), 'dev-%i.device');
  assert.ok(values(s, 'Unit', 'After').includes('dev-%i.device'));
  assert.equal(one(s, 'Service', 'DevicePolicy'), 'closed');
  assert.equal(one(s, 'Service', 'DeviceAllow'), '/dev/%I rw');
  assert.deepEqual(values(s, 'Install', 'WantedBy'), [], 'started by udev, not enabled');
  const exec = one(s, 'Service', 'ExecStart').split(/\s+/);
  assert.equal(exec[1], 'sync');
  assert.equal(exec[exec.indexOf('--serial') + 1], '/dev/%I');
  assert.ok(exec.includes('--backup'));
  // Every flag of the unit is one `sync --help` lists.
  let help = '';
  const sink = { write: (chunk: string): boolean => { help += chunk; return true; } } as unknown as NodeJS.WritableStream;
  assert.equal(await runCli(['sync', '--help'], { stdout: sink, stderr: sink }), 0);
  for (const flag of exec.filter((a) => a.startsWith('--'))) assert.ok(help.includes(flag + ' '), `sync has no ${flag}:\n${help}`);
});
