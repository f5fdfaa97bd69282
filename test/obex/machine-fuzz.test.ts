// Fuzz smoke for the state machines: mutated request/response streams never make them throw, and
// everything they send is a well-formed packet within the peer's maximum.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ObexClient, ObexServer, decodeRequest, decodeResponse } from '../../src/obex/index.js';
import { cid, connectRequest, body, eob, packet, payload, type, WBXML } from './build.js';
import { prng } from '../helpers/prng.js';

function mutate(base: Uint8Array, rand: (n: number) => number): Uint8Array {
  const input = Array.from(base);
  const edits = 1 + rand(3);
  for (let e = 0; e < edits; e++) {
    const at = rand(input.length);
    switch (rand(3)) {
      case 0: input[at] = rand(256); break;
      case 1: input.splice(at, 1); break;
      default: input.splice(at, 0, rand(256)); break;
    }
  }
  return Uint8Array.from(input);
}

test('server: 20000 mutated sessions, no throw, every response well-formed', () => {
  const session = Uint8Array.from([
    ...connectRequest('SYNCML-SYNC', 255),
    ...packet(0x02, [cid(), type(WBXML), body(payload(40))]),
    ...packet(0x02, [body(payload(40))]),
    ...packet(0x82, [eob(payload(20))]),
    ...packet(0x83, [cid(), type(WBXML)]),
    ...packet(0x83), ...packet(0x83),
    ...packet(0xff, [cid()]),
    ...packet(0x81, [cid()]),
  ]);
  const rand = prng(42);
  let sends = 0;
  for (let n = 0; n < 20_000; n++) {
    const s = new ObexServer({ maxPacketLength: 255, maxMessageBytes: 200 });
    const bytes = mutate(session, rand);
    for (let pos = 0; pos < bytes.length;) {
      const end = Math.min(bytes.length, pos + 1 + rand(64));
      for (const a of s.feed(bytes.subarray(pos, end), n)) {
        if (a.kind === 'message') s.reply(payload(600), n);
        if (a.kind === 'send') {
          sends++;
          assert.ok(a.bytes.length <= 65535);
          decodeResponse(a.bytes, a.bytes.length >= 7 && (a.bytes[0] === 0xa0 || a.bytes[0] === 0xc4) && a.bytes[3] === 0x10);
          assert.ok(a.bytes.length <= Math.max(255, s.peerMaxPacketLength));
        }
      }
      pos = end;
    }
  }
  assert.ok(sends > 20_000);
});

test('client: 20000 mutated response streams, no throw, every request well-formed', () => {
  const rand = prng(7);
  const ok = packet(0xa0, [cid(), { id: 0x4a, kind: 'bytes', value: new TextEncoder().encode('SYNCML-SYNC') }], 255);
  const getResponses = Uint8Array.from([...packet(0x90, [body(payload(100))]), ...packet(0x90, [body(payload(10))]), ...packet(0xa0, [eob(payload(5))])]);
  for (let n = 0; n < 20_000; n++) {
    const c = new ObexClient({ maxMessageBytes: 150 });
    const check = (actions: ReturnType<ObexClient['receive']>): void => {
      for (const a of actions) if (a.kind === 'send') { assert.ok(a.bytes.length <= Math.max(255, c.peerMaxPacketLength)); decodeRequest(a.bytes); }
    };
    check(c.connect(0));
    check(c.feed(rand(4) === 0 ? mutate(ok, rand) : ok, 0));
    if (c.state !== 'connected') continue;
    check(c.get(WBXML, 0));
    const stream = mutate(getResponses, rand);
    for (let pos = 0; pos < stream.length;) {
      const end = Math.min(stream.length, pos + 1 + rand(40));
      check(c.feed(stream.subarray(pos, end), 0));
      pos = end;
    }
  }
});
