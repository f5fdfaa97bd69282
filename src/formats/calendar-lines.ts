/**
 * Minimal content-line layer for vCalendar 1.0 and vNote (RFC 2425 style): unfolding, QP soft
 * breaks, parameter parsing, QP/CHARSET decoding and encoding, folding.
 */
import iconv from 'iconv-lite';
import { decodeBytes, encodeText } from './charset.js';
import { formatError } from './calendar-model.js';
import { qpDecode } from './qp.js';
import { foldLine as mimeFoldLine } from './mime-dir.js';

/** Longest unfolded line accepted. */
export const MAX_LINE = 64 * 1024;
/** Largest object accepted. */
export const MAX_OBJECT = 1024 * 1024;

/** One parsed content line. */
export interface ContentLine {
  readonly name: string;
  /** Upper-cased parameter names to values; bare 1.0 parameters (`;QUOTED-PRINTABLE`) map to TYPE-like keys. */
  readonly params: Readonly<Record<string, string>>;
  /** Decoded value (QP and CHARSET applied). */
  readonly value: string;
  /** The unfolded raw line, for keeping unknown properties verbatim. */
  readonly raw: string;
}

/**
 * Split text into unfolded logical lines (folding by leading white space, QP soft breaks by `=`).
 * @param text whole object text
 */
export function unfoldLines(text: string): string[] {
  if (text.length > MAX_OBJECT) throw formatError('object too large', 'TOO_LARGE');
  const physical = text.split(/\r\n|\n|\r/);
  const out: string[] = [];
  let qpOpen = false;
  for (const line of physical) {
    if (line.length > MAX_LINE) throw formatError('line too long', 'LINE_TOO_LONG');
    const last = out.length - 1;
    if (qpOpen && last >= 0) {
      out[last] = `${(out[last] ?? '').slice(0, -1)}${line}`;
    } else if ((line.startsWith(' ') || line.startsWith('\t')) && last >= 0) {
      out[last] = `${out[last] ?? ''}${line.slice(1)}`;
    } else {
      out.push(line);
    }
    const cur = out[out.length - 1] ?? '';
    if (cur.length > MAX_LINE) throw formatError('line too long', 'LINE_TOO_LONG');
    qpOpen = cur.endsWith('=') && /QUOTED-PRINTABLE/i.test(cur.slice(0, cur.indexOf(':') + 1 || cur.length));
  }
  return out.filter((l) => l.trim() !== '');
}

/**
 * Encode text as quoted-printable (no soft breaks: lines are folded by the writer's caller).
 * @param text plain text
 * @param bytes the text already encoded in the output charset (default: UTF-8 of `text`)
 */
export function encodeQp(text: string, bytes: Uint8Array = Buffer.from(text, 'utf8')): string {
  let out = '';
  for (const b of bytes) {
    out += b >= 0x21 && b <= 0x7e && b !== 0x3d ? String.fromCharCode(b) : b === 0x20 ? ' ' : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out.replace(/ $/, '=20');
}

/**
 * Parse one unfolded content line.
 * @param raw unfolded line
 * @param defaultCharset charset of QP values without CHARSET (Sony Ericsson: ISO-8859-1); without
 *   it, UTF-8 is tried first and ISO-8859-1 is the fallback
 */
export function parseContentLine(raw: string, defaultCharset?: string): ContentLine {
  const colon = raw.indexOf(':');
  if (colon <= 0) throw formatError(`bad content line: ${raw.slice(0, 40)}`, 'SYNTAX');
  const head = raw.slice(0, colon).split(';');
  const name = (head[0] ?? '').toUpperCase().replace(/^[^.]*\./, '');
  const params: Record<string, string> = {};
  for (const p of head.slice(1)) {
    const eq = p.indexOf('=');
    if (eq < 0) {
      const bare = p.toUpperCase();
      if (bare === 'QUOTED-PRINTABLE' || bare === 'BASE64' || bare === '8BIT') params.ENCODING = bare;
      else params.TYPE = bare;
    } else {
      params[p.slice(0, eq).toUpperCase()] = p.slice(eq + 1).replace(/^"|"$/g, '');
    }
  }
  let value = raw.slice(colon + 1);
  const encoding = (params.ENCODING ?? '').toUpperCase();
  const charset = params.CHARSET ?? defaultCharset;
  if (encoding === 'QUOTED-PRINTABLE') {
    const bytes = Buffer.from(qpDecode(value));
    value = charset !== undefined && iconv.encodingExists(charset) ? iconv.decode(bytes, charset) : decodeBytes(bytes);
  } else if (charset !== undefined && params.CHARSET !== undefined && iconv.encodingExists(charset) && !/^utf-?8$/i.test(charset)) {
    value = iconv.decode(Buffer.from(value, 'latin1'), charset);
  }
  return { name, params, value, raw };
}

/**
 * Write one 1.0-style property, switching to QP for non-ASCII or multi-line values.
 * @param name property name (with any fixed parameters, e.g. `DTSTART`)
 * @param value plain value
 * @param charset charset of QP values (default UTF-8); a value it cannot hold is written in UTF-8
 * @param quoteEightBit false: a single-line value with 8-bit characters that `charset` holds goes
 *   out as characters with CHARSET (the caller encodes the object in `charset`); true (default): QP
 */
export function writeProp(name: string, value: string, charset = 'UTF-8', quoteEightBit = true): string {
  if (/[^\x20-\x7e]/.test(value)) {
    const text = value.replace(/\r?\n/g, '\r\n');
    const bytes = encodeText(text, charset);
    const cs = bytes === undefined ? 'UTF-8' : charset;
    if (!quoteEightBit && bytes !== undefined && !/[\r\n]/.test(text)) return `${name};CHARSET=${cs}:${value}`;
    return `${name};ENCODING=QUOTED-PRINTABLE;CHARSET=${cs}:${encodeQp(text, bytes)}`;
  }
  return `${name}:${value}`;
}

/**
 * True for a content line whose value is empty (`DESCRIPTION:`, `X-FOO;A=1:`): what
 * `dropEmptyProperties` leaves out (Siemens SX1).
 * @param line logical line
 */
export function isEmptyLine(line: string): boolean {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === ':' && !quoted) return line.slice(i + 1).trim() === '';
  }
  return false;
}

/**
 * Fold a line at 75 octets (not inside QP lines, which must not be folded by white space).
 * @param line logical line
 */
export function foldLine(line: string): string {
  if (Buffer.byteLength(line, 'utf8') <= 75) return line;
  if (/QUOTED-PRINTABLE/i.test(line.slice(0, line.indexOf(':')))) {
    const parts: string[] = [];
    let rest = line;
    while (rest.length > 74) {
      let cut = 74;
      if (rest[cut - 1] === '=') cut -= 1;
      else if (rest[cut - 2] === '=') cut -= 2;
      parts.push(`${rest.slice(0, cut)}=`);
      rest = rest.slice(cut);
    }
    parts.push(rest);
    return parts.join('\r\n');
  }
  // Plain lines: fold at 75 UTF-8 octets without splitting a character.
  return mimeFoldLine(line);
}
