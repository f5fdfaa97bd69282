/**
 * Character-level helpers of the XML writer: UTF-8 lengths, XML character legality, escaping,
 * CDATA sections, and the text form of opaque bytes. Each string builder has a size twin so
 * xmlElementSize can measure without building.
 */
import { utf8Length } from '../util/bytes.js';

/**
 * Whether every character of s is an XML 1.0 Char (tab, LF, CR, U+0020-U+D7FF,
 * U+E000-U+FFFD, U+10000-U+10FFFF as a surrogate pair).
 */
export function isXmlText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0xd800) continue;
    if (c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (c >= 0xe000 && c <= 0xfffd) continue;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      i++;
      continue;
    }
    return false;
  }
  return true;
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };

/**
 * Escape character data: `&`, `<`, `>`, and CR as `&#13;` so that any conforming XML parser
 * (which would turn a raw CR into LF) reads the same text back.
 */
export function escapeText(s: string): string {
  return s.replace(/[&<>\r]/g, (c) => ESCAPES[c] ?? c);
}

/** UTF-8 length of escapeText(s). */
export function escapedTextLength(s: string): number {
  let extra = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x26) extra += 4; // &amp;
    else if (c === 0x3c || c === 0x3e) extra += 3; // &lt; &gt;
    else if (c === 0x0d) extra += 4; // &#13;
  }
  return utf8Length(s) + extra;
}

const CDATA_OPEN = '<![CDATA[';
const CDATA_CLOSE = ']]>';

/**
 * Write s as CDATA. A `]]>` inside is split across two sections (`]]]]><![CDATA[>`). Empty
 * text gives an empty string (nothing to write). CRs stay raw: in CDATA they cannot be escaped.
 */
export function cdata(s: string): string {
  if (s.length === 0) return '';
  return CDATA_OPEN + s.split(CDATA_CLOSE).join(']]]]><![CDATA[>') + CDATA_CLOSE;
}

/** UTF-8 length of cdata(s). */
export function cdataLength(s: string): number {
  if (s.length === 0) return 0;
  let splits = 0;
  for (let i = s.indexOf(CDATA_CLOSE); i >= 0; i = s.indexOf(CDATA_CLOSE, i + 1)) splits++;
  return utf8Length(s) + 12 + splits * 12;
}

const UTF8_FATAL = new TextDecoder('utf-8', { fatal: true });

/**
 * The text the writer emits for opaque bytes (WBXML OPAQUE) and for text that XML cannot carry.
 * XML has no binary data, so this is a documented, lossy fallback meant for debug dumps and
 * relaying (binary SyncML data over XML is rare):
 * 1. bytes that are valid UTF-8 and only XML characters: that text (lossless);
 * 2. else, when every byte read as Latin-1 is an XML character (no C0 controls but tab, LF,
 *    CR): the Latin-1 reading (e.g. a vCard in ISO-8859-1 from a Sony Ericsson);
 * 3. else base64 (RFC 4648, with padding).
 */
export function opaqueText(bytes: Uint8Array): string {
  let utf8: string | undefined;
  try {
    utf8 = UTF8_FATAL.decode(bytes);
  } catch {
    utf8 = undefined;
  }
  if (utf8 !== undefined && isXmlText(utf8)) return utf8;
  let latin1 = '';
  let ok = true;
  for (const b of bytes) {
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) { ok = false; break; }
    latin1 += String.fromCharCode(b);
  }
  return ok ? latin1 : base64(bytes);
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** RFC 4648 base64 with padding (pure: no Buffer). */
export function base64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1] ?? 0;
    const c = bytes[i + 2] ?? 0;
    const n = (a << 16) | (b << 8) | c;
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63]! : '=';
    out += i + 2 < bytes.length ? B64[n & 63]! : '=';
  }
  return out;
}
