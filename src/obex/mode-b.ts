/**
 * The SyncML OBEX binding, Mode B (protocol-notes 2.3): the bridge is OBEX client and SyncML
 * server, the phone is OBEX server and SyncML client. One host-initiated session:
 *
 *   CONNECT Target SYNCML-SYNC -> PUT SAN -> GET (phone's pkg1) -> PUT reply -> GET -> ...
 *   -> PUT last reply -> DISCONNECT (no GET after the last PUT, as SE's shutdown()).
 *
 * SAN versions: with `san.binary` the DS 1.2 SAN goes first, Type `application/vnd.syncml.ds.notification`.
 * If the phone refuses it with one of SAN_FALLBACK_RESPONSES and `san.legacy` is given, the legacy
 * (1.1) SAN message is PUT instead with the SyncML Type, as SE's doSync does. A profile forces a
 * version by giving only one of the two. 0xC3 Forbidden never triggers the fallback: a Nokia that
 * shows a dialog answers it (protocol-notes 1.6) and another PUT would not help.
 *
 * Pure: a driver over ObexClient; bytes, calls and the current time in, action lists out.
 */
import { ObexError } from '../errors.js';
import { OBEX_RESPONSE, SYNCML_CONTENT_TYPE } from './constants.js';
import { OBEX_ERR, obexError } from './errors.js';
import { ObexClient, type ObexClientAction, type ObexClientOptions } from './client.js';
import { DEFAULT_CODEC_LIMITS } from '../util/limits.js';

/** Error codes of the Mode B driver (they live in OBEX_ERR with the rest). */
export const MODE_B_ERR = { SAN_REFUSED: OBEX_ERR.SAN_REFUSED, LINK_CLOSED: OBEX_ERR.LINK_CLOSED } as const;

/**
 * Responses to the 1.2 SAN PUT that make the driver try the legacy SAN: Bad Request, Not Found,
 * Not Acceptable, Unsupported Media Type, Internal Server Error, Not Implemented, Service
 * Unavailable (what phones and obex servers answer to a Type they do not know).
 */
export const SAN_FALLBACK_RESPONSES: ReadonlySet<number> = new Set([
  OBEX_RESPONSE.BAD_REQUEST, OBEX_RESPONSE.NOT_FOUND, OBEX_RESPONSE.NOT_ACCEPTABLE, OBEX_RESPONSE.UNSUPPORTED_MEDIA_TYPE,
  OBEX_RESPONSE.INTERNAL_SERVER_ERROR, OBEX_RESPONSE.NOT_IMPLEMENTED, OBEX_RESPONSE.SERVICE_UNAVAILABLE,
]);

export interface ModeBOptions {
  /** The SAN bytes. At least one form; both = 1.2 first, legacy on refusal. */
  readonly san: { readonly binary?: Uint8Array; readonly legacy?: Uint8Array };
  /** Type of the legacy SAN PUT. Default: `getType`. */
  readonly legacyType?: string;
  /** Type of the binary SAN PUT. Default `application/vnd.syncml.ds.notification`. */
  readonly binaryType?: string;
  /** Type asked for in every GET (and used for replies): the encoding wanted. Default SyncML WBXML. */
  readonly getType?: string;
  /** Largest message in either direction. Default DEFAULT_CODEC_LIMITS.maxDocumentBytes. */
  readonly maxMessageBytes?: number;
  /** Passed to ObexClient (packet size, timeout, target). */
  readonly client?: Omit<ObexClientOptions, 'maxMessageBytes'>;
  /**
   * A phone that shows a dialog (a Nokia asking whether to accept the PC) answers the SAN with 0xC3
   * Forbidden until the user answers it (protocol-notes 1.6, 5): PUT the same SAN again after
   * `delayMs`, at most `attempts` more times. Default: no retry.
   */
  readonly forbiddenRetry?: { readonly attempts: number; readonly delayMs: number };
}

export type ModeBStage = 'connect' | 'san' | 'get' | 'reply' | 'disconnect' | 'link';

export type ModeBAction =
  /** Write these bytes to the link. */
  | { readonly kind: 'send'; readonly bytes: Uint8Array }
  | { readonly kind: 'connected'; readonly connectionId: number; readonly peerMaxPacketLength: number }
  /** The phone refused the 1.2 SAN with `response`; the legacy SAN goes out next. */
  | { readonly kind: 'san-fallback'; readonly response: number }
  /** The phone answered the SAN 0xC3 (a dialog on its screen); the same SAN goes out again at `retryAt`. */
  | { readonly kind: 'san-forbidden'; readonly attempt: number; readonly retryAt: number }
  | { readonly kind: 'san-accepted'; readonly version: '1.2' | 'legacy' }
  /** The phone's next SyncML message: answer it with reply(). */
  | { readonly kind: 'phone-message'; readonly body: Uint8Array; readonly type: string }
  /** DISCONNECT answered after the last reply: the session is over. */
  | { readonly kind: 'done' }
  /** The session failed; `error.obexResponse` is the phone's response code when it sent one. */
  | { readonly kind: 'error'; readonly stage: ModeBStage; readonly error: ObexError }
  /** Close the link. */
  | { readonly kind: 'close' };

type DriverState = 'idle' | 'connecting' | 'san-binary' | 'san-legacy' | 'san-wait' | 'getting' | 'waiting-reply' | 'putting' | 'disconnecting' | 'done' | 'failed';

/** One Mode B session over one link. */
export class ModeBDriver {
  readonly #client: ObexClient;
  readonly #binary: Uint8Array | undefined;
  readonly #legacy: Uint8Array | undefined;
  readonly #binaryType: string;
  readonly #legacyType: string;
  readonly #getType: string;
  readonly #maxMessage: number;
  readonly #forbiddenRetry: { readonly attempts: number; readonly delayMs: number };
  #state: DriverState = 'idle';
  #last = false;
  #forbiddenCount = 0;
  /** While in san-wait: when to PUT again, and which SAN form. */
  #retry: { at: number; form: 'san-binary' | 'san-legacy' } | undefined;

  /** @throws ObexError SB_ERR_OBEX_SAN_VALUE when no SAN is given or a SAN is over the bound */
  constructor(options: ModeBOptions) {
    this.#maxMessage = options.maxMessageBytes ?? DEFAULT_CODEC_LIMITS.maxDocumentBytes;
    this.#client = new ObexClient({ ...options.client, maxMessageBytes: this.#maxMessage });
    this.#binary = options.san.binary;
    this.#legacy = options.san.legacy;
    if (this.#binary === undefined && this.#legacy === undefined) throw obexError(OBEX_ERR.SAN_VALUE, 'Mode B needs a SAN (binary, legacy or both)');
    for (const s of [this.#binary, this.#legacy]) {
      if (s !== undefined && (s.length === 0 || s.length > this.#maxMessage)) throw obexError(OBEX_ERR.SAN_VALUE, `SAN of ${s.length} bytes not in 1..${this.#maxMessage}`);
    }
    this.#getType = options.getType ?? SYNCML_CONTENT_TYPE.WBXML;
    this.#binaryType = options.binaryType ?? SYNCML_CONTENT_TYPE.DS_NOTIFICATION;
    this.#legacyType = options.legacyType ?? this.#getType;
    this.#forbiddenRetry = options.forbiddenRetry ?? { attempts: 0, delayMs: 0 };
  }

  /** `idle`, `connecting`, `san-binary`, `san-legacy`, `san-wait`, `getting`, `waiting-reply`, `putting`, `disconnecting`, `done`, `failed`. */
  get state(): DriverState {
    return this.#state;
  }

  /** Send CONNECT. @throws ObexError SB_ERR_OBEX_BUSY unless idle */
  start(now: number): ModeBAction[] {
    if (this.#state !== 'idle') throw obexError(OBEX_ERR.BUSY, `cannot start in state ${this.#state}`);
    this.#state = 'connecting';
    return this.#map(this.#client.connect(now), now);
  }

  /**
   * Answer the last phone message. `last`: no GET follows; DISCONNECT goes out after the PUT.
   * Returns [] once the session has failed (a late upstream answer needs no special case).
   * @throws ObexError SB_ERR_OBEX_BUSY when no phone message is waiting; SB_ERR_OBEX_MESSAGE_TOO_LARGE
   */
  reply(bytes: Uint8Array, opts: { readonly last: boolean }, now: number): ModeBAction[] {
    if (this.#state === 'failed') return [];
    if (this.#state !== 'waiting-reply') throw obexError(OBEX_ERR.BUSY, `reply in state ${this.#state}`);
    if (bytes.length > this.#maxMessage) throw obexError(OBEX_ERR.MESSAGE_TOO_LARGE, `reply of ${bytes.length} bytes over ${this.#maxMessage}`);
    this.#state = 'putting';
    this.#last = opts.last;
    return this.#put(this.#getType, bytes, 'reply', now);
  }

  /** Bytes from the link. */
  feed(bytes: Uint8Array, now: number): ModeBAction[] {
    if (this.#state === 'done' || this.#state === 'failed') return [];
    return this.#map(this.#client.feed(bytes, now), now);
  }

  /** Check the OBEX request timer. */
  tick(now: number): ModeBAction[] {
    if (this.#state === 'done' || this.#state === 'failed') return [];
    const r = this.#retry;
    if (this.#state === 'san-wait' && r !== undefined) {
      if (now < r.at) return [];
      this.#retry = undefined;
      this.#state = r.form;
      return r.form === 'san-binary' ? this.#put(this.#binaryType, this.#binary!, 'san', now) : this.#put(this.#legacyType, this.#legacy!, 'san', now);
    }
    return this.#map(this.#client.tick(now), now);
  }

  /** The link closed (EOF or error). Reports an error unless the session is over. */
  linkClosed(): ModeBAction[] {
    if (this.#state === 'done' || this.#state === 'failed') return [];
    const was = this.#state;
    this.#state = 'failed';
    const error = new ObexError(`link closed in state ${was}`, MODE_B_ERR.LINK_CLOSED, { obexResponse: OBEX_RESPONSE.SERVICE_UNAVAILABLE });
    return [{ kind: 'error', stage: 'link', error }];
  }

  #put(type: string, body: Uint8Array, stage: ModeBStage, now: number): ModeBAction[] {
    try {
      return this.#map(this.#client.put(type, body, now), now);
    } catch (err) {
      return this.#failWith(stage, err as ObexError);
    }
  }

  #stage(): ModeBStage {
    switch (this.#state) {
      case 'connecting': return 'connect';
      case 'san-binary': case 'san-legacy': case 'san-wait': return 'san';
      case 'getting': return 'get';
      case 'putting': return 'reply';
      default: return 'disconnect';
    }
  }

  #map(actions: ObexClientAction[], now: number): ModeBAction[] {
    const out: ModeBAction[] = [];
    for (const a of actions) {
      switch (a.kind) {
        case 'send': out.push({ kind: 'send', bytes: a.bytes }); break;
        case 'connected': {
          out.push({ kind: 'connected', connectionId: a.connectionId, peerMaxPacketLength: a.peerMaxPacketLength });
          if (this.#binary !== undefined) {
            this.#state = 'san-binary';
            out.push(...this.#put(this.#binaryType, this.#binary, 'san', now));
          } else {
            this.#state = 'san-legacy';
            out.push(...this.#put(this.#legacyType, this.#legacy!, 'san', now));
          }
          break;
        }
        case 'put-done': out.push(...this.#afterPut(now)); break;
        case 'message':
          this.#state = 'waiting-reply';
          out.push({ kind: 'phone-message', body: a.body, type: a.type ?? this.#getType });
          break;
        case 'disconnected':
          this.#state = 'done';
          out.push({ kind: 'done' });
          break;
        case 'error': out.push(...this.#onError(a.error, now)); break;
        case 'close':
          if (this.#state !== 'failed') this.#state = 'failed';
          if (!out.some((o) => o.kind === 'close')) out.push({ kind: 'close' });
          break;
        case 'aborted': break;
      }
    }
    return out;
  }

  #afterPut(now: number): ModeBAction[] {
    const out: ModeBAction[] = [];
    if (this.#state === 'san-binary' || this.#state === 'san-legacy') {
      out.push({ kind: 'san-accepted', version: this.#state === 'san-binary' ? '1.2' : 'legacy' });
    } else if (this.#last) {
      this.#state = 'disconnecting';
      return this.#map(this.#client.disconnect(now), now);
    }
    this.#state = 'getting';
    out.push(...this.#map(this.#client.get(this.#getType, now), now));
    return out;
  }

  #onError(error: ObexError, now: number): ModeBAction[] {
    const code = error.obexResponse;
    const peer = error.code === OBEX_ERR.PEER_RESPONSE && code !== undefined;
    if (this.#state === 'san-binary' && peer && SAN_FALLBACK_RESPONSES.has(code) && this.#legacy !== undefined) {
      this.#state = 'san-legacy';
      return [{ kind: 'san-fallback', response: code }, ...this.#put(this.#legacyType, this.#legacy, 'san', now)];
    }
    if ((this.#state === 'san-binary' || this.#state === 'san-legacy') && peer && code === OBEX_RESPONSE.FORBIDDEN && this.#forbiddenCount < this.#forbiddenRetry.attempts) {
      this.#forbiddenCount++;
      this.#retry = { at: now + this.#forbiddenRetry.delayMs, form: this.#state };
      this.#state = 'san-wait';
      return [{ kind: 'san-forbidden', attempt: this.#forbiddenCount, retryAt: this.#retry.at }];
    }
    const stage = this.#stage();
    const hex = code === undefined ? '' : ` (0x${code.toString(16)})`;
    let wrapped = error;
    if (peer && code === OBEX_RESPONSE.FORBIDDEN) {
      const tries = stage === 'san' && this.#forbiddenCount > 0 ? ` (${this.#forbiddenCount + 1} times)` : '';
      wrapped = new ObexError(`phone answered ${stage} with 0xc3 Forbidden${tries}: phone showing a dialog? (protocol-notes 1.6)`, error.code, { obexResponse: code, cause: error });
    } else if (peer && stage === 'connect') {
      wrapped = new ObexError(`phone refused CONNECT to SYNCML-SYNC${hex}`, OBEX_ERR.TARGET, { obexResponse: code, cause: error });
    } else if (peer && stage === 'san') {
      const tried = this.#binary !== undefined && this.#legacy !== undefined ? 'both the 1.2 and the legacy SAN' : this.#binary !== undefined ? 'the 1.2 SAN' : 'the legacy SAN';
      wrapped = new ObexError(`phone refused ${tried}${hex}`, MODE_B_ERR.SAN_REFUSED, { obexResponse: code, cause: error });
    }
    return this.#failWith(stage, wrapped);
  }

  #failWith(stage: ModeBStage, error: ObexError): ModeBAction[] {
    this.#state = 'failed';
    return [{ kind: 'error', stage, error }, { kind: 'close' }];
  }
}
