/**
 * QUOTED-PRINTABLE as vCard 2.1 / vCalendar 1.0 peers use it (RFC 2045 section 6.7), with
 * the Nokia N9's bogus soft break `==0A=0D=` skipped (protocol-notes section 5).
 */

const HEX = '0123456789ABCDEF';

/**
 * Decode QP text (already joined across soft breaks or not) to bytes. `=` + line end is a
 * soft break; malformed escapes are kept literally rather than rejected.
 */
export function qpDecode(text: string): Uint8Array {
  const src = text.replace(/==0A=0D=(\r\n|\n|\r)?/gi, '').replace(/=(\r\n|\n|\r)/g, '');
  const out: number[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c === 0x3d && i + 2 < src.length && /^[0-9A-Fa-f]{2}$/.test(src.slice(i + 1, i + 3))) {
      out.push(parseInt(src.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === 0x3d && i === src.length - 1) {
      // A trailing soft break with nothing after it.
    } else if (c > 0xff) {
      for (const b of new TextEncoder().encode(src[i] ?? '')) out.push(b);
    } else {
      out.push(c);
    }
  }
  return Uint8Array.from(out);
}

/**
 * Encode bytes as QP. Lines are broken with `=` + CRLF so that no physical line is longer than
 * `lineMax` characters; `firstLineUsed` is how much of the first line the property name took.
 */
export function qpEncode(bytes: Uint8Array, lineMax = 76, firstLineUsed = 0): string {
  let out = '';
  let col = firstLineUsed;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    const last = i === bytes.length - 1;
    const plain = b >= 0x21 && b <= 0x7e && b !== 0x3d || (b === 0x20 && !last);
    const piece = plain ? String.fromCharCode(b) : `=${HEX[b >> 4]}${HEX[b & 15]}`;
    if (col + piece.length > lineMax - 1) {
      out += '=\r\n';
      col = 0;
    }
    out += piece;
    col += piece.length;
  }
  return out;
}
