// QUOTED-PRINTABLE and charset helpers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { qpDecode, qpEncode } from '../../src/formats/qp.js';
import { decodeBytes, encodeText } from '../../src/formats/charset.js';

const ascii = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

test('qpDecode: escapes, soft breaks (CRLF, LF), N9 bogus soft break, malformed kept', () => {
  assert.equal(ascii(qpDecode('a=3Db=\r\nc=\nd')), 'a=bcd');
  assert.equal(ascii(qpDecode('Hello ==0A=0D=\r\nWorld')), 'Hello World');
  assert.equal(ascii(qpDecode('x=ZZy=')), 'x=ZZy');
  assert.equal(new TextDecoder().decode(qpDecode('=C3=BC=e2=82=ac')), 'ü€');
});

test('qpEncode: lines within the limit, trailing space encoded, round trip (fixed seed)', () => {
  assert.equal(qpEncode(new TextEncoder().encode('a b ')), 'a b=20');
  fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 0, max: 60 }), (bytes, used) => {
    const text = qpEncode(bytes, 76, used);
    const lines = text.split('\r\n');
    lines.forEach((line, i) => assert.ok(line.length + (i === 0 ? used : 0) <= 76));
    assert.deepEqual(qpDecode(text), bytes);
  }), { seed: 11, numRuns: 300 });
});

test('charsets: UTF-8 with Latin-1 fallback, exact ISO-8859-1, iconv for others', () => {
  assert.equal(decodeBytes(Uint8Array.from([0x4d, 0xfc])), 'Mü');
  assert.equal(decodeBytes(Uint8Array.from([0x80, 0x9f]), 'ISO-8859-1'), '\u0080\u009f');
  assert.equal(decodeBytes(Uint8Array.from([0xa4]), 'ISO-8859-15'), '€');
  assert.deepEqual(encodeText('Mü', 'ISO-8859-1'), Uint8Array.from([0x4d, 0xfc]));
  assert.equal(encodeText('서', 'ISO-8859-1'), undefined);
  assert.deepEqual(encodeText('€', 'windows-1252'), Uint8Array.from([0x80]));
  assert.throws(() => decodeBytes(Uint8Array.from([1]), 'X-NOPE'), { code: 'SB_ERR_FORMAT_CHARSET' });
  assert.throws(() => encodeText('a', 'X-NOPE'), { code: 'SB_ERR_FORMAT_CHARSET' });
});
