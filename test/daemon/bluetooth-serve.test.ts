// `serve --bluetooth` registers the SyncML Server profile with BlueZ (here the stand-in
// org.bluez on a private bus) and pumps a phone's RFCOMM connection like any other link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { ROOT } from '../helpers/cli.js';
import { BridgeDaemon } from '../helpers/vphone.js';
import { startFakeBluez } from '../helpers/fake-bluez.js';
import { SYNCML_SERVER_UUID } from '../../src/transport/bluetooth-profile.js';
import { ObexClient } from '../../src/obex/index.js';
import { freePort } from '../helpers/syncevo.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('serve --bluetooth: profile registered, a phone connects over RFCOMM and gets OBEX answers; SIGTERM ends it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bt-serve-'));
  const bluez = await startFakeBluez();
  let d: BridgeDaemon | undefined;
  try {
    d = await BridgeDaemon.start(ROOT, ['--data-dir', dir, '--obex-tcp', `127.0.0.1:${await freePort()}`, '--http', '127.0.0.1:1', '--bluetooth',
      '--relay', 'passthrough', '--upstream', 'http://127.0.0.1:1/x', '--log-level', 'info'], { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: bluez.busAddress });
    assert.match(d.out, /Bluetooth RFCOMM: adapter default \(SyncML Server SDP record/);
    const regs = await bluez.registrations();
    const server = regs.find((r) => r.uuid === SYNCML_SERVER_UUID);
    assert.ok(server, `no SyncML Server registration in ${JSON.stringify(regs)}`);
    assert.equal(server.options.Role, 'server');

    const device = await bluez.addDevice('00:11:22:33:44:55', []);
    const phone = await bluez.phoneConnect(device, SYNCML_SERVER_UUID);
    // The phone side speaks OBEX with our own client machine.
    const client = new ObexClient();
    const answers: unknown[] = [];
    phone.on('data', (b: Buffer) => { for (const a of client.feed(new Uint8Array(b), Date.now())) answers.push(a); });
    for (const a of client.connect(Date.now())) if (a.kind === 'send') phone.write(a.bytes);
    for (let i = 0; i < 100 && !answers.some((a) => (a as { kind: string }).kind === 'connected'); i++) await sleep(20);
    assert.ok(answers.some((a) => (a as { kind: string }).kind === 'connected'), `no OBEX CONNECT answer: ${JSON.stringify(answers)}`);

    const ended = once(phone, 'close');
    assert.equal(await d.stop(), 0);
    await ended;
    const outcome = d.logs().find((l) => l.outcome !== undefined)?.outcome as Record<string, unknown> | undefined;
    assert.match(String(outcome?.link), /^bt:00:11:22:33:44:55/);
    assert.equal(outcome?.result, 'shutdown');
  } finally {
    await d?.stop();
    await bluez.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serve --bluetooth without a reachable BlueZ: exit 1 with one clear line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bt-serve-'));
  try {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/daemon/main.ts'), 'serve', '--data-dir', dir, '--obex-tcp', `127.0.0.1:${await freePort()}`,
      '--bluetooth', '--relay', 'passthrough', '--upstream', 'http://127.0.0.1:1/x', '--log-level', 'silent'],
    { cwd: ROOT, env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${join(dir, 'no-bus')}` }, encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^syncml-bridge serve: .*(bus|D-Bus)/i);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
