/**
 * Upstream conversations of the pass-through relay, keyed by the SyncML session (phone device ID
 * + SessionID) rather than by the link: a phone whose link dropped reconnects and resends, and
 * must land in the same upstream conversation (same RespURI, same server session).
 *
 * A resent phone message (same MsgID, same bytes) is answered from the conversation's last
 * upstream reply instead of being POSTed again, so nothing is duplicated upstream.
 */
import { HttpAgent, PassthroughSession, type HttpAgentOptions, type HttpReply } from '../relay/index.js';
import type { Encoding } from '../syncml/index.js';

/** The last phone message relayed in a conversation and its (pending) upstream reply. */
export interface LastExchange {
  readonly msgId: string;
  readonly body: Uint8Array;
  readonly reply: Promise<HttpReply>;
}

/** One upstream conversation (one SyncML session of one phone). */
export interface Conversation {
  readonly key: string;
  readonly relay: PassthroughSession;
  readonly agent: HttpAgent;
  last: LastExchange | undefined;
  lastUsed: number;
  /** Upstream replies already served (and counted) once. */
  readonly served: WeakSet<HttpReply>;
}

/** How conversations are made. */
export interface RegistryOptions {
  readonly agent: Omit<HttpAgentOptions, 'onEvent'>;
  readonly upstreamEncoding?: Encoding;
  /** Forget an idle conversation after this many ms. Default 15 minutes. */
  readonly idleMs?: number;
  /** At most this many conversations are kept (oldest dropped first). Default 256. */
  readonly maxConversations?: number;
}

/** All live conversations of the daemon. */
export class SessionRegistry {
  readonly #opts: RegistryOptions;
  readonly #map = new Map<string, Conversation>();

  constructor(opts: RegistryOptions) {
    this.#opts = opts;
  }

  get size(): number {
    return this.#map.size;
  }

  /**
   * The conversation for a phone session, new when unknown. A MsgID 1 with other bytes than
   * the conversation's first message restarts it (the phone began the session again).
   */
  get(device: string, sessionId: string, msgId: string, body: Uint8Array, now: number, onEvent?: HttpAgentOptions['onEvent']): Conversation {
    this.#expire(now);
    const key = `${device}\u0000${sessionId}`;
    let conv = this.#map.get(key);
    if (conv !== undefined && msgId === '1' && conv.last !== undefined && !(conv.last.msgId === '1' && sameBytes(conv.last.body, body))) {
      this.#map.delete(key);
      conv = undefined;
    }
    if (conv === undefined) {
      const enc = this.#opts.upstreamEncoding;
      conv = {
        key,
        relay: new PassthroughSession(enc === undefined ? {} : { upstreamEncoding: enc }),
        agent: new HttpAgent(onEvent === undefined ? this.#opts.agent : { ...this.#opts.agent, onEvent }),
        last: undefined,
        lastUsed: now,
        served: new WeakSet(),
      };
      this.#map.set(key, conv);
      while (this.#map.size > (this.#opts.maxConversations ?? 256)) this.#map.delete(this.#map.keys().next().value!);
    }
    conv.lastUsed = now;
    return conv;
  }

  /** A conversation for a message that did not decode (no session key): never shared. */
  anonymous(linkName: string, now: number, onEvent?: HttpAgentOptions['onEvent']): Conversation {
    return this.get(`anonymous:${linkName}:${now}:${Math.random()}`, '', '', new Uint8Array(0), now, onEvent);
  }

  /** Forget a finished conversation. */
  delete(conv: Conversation): void {
    if (this.#map.get(conv.key) === conv) this.#map.delete(conv.key);
  }

  #expire(now: number): void {
    const idle = this.#opts.idleMs ?? 15 * 60_000;
    for (const [k, c] of this.#map) if (now - c.lastUsed > idle) this.#map.delete(k);
  }
}

/** True when two byte arrays hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
