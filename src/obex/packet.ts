/**
 * One OBEX packet (protocol-notes 1.1): `code | length (2 bytes BE, whole packet) | fixed fields |
 * headers`. Requests carry an opcode with the Final bit; responses a response code. Only CONNECT
 * (request and response) and SETPATH (request) have fixed fields. A response does not say which
 * request it answers, so the caller tells `decodeResponse` whether it answers a CONNECT.
 */
import { OBEX_FINAL_BIT, OBEX_MAX_PACKET_LENGTH, OBEX_OPCODE, OBEX_RESPONSE } from './constants.js';
import { OBEX_ERR, obexError } from './errors.js';
import { decodeHeaders, headerSize, writeHeader, type ObexHeader } from './header.js';

/** CONNECT fixed fields (request and response). */
export interface ObexConnectFields {
  /** OBEX version, 0x10 = 1.0. */
  readonly version: number;
  /** Flags, 0x00 for SyncML. */
  readonly flags: number;
  /** Largest packet the sender can receive, in bytes (255..65535). */
  readonly maxPacketLength: number;
}

/** SETPATH request fixed fields. */
export interface ObexSetpathFields {
  /** bit 0 = go to parent, bit 1 = do not create. */
  readonly flags: number;
  readonly constants: number;
}

/**
 * A decoded packet. `code` is the first byte as on the wire: an opcode including the Final bit
 * (0x82 final PUT) for requests, a response code (0xA0) for responses.
 */
export interface ObexPacket {
  readonly code: number;
  readonly connect?: ObexConnectFields;
  readonly setpath?: ObexSetpathFields;
  readonly headers: readonly ObexHeader[];
}

/** True when bit 7 (Final) of an opcode is set. */
export function isFinal(code: number): boolean {
  return (code & OBEX_FINAL_BIT) !== 0;
}

/** True for the CONNECT request opcode. */
export function isConnectOpcode(code: number): boolean {
  return code === OBEX_OPCODE.CONNECT;
}

/** True for the SETPATH request opcode (with or without the Final bit). */
export function isSetpathOpcode(code: number): boolean {
  return (code | OBEX_FINAL_BIT) === OBEX_OPCODE.SETPATH;
}

/** Encoded size of a packet. */
export function packetSize(packet: ObexPacket): number {
  let n = 3;
  if (packet.connect) n += 4;
  if (packet.setpath) n += 2;
  for (const h of packet.headers) n += headerSize(h);
  return n;
}

/**
 * Encode a packet to fresh bytes.
 * @param maxPacketLength refuse packets larger than this (the peer's maximum), default 65535
 * @throws ObexError SB_ERR_OBEX_PACKET_TOO_LARGE (obexResponse 0xCD) when over the limit;
 *   SB_ERR_OBEX_HEADER_VALUE for an unencodable header
 */
export function encodePacket(packet: ObexPacket, maxPacketLength: number = OBEX_MAX_PACKET_LENGTH): Uint8Array {
  const size = packetSize(packet);
  const limit = Math.min(maxPacketLength, OBEX_MAX_PACKET_LENGTH);
  if (size > limit) {
    throw obexError(OBEX_ERR.PACKET_TOO_LARGE, `packet of ${size} bytes exceeds the maximum of ${limit}`, OBEX_RESPONSE.REQUEST_ENTITY_TOO_LARGE);
  }
  const out = new Uint8Array(size);
  out[0] = packet.code;
  out[1] = size >> 8;
  out[2] = size & 0xff;
  let p = 3;
  if (packet.connect) {
    const c = packet.connect;
    out[3] = c.version;
    out[4] = c.flags;
    out[5] = c.maxPacketLength >> 8;
    out[6] = c.maxPacketLength & 0xff;
    p = 7;
  }
  if (packet.setpath) {
    out[p] = packet.setpath.flags;
    out[p + 1] = packet.setpath.constants;
    p += 2;
  }
  for (const h of packet.headers) p = writeHeader(h, out, p);
  return out;
}

function checkLength(bytes: Uint8Array): void {
  if (bytes.length < 3) throw obexError(OBEX_ERR.TRUNCATED, `packet of ${bytes.length} bytes is shorter than 3`, undefined, bytes.length);
  const length = (bytes[1]! << 8) | bytes[2]!;
  if (length < 3) throw obexError(OBEX_ERR.PACKET_LENGTH, `packet length field ${length} < 3`, undefined, 1);
  if (length !== bytes.length) {
    throw obexError(OBEX_ERR.PACKET_LENGTH, `packet length field ${length} but ${bytes.length} bytes given`, undefined, 1);
  }
}

function readConnect(bytes: Uint8Array): ObexConnectFields {
  if (bytes.length < 7) throw obexError(OBEX_ERR.TRUNCATED, 'CONNECT fixed fields truncated', undefined, 3);
  return { version: bytes[3]!, flags: bytes[4]!, maxPacketLength: (bytes[5]! << 8) | bytes[6]! };
}

/**
 * Decode one whole request packet (exactly `length` bytes). CONNECT and SETPATH fixed fields are
 * read by opcode. Header values are copies owned by the result.
 * @throws ObexError (obexResponse 0xC0) SB_ERR_OBEX_TRUNCATED, SB_ERR_OBEX_PACKET_LENGTH, or a header
 *   error; `offset` is the index in `bytes`
 */
export function decodeRequest(bytes: Uint8Array): ObexPacket {
  checkLength(bytes);
  const code = bytes[0]!;
  if (isConnectOpcode(code)) return { code, connect: readConnect(bytes), headers: decodeHeaders(bytes, 7) };
  if (isSetpathOpcode(code)) {
    if (bytes.length < 5) throw obexError(OBEX_ERR.TRUNCATED, 'SETPATH fixed fields truncated', undefined, 3);
    return { code, setpath: { flags: bytes[3]!, constants: bytes[4]! }, headers: decodeHeaders(bytes, 5) };
  }
  return { code, headers: decodeHeaders(bytes, 3) };
}

/**
 * Decode one whole response packet.
 * @param toConnect the response answers a CONNECT: read the 4 fixed bytes. An error response of
 *   exactly 3 bytes is accepted without them (some stacks send a bare code); a success must have them.
 * @throws ObexError as decodeRequest
 */
export function decodeResponse(bytes: Uint8Array, toConnect = false): ObexPacket {
  checkLength(bytes);
  const code = bytes[0]!;
  if (toConnect && (bytes.length > 3 || code === OBEX_RESPONSE.SUCCESS)) {
    return { code, connect: readConnect(bytes), headers: decodeHeaders(bytes, 7) };
  }
  return { code, headers: decodeHeaders(bytes, 3) };
}
