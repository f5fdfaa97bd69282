/**
 * Annotated hex for test fixtures (gobex / mqtt-packet style byte arrays, as text).
 *
 * Syntax: hex digit pairs, whitespace ignored anywhere (also between the two digits of a byte),
 * `#` starts a comment to the end of the line, and `"..."` is a literal whose UTF-8 bytes are
 * inserted (no escapes; no NUL added). Anything else is an error naming the line.
 */
import { readFileSync } from 'node:fs';

const UTF8 = new TextEncoder();

/** Parse annotated hex text to bytes. @throws Error on a stray character or an odd digit count. */
export function hex(text: string): Uint8Array {
  const out: number[] = [];
  let nibble = -1;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') { line++; continue; }
    if (c === ' ' || c === '\t' || c === '\r' || c === ',') continue;
    if (c === '#') {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
      continue;
    }
    if (c === '"') {
      if (nibble >= 0) throw new Error(`hex: string literal inside a byte on line ${line}`);
      const close = text.indexOf('"', i + 1);
      if (close < 0) throw new Error(`hex: unterminated string literal on line ${line}`);
      for (const b of UTF8.encode(text.slice(i + 1, close))) out.push(b);
      i = close;
      continue;
    }
    const v = parseInt(c, 16);
    if (Number.isNaN(v)) throw new Error(`hex: unexpected ${JSON.stringify(c)} on line ${line}`);
    if (nibble < 0) nibble = v;
    else { out.push(nibble * 16 + v); nibble = -1; }
  }
  if (nibble >= 0) throw new Error('hex: odd number of hex digits');
  return Uint8Array.from(out);
}

/** Read an annotated `.hex` file. */
export function loadHex(path: string | URL): Uint8Array {
  return hex(readFileSync(path, 'utf8'));
}

/** Bytes as lower-case hex pairs separated by spaces (for assertion messages). */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (i === 0 ? '' : ' ') + HEX_PAIRS[bytes[i]!]!;
  return s;
}

const HEX_PAIRS = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Byte-wise equality of two arrays. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
