// Mode A server driven with hand-written annotated hex for the key exchanges (peer and server
// both at the 255-byte minimum, so a 600-byte reply takes three GET responses).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ObexServer, SERVER_STATE, type ObexServerAction } from '../../src/obex/index.js';
import { hex, toHex } from '../helpers/hex.js';

const CONNECT = `
  80 00 15      # CONNECT, length 21
  10 00 00 ff   # OBEX 1.0, flags 0, phone receives up to 255 bytes
  46 00 0e "SYNCML-SYNC"   # Target`;
const CONNECT_OK = `
  a0 00 1a      # Success, length 26
  10 00 00 ff   # OBEX 1.0, flags 0, we receive up to 255 bytes
  cb 00 00 00 01           # Connection ID 1, first header
  4a 00 0e "SYNCML-SYNC"   # Who echoes the target`;
const PUT_1 = `
  02 00 34      # PUT (more to come), length 52
  cb 00 00 00 01                                # Connection ID
  42 00 20 "application/vnd.syncml+wbxml" 00    # Type, NUL-terminated
  c3 00 00 00 0c                                # Length 12
  48 00 07 "ABCD"                               # Body`;
const PUT_2 = `02 00 0b  48 00 08 "EFGHI"   # PUT, Body`;
const PUT_3 = `82 00 09  49 00 06 "JKL"     # final PUT, End-of-Body with the last bytes`;
const CONTINUE = `90 00 03`;
const SUCCESS = `a0 00 03`;
const GET_1 = `
  83 00 28      # GET final, length 40
  cb 00 00 00 01
  42 00 20 "application/vnd.syncml+wbxml" 00`;
const GET_N = `83 00 03   # bare GET for the next chunk`;
const REPLY = new Uint8Array([...'a'.repeat(244), ...'b'.repeat(249), ...'c'.repeat(107)].map((c) => c.charCodeAt(0)));
const GET_RESP_1 = `
  90 00 ff      # Continue, length 255
  c3 00 00 02 58               # Length 600
  48 00 f7 "${'a'.repeat(244)}"   # Body, 244 bytes`;
const GET_RESP_2 = `
  90 00 ff      # Continue, length 255
  48 00 fc "${'b'.repeat(249)}"   # Body, 249 bytes`;
const GET_RESP_3 = `
  a0 00 71      # Success, length 113
  49 00 6e "${'c'.repeat(107)}"   # End-of-Body, the last 107 bytes`;
const DISCONNECT = `81 00 08 cb 00 00 00 01   # DISCONNECT, Connection ID`;

function sent(actions: ObexServerAction[]): string[] {
  return actions.flatMap((a) => (a.kind === 'send' ? [toHex(a.bytes)] : []));
}
function kinds(actions: ObexServerAction[]): string[] {
  return actions.map((a) => a.kind);
}
function expectSent(actions: ObexServerAction[], ...hexTexts: string[]): void {
  assert.deepEqual(sent(actions), hexTexts.map((t) => toHex(hex(t))));
}

function connected(): ObexServer {
  const s = new ObexServer({ maxPacketLength: 255 });
  const a = s.receive(hex(CONNECT), 0);
  expectSent(a, CONNECT_OK);
  assert.deepEqual(a[1], { kind: 'connected', connectionId: 1, peerMaxPacketLength: 255, target: 'SYNCML-SYNC' });
  return s;
}

test('CONNECT SYNCML-SYNC answered with Connection ID first and Who', () => {
  assert.equal(connected().state, SERVER_STATE.CONNECTED);
});

test('3-packet PUT, held 3-packet GET, DISCONNECT', () => {
  const s = connected();
  expectSent(s.receive(hex(PUT_1), 1), CONTINUE);
  expectSent(s.receive(hex(PUT_2), 2), CONTINUE);
  const done = s.receive(hex(PUT_3), 3);
  expectSent(done, SUCCESS);
  const msg = done[1];
  assert.equal(msg?.kind, 'message');
  if (msg?.kind === 'message') {
    assert.equal(msg.type, 'application/vnd.syncml+wbxml');
    assert.equal(new TextDecoder().decode(msg.body), 'ABCDEFGHIJKL');
  }
  const held = s.receive(hex(GET_1), 4);
  assert.deepEqual(held, [{ kind: 'waiting-for-reply', type: 'application/vnd.syncml+wbxml' }]);
  assert.equal(s.state, SERVER_STATE.GET_HELD);
  expectSent(s.reply(REPLY, 5), GET_RESP_1);
  expectSent(s.receive(hex(GET_N), 6), GET_RESP_2);
  const last = s.receive(hex(GET_N), 7);
  expectSent(last, GET_RESP_3);
  assert.deepEqual(kinds(last), ['send', 'reply-sent']);
  const bye = s.receive(hex(DISCONNECT), 8);
  expectSent(bye, SUCCESS);
  assert.deepEqual(kinds(bye), ['send', 'disconnected']);
  assert.equal(s.state, SERVER_STATE.IDLE);
});

test('ABORT mid-PUT: answered 0xA0, partial object discarded, next PUT starts fresh', () => {
  const s = connected();
  expectSent(s.receive(hex(PUT_1), 1), CONTINUE);
  const a = s.receive(hex(`ff 00 08 cb 00 00 00 01   # ABORT with Connection ID`), 2);
  expectSent(a, SUCCESS);
  assert.deepEqual(kinds(a), ['send', 'aborted']);
  expectSent(s.receive(hex(GET_1), 3), `d3 00 03   # nothing to GET: Service Unavailable`);
  s.receive(hex(PUT_1), 4);
  s.receive(hex(PUT_2), 5);
  const m = s.receive(hex(PUT_3), 6)[1];
  assert.ok(m?.kind === 'message' && m.body.length === 12, 'the aborted chunk was not kept');
});

test('reply ready before the GET: the GET is answered at once', () => {
  const s = connected();
  s.receive(hex(PUT_1), 1); s.receive(hex(PUT_2), 1); s.receive(hex(PUT_3), 1);
  assert.deepEqual(s.reply(REPLY, 2), []);
  expectSent(s.receive(hex(GET_1), 3), GET_RESP_1);
});

test('vphone-style GET with request headers over a non-final GET', () => {
  const s = connected();
  s.receive(hex(PUT_1), 1); s.receive(hex(PUT_2), 1); s.receive(hex(PUT_3), 1);
  expectSent(s.receive(hex(`03 00 08 cb 00 00 00 01   # GET, not final`), 2), CONTINUE);
  assert.deepEqual(kinds(s.receive(hex(`83 00 30 42 00 2d "application/vnd.syncml+xml; charset=UTF-8" 00`), 3)), ['waiting-for-reply']);
});
