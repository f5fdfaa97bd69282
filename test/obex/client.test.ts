// Mode B client: hand-written hex for the key exchanges, then encoder-built cases.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CLIENT_STATE, OBEX_ERR, OBEX_HEADER, ObexClient, type ObexClientAction, bytesHeader, decodeRequest, findType,
} from '../../src/obex/index.js';
import { asciiBytes, bodyChunks } from '../../src/obex/values.js';
import { concatBytes } from '../../src/util/bytes.js';
import { hex, toHex } from '../helpers/hex.js';
import { cid, length, packet, payload, WBXML } from './build.js';

const CONNECT = `80 00 15  10 00 04 00  46 00 0e "SYNCML-SYNC"   # CONNECT, we receive up to 1024, Target`;
const CONNECT_OK = `
  a0 00 1a  10 00 00 ff     # Success; the phone receives up to 255 bytes
  cb 00 00 00 01            # Connection ID 1
  4a 00 0e "SYNCML-SYNC"    # Who`;
const MESSAGE = new Uint8Array([...'x'.repeat(207), ...'y'.repeat(249), ...'z'.repeat(144)].map((c) => c.charCodeAt(0)));
const PUT_1 = `
  02 00 ff                                      # PUT, length 255
  cb 00 00 00 01                                # Connection ID first
  42 00 20 "application/vnd.syncml+wbxml" 00    # Type, NUL-terminated
  c3 00 00 02 58                                # Length 600
  48 00 d2 "${'x'.repeat(207)}"                 # Body, 207 bytes`;
const PUT_2 = `02 00 ff  48 00 fc "${'y'.repeat(249)}"   # PUT, Body 249 bytes`;
const PUT_3 = `82 00 96  49 00 93 "${'z'.repeat(144)}"   # final PUT, End-of-Body holds the last 144 bytes`;
const GET = `83 00 28  cb 00 00 00 01  42 00 20 "application/vnd.syncml+wbxml" 00   # GET, ConnID, Type`;
const GET_RESP_1 = `90 00 0f  c3 00 00 00 0a  48 00 07 "abcd"   # Continue, Length 10, Body`;
const GET_RESP_2 = `90 00 09  48 00 06 "efg"`;
const GET_RESP_3 = `a0 00 09  49 00 06 "hij"   # Success, End-of-Body`;

function sent(actions: ObexClientAction[]): string[] {
  return actions.flatMap((a) => (a.kind === 'send' ? [toHex(a.bytes)] : []));
}
function expectSent(actions: ObexClientAction[], ...texts: string[]): void {
  assert.deepEqual(sent(actions), texts.map((t) => toHex(hex(t))));
}
function connected(options: ConstructorParameters<typeof ObexClient>[0] = {}): ObexClient {
  const c = new ObexClient(options);
  expectSent(c.connect(0), CONNECT);
  assert.deepEqual(c.receive(hex(CONNECT_OK), 1), [{ kind: 'connected', connectionId: 1, peerMaxPacketLength: 255, who: 'SYNCML-SYNC' }]);
  return c;
}
function errorOf(actions: ObexClientAction[]): { code: string; obexResponse: number | undefined } | undefined {
  const e = actions.find((a) => a.kind === 'error');
  return e?.kind === 'error' ? { code: e.error.code, obexResponse: e.error.obexResponse } : undefined;
}

test('CONNECT, 3-packet PUT with the tail in End-of-Body, 3-packet GET, DISCONNECT', () => {
  const c = connected();
  expectSent(c.put(WBXML, MESSAGE, 2), PUT_1);
  expectSent(c.receive(hex(`90 00 03`), 3), PUT_2);
  expectSent(c.receive(hex(`90 00 03`), 4), PUT_3);
  assert.deepEqual(c.receive(hex(`a0 00 03`), 5), [{ kind: 'put-done', response: 0xa0 }]);
  expectSent(c.get(WBXML, 6), GET);
  expectSent(c.receive(hex(GET_RESP_1), 7), `83 00 03`);
  expectSent(c.receive(hex(GET_RESP_2), 8), `83 00 03`);
  const done = c.receive(hex(GET_RESP_3), 9);
  assert.equal(done.length, 1);
  assert.ok(done[0]?.kind === 'message');
  assert.equal(new TextDecoder().decode(done[0].body), 'abcdefghij');
  assert.equal(done[0].type, undefined);
  expectSent(c.disconnect(10), `81 00 08 cb 00 00 00 01`);
  assert.deepEqual(c.receive(hex(`a0 00 03`), 11), [{ kind: 'disconnected' }]);
  assert.equal(c.state, CLIENT_STATE.IDLE);
});

test('GET over the message bound: error 0xCD and ABORT in place of the next GET', () => {
  const c = connected({ maxMessageBytes: 5 });
  c.get(WBXML, 0);
  const a = c.receive(hex(GET_RESP_1), 1);
  assert.deepEqual(errorOf(a), { code: OBEX_ERR.MESSAGE_TOO_LARGE, obexResponse: 0xcd });
  expectSent(a, `ff 00 08 cb 00 00 00 01   # ABORT with Connection ID`);
  assert.deepEqual(c.receive(hex(`a0 00 03`), 2), [{ kind: 'aborted' }]);
  assert.equal(c.state, CLIENT_STATE.CONNECTED);
});

test('CONNECT responses without a usable Connection ID or Who are refused', () => {
  const cases: [string, string][] = [
    ['no Connection ID', `a0 00 15 10 00 04 00  4a 00 0e "SYNCML-SYNC"`],
    ['Connection ID 0', `a0 00 1a 10 00 04 00  cb 00 00 00 00  4a 00 0e "SYNCML-SYNC"`],
    ['no Who', `a0 00 0c 10 00 04 00  cb 00 00 00 01`],
    ['wrong Who', `a0 00 18 10 00 04 00  cb 00 00 00 01  4a 00 0c "IRMC-SYNC"`],
  ];
  for (const [name, bytes] of cases) {
    const c = new ObexClient();
    c.connect(0);
    assert.deepEqual(errorOf(c.receive(hex(bytes), 1)), { code: OBEX_ERR.CONNECT_RESPONSE, obexResponse: 0xc0 }, name);
    assert.equal(c.state, CLIENT_STATE.IDLE, name);
  }
});

test('CONNECT refusal carries the peer response code; Who before Connection ID (vphone) is accepted', () => {
  for (const bytes of [`c4 00 07 10 00 04 00`, `c3 00 03`]) {
    const c = new ObexClient();
    c.connect(0);
    assert.deepEqual(errorOf(c.receive(hex(bytes), 1)), { code: OBEX_ERR.PEER_RESPONSE, obexResponse: hex(bytes)[0] });
  }
  const c = new ObexClient();
  c.connect(0);
  const a = c.receive(hex(`a0 00 1a 10 00 ff ff  4a 00 0e "SYNCML-SYNC"  cb 00 00 00 01`), 1);
  assert.deepEqual(a, [{ kind: 'connected', connectionId: 1, peerMaxPacketLength: 65535, who: 'SYNCML-SYNC' }]);
});

test('error responses to PUT and GET become ObexError with the peer code', () => {
  const c = connected();
  c.put(WBXML, payload(10), 0);
  assert.deepEqual(errorOf(c.receive(hex(`c3 00 03`), 1)), { code: OBEX_ERR.PEER_RESPONSE, obexResponse: 0xc3 });
  assert.equal(c.state, CLIENT_STATE.CONNECTED);
  c.put(WBXML, payload(600), 2);
  assert.deepEqual(errorOf(c.receive(hex(`a0 00 03`), 3)), { code: OBEX_ERR.PEER_RESPONSE, obexResponse: 0xa0 }, 'success to a non-final PUT');
  c.get(WBXML, 4);
  assert.deepEqual(errorOf(c.receive(hex(`d3 00 03`), 5)), { code: OBEX_ERR.PEER_RESPONSE, obexResponse: 0xd3 });
});

test('PUT packets: each within the peer maximum, ConnID first in the first packet only, non-empty End-of-Body last', () => {
  for (const peerMax of [255, 300, 1024]) {
    for (let n = 1; n <= 1200; n++) {
      const c = new ObexClient();
      c.connect(0);
      c.receive(packet(0xa0, [cid(5), bytesHeader(OBEX_HEADER.WHO, asciiBytes('SYNCML-SYNC'))], peerMax), 0);
      const msg = payload(n);
      let actions = c.put(WBXML, msg, 0);
      const chunks: Uint8Array[] = [];
      for (let i = 0; ; i++) {
        const s = actions[0];
        assert.ok(s?.kind === 'send');
        assert.ok(s.bytes.length <= peerMax, `packet ${s.bytes.length} > ${peerMax}`);
        const p = decodeRequest(s.bytes);
        const { chunks: c2, endOfBody } = bodyChunks(p.headers);
        chunks.push(...c2);
        if (i === 0) {
          assert.equal(p.headers[0]?.id, OBEX_HEADER.CONNECTION_ID);
          assert.equal(p.headers[0]?.value, 5);
          assert.equal(findType(p.headers)?.raw, WBXML);
          assert.deepEqual(p.headers.find((h) => h.id === OBEX_HEADER.LENGTH)?.value, n);
        } else {
          assert.equal(p.headers.some((h) => h.id === OBEX_HEADER.CONNECTION_ID), false);
        }
        if (p.code === 0x82) {
          assert.ok(endOfBody && (c2.at(-1)?.length ?? 0) > 0, `empty End-of-Body, n=${n} peerMax=${peerMax}`);
          assert.deepEqual(c.receive(packet(0xa0), 0), [{ kind: 'put-done', response: 0xa0 }]);
          break;
        }
        assert.equal(p.code, 0x02);
        assert.equal(endOfBody, false);
        actions = c.receive(packet(0x90), 0);
      }
      assert.deepEqual(concatBytes(chunks), msg);
    }
  }
});

test('the Type header travels NUL-terminated (protocol-notes 1.4)', () => {
  const c = connected();
  const s = c.put(WBXML, payload(3), 0)[0];
  assert.ok(s?.kind === 'send');
  const t = decodeRequest(s.bytes).headers.find((h) => h.id === OBEX_HEADER.TYPE);
  assert.ok(t?.kind === 'bytes' && t.value.at(-1) === 0);
});

test('GET response with Length larger than the bound on the final packet: error, no ABORT', () => {
  const c = connected({ maxMessageBytes: 100 });
  c.get(WBXML, 0);
  const a = c.receive(packet(0xa0, [length(1000), bytesHeader(OBEX_HEADER.END_OF_BODY, payload(3))]), 1);
  assert.deepEqual(a.map((x) => x.kind), ['error']);
  assert.equal(c.state, CLIENT_STATE.CONNECTED);
});

test('a new operation while one is outstanding is a coded misuse error', () => {
  const c = connected();
  c.get(WBXML, 0);
  assert.throws(() => c.put(WBXML, payload(1), 0), { code: OBEX_ERR.BUSY });
  assert.throws(() => new ObexClient().put(WBXML, payload(1), 0), { code: OBEX_ERR.BUSY });
});

test('tick: an unanswered request times out after the configured time', () => {
  const c = connected({ timeoutMs: 1000 });
  c.get(WBXML, 100);
  assert.deepEqual(c.tick(1099), []);
  const a = c.tick(1100);
  assert.deepEqual(a.map((x) => x.kind), ['error', 'close']);
  assert.deepEqual(errorOf(a), { code: OBEX_ERR.TIMEOUT, obexResponse: 0xc8 });
  assert.equal(c.state, CLIENT_STATE.CLOSED);
});

test('feed frames a split response stream; a malformed response closes', () => {
  const c = new ObexClient();
  c.connect(0);
  const out: ObexClientAction[] = [];
  for (const b of hex(CONNECT_OK)) out.push(...c.feed(Uint8Array.of(b), 0));
  assert.deepEqual(out.map((a) => a.kind), ['connected']);
  c.get(WBXML, 0);
  assert.deepEqual(c.feed(hex(`a0 00 06 49 00 09`), 0).map((a) => a.kind), ['error', 'close']);
});

test('abort() sends ABORT (with Connection ID) in place of the next request, never while a response is outstanding', () => {
  const c = connected();
  c.put(WBXML, MESSAGE, 0);
  assert.deepEqual(c.abort(), [], 'a response is outstanding: nothing goes out yet');
  expectSent(c.receive(hex(`90 00 03`), 1), `ff 00 08 cb 00 00 00 01   # ABORT, Connection ID`);
  assert.equal(c.state, CLIENT_STATE.ABORTING);
  assert.deepEqual(c.receive(hex(`a0 00 03`), 2), [{ kind: 'aborted' }]);
  c.get(WBXML, 3);
  c.abort();
  expectSent(c.receive(hex(GET_RESP_1), 4), `ff 00 08 cb 00 00 00 01`);
  c.receive(hex(`a0 00 03`), 5);
  c.get(WBXML, 6);
  c.abort();
  assert.equal(c.receive(hex(GET_RESP_3), 7)[0]?.kind, 'message', 'the final response ends the GET; nothing left to abort');
  assert.equal(c.state, CLIENT_STATE.CONNECTED);
});
