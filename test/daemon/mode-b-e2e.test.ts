// Mode B end to end with real peers: our side = connectTcp + ModeBDriver + PassthroughSession +
// HttpAgent (what vphone's host-driver does, with our code) → vphone phone-server (OBEX server),
// which runs SyncEvolution's SyncML client when our SAN arrives → syncevo-http-server upstream.
// Slow sync of 100 contacts, then a second SAN → two-way. Every process stopped by pid in `after`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SYNCML_CONTENT_TYPE, encodeSan } from '../../src/obex/index.js';
import { ModeBDriver, type ModeBAction } from '../../src/obex/mode-b.js';
import { HttpAgent } from '../../src/relay/http-agent.js';
import { PassthroughSession, endsSession } from '../../src/relay/passthrough.js';
import { connectTcp } from '../../src/transport/tcp.js';
import { copyPeers, fnSet, freePort, genVcards, itemCount, requireSyncEvolution, SyncEvoServer, type PeersCopy } from '../helpers/syncevo.js';

const COUNT = 100;
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

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(t);
}

/** One host-initiated session with our code; resolves with the outcome. */
async function session(obexPort: number, upstream: string, san: Uint8Array): Promise<{ done: boolean; messages: number; error?: string }> {
  const link = await connectTcp('127.0.0.1', obexPort);
  const driver = new ModeBDriver({ san: { binary: san }, binaryType: SYNCML_CONTENT_TYPE.NOTIFICATION, client: { maxPacketLength: 4096 } });
  const relay = new PassthroughSession();
  const agent = new HttpAgent({ upstream: new URL(upstream) });
  let messages = 0;
  return await new Promise((resolve) => {
    let finished = false;
    const finish = (r: { done: boolean; messages: number; error?: string }): void => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      link.stream.destroy();
      resolve(r);
    };
    const handle = (actions: ModeBAction[]): void => {
      for (const a of actions) {
        if (a.kind === 'send') link.stream.write(a.bytes);
        else if (a.kind === 'phone-message') {
          messages++;
          const up = relay.fromPhone(a.body, a.type);
          agent.send(up.body, up.contentType).then((http) => {
            const reply = relay.toPhone(http.body, http.contentType, a.type);
            // the session part of RespURI goes to the configured upstream (never back to the phone)
            if (reply.respUri !== undefined) agent.applyRespUri(reply.respUri);
            const last = reply.message !== undefined && endsSession(reply.message);
            handle(driver.reply(reply.body, { last }, Date.now()));
          }, (err: unknown) => finish({ done: false, messages, error: String(err) }));
        } else if (a.kind === 'done') finish({ done: true, messages });
        else if (a.kind === 'error') finish({ done: false, messages, error: `${a.stage}: ${a.error.message}` });
        else if (a.kind === 'close') finish({ done: false, messages, error: 'closed' });
      }
    };
    const timer = setInterval(() => handle(driver.tick(Date.now())), 1000);
    link.stream.on('data', (b: Buffer) => handle(driver.feed(new Uint8Array(b), Date.now())));
    link.stream.on('close', () => handle(driver.linkClosed()));
    link.stream.on('error', () => undefined);
    handle(driver.start(Date.now()));
  });
}

test(`Mode B: our SAN starts SyncEvolution in the phone, ${COUNT} contacts slow-sync upstream, then a two-way sync`, { timeout: 240_000 }, async () => {
  const dir = join(copy.dir, 'mode-b');
  mkdirSync(dir, { recursive: true });
  const deviceId = 'sb-mode-b-phone';
  const serverData = join(dir, 'server-data');
  const phoneData = join(dir, 'phone-data');
  mkdirSync(phoneData);
  await genVcards(copy, phoneData, COUNT, 7);
  const server = new SyncEvoServer(copy, await freePort(), serverData, [deviceId]);
  cleanups.push(() => server.stop());
  await server.start();

  const ready = join(dir, 'phone-server.port');
  const log = join(dir, 'phone-server.log');
  const syncCmd = `bash ${join(copy.peers, 'syncevo-client.sh')} {url} test test ${phoneData} {san_mode} on`;
  const env = [`SYNCEVO_DEVICE_ID=${deviceId}`, `SYNCEVO_CLIENT_HOME=${join(dir, 'client-state')}`, 'SYNCEVO_LOGDIR=none', 'SYNCEVO_PREVENT_SLOW_SYNC=0'];
  const phone = spawn('/usr/bin/python3', [join(copy.peers, 'vphone/vphone.py'), 'phone-server', '--listen', '127.0.0.1:0', '--ready-file', ready,
    '--http', `127.0.0.1:${await freePort()}`, '--sync-cmd', syncCmd, ...env.flatMap((e) => ['--sync-env', e]),
    '--sync-output', join(dir, 'syncevolution.log'), '--log', log, '--max-runtime', '300', '--max-packet', '4096'], { stdio: ['ignore', 'ignore', 'pipe'] });
  cleanups.push(() => stopChild(phone));
  for (let i = 0; i < 200 && !existsSync(ready); i++) await sleep(50);
  assert.ok(existsSync(ready), 'phone-server did not become ready');
  const port = Number(readFileSync(ready, 'utf8').trim());

  const san = (): Uint8Array => encodeSan({ version: 12, uiMode: 0, initiator: 1, sessionId: 1, serverId: 'PC Suite', syncs: [{ syncType: 206, contentType: 7, serverUri: 'addressbook' }], vendor: new Uint8Array(0) });
  const first = await session(port, server.url, san());
  assert.deepEqual({ done: first.done, error: first.error }, { done: true, error: undefined }, readLog(log));
  assert.ok(first.messages >= 2);
  const statuses = async (n: number): Promise<string[]> => {
    for (let i = 0; i < 200; i++) {
      const s = readLog(log).split('\n').filter((l) => l.includes('exited with status'));
      if (s.length >= n) return s;
      await sleep(100);
    }
    return readLog(log).split('\n').filter((l) => l.includes('exited with status'));
  };
  const s1 = await statuses(1);
  const report1 = readLog(join(dir, 'client-state', 'last-output.txt'));
  assert.match(s1[0] ?? '', /exited with status 0/, readLog(join(dir, 'syncevolution.log')).slice(-3000));
  assert.equal(itemCount(serverData), COUNT, 'every contact arrived upstream');
  assert.match(report1, /\bslow\b/, `SyncEvolution's report of the first run: ${report1.slice(-2000)}`);

  // changes on both sides (the file backend's revisions are mtime based: let a second pass)
  await sleep(1200);
  const card = (fn: string): string => `BEGIN:VCARD\r\nVERSION:3.0\r\nN:${fn};;;;\r\nFN:${fn}\r\nEND:VCARD\r\n`;
  writeFileSync(join(phoneData, 'mode-b-phone-1'), card('Added OnPhone1'));
  writeFileSync(join(phoneData, 'mode-b-phone-2'), card('Added OnPhone2'));
  const gone = readdirSync(phoneData).filter((f) => !f.startsWith('.') && !f.startsWith('mode-b-')).sort()[0]!;
  unlinkSync(join(phoneData, gone));
  writeFileSync(join(serverData, 'mode-b-server-1'), card('Added OnServer1'));
  const second = await session(port, server.url, san());
  assert.deepEqual({ done: second.done, error: second.error }, { done: true, error: undefined }, readLog(log));
  const s2 = await statuses(2);
  assert.match(s2[1] ?? '', /exited with status 0/);
  assert.equal(itemCount(serverData), COUNT + 2, 'two added, one deleted on the phone, one added upstream');
  assert.equal(itemCount(phoneData), COUNT + 2);
  assert.deepEqual(fnSet(serverData), fnSet(phoneData), 'both sides hold the same contacts');
  for (const fn of ['Added OnPhone1', 'Added OnPhone2', 'Added OnServer1']) assert.ok(fnSet(serverData).includes(fn), fn);
  // SyncEvolution's own summary lines (syncevo-client.sh): the first run added every contact upstream
  // in a slow sync (its report, last-output.txt, says so), the second was two-way and added nothing.
  const lines = readLog(join(dir, 'syncevolution.log')).split('\n').filter((l) => l.startsWith('syncevo-client:'));
  assert.equal(lines.length, 2, lines.join('\n'));
  assert.match(lines[0]!, /^syncevo-client: OK .*remote=100\/0\/0\/0/, lines[0]);
  assert.match(lines[1]!, /^syncevo-client: OK .*mode=two-way.*local=1\/0\/0\/0 remote=2\/0\/1\/0/, lines[1]);
});

function readLog(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}
