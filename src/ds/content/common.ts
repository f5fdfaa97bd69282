/**
 * Helpers shared by the content handlers: content types (parameters, case, sniffing), choosing
 * the format to send, charsets, field limits and the errors the engine turns into statuses
 * (415 for a type a datastore does not take, 400 for data that does not parse). Pure.
 */
import { BridgeError, SyncmlError } from '../../errors.js';
import { decodeBytes, encodeText, isLatin1 } from '../../formats/charset.js';
import type { ContentFormat, DeviceFormat, StoreKind } from '../ports.js';

/** A content type split into its lower-case `type/subtype` and its charset parameter. */
export interface MediaType {
  readonly type: string;
  readonly charset?: string;
}

/** How much of an object is looked at to guess its type. */
const SNIFF_BYTES = 64 * 1024;

/** Bytes to a "binary string" (one char per byte), so that no byte is lost before it is decoded. */
export function binaryString(bytes: Uint8Array): string {
  let out = '';
  const CHUNK = 8192;
  for (let i = 0; i < bytes.length; i += CHUNK) out += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return out;
}

/** A binary string back to its bytes. */
export function binaryBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** UTF-8 bytes of a text. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/**
 * Guess the type of an object from its content: BEGIN:VCARD (VERSION 3.0/4.0 = text/vcard,
 * else text/x-vcard), BEGIN:VCALENDAR (VERSION 1.0 = text/x-vcalendar, else text/calendar),
 * BEGIN:VNOTE (text/x-vnote), anything else text/plain.
 */
export function sniffType(data: Uint8Array): string {
  const head = binaryString(data.subarray(0, SNIFF_BYTES));
  const begin = /^[ \t]*BEGIN[ \t]*:[ \t]*(VCARD|VCALENDAR|VNOTE)[ \t]*$/im.exec(head);
  const what = begin?.[1]?.toUpperCase();
  if (what === 'VCARD') return /^[ \t]*VERSION[ \t]*:[ \t]*[34]\.0/im.test(head) ? 'text/vcard' : 'text/x-vcard';
  if (what === 'VCALENDAR') return /^[ \t]*VERSION[ \t]*:[ \t]*1\.0/im.test(head) ? 'text/x-vcalendar' : 'text/calendar';
  if (what === 'VNOTE') return 'text/x-vnote';
  return 'text/plain';
}

/**
 * The media type of an item: `type` as sent (any case, with parameters such as
 * `; charset=UTF-8`), or sniffed from `data` when `type` is absent or empty.
 */
export function mediaTypeOf(type: string | undefined, data: Uint8Array): MediaType {
  const parts = (type ?? '').split(';');
  const base = (parts.shift() ?? '').trim().toLowerCase();
  if (base === '') return { type: sniffType(data) };
  for (const p of parts) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    if (p.slice(0, eq).trim().toLowerCase() === 'charset') {
      const charset = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
      if (charset !== '') return { type: base, charset };
    }
  }
  return { type: base };
}

/** SyncmlError 415 `SB_ERR_FORMAT_UNSUPPORTED`: the datastore does not take this type. */
export function unsupportedType(kind: StoreKind, type: string): SyncmlError {
  return new SyncmlError(`the ${kind} datastore does not take ${type}`, 'SB_ERR_FORMAT_UNSUPPORTED', { syncmlStatus: 415 });
}

/** SyncmlError 400 with an `SB_ERR_FORMAT_*` code: the data does not parse. */
export function badData(message: string, code = 'SYNTAX', cause?: unknown): SyncmlError {
  return new SyncmlError(message, `SB_ERR_FORMAT_${code}`, cause === undefined ? { syncmlStatus: 400 } : { syncmlStatus: 400, cause });
}

/**
 * A parser's error as the handler reports it: the type was already accepted, so "no BEGIN"
 * (415 in the vCard parser) is bad data (400); errors that are not BridgeErrors become 400 too.
 * Other coded errors (413 too large, 415 unknown charset) are kept.
 */
export function parseFailure(err: unknown): BridgeError {
  if (err instanceof BridgeError) {
    if (err.code === 'SB_ERR_FORMAT_NO_BEGIN' && err.syncmlStatus !== 400) return badData(err.message, 'NO_BEGIN', err);
    return err;
  }
  return badData(`bad data: ${err instanceof Error ? err.message : String(err)}`, 'SYNTAX', err);
}

/** Run a parser, turning its failures into coded 400s (see {@link parseFailure}). */
export function parsing<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw parseFailure(err);
  }
}

/** True for UTF-8 under its usual spellings (or no charset at all). */
export function isUtf8(charset: string | undefined): boolean {
  return charset === undefined || /^utf-?8$/i.test(charset.trim());
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** True when the bytes hold at least one multi-byte UTF-8 sequence and are valid UTF-8 throughout. */
function isMultibyteUtf8(data: Uint8Array): boolean {
  if (!data.some((b) => b >= 0x80)) return false;
  try {
    STRICT_UTF8.decode(data);
    return true;
  } catch {
    return false;
  }
}

/**
 * The charset to decode an incoming item with: the type's charset parameter, else the device's
 * (profile) charset; undefined for UTF-8, so that decoding tries UTF-8 and falls back to Latin-1.
 * A profile's 8-bit charset (Sony Ericsson's Latin-1) gives way when the item is valid UTF-8 with
 * non-ASCII text in it: Latin-1 text almost never forms valid multi-byte UTF-8 (accented letters
 * followed by ASCII do not), and a phone of that family with newer firmware, or a wrongly matched
 * phone, sends UTF-8 that Latin-1 decoding would garble.
 */
export function inputCharset(media: MediaType, dev: DeviceFormat, data?: Uint8Array): string | undefined {
  if (media.charset !== undefined) return isUtf8(media.charset) ? undefined : media.charset;
  const cs = dev.charset;
  if (isUtf8(cs) || (data !== undefined && isMultibyteUtf8(data))) return undefined;
  return cs;
}

/** Decode a whole object (for the calendar and note codecs, which take text). */
export function decodeText(data: Uint8Array, charset: string | undefined): string {
  const text = decodeBytes(data, charset);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Encode output text in the device's charset when it holds every character, else UTF-8. */
export function encodeOutput(text: string, charset: string | undefined): Uint8Array {
  if (isUtf8(charset) || charset === undefined) return utf8(text);
  return encodeText(text, isLatin1(charset) ? 'ISO-8859-1' : charset) ?? utf8(text);
}

/** A format a handler can write: its type (lower case) and the versions it writes for it. */
export interface Producible {
  readonly type: string;
  /** Versions this handler writes for the type; the first is the default. */
  readonly versions: readonly string[];
}

/**
 * The format to send: the first of `accepts` this handler can write (the device's version when
 * it is one the handler writes, else the type's default version); `fallback` when `accepts` is
 * empty or holds nothing the handler writes.
 */
export function pickFormat(accepts: readonly ContentFormat[], producible: readonly Producible[], fallback: ContentFormat): ContentFormat {
  for (const f of accepts) {
    const type = mediaTypeOf(f.type, new Uint8Array()).type;
    const p = producible.find((x) => x.type === type);
    if (p === undefined) continue;
    const version = p.versions.includes(f.version.trim()) ? f.version.trim() : (p.versions[0] ?? '');
    return { type, version };
  }
  return fallback;
}

/** The field limit for a property name, when the device has one. */
export function fieldLimit(dev: DeviceFormat, name: string): number | undefined {
  const n = dev.fieldLimits?.[name.toUpperCase()];
  return n !== undefined && Number.isFinite(n) && n > 0 ? Math.floor(n) : undefined;
}

/** The first `max` characters (code points, never half a surrogate pair) of a text. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max).join('');
}

/**
 * True when `incoming` is what the device made of `stored` under a field limit: the stored
 * value cut to the limit. The merge then keeps the stored (longer) value.
 */
export function isTruncationOf(incoming: string, stored: string, max: number | undefined): boolean {
  return max !== undefined && incoming !== stored && Array.from(stored).length > max && truncate(stored, max) === incoming;
}

/** The property names a device keeps; undefined = every one (DeviceFormat.supportedProps). */
export function supportedSet(dev: DeviceFormat): ReadonlySet<string> | undefined {
  if (dev.supportedProps === undefined) return undefined;
  return new Set([...dev.supportedProps].map((n) => n.toUpperCase()));
}

