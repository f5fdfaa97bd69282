// `syncml-bridge sync --bluetooth ADDR` through the stand-in org.bluez (a private bus): the
// command registers the SyncML Client profile and calls Device1.ConnectProfile; the stand-in hands
// over one end of a socketpair and this test joins the phone's end to the virtual phone in
// phone-server mode (SyncEvolution behind it), so the whole host-initiated session runs over the
// Bluetooth path. Then the errors a user meets: an unknown phone and one out of reach.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from '../helpers/cli.js';
import { startFakeBluez, type FakeBluez } from '../helpers/fake-bluez.js';
import { copyPeers, fnSet, freePort, genVcards, normalisedFn, requireSyncEvolution, run, type PeersCopy } from '../helpers/syncevo.js';
import { PhoneServer } from '../helpers/vphone.js';
import { SYNCML_CLIENT_UUID } from '../../src/transport/bluetooth-profile.js';

const MAIN = join(ROOT, 'src/daemon/main.ts');
const PHONE = '00:11:22:33:44:66';
let copy: PeersCopy;
let bluez: FakeBluez;

before(async () => {
  requireSyncEvolution();
  copy = copyPeers();
  bluez = await startFakeBluez();
});

after(async () => {
  await bluez?.stop();
  if (copy !== undefined) rmSync(copy.dir, { recursive: true, force: true });
});

const bridge = (args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  run(process.execPath, ['--import', 'tsx', MAIN, ...args], { DBUS_SYSTEM_BUS_ADDRESS: bluez.busAddress }, 300_000);

/** The phone's end of the next ConnectProfile connection, once the command has made it. */
async function phoneEnd(device: string, running: () => boolean): Promise<Duplex> {
  for (let i = 0; i < 600 && running(); i++) {
    try {
      return await bluez.takePhoneEnd(device);
    } catch {
      await sleep(50);
    }
  }
  throw new Error('no ConnectProfile connection reached the stand-in BlueZ');
}

test('sync --bluetooth: ConnectProfile to the phone\'s SyncML Client service, SAN, a slow sync of 100 contacts, then two-way', { timeout: 300_000 }, async () => {
  const dir = join(copy.dir, 'bt');
  const phoneData = join(dir, 'phone-data');
  const dataDir = join(dir, 'var');
  mkdirSync(phoneData, { recursive: true });
  await genVcards(copy, phoneData, 100, 21);
  const device = await bluez.addDevice(PHONE, [SYNCML_CLIENT_UUID]);
  const phone = await PhoneServer.start({ vphonePy: join(copy.peers, 'vphone/vphone.py'), peers: copy.peers, dir, name: 'bt-phone', phoneData, link: 'tcp', deviceId: 'sb-bt-phone' }, await freePort());
  try {
    for (const [round, mode] of [[1, 'slow'], [2, 'two-way']] as const) {
      let done = false;
      const sync = bridge(['sync', '--bluetooth', PHONE.toLowerCase(), '--store', 'contacts', '--data-dir', dataDir]).finally(() => { done = true; });
      // the phone's RFCOMM end, joined to the virtual phone's OBEX server
      const end = await phoneEnd(device, () => !done);
      const tcp = connect(phone.port, '127.0.0.1');
      end.pipe(tcp).pipe(end);
      end.on('error', () => undefined);
      tcp.on('error', () => undefined);
      end.on('close', () => tcp.destroy());
      const r = await sync;
      tcp.destroy();
      assert.equal(r.code, 0, `${r.stdout}${r.stderr}\n${phone.logText().slice(-3000)}`);
      assert.match(r.stdout, new RegExp(`^contacts \\(.*\\) ${mode}: phone -> bridge \\+${round === 1 ? 100 : 0} ~0 -0, bridge -> phone \\+0 ~0 -0$`, 'm'), r.stdout);
      const runs = await phone.waitRuns(round);
      assert.match(runs[round - 1] ?? '', /^syncevo-client: OK /, runs.join('\n'));
    }
    const out = await bridge(['export', '--user', 'local', '--store', 'contacts', '--format', 'json', '--data-dir', dataDir]);
    const stored = (JSON.parse(out.stdout) as Array<{ text: string }>).map((i) => normalisedFn(i.text) ?? '').sort();
    assert.deepEqual(stored, fnSet(phoneData));
    // each run registered the client profile, connected through ConnectProfile and unregistered on exit
    const events = await bluez.events();
    const of = (kind: string): number => events.filter((e) => e.kind === kind && String(e.uuid).toLowerCase() === SYNCML_CLIENT_UUID).length;
    assert.deepEqual([of('register'), of('connect-profile'), of('unregister')], [2, 2, 2], JSON.stringify(events));
    assert.deepEqual(await bluez.registrations(), []);
  } finally {
    await phone.stop();
  }
});

test('sync --bluetooth to a phone BlueZ does not know, and to one out of reach: exit 1 with one clear line', { timeout: 120_000 }, async () => {
  const dataDir = join(copy.dir, 'bt-errors');
  const unknown = await bridge(['sync', '--bluetooth', '00:11:22:33:44:99', '--data-dir', dataDir]);
  assert.equal(unknown.code, 1, unknown.stderr);
  assert.equal(unknown.stderr.trim().split('\n').length, 1, unknown.stderr);
  assert.match(unknown.stderr, /^syncml-bridge sync: .*00:11:22:33:44:99.*pair/);
  await bluez.addDevice('00:11:22:33:44:77', [SYNCML_CLIENT_UUID], false);
  const away = await bridge(['sync', '--bluetooth', '00:11:22:33:44:77', '--data-dir', dataDir]);
  assert.equal(away.code, 1, away.stderr);
  assert.equal(away.stderr.trim().split('\n').length, 1, away.stderr);
  assert.match(away.stderr, /^syncml-bridge sync: .*(reach|range|page)/i);
});
