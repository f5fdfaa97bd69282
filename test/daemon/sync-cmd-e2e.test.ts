// `syncml-bridge sync` (host-initiated, "PC Suite" mode) end to end against the virtual phone in
// phone-server mode (../shared/peers/vphone), SyncEvolution's client behind it holding 200
// contacts: over OBEX/TCP, and over a socat pseudo-terminal where vphone answers AT*EOBEX (the
// Sony Ericsson profile) and AT+CPROT=0 (the generic profile, chosen from the phone's AT answers).
// Each: a slow sync into the store, then a two-way sync after changes on the phone (and one in the
// store); the exported contents match the phone's. Then the failures a user meets: the phone
// answers ERROR, stays silent, drops the link after CONNECT, refuses the SAN, shows a dialog, or
// does not know the server identifier; each gives one clear line, exit 1, and the store unchanged.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from '../helpers/cli.js';
import { copyPeers, fnSet, freePort, genVcards, itemCount, normalisedFn, requireSyncEvolution, run, type PeersCopy } from '../helpers/syncevo.js';
import { PhoneServer, PtyPair } from '../helpers/vphone.js';
import { OBEX_RESPONSE, ObexServer, encodePacket, type ObexServerAction } from '../../src/obex/index.js';

const COUNT = 200;
const MAIN = join(ROOT, 'src/daemon/main.ts');
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

/** The CLI from source (tsx), as a user runs it. */
function bridge(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', MAIN, ...args], env, 300_000);
}

async function exportFns(dataDir: string): Promise<string[]> {
  const r = await bridge(['export', '--user', 'local', '--store', 'contacts', '--format', 'json', '--data-dir', dataDir]);
  assert.equal(r.code, 0, r.stderr);
  const items = JSON.parse(r.stdout) as Array<{ text: string }>;
  return items.map((i) => normalisedFn(i.text) ?? '').sort();
}

/** What a failed sync must leave as it was: the items and the device records (anchors, maps). */
async function snapshot(dataDir: string): Promise<string> {
  const items = await bridge(['export', '--user', 'local', '--store', 'contacts', '--format', 'json', '--data-dir', dataDir]);
  const devices = await bridge(['devices', '--json', '--data-dir', dataDir]);
  return `${items.stdout}\n${devices.stdout}`;
}

const card = (fn: string): string => `BEGIN:VCARD\r\nVERSION:3.0\r\nN:${fn.split(' ').reverse().join(';')};;;\r\nFN:${fn}\r\nEND:VCARD\r\n`;

interface Scenario {
  readonly name: string;
  readonly link: 'tcp' | 'pty';
  /** `--profile`, or none: chosen from the phone's AT answers (serial) or the fallback (TCP). */
  readonly profile?: string;
  /** The AT switch the phone must have been sent. */
  readonly switchCommand?: string;
  readonly phoneEnv?: readonly string[];
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'OBEX/TCP, fallback profile', link: 'tcp' },
  { name: 'socat pty, Sony Ericsson profile (AT*EOBEX)', link: 'pty', profile: 'sonyericsson', switchCommand: 'AT*EOBEX', phoneEnv: ['SYNCEVO_URI=Contact'] },
  { name: 'socat pty, no --profile: generic from the AT answers (AT+CPROT=0)', link: 'pty', switchCommand: 'AT+CPROT=0' },
];

for (const sc of SCENARIOS) {
  test(`sync over ${sc.name}: ${COUNT} contacts slow-sync into the store, then two-way after changes on both sides`, { timeout: 400_000 }, async () => {
    const dir = join(copy.dir, `ok-${SCENARIOS.indexOf(sc)}`);
    mkdirSync(dir, { recursive: true });
    const phoneData = join(dir, 'phone-data');
    const dataDir = join(dir, 'var');
    mkdirSync(phoneData);
    await genVcards(copy, phoneData, COUNT, 11 + SCENARIOS.indexOf(sc));
    let pty: PtyPair | undefined;
    if (sc.link === 'pty') {
      pty = await PtyPair.start(dir);
      cleanups.push(() => pty!.stop());
    }
    const phone = await PhoneServer.start({
      vphonePy: join(copy.peers, 'vphone/vphone.py'), peers: copy.peers, dir, name: 'phone', phoneData,
      link: pty === undefined ? 'tcp' : { serial: pty.b }, deviceId: `sb-sync-phone-${SCENARIOS.indexOf(sc)}`, env: sc.phoneEnv ?? [],
    }, await freePort());
    cleanups.push(() => phone.stop());
    const linkArgs = pty === undefined ? ['--obex-tcp', `127.0.0.1:${phone.port}`] : ['--serial', pty.a];
    const args = [...linkArgs, ...(sc.profile === undefined ? [] : ['--profile', sc.profile]), '--data-dir', dataDir];

    const first = await bridge(['sync', ...args]);
    assert.equal(first.code, 0, `${first.stdout}${first.stderr}\n${phone.logText().slice(-3000)}`);
    assert.match(first.stdout, new RegExp(`^contacts \\(.*\\) slow: phone -> bridge \\+${COUNT} ~0 -0, bridge -> phone \\+0 ~0 -0$`, 'm'), first.stdout);
    const runs1 = await phone.waitRuns(1);
    assert.match(runs1[0] ?? '', /^syncevo-client: OK .*remote=200\/0\/0\/0/, runs1.join('\n'));
    assert.deepEqual(await exportFns(dataDir), fnSet(phoneData), 'the store holds the phone\'s contacts');
    if (sc.switchCommand !== undefined) assert.ok(phone.logText().includes(sc.switchCommand), `vphone saw no ${sc.switchCommand}`);

    // changes on the phone (SyncEvolution's file backend tracks changes by mtime: let a second pass)
    await sleep(1200);
    const files = readdirSync(phoneData).filter((f) => !f.startsWith('.')).sort();
    writeFileSync(join(phoneData, 'sync-e2e-add-1'), card('Added OnPhone1'));
    writeFileSync(join(phoneData, 'sync-e2e-add-2'), card('Added OnPhone2'));
    unlinkSync(join(phoneData, files[0]!));
    writeFileSync(join(phoneData, files[1]!), card('Edited OnPhone'));
    // and one in the store, through import
    const imp = join(dir, 'import.vcf');
    writeFileSync(imp, card('Added InStore'));
    const ir = await bridge(['import', '--user', 'local', '--store', 'contacts', imp, '--data-dir', dataDir]);
    assert.equal(ir.code, 0, ir.stderr);

    const second = await bridge(['sync', ...args]);
    assert.equal(second.code, 0, `${second.stdout}${second.stderr}\n${phone.logText().slice(-3000)}`);
    assert.match(second.stdout, /^contacts \(.*\) two-way: phone -> bridge \+2 ~1 -1, bridge -> phone \+1 ~0 -0$/m, second.stdout);
    const runs2 = await phone.waitRuns(2);
    assert.match(runs2[1] ?? '', /^syncevo-client: OK .*mode=two-way.*local=1\/0\/0\/0 remote=2\/1\/1\/0/, runs2.join('\n'));
    const stored = await exportFns(dataDir);
    assert.equal(stored.length, COUNT + 2);
    assert.equal(itemCount(phoneData), COUNT + 2);
    assert.deepEqual(stored, fnSet(phoneData), 'store and phone hold the same contacts');
    for (const fn of ['Added OnPhone1', 'Added OnPhone2', 'Edited OnPhone', 'Added InStore']) assert.ok(stored.includes(fn), fn);
    assert.equal(phone.logText().split('\n').filter((l) => l.includes('VIOLATION')).length, 0, 'vphone saw no protocol violation');
  });
}

/** A scripted phone on TCP: answers CONNECT like a phone, then does what `after` says. */
async function scriptedPhone(behaviour: 'drop-after-connect' | 'refuse-san' | 'dialog-then-no-session'): Promise<{ port: number; puts: () => number; close: () => Promise<void> }> {
  let puts = 0;
  const server: Server = createServer((sock: Socket) => {
    const obex = new ObexServer();
    let forbidden = 0;
    sock.on('error', () => undefined);
    sock.on('data', (b: Buffer) => {
      const acts: ObexServerAction[] = [];
      // answer PUTs ourselves where the script says so; everything else by the OBEX machine
      const op = b[0]! & 0x7f;
      if (op === 0x02 && behaviour !== 'drop-after-connect') {
        puts++;
        if (behaviour === 'refuse-san') { sock.write(encodePacket({ code: OBEX_RESPONSE.NOT_ACCEPTABLE, headers: [] })); return; }
        if (forbidden++ < 2) { sock.write(encodePacket({ code: OBEX_RESPONSE.FORBIDDEN, headers: [] })); return; }
      }
      acts.push(...obex.feed(new Uint8Array(b), Date.now()));
      for (const a of acts) {
        if (a.kind === 'send') sock.write(a.bytes);
        if (a.kind === 'connected' && behaviour === 'drop-after-connect') {
          sock.destroy();
          return;
        }
        // a phone whose SyncML client never starts: every GET is Service Unavailable
        if (a.kind === 'waiting-for-reply') for (const r of obex.replyError(OBEX_RESPONSE.SERVICE_UNAVAILABLE, Date.now())) if (r.kind === 'send') sock.write(r.bytes);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return { port, puts: () => puts, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('sync failures: one clear line, exit 1, the store unchanged', () => {
  let dataDir: string;
  let dir: string;
  let baseline: string;

  before(async () => {
    dir = join(copy.dir, 'failures');
    dataDir = join(dir, 'var');
    mkdirSync(dir, { recursive: true });
    const imp = join(dir, 'seed.vcf');
    writeFileSync(imp, card('Seed One') + card('Seed Two'));
    const r = await bridge(['import', '--user', 'local', '--store', 'contacts', imp, '--data-dir', dataDir]);
    assert.equal(r.code, 0, r.stderr);
    baseline = await snapshot(dataDir);
  });

  const failing = async (args: readonly string[], pattern: RegExp): Promise<void> => {
    const r = await bridge(['sync', ...args, '--data-dir', dataDir]);
    assert.equal(r.code, 1, `${r.stdout}${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^syncml-bridge sync: /);
    assert.match(lines[0]!, pattern);
    assert.equal(r.stdout, '', 'no summary for a session that never ran');
    assert.equal(await snapshot(dataDir), baseline, 'the store is unchanged');
  };

  test('the phone answers ERROR to the profile\'s AT switch (Motorola AT+MODE=22 to a phone that only knows AT+CPROT=0)', { timeout: 120_000 }, async () => {
    const pty = await PtyPair.start(dir);
    const phone = await PhoneServer.start({ vphonePy: join(copy.peers, 'vphone/vphone.py'), peers: copy.peers, dir, name: 'err-phone', phoneData: join(dir, 'err-data'), link: { serial: pty.b }, deviceId: 'sb-err' }, await freePort());
    try {
      await failing(['--serial', pty.a, '--profile', 'motorola'], /answered "ERROR" to AT\+MODE=22/);
    } finally {
      await phone.stop();
      await pty.stop();
    }
  });

  test('the phone stays silent on its AT port', { timeout: 120_000 }, async () => {
    const pty = await PtyPair.start(dir);
    try {
      await failing(['--serial', pty.a], /no answer|silent|did not answer/i);
    } finally {
      await pty.stop();
    }
  });

  test('the phone drops the link right after OBEX CONNECT', { timeout: 120_000 }, async () => {
    const p = await scriptedPhone('drop-after-connect');
    try {
      await failing(['--obex-tcp', `127.0.0.1:${p.port}`], /dropped the link after OBEX CONNECT/);
    } finally {
      await p.close();
    }
  });

  test('the phone refuses the SAN in both forms (1.2, then 1.1)', { timeout: 120_000 }, async () => {
    const p = await scriptedPhone('refuse-san');
    try {
      await failing(['--obex-tcp', `127.0.0.1:${p.port}`], /refused the sync request \(SAN 1\.2, then 1\.1\) with 0xC6 NOT_ACCEPTABLE.*try another --profile/);
      assert.equal(p.puts(), 2, 'the 1.2 SAN, then the 1.1 SAN');
    } finally {
      await p.close();
    }
  });

  test('a dialog on the phone (0xC3) is waited out, then a phone that never starts its session: wrong identifier', { timeout: 120_000 }, async () => {
    const p = await scriptedPhone('dialog-then-no-session');
    try {
      // the Nokia profile asks again after a 0xC3 (its dialogRetry); the fallback profile would not
      await failing(['--obex-tcp', `127.0.0.1:${p.port}`, '--profile', 'nokia', '--store', 'contacts', '--log-level', 'error'], /took the sync request but did not start its SyncML session.*0xD3.*server identifier 'PC Suite'/);
      assert.equal(p.puts(), 3, 'the SAN three times: two 0xC3, then taken');
    } finally {
      await p.close();
    }
  });

  test('the real phone knows another server identifier: SyncEvolution is never started, the message says so', { timeout: 120_000 }, async () => {
    // the phone only starts its SyncML client for a SAN from the server it knows ("Nokia PC Suite")
    const wrapper = join(dir, 'only-known-server.sh');
    writeFileSync(wrapper, '#!/bin/sh\n[ "$1" = "Nokia PC Suite" ] || { echo "SAN from unknown server $1 ignored" >&2; exit 1; }\nshift\nexec "$@"\n');
    chmodSync(wrapper, 0o755);
    const phone = await PhoneServer.start({
      vphonePy: join(copy.peers, 'vphone/vphone.py'), peers: copy.peers, dir, name: 'id-phone', phoneData: join(dir, 'id-data'), link: 'tcp', deviceId: 'sb-id',
      wrapper, extra: ['--get-wait', '5'],
    }, await freePort());
    try {
      await failing(['--obex-tcp', `127.0.0.1:${phone.port}`, '--store', 'contacts'], /did not start its SyncML session.*server identifier 'PC Suite'/);
      assert.match(readFileSync(phone.syncLog, 'utf8'), /unknown server PC Suite ignored/);
    } finally {
      await phone.stop();
    }
  });

  test('bad options exit 2 naming the value, before the phone is touched', async () => {
    for (const [args, pattern] of [
      [['--obex-tcp', '127.0.0.1:1', '--serial', '/dev/null'], /exactly one of/],
      [['--obex-tcp', '127.0.0.1:1', '--profile', 'nokia/9999'], /unknown profile 'nokia\/9999'/],
      [['--obex-tcp', '127.0.0.1:1', '--store', 'fax'], /unknown datastore 'fax'/],
      [['--obex-tcp', '127.0.0.1:1', '--user', 'nobody'], /no user 'nobody'/],
      [['--bluetooth', '00:11:22'], /not a Bluetooth address/],
    ] as const) {
      const r = await bridge(['sync', ...args, '--data-dir', dataDir]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, pattern);
    }
    assert.equal(await snapshot(dataDir), baseline);
  });

  test('nobody listening on the OBEX/TCP port: exit 1 with the connection error', async () => {
    await failing(['--obex-tcp', `127.0.0.1:${await freePort()}`], /cannot connect to 127\.0\.0\.1:\d+.*ECONNREFUSED/);
  });
});
