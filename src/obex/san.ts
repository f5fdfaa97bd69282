/**
 * DS 1.2 Server Alerted Notification, the binary "package #0" (protocol-notes 2.4; SYN san.cpp,
 * BUT ServerAlertedNotification.cpp). Layout:
 *
 *   digest (16) | version:10 ui-mode:2 initiator:1 future:27 | session id (16) |
 *   server id length (8) | server id | num syncs:4 future:4 |
 *   per sync: sync type:4 future:4 | content type (24) | uri length (8) | uri |  vendor specific (rest)
 *
 * The DS 1.0/1.1 SAN is an ordinary SyncML message (Alert in a normal SyncHdr) and belongs to the
 * codec layer, not here. `node:crypto` is used only for MD5 hashing (pure computation).
 */
import { createHash } from 'node:crypto';
import { OBEX_ERR, obexError } from './errors.js';

/** UI mode values. */
export const SAN_UI_MODE = { NOT_SPECIFIED: 0, BACKGROUND: 1, INFORMATIVE: 2, USER_INTERACTION: 3 } as const;
/** Initiator bit. */
export const SAN_INITIATOR = { USER: 0, SERVER: 1 } as const;
/** WSP content-type codes seen in SANs (SE SyncML.h); 0 = unspecified. */
export const SAN_CONTENT_TYPE = { UNSPECIFIED: 0, TEXT_PLAIN: 0x03, TEXT_X_VCALENDAR: 0x06, TEXT_X_VCARD: 0x07, TEXT_CALENDAR: 0x0305, TEXT_VCARD: 0x0309 } as const;

/** One datastore to sync. */
export interface SanSync {
  /** Alert code, 200 + the 4-bit field (206 two-way ... 210 refresh from server). */
  readonly syncType: number;
  /** 24-bit WSP content-type code. */
  readonly contentType: number;
  /** Server-side datastore URI (what the client uses as Target). */
  readonly serverUri: string;
}

/** A decoded (or to-be-encoded) SAN. */
export interface San {
  /** 10 * major + minor: 12 for DS 1.2 (10 and 11 accepted on decode). */
  readonly version: number;
  readonly uiMode: number;
  readonly initiator: number;
  readonly sessionId: number;
  /** Server identifier, often `PC Suite` (protocol-notes 2.3). */
  readonly serverId: string;
  /** Datastores; empty means "all datastores". At most 15. */
  readonly syncs: readonly SanSync[];
  /** Vendor-specific trailing bytes (empty when none). */
  readonly vendor: Uint8Array;
}

/** A decoded SAN with its digest. */
export interface DecodedSan extends San {
  readonly digest: Uint8Array;
}

/** Credentials for the digest. Without them the digest is 16 zero bytes (SYN behaviour). */
export interface SanDigestInput {
  /** String hashed first: `server-id:password` per spec (SE uses `user:password`). */
  readonly identity: string;
  /** Nonce bytes or text (SE uses the constant `SyncEvolution`). */
  readonly nonce: Uint8Array | string;
}

const UTF8 = new TextEncoder();
const UTF8_DECODE = new TextDecoder('utf-8');

function md5(...parts: (Uint8Array | string)[]): Uint8Array {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

function b64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/**
 * Digest = MD5( B64(MD5(identity)) ":" nonce ":" B64(MD5(notification)) ), where notification is
 * every byte after the digest (SYN san.cpp CreateDigest).
 */
export function computeSanDigest(notification: Uint8Array, input: SanDigestInput): Uint8Array {
  return md5(b64(md5(input.identity)), ':', input.nonce, ':', b64(md5(notification)));
}

/** Check a received SAN's digest. Phones in PC-Suite mode ignore it; so may we. */
export function verifySanDigest(san: Uint8Array, input: SanDigestInput): boolean {
  if (san.length < 16) return false;
  const want = computeSanDigest(san.subarray(16), input);
  return want.every((b, i) => b === san[i]);
}

/**
 * Encode a SAN. @throws ObexError SB_ERR_OBEX_SAN_VALUE when a field does not fit its bits.
 */
export function encodeSan(san: San, digestInput?: SanDigestInput): Uint8Array {
  const range = (name: string, v: number, max: number): void => {
    if (!Number.isInteger(v) || v < 0 || v > max) throw obexError(OBEX_ERR.SAN_VALUE, `SAN ${name} ${v} not in 0..${max}`);
  };
  range('version', san.version, 0x3ff);
  range('ui mode', san.uiMode, 3);
  range('initiator', san.initiator, 1);
  range('session id', san.sessionId, 0xffff);
  range('sync count', san.syncs.length, 15);
  const id = UTF8.encode(san.serverId);
  range('server id length', id.length, 0xff);
  const parts: number[] = [];
  parts.push(san.version >> 2, ((san.version & 3) << 6) | (san.uiMode << 4) | (san.initiator << 3), 0, 0, 0);
  parts.push(san.sessionId >> 8, san.sessionId & 0xff, id.length, ...id);
  parts.push(san.syncs.length << 4);
  for (const s of san.syncs) {
    range('sync type', s.syncType - 200, 15);
    range('content type', s.contentType, 0xffffff);
    const uri = UTF8.encode(s.serverUri);
    range('server URI length', uri.length, 0xff);
    parts.push((s.syncType - 200) << 4, s.contentType >> 16, (s.contentType >> 8) & 0xff, s.contentType & 0xff, uri.length, ...uri);
  }
  const notification = new Uint8Array(parts.length + san.vendor.length);
  notification.set(parts);
  notification.set(san.vendor, parts.length);
  const out = new Uint8Array(16 + notification.length);
  if (digestInput) out.set(computeSanDigest(notification, digestInput));
  out.set(notification, 16);
  return out;
}

/**
 * Decode a SAN. Any digest is accepted (check it with verifySanDigest if wanted). A SAN that ends
 * right after the server id is read as "no syncs" (vphone does the same).
 * @throws ObexError SB_ERR_OBEX_SAN_TRUNCATED (with offset), SB_ERR_OBEX_SAN_VERSION (not 10/11/12)
 */
export function decodeSan(bytes: Uint8Array): DecodedSan {
  const need = (offset: number, n: number, what: string): void => {
    if (offset + n > bytes.length) throw obexError(OBEX_ERR.SAN_TRUNCATED, `SAN truncated in ${what}`, undefined, offset);
  };
  need(0, 24, 'header');
  const b = (i: number): number => bytes[i]!;
  const version = (b(16) << 2) | (b(17) >> 6);
  if (version < 10 || version > 12) throw obexError(OBEX_ERR.SAN_VERSION, `SAN version ${version} not 10, 11 or 12`, undefined, 16);
  const uiMode = (b(17) >> 4) & 3;
  const initiator = (b(17) >> 3) & 1;
  const sessionId = (b(21) << 8) | b(22);
  const idLength = b(23);
  need(24, idLength, 'server id');
  const serverId = UTF8_DECODE.decode(bytes.subarray(24, 24 + idLength));
  let p = 24 + idLength;
  const syncs: SanSync[] = [];
  if (p < bytes.length) {
    const count = b(p) >> 4;
    p++;
    for (let i = 0; i < count; i++) {
      need(p, 5, `sync ${i}`);
      const syncType = 200 + (b(p) >> 4);
      const contentType = (b(p + 1) << 16) | (b(p + 2) << 8) | b(p + 3);
      const uriLength = b(p + 4);
      need(p + 5, uriLength, `sync ${i} URI`);
      const serverUri = UTF8_DECODE.decode(bytes.subarray(p + 5, p + 5 + uriLength));
      syncs.push({ syncType, contentType, serverUri });
      p += 5 + uriLength;
    }
  }
  return { digest: bytes.slice(0, 16), version, uiMode, initiator, sessionId, serverId, syncs, vendor: bytes.slice(p) };
}
