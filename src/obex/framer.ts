/**
 * Stream framer (STYLE.md convention 2, after ws's Receiver): bytes from a stream link (RFCOMM,
 * tty, TCP) in, whole OBEX packets out. The 2-byte length of each packet is checked against the
 * negotiated maximum as soon as the 3-byte prefix is there, before any of the body is buffered,
 * so at most one packet of at most `maxPacketLength` bytes is ever held.
 *
 * Packet links (some IrDA sockets) deliver whole packets; they skip the framer and hand each
 * packet straight to decodeRequest/decodeResponse, which check the length field.
 */
import { OBEX_MAX_PACKET_LENGTH, OBEX_MIN_PACKET_LENGTH, OBEX_RESPONSE } from './constants.js';
import { OBEX_ERR, obexError } from './errors.js';
import type { ObexError } from '../errors.js';

/** Named framer states. */
export const FRAMER_STATE = {
  /** Collecting the 3-byte code + length prefix. */
  PREFIX: 'prefix',
  /** Collecting the rest of a packet whose length is known and allowed. */
  BODY: 'body',
  /** A bad prefix was seen; the stream cannot be resynchronised. */
  FAILED: 'failed',
} as const;

export type FramerState = (typeof FRAMER_STATE)[keyof typeof FRAMER_STATE];

export interface ObexFramerOptions {
  /** Largest packet accepted, in bytes: the maximum we announced in CONNECT. Default 65535. */
  readonly maxPacketLength?: number;
}

/** Turns a byte stream into whole OBEX packets. */
export class ObexFramer {
  #max: number;
  #state: FramerState = FRAMER_STATE.PREFIX;
  readonly #prefix = new Uint8Array(3);
  #prefixFill = 0;
  #packet: Uint8Array = new Uint8Array(0);
  #packetFill = 0;
  /** Stream offset of the first byte of the packet being assembled. */
  #packetStart = 0;
  /** Bytes consumed since construction (or reset). */
  #consumed = 0;
  #failure: ObexError | undefined;

  constructor(options: ObexFramerOptions = {}) {
    this.#max = clampMax(options.maxPacketLength ?? OBEX_MAX_PACKET_LENGTH);
  }

  /** Current limit in bytes. */
  get maxPacketLength(): number {
    return this.#max;
  }

  /** Change the limit (e.g. after CONNECT); applies to packets whose prefix has not arrived yet. */
  set maxPacketLength(value: number) {
    this.#max = clampMax(value);
  }

  get state(): FramerState {
    return this.#state;
  }

  /** Error that stopped the framer, if any. */
  get failure(): ObexError | undefined {
    return this.#failure;
  }

  /** Bytes held for an incomplete packet. */
  get bufferedBytes(): number {
    return this.#state === FRAMER_STATE.BODY ? this.#packetFill : this.#prefixFill;
  }

  /** Forget buffered bytes and any failure. */
  reset(): void {
    this.#state = FRAMER_STATE.PREFIX;
    this.#prefixFill = 0;
    this.#packet = new Uint8Array(0);
    this.#packetFill = 0;
    this.#consumed = 0;
    this.#failure = undefined;
  }

  /**
   * Consume a chunk; returns the packets it completed, each a fresh array owned by the caller.
   * The chunk is not retained. If the chunk completes packets and then hits a bad prefix, those
   * packets are returned and `failure` is set; the next push throws it.
   * @throws ObexError SB_ERR_OBEX_PACKET_LENGTH (length < 3, obexResponse 0xC0) or
   *   SB_ERR_OBEX_PACKET_TOO_LARGE (over the limit, 0xCD); `offset` is the stream offset of the
   *   packet's first byte
   */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#failure) throw this.#failure;
    const out: Uint8Array[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      if (this.#state === FRAMER_STATE.PREFIX) {
        if (this.#prefixFill === 0) this.#packetStart = this.#consumed + pos;
        const take = Math.min(3 - this.#prefixFill, chunk.length - pos);
        this.#prefix.set(chunk.subarray(pos, pos + take), this.#prefixFill);
        this.#prefixFill += take;
        pos += take;
        if (this.#prefixFill < 3) break;
        const length = (this.#prefix[1]! << 8) | this.#prefix[2]!;
        const error = this.#checkLength(length);
        if (error) {
          this.#state = FRAMER_STATE.FAILED;
          this.#failure = error;
          this.#consumed += pos;
          if (out.length === 0) throw error;
          return out;
        }
        this.#prefixFill = 0;
        this.#packet = new Uint8Array(length);
        this.#packet.set(this.#prefix);
        this.#packetFill = 3;
        if (length === 3) { out.push(this.#packet); continue; }
        this.#state = FRAMER_STATE.BODY;
      } else {
        const take = Math.min(this.#packet.length - this.#packetFill, chunk.length - pos);
        this.#packet.set(chunk.subarray(pos, pos + take), this.#packetFill);
        this.#packetFill += take;
        pos += take;
        if (this.#packetFill === this.#packet.length) {
          out.push(this.#packet);
          this.#packet = new Uint8Array(0);
          this.#packetFill = 0;
          this.#state = FRAMER_STATE.PREFIX;
        }
      }
    }
    this.#consumed += pos;
    return out;
  }

  #checkLength(length: number): ObexError | undefined {
    if (length < 3) return obexError(OBEX_ERR.PACKET_LENGTH, `packet length field ${length} < 3`, OBEX_RESPONSE.BAD_REQUEST, this.#packetStart);
    if (length > this.#max) {
      return obexError(OBEX_ERR.PACKET_TOO_LARGE, `packet length ${length} exceeds the maximum of ${this.#max}`,
        OBEX_RESPONSE.REQUEST_ENTITY_TOO_LARGE, this.#packetStart);
    }
    return undefined;
  }
}

function clampMax(value: number): number {
  if (!Number.isFinite(value)) return OBEX_MAX_PACKET_LENGTH;
  return Math.max(OBEX_MIN_PACKET_LENGTH, Math.min(OBEX_MAX_PACKET_LENGTH, Math.floor(value)));
}
