/**
 * Charset helpers for the vObject formats: `TextDecoder` decodes, `iconv-lite` encodes
 * (DESIGN.md section 4). ISO-8859-1 is mapped byte for byte, both ways, so it round-trips exactly.
 */
import iconv from 'iconv-lite';
import { SyncmlError } from '../errors.js';

const LATIN1 = new Set(['ISO-8859-1', 'ISO8859-1', 'LATIN1', 'LATIN-1', 'L1', 'ISO_8859-1']);

/** True when `charset` names ISO-8859-1 under one of its usual spellings. */
export function isLatin1(charset: string): boolean {
  return LATIN1.has(charset.toUpperCase());
}

/**
 * Decode bytes in the given charset. Without a charset, UTF-8 is tried first and Latin-1 is the
 * fallback (Sony Ericsson sends Latin-1 without saying so).
 * @throws SyncmlError `SB_ERR_FORMAT_CHARSET` (415) for a charset this runtime does not know.
 */
export function decodeBytes(bytes: Uint8Array, charset?: string): string {
  if (charset === undefined) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return decodeLatin1(bytes);
    }
  }
  if (isLatin1(charset)) return decodeLatin1(bytes);
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch (cause) {
    throw new SyncmlError(`unknown charset ${charset}`, 'SB_ERR_FORMAT_CHARSET', { syncmlStatus: 415, cause });
  }
}

/** Byte-for-byte ISO-8859-1 decoding. */
export function decodeLatin1(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}

/**
 * Encode text in the given charset, or return undefined when the text does not fit it
 * (so the caller can fall back to UTF-8 rather than lose characters).
 * @throws SyncmlError `SB_ERR_FORMAT_CHARSET` (415) for an unknown charset.
 */
export function encodeText(text: string, charset: string): Uint8Array | undefined {
  if (charset.toUpperCase() === 'UTF-8') return new TextEncoder().encode(text);
  if (isLatin1(charset)) {
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c > 0xff) return undefined;
      out[i] = c;
    }
    return out;
  }
  if (!iconv.encodingExists(charset)) {
    throw new SyncmlError(`unknown charset ${charset}`, 'SB_ERR_FORMAT_CHARSET', { syncmlStatus: 415 });
  }
  const bytes = iconv.encode(text, charset);
  return iconv.decode(bytes, charset) === text ? new Uint8Array(bytes) : undefined;
}

/** True when every character is 7-bit ASCII. */
export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}
