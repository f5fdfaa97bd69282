// Mode A server: behaviour driven with encoder-built packets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OBEX_ERR, OBEX_HEADER, ObexServer, SERVER_STATE, type ObexServerAction } from '../../src/obex/index.js';
import { bodyChunks } from '../../src/obex/values.js';
import { concatBytes } from '../../src/util/bytes.js';
import { body, cid, connectRequest, eob, length, packet, payload, response, type, WBXML } from './build.js';

function codes(actions: ObexServerAction[]): number[] {
  return actions.flatMap((a) => (a.kind === 'send' ? [a.code] : []));
}
function errorCode(actions: ObexServerAction[]): string | undefined {
  const e = actions.find((a) => a.kind === 'error');
  return e?.kind === 'error' ? e.error.code : undefined;
}
function connect(options: ConstructorParameters<typeof ObexServer>[0] = {}, peerMax = 1024): ObexServer {
  const s = new ObexServer(options);
  assert.deepEqual(codes(s.receive(connectRequest('SYNCML-SYNC', peerMax), 0)), [0xa0]);
  return s;
}
function putMessage(s: ObexServer, msg: Uint8Array | string, t = WBXML): ObexServerAction[] {
  return s.receive(packet(0x82, [cid(), type(t), eob(msg)]), 0);
}

test('CONNECT to SYNCML-DM, an unknown target or no target is refused 0xC4 with fixed fields', () => {
  for (const target of ['SYNCML-DM', 'IRMC-SYNC', undefined]) {
    const s = new ObexServer();
    const a = s.receive(connectRequest(target), 0);
    assert.deepEqual(codes(a), [0xc4], String(target));
    assert.equal(errorCode(a), OBEX_ERR.TARGET);
    const first = a[0];
    assert.ok(first?.kind === 'send');
    assert.deepEqual(response(first.bytes, true).connect, { version: 0x10, flags: 0, maxPacketLength: 1024 });
    assert.equal(s.state, SERVER_STATE.IDLE);
  }
});

test('CONNECT response carries a non-zero Connection ID first, then Who', () => {
  const s = new ObexServer({ connectionId: 0x1234 });
  const a = s.receive(connectRequest('SYNCML-SYNC'), 0)[0];
  assert.ok(a?.kind === 'send');
  const r = response(a.bytes, true);
  assert.equal(r.headers[0]?.id, OBEX_HEADER.CONNECTION_ID);
  assert.equal(r.headers[0]?.value, 0x1234);
  assert.equal(r.headers[1]?.id, OBEX_HEADER.WHO);
  assert.throws(() => new ObexServer({ connectionId: 0 }), { code: OBEX_ERR.HEADER_VALUE });
});

test('requests before CONNECT are refused 0xC3', () => {
  const s = new ObexServer();
  const a = putMessage(s, 'x');
  assert.deepEqual(codes(a), [0xc3]);
  assert.equal(errorCode(a), OBEX_ERR.NOT_CONNECTED);
});

test('Type parameters are tolerated: bare type delivered, raw kept', () => {
  const s = connect();
  const m = putMessage(s, 'x', 'Application/vnd.syncml+wbxml; charset=UTF-8')[1];
  assert.ok(m?.kind === 'message');
  assert.equal(m.type, 'application/vnd.syncml+wbxml');
  assert.equal(m.rawType, 'Application/vnd.syncml+wbxml; charset=UTF-8');
});

test('a wrong Connection ID is answered 0xD3 and the partial PUT dropped', () => {
  const s = connect();
  assert.deepEqual(codes(s.receive(packet(0x02, [cid(), type(WBXML), body('abc')]), 0)), [0x90]);
  const a = s.receive(packet(0x82, [cid(9), eob('def')]), 0);
  assert.deepEqual(codes(a), [0xd3]);
  assert.equal(errorCode(a), OBEX_ERR.CONNECTION_ID);
  assert.equal(s.state, SERVER_STATE.CONNECTED);
});

test('a missing Connection ID is tolerated', () => {
  const s = connect();
  assert.equal(s.receive(packet(0x82, [type(WBXML), eob('x')]), 0)[1]?.kind, 'message');
});

test('PUT while a GET is expected is answered 0xD3 (buteo)', () => {
  const s = connect();
  putMessage(s, 'one');
  assert.equal(s.state, SERVER_STATE.PROCESSING);
  const a = putMessage(s, 'two');
  assert.deepEqual(codes(a), [0xd3]);
  assert.equal(errorCode(a), OBEX_ERR.STATE);
  s.reply(Uint8Array.of(1), 0);
  assert.deepEqual(codes(putMessage(s, 'three')), [0xd3], 'reply ready, still expecting the GET');
});

test('GET with nothing pending is answered 0xD3', () => {
  const s = connect();
  assert.deepEqual(codes(s.receive(packet(0x83, [cid(), type(WBXML)]), 0)), [0xd3]);
});

test('message over the bound is refused 0xCD, by Length header or by bytes received', () => {
  const s = connect({ maxMessageBytes: 100 });
  assert.deepEqual(codes(s.receive(packet(0x02, [cid(), type(WBXML), length(101), body('x')]), 0)), [0xcd]);
  assert.deepEqual(codes(s.receive(packet(0x02, [cid(), type(WBXML), body(payload(60))]), 0)), [0x90]);
  const a = s.receive(packet(0x02, [body(payload(41))]), 0);
  assert.deepEqual(codes(a), [0xcd]);
  assert.equal(errorCode(a), OBEX_ERR.MESSAGE_TOO_LARGE);
  assert.equal(s.state, SERVER_STATE.CONNECTED);
  assert.equal(putMessage(s, payload(100))[1]?.kind, 'message', 'exactly the bound is fine');
});

test('final PUT with no body bytes is refused 0xC0', () => {
  const s = connect();
  assert.deepEqual(codes(s.receive(packet(0x82, [cid(), type(WBXML)]), 0)), [0xc0]);
  assert.deepEqual(codes(putMessage(s, '')), [0xc0]);
});

test('unsupported opcodes get 0xD1; malformed packets 0xC0 without losing the connection', () => {
  const s = connect();
  assert.deepEqual(codes(s.receive(Uint8Array.of(0x85, 0x00, 0x05, 0x02, 0x00), 0)), [0xd1]);
  const bad = s.receive(Uint8Array.of(0x82, 0x00, 0x06, 0x49, 0x00, 0x09), 0);
  assert.deepEqual(codes(bad), [0xc0]);
  assert.equal(errorCode(bad), OBEX_ERR.HEADER_LENGTH);
  assert.equal(putMessage(s, 'ok')[1]?.kind, 'message');
});

test('GET responses fit the peer maximum and the last bytes are in a non-empty End-of-Body', () => {
  for (const peerMax of [255, 256, 1024]) {
    for (let n = 1; n <= 1100; n++) {
      const s = connect({}, peerMax);
      putMessage(s, 'q');
      const reply = payload(n);
      const out: ObexServerAction[] = [...s.reply(reply, 0), ...s.receive(packet(0x83, [cid(), type(WBXML)]), 0)];
      for (let i = 0; i < 100 && s.state === SERVER_STATE.SENDING; i++) out.push(...s.receive(packet(0x83), 0));
      const sends = out.filter((a) => a.kind === 'send');
      const chunks: Uint8Array[] = [];
      sends.forEach((a, i) => {
        assert.ok(a.kind === 'send' && a.bytes.length <= peerMax, `packet over ${peerMax}`);
        const r = response(a.bytes);
        const last = i === sends.length - 1;
        assert.equal(r.code, last ? 0xa0 : 0x90);
        const { chunks: c, endOfBody } = bodyChunks(r.headers);
        assert.equal(endOfBody, last);
        if (last) assert.ok((c[0]?.length ?? 0) > 0, `empty End-of-Body for n=${n}`);
        chunks.push(...c);
      });
      assert.deepEqual(concatBytes(chunks), reply, `n=${n} peerMax=${peerMax}`);
    }
  }
});

test('replyError answers the held GET; replyError before the GET answers the next GET', () => {
  const s = connect();
  putMessage(s, 'q');
  assert.equal(s.receive(packet(0x83, [cid()]), 0)[0]?.kind, 'waiting-for-reply');
  assert.deepEqual(codes(s.replyError(0xd0, 1)), [0xd0]);
  assert.equal(s.state, SERVER_STATE.CONNECTED);
  putMessage(s, 'q');
  assert.deepEqual(s.replyError(0xd3, 2), []);
  assert.deepEqual(codes(s.receive(packet(0x83, [cid()]), 3)), [0xd3]);
  assert.deepEqual(s.reply(Uint8Array.of(1), 4), [], 'late reply after the session moved on is dropped');
});

test('ABORT during a GET discards the rest of the reply', () => {
  const s = connect({}, 255);
  putMessage(s, 'q');
  s.reply(payload(1000), 0);
  assert.deepEqual(codes(s.receive(packet(0x83, [cid()]), 0)), [0x90]);
  const a = s.receive(packet(0xff, [cid()]), 0);
  assert.deepEqual(a.map((x) => x.kind), ['send', 'aborted']);
  assert.deepEqual(codes(s.receive(packet(0x83, [cid()]), 0)), [0xd3]);
});

test('idle timeout: tick closes only after the configured time without packets', () => {
  const s = connect({ idleTimeoutMs: 1000, now: 0 });
  s.receive(packet(0x02, [cid(), type(WBXML), body('x')]), 500);
  assert.deepEqual(s.tick(1499), []);
  assert.deepEqual(s.tick(1500), [{ kind: 'close', reason: 'idle-timeout' }]);
  assert.equal(s.state, SERVER_STATE.CLOSED);
  assert.deepEqual(s.receive(packet(0x83), 1600), []);
});

test('a held GET does not idle out; the reply timeout answers it 0xD3', () => {
  const s = connect({ idleTimeoutMs: 1000, replyTimeoutMs: 5000 });
  putMessage(s, 'q');
  s.receive(packet(0x83, [cid()]), 100);
  assert.deepEqual(s.tick(5099), []);
  const a = s.tick(5100);
  assert.deepEqual(codes(a), [0xd3]);
  assert.equal(errorCode(a), OBEX_ERR.TIMEOUT);
});

test('DISCONNECT ends the session; a new CONNECT on the same link works', () => {
  const s = connect();
  putMessage(s, 'q');
  assert.deepEqual(s.receive(packet(0x81, [cid()]), 0).map((a) => a.kind), ['send', 'disconnected']);
  assert.deepEqual(s.reply(Uint8Array.of(1), 0), []);
  assert.deepEqual(codes(putMessage(s, 'x')), [0xc3]);
  assert.deepEqual(codes(s.receive(connectRequest('SYNCML-SYNC'), 0)), [0xa0]);
  assert.equal(putMessage(s, 'x')[1]?.kind, 'message');
});

test('feed: stream bytes split anywhere; an over-limit length answers 0xCD and closes', () => {
  const s = new ObexServer({ maxPacketLength: 255 });
  const stream = Uint8Array.from([...connectRequest('SYNCML-SYNC'), ...packet(0x82, [cid(), type(WBXML), eob('hello')])]);
  const out: ObexServerAction[] = [];
  for (const b of stream) out.push(...s.feed(Uint8Array.of(b), 0));
  assert.deepEqual(out.map((a) => a.kind), ['send', 'connected', 'send', 'message']);
  const t = new ObexServer({ maxPacketLength: 255 });
  const a = t.feed(Uint8Array.of(0x82, 0x01, 0x00), 0);
  assert.deepEqual(codes(a), [0xcd]);
  assert.deepEqual(a.map((x) => x.kind), ['send', 'error', 'close']);
  assert.equal(t.state, SERVER_STATE.CLOSED);
});

test('sendLengthInGet: false leaves the Length header out', () => {
  const s = connect({ sendLengthInGet: false });
  putMessage(s, 'q');
  s.reply(payload(10), 0);
  const a = s.receive(packet(0x83, [cid()]), 0)[0];
  assert.ok(a?.kind === 'send');
  assert.equal(response(a.bytes).headers.some((h) => h.id === OBEX_HEADER.LENGTH), false);
  assert.equal(response(a.bytes).headers.length, 1);
});
