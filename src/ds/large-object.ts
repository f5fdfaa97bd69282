/**
 * Large objects (SyncML 1.1+, protocol-notes 3.8): an item too big for one message travels in
 * chunks, each but the last with `<MoreData/>`, the first with Meta `Size` (the total size).
 *
 * Receiving: `IncomingChunks` reassembles one item at a time, bounded by our MaxObjSize (and the
 * announced Size); each non-final chunk is answered 213, the end compared with Size (424 on
 * mismatch), and a message that does not continue the pending item makes the engine send
 * Alert 223 and fail it.
 * Sending: `splitForSend` cuts the rest of an outgoing item into the part that fits the room left
 * in a message. Pure.
 */
import { SyncmlError } from '../errors.js';

/** One pending incoming chunked item. */
interface Pending {
  readonly key: string;
  readonly size: number | undefined;
  readonly parts: Uint8Array[];
  received: number;
  readonly type: string | undefined;
}

/** Result of offering one item to the assembler. */
export type ChunkResult =
  | { readonly kind: 'partial' }
  | { readonly kind: 'complete'; readonly data: Uint8Array; readonly type: string | undefined };

/** Reassembles the chunks of one item (one per datastore session). */
export class IncomingChunks {
  readonly #maxObjSize: number;
  #pending: Pending | undefined;

  constructor(maxObjSize: number) {
    this.#maxObjSize = maxObjSize;
  }

  /** The key (command + LocURI) of the item being assembled, if any. */
  get pendingKey(): string | undefined {
    return this.#pending?.key;
  }

  /**
   * Offer one item. `key` identifies the item (command name and its LocURI) so a chunk of
   * another item is noticed; `size` is its Meta Size (required on the first chunk of a chunked
   * item); `more` its MoreData flag.
   * @throws SyncmlError 416 when the announced size is over MaxObjSize, 413 when the data grows
   *   past it (or past the announced size), 424 when the last chunk leaves a size mismatch, 412
   *   for a first chunk without Size.
   */
  offer(key: string, data: Uint8Array, size: number | undefined, more: boolean, type: string | undefined): ChunkResult {
    let p = this.#pending;
    if (p !== undefined && p.key !== key) {
      throw new SyncmlError(`chunked item ${p.key} not finished before ${key}`, 'SB_ERR_DS_LO_INTERRUPTED', { syncmlStatus: 223 });
    }
    if (p === undefined) {
      if (!more) return { kind: 'complete', data, type };
      if (size === undefined) throw new SyncmlError(`first chunk of ${key} without Meta Size`, 'SB_ERR_DS_LO_NO_SIZE', { syncmlStatus: 412 });
      if (size > this.#maxObjSize) throw new SyncmlError(`item of ${size} bytes is over MaxObjSize ${this.#maxObjSize}`, 'SB_ERR_DS_LO_TOO_BIG', { syncmlStatus: 416 });
      p = { key, size, parts: [], received: 0, type };
      this.#pending = p;
    }
    p.parts.push(data);
    p.received += data.length;
    const limit = Math.min(this.#maxObjSize, p.size ?? this.#maxObjSize);
    if (p.received > limit) {
      this.#pending = undefined;
      throw new SyncmlError(`chunked item ${key} grew past ${limit} bytes`, 'SB_ERR_DS_LO_OVERFLOW', { syncmlStatus: p.received > this.#maxObjSize ? 413 : 424 });
    }
    if (more) return { kind: 'partial' };
    this.#pending = undefined;
    const out = concat(p.parts, p.received);
    if (p.size !== undefined && out.length !== p.size) {
      throw new SyncmlError(`chunked item ${key}: ${out.length} bytes received, Size said ${p.size}`, 'SB_ERR_DS_LO_SIZE', { syncmlStatus: 424 });
    }
    return { kind: 'complete', data: out, type: p.type };
  }

  /** Drop the pending item (the peer moved on: Alert 223). Returns its key when there was one. */
  abandon(): string | undefined {
    const k = this.#pending?.key;
    this.#pending = undefined;
    return k;
  }
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Cut `room` bytes off the front of `data` at a UTF-8 character boundary when the data is text
 * (a chunk of a vCard must stay valid UTF-8 for XML). Returns the chunk length (> 0 when room > 3).
 */
export function chunkLength(data: Uint8Array, offset: number, room: number): number {
  let end = Math.min(data.length, offset + Math.max(0, room));
  // Do not split a UTF-8 sequence: back up over continuation bytes.
  while (end > offset && end < data.length && (data[end]! & 0xc0) === 0x80) end--;
  return end - offset;
}
