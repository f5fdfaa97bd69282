// Phone-initiated sync (Mode A) with the bridge's own engine: SyncEvolution's client behind the
// virtual phone (../shared/peers/vphone), over OBEX/TCP and over a socat pseudo-terminal, into
// the bridge's store (user `local`: OBEX links need no authentication). A slow sync of generated
// contacts, then a two-way sync after changes on both sides; and links dropped at message
// boundaries: the phone resends, nothing is duplicated, the anchors stay consistent.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runBin, ROOT } from '../helpers/cli.js';
import { copyPeers, fnSet, freePort, genVcards, itemCount, normalisedFn, requireSyncEvolution, runClient, type ClientRun, type PeersCopy } from '../helpers/syncevo.js';
import { BridgeDaemon, PtyPair, Vphone } from '../helpers/vphone.js';

const COUNT = 1000;
let copy: PeersCopy;
const cleanups: Array<() => Promise<unknown>> = [];

before(() => {
  requireSyncEvolution();
  copy = copyPeers();
});

after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  if (copy !== undefined) rmSync(copy.dir, { recursive: true, force: true });
});

interface Setup {
  readonly dataDir: string;
  readonly phoneData: string;
  readonly daemon: BridgeDaemon;
  readonly sync: (mode: string, env?: NodeJS.ProcessEnv) => Promise<ClientRun>;
  readonly storeFns: () => string[];
}

async function setup(name: string, o: { pty?: boolean; wbxml?: boolean; phoneArgs?: string[] } = {}): Promise<Setup> {
  const dir = join(copy.dir, name);
  mkdirSync(dir, { recursive: true });
  const dataDir = join(dir, 'var');
  const obexPort = await freePort();
  let pty: PtyPair | undefined;
  if (o.pty === true) {
    pty = await PtyPair.start(dir);
    cleanups.push(() => pty!.stop());
  }
  const daemon = await BridgeDaemon.start(ROOT, ['--data-dir', dataDir, '--obex-tcp', `127.0.0.1:${obexPort}`, '--http', `127.0.0.1:${await freePort()}`,
    ...(pty === undefined ? [] : ['--serial', pty.a]), '--log-level', 'info']);
  cleanups.push(() => daemon.stop());
  const phone = await Vphone.start({ obexTcp: pty === undefined ? `127.0.0.1:${obexPort}` : `serial:${pty.b}`, dir, name: 'vphone', vphonePy: join(copy.peers, 'vphone/vphone.py'), extra: o.phoneArgs ?? [] });
  cleanups.push(() => phone.stop());
  const phoneData = join(dir, 'phone-data');
  mkdirSync(phoneData);
  const sync = (mode: string, env: NodeJS.ProcessEnv = {}): Promise<ClientRun> =>
    runClient(copy, { url: phone.url, dataDir: phoneData, mode, wbxml: o.wbxml ?? true, deviceId: `vp-${name}`, home: join(dir, 'client-state'), env });
  const storeFns = (): string[] => {
    const r = runBin(['export', '--user', 'local', '--store', 'contacts', '--format', 'json', '--data-dir', dataDir]);
    assert.equal(r.status, 0, r.stderr);
    return (JSON.parse(r.stdout.toString()) as Array<{ text: string }>).map((i) => normalisedFn(i.text) ?? '<no FN>').sort();
  };
  return { dataDir, phoneData, daemon, sync, storeFns };
}

const card = (fn: string, tel: string): string => `BEGIN:VCARD\r\nVERSION:3.0\r\nN:${fn.split(' ').reverse().join(';')};;;\r\nFN:${fn}\r\nTEL;TYPE=CELL:${tel}\r\nEND:VCARD\r\n`;

async function slowThenTwoWay(s: Setup): Promise<void> {
  await genVcards(copy, s.phoneData, COUNT, 11);
  const slow = await s.sync('slow');
  assert.ok(slow.ok, `${slow.line}\n${s.daemon.err.slice(-4000)}`);
  assert.deepEqual(slow.remote.slice(0, 3), [COUNT, 0, 0], slow.line);
  assert.deepEqual(s.storeFns(), fnSet(s.phoneData));
  // Phone: edit one, delete one, add two. Bridge: two new contacts through import.
  const files = readdirSync(s.phoneData).sort();
  writeFileSync(join(s.phoneData, files[0]!), card('Phone Edited', '+49 30 1'));
  unlinkSync(join(s.phoneData, files[1]!));
  writeFileSync(join(s.phoneData, 'new-1.vcf'), card('Phone New', '+49 30 2'));
  writeFileSync(join(s.phoneData, 'new-2.vcf'), card('Phone Newer', '+49 30 3'));
  const imp = join(s.dataDir, '..', 'import.vcf');
  writeFileSync(imp, card('Bridge One', '+49 40 1') + card('Bridge Two', '+49 40 2'));
  const ir = runBin(['import', '--user', 'local', '--store', 'contacts', imp, '--data-dir', s.dataDir]);
  assert.equal(ir.status, 0, ir.stderr);
  const two = await s.sync('two-way');
  assert.ok(two.ok, `${two.line}\n${s.daemon.err.slice(-4000)}`);
  assert.deepEqual(two.local.slice(0, 3), [2, 0, 0], two.line);
  assert.deepEqual(two.remote.slice(0, 3), [2, 1, 1], two.line);
  assert.equal(itemCount(s.phoneData), COUNT - 1 + 2 + 2);
  const fns = s.storeFns();
  assert.deepEqual(fns, fnSet(s.phoneData));
  for (const fn of ['Phone Edited', 'Phone New', 'Bridge One', 'Bridge Two']) assert.ok(fns.includes(fn), fn);
  // A device summary line per session, and `devices` knows the phone and its anchors.
  const dev = runBin(['devices', '--json', '--data-dir', s.dataDir]);
  assert.equal(dev.status, 0, dev.stderr);
  assert.match(dev.stdout.toString(), /vp-/);
}

describe('vphone (SyncEvolution over OBEX) against the bridge engine', { timeout: 600_000 }, () => {
  test('OBEX over TCP, WBXML: slow sync then two-way with changes on both sides', async () => {
    await slowThenTwoWay(await setup('tcp'));
  });

  test('OBEX over a pseudo-terminal (serial cable), XML: slow sync then two-way', async () => {
    await slowThenTwoWay(await setup('pty', { pty: true, wbxml: false }));
  });

  // Every message boundary of a slow sync that needs all three client packages (init, the data,
  // the Map for two bridge contacts), and every point of the OBEX exchange on the data package.
  const drops: Array<[number, string]> = [[1, 'after-put'], [2, 'after-put'], [2, 'mid-put'], [2, 'mid-get'], [3, 'after-put'], [3, 'mid-get']];
  for (const [msg, point] of drops) {
    test(`link dropped ${point} at message ${msg}: nothing is lost or duplicated, and the next sync is a clean two-way`, async () => {
      const s = await setup(`drop-${msg}-${point}`, { phoneArgs: ['--max-packet', '512', '--drop-after-messages', String(msg), '--drop-point', point] });
      await genVcards(copy, s.phoneData, 30, 5);
      const imp = join(s.dataDir, '..', 'import.vcf');
      writeFileSync(imp, card('Bridge One', '+49 40 1') + card('Bridge Two', '+49 40 2'));
      assert.equal(runBin(['import', '--user', 'local', '--store', 'contacts', imp, '--data-dir', s.dataDir]).status, 0);
      let r = await s.sync('slow');
      if (msg === 1) {
        // SyncEvolution never resends the first message of a session: that sync fails, and the
        // store holds exactly what it held before.
        assert.ok(!r.ok, r.line);
        assert.deepEqual(s.storeFns(), ['Bridge One', 'Bridge Two']);
        r = await s.sync('slow');
      }
      assert.ok(r.ok, `${r.line}\n${s.daemon.err.slice(-4000)}`);
      assert.equal(itemCount(s.phoneData), 32);
      assert.deepEqual(s.storeFns(), fnSet(s.phoneData));
      writeFileSync(join(s.phoneData, 'after-drop.vcf'), card('After Drop', '+49 50 1'));
      const two = await s.sync('two-way');
      assert.ok(two.ok, two.line);
      assert.deepEqual(two.remote.slice(0, 3), [1, 0, 0], `a two-way sync, no slow-sync fallback: ${two.line}`);
      assert.deepEqual(s.storeFns(), fnSet(s.phoneData));
    });
  }
});
