/**
 * mb_u_int32 (WBXML 1.3 §5.1): unsigned integer, big-endian base 128, bit 7 set on every byte
 * but the last. We read at most 5 bytes and at most 32 bits.
 */
import { WBXML_ERR, wbxmlDecodeError } from './wbxml-errors.js';

/** Result of reading one mb_u_int32: the value and the offset just after it. */
export interface MbRead {
  readonly value: number;
  readonly next: number;
}

/**
 * Read an mb_u_int32 at `offset` of `bytes` (stopping at `end`, default bytes.length).
 * @throws WbxmlError SB_ERR_WBXML_TRUNCATED when input ends inside it,
 *   SB_ERR_WBXML_MB_UINT32 when it is longer than 5 bytes or larger than 0xFFFFFFFF.
 */
export function readMbUint32(bytes: Uint8Array, offset: number, end = bytes.length): MbRead {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    const p = offset + i;
    if (p >= end) throw wbxmlDecodeError(WBXML_ERR.TRUNCATED, 'input ends inside mb_u_int32', offset);
    const b = bytes[p]!;
    value = value * 128 + (b & 0x7f);
    if (value > 0xffffffff) throw wbxmlDecodeError(WBXML_ERR.MB_UINT32, 'mb_u_int32 larger than 32 bits', offset);
    if ((b & 0x80) === 0) return { value, next: p + 1 };
  }
  throw wbxmlDecodeError(WBXML_ERR.MB_UINT32, 'mb_u_int32 longer than 5 bytes', offset);
}

/** Number of bytes the minimal mb_u_int32 encoding of `value` takes (1..5). */
export function mbUint32Size(value: number): number {
  let n = 1;
  let v = value;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Minimal mb_u_int32 encoding of `value` (0..0xFFFFFFFF). */
export function encodeMbUint32(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`mb_u_int32 out of range: ${value}`);
  const n = mbUint32Size(value);
  const out = new Uint8Array(n);
  let v = value;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = (v % 128) | (i === n - 1 ? 0 : 0x80);
    v = Math.floor(v / 128);
  }
  return out;
}
