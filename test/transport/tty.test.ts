// Serial links over real socat pseudo-terminals: the AT switch against a scripted modem, then OBEX
// bytes both ways on the same port; a phone-initiated link; no XON/XOFF.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Duplex } from 'node:stream';
import {
  OBEX_HEADER, OBEX_OPCODE, OBEX_RESPONSE, OBEX_VERSION, SYNCML_SYNC_TARGET,
  bytesHeader, decodeRequest, decodeResponse, encodePacket, findHeader, uint32Header,
} from '../../src/obex/index.js';
import { TransportError } from '../../src/errors.js';
import { AT_ERR, AT_SWITCH_EXAMPLES, AtError, type AtSwitch } from '../../src/transport/at-switch.js';
import { openTtyLink, ttyOpenError, ttyPortOptions, type TtyLinkOptions } from '../../src/transport/tty.js';
import type { Link } from '../../src/transport/link.js';
import { createPtyPair, type PtyPair } from '../helpers/pty.js';
import { startFakeModem, type FakeModem, type ModemScript } from '../helpers/fake-modem.js';

const TARGET = new TextEncoder().encode(SYNCML_SYNC_TARGET);
const CONNECT_REQUEST = encodePacket({
  code: OBEX_OPCODE.CONNECT,
  connect: { version: OBEX_VERSION, flags: 0, maxPacketLength: 1024 },
  headers: [bytesHeader(OBEX_HEADER.TARGET, TARGET)],
});
const CONNECT_RESPONSE = encodePacket({
  code: OBEX_RESPONSE.SUCCESS,
  connect: { version: OBEX_VERSION, flags: 0, maxPacketLength: 4096 },
  headers: [uint32Header(OBEX_HEADER.CONNECTION_ID, 7), bytesHeader(OBEX_HEADER.WHO, TARGET)],
});

/** Raw-mode handler of the fake phone: answer one whole OBEX CONNECT request with CONNECT_RESPONSE. */
function answerObexConnect(received: Buffer): Uint8Array | undefined {
  if (received.length < 3 || received.length < received.readUInt16BE(1)) return undefined;
  const request = decodeRequest(received);
  assert.equal(request.code, OBEX_OPCODE.CONNECT);
  return CONNECT_RESPONSE;
}

const PROBE: ModemScript['answers'] = {
  ATZ: ['OK'],
  ATE0: ['OK'],
  'AT+CGMI': ['SONY ERICSSON', 'OK'],
  'AT+CGMM': ['"AAD-3052021-BV"', 'OK'],
};
const sw = (s: unknown): AtSwitch => s as AtSwitch;

interface Rig { pair: PtyPair; modem: FakeModem; links: Link[] }

/** A pty pair with a fake modem on the phone's end; everything is closed after the test. */
async function rig(t: TestContext, script: ModemScript): Promise<Rig> {
  const pair = await createPtyPair();
  const links: Link[] = [];
  let modem: FakeModem;
  try {
    modem = await startFakeModem(pair.b, script);
  } catch (err) {
    await pair.close();
    throw err;
  }
  t.after(async () => {
    for (const l of links) await destroy(l.stream);
    await modem.close();
    await pair.close();
  });
  return { pair, modem, links };
}

async function open(r: Rig, options: Omit<TtyLinkOptions, 'path'>): Promise<Link> {
  const link = await openTtyLink({ path: r.pair.a, ...options });
  r.links.push(link);
  return link;
}

function destroy(stream: Duplex): Promise<void> {
  if (stream.destroyed && stream.closed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('close', () => resolve());
    stream.destroy();
  });
}

const collectors = new WeakMap<Duplex, { got: Buffer; wake?: () => void }>();

/** Read exactly `n` more bytes from the link stream (one persistent 'data' listener; 5 s safety net). */
async function readBytes(stream: Duplex, n: number): Promise<Buffer> {
  let c = collectors.get(stream);
  if (c === undefined) {
    const created: { got: Buffer; wake?: () => void } = { got: Buffer.alloc(0) };
    collectors.set(stream, created);
    stream.on('data', (chunk: Buffer) => {
      created.got = Buffer.concat([created.got, chunk]);
      created.wake?.();
    });
    c = created;
  }
  const state = c;
  const deadline = Date.now() + 5000;
  while (state.got.length < n) {
    if (Date.now() > deadline) throw new Error(`only ${state.got.length} of ${n} bytes arrived`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 100);
      state.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  const out = state.got.subarray(0, n);
  state.got = state.got.subarray(n);
  return out;
}

/** Send an OBEX CONNECT on the link and check the scripted answer comes back whole. */
async function obexRoundTrip(link: Link): Promise<void> {
  link.stream.write(Buffer.from(CONNECT_REQUEST));
  const reply = await readBytes(link.stream, CONNECT_RESPONSE.length);
  const packet = decodeResponse(reply, true);
  assert.equal(packet.code, OBEX_RESPONSE.SUCCESS);
  assert.equal(packet.connect?.maxPacketLength, 4096);
  assert.deepEqual(findHeader(packet.headers, OBEX_HEADER.CONNECTION_ID)?.value, 7);
}

test('Sony Ericsson: probe, AT*EOBEX -> CONNECT, then OBEX both ways on the same port', async (t) => {
  const r = await rig(t, { answers: { ...PROBE, 'AT*EOBEX': { lines: ['CONNECT'], data: answerObexConnect } } });
  const link = await open(r, { at: { switch: sw(AT_SWITCH_EXAMPLES.sonyEricsson) } });
  assert.deepEqual(r.modem.commands, ['ATZ', 'ATE0', 'AT+CGMI', 'AT+CGMM', 'AT*EOBEX']);
  assert.deepEqual(link.info.at, { manufacturer: 'SONY ERICSSON', model: 'AAD-3052021-BV' });
  assert.equal(link.info.kind, 'stream');
  assert.equal(link.info.transport, 'serial');
  assert.equal(link.info.name, `serial:${r.pair.a}`);
  await obexRoundTrip(link);
  assert.deepEqual(Buffer.concat(r.modem.data), Buffer.from(CONNECT_REQUEST));
});

test('generic AT+CPROT=0 with echo that stays on; OBEX bytes right behind CONNECT reach the stream first', async (t) => {
  const early = Uint8Array.of(0xa0, 0x00, 0x03);
  const r = await rig(t, { echoStaysOn: true, answers: { ...PROBE, 'AT+CPROT=0': { lines: ['CONNECT'], data: answerObexConnect, after: early } } });
  const link = await open(r, { at: { switch: sw(AT_SWITCH_EXAMPLES.generic) } });
  assert.equal(link.info.at?.manufacturer, 'SONY ERICSSON');
  assert.deepEqual(await readBytes(link.stream, 3), Buffer.from(early));
  await obexRoundTrip(link);
});

test('Motorola AT+MODE=22 answered OK; unsolicited RING and +CREG lines ignored', async (t) => {
  const r = await rig(t, {
    unsolicited: ['RING', '+CREG: 1'],
    answers: { ...PROBE, 'AT+CGMI': ['Motorola CE, Copyright 2000', 'OK'], 'AT+MODE=22': { lines: ['OK'], data: answerObexConnect } },
  });
  const link = await open(r, { at: { switch: sw(AT_SWITCH_EXAMPLES.motorola) } });
  assert.equal(link.info.at?.manufacturer, 'Motorola CE, Copyright 2000');
  await obexRoundTrip(link);
});

test('Siemens AT^SQWE: already 0, so AT^SQWE=0 is skipped and AT^SQWE=3 switches', async (t) => {
  const r = await rig(t, {
    answers: { ...PROBE, 'AT+CGMI': ['SIEMENS', 'OK'], 'AT^SQWE?': ['^SQWE: 0', 'OK'], 'AT^SQWE=3': { lines: ['OK'], data: answerObexConnect } },
  });
  const siemens = sw({ steps: AT_SWITCH_EXAMPLES.siemens.steps.map((s) => ({ ...s, delayAfterMs: 50 })) });
  const link = await open(r, { at: { switch: siemens } });
  assert.deepEqual(r.modem.commands.slice(4), ['AT^SQWE?', 'AT^SQWE=3']);
  await obexRoundTrip(link);
});

/** Expect openTtyLink to reject with `code`, a message matching `message`, and the port released. */
async function expectFailure(r: Rig, options: Omit<TtyLinkOptions, 'path'>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(open(r, options), (e: unknown) => {
    assert.ok(e instanceof TransportError, String(e));
    assert.ok(e instanceof AtError);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    assert.ok(e.message.includes(r.pair.a), 'the message names the port');
    return true;
  });
  // The port was closed and unlocked: it opens again (phone-initiated, no AT).
  const again = await open(r, {});
  await destroy(again.stream);
}

test('ERROR to the switch command: SB_ERR_AT_ERROR naming the command', async (t) => {
  const r = await rig(t, { answers: { ...PROBE, 'AT*EOBEX': ['ERROR'] } });
  await expectFailure(r, { at: { switch: sw(AT_SWITCH_EXAMPLES.sonyEricsson) } }, AT_ERR.ERROR, /answered "ERROR" to AT\*EOBEX/);
});

test('+CME ERROR to AT+CPROT=0: SB_ERR_AT_ERROR', async (t) => {
  const r = await rig(t, { answers: { ...PROBE, 'AT+CPROT=0': ['+CME ERROR: 4'] } });
  await expectFailure(r, { at: { switch: sw(AT_SWITCH_EXAMPLES.generic) } }, AT_ERR.ERROR, /"\+CME ERROR: 4" to AT\+CPROT=0/);
});

test('silence: ATZ tried at each baud rate, then SB_ERR_AT_SILENT', async (t) => {
  const r = await rig(t, { noEcho: true, answers: { ATZ: { silent: true } } });
  await expectFailure(r, { baudRates: [57600, 19200], at: { probeTimeoutMs: 200, switch: sw(AT_SWITCH_EXAMPLES.sonyEricsson) } }, AT_ERR.SILENT,
    /no answer to ATZ within 200 ms: nothing was received.*\(tried 57600, 19200 baud\)/);
  assert.deepEqual(r.modem.commands, ['ATZ', 'ATZ']);
});

test('echo but no answer to the switch: SB_ERR_AT_SILENT says the phone echoed', async (t) => {
  const r = await rig(t, { echoStaysOn: true, answers: { ...PROBE, 'AT*EOBEX': { silent: true } } });
  const steps = [{ send: 'AT*EOBEX', expect: ['CONNECT'], timeoutMs: 200 }];
  await expectFailure(r, { at: { switch: { steps } } }, AT_ERR.SILENT, /no answer to AT\*EOBEX within 200 ms: the phone echoed the command/);
});

test('binary garbage: SB_ERR_AT_GARBAGE quoting the bytes', async (t) => {
  const r = await rig(t, { answers: { ATZ: { raw: Uint8Array.of(0xa0, 0x00, 0x03, 0x0d, 0x0a) } } });
  await expectFailure(r, { at: { switch: sw(AT_SWITCH_EXAMPLES.sonyEricsson) } }, AT_ERR.GARBAGE, /answer to ATZ: binary data "\\xa0\\x00\\x03"/);
});

test('an endless line: SB_ERR_AT_GARBAGE, bounded', async (t) => {
  const r = await rig(t, { answers: { ATZ: { raw: Buffer.alloc(4096, 0x41) } } });
  await expectFailure(r, { at: { switch: sw(AT_SWITCH_EXAMPLES.sonyEricsson) } }, AT_ERR.GARBAGE, /line longer than 512 bytes/);
});

test('OK where CONNECT was expected: SB_ERR_AT_GARBAGE', async (t) => {
  const r = await rig(t, { answers: { ...PROBE, 'AT*EOBEX': ['OK'] } });
  await expectFailure(r, { at: { switch: sw(AT_SWITCH_EXAMPLES.sonyEricsson) } }, AT_ERR.GARBAGE, /answered "OK" to AT\*EOBEX, expected CONNECT/);
});

test('phone-initiated link: no AT, the phone sends OBEX CONNECT first', async (t) => {
  const r = await rig(t, { answers: {}, dataFromStart: () => undefined });
  const link = await open(r, {});
  assert.equal(link.info.at, undefined);
  r.modem.write(CONNECT_REQUEST);
  const request = await readBytes(link.stream, CONNECT_REQUEST.length);
  assert.equal(decodeRequest(request).code, OBEX_OPCODE.CONNECT);
  link.stream.write(Buffer.from(CONNECT_RESPONSE));
  for (let i = 0; i < 250 && Buffer.concat(r.modem.data).length < CONNECT_RESPONSE.length; i++) await new Promise((res) => setTimeout(res, 20));
  assert.deepEqual(Buffer.concat(r.modem.data), Buffer.from(CONNECT_RESPONSE));
  assert.deepEqual(r.modem.commands, []);
});

test('no XON/XOFF: the options say so, and 0x11/0x13 (and every other byte) survive a round trip', async (t) => {
  const options = ttyPortOptions('/dev/ttyACM0', 57600);
  assert.equal(options.xon, false);
  assert.equal(options.xoff, false);
  assert.equal(options.xany, false);
  assert.equal(options.rtscts, false);
  assert.equal(ttyPortOptions('/dev/ttyACM0', 19200, true).rtscts, true);
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const payload = Buffer.concat([Buffer.of(0x11, 0x13, 0x11, 0x13), all, all]);
  // The phone echoes everything back once it has it all.
  const r = await rig(t, { answers: {}, dataFromStart: (got) => (got.length >= payload.length ? got : undefined) });
  const link = await open(r, { rtscts: false });
  link.stream.write(payload);
  assert.deepEqual(await readBytes(link.stream, payload.length), payload);
});

test('destroying the link stream closes and unlocks the tty', async (t) => {
  const r = await rig(t, { answers: {}, dataFromStart: () => undefined });
  const first = await open(r, {});
  await destroy(first.stream);
  const second = await open(r, {});
  assert.equal(second.info.peer, r.pair.a);
});

test('open errors: missing tty and a port already in use give SB_ERR_TTY_OPEN with a hint', async (t) => {
  const r = await rig(t, { answers: {} });
  await assert.rejects(openTtyLink({ path: `${r.pair.dir}/missing` }), (e: unknown) => {
    assert.ok(e instanceof TransportError);
    assert.equal(e.code, AT_ERR.TTY_OPEN);
    assert.match(e.message, /cannot open .*missing: no such device/);
    return true;
  });
  await open(r, {});
  await assert.rejects(openTtyLink({ path: r.pair.a }), (e: unknown) => {
    assert.ok(e instanceof TransportError);
    assert.equal(e.code, AT_ERR.TTY_OPEN);
    assert.match(e.message, /in use by another program/);
    return true;
  });
});

test('the tty vanishing during the AT dialogue (cable pulled): SB_ERR_TTY_IO, not a timeout', async (t) => {
  const r = await rig(t, { answers: { ATZ: { silent: true } } });
  const pending = open(r, { at: { probeTimeoutMs: 20_000 } });
  pending.catch(() => undefined); // rejects while the pty pair is being closed; checked below
  for (let i = 0; i < 250 && r.modem.commands.length === 0; i++) await new Promise((res) => setTimeout(res, 20));
  assert.deepEqual(r.modem.commands, ['ATZ']);
  await r.pair.close(); // socat exits: both ptys go away, as a USB CDC-ACM port does on unplug
  await assert.rejects(pending, (e: unknown) => {
    assert.ok(e instanceof TransportError);
    assert.equal(e.code, AT_ERR.TTY_IO, e.message);
    return true;
  });
});

test('the tty vanishing after the switch closes the link stream', async (t) => {
  const r = await rig(t, { answers: { ...PROBE, 'AT*EOBEX': { lines: ['CONNECT'], data: answerObexConnect } } });
  const link = await open(r, { at: { switch: sw(AT_SWITCH_EXAMPLES.sonyEricsson) } });
  link.stream.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => link.stream.once('close', () => resolve()));
  link.stream.resume();
  await r.pair.close();
  await closed; // the test's own timeout is the safety net
});

test('an aborted signal stops the dialogue and releases the port', async (t) => {
  const r = await rig(t, { answers: { ATZ: { silent: true } } });
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(open(r, { at: {}, signal: controller.signal }), (e: unknown) => e instanceof TransportError && e.code === AT_ERR.TTY_IO && /aborted/.test(e.message));
  const again = await open(r, {});
  await destroy(again.stream);
});

test('ttyOpenError: a hint for each errno a user meets', () => {
  const cases: [unknown, RegExp][] = [
    [Object.assign(new Error('x'), { code: 'ENOENT' }), /no such device/],
    [Object.assign(new Error('x'), { code: 'EACCES' }), /dialout group/],
    [new Error('Error: Permission denied, cannot open /dev/ttyACM0'), /dialout group/],
    [new Error('Error Resource temporarily unavailable Cannot lock port'), /in use by another program/],
    [new Error('something else'), /cannot open \/dev\/ttyACM0: something else/],
  ];
  for (const [err, message] of cases) {
    const e = ttyOpenError('/dev/ttyACM0', err);
    assert.equal(e.code, AT_ERR.TTY_OPEN);
    assert.match(e.message, message);
    assert.equal(e.cause, err);
  }
});
