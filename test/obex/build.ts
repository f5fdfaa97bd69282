// Request/response builders for the OBEX state machine tests (all through the one encoder).
import {
  OBEX_HEADER, bytesHeader, decodeResponse, encodePacket, typeValue, uint32Header, type ObexHeader, type ObexPacket,
} from '../../src/obex/index.js';
import { asciiBytes } from '../../src/obex/values.js';

export const WBXML = 'application/vnd.syncml+wbxml';

export function packet(code: number, headers: ObexHeader[] = [], maxPacketLength?: number): Uint8Array {
  return encodePacket(maxPacketLength === undefined ? { code, headers } : { code, headers, connect: { version: 0x10, flags: 0, maxPacketLength } });
}

export function connectRequest(target: string | undefined, maxPacketLength = 1024): Uint8Array {
  return packet(0x80, target === undefined ? [] : [bytesHeader(OBEX_HEADER.TARGET, asciiBytes(target))], maxPacketLength);
}

export const cid = (id = 1): ObexHeader => uint32Header(OBEX_HEADER.CONNECTION_ID, id);
export const type = (t: string): ObexHeader => bytesHeader(OBEX_HEADER.TYPE, typeValue(t));
export const body = (b: Uint8Array | string): ObexHeader => bytesHeader(OBEX_HEADER.BODY, typeof b === 'string' ? asciiBytes(b) : b);
export const eob = (b: Uint8Array | string): ObexHeader => bytesHeader(OBEX_HEADER.END_OF_BODY, typeof b === 'string' ? asciiBytes(b) : b);
export const length = (n: number): ObexHeader => uint32Header(OBEX_HEADER.LENGTH, n);

/** Decode a response for assertions. */
export function response(bytes: Uint8Array, toConnect = false): ObexPacket {
  return decodeResponse(bytes, toConnect);
}

/** Deterministic test payload of n bytes. */
export function payload(n: number, seed = 7): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) >>> 0; out[i] = x >>> 24; }
  return out;
}
