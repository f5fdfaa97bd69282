/**
 * The one wiring point for a phone link (DESIGN.md section 2): Link bytes → ObexFramer →
 * ObexServer (Mode A) → pass-through relay → upstream over HTTP → ObexServer.reply → Link.
 *
 * One LinkPump per link. A phone session is one OBEX connection (CONNECT … DISCONNECT, or until
 * the link drops); its upstream conversation lives in the SessionRegistry so a reconnecting phone
 * continues it. Each session ends with one outcome line (device, link, mode, messages, items,
 * result). The debug level dumps every OBEX packet as hex and every SyncML message as XML.
 */
import type { Logger } from 'pino';
import { BridgeError } from '../errors.js';
import { OBEX_RESPONSE } from '../obex/index.js';
import { displayUrl, inspectMessage, type HttpAgentEvent, type PhoneReply } from '../relay/index.js';
import { dumpSyncml } from './dump.js';
import { childLogger } from './log.js';
import { ObexLinkPump, type ObexLinkOptions } from './obex-link.js';
import { sameBytes, type Conversation, type SessionRegistry } from './session-registry.js';

/** Options of one link pump. */
export interface PumpOptions extends ObexLinkOptions {
  readonly registry: SessionRegistry;
}

/** How a phone session ended. */
export interface SessionOutcome {
  readonly device: string | undefined;
  readonly link: string;
  readonly mode: 'passthrough' | 'local';
  readonly messages: number;
  readonly items: number;
  readonly result: string;
}

/** Pumps one link until it closes, relaying each phone message upstream. */
export class LinkPump extends ObexLinkPump {
  readonly #registry: SessionRegistry;
  readonly #outcomes: SessionOutcome[] = [];
  /** The conversation of the current OBEX session (undefined before the first message). */
  #conv: Conversation | undefined;
  #inSession = false;
  /** Device and SyncML session of the current OBEX session's last message, for log context. */
  #ctx: { device: string; session: string } | undefined;
  #result: string | undefined;
  /** Bumped for every delivered message, so a late upstream reply for an old one is dropped. */
  #seq = 0;
  /** GET Type of a held GET, once the phone asked. */
  #heldGet: { type: string | undefined } | undefined;
  /** Upstream reply ready but the phone has not asked yet. */
  #ready: { seq: number; settle: (getType: string | undefined) => void } | undefined;

  constructor(opts: PumpOptions) {
    super(opts);
    this.#registry = opts.registry;
  }

  /** Outcome of every session on this link so far. */
  get outcomes(): readonly SessionOutcome[] {
    return this.#outcomes;
  }

  protected onConnected(): void {
    this.#startSession();
  }

  protected onAborted(): void {
    this.#cancelPending();
  }

  protected onSessionEnd(reason: string): void {
    this.#finishSession(this.#result ?? reason);
  }

  protected onMessage(body: Uint8Array, type: string | undefined): void {
    this.#onMessage(body, type);
  }

  protected onGet(type: string | undefined): void {
    this.#onGet(type);
  }

  #startSession(): void {
    if (this.#inSession) this.#finishSession(this.#result ?? 'reconnected');
    this.#inSession = true;
    this.#conv = undefined;
    this.#ctx = undefined;
    this.#result = undefined;
    this.#cancelPending();
  }

  #cancelPending(): void {
    this.#seq++;
    this.#heldGet = undefined;
    this.#ready = undefined;
  }

  #onMessage(body: Uint8Array, type: string | undefined): void {
    const seq = ++this.#seq;
    this.#heldGet = undefined;
    this.#ready = undefined;
    const now = Date.now();
    const inspected = inspectMessage(body, type);
    const msg = inspected.message;
    const onEvent = (e: HttpAgentEvent): void => this.#agentEvent(e);
    const conv = msg === undefined
      ? this.#registry.anonymous(this.link.info.name, now, onEvent)
      : this.#registry.get(msg.SyncHdr.Source.LocURI, msg.SyncHdr.SessionID, msg.SyncHdr.MsgID, body, now, onEvent);
    this.#conv = conv;
    if (msg !== undefined) this.#ctx = { device: msg.SyncHdr.Source.LocURI, session: msg.SyncHdr.SessionID };
    const log = this.#sessionLog();
    log.info({ bytes: body.length, type, msgId: msg?.SyncHdr.MsgID }, 'SyncML message from the phone');
    if (log.isLevelEnabled('debug')) log.debug(`phone message\n${dumpSyncml(body)}`);

    let reply: Promise<PhoneReplyOrError>;
    if (msg !== undefined && conv.last !== undefined && conv.last.msgId === msg.SyncHdr.MsgID && sameBytes(conv.last.body, body)) {
      log.warn({ msgId: msg.SyncHdr.MsgID }, 'phone resent a message: answering from the upstream reply already received, not POSTing again');
      reply = conv.last.reply.then((r) => ({ http: r }), (error: unknown) => ({ error }));
    } else {
      let up;
      try {
        up = conv.relay.fromPhone(body, type, inspected);
      } catch (error) {
        reply = Promise.resolve({ error });
        this.#deliver(seq, reply, conv);
        return;
      }
      log.info({ contentType: up.contentType, bytes: up.body.length, converted: up.body !== body, url: displayUrl(conv.agent.url) }, 'POST upstream');
      if (up.body !== body && log.isLevelEnabled('debug')) log.debug(`converted for upstream\n${dumpSyncml(up.body)}`);
      const sent = conv.agent.send(up.body, up.contentType);
      conv.last = { msgId: msg?.SyncHdr.MsgID ?? '', body, reply: sent };
      // A failed POST is forgotten, so the phone's resend tries upstream again (nothing arrived there).
      sent.catch(() => { if (conv.last?.reply === sent) conv.last = undefined; });
      reply = sent.then((r) => ({ http: r }), (error: unknown) => ({ error }));
    }
    this.#deliver(seq, reply, conv);
  }

  #deliver(seq: number, reply: Promise<PhoneReplyOrError>, conv: Conversation): void {
    void reply.then((r) => {
      if (this.closed || seq !== this.#seq) return;
      const settle = (getType: string | undefined): void => {
        if (this.closed || seq !== this.#seq) return;
        this.#ready = undefined;
        this.#heldGet = undefined;
        this.#answer(r, conv, getType);
      };
      if (this.#heldGet !== undefined) settle(this.#heldGet.type);
      else this.#ready = { seq, settle };
    });
  }

  #onGet(type: string | undefined): void {
    if (this.#ready !== undefined) this.#ready.settle(type);
    else this.#heldGet = { type };
  }

  #answer(r: PhoneReplyOrError, conv: Conversation, getType: string | undefined): void {
    const log = this.#sessionLog();
    const now = Date.now();
    if ('error' in r) {
      const err = r.error;
      const code = err instanceof BridgeError && err.obexResponse !== undefined ? err.obexResponse : OBEX_RESPONSE.INTERNAL_SERVER_ERROR;
      const why = err instanceof Error ? err.message : String(err);
      log.warn({ code: err instanceof BridgeError ? err.code : undefined, obexResponse: `0x${code.toString(16)}` }, `no reply for the phone: ${why}`);
      this.#result = err instanceof BridgeError && err.code === 'SB_ERR_UPSTREAM_UNREACHABLE' ? 'upstream-unreachable' : `failed: ${err instanceof BridgeError ? err.code : 'error'}`;
      this.run(this.server.replyError(code, now));
      return;
    }
    let out: PhoneReply;
    try {
      out = conv.relay.toPhone(r.http.body, r.http.contentType, getType, !conv.served.has(r.http));
      conv.served.add(r.http);
    } catch (err) {
      this.#answer({ error: err }, conv, getType);
      return;
    }
    if (out.respUri !== undefined) conv.agent.applyRespUri(out.respUri);
    log.info({ bytes: out.body.length, contentType: out.contentType, attempts: r.http.attempts }, 'reply to the phone');
    if (log.isLevelEnabled('debug')) log.debug(`upstream reply\n${dumpSyncml(r.http.body)}`);
    if (conv.relay.facts.ended) this.#result = 'ok';
    this.run(this.server.reply(out.body, now));
  }

  #agentEvent(e: HttpAgentEvent): void {
    const log = this.#sessionLog();
    if (e.kind === 'resend') log.warn({ attempt: e.attempt, url: e.url }, `upstream POST failed before any reply byte, resending: ${e.reason}`);
    else log.info({ respUri: e.respUri, url: e.url, how: e.how }, `RespURI: ${e.reason}`);
  }

  #sessionLog(): Logger {
    const c = this.#ctx;
    if (c === undefined) return this.log;
    return childLogger(this.log, { device: c.device, session: c.session });
  }

  #finishSession(fallback: string): void {
    if (!this.#inSession) return;
    this.#inSession = false;
    const conv = this.#conv;
    const f = conv?.relay.facts;
    const result = f?.ended === true ? 'ok' : (this.#result ?? fallback);
    const outcome: SessionOutcome = {
      device: f?.device, link: this.link.info.name, mode: 'passthrough', messages: f?.messages ?? 0,
      items: (f?.itemsFromPhone ?? 0) + (f?.itemsToPhone ?? 0), result,
    };
    this.#outcomes.push(outcome);
    this.#sessionLog().info({ outcome: { ...outcome, itemsFromPhone: f?.itemsFromPhone ?? 0, itemsToPhone: f?.itemsToPhone ?? 0, session: f?.sessionId } },
      `session ${result}: device ${outcome.device ?? '?'}, ${outcome.messages} messages, ${outcome.items} items`);
    if (conv !== undefined && f?.ended === true) this.#registry.delete(conv);
    this.#conv = undefined;
    this.#ctx = undefined;
    this.#cancelPending();
  }
}

type PhoneReplyOrError = { readonly http: import('../relay/index.js').HttpReply } | { readonly error: unknown };
