/**
 * WBXML document header (WBXML 1.3 §5.3): `start = version publicid charset strtbl body`.
 * One function per grammar production, after libwbxml's wbxml_parser.c naming.
 */
import type { Language } from '../util/tree.js';
import type { CodecLimits } from '../util/limits.js';
import { readMbUint32 } from './mb-uint32.js';
import { languageOfFpi, languageOfPublicId } from './tables/public-ids.js';
import { WBXML_ERR, wbxmlDecodeError } from './wbxml-errors.js';

/** A parsed header. `strtbl` is a view into the input (not a copy). */
export interface WbxmlHeader {
  /** Version byte: 0x01..0x03 (WBXML 1.1-1.3, treated alike). */
  readonly version: number;
  /** Numeric public id; 0 means literal (see `fpi`). */
  readonly publicId: number;
  /** The literal FPI string when publicId is 0. */
  readonly fpi?: string;
  /** IANA MIBenum; text is decoded as UTF-8 whatever it says (SyncML peers use 106). */
  readonly charset: number;
  readonly strtbl: Uint8Array;
  /** Language named by the public id / FPI; undefined when unknown (detect from the root tag). */
  readonly language?: Language;
  /** Offset of the first body byte. */
  readonly bodyStart: number;
}

const LATIN1 = new TextDecoder('latin1');

/**
 * `version = u_int8` (WBXML 1.3 §5.4). Accepts 1.1, 1.2 and 1.3 (SYN syncappbase.cpp treats them
 * alike); 0x00 (WBXML 1.0, no charset field) is refused.
 */
export function parseVersion(bytes: Uint8Array): number {
  if (bytes.length < 1) throw wbxmlDecodeError(WBXML_ERR.TRUNCATED, 'input ends before the WBXML version', 0);
  const v = bytes[0]!;
  if (v < 0x01 || v > 0x03) throw wbxmlDecodeError(WBXML_ERR.VERSION, `unsupported WBXML version byte 0x${hex(v)}`, 0);
  return v;
}

/**
 * `strtbl = length *byte` (WBXML 1.3 §5.7): the length is checked against the limit and the
 * remaining input before anything is taken.
 */
export function parseStrtbl(bytes: Uint8Array, offset: number, limits: CodecLimits): { strtbl: Uint8Array; next: number } {
  const len = readMbUint32(bytes, offset);
  if (len.value > limits.maxStringTableBytes) {
    throw wbxmlDecodeError(WBXML_ERR.LIMIT, `string table of ${len.value} bytes over the limit of ${limits.maxStringTableBytes}`, offset);
  }
  if (len.value > bytes.length - len.next) {
    throw wbxmlDecodeError(WBXML_ERR.TRUNCATED, `string table of ${len.value} bytes longer than the remaining input`, offset);
  }
  return { strtbl: bytes.subarray(len.next, len.next + len.value), next: len.next + len.value };
}

/** The NUL-terminated string at `index` of the string table (a final string may lack its NUL). */
export function stringTableBytes(strtbl: Uint8Array, index: number): Uint8Array {
  let end = strtbl.indexOf(0, index);
  if (end < 0) end = strtbl.length;
  return strtbl.subarray(index, end);
}

/**
 * `publicid = mb_u_int32 | ( zero index )`, `charset`, `strtbl` (WBXML 1.3 §5.5-5.7), after
 * `version`. A literal public id is resolved against the string table (FPI with or without NUL).
 */
export function parseHeader(bytes: Uint8Array, limits: CodecLimits): WbxmlHeader {
  const version = parseVersion(bytes);
  const pid = readMbUint32(bytes, 1);
  let next = pid.next;
  let fpiIndex: { value: number; offset: number } | undefined;
  if (pid.value === 0) {
    const idx = readMbUint32(bytes, next);
    fpiIndex = { value: idx.value, offset: next };
    next = idx.next;
  }
  const charset = readMbUint32(bytes, next);
  const table = parseStrtbl(bytes, charset.next, limits);
  const base = { version, publicId: pid.value, charset: charset.value, strtbl: table.strtbl, bodyStart: table.next };
  if (fpiIndex !== undefined) {
    if (fpiIndex.value >= table.strtbl.length) {
      throw wbxmlDecodeError(WBXML_ERR.STRING_TABLE, `public id string index ${fpiIndex.value} outside the string table`, fpiIndex.offset);
    }
    const fpi = LATIN1.decode(stringTableBytes(table.strtbl, fpiIndex.value));
    const language = languageOfFpi(fpi);
    return language === undefined ? { ...base, fpi } : { ...base, fpi, language };
  }
  const language = languageOfPublicId(pid.value);
  return language === undefined ? base : { ...base, language };
}

/** Two hex digits. */
export function hex(b: number): string {
  return b.toString(16).padStart(2, '0').toUpperCase();
}
