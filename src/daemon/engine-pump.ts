/**
 * A phone link served by the bridge's own engine (Mode A: the phone is OBEX client and SyncML
 * client): each PUT body goes to the engine, whose reply (committed first) answers the GET.
 * A link that ends before the SyncML session finished leaves that session waiting for the phone
 * to reconnect and resend; its anchors advance only if it then ends cleanly.
 */
import { BridgeError } from '../errors.js';
import { OBEX_RESPONSE } from '../obex/index.js';
import type { ServerSession } from '../ds/session.js';
import type { AuthPolicy } from '../ds/types.js';
import type { LocalEngine } from './local-engine.js';
import { ObexLinkPump, type ObexLinkOptions } from './obex-link.js';

export interface EnginePumpOptions extends ObexLinkOptions {
  readonly engine: LocalEngine;
  readonly auth: AuthPolicy;
  /** Device profile the link names (serial PATH=PROFILE). */
  readonly profileName?: string;
}

export class EnginePump extends ObexLinkPump {
  readonly #engine: LocalEngine;
  readonly #auth: AuthPolicy;
  readonly #profileName: string | undefined;
  #session: ServerSession | undefined;

  constructor(opts: EnginePumpOptions) {
    super(opts);
    this.#engine = opts.engine;
    this.#auth = opts.auth;
    this.#profileName = opts.profileName;
  }

  protected onConnected(): void {
    this.#endSession('reconnected');
  }

  protected onMessage(body: Uint8Array, type: string | undefined): void {
    const now = Date.now();
    try {
      const r = this.#engine.handle(body, type, {
        transport: 'obex', link: this.link.info.name, auth: this.#auth,
        ...(this.#profileName === undefined ? {} : { profileName: this.#profileName }),
      });
      this.#session = r.session;
      // The OBEX Type of the reply follows the GET; the engine answers in the phone's encoding.
      this.run(this.server.reply(r.body, now));
      if (r.done) this.#session = undefined;
    } catch (err) {
      const status = err instanceof BridgeError ? err.syncmlStatus : undefined;
      const code = status !== undefined && status < 500 ? OBEX_RESPONSE.BAD_REQUEST : OBEX_RESPONSE.INTERNAL_SERVER_ERROR;
      this.log.warn({ code: err instanceof BridgeError ? err.code : undefined, syncmlStatus: status, obexResponse: `0x${code.toString(16)}` }, `message refused: ${(err as Error).message}`);
      this.run(this.server.replyError(code, now));
    }
  }

  protected onGet(): void {
    // The reply is computed synchronously in onMessage; the OBEX machine serves it.
  }

  protected onAborted(): void {
    this.#endSession('OBEX ABORT');
  }

  protected onSessionEnd(reason: string): void {
    this.#endSession(reason);
  }

  #endSession(reason: string): void {
    const s = this.#session;
    this.#session = undefined;
    if (s !== undefined && !s.done) this.#engine.linkLost(s, `link: ${reason} before the session finished`, this.link.info.name);
  }
}
