/**
 * Message-level SyncML over HTTP toward an upstream server (SyncEvolution's TransportAgent
 * contract: send one message with its content type, await the reply). One HttpAgent is one
 * upstream conversation (one phone session).
 *
 * - RespURI: only the session part is applied to the configured upstream. A RespURI on the
 *   upstream's own origin is followed (path + query); one naming another host (syncevo-http-server
 *   builds it from the phone's Target LocURI, which may be the bridge or the phone's own URL) only
 *   lends its query (`?sessionid=...`) to the configured URL. Nothing ever points back at the
 *   bridge.
 * - Resend (DS HTTP binding): a POST is resent, byte for byte with the same MsgID, only when the
 *   connection was refused or reset before any response byte arrived. Never after a response.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { TransportError } from '../errors.js';
import { encodingOfContentType } from '../syncml/index.js';

/** Options of one upstream conversation. */
export interface HttpAgentOptions {
  /** The configured upstream URL (http: or https:). */
  readonly upstream: URL;
  /** PEM CA bundle for HTTPS upstreams (replaces the system store when given). */
  readonly ca?: string | Uint8Array;
  /** Per-POST deadline from request start to the last reply byte, in ms. Default 120000. */
  readonly timeoutMs?: number;
  /** Largest reply body accepted, in bytes. Default 32 MiB. */
  readonly maxResponseBytes?: number;
  /** How many times a safely resendable POST is retried. Default 3. */
  readonly retries?: number;
  /** Wait before each resend, in ms. Default 1000. */
  readonly retryDelayMs?: number;
  /** The bridge's own listening addresses (`host:port`): a RespURI naming one is never followed. */
  readonly selfAddresses?: readonly string[];
  /** Observer for log-worthy events (the daemon logs them; this module never logs). */
  readonly onEvent?: (event: HttpAgentEvent) => void;
}

/** Things worth a log line. */
export type HttpAgentEvent =
  | { readonly kind: 'resend'; readonly attempt: number; readonly reason: string; readonly url: string }
  | { readonly kind: 'respuri'; readonly respUri: string; readonly url: string; readonly how: 'followed' | 'query-only' | 'ignored'; readonly reason: string };

/** The upstream's answer. The body is owned by the caller. */
export interface HttpReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: Uint8Array;
  /** How many POSTs this message took (1 without resends). */
  readonly attempts: number;
}

/** Error codes raised by HttpAgent. */
export const HTTP_AGENT_ERR = {
  /** Connection refused/reset before any reply byte, after every allowed resend. */
  UNREACHABLE: 'SB_ERR_UPSTREAM_UNREACHABLE',
  /** The upstream answered with a non-2xx status. */
  HTTP_STATUS: 'SB_ERR_UPSTREAM_STATUS',
  /** No complete reply within timeoutMs. */
  TIMEOUT: 'SB_ERR_UPSTREAM_TIMEOUT',
  /** Reply larger than maxResponseBytes. */
  TOO_LARGE: 'SB_ERR_UPSTREAM_TOO_LARGE',
  /** Reply Content-Type is not SyncML. */
  CONTENT_TYPE: 'SB_ERR_UPSTREAM_CONTENT_TYPE',
  /** Connection broke after the reply started (not resendable). */
  BROKEN: 'SB_ERR_UPSTREAM_BROKEN',
} as const;

const OBEX_SERVICE_UNAVAILABLE = 0xd3;
const OBEX_INTERNAL_SERVER_ERROR = 0xd0;
const RESENDABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH']);

/** A failure of one attempt, with whether resending is safe. */
class AttemptError extends Error {
  constructor(readonly error: TransportError, readonly resendable: boolean) {
    super(error.message);
  }
}

/** A URL for logs: user name and password removed. */
export function displayUrl(url: URL | string): string {
  const u = new URL(typeof url === 'string' ? url : url.href);
  u.username = '';
  u.password = '';
  return u.href;
}

/** One upstream conversation. */
export class HttpAgent {
  readonly #upstream: URL;
  readonly #opts: HttpAgentOptions;
  readonly #self: Set<string>;
  #url: URL;

  constructor(opts: HttpAgentOptions) {
    if (opts.upstream.protocol !== 'http:' && opts.upstream.protocol !== 'https:') {
      throw new TransportError(`upstream ${opts.upstream.href} is not http: or https:`, 'SB_ERR_UPSTREAM_URL');
    }
    this.#upstream = new URL(opts.upstream.href);
    this.#url = new URL(opts.upstream.href);
    this.#opts = opts;
    this.#self = new Set((opts.selfAddresses ?? []).map((a) => a.toLowerCase()));
  }

  /** Where the next POST goes. */
  get url(): URL {
    return new URL(this.#url.href);
  }

  /**
   * Apply a RespURI from an upstream reply. Returns how it was applied (also reported through
   * onEvent). A RespURI is relative to nothing: an unparsable one is ignored.
   */
  applyRespUri(respUri: string): 'followed' | 'query-only' | 'ignored' {
    let target: URL;
    try {
      target = new URL(respUri, this.#upstream);
    } catch {
      return this.#respUri(respUri, 'ignored', 'not a URL');
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') return this.#respUri(respUri, 'ignored', `scheme ${target.protocol}`);
    if (target.origin === this.#upstream.origin && !this.#self.has(target.host.toLowerCase())) {
      const next = new URL(this.#upstream.href);
      next.pathname = target.pathname;
      next.search = target.search;
      this.#url = next;
      return this.#respUri(respUri, 'followed', 'same origin as the upstream');
    }
    // Another host, or the bridge itself: keep the configured URL, take only its session query.
    const next = new URL(this.#upstream.href);
    next.search = target.search;
    this.#url = next;
    const why = this.#self.has(target.host.toLowerCase()) ? 'points at the bridge itself' : `host ${target.host} is not the upstream`;
    return this.#respUri(respUri, target.search === '' ? 'ignored' : 'query-only', why);
  }

  #respUri(respUri: string, how: 'followed' | 'query-only' | 'ignored', reason: string): 'followed' | 'query-only' | 'ignored' {
    this.#opts.onEvent?.({ kind: 'respuri', respUri, url: displayUrl(this.#url), how, reason });
    return how;
  }

  /**
   * POST one SyncML message and await the reply. The body is not retained after the promise
   * settles.
   * @throws TransportError with a code of HTTP_AGENT_ERR and `obexResponse` to answer the phone.
   */
  async send(body: Uint8Array, contentType: string): Promise<HttpReply> {
    const retries = this.#opts.retries ?? 3;
    for (let attempt = 1; ; attempt++) {
      try {
        const reply = await this.#post(body, contentType);
        return { ...reply, attempts: attempt };
      } catch (err) {
        if (!(err instanceof AttemptError)) throw err;
        if (!err.resendable) throw err.error;
        if (attempt > retries) {
          throw new TransportError(`upstream ${this.#url.origin} unreachable after ${attempt} attempts: ${err.message}`, HTTP_AGENT_ERR.UNREACHABLE, {
            cause: err.error, obexResponse: OBEX_SERVICE_UNAVAILABLE,
          });
        }
        this.#opts.onEvent?.({ kind: 'resend', attempt: attempt + 1, reason: err.message, url: displayUrl(this.#url) });
        await new Promise((r) => setTimeout(r, this.#opts.retryDelayMs ?? 1000));
      }
    }
  }

  #post(body: Uint8Array, contentType: string): Promise<Omit<HttpReply, 'attempts'>> {
    const url = this.#url;
    const timeoutMs = this.#opts.timeoutMs ?? 120_000;
    const maxBytes = this.#opts.maxResponseBytes ?? 32 * 1024 * 1024;
    const make = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolveReply, reject) => {
      let responded = false;
      let settled = false;
      const fail = (error: TransportError, resendable: boolean): void => {
        if (settled) return;
        settled = true;
        req.destroy();
        reject(new AttemptError(error, resendable));
      };
      const req = make(url, {
        method: 'POST',
        agent: false,
        headers: { 'content-type': contentType, 'content-length': body.length, accept: 'application/vnd.syncml+wbxml, application/vnd.syncml+xml' },
        ...(this.#opts.ca === undefined ? {} : { ca: typeof this.#opts.ca === 'string' ? this.#opts.ca : Buffer.from(this.#opts.ca) }),
      });
      const timer = setTimeout(() => {
        fail(new TransportError(`upstream ${url.origin}: no reply within ${timeoutMs} ms`, HTTP_AGENT_ERR.TIMEOUT, { obexResponse: OBEX_SERVICE_UNAVAILABLE }), false);
      }, timeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const code = err.code ?? '';
        // Before any response byte a refused/reset connection is safe to resend (DS HTTP binding).
        const resendable = !responded && (RESENDABLE.has(code) || err.message === 'socket hang up');
        fail(new TransportError(`upstream ${url.origin}: ${code === '' ? err.message : `${code} ${err.message}`}`, responded ? HTTP_AGENT_ERR.BROKEN : HTTP_AGENT_ERR.UNREACHABLE, {
          cause: err, obexResponse: OBEX_SERVICE_UNAVAILABLE,
        }), resendable);
      });
      req.on('response', (res: IncomingMessage) => {
        responded = true;
        const status = res.statusCode ?? 0;
        const ct = String(res.headers['content-type'] ?? '');
        const declared = Number(res.headers['content-length'] ?? NaN);
        const chunks: Buffer[] = [];
        let size = 0;
        if (Number.isFinite(declared) && declared > maxBytes) {
          fail(new TransportError(`upstream reply of ${declared} bytes is over ${maxBytes}`, HTTP_AGENT_ERR.TOO_LARGE, { obexResponse: OBEX_INTERNAL_SERVER_ERROR }), false);
          return;
        }
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            fail(new TransportError(`upstream reply over ${maxBytes} bytes`, HTTP_AGENT_ERR.TOO_LARGE, { obexResponse: OBEX_INTERNAL_SERVER_ERROR }), false);
            return;
          }
          chunks.push(c);
        });
        res.on('error', (err) => {
          fail(new TransportError(`upstream ${url.origin}: reply broken: ${err.message}`, HTTP_AGENT_ERR.BROKEN, { cause: err, obexResponse: OBEX_SERVICE_UNAVAILABLE }), false);
        });
        res.on('end', () => {
          if (settled) return;
          clearTimeout(timer);
          if (status < 200 || status > 299) {
            fail(new TransportError(`upstream ${displayUrl(url)} answered HTTP ${status}`, HTTP_AGENT_ERR.HTTP_STATUS, { obexResponse: OBEX_INTERNAL_SERVER_ERROR }), false);
            return;
          }
          if (encodingOfContentType(ct) === undefined) {
            fail(new TransportError(`upstream reply has Content-Type '${ct}', not SyncML`, HTTP_AGENT_ERR.CONTENT_TYPE, { obexResponse: OBEX_INTERNAL_SERVER_ERROR }), false);
            return;
          }
          settled = true;
          const all = Buffer.concat(chunks);
          resolveReply({ status, contentType: ct, body: new Uint8Array(all.buffer, all.byteOffset, all.length) });
        });
      });
      req.end(Buffer.from(body.buffer, body.byteOffset, body.length));
    });
  }
}
