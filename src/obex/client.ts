/**
 * OBEX client state machine (Mode B, protocol-notes 2.3: we are OBEX client and SyncML server;
 * the phone is OBEX server). CONNECT to `SYNCML-SYNC`, PUT a message (the SAN, then each reply),
 * GET the phone's next message, DISCONNECT.
 *
 * Pure: method calls and response packets in, action lists out; one request outstanding at a time.
 * PUT puts the last bytes of the message into End-of-Body and never sends an empty End-of-Body
 * for a non-empty message (Nokia S40 quirk, protocol-notes 1.6).
 */
import type { ObexError } from '../errors.js';
import { DEFAULT_CODEC_LIMITS } from '../util/limits.js';
import {
  OBEX_DEFAULT_PACKET_LENGTH, OBEX_HEADER, OBEX_MAX_PACKET_LENGTH, OBEX_MIN_PACKET_LENGTH, OBEX_OPCODE,
  OBEX_RESPONSE, OBEX_VERSION, SYNCML_SYNC_TARGET, isObexSuccess,
} from './constants.js';
import { OBEX_ERR, obexError } from './errors.js';
import { ObexFramer } from './framer.js';
import { bytesHeader, headerSize, uint32Header, type ObexHeader } from './header.js';
import { decodeResponse, encodePacket, type ObexPacket } from './packet.js';
import { asciiBytes, bodyChunks, findBytes, findType, findUint32, latin1, typeValue } from './values.js';
import { bytesEqual, concatBytes } from '../util/bytes.js';

/** Named client states. */
export const CLIENT_STATE = {
  IDLE: 'idle',
  CONNECTING: 'connecting',
  CONNECTED: 'connected',
  PUTTING: 'putting',
  GETTING: 'getting',
  ABORTING: 'aborting',
  DISCONNECTING: 'disconnecting',
  CLOSED: 'closed',
} as const;

export type ClientState = (typeof CLIENT_STATE)[keyof typeof CLIENT_STATE];

export type ClientOperation = 'connect' | 'put' | 'get' | 'abort' | 'disconnect';

export interface ObexClientOptions {
  /** Largest packet we receive, announced in CONNECT (255..65535). Default 1024. */
  readonly maxPacketLength?: number;
  /** Largest GET object accepted, in bytes. Default: DEFAULT_CODEC_LIMITS.maxDocumentBytes. */
  readonly maxMessageBytes?: number;
  /** CONNECT Target. Default `SYNCML-SYNC`. */
  readonly target?: string;
  /**
   * Fail a request not answered within this many ms. Default 150000: phones can take long to answer
   * a GET (BUT waits 120 s), and vphone's phone-server holds a GET up to 120 s before answering
   * 0xD3 itself; waiting a little longer lets the peer's own answer arrive first.
   */
  readonly timeoutMs?: number;
}

export type ObexClientAction =
  /** Write these bytes (one request packet) to the link. */
  | { readonly kind: 'send'; readonly bytes: Uint8Array; readonly code: number }
  | { readonly kind: 'connected'; readonly connectionId: number; readonly peerMaxPacketLength: number; readonly who: string }
  /** The final PUT packet was answered with a success code. */
  | { readonly kind: 'put-done'; readonly response: number }
  /** A whole GET object; `type` is the Type header if the peer sent one (SyncML peers do not). */
  | { readonly kind: 'message'; readonly type: string | undefined; readonly body: Uint8Array }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'disconnected' }
  /** The operation failed; `error.obexResponse` is the peer's response code when it answered with one. */
  | { readonly kind: 'error'; readonly operation: ClientOperation; readonly error: ObexError }
  /** Close the link (timeout, or a stream that can no longer be trusted). */
  | { readonly kind: 'close'; readonly reason: 'timeout' | 'protocol' };

/** Mode B OBEX client for one link. */
export class ObexClient {
  readonly #maxPacket: number;
  readonly #maxMessage: number;
  readonly #target: Uint8Array;
  readonly #timeout: number;
  readonly #framer: ObexFramer;
  #state: ClientState = CLIENT_STATE.IDLE;
  #peerMax = OBEX_MIN_PACKET_LENGTH;
  #connectionId: number | undefined;
  #sentAt = 0;
  #op: ClientOperation = 'connect';
  /** Whether the packet in flight is the last one of its operation. */
  #lastPacket = true;
  // PUT
  #body: Uint8Array = new Uint8Array(0);
  #offset = 0;
  #type = '';
  // GET
  #chunks: Uint8Array[] = [];
  #received = 0;
  #getType: string | undefined;
  #abortRequested = false;

  constructor(options: ObexClientOptions = {}) {
    this.#maxPacket = clamp(options.maxPacketLength ?? OBEX_DEFAULT_PACKET_LENGTH);
    this.#maxMessage = options.maxMessageBytes ?? DEFAULT_CODEC_LIMITS.maxDocumentBytes;
    this.#target = asciiBytes(options.target ?? SYNCML_SYNC_TARGET);
    this.#timeout = options.timeoutMs ?? 150_000;
    this.#framer = new ObexFramer({ maxPacketLength: this.#maxPacket });
  }

  get state(): ClientState {
    return this.#state;
  }

  /** The peer's maximum packet length (255 until CONNECT succeeds). */
  get peerMaxPacketLength(): number {
    return this.#peerMax;
  }

  get connectionId(): number | undefined {
    return this.#connectionId;
  }

  /** Send CONNECT with Target. @throws ObexError SB_ERR_OBEX_BUSY unless idle */
  connect(now: number): ObexClientAction[] {
    this.#expect(CLIENT_STATE.IDLE, 'connect');
    this.#state = CLIENT_STATE.CONNECTING;
    const connect = { version: OBEX_VERSION, flags: 0, maxPacketLength: this.#maxPacket };
    return [this.#sendPacket('connect', { code: OBEX_OPCODE.CONNECT, connect, headers: [bytesHeader(OBEX_HEADER.TARGET, this.#target)] }, true, now)];
  }

  /**
   * PUT one message. First packet: Connection ID, Type (NUL-terminated), Length, Body; the last
   * bytes always travel in End-of-Body of the final packet. The body is not copied.
   * @throws ObexError SB_ERR_OBEX_BUSY unless connected and idle; SB_ERR_OBEX_HEADER_VALUE if the
   *   headers alone do not fit the peer's packet size
   */
  put(type: string, body: Uint8Array, now: number): ObexClientAction[] {
    this.#expect(CLIENT_STATE.CONNECTED, 'put');
    this.#state = CLIENT_STATE.PUTTING;
    this.#abortRequested = false;
    this.#body = body;
    this.#offset = 0;
    this.#type = type;
    return [this.#nextPut(now)];
  }

  /** GET the peer's next message, asking for `type`. @throws ObexError SB_ERR_OBEX_BUSY */
  get(type: string, now: number): ObexClientAction[] {
    this.#expect(CLIENT_STATE.CONNECTED, 'get');
    this.#state = CLIENT_STATE.GETTING;
    this.#abortRequested = false;
    this.#chunks = [];
    this.#received = 0;
    this.#getType = undefined;
    const headers = [...this.#cidHeader(), bytesHeader(OBEX_HEADER.TYPE, typeValue(type))];
    return [this.#sendPacket('get', { code: OBEX_OPCODE.GET_FINAL, headers }, false, now)];
  }

  /**
   * Cancel the PUT or GET in progress. ABORT may only replace the *next* request of an unfinished
   * operation, never go out while a response is outstanding (protocol-notes 1.7), so it is sent
   * when the pending response arrives; if that response ends the operation, there is nothing left
   * to abort and the result is reported as usual. Returns [] (nothing to send yet).
   */
  abort(): ObexClientAction[] {
    if (this.#state === CLIENT_STATE.PUTTING || this.#state === CLIENT_STATE.GETTING) this.#abortRequested = true;
    return [];
  }

  /** Send DISCONNECT (with Connection ID). @throws ObexError SB_ERR_OBEX_BUSY */
  disconnect(now: number): ObexClientAction[] {
    this.#expect(CLIENT_STATE.CONNECTED, 'disconnect');
    this.#state = CLIENT_STATE.DISCONNECTING;
    return [this.#sendPacket('disconnect', { code: OBEX_OPCODE.DISCONNECT, headers: this.#cidHeader() }, true, now)];
  }

  /** Bytes from a stream link: frames them and handles each response. */
  feed(bytes: Uint8Array, now: number): ObexClientAction[] {
    if (this.#state === CLIENT_STATE.CLOSED) return [];
    let packets: Uint8Array[];
    try {
      packets = this.#framer.push(bytes);
    } catch (err) {
      return this.#fail(err as ObexError);
    }
    const actions: ObexClientAction[] = [];
    for (const p of packets) actions.push(...this.receive(p, now));
    if (this.#framer.failure && (this.#state as ClientState) !== CLIENT_STATE.CLOSED) actions.push(...this.#fail(this.#framer.failure));
    return actions;
  }

  /** One whole response packet. */
  receive(bytes: Uint8Array, now: number): ObexClientAction[] {
    const s = this.#state;
    if (s === CLIENT_STATE.CLOSED) return [];
    if (s === CLIENT_STATE.IDLE || s === CLIENT_STATE.CONNECTED) {
      return [{ kind: 'error', operation: this.#op, error: obexError(OBEX_ERR.STATE, 'response with no request outstanding') }];
    }
    let packet: ObexPacket;
    try {
      packet = decodeResponse(bytes, s === CLIENT_STATE.CONNECTING);
    } catch (err) {
      return this.#fail(err as ObexError);
    }
    switch (s) {
      case CLIENT_STATE.CONNECTING: return this.#onConnectResponse(packet);
      case CLIENT_STATE.PUTTING: return this.#onPutResponse(packet, now);
      case CLIENT_STATE.GETTING: return this.#onGetResponse(packet, now);
      case CLIENT_STATE.ABORTING:
        this.#state = CLIENT_STATE.CONNECTED;
        return [{ kind: 'aborted' }];
      default:
        this.#state = CLIENT_STATE.IDLE;
        this.#connectionId = undefined;
        return [{ kind: 'disconnected' }];
    }
  }

  /** Check the request timer. */
  tick(now: number): ObexClientAction[] {
    const s = this.#state;
    if (s === CLIENT_STATE.CLOSED || s === CLIENT_STATE.IDLE || s === CLIENT_STATE.CONNECTED) return [];
    if (now - this.#sentAt < this.#timeout) return [];
    const error = obexError(OBEX_ERR.TIMEOUT, `no response to ${this.#op} within ${this.#timeout} ms`, OBEX_RESPONSE.REQUEST_TIMEOUT);
    this.#state = CLIENT_STATE.CLOSED;
    return [{ kind: 'error', operation: this.#op, error }, { kind: 'close', reason: 'timeout' }];
  }

  #onConnectResponse(packet: ObexPacket): ObexClientAction[] {
    if (packet.code !== OBEX_RESPONSE.SUCCESS) return this.#peerError(packet.code, CLIENT_STATE.IDLE);
    const cid = findUint32(packet.headers, OBEX_HEADER.CONNECTION_ID);
    const who = findBytes(packet.headers, OBEX_HEADER.WHO);
    // BUT refuses a CONNECT response without Connection ID and Who; SE fails on Connection ID 0.
    let problem: string | undefined;
    if (cid === undefined || cid === 0) problem = 'no non-zero Connection ID';
    else if (who === undefined || !bytesEqual(who, this.#target)) problem = 'no Who equal to the Target';
    if (problem !== undefined) {
      this.#state = CLIENT_STATE.IDLE;
      return [{ kind: 'error', operation: 'connect', error: obexError(OBEX_ERR.CONNECT_RESPONSE, `CONNECT response has ${problem}`) }];
    }
    this.#connectionId = cid;
    this.#peerMax = clamp(packet.connect?.maxPacketLength ?? OBEX_MIN_PACKET_LENGTH);
    this.#state = CLIENT_STATE.CONNECTED;
    return [{ kind: 'connected', connectionId: cid!, peerMaxPacketLength: this.#peerMax, who: latin1(who!) }];
  }

  #onPutResponse(packet: ObexPacket, now: number): ObexClientAction[] {
    if (!this.#lastPacket) {
      if (packet.code !== OBEX_RESPONSE.CONTINUE) return this.#peerError(packet.code, CLIENT_STATE.CONNECTED);
      if (this.#abortRequested) return [this.#sendAbort(now)];
      return [this.#nextPut(now)];
    }
    if (!isObexSuccess(packet.code)) return this.#peerError(packet.code, CLIENT_STATE.CONNECTED);
    this.#state = CLIENT_STATE.CONNECTED;
    this.#body = new Uint8Array(0);
    return [{ kind: 'put-done', response: packet.code }];
  }

  #onGetResponse(packet: ObexPacket, now: number): ObexClientAction[] {
    if (packet.code !== OBEX_RESPONSE.CONTINUE && !isObexSuccess(packet.code)) return this.#peerError(packet.code, CLIENT_STATE.CONNECTED);
    const type = findType(packet.headers);
    if (type !== undefined && this.#getType === undefined) this.#getType = type.type;
    const declared = findUint32(packet.headers, OBEX_HEADER.LENGTH);
    for (const c of bodyChunks(packet.headers).chunks) { this.#chunks.push(c); this.#received += c.length; }
    if ((declared !== undefined && declared > this.#maxMessage) || this.#received > this.#maxMessage) {
      const error = obexError(OBEX_ERR.MESSAGE_TOO_LARGE, `GET object over ${this.#maxMessage} bytes`, OBEX_RESPONSE.REQUEST_ENTITY_TOO_LARGE);
      this.#chunks = [];
      if (packet.code !== OBEX_RESPONSE.CONTINUE) {
        this.#state = CLIENT_STATE.CONNECTED;
        return [{ kind: 'error', operation: 'get', error }];
      }
      // ABORT goes in place of the next request of the unfinished GET (protocol-notes 1.7).
      return [{ kind: 'error', operation: 'get', error }, this.#sendAbort(now)];
    }
    if (packet.code === OBEX_RESPONSE.CONTINUE) {
      if (this.#abortRequested) return [this.#sendAbort(now)];
      return [this.#sendPacket('get', { code: OBEX_OPCODE.GET_FINAL, headers: [] }, false, now)];
    }
    const body = concatBytes(this.#chunks);
    this.#chunks = [];
    this.#state = CLIENT_STATE.CONNECTED;
    return [{ kind: 'message', type: this.#getType, body }];
  }

  #nextPut(now: number): ObexClientAction {
    const headers: ObexHeader[] = [];
    if (this.#offset === 0) {
      headers.push(...this.#cidHeader(), bytesHeader(OBEX_HEADER.TYPE, typeValue(this.#type)), uint32Header(OBEX_HEADER.LENGTH, this.#body.length));
    }
    let overhead = 3 + 3;
    for (const h of headers) overhead += headerSize(h);
    const space = Math.min(this.#peerMax, OBEX_MAX_PACKET_LENGTH) - overhead;
    const remaining = this.#body.length - this.#offset;
    if (space < 1 && remaining > 0) {
      this.#state = CLIENT_STATE.CONNECTED;
      throw obexError(OBEX_ERR.HEADER_VALUE, `PUT headers do not fit a ${this.#peerMax}-byte packet`);
    }
    if (remaining <= space) {
      headers.push(bytesHeader(OBEX_HEADER.END_OF_BODY, this.#body.subarray(this.#offset)));
      this.#offset = this.#body.length;
      return this.#sendPacket('put', { code: OBEX_OPCODE.PUT_FINAL, headers }, true, now);
    }
    headers.push(bytesHeader(OBEX_HEADER.BODY, this.#body.subarray(this.#offset, this.#offset + space)));
    this.#offset += space;
    return this.#sendPacket('put', { code: OBEX_OPCODE.PUT, headers }, false, now);
  }

  #sendPacket(op: ClientOperation, packet: ObexPacket, last: boolean, now: number): ObexClientAction {
    const limit = op === 'connect' ? OBEX_MIN_PACKET_LENGTH : this.#peerMax;
    const bytes = encodePacket(packet, limit);
    this.#op = op;
    this.#lastPacket = last;
    this.#sentAt = now;
    return { kind: 'send', bytes, code: packet.code };
  }

  #sendAbort(now: number): ObexClientAction {
    this.#state = CLIENT_STATE.ABORTING;
    this.#abortRequested = false;
    this.#chunks = [];
    this.#body = new Uint8Array(0);
    return this.#sendPacket('abort', { code: OBEX_OPCODE.ABORT, headers: this.#cidHeader() }, true, now);
  }

  #cidHeader(): ObexHeader[] {
    // Connection ID is the first header of every operation's first packet (protocol-notes 1.4).
    return this.#connectionId === undefined ? [] : [uint32Header(OBEX_HEADER.CONNECTION_ID, this.#connectionId)];
  }

  #peerError(code: number, next: ClientState): ObexClientAction[] {
    const op = this.#op;
    this.#state = next;
    this.#chunks = [];
    this.#body = new Uint8Array(0);
    const error = obexError(OBEX_ERR.PEER_RESPONSE, `peer answered ${op} with 0x${code.toString(16)}`, code);
    return [{ kind: 'error', operation: op, error }];
  }

  /** The response stream cannot be trusted any more: report and close. */
  #fail(error: ObexError): ObexClientAction[] {
    this.#state = CLIENT_STATE.CLOSED;
    return [{ kind: 'error', operation: this.#op, error }, { kind: 'close', reason: 'protocol' }];
  }

  #expect(state: ClientState, op: ClientOperation): void {
    if (this.#state !== state) throw obexError(OBEX_ERR.BUSY, `cannot ${op} in state ${this.#state}`, OBEX_RESPONSE.INTERNAL_SERVER_ERROR);
  }
}

function clamp(n: number): number {
  if (!Number.isFinite(n)) return OBEX_MAX_PACKET_LENGTH;
  return Math.max(OBEX_MIN_PACKET_LENGTH, Math.min(OBEX_MAX_PACKET_LENGTH, Math.floor(n)));
}
