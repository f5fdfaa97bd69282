/**
 * Shared text/directory (RFC 2425) line helpers for vCard and vCalendar: physical lines to
 * logical lines (both folding styles, QP soft breaks across lines), content-line splitting,
 * parameter parsing and folding on output. Works on "binary strings" (one char per byte) so
 * that charsets can be decoded per property afterwards.
 */
import { SyncmlError } from '../errors.js';
import { utf8Length } from '../util/bytes.js';

/** Limits applied while reading; checked before anything is buffered further. */
export interface MimeDirLimits {
  /** Largest input in bytes (default 16 MiB). */
  readonly maxBytes?: number;
  /** Largest logical (unfolded) line in bytes (default 1 MiB). */
  readonly maxLineBytes?: number;
}

/** One parameter: `TYPE=WORK,PREF`, or a bare 2.1 value such as `CELL` (`bare: true`). */
export interface MimeDirParam {
  /** Upper-case parameter name (`TYPE` for bare 2.1 values). */
  readonly name: string;
  /** Values as written (quotes removed). */
  readonly values: readonly string[];
  /** True for a 2.1 bare value with no `NAME=`. */
  readonly bare?: boolean;
}

/** One content line split in its parts; `value` is still encoded. */
export interface ContentLine {
  readonly group?: string;
  /** Upper-case property name. */
  readonly name: string;
  readonly params: readonly MimeDirParam[];
  readonly value: string;
  /** The unfolded line as read. */
  readonly raw: string;
}

/** A format error with the `SB_ERR_FORMAT_*` code convention. */
export function formatError(message: string, code: string, syncmlStatus = 400, offset?: number): SyncmlError {
  return new SyncmlError(message, `SB_ERR_FORMAT_${code}`, offset === undefined ? { syncmlStatus } : { syncmlStatus, offset });
}

/** Bytes or text to a binary string (text is taken as UTF-8). */
export function toBinaryString(input: string | Uint8Array, maxBytes = 16 * 1024 * 1024): string {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  if (bytes.length > maxBytes) throw formatError(`input of ${bytes.length} bytes over the ${maxBytes}-byte limit`, 'TOO_LARGE', 413);
  let out = '';
  const CHUNK = 8192;
  for (let i = 0; i < bytes.length; i += CHUNK) out += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return out;
}

function isQpHeader(line: string): boolean {
  const colon = line.indexOf(':');
  const head = colon < 0 ? line : line.slice(0, colon);
  return /ENCODING=QUOTED-PRINTABLE|;QUOTED-PRINTABLE(;|$)/i.test(head);
}

function isB64Header(line: string): boolean {
  const colon = line.indexOf(':');
  const head = colon < 0 ? line : line.slice(0, colon);
  return /ENCODING=(BASE64|B)(;|$)|;BASE64(;|$)/i.test(head);
}

/**
 * Physical lines to logical lines. A line starting with space or tab continues the previous
 * one: 3.0 drops the one whitespace char (CRLF+space folding), 2.1 keeps it (2.1 folds before
 * existing whitespace). A QP line ending in `=` (or the N9's `==0A=0D=`) continues on the next
 * line whatever that starts with (unless it is BEGIN/END). The folding style follows the
 * last `VERSION:` line (2.1 style until one says 3.0).
 */
export function unfold(text: string, limits: MimeDirLimits = {}): string[] {
  const maxLine = limits.maxLineBytes ?? 1024 * 1024;
  const physical = text.split(/\r\n|\n|\r/);
  const out: string[] = [];
  let version30 = false;
  let current: string | undefined;
  let qpOpen = false;
  let b64Open = false;
  const push = (): void => {
    if (current === undefined) return;
    out.push(current);
    if (/^VERSION:\s*3\.0|^VERSION:\s*4\.0|^VERSION:\s*2\.0/i.test(current)) version30 = true;
    if (/^(BEGIN|END):/i.test(current)) version30 = /^END:/i.test(current) ? version30 : false;
    current = undefined;
  };
  for (const line of physical) {
    if (line.length > maxLine) throw formatError(`line over the ${maxLine}-byte limit`, 'LINE_TOO_LONG');
    if (current !== undefined && qpOpen && !/^(END|BEGIN):/i.test(line)) {
      current = current.replace(/==0A=0D=$/i, '').replace(/=$/, '') + line;
    } else if (current !== undefined && b64Open && /^[A-Za-z0-9+/=]+$/.test(line)) {
      current += line;
    } else if (current !== undefined && (line.startsWith(' ') || line.startsWith('\t'))) {
      current += version30 ? line.slice(1) : line;
    } else {
      push();
      if (line.length === 0) continue;
      current = line;
    }
    if (current.length > maxLine) throw formatError(`line over the ${maxLine}-byte limit`, 'LINE_TOO_LONG');
    qpOpen = current.endsWith('=') && isQpHeader(current);
    b64Open = !version30 && isB64Header(current);
  }
  push();
  return out;
}

/** Split `a,b` honouring double quotes (removed unless `keepQuotes`). */
function splitOn(text: string, sep: string, keepQuotes = false): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') {
      quoted = !quoted;
      if (keepQuotes) cur += ch;
    } else if (ch === sep && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

/**
 * Split one logical line into group, name, params and (still encoded) value.
 * @throws SyncmlError `SB_ERR_FORMAT_LINE` when there is no `:` or no name.
 */
export function parseContentLine(raw: string): ContentLine {
  let quoted = false;
  let colon = -1;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === ':' && !quoted) {
      colon = i;
      break;
    }
  }
  if (colon < 0) throw formatError(`content line without ':' (${raw.slice(0, 40)})`, 'LINE');
  const head = splitOn(raw.slice(0, colon), ';', true);
  const nameFull = (head.shift() ?? '').trim();
  const dot = nameFull.lastIndexOf('.');
  const group = dot > 0 ? nameFull.slice(0, dot) : undefined;
  const name = (dot > 0 ? nameFull.slice(dot + 1) : nameFull).toUpperCase();
  if (!/^[A-Z0-9-]+$/.test(name)) throw formatError(`bad property name ${JSON.stringify(nameFull.slice(0, 40))}`, 'LINE');
  const params: MimeDirParam[] = [];
  for (const part of head) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) {
      params.push({ name: 'TYPE', values: [part.trim().toUpperCase()], bare: true });
    } else {
      const pname = part.slice(0, eq).trim().toUpperCase();
      const values = splitOn(part.slice(eq + 1), ',').map((v) => v.trim());
      params.push({ name: pname, values });
    }
  }
  const value = raw.slice(colon + 1);
  return group === undefined ? { name, params, value, raw } : { group, name, params, value, raw };
}

/** Quote a parameter value when it holds `;`, `:` or `,`. */
export function quoteParam(value: string): string {
  return /[;:,]/.test(value) ? `"${value.replace(/"/g, '')}"` : value;
}

/**
 * Fold one line with CRLF + space so that no physical line is longer than `foldAt` UTF-8
 * octets (RFC 2425 / RFC 5545), never splitting a character. Used by vCard and iCalendar.
 */
export function foldLine(line: string, foldAt = 75): string {
  if (line.length * 3 <= foldAt) return line;
  const parts: string[] = [];
  let cur = '';
  let bytes = 0;
  for (const ch of line) {
    const n = utf8Length(ch);
    if (bytes + n > foldAt) { parts.push(cur); cur = ''; bytes = 1; }
    cur += ch;
    bytes += n;
  }
  parts.push(cur);
  return parts.join('\r\n ');
}
