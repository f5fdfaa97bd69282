// The AT switch against a real peer: the shared virtual phone (../shared/peers/vphone, phone-server
// role, its AT modem emulation on) on a socat pty pair; then OBEX CONNECT/DISCONNECT on the same port.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import type { Duplex } from 'node:stream';
import {
  OBEX_HEADER, OBEX_OPCODE, OBEX_RESPONSE, OBEX_VERSION, SYNCML_SYNC_TARGET,
  bytesHeader, decodeResponse, encodePacket, findHeader, uint32Header,
} from '../../src/obex/index.js';
import { AT_SWITCH_EXAMPLES, type AtSwitch } from '../../src/transport/at-switch.js';
import { openTtyLink } from '../../src/transport/tty.js';
import { PEERS } from '../helpers/peers.js';
import { createPtyPair } from '../helpers/pty.js';

const VPHONE = resolve(PEERS, 'vphone/vphone.py');
const TARGET = new TextEncoder().encode(SYNCML_SYNC_TARGET);

/** Read one whole OBEX packet from the stream (10 s safety net). */
function readPacket(stream: Duplex): Promise<Buffer> {
  return new Promise((resolvePacket, reject) => {
    let got = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error(`no whole OBEX packet, got ${got.toString('hex')}`)), 10_000);
    const onData = (chunk: Buffer): void => {
      got = Buffer.concat([got, chunk]);
      if (got.length >= 3 && got.length >= got.readUInt16BE(1)) finish();
    };
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.pause();
      if (err) reject(err);
      else resolvePacket(got);
    };
    stream.on('data', onData);
    stream.resume();
  });
}

for (const variant of [
  { name: 'AT*EOBEX, vphone echoing (ATE1 state)', atSwitch: AT_SWITCH_EXAMPLES.sonyEricsson, args: ['--at-echo'] },
  { name: 'AT+CPROT=0, no echo', atSwitch: AT_SWITCH_EXAMPLES.generic, args: [] },
]) {
  test(`vphone on a pty: ${variant.name}, then OBEX CONNECT and DISCONNECT`, async (t) => {
    assert.ok(existsSync(VPHONE), `the shared virtual phone is missing: ${VPHONE}`);
    const pair = await createPtyPair();
    const log = join(pair.dir, 'vphone.log');
    const late: { child?: ChildProcess } = {};
    const links: Duplex[] = [];
    t.after(async () => {
      for (const s of links) await new Promise<void>((done) => (s.closed ? done() : (s.once('close', () => done()), s.destroy())));
      const c = late.child;
      if (c !== undefined && c.exitCode === null && c.signalCode === null) {
        const exited = new Promise<void>((done) => c.once('exit', () => done()));
        c.kill('SIGTERM');
        await exited;
      }
      await pair.close();
    });
    const child = spawn('python3', [VPHONE, 'phone-server', '--serial', pair.b, '--at-strict', ...variant.args,
      '--http', '127.0.0.1:0', '--sync-cmd', 'true', '--log', log, '--quiet', '--once', '--max-runtime', '120'], { stdio: 'ignore' });
    late.child = child;
    let spawnError: Error | undefined;
    child.on('error', (err) => (spawnError = err));
    // vphone flushes its input when it opens the line: wait for its log to say the line is open.
    for (let i = 0; i < 500 && !(existsSync(log) && readFileSync(log, 'utf8').includes('serial line')); i++) {
      assert.equal(spawnError, undefined, `cannot run python3 (install the Debian package python3): ${spawnError?.message}`);
      assert.equal(child.exitCode, null, 'vphone exited early');
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(readFileSync(log, 'utf8').includes('serial line'), 'vphone opened the serial line');

    const link = await openTtyLink({ path: pair.a, at: { switch: variant.atSwitch as unknown as AtSwitch } });
    links.push(link.stream);
    // vphone answers ERROR to AT+CGMI/AT+CGMM: tolerated, so nothing is known about the phone.
    assert.deepEqual(link.info.at, {});

    link.stream.write(encodePacket({
      code: OBEX_OPCODE.CONNECT,
      connect: { version: OBEX_VERSION, flags: 0, maxPacketLength: 4096 },
      headers: [bytesHeader(OBEX_HEADER.TARGET, TARGET)],
    }));
    const connected = decodeResponse(await readPacket(link.stream), true);
    assert.equal(connected.code, OBEX_RESPONSE.SUCCESS);
    const who = findHeader(connected.headers, OBEX_HEADER.WHO)?.value;
    assert.ok(who instanceof Uint8Array, 'a Who header');
    assert.equal(new TextDecoder().decode(who), SYNCML_SYNC_TARGET);
    const id = findHeader(connected.headers, OBEX_HEADER.CONNECTION_ID)?.value;
    assert.equal(typeof id, 'number');

    link.stream.write(encodePacket({ code: OBEX_OPCODE.DISCONNECT, headers: [uint32Header(OBEX_HEADER.CONNECTION_ID, id as number)] }));
    assert.equal(decodeResponse(await readPacket(link.stream)).code, OBEX_RESPONSE.SUCCESS);
    const text = readFileSync(log, 'utf8');
    assert.match(text, /AT: '(AT\*EOBEX|AT\+CPROT=0)' -> 'CONNECT'/);
  });
}
