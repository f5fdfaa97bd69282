// The daemon's own host-initiated syncs (config file `phones`): the setting's checks, and `serve`
// syncing a phone when it appears: a cable (a socat pty created after the daemon started, vphone
// in phone-server mode answering AT*EOBEX on it) and a phone on OBEX/TCP that comes into reach
// later. The contacts end up in the store and a backup is written.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../../src/errors.js';
import { resolveConfig } from '../../src/daemon/config.js';
import { parsePhones } from '../../src/daemon/phones-config.js';
import { ROOT } from '../helpers/cli.js';
import { copyPeers, fnSet, freePort, genVcards, normalisedFn, requireSyncEvolution, run, type PeersCopy } from '../helpers/syncevo.js';
import { BridgeDaemon, PhoneServer, PtyPair } from '../helpers/vphone.js';

test('phones setting: defaults, and every bad value named', () => {
  const [p] = parsePhones([{ serial: '/dev/ttyACM0', onAppear: true }], 'phones', 'none');
  assert.deepEqual({ name: p!.name, everyMs: p!.everyMs, onAppear: p!.onAppear, pollMs: p!.pollMs, mode: p!.plan.mode, user: p!.plan.user }, {
    name: 'serial:/dev/ttyACM0', everyMs: undefined, onAppear: true, pollMs: 2000, mode: 'two-way', user: 'local',
  });
  const [b] = parsePhones([{ bluetooth: '00:11:22:33:44:55', every: 3600, stores: 'contacts', backup: 'nightly' }], 'phones', 'none');
  assert.deepEqual(b!.plan.target, { kind: 'bluetooth', address: '00:11:22:33:44:55' });
  assert.equal(b!.pollMs, 60_000);
  assert.deepEqual(b!.plan.stores, ['contacts']);
  assert.equal(b!.plan.backup, 'nightly');
  const bad: Array<[unknown, RegExp]> = [
    [{}, /phones\[0\]: give exactly one of/],
    [{ serial: '/dev/a', bluetooth: '00:11:22:33:44:55', every: 60 }, /phones\[0\]: give exactly one of/],
    [{ serial: '/dev/a' }, /phones\[0\]: give "every" \(seconds\) or "onAppear": true/],
    [{ serial: '/dev/a', every: 5 }, /phones\[0\]\.every: expected a number of seconds from 10/],
    [{ serial: '/dev/a', every: 60, mode: 'sideways' }, /phones\[0\]\.mode: 'sideways' is not one of two-way/],
    [{ serial: '/dev/a', every: 60, stores: ['fax'] }, /phones\[0\]\.stores: unknown datastore 'fax'/],
    [{ serial: '/dev/a', every: 60, colour: 'red' }, /phones\[0\]: unknown setting 'colour'/],
    [{ bluetooth: 'nope', every: 60 }, /phones\[0\]: bluetooth: 'nope' is not a Bluetooth address/],
    [{ obexTcp: 'host', every: 60 }, /phones\[0\]: obexTcp/],
    [{ serial: '/dev/a', every: 60, backup: '../x' }, /phones\[0\]\.backup: '\.\.\/x' is not a backup name/],
  ];
  for (const [phone, message] of bad) assert.throws(() => parsePhones([phone], 'phones', 'none'), (e: unknown) => e instanceof ConfigError && message.test(e.message), JSON.stringify(phone));
  assert.throws(() => parsePhones([{ serial: '/dev/a', every: 60 }, { serial: '/dev/a', every: 60 }], 'phones', 'none'), /a second phone named 'serial:\/dev\/a'/);
});

test('phones setting in the config file: not with --relay, not on a port that is also a phone-initiated --serial link', () => {
  const dir = join(process.env.TMPDIR ?? '/tmp', `sb-phones-cfg-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ phones: [{ serial: '/dev/ttyACM0', onAppear: true }] }));
    assert.equal(resolveConfig({ config: file }, dir).phones.length, 1);
    assert.throws(() => resolveConfig({ config: file, relay: 'passthrough', upstream: 'http://127.0.0.1:1/x' }, dir), /phones: .*do not combine with --relay/);
    assert.throws(() => resolveConfig({ config: file, serial: ['/dev/ttyACM0'] }, dir), /\/dev\/ttyACM0 is also a phone-initiated serial link/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

let copy: PeersCopy;
const cleanups: (() => Promise<unknown>)[] = [];
before(() => {
  requireSyncEvolution();
  copy = copyPeers();
});
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  if (copy !== undefined) rmSync(copy.dir, { recursive: true, force: true });
});

async function waitForLog(d: BridgeDaemon, pattern: RegExp, what: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 2400; i++) {
    const hit = d.logs().find((l) => typeof l.msg === 'string' && pattern.test(l.msg));
    if (hit !== undefined) return hit;
    if (!d.alive) break;
    await sleep(50);
  }
  throw new Error(`${what}: no log line ${pattern}\n${d.err.slice(-4000)}`);
}

async function storedFns(dataDir: string): Promise<string[]> {
  const r = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'src/daemon/main.ts'), 'export', '--user', 'local', '--store', 'contacts', '--format', 'json', '--data-dir', dataDir]);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as Array<{ text: string }>).map((i) => normalisedFn(i.text) ?? '').sort();
}

test('serve syncs configured phones when they appear: a cable plugged in later (AT*EOBEX), a TCP phone that comes into reach', { timeout: 300_000 }, async () => {
  const dir = join(copy.dir, 'phones');
  mkdirSync(dir, { recursive: true });
  const dataDir = join(dir, 'var');
  const ttyPath = join(dir, 'tty-a');
  const tcpPort = await freePort();
  const cfg = join(dir, 'config.json');
  writeFileSync(cfg, JSON.stringify({
    dataDir,
    phones: [
      { name: 'cable', serial: ttyPath, profile: 'sonyericsson', onAppear: true, poll: 0.5, backup: 'kiosk', stores: ['contacts'] },
      { name: 'wifi', obexTcp: `127.0.0.1:${tcpPort}`, onAppear: true, poll: 1, stores: ['contacts'] },
    ],
  }));
  const d = await BridgeDaemon.start(ROOT, ['--config', cfg, '--obex-tcp', `127.0.0.1:${await freePort()}`, '--http', `127.0.0.1:${await freePort()}`, '--log-level', 'info']);
  cleanups.push(() => d.stop());
  assert.match(d.out, /host-initiated sync: cable when it appears/);
  assert.match(d.out, /host-initiated sync: wifi when it appears/);
  // the TCP phone is not there yet: the daemon says so once and keeps trying
  await waitForLog(d, /wifi: not in reach/, 'tcp phone absent');

  // plug the cable in: vphone answers on one end of a pty pair, and the other end appears at the
  // configured path (a symlink made once vphone listens, as a device node appears whole)
  const cableData = join(dir, 'cable-data');
  mkdirSync(cableData);
  await genVcards(copy, cableData, 60, 31);
  const ptyDir = join(dir, 'pty');
  mkdirSync(ptyDir);
  const pty = await PtyPair.start(ptyDir);
  cleanups.push(() => pty.stop());
  const cable = await PhoneServer.start({ vphonePy: join(copy.peers, 'vphone/vphone.py'), peers: copy.peers, dir, name: 'cable', phoneData: cableData, link: { serial: pty.b }, deviceId: 'sb-cable-phone' }, await freePort());
  cleanups.push(() => cable.stop());
  symlinkSync(pty.a, ttyPath);
  const ok1 = await waitForLog(d, /^cable: sync ok/, 'cable sync');
  assert.match(String(ok1.msg), /contacts \(.*\) slow: phone -> bridge \+60 ~0 -0/);
  assert.ok(cable.logText().includes('AT*EOBEX'));
  assert.deepEqual(await storedFns(dataDir), fnSet(cableData));
  const backups = join(dataDir, 'backups', 'sb-cable-phone');
  assert.ok(existsSync(backups) && readdirSync(backups).some((b) => b.endsWith('-kiosk')), 'a backup was written');

  // the TCP phone comes into reach
  const wifiData = join(dir, 'wifi-data');
  mkdirSync(wifiData);
  await genVcards(copy, wifiData, 40, 32);
  const wifi = await PhoneServer.start({ vphonePy: join(copy.peers, 'vphone/vphone.py'), peers: copy.peers, dir, name: 'wifi', phoneData: wifiData, link: 'tcp', deviceId: 'sb-wifi-phone', extra: ['--listen', `127.0.0.1:${tcpPort}`] }, await freePort());
  cleanups.push(() => wifi.stop());
  const ok2 = await waitForLog(d, /^wifi: sync ok/, 'tcp sync');
  // a slow sync both ways: the phone's 40 come in, the cable phone's 60 go out to it
  assert.match(String(ok2.msg), /contacts \(.*\) slow: phone -> bridge \+40 ~0 -0, bridge -> phone \+60 ~0 -0/);
  await wifi.waitRuns(1);
  const stored = await storedFns(dataDir);
  assert.equal(stored.length, 100);
  assert.deepEqual(stored, fnSet(wifiData));
  assert.equal(await d.stop(), 0);
});
