/**
 * OBEX server state machine for the SyncML OBEX binding, Mode A (protocol-notes 2.2): the phone is
 * OBEX client and SyncML client, we are OBEX server. One SyncML message arrives per PUT operation;
 * the reply leaves in the following GET operation.
 *
 * Pure: packets (or stream bytes) and the current time in, action lists out. The caller writes
 * `send` bytes to the link, hands `message` bodies to the SyncML layer and calls `reply()` with
 * the answer; a GET that arrives first is held (`waiting-for-reply`) and answered then.
 */
import type { ObexError } from '../errors.js';
import { DEFAULT_CODEC_LIMITS } from '../util/limits.js';
import {
  OBEX_DEFAULT_PACKET_LENGTH, OBEX_HEADER, OBEX_MAX_PACKET_LENGTH, OBEX_MIN_PACKET_LENGTH, OBEX_OPCODE,
  OBEX_RESPONSE, OBEX_VERSION, SYNCML_SYNC_TARGET,
} from './constants.js';
import { OBEX_ERR, obexError } from './errors.js';
import { ObexFramer } from './framer.js';
import { bytesHeader, uint32Header, type ObexHeader } from './header.js';
import { decodeRequest, encodePacket, isFinal, type ObexPacket } from './packet.js';
import { asciiBytes, bodyChunks, findBytes, findType, findUint32, latin1 } from './values.js';
import { bytesEqual, concatBytes } from '../util/bytes.js';

/** Named server states. */
export const SERVER_STATE = {
  /** No OBEX connection (before CONNECT, after DISCONNECT). */
  IDLE: 'idle',
  /** Connected, waiting for the next PUT. */
  CONNECTED: 'connected',
  /** A multi-packet PUT is in progress. */
  RECEIVING: 'receiving',
  /** Message delivered; the caller has not replied yet; a GET is expected. */
  PROCESSING: 'processing',
  /** Reply supplied; waiting for the GET. */
  REPLY_READY: 'reply-ready',
  /** GET arrived before the reply; no response sent yet. */
  GET_HELD: 'get-held',
  /** Reply going out over a multi-packet GET. */
  SENDING: 'sending',
  /** Timed out or the stream broke; terminal. */
  CLOSED: 'closed',
} as const;

export type ServerState = (typeof SERVER_STATE)[keyof typeof SERVER_STATE];

export interface ObexServerOptions {
  /** Largest packet we receive, announced in CONNECT (255..65535). Default 1024. */
  readonly maxPacketLength?: number;
  /** Largest PUT object accepted, in bytes; more gets 0xCD. Default: DEFAULT_CODEC_LIMITS.maxDocumentBytes. */
  readonly maxMessageBytes?: number;
  /** Connection ID handed out (1..0xFFFFFFFE). Default 1, as BUT's server. */
  readonly connectionId?: number;
  /** Accepted CONNECT targets. Default [`SYNCML-SYNC`]. */
  readonly targets?: readonly string[];
  /** Close after this long without a packet from the peer, in ms. Default 120000 (BUT's OBEX timeout). */
  readonly idleTimeoutMs?: number;
  /** Answer a held GET 0xD3 when no reply comes within this many ms. Default: wait forever. */
  readonly replyTimeoutMs?: number;
  /** Put a Length header in the first GET response packet. Default true. */
  readonly sendLengthInGet?: boolean;
  /** Start time in ms (for the idle timer). Default 0. */
  readonly now?: number;
}

/** What the caller must do after feeding the machine. */
export type ObexServerAction =
  /** Write these bytes (one response packet) to the link. */
  | { readonly kind: 'send'; readonly bytes: Uint8Array; readonly code: number }
  /** CONNECT accepted. */
  | { readonly kind: 'connected'; readonly connectionId: number; readonly peerMaxPacketLength: number; readonly target: string }
  /** A whole PUT object: `type` is the bare media type, `rawType` the Type header as sent. */
  | { readonly kind: 'message'; readonly type: string | undefined; readonly rawType: string | undefined; readonly body: Uint8Array }
  /** A GET arrived before the reply: call reply() (or replyError()). */
  | { readonly kind: 'waiting-for-reply'; readonly type: string | undefined }
  /** The last packet of the reply went out (0xA0 + End-of-Body). */
  | { readonly kind: 'reply-sent' }
  /** ABORT received; the partial object (and any pending reply) was discarded. */
  | { readonly kind: 'aborted' }
  /** DISCONNECT received and answered; the OBEX session is over (the link may stay open). */
  | { readonly kind: 'disconnected' }
  /** A request was refused with `error.obexResponse` (already in a `send` action). */
  | { readonly kind: 'error'; readonly error: ObexError }
  /** Close the link. */
  | { readonly kind: 'close'; readonly reason: 'idle-timeout' | 'framing'; readonly error?: ObexError };

/** Mode A OBEX server for one link. */
export class ObexServer {
  readonly #maxPacket: number;
  readonly #maxMessage: number;
  readonly #connectionId: number;
  readonly #targets: readonly Uint8Array[];
  readonly #idleTimeout: number;
  readonly #replyTimeout: number;
  readonly #sendLength: boolean;
  readonly #framer: ObexFramer;
  #state: ServerState = SERVER_STATE.IDLE;
  #peerMax = OBEX_MIN_PACKET_LENGTH;
  #lastActivity: number;
  #heldSince = 0;
  // PUT in progress
  #chunks: Uint8Array[] = [];
  #received = 0;
  #putType: string | undefined;
  #putRawType: string | undefined;
  // reply
  #getType: string | undefined;
  #reply: Uint8Array = new Uint8Array(0);
  #replyOffset = 0;
  /** Response for the next GET after replyError() came before the GET. */
  #pendingError: number | undefined;

  constructor(options: ObexServerOptions = {}) {
    this.#maxPacket = clamp(options.maxPacketLength ?? OBEX_DEFAULT_PACKET_LENGTH);
    this.#maxMessage = options.maxMessageBytes ?? DEFAULT_CODEC_LIMITS.maxDocumentBytes;
    const id = options.connectionId ?? 1;
    if (!Number.isInteger(id) || id < 1 || id >= 0xffffffff) throw obexError(OBEX_ERR.HEADER_VALUE, `connection id ${id} not in 1..0xFFFFFFFE`);
    this.#connectionId = id;
    this.#targets = (options.targets ?? [SYNCML_SYNC_TARGET]).map(asciiBytes);
    this.#idleTimeout = options.idleTimeoutMs ?? 120_000;
    this.#replyTimeout = options.replyTimeoutMs ?? Infinity;
    this.#sendLength = options.sendLengthInGet ?? true;
    this.#lastActivity = options.now ?? 0;
    this.#framer = new ObexFramer({ maxPacketLength: this.#maxPacket });
  }

  get state(): ServerState {
    return this.#state;
  }

  /** The peer's maximum packet length from its CONNECT (255 before CONNECT). */
  get peerMaxPacketLength(): number {
    return this.#peerMax;
  }

  /** Bytes from a stream link: frames them and handles every complete packet. */
  feed(bytes: Uint8Array, now: number): ObexServerAction[] {
    if (this.#state === SERVER_STATE.CLOSED) return [];
    const actions: ObexServerAction[] = [];
    let packets: Uint8Array[];
    try {
      packets = this.#framer.push(bytes);
    } catch (err) {
      return this.#framingFailed(err as ObexError);
    }
    for (const p of packets) actions.push(...this.receive(p, now));
    if (this.#framer.failure && (this.#state as ServerState) !== SERVER_STATE.CLOSED) actions.push(...this.#framingFailed(this.#framer.failure));
    return actions;
  }

  /** One whole request packet (from the framer or a packet link). */
  receive(bytes: Uint8Array, now: number): ObexServerAction[] {
    if (this.#state === SERVER_STATE.CLOSED) return [];
    this.#lastActivity = now;
    let packet: ObexPacket;
    try {
      packet = decodeRequest(bytes);
    } catch (err) {
      if (this.#state === SERVER_STATE.RECEIVING) this.#resetPut(SERVER_STATE.CONNECTED);
      return this.#refuse(err as ObexError);
    }
    const code = packet.code;
    if (code === OBEX_OPCODE.CONNECT) return this.#onConnect(packet);
    if (code === OBEX_OPCODE.DISCONNECT) {
      this.#resetAll(SERVER_STATE.IDLE);
      return [this.#send(OBEX_RESPONSE.SUCCESS), { kind: 'disconnected' }];
    }
    if (code === OBEX_OPCODE.ABORT) {
      const wasConnected = this.#state !== SERVER_STATE.IDLE;
      this.#resetAll(wasConnected ? SERVER_STATE.CONNECTED : SERVER_STATE.IDLE);
      return [this.#send(OBEX_RESPONSE.SUCCESS), { kind: 'aborted' }];
    }
    const op = code & 0x7f;
    if (op !== (OBEX_OPCODE.PUT & 0x7f) && op !== (OBEX_OPCODE.GET & 0x7f)) {
      return this.#refuse(obexError(OBEX_ERR.NOT_IMPLEMENTED, `opcode 0x${code.toString(16)} not implemented`, OBEX_RESPONSE.NOT_IMPLEMENTED));
    }
    if (this.#state === SERVER_STATE.IDLE) {
      return this.#refuse(obexError(OBEX_ERR.NOT_CONNECTED, 'request before CONNECT', OBEX_RESPONSE.FORBIDDEN));
    }
    const cid = findUint32(packet.headers, OBEX_HEADER.CONNECTION_ID);
    if (cid !== undefined && cid !== this.#connectionId) {
      if (this.#state === SERVER_STATE.RECEIVING) this.#resetPut(SERVER_STATE.CONNECTED);
      // IrOBEX: a request with an unknown Connection ID is answered Service Unavailable.
      return this.#refuse(obexError(OBEX_ERR.CONNECTION_ID, `connection id ${cid}, expected ${this.#connectionId}`, OBEX_RESPONSE.SERVICE_UNAVAILABLE));
    }
    return op === (OBEX_OPCODE.PUT & 0x7f) ? this.#onPut(packet) : this.#onGet(packet, now);
  }

  /**
   * Supply the reply to the last delivered message. The body is not copied; do not change it
   * afterwards. Returns [] when there is nothing to reply to (e.g. after ABORT or DISCONNECT).
   */
  reply(body: Uint8Array, now: number): ObexServerAction[] {
    if (this.#state === SERVER_STATE.PROCESSING) {
      this.#reply = body;
      this.#replyOffset = 0;
      this.#state = SERVER_STATE.REPLY_READY;
      return [];
    }
    if (this.#state !== SERVER_STATE.GET_HELD) return [];
    this.#reply = body;
    this.#replyOffset = 0;
    this.#state = SERVER_STATE.SENDING;
    this.#lastActivity = now;
    return this.#nextGetResponse();
  }

  /** No reply will come: answer the held (or next) GET with `response` (e.g. 0xD3, 0xD0). */
  replyError(response: number, now: number): ObexServerAction[] {
    if (this.#state === SERVER_STATE.PROCESSING || this.#state === SERVER_STATE.REPLY_READY) {
      this.#resetAll(SERVER_STATE.CONNECTED);
      this.#pendingError = response;
      return [];
    }
    if (this.#state !== SERVER_STATE.GET_HELD) return [];
    this.#resetAll(SERVER_STATE.CONNECTED);
    this.#lastActivity = now;
    return [this.#send(response)];
  }

  /** Check timers: idle peer, and the reply deadline of a held GET. */
  tick(now: number): ObexServerAction[] {
    if (this.#state === SERVER_STATE.CLOSED) return [];
    if (this.#state === SERVER_STATE.GET_HELD) {
      if (now - this.#heldSince < this.#replyTimeout) return [];
      this.#resetAll(SERVER_STATE.CONNECTED);
      this.#lastActivity = now;
      return this.#refuse(obexError(OBEX_ERR.TIMEOUT, 'no reply in time for the held GET', OBEX_RESPONSE.SERVICE_UNAVAILABLE));
    }
    if (now - this.#lastActivity < this.#idleTimeout) return [];
    this.#resetAll(SERVER_STATE.CLOSED);
    return [{ kind: 'close', reason: 'idle-timeout' }];
  }

  #onConnect(packet: ObexPacket): ObexServerAction[] {
    const fields = packet.connect!;
    this.#resetAll(SERVER_STATE.IDLE);
    const target = findBytes(packet.headers, OBEX_HEADER.TARGET);
    const match = target === undefined ? undefined : this.#targets.find((t) => bytesEqual(t, target));
    const fixed = { version: OBEX_VERSION, flags: 0, maxPacketLength: this.#maxPacket };
    if (match === undefined) {
      // Not Found, as BUT's server answers: no service with this Target here (SYNCML-DM, inbox, FTP...).
      const what = target === undefined ? 'no Target' : `Target "${latin1(target)}"`;
      const error = obexError(OBEX_ERR.TARGET, `CONNECT with ${what} refused`, OBEX_RESPONSE.NOT_FOUND);
      return [{ kind: 'send', code: OBEX_RESPONSE.NOT_FOUND, bytes: encodePacket({ code: OBEX_RESPONSE.NOT_FOUND, connect: fixed, headers: [] }) }, { kind: 'error', error }];
    }
    this.#peerMax = clamp(fields.maxPacketLength);
    this.#state = SERVER_STATE.CONNECTED;
    // Connection ID must be the first header (IrOBEX); Who echoes the target (BUT OBEXServerWorker).
    const headers: ObexHeader[] = [uint32Header(OBEX_HEADER.CONNECTION_ID, this.#connectionId), bytesHeader(OBEX_HEADER.WHO, match)];
    const bytes = encodePacket({ code: OBEX_RESPONSE.SUCCESS, connect: fixed, headers }, this.#peerMax);
    return [
      { kind: 'send', code: OBEX_RESPONSE.SUCCESS, bytes },
      { kind: 'connected', connectionId: this.#connectionId, peerMaxPacketLength: this.#peerMax, target: latin1(match) },
    ];
  }

  #onPut(packet: ObexPacket): ObexServerAction[] {
    if (this.#state !== SERVER_STATE.CONNECTED && this.#state !== SERVER_STATE.RECEIVING) {
      // BUT answers a PUT in the "expect GET" state with Service Unavailable.
      return this.#refuse(obexError(OBEX_ERR.STATE, `PUT in state ${this.#state}`, OBEX_RESPONSE.SERVICE_UNAVAILABLE));
    }
    if (this.#state === SERVER_STATE.CONNECTED) {
      this.#resetPut(SERVER_STATE.RECEIVING);
      this.#pendingError = undefined;
    }
    const type = findType(packet.headers);
    if (type !== undefined && this.#putType === undefined) { this.#putType = type.type; this.#putRawType = type.raw; }
    const declared = findUint32(packet.headers, OBEX_HEADER.LENGTH);
    const { chunks } = bodyChunks(packet.headers);
    for (const c of chunks) { this.#chunks.push(c); this.#received += c.length; }
    if ((declared !== undefined && declared > this.#maxMessage) || this.#received > this.#maxMessage) {
      this.#resetPut(SERVER_STATE.CONNECTED);
      return this.#refuse(obexError(OBEX_ERR.MESSAGE_TOO_LARGE, `PUT object over ${this.#maxMessage} bytes`, OBEX_RESPONSE.REQUEST_ENTITY_TOO_LARGE));
    }
    if (!isFinal(packet.code)) return [this.#send(OBEX_RESPONSE.CONTINUE)];
    if (this.#received === 0) {
      this.#resetPut(SERVER_STATE.CONNECTED);
      return this.#refuse(obexError(OBEX_ERR.EMPTY_PUT, 'PUT without body bytes (an OBEX delete)', OBEX_RESPONSE.BAD_REQUEST));
    }
    const body = concatBytes(this.#chunks);
    const message: ObexServerAction = { kind: 'message', type: this.#putType, rawType: this.#putRawType, body };
    this.#resetPut(SERVER_STATE.PROCESSING);
    return [this.#send(OBEX_RESPONSE.SUCCESS), message];
  }

  #onGet(packet: ObexPacket, now: number): ObexServerAction[] {
    const s = this.#state;
    if (s === SERVER_STATE.SENDING) return this.#nextGetResponse();
    if (s === SERVER_STATE.GET_HELD) return []; // a repeated GET while held: the reply answers it
    if (s !== SERVER_STATE.PROCESSING && s !== SERVER_STATE.REPLY_READY) {
      if (s === SERVER_STATE.RECEIVING) this.#resetPut(SERVER_STATE.CONNECTED);
      const response = this.#pendingError ?? OBEX_RESPONSE.SERVICE_UNAVAILABLE;
      this.#pendingError = undefined;
      return this.#refuse(obexError(OBEX_ERR.STATE, `GET with no reply pending (state ${s})`, response));
    }
    const type = findType(packet.headers);
    if (type !== undefined) this.#getType = type.type;
    // Request headers continue in further GET packets until the Final bit (protocol-notes 1.6).
    if (!isFinal(packet.code)) return [this.#send(OBEX_RESPONSE.CONTINUE)];
    if (s === SERVER_STATE.REPLY_READY) {
      this.#state = SERVER_STATE.SENDING;
      return this.#nextGetResponse();
    }
    this.#state = SERVER_STATE.GET_HELD;
    this.#heldSince = now;
    return [{ kind: 'waiting-for-reply', type: this.#getType }];
  }

  /** Next response of the reply: 0x90 + Body while more remains, then 0xA0 + End-of-Body. */
  #nextGetResponse(): ObexServerAction[] {
    const headers: ObexHeader[] = [];
    if (this.#replyOffset === 0 && this.#sendLength) headers.push(uint32Header(OBEX_HEADER.LENGTH, this.#reply.length));
    const space = Math.min(this.#peerMax, OBEX_MAX_PACKET_LENGTH) - 3 - (headers.length > 0 ? 5 : 0) - 3;
    const remaining = this.#reply.length - this.#replyOffset;
    if (remaining <= space) {
      // libopenobex only takes data from End-of-Body in the final response (peers/README 6).
      headers.push(bytesHeader(OBEX_HEADER.END_OF_BODY, this.#reply.subarray(this.#replyOffset)));
      const bytes = encodePacket({ code: OBEX_RESPONSE.SUCCESS, headers }, this.#peerMax);
      this.#resetAll(SERVER_STATE.CONNECTED);
      return [{ kind: 'send', code: OBEX_RESPONSE.SUCCESS, bytes }, { kind: 'reply-sent' }];
    }
    headers.push(bytesHeader(OBEX_HEADER.BODY, this.#reply.subarray(this.#replyOffset, this.#replyOffset + space)));
    this.#replyOffset += space;
    return [{ kind: 'send', code: OBEX_RESPONSE.CONTINUE, bytes: encodePacket({ code: OBEX_RESPONSE.CONTINUE, headers }, this.#peerMax) }];
  }

  #framingFailed(error: ObexError): ObexServerAction[] {
    const response = error.obexResponse ?? OBEX_RESPONSE.BAD_REQUEST;
    this.#resetAll(SERVER_STATE.CLOSED);
    return [this.#send(response), { kind: 'error', error }, { kind: 'close', reason: 'framing', error }];
  }

  #refuse(error: ObexError): ObexServerAction[] {
    return [this.#send(error.obexResponse ?? OBEX_RESPONSE.BAD_REQUEST), { kind: 'error', error }];
  }

  #send(code: number): ObexServerAction {
    return { kind: 'send', code, bytes: encodePacket({ code, headers: [] }) };
  }

  #resetPut(next: ServerState): void {
    this.#chunks = [];
    this.#received = 0;
    this.#putType = undefined;
    this.#putRawType = undefined;
    this.#state = next;
  }

  #resetAll(next: ServerState): void {
    this.#resetPut(next);
    this.#getType = undefined;
    this.#reply = new Uint8Array(0);
    this.#replyOffset = 0;
    if (next !== SERVER_STATE.CONNECTED) this.#pendingError = undefined;
  }
}

function clamp(n: number): number {
  if (!Number.isFinite(n)) return OBEX_MAX_PACKET_LENGTH;
  return Math.max(OBEX_MIN_PACKET_LENGTH, Math.min(OBEX_MAX_PACKET_LENGTH, Math.floor(n)));
}
