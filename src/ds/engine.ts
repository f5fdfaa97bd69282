/**
 * The server engine: bytes of one client message in, bytes of the reply out, for every transport.
 * It decodes (XML or WBXML, bounded), finds or starts the ServerSession (by the session key
 * carried in the RespURI over HTTP, by link over OBEX, else by device + SessionID), lets it
 * handle the message inside one store transaction, and encodes the reply in the client's
 * encoding. Idle sessions expire and release their datastore locks. Pure: time is an argument.
 */
import { SyncmlError } from '../errors.js';
import { contentTypeOf, decodeMessage, encodeMessage, type Encoding, type SyncMLMessage } from '../syncml/index.js';
import type { ContentHandler, DsStore, StoreKind } from './ports.js';
import { ServerSession } from './session.js';
import type { AuthPolicy, EngineConfig, EngineEvent, EngineShared, ProfileLookup } from './types.js';
import type { UriOptions } from './uri.js';

/** Engine-wide settings. */
export interface EngineOptions {
  readonly store: DsStore;
  readonly content: ReadonlyMap<StoreKind, ContentHandler>;
  readonly config: EngineConfig;
  readonly shared: EngineShared;
  readonly random: (n: number) => Uint8Array;
  readonly profiles?: ProfileLookup;
  readonly userNames?: () => Iterable<string>;
  /** Sessions kept at most (the oldest idle go first). Default 512. */
  readonly maxSessions?: number;
}

/** Where a message came from. */
export interface MessageContext {
  readonly transport: 'http' | 'obex';
  readonly link: string;
  readonly auth: AuthPolicy;
  /** The session key the client sent back (HTTP `?sessionid=`), if any. */
  readonly sessionKey?: string;
  /** Base URL for the RespURI (HTTP): the key is appended as `?sessionid=KEY`. */
  readonly respUriBase?: string;
  /** Device profile named by the link (serial PATH=PROFILE). */
  readonly profileName?: string;
  /** Options of a host-initiated sync, for the session this message starts (ServerSessionOptions.hostOptions). */
  readonly hostOptions?: UriOptions;
  /** The user of a session with auth `none` (ServerSessionOptions.localUser). */
  readonly localUser?: string;
}

/** The engine's answer to one message. */
export interface EngineReply {
  readonly body: Uint8Array;
  readonly contentType: string;
  readonly encoding: Encoding;
  readonly done: boolean;
  readonly events: readonly EngineEvent[];
  readonly session: ServerSession;
  /** The decoded client message and the reply (for debug dumps). */
  readonly message: SyncMLMessage;
  readonly reply: SyncMLMessage;
}

export class SyncEngine {
  readonly #o: EngineOptions;
  readonly #byKey = new Map<string, ServerSession>();
  readonly #byClient = new Map<string, ServerSession>();
  /** Sessions whose link went away before they ended: kept for a resend until a new session or the timeout. */
  readonly #orphans = new Set<ServerSession>();
  #counter = 0;

  constructor(opts: EngineOptions) {
    this.#o = opts;
  }

  get config(): EngineConfig {
    return this.#o.config;
  }

  /** Live sessions. */
  get size(): number {
    return this.#byKey.size;
  }

  /**
   * Handle one message.
   * @throws WbxmlError / XmlError / SyncmlError (with syncmlStatus) for bytes that are not a
   *   usable SyncML message; StoreError when the store fails (nothing of the message is kept).
   */
  handle(body: Uint8Array, contentType: string | undefined, ctx: MessageContext, now: number): EngineReply {
    const expired = this.expire(now);
    void expired;
    const decoded = decodeMessage(body, contentType === undefined ? {} : { contentType });
    const msg = decoded.message;
    const hdr = msg.SyncHdr;
    // Not by link: a phone whose link dropped reconnects and resends into the same session.
    const clientKey = `${hdr.Source.LocURI}\u0000${hdr.SessionID}`;
    let s = ctx.sessionKey === undefined ? undefined : this.#byKey.get(ctx.sessionKey);
    if (s !== undefined && (s.device !== hdr.Source.LocURI || s.sessionId !== hdr.SessionID)) s = undefined;
    s ??= this.#byClient.get(clientKey);
    // A new session: MsgID 1 of a finished one, or any message of an unknown one.
    if (s !== undefined && s.done && hdr.MsgID === '1') s = undefined;
    if (s !== undefined) this.#orphans.delete(s);
    if (s === undefined) {
      if (ctx.sessionKey !== undefined && hdr.MsgID !== '1') {
        throw new SyncmlError(`unknown or expired session ${ctx.sessionKey}`, 'SB_ERR_DS_NO_SESSION', { syncmlStatus: 404 });
      }
      // A new session of a device whose earlier session lost its link replaces it.
      for (const o of [...this.#orphans]) {
        if (o.device !== hdr.Source.LocURI) continue;
        this.#orphans.delete(o);
        this.#forget(o);
        o.abort('replaced by a new session after its link was lost');
      }
      s = this.#start(ctx, clientKey, now);
    }
    const r = s.handle(msg, decoded.encoding, now);
    return {
      body: encodeMessage(r.reply, r.encoding), contentType: contentTypeOf(r.encoding), encoding: r.encoding, done: r.done,
      events: r.events, session: s, message: msg, reply: r.reply,
    };
  }

  #start(ctx: MessageContext, clientKey: string, now: number): ServerSession {
    this.#makeRoom();
    const key = `${now.toString(36)}${(++this.#counter).toString(36)}${Buffer.from(this.#o.random(6)).toString('hex')}`;
    const o = this.#o;
    const s = new ServerSession(key, {
      store: o.store, content: o.content, config: o.config, shared: o.shared, auth: ctx.auth, transport: ctx.transport, link: ctx.link,
      random: o.random,
      ...(ctx.respUriBase === undefined ? {} : { respUri: withSessionId(ctx.respUriBase, key) }),
      ...(ctx.profileName === undefined ? {} : { profileName: ctx.profileName }),
      ...(ctx.hostOptions === undefined ? {} : { hostOptions: ctx.hostOptions }),
      ...(ctx.localUser === undefined ? {} : { localUser: ctx.localUser }),
      ...(o.profiles === undefined ? {} : { profiles: o.profiles }),
      ...(o.userNames === undefined ? {} : { userNames: o.userNames }),
    });
    this.#byKey.set(key, s);
    this.#byClient.set(clientKey, s);
    return s;
  }

  /** End a session that will not continue; returns its events. */
  end(s: ServerSession, reason: string): EngineEvent[] {
    this.#forget(s);
    return s.abort(reason);
  }

  /**
   * The link of an unfinished session went away: the phone may reconnect and resend (the
   * session goes on), or start a new session (which then replaces this one).
   */
  orphan(s: ServerSession): void {
    if (!s.done) this.#orphans.add(s);
  }

  #forget(s: ServerSession): void {
    this.#orphans.delete(s);
    this.#byKey.delete(s.key);
    for (const [k, v] of this.#byClient) if (v === s) this.#byClient.delete(k);
  }

  /** Drop sessions idle longer than the timeout (finished ones after a grace period). Returns their end events. */
  expire(now: number): Array<{ session: ServerSession; events: EngineEvent[] }> {
    const out: Array<{ session: ServerSession; events: EngineEvent[] }> = [];
    const ttl = this.#o.config.sessionTimeoutMs;
    for (const s of [...this.#byKey.values()]) {
      if (now - s.lastUsed <= ttl) continue;
      this.#forget(s);
      out.push({ session: s, events: s.abort('session timed out') });
    }
    return out;
  }

  #makeRoom(): void {
    const max = this.#o.maxSessions ?? 512;
    if (this.#byKey.size < max) return;
    const oldest = [...this.#byKey.values()].sort((a, b) => Number(!a.done) - Number(!b.done) || a.lastUsed - b.lastUsed)[0];
    if (oldest !== undefined) {
      this.#forget(oldest);
      oldest.abort('too many sessions');
    }
  }
}

/** `base` with `sessionid=KEY` in its query (replacing one already there). */
export function withSessionId(base: string, key: string): string {
  const u = new URL(base);
  u.searchParams.set('sessionid', key);
  return u.toString();
}
