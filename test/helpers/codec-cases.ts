/**
 * Four-way codec case builder (mqtt-packet's testParseGenerate, gobex's encode/decode arrays).
 *
 * One `(name, value, annotated bytes)` case registers four node:test tests: decode(bytes) equals
 * value; encode(value) equals bytes; decode(encode(value)) equals value; encode(decode(bytes))
 * equals bytes. Siblings: decode-only, encode-only (for liberal inputs and canonical outputs), and
 * `_nval_` cases (bytes -> expected error code, optionally offset).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hex, toHex } from './hex.js';

/** A codec under test. `equal` defaults to assert.deepStrictEqual. */
export interface Codec<T> {
  readonly decode: (bytes: Uint8Array) => T;
  readonly encode: (value: T) => Uint8Array;
  readonly assertEqual?: (actual: T, expected: T, message?: string) => void;
}

/** Bytes as annotated hex text or as bytes. */
export type BytesLike = string | Uint8Array;

function bytesOf(b: BytesLike): Uint8Array {
  return typeof b === 'string' ? hex(b) : b;
}

function eq<T>(codec: Codec<T>, actual: T, expected: T, message: string): void {
  if (codec.assertEqual) codec.assertEqual(actual, expected, message);
  else assert.deepStrictEqual(actual, expected, message);
}

function assertBytes(actual: Uint8Array, expected: Uint8Array, message: string): void {
  assert.equal(toHex(actual), toHex(expected), message);
}

/** Register decode, encode and both mirror tests for one case. */
export function codecCase<T>(codec: Codec<T>, name: string, value: NoInfer<T>, bytes: BytesLike): void {
  const b = bytesOf(bytes);
  test(`${name}: decode`, () => eq(codec, codec.decode(b), value, 'decode(bytes) != value'));
  test(`${name}: encode`, () => assertBytes(codec.encode(value), b, 'encode(value) != bytes'));
  test(`${name}: mirror decode(encode(value))`, () => eq(codec, codec.decode(codec.encode(value)), value, 'decode(encode(value)) != value'));
  test(`${name}: mirror encode(decode(bytes))`, () => assertBytes(codec.encode(codec.decode(b)), b, 'encode(decode(bytes)) != bytes'));
}

/** Decode-only case (liberal input that the encoder would write differently). */
export function decodeCase<T>(codec: Codec<T>, name: string, bytes: BytesLike, value: NoInfer<T>): void {
  const b = bytesOf(bytes);
  test(`${name}: decode`, () => eq(codec, codec.decode(b), value, 'decode(bytes) != value'));
}

/** Encode-only case. */
export function encodeCase<T>(codec: Codec<T>, name: string, value: NoInfer<T>, bytes: BytesLike): void {
  const b = bytesOf(bytes);
  test(`${name}: encode`, () => assertBytes(codec.encode(value), b, 'encode(value) != bytes'));
}

/** Expected failure: decoding throws an error with this `code` (and `offset`, when given). */
export function nvalCase<T>(codec: Codec<T>, name: string, bytes: BytesLike, code: string, offset?: number): void {
  const b = bytesOf(bytes);
  test(`${name}_nval_: ${code}`, () => {
    assert.throws(() => codec.decode(b), (err: unknown) => {
      const e = err as { code?: unknown; offset?: unknown; message?: unknown };
      assert.equal(e.code, code, `code (message: ${String(e.message)})`);
      if (offset !== undefined) assert.equal(e.offset, offset, `offset (message: ${String(e.message)})`);
      return true;
    });
  });
}

/** Expected failure: encoding throws an error with this `code`. */
export function encodeNvalCase<T>(codec: Codec<T>, name: string, value: NoInfer<T>, code: string): void {
  test(`${name}_nval_: encode ${code}`, () => {
    assert.throws(() => codec.encode(value), (err: unknown) => {
      assert.equal((err as { code?: unknown }).code, code);
      return true;
    });
  });
}
