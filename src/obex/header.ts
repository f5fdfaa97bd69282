/**
 * One OBEX header, encoded and decoded by its class (top two bits of the HI byte), after gobex's
 * gobex-header.c: one switch on the class drives both directions (protocol-notes 1.1).
 *
 * - Unicode (0x00): HI, 2-byte length (whole header), UTF-16BE text ending in a 2-byte NUL. An
 *   empty string is the bare 3-byte header (no NUL), as IrOBEX allows for an empty Name.
 * - Byte sequence (0x40): HI, 2-byte length, bytes.
 * - 1 byte (0x80): HI, value. 4 bytes (0xC0): HI, big-endian value.
 * Unknown header ids are decoded the same way, so a parser skips them by class.
 */
import { OBEX_HEADER_CLASS, OBEX_HEADER_CLASS_MASK } from './constants.js';
import { OBEX_ERR, obexError } from './errors.js';

/** A decoded header; the variant follows from `id & 0xC0`. Byte values are owned by the header. */
export type ObexHeader =
  | { readonly id: number; readonly kind: 'unicode'; readonly value: string }
  | { readonly id: number; readonly kind: 'bytes'; readonly value: Uint8Array }
  | { readonly id: number; readonly kind: 'uint8'; readonly value: number }
  | { readonly id: number; readonly kind: 'uint32'; readonly value: number };

export type ObexHeaderKind = ObexHeader['kind'];

/** Encoding class of a header id. */
export function headerKind(id: number): ObexHeaderKind {
  switch (id & OBEX_HEADER_CLASS_MASK) {
    case OBEX_HEADER_CLASS.UNICODE: return 'unicode';
    case OBEX_HEADER_CLASS.BYTES: return 'bytes';
    case OBEX_HEADER_CLASS.UINT8: return 'uint8';
    default: return 'uint32';
  }
}

/** Build a Unicode-class header (id must have class 0x00). */
export function unicodeHeader(id: number, value: string): ObexHeader {
  return { id, kind: 'unicode', value };
}

/** Build a byte-sequence header (id must have class 0x40). */
export function bytesHeader(id: number, value: Uint8Array): ObexHeader {
  return { id, kind: 'bytes', value };
}

/** Build a 1-byte header (class 0x80). */
export function uint8Header(id: number, value: number): ObexHeader {
  return { id, kind: 'uint8', value };
}

/** Build a 4-byte header (class 0xC0). */
export function uint32Header(id: number, value: number): ObexHeader {
  return { id, kind: 'uint32', value };
}

/** Size in bytes of the encoded header. */
export function headerSize(header: ObexHeader): number {
  switch (header.kind) {
    case 'unicode': return header.value.length === 0 ? 3 : 3 + 2 * header.value.length + 2;
    case 'bytes': return 3 + header.value.length;
    case 'uint8': return 2;
    case 'uint32': return 5;
  }
}

/**
 * Write one header into `out` at `offset`; returns the offset after it.
 * @throws ObexError SB_ERR_OBEX_HEADER_VALUE when the id's class and the value kind disagree, a
 *   number is out of range or the header is longer than 65535 bytes.
 */
export function writeHeader(header: ObexHeader, out: Uint8Array, offset: number): number {
  if (headerKind(header.id) !== header.kind || header.id < 0 || header.id > 0xff) {
    throw obexError(OBEX_ERR.HEADER_VALUE, `header 0x${header.id.toString(16)} is not of class ${header.kind}`);
  }
  const size = headerSize(header);
  if (size > 0xffff) throw obexError(OBEX_ERR.HEADER_VALUE, `header 0x${header.id.toString(16)} is ${size} bytes (max 65535)`);
  out[offset] = header.id;
  switch (header.kind) {
    case 'unicode': {
      writeU16(out, offset + 1, size);
      const s = header.value;
      let p = offset + 3;
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        out[p++] = c >> 8;
        out[p++] = c & 0xff;
      }
      if (s.length > 0) { out[p++] = 0; out[p++] = 0; }
      return p;
    }
    case 'bytes':
      writeU16(out, offset + 1, size);
      out.set(header.value, offset + 3);
      return offset + size;
    case 'uint8':
      if (!Number.isInteger(header.value) || header.value < 0 || header.value > 0xff) {
        throw obexError(OBEX_ERR.HEADER_VALUE, `1-byte header 0x${header.id.toString(16)} value ${header.value} out of range`);
      }
      out[offset + 1] = header.value;
      return offset + 2;
    case 'uint32': {
      const v = header.value;
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
        throw obexError(OBEX_ERR.HEADER_VALUE, `4-byte header 0x${header.id.toString(16)} value ${v} out of range`);
      }
      out[offset + 1] = (v >>> 24) & 0xff;
      out[offset + 2] = (v >>> 16) & 0xff;
      out[offset + 3] = (v >>> 8) & 0xff;
      out[offset + 4] = v & 0xff;
      return offset + 5;
    }
  }
}

/** Encode one header to fresh bytes. */
export function encodeHeader(header: ObexHeader): Uint8Array {
  const out = new Uint8Array(headerSize(header));
  writeHeader(header, out, 0);
  return out;
}

/** Result of decoding one header: the header and the offset just past it. */
export interface DecodedHeader {
  readonly header: ObexHeader;
  readonly next: number;
}

/**
 * Decode the header starting at `offset`, reading no further than `end` (exclusive).
 * Error offsets are indices into `bytes`.
 * @throws ObexError SB_ERR_OBEX_TRUNCATED (fewer bytes than the class needs),
 *   SB_ERR_OBEX_HEADER_LENGTH (length < 3 or past `end`), SB_ERR_OBEX_HEADER_UNICODE (odd length or
 *   no NUL terminator); all with obexResponse 0xC0.
 */
export function decodeHeader(bytes: Uint8Array, offset: number, end: number = bytes.length): DecodedHeader {
  const id = bytes[offset];
  if (id === undefined || offset >= end) throw obexError(OBEX_ERR.TRUNCATED, 'header id missing', undefined, offset);
  const kind = headerKind(id);
  const hex = `0x${id.toString(16).padStart(2, '0')}`;
  if (kind === 'uint8') {
    if (offset + 2 > end) throw obexError(OBEX_ERR.TRUNCATED, `1-byte header ${hex} truncated`, undefined, offset);
    return { header: { id, kind, value: bytes[offset + 1]! }, next: offset + 2 };
  }
  if (kind === 'uint32') {
    if (offset + 5 > end) throw obexError(OBEX_ERR.TRUNCATED, `4-byte header ${hex} truncated`, undefined, offset);
    const value = ((bytes[offset + 1]! << 24) >>> 0) + (bytes[offset + 2]! << 16) + (bytes[offset + 3]! << 8) + bytes[offset + 4]!;
    return { header: { id, kind, value }, next: offset + 5 };
  }
  if (offset + 3 > end) throw obexError(OBEX_ERR.TRUNCATED, `header ${hex} length field truncated`, undefined, offset);
  const length = (bytes[offset + 1]! << 8) | bytes[offset + 2]!;
  if (length < 3) throw obexError(OBEX_ERR.HEADER_LENGTH, `header ${hex} length ${length} < 3`, undefined, offset + 1);
  if (offset + length > end) {
    throw obexError(OBEX_ERR.HEADER_LENGTH, `header ${hex} length ${length} runs past the packet end`, undefined, offset + 1);
  }
  const next = offset + length;
  if (kind === 'bytes') return { header: { id, kind, value: bytes.slice(offset + 3, next) }, next };
  // Unicode: empty, or UTF-16BE code units ending in 00 00 (IrOBEX 2.2.1).
  const n = length - 3;
  if (n === 0) return { header: { id, kind, value: '' }, next };
  if (n % 2 !== 0) throw obexError(OBEX_ERR.HEADER_UNICODE, `unicode header ${hex} has odd length ${length}`, undefined, offset + 1);
  if (bytes[next - 2] !== 0 || bytes[next - 1] !== 0) {
    throw obexError(OBEX_ERR.HEADER_UNICODE, `unicode header ${hex} is not NUL-terminated`, undefined, next - 2);
  }
  let value = '';
  const units: number[] = [];
  for (let p = offset + 3; p < next - 2; p += 2) {
    units.push((bytes[p]! << 8) | bytes[p + 1]!);
    if (units.length === 4096) { value += String.fromCharCode(...units); units.length = 0; }
  }
  return { header: { id, kind, value: value + String.fromCharCode(...units) }, next };
}

/** Decode every header in `bytes[offset, end)`. */
export function decodeHeaders(bytes: Uint8Array, offset: number, end: number = bytes.length): ObexHeader[] {
  const headers: ObexHeader[] = [];
  let p = offset;
  while (p < end) {
    const { header, next } = decodeHeader(bytes, p, end);
    headers.push(header);
    p = next;
  }
  return headers;
}

/** First header with this id, if any. */
export function findHeader(headers: readonly ObexHeader[], id: number): ObexHeader | undefined {
  return headers.find((h) => h.id === id);
}

function writeU16(out: Uint8Array, offset: number, value: number): void {
  out[offset] = value >> 8;
  out[offset + 1] = value & 0xff;
}
