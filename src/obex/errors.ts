/**
 * Coded OBEX errors (STYLE.md convention 6). Every code is stable; `obexResponse` is the response
 * code to answer the peer with, `offset` the byte offset where a decoder found the problem.
 */
import { ObexError } from '../errors.js';
import { OBEX_RESPONSE } from './constants.js';

/** Stable error codes raised by src/obex. */
export const OBEX_ERR = {
  /** Not enough bytes for the fixed part of a packet or header. */
  TRUNCATED: 'SB_ERR_OBEX_TRUNCATED',
  /** Packet length field smaller than 3 or different from the bytes given. */
  PACKET_LENGTH: 'SB_ERR_OBEX_PACKET_LENGTH',
  /** Packet length field larger than the negotiated maximum. */
  PACKET_TOO_LARGE: 'SB_ERR_OBEX_PACKET_TOO_LARGE',
  /** Header length field smaller than 3 or past the end of the packet. */
  HEADER_LENGTH: 'SB_ERR_OBEX_HEADER_LENGTH',
  /** Unicode header with an odd byte count or no NUL terminator. */
  HEADER_UNICODE: 'SB_ERR_OBEX_HEADER_UNICODE',
  /** A header value that cannot be encoded (range, class mismatch). */
  HEADER_VALUE: 'SB_ERR_OBEX_HEADER_VALUE',
  /** Object (PUT/GET body) larger than the configured message bound. */
  MESSAGE_TOO_LARGE: 'SB_ERR_OBEX_MESSAGE_TOO_LARGE',
  /** The peer answered with an error response code (in `obexResponse`). */
  PEER_RESPONSE: 'SB_ERR_OBEX_PEER_RESPONSE',
  /** CONNECT refused: unknown, missing or unsupported Target. */
  TARGET: 'SB_ERR_OBEX_TARGET',
  /** CONNECT response without a usable Connection ID or Who. */
  CONNECT_RESPONSE: 'SB_ERR_OBEX_CONNECT_RESPONSE',
  /** Request carries a Connection ID other than the one handed out. */
  CONNECTION_ID: 'SB_ERR_OBEX_CONNECTION_ID',
  /** Request not valid in the current state (PUT while a GET is expected, GET with nothing to send...). */
  STATE: 'SB_ERR_OBEX_STATE',
  /** Operation before CONNECT. */
  NOT_CONNECTED: 'SB_ERR_OBEX_NOT_CONNECTED',
  /** Opcode this server does not implement. */
  NOT_IMPLEMENTED: 'SB_ERR_OBEX_NOT_IMPLEMENTED',
  /** Final PUT without any body bytes. */
  EMPTY_PUT: 'SB_ERR_OBEX_EMPTY_PUT',
  /** Local misuse: a new operation while one is outstanding. */
  BUSY: 'SB_ERR_OBEX_BUSY',
  /** The peer (or the reply producer) did not answer in time. */
  TIMEOUT: 'SB_ERR_OBEX_TIMEOUT',
  /** Operation aborted. */
  ABORTED: 'SB_ERR_OBEX_ABORTED',
  /** Mode B: the phone refused every SAN form offered. */
  SAN_REFUSED: 'SB_ERR_OBEX_SAN_REFUSED',
  /** Mode B: the link went away before the session ended. */
  LINK_CLOSED: 'SB_ERR_OBEX_LINK_CLOSED',
  /** SAN shorter than its fields say. */
  SAN_TRUNCATED: 'SB_ERR_OBEX_SAN_TRUNCATED',
  /** SAN version other than 10, 11 or 12. */
  SAN_VERSION: 'SB_ERR_OBEX_SAN_VERSION',
  /** SAN field out of range while encoding. */
  SAN_VALUE: 'SB_ERR_OBEX_SAN_VALUE',
} as const;

export type ObexErrorCode = (typeof OBEX_ERR)[keyof typeof OBEX_ERR];

/**
 * Build an ObexError. `response` defaults to 0xC0 Bad Request.
 * @param offset byte offset of the problem, when it comes from a decoder
 */
export function obexError(code: ObexErrorCode, message: string, response: number = OBEX_RESPONSE.BAD_REQUEST, offset?: number): ObexError {
  return new ObexError(message, code, offset === undefined ? { obexResponse: response } : { obexResponse: response, offset });
}
