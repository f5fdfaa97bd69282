// End to end with real third-party peers: SyncEvolution's SyncML client → vphone (phone-client:
// HTTP in, OBEX over TCP out) → our daemon (`serve --relay passthrough`) → syncevo-http-server.
// Each scenario has its own server stack, daemon and phone, all on free ports in a temp dir,
// stopped by pid in `after` hooks even when a check fails.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import {
  copyPeers, fnSet, freePort, genVcards, itemCount, normalisedFn, requireSyncEvolution, runClient, SyncEvoServer,
  type ClientRun, type PeersCopy,
} from '../helpers/syncevo.js';
import { BridgeDaemon, PtyPair, Vphone } from '../helpers/vphone.js';

const COUNT = 500;
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

/** One scenario's chain: server stack, daemon, phone. */
interface Chain {
  readonly dir: string;
  readonly server: SyncEvoServer;
  readonly daemon: BridgeDaemon;
  readonly phone: Vphone;
  readonly deviceId: string;
  readonly phoneData: string;
  readonly serverData: string;
  readonly sync: (mode: string, env?: NodeJS.ProcessEnv) => Promise<ClientRun>;
}

async function chain(name: string, o: { wbxml: boolean; bridgeArgs?: string[]; phoneArgs?: string[]; startServer?: boolean; pty?: boolean; upstreamUrl?: (server: SyncEvoServer) => Promise<string> }): Promise<Chain> {
  const dir = join(copy.dir, name);
  mkdirSync(dir, { recursive: true });
  const deviceId = `sb-${name}`;
  const serverData = join(dir, 'server-data');
  const server = new SyncEvoServer(copy, await freePort(), serverData, [deviceId]);
  cleanups.push(() => server.stop());
  if (o.startServer !== false) await server.start();
  const obexPort = await freePort();
  let pty: PtyPair | undefined;
  if (o.pty === true) {
    pty = await PtyPair.start(dir);
    cleanups.push(() => pty!.stop());
  }
  const daemon = await BridgeDaemon.start(ROOT, [
    '--data-dir', join(dir, 'var'), '--obex-tcp', `127.0.0.1:${obexPort}`, ...(pty === undefined ? [] : ['--serial', pty.a]), '--relay', 'passthrough',
    '--upstream', o.upstreamUrl === undefined ? server.url : await o.upstreamUrl(server),
    '--log-level', 'info', ...(o.bridgeArgs ?? []),
  ]);
  cleanups.push(() => daemon.stop());
  const phone = await Vphone.start({ obexTcp: pty === undefined ? `127.0.0.1:${obexPort}` : `serial:${pty.b}`, dir, name: 'vphone', vphonePy: join(copy.peers, 'vphone/vphone.py'), extra: o.phoneArgs ?? [] });
  cleanups.push(() => phone.stop());
  const phoneData = join(dir, 'phone-data');
  mkdirSync(phoneData);
  const sync = (mode: string, env: NodeJS.ProcessEnv = {}): Promise<ClientRun> =>
    runClient(copy, { url: phone.url, dataDir: phoneData, mode, wbxml: o.wbxml, deviceId, home: join(dir, 'client-state'), env });
  return { dir, server, daemon, phone, deviceId, phoneData, serverData, sync };
}

const card = (fn: string, tel: string): string =>
  `BEGIN:VCARD\r\nVERSION:3.0\r\nN:${fn.split(' ').reverse().join(';')};;;\r\nFN:${fn}\r\nTEL;TYPE=CELL:${tel}\r\nEND:VCARD\r\n`;

function sortedFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => !f.startsWith('.')).sort();
}

/** Outcome lines the daemon logged. */
function outcomes(d: BridgeDaemon): Record<string, unknown>[] {
  return d.logs().filter((l) => typeof l.outcome === 'object').map((l) => l.outcome as Record<string, unknown>);
}

/** Slow sync of COUNT contacts, then changes on both sides and a two-way sync; every item on both sides. */
async function slowThenTwoWay(c: Chain, upstreamType: string): Promise<void> {
  await genVcards(copy, c.phoneData, COUNT, 7);
  const slow = await c.sync('slow');
  assert.ok(slow.ok, slow.line);
  assert.deepEqual(slow.remote, [COUNT, 0, 0, 0], slow.line);
  assert.equal(itemCount(c.serverData), COUNT, 'every contact arrived upstream exactly once');
  assert.deepEqual(fnSet(c.serverData), fnSet(c.phoneData), 'the same contacts on both sides after the slow sync');

  // Phone side: change 2, add 3, delete 1. Server side: change 1, add 2, delete 1.
  const pf = sortedFiles(c.phoneData);
  writeFileSync(join(c.phoneData, pf[0]!), card('Phone Edit-One', '+49 30 1000001'));
  writeFileSync(join(c.phoneData, pf[1]!), card('Phone Edit-Two', '+49 30 1000002'));
  unlinkSync(join(c.phoneData, pf[2]!));
  for (let i = 1; i <= 3; i++) writeFileSync(join(c.phoneData, `phone-new-${i}.vcf`), card(`Phone New-${i}`, `+49 30 200000${i}`));
  const sf = sortedFiles(c.serverData);
  const phoneDeleted = normalisedFn(readFileSync(join(c.phoneData, pf[3]!), 'utf8'));
  // Pick server files whose contacts the phone did not touch (match by FN).
  const untouched = new Set(fnSet(c.phoneData));
  const serverPick = sf.filter((f) => untouched.has(normalisedFn(readFileSync(join(c.serverData, f), 'utf8')) ?? '') && normalisedFn(readFileSync(join(c.serverData, f), 'utf8')) !== phoneDeleted);
  writeFileSync(join(c.serverData, serverPick[0]!), card('Server Edit-One', '+49 40 1000001'));
  unlinkSync(join(c.serverData, serverPick[1]!));
  for (let i = 1; i <= 2; i++) writeFileSync(join(c.serverData, `9000${i}`), card(`Server New-${i}`, `+49 40 200000${i}`));

  const two = await c.sync('two-way');
  assert.ok(two.ok, two.line);
  const expected = COUNT + 3 - 1 + 2 - 1;
  assert.equal(itemCount(c.phoneData), expected, two.line);
  assert.equal(itemCount(c.serverData), expected, two.line);
  const phoneSet = fnSet(c.phoneData);
  assert.deepEqual(fnSet(c.serverData), phoneSet, 'the same contacts on both sides after the two-way sync');
  for (const fn of ['Phone Edit-One', 'Phone Edit-Two', 'Phone New-1', 'Phone New-2', 'Phone New-3', 'Server Edit-One', 'Server New-1', 'Server New-2']) {
    assert.ok(phoneSet.includes(fn), `${fn} on both sides`);
  }
  // (The generated names repeat, so "nothing duplicated" is the exact item count on both sides above.)

  const logs = c.daemon.logs();
  const posts = logs.filter((l) => l.msg === 'POST upstream');
  assert.ok(posts.length >= 6, 'every phone message was POSTed upstream');
  for (const p of posts) assert.equal(p.contentType, upstreamType);
  const done = outcomes(c.daemon);
  assert.equal(done.length, 2, JSON.stringify(done));
  for (const o of done) {
    assert.equal(o.result, 'ok');
    assert.equal(o.device, c.deviceId);
    assert.equal(o.mode, 'passthrough');
  }
  assert.ok((done[0]!.items as number) >= COUNT, 'the slow sync outcome counts the contacts');
  assert.deepEqual(c.phone.violations(), [], 'vphone saw no OBEX protocol violation');
}

describe('pass-through relay with real SyncEvolution over OBEX/TCP', { timeout: 900_000 }, () => {
  test(`WBXML phone: slow sync of ${COUNT} contacts, then two-way with changes on both sides`, async () => {
    const c = await chain('wbxml', { wbxml: true });
    await slowThenTwoWay(c, 'application/vnd.syncml+wbxml');
    assert.equal(await c.daemon.stop(), 0, 'SIGTERM ends the daemon with status 0');
  });

  test(`XML phone, WBXML upstream (--upstream-encoding wbxml): slow sync of ${COUNT}, then two-way`, async () => {
    const c = await chain('xml-to-wbxml', { wbxml: false, bridgeArgs: ['--upstream-encoding', 'wbxml'] });
    await slowThenTwoWay(c, 'application/vnd.syncml+wbxml');
    const first = c.daemon.logs().find((l) => l.msg === 'SyncML message from the phone');
    assert.match(String(first?.type), /application\/vnd\.syncml\+xml/, 'the phone really sent XML');
  });

  test(`over a socat pty pair (phone-initiated serial link): slow sync of ${COUNT}, then two-way`, async () => {
    const c = await chain('pty', { wbxml: true, pty: true });
    await slowThenTwoWay(c, 'application/vnd.syncml+wbxml');
    assert.ok(c.daemon.logs().some((l) => typeof l.link === 'string' && l.link.startsWith('serial:')), 'the sessions ran over the serial link');
    assert.equal(await c.daemon.stop(), 0);
  });
});

/**
 * A TCP proxy in front of the upstream that resets the connections whose number (1-based) `drop`
 * selects, before reading any byte: the upstream never sees those requests.
 */
async function flakyProxy(targetPort: number, drop: (n: number) => boolean): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let n = 0;
  const sockets = new Set<Socket>();
  const srv = createServer((s) => {
    n++;
    if (drop(n)) {
      s.resetAndDestroy();
      return;
    }
    const up = createConnection({ host: '127.0.0.1', port: targetPort });
    sockets.add(s);
    sockets.add(up);
    s.pipe(up).pipe(s);
    const end = (): void => { s.destroy(); up.destroy(); sockets.delete(s); sockets.delete(up); };
    s.on('error', end).on('close', end);
    up.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return {
    port: (srv.address() as AddressInfo).port,
    connections: () => n,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); srv.close(() => r()); }),
  };
}

const FAULT_COUNT = 60;
/** SyncEvolution resends a failed POST after RetryInterval; keep the fault tests short. */
const QUICK_RETRY = { SYNCEVO_RETRY_INTERVAL: '2', SYNCEVO_RETRY_DURATION: '30' };

describe('pass-through relay faults', { timeout: 900_000 }, () => {
  test('upstream down at the start: the phone gets an OBEX error, the bridge stays up, the next sync works', async () => {
    const c = await chain('upstream-down', { wbxml: true, startServer: false });
    await genVcards(copy, c.phoneData, FAULT_COUNT, 11);
    const failed = await c.sync('slow', { SYNCEVO_RETRY_INTERVAL: '10', SYNCEVO_RETRY_DURATION: '12' });
    assert.equal(failed.ok, false, failed.line);
    assert.ok(c.daemon.alive, 'the bridge is still up');
    const logs = c.daemon.logs();
    assert.ok(logs.some((l) => String(l.msg).startsWith('upstream POST failed before any reply byte, resending')), 'the resends are logged');
    const why = logs.find((l) => String(l.msg).startsWith('no reply for the phone'));
    assert.ok(why !== undefined, `the bridge logs why the phone got no reply:\n${c.daemon.err}`);
    assert.equal(why.code, 'SB_ERR_UPSTREAM_UNREACHABLE');
    assert.equal(why.obexResponse, '0xd3');
    assert.ok(outcomes(c.daemon).some((o) => o.result === 'upstream-unreachable'), JSON.stringify(outcomes(c.daemon)));
    assert.match(readFileSync(c.phone.log, 'utf8'), /0xd3|Service Unavailable|SERVICE_UNAVAILABLE/i, 'the phone saw OBEX 0xD3');

    await c.server.start();
    const ok = await c.sync('slow');
    assert.ok(ok.ok, ok.line);
    assert.deepEqual(ok.remote, [FAULT_COUNT, 0, 0, 0], ok.line);
    assert.equal(itemCount(c.serverData), FAULT_COUNT);
    assert.deepEqual(fnSet(c.serverData), fnSet(c.phoneData));
  });

  for (const point of ['after-put', 'mid-put', 'mid-get'] as const) {
    test(`link dropped ${point} (message 2, multi-packet): the phone resends, the sync completes, nothing duplicated upstream`, async () => {
      const c = await chain(`drop-${point}`, {
        wbxml: true, phoneArgs: ['--max-packet', '512', '--drop-after-messages', '2', '--drop-point', point],
      });
      await genVcards(copy, c.phoneData, FAULT_COUNT, 13);
      const r = await c.sync('slow', QUICK_RETRY);
      assert.ok(r.ok, r.line);
      assert.deepEqual(r.remote, [FAULT_COUNT, 0, 0, 0], r.line);
      assert.equal(itemCount(c.serverData), FAULT_COUNT, 'every contact upstream exactly once');
      assert.deepEqual(fnSet(c.serverData), fnSet(c.phoneData));
      assert.ok(c.daemon.alive);
      const done = outcomes(c.daemon);
      assert.ok(done.length >= 2, JSON.stringify(done));
      assert.notEqual(done[0]!.result, 'ok', 'the dropped session is logged as not ok');
      assert.equal(done.at(-1)!.result, 'ok', JSON.stringify(done));
      const posts = c.daemon.logs().filter((l) => l.msg === 'POST upstream').length;
      const resent = c.daemon.logs().filter((l) => String(l.msg).startsWith('phone resent a message')).length;
      if (point === 'mid-put') assert.equal(resent, 0, 'a message cut mid-PUT never reached the bridge');
      else assert.equal(resent, 1, 'the resent message was answered from the reply already received');
      // Every phone message went upstream once: a slow sync of this size is 3 messages plus, after
      // a mid-PUT cut, nothing more (the cut message never arrived).
      assert.equal(posts, 3, `POSTs upstream:\n${c.daemon.err}`);
      assert.deepEqual(c.phone.violations(), []);
    });
  }

  test('upstream resets connections mid-session: the phone gets an OBEX error, resends, the sync completes, nothing duplicated', async () => {
    // Connection 1 (message 1) passes; connections 2-5 (message 2: the first POST and its 3 resends) are reset.
    let proxy: Awaited<ReturnType<typeof flakyProxy>> | undefined;
    const c = await chain('upstream-mid', {
      wbxml: true,
      upstreamUrl: async (server) => {
        proxy = await flakyProxy(server.port, (n) => n >= 2 && n <= 5);
        cleanups.push(() => proxy!.close());
        return `http://127.0.0.1:${proxy.port}/syncevolution`;
      },
    });
    await genVcards(copy, c.phoneData, FAULT_COUNT, 17);
    const r = await c.sync('slow', QUICK_RETRY);
    assert.ok(r.ok, r.line);
    assert.deepEqual(r.remote, [FAULT_COUNT, 0, 0, 0], r.line);
    assert.equal(itemCount(c.serverData), FAULT_COUNT, 'every contact upstream exactly once');
    assert.deepEqual(fnSet(c.serverData), fnSet(c.phoneData));
    assert.ok(c.daemon.alive);
    const logs = c.daemon.logs();
    assert.equal(logs.filter((l) => String(l.msg).startsWith('upstream POST failed before any reply byte, resending')).length, 3, 'three resends of message 2');
    const why = logs.find((l) => String(l.msg).startsWith('no reply for the phone'));
    assert.equal(why?.code, 'SB_ERR_UPSTREAM_UNREACHABLE', c.daemon.err);
    assert.ok(proxy!.connections() >= 7, 'the phone resent message 2 and the bridge POSTed it again');

    // The next sync works.
    writeFileSync(join(c.phoneData, 'after-outage.vcf'), card('After Outage', '+49 30 3000001'));
    const two = await c.sync('two-way');
    assert.ok(two.ok, two.line);
    assert.deepEqual(two.remote, [1, 0, 0, 0], two.line);
    assert.equal(itemCount(c.serverData), FAULT_COUNT + 1);
  });
});
