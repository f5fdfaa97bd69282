/**
 * Header value helpers for the SyncML OBEX binding: ASCII Target/Who, the NUL-terminated Type
 * header (protocol-notes 1.4: SE and BUT both add the trailing 0) and its parameters.
 */
import { OBEX_HEADER } from './constants.js';
import type { ObexHeader } from './header.js';

/** ASCII (latin-1) bytes of a string; code points above 0xFF become '?'. */
export function asciiBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[i] = c > 0xff ? 0x3f : c;
  }
  return out;
}

/** Bytes as a latin-1 string. */
export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** Type header value: ASCII MIME type plus one NUL byte. */
export function typeValue(contentType: string): Uint8Array {
  const a = asciiBytes(contentType);
  const out = new Uint8Array(a.length + 1);
  out.set(a);
  return out;
}

/** A received Type header, split into the bare media type and the raw text. */
export interface ParsedType {
  /** Media type without parameters, trimmed and lower-cased: `application/vnd.syncml+wbxml`. */
  readonly type: string;
  /** The value as sent, trailing NULs removed: `application/vnd.syncml+wbxml; charset=UTF-8`. */
  readonly raw: string;
}

/**
 * Parse a Type header value. Tolerates a missing NUL, several NULs and parameters after `;`
 * (Nokia 515 sends `; charset=UTF-8`, SE NEWS).
 */
export function parseTypeValue(value: Uint8Array): ParsedType {
  let end = value.length;
  while (end > 0 && value[end - 1] === 0) end--;
  const raw = latin1(value.subarray(0, end));
  const semi = raw.indexOf(';');
  return { type: (semi < 0 ? raw : raw.slice(0, semi)).trim().toLowerCase(), raw };
}

/** The Type header of a header list, parsed; undefined when absent or not a byte sequence. */
export function findType(headers: readonly ObexHeader[]): ParsedType | undefined {
  const h = headers.find((x) => x.id === OBEX_HEADER.TYPE);
  return h?.kind === 'bytes' ? parseTypeValue(h.value) : undefined;
}

/** The value of a 4-byte header, if present. */
export function findUint32(headers: readonly ObexHeader[], id: number): number | undefined {
  const h = headers.find((x) => x.id === id);
  return h?.kind === 'uint32' ? h.value : undefined;
}

/** The value of a byte-sequence header, if present. */
export function findBytes(headers: readonly ObexHeader[], id: number): Uint8Array | undefined {
  const h = headers.find((x) => x.id === id);
  return h?.kind === 'bytes' ? h.value : undefined;
}

/** Body and End-of-Body chunks in order, and whether End-of-Body was seen. */
export function bodyChunks(headers: readonly ObexHeader[]): { chunks: Uint8Array[]; endOfBody: boolean; hasBody: boolean } {
  const chunks: Uint8Array[] = [];
  let endOfBody = false;
  let hasBody = false;
  for (const h of headers) {
    if (h.kind !== 'bytes') continue;
    if (h.id === OBEX_HEADER.BODY) { chunks.push(h.value); hasBody = true; }
    else if (h.id === OBEX_HEADER.END_OF_BODY) { chunks.push(h.value); endOfBody = true; hasBody = true; }
  }
  return { chunks, endOfBody, hasBody };
}

