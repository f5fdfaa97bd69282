// Stream framer: split at every offset, bounded before buffering, fuzz smoke.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ObexError } from '../../src/errors.js';
import { FRAMER_STATE, OBEX_ERR, ObexFramer, decodeRequest } from '../../src/obex/index.js';
import { hex, loadHex, toHex } from '../helpers/hex.js';
import { prng } from '../helpers/prng.js';

const connect = loadHex(new URL('../fixtures/obex/connect-syncml-sync.hex', import.meta.url));
const put = hex(`02 00 0e cb 00 00 00 01  48 00 06 01 02 03   # PUT, ConnID, Body 3 bytes`);
const abort = hex(`ff 00 03  # ABORT: a packet that is only its prefix`);
const get = hex(`83 00 08 cb 00 00 00 01  # GET final, ConnID`);
const disconnect = hex(`81 00 03`);
const packets = [connect, put, abort, get, disconnect];
const stream = Uint8Array.from(packets.flatMap((p) => [...p]));

function hexes(list: Uint8Array[]): string[] {
  return list.map(toHex);
}

test('one push of a whole stream gives every packet', () => {
  const f = new ObexFramer();
  assert.deepEqual(hexes(f.push(stream)), hexes(packets));
  assert.equal(f.bufferedBytes, 0);
});

test('split at every offset gives the same packets', () => {
  for (let i = 0; i <= stream.length; i++) {
    const f = new ObexFramer();
    const out = [...f.push(stream.subarray(0, i)), ...f.push(stream.subarray(i))];
    assert.deepEqual(hexes(out), hexes(packets), `split at ${i}`);
  }
});

test('split at every pair of offsets gives the same packets', () => {
  for (let i = 0; i <= stream.length; i++) {
    for (let j = i; j <= stream.length; j++) {
      const f = new ObexFramer();
      const out = [...f.push(stream.subarray(0, i)), ...f.push(stream.subarray(i, j)), ...f.push(stream.subarray(j))];
      assert.deepEqual(hexes(out), hexes(packets), `split at ${i}, ${j}`);
    }
  }
});

test('byte by byte', () => {
  const f = new ObexFramer();
  const out: Uint8Array[] = [];
  for (const b of stream) out.push(...f.push(Uint8Array.of(b)));
  assert.deepEqual(hexes(out), hexes(packets));
});

test('returned packets are not views of the pushed chunk', () => {
  const f = new ObexFramer();
  const chunk = Uint8Array.from(put);
  const [p] = f.push(chunk);
  chunk[11] = 0xee;
  assert.equal(p?.[11], 0x01);
});

test('a length over the limit fails as soon as the 3-byte prefix arrives', () => {
  const f = new ObexFramer({ maxPacketLength: 1024 });
  assert.deepEqual(f.push(Uint8Array.of(0x02, 0x04)), []);
  assert.throws(() => f.push(Uint8Array.of(0x01)), (e: unknown) => {
    assert.ok(e instanceof ObexError);
    assert.equal(e.code, OBEX_ERR.PACKET_TOO_LARGE);
    assert.equal(e.obexResponse, 0xcd);
    assert.equal(e.offset, 0);
    return true;
  });
  assert.equal(f.state, FRAMER_STATE.FAILED);
  assert.equal(f.bufferedBytes, 3, 'nothing of the body was buffered');
  assert.throws(() => f.push(new Uint8Array(10)), { code: OBEX_ERR.PACKET_TOO_LARGE }, 'stays failed');
  f.reset();
  assert.deepEqual(hexes(f.push(disconnect)), hexes([disconnect]));
});

test('a limit of exactly the packet length passes; one less fails', () => {
  assert.equal(new ObexFramer({ maxPacketLength: 255 }).push(Uint8Array.of(0x02, 0x00, 0xff, ...new Uint8Array(252))).length, 1);
  assert.throws(() => new ObexFramer({ maxPacketLength: 255 }).push(Uint8Array.of(0x02, 0x01, 0x00)), { code: OBEX_ERR.PACKET_TOO_LARGE });
});

test('length field < 3 is a coded error at the packet offset', () => {
  const f = new ObexFramer();
  assert.throws(() => f.push(Uint8Array.of(0x82, 0x00, 0x02)), { code: OBEX_ERR.PACKET_LENGTH, obexResponse: 0xc0, offset: 0 });
  const g = new ObexFramer();
  const first = g.push(Uint8Array.of(0x81, 0x00, 0x03));
  assert.equal(first.length, 1);
  assert.throws(() => g.push(Uint8Array.of(0x82, 0x00, 0x01)), (e: unknown) => (e as ObexError).offset === 3);
});

test('packets before a bad prefix in the same chunk are returned; the error is pending', () => {
  const f = new ObexFramer({ maxPacketLength: 255 });
  const out = f.push(Uint8Array.of(0x81, 0x00, 0x03, 0x02, 0xff, 0xff));
  assert.equal(out.length, 1);
  assert.equal(f.failure?.code, OBEX_ERR.PACKET_TOO_LARGE);
  assert.equal(f.failure?.offset, 3);
  assert.throws(() => f.push(Uint8Array.of(0)), { code: OBEX_ERR.PACKET_TOO_LARGE });
});

test('limit can be lowered after CONNECT and is clamped to 255..65535', () => {
  const f = new ObexFramer();
  assert.equal(f.maxPacketLength, 65535);
  f.maxPacketLength = 10;
  assert.equal(f.maxPacketLength, 255);
  f.maxPacketLength = 1e6;
  assert.equal(f.maxPacketLength, 65535);
});

test('fuzz smoke: 100000 mutated streams give packets or ObexError, nothing else', () => {
  const rand = prng(0x0bec5);
  let packetsOut = 0;
  let framerErrors = 0;
  let decodeErrors = 0;
  for (let n = 0; n < 100_000; n++) {
    const input = Array.from(stream);
    const edits = 1 + rand(4);
    for (let e = 0; e < edits; e++) {
      const at = rand(input.length + 1);
      switch (rand(4)) {
        case 0: input[at] = rand(256); break;
        case 1: input.splice(at, 1); break;
        case 2: input.splice(at, 0, rand(256)); break;
        default: input.length = Math.min(input.length, at); break;
      }
    }
    const bytes = Uint8Array.from(input.filter((x) => x !== undefined));
    const f = new ObexFramer({ maxPacketLength: 255 + rand(300) });
    let pos = 0;
    while (pos < bytes.length) {
      const end = Math.min(bytes.length, pos + 1 + rand(24));
      let got: Uint8Array[];
      try {
        got = f.push(bytes.subarray(pos, end));
      } catch (err) {
        assert.ok(err instanceof ObexError, `non-ObexError ${String(err)}`);
        framerErrors++;
        break;
      }
      for (const p of got) {
        packetsOut++;
        assert.equal(p.length, (p[1]! << 8) | p[2]!);
        try {
          decodeRequest(p);
        } catch (err) {
          assert.ok(err instanceof ObexError, `non-ObexError ${String(err)}`);
          decodeErrors++;
        }
      }
      if (f.failure) { framerErrors++; break; }
      pos = end;
    }
  }
  assert.ok(packetsOut > 100_000 && framerErrors > 1000 && decodeErrors > 1000, `${packetsOut} ${framerErrors} ${decodeErrors}`);
});
