/** test/helpers/hex.ts: the annotated hex loader other layers reuse. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hex, toHex } from '../helpers/hex.js';

test('hex: digits, whitespace, comments, string literals', () => {
  assert.deepEqual(hex('02 a4\n01 # comment 6A\n "ok"  6 A'), Uint8Array.of(0x02, 0xa4, 0x01, 0x6f, 0x6b, 0x6a));
  assert.deepEqual(hex('"é#"'), Uint8Array.of(0xc3, 0xa9, 0x23));
  assert.deepEqual(hex(''), new Uint8Array(0));
});

test('hex: errors name the problem', () => {
  assert.throws(() => hex('0'), /odd number/);
  assert.throws(() => hex('0x12'), /unexpected "x" on line 1/);
  assert.throws(() => hex('12\n"abc'), /unterminated string literal on line 2/);
  assert.throws(() => hex('1"a"2'), /inside a byte/);
});

test('toHex', () => {
  assert.equal(toHex(Uint8Array.of(0, 0xff, 0x10)), '00 ff 10');
});
