/**
 * OBEX wire vocabulary (STYLE.md convention 4: values are the wire values; reverse maps derived).
 *
 * Sources: IrOBEX 1.2 as applied by OpenOBEX obex_const.h and BlueZ gobex-defs.h; SyncML OBEX
 * binding constants from protocol-notes.md sections 1 and 2.
 */
import { CONTENT_TYPE } from '../util/content-types.js';

/** Bit 7 of an opcode or response code: the Final bit. */
export const OBEX_FINAL_BIT = 0x80;

/** Request opcodes as sent on the wire (Final bit included where the operation is single-packet). */
export const OBEX_OPCODE = {
  CONNECT: 0x80,
  DISCONNECT: 0x81,
  PUT: 0x02,
  PUT_FINAL: 0x82,
  GET: 0x03,
  GET_FINAL: 0x83,
  SETPATH: 0x85,
  ACTION: 0x86,
  SESSION: 0x87,
  ABORT: 0xff,
} as const;

/** Response codes, always with the Final bit set (protocol-notes 1.3). */
export const OBEX_RESPONSE = {
  CONTINUE: 0x90,
  SUCCESS: 0xa0,
  CREATED: 0xa1,
  ACCEPTED: 0xa2,
  NON_AUTHORITATIVE: 0xa3,
  NO_CONTENT: 0xa4,
  RESET_CONTENT: 0xa5,
  PARTIAL_CONTENT: 0xa6,
  MULTIPLE_CHOICES: 0xb0,
  MOVED_PERMANENTLY: 0xb1,
  MOVED_TEMPORARILY: 0xb2,
  SEE_OTHER: 0xb3,
  NOT_MODIFIED: 0xb4,
  USE_PROXY: 0xb5,
  BAD_REQUEST: 0xc0,
  UNAUTHORIZED: 0xc1,
  PAYMENT_REQUIRED: 0xc2,
  FORBIDDEN: 0xc3,
  NOT_FOUND: 0xc4,
  METHOD_NOT_ALLOWED: 0xc5,
  NOT_ACCEPTABLE: 0xc6,
  PROXY_AUTH_REQUIRED: 0xc7,
  REQUEST_TIMEOUT: 0xc8,
  CONFLICT: 0xc9,
  GONE: 0xca,
  LENGTH_REQUIRED: 0xcb,
  PRECONDITION_FAILED: 0xcc,
  REQUEST_ENTITY_TOO_LARGE: 0xcd,
  REQUEST_URL_TOO_LARGE: 0xce,
  UNSUPPORTED_MEDIA_TYPE: 0xcf,
  INTERNAL_SERVER_ERROR: 0xd0,
  NOT_IMPLEMENTED: 0xd1,
  BAD_GATEWAY: 0xd2,
  SERVICE_UNAVAILABLE: 0xd3,
  GATEWAY_TIMEOUT: 0xd4,
  VERSION_NOT_SUPPORTED: 0xd5,
  DATABASE_FULL: 0xe0,
  DATABASE_LOCKED: 0xe1,
} as const;

/** Header identifiers (HI byte, protocol-notes 1.4); the top two bits give the encoding class. */
export const OBEX_HEADER = {
  COUNT: 0xc0,
  NAME: 0x01,
  TYPE: 0x42,
  LENGTH: 0xc3,
  TIME: 0x44,
  TIME_U32: 0xc4,
  DESCRIPTION: 0x05,
  TARGET: 0x46,
  HTTP: 0x47,
  BODY: 0x48,
  END_OF_BODY: 0x49,
  WHO: 0x4a,
  CONNECTION_ID: 0xcb,
  APP_PARAMETERS: 0x4c,
  AUTH_CHALLENGE: 0x4d,
  AUTH_RESPONSE: 0x4e,
  CREATOR_ID: 0xcf,
  WAN_UUID: 0x50,
  OBJECT_CLASS: 0x51,
  SESSION_PARAMETERS: 0x52,
  SESSION_SEQUENCE_NUMBER: 0x93,
  ACTION_ID: 0x94,
  DEST_NAME: 0x15,
  PERMISSIONS: 0xd6,
  SRM: 0x97,
  SRM_PARAMETERS: 0x98,
} as const;

/** Header encoding classes: `id & OBEX_HEADER_CLASS_MASK` (protocol-notes 1.1). */
export const OBEX_HEADER_CLASS = {
  /** UTF-16BE text, 2-byte length, NUL-terminated. */
  UNICODE: 0x00,
  /** Byte sequence, 2-byte length. */
  BYTES: 0x40,
  /** One byte quantity, no length. */
  UINT8: 0x80,
  /** Four byte big-endian quantity, no length. */
  UINT32: 0xc0,
} as const;

export const OBEX_HEADER_CLASS_MASK = 0xc0;

/** OBEX protocol version carried in CONNECT (1.0). */
export const OBEX_VERSION = 0x10;

/** Smallest legal maximum packet length; assumed before CONNECT (OpenOBEX OBEX_MINIMUM_MTU). */
export const OBEX_MIN_PACKET_LENGTH = 255;
/** Largest packet the 16-bit length field allows (OpenOBEX OBEX_MAXIMUM_MTU). */
export const OBEX_MAX_PACKET_LENGTH = 65535;
/** Default maximum packet length we announce (OpenOBEX default MTU; BUT's default). */
export const OBEX_DEFAULT_PACKET_LENGTH = 1024;

/** CONNECT Target / Who value for data synchronisation: ASCII `SYNCML-SYNC`, no NUL (11 bytes). */
export const SYNCML_SYNC_TARGET = 'SYNCML-SYNC';
/** CONNECT Target for device management: ASCII `SYNCML-DM`, no NUL (9 bytes). */
export const SYNCML_DM_TARGET = 'SYNCML-DM';

/** Type header values of the SyncML OBEX binding (protocol-notes 2.1). */
export const SYNCML_CONTENT_TYPE = {
  XML: CONTENT_TYPE.SYNCML_XML,
  WBXML: CONTENT_TYPE.SYNCML_WBXML,
  DS_NOTIFICATION: CONTENT_TYPE.DS_NOTIFICATION,
  NOTIFICATION: CONTENT_TYPE.NOTIFICATION,
  DM_XML: CONTENT_TYPE.DM_XML,
  DM_WBXML: CONTENT_TYPE.DM_WBXML,
} as const;

function reverse(table: Record<string, number>): ReadonlyMap<number, string> {
  const map = new Map<number, string>();
  for (const [name, value] of Object.entries(table)) if (!map.has(value)) map.set(value, name);
  return map;
}

/** Wire value → name, for logs. */
export const OBEX_OPCODE_NAMES = reverse(OBEX_OPCODE);
export const OBEX_RESPONSE_NAMES = reverse(OBEX_RESPONSE);
export const OBEX_HEADER_NAMES = reverse(OBEX_HEADER);

/** True for the 0xA0..0xA6 success codes (0x90 Continue is not a final success). */
export function isObexSuccess(code: number): boolean {
  return code >= OBEX_RESPONSE.SUCCESS && code <= OBEX_RESPONSE.PARTIAL_CONTENT;
}
