/**
 * SyncML over HTTP (SyncML HTTP Binding 1.2; STYLE.md convention 13): the thin transport.
 *
 * One `POST` on the SyncML path with a SyncML content type is one message: its body goes to
 * `onMessage` and the reply becomes the response. Nothing here knows SyncML; sessions are the
 * caller's business (the RespURI query, e.g. `?sessionid=...`, is handed over in `url`).
 *
 * Everything else is answered here with a status and a short text body:
 * 400 malformed or aborted request, 404 other path, 405 other method (`Allow: POST`),
 * 413 body over `maxBodyBytes`, 415 other content type, 500 (or the thrown error's
 * `httpStatus`) when `onMessage` fails. A body over the limit is never buffered: a declared
 * Content-Length is checked before reading (and before `100 Continue`), a chunked body is
 * counted as it streams, and the connection is closed after the 413 without reading on.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { TransportError } from '../errors.js';
import { CONTENT_TYPE } from '../util/content-types.js';

/** Default largest request body (bytes). SyncEvolution's messages stay under 150 KB. */
export const DEFAULT_HTTP_MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Default time a client gets to send its request headers (ms). */
export const DEFAULT_HTTP_HEADERS_TIMEOUT_MS = 20_000;
/** Default time a client gets to send its whole request, headers and body (ms). */
export const DEFAULT_HTTP_REQUEST_TIMEOUT_MS = 120_000;
/** Default idle time of a keep-alive connection between requests (ms). */
export const DEFAULT_HTTP_KEEP_ALIVE_TIMEOUT_MS = 15_000;

const SYNCML_TYPES: ReadonlySet<string> = new Set([CONTENT_TYPE.SYNCML_XML, CONTENT_TYPE.SYNCML_WBXML]);

/** One SyncML message received over HTTP. */
export interface HttpSyncmlRequest {
  /** The whole request body; owned by the callee. */
  readonly body: Uint8Array;
  /** The media type, lower case, parameters removed: `application/vnd.syncml+xml` or `application/vnd.syncml+wbxml`. */
  readonly contentType: string;
  /** The full request URL as the client used it (Host header, path and query such as `?sessionid=...`). */
  readonly url: URL;
  /** The client's address, `127.0.0.1:41234` or `[::1]:41234`. */
  readonly remote: string;
}

/** The answer to one message. */
export interface HttpSyncmlReply {
  /** Response body; the listener only writes it out and keeps no reference. */
  readonly body: Uint8Array;
  readonly contentType: string;
  /** HTTP status, default 200. */
  readonly status?: number;
}

export interface HttpListenerOptions {
  readonly host: string;
  /** 0 picks a free port (read it back from `address` / `url`). */
  readonly port: number;
  /** SyncML path (default `/sync`); `/sync/` and any `/sync/...` below it are served too. */
  readonly path?: string;
  /** Largest request body in bytes (default {@link DEFAULT_HTTP_MAX_BODY_BYTES}). */
  readonly maxBodyBytes?: number;
  /** Headers must arrive within this (ms, default {@link DEFAULT_HTTP_HEADERS_TIMEOUT_MS}). */
  readonly headersTimeoutMs?: number;
  /** The whole request must arrive within this (ms, default {@link DEFAULT_HTTP_REQUEST_TIMEOUT_MS}). */
  readonly requestTimeoutMs?: number;
  /** An idle keep-alive connection closes after this (ms, default {@link DEFAULT_HTTP_KEEP_ALIVE_TIMEOUT_MS}). */
  readonly keepAliveTimeoutMs?: number;
  /**
   * Handle one message. A rejection becomes a short text response whose status is the error's
   * numeric `httpStatus` property (400-599) if it has one, else 500; the error goes to `onError`.
   */
  onMessage(req: HttpSyncmlRequest): Promise<HttpSyncmlReply>;
  /**
   * Every request that is not a POST on the SyncML path (web page, `/metrics`, ...). Return true
   * when it was answered; false lets the listener answer 400, 404 or 405. WebSocket upgrades
   * are not requests: attach to `server.on('upgrade')`.
   */
  onOtherRequest?(req: IncomingMessage, res: ServerResponse): boolean | Promise<boolean>;
  /** Errors thrown by `onMessage` / `onOtherRequest` (the listener logs nothing itself). */
  onError?(err: unknown): void;
}

/** A listening SyncML HTTP server. */
export interface HttpListener {
  /** Bound address, `127.0.0.1:8280` or `[::1]:8280` (the real port after port 0). */
  readonly address: string;
  /** The SyncML URL, e.g. `http://127.0.0.1:8280/sync`. */
  readonly url: string;
  /** The underlying server, for extra routes (`upgrade` for WebSockets). */
  readonly server: Server;
  /**
   * Stop accepting, close idle keep-alive connections, let requests in progress finish (their
   * connections close after the answer); connections still open after `graceMs` (default
   * 10 s) are dropped.
   */
  close(graceMs?: number): Promise<void>;
}

function fmt(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** `/sync` matches `/sync`, `/sync/`, `/sync/x`; `/` matches everything. */
function isOnPath(pathname: string, path: string): boolean {
  return path === '/' || pathname === path || pathname.startsWith(`${path}/`);
}

/** The media type of a Content-Type header: lower case, without parameters. */
function mediaType(header: string | undefined): string {
  return (header ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

/** The request URL as the client used it, or undefined when the request target is malformed. */
function requestUrl(req: IncomingMessage, fallbackHost: string): URL | undefined {
  const target = req.url ?? '';
  try {
    if (/^https?:\/\//i.test(target)) return new URL(target);
    if (!target.startsWith('/') || target.startsWith('//')) return undefined;
    return new URL(`http://${req.headers.host ?? fallbackHost}${target}`);
  } catch {
    return undefined;
  }
}

/** The status a handler error asks for: its numeric `httpStatus` (400-599), else 500. */
function statusOf(err: unknown): number {
  const st = typeof err === 'object' && err !== null ? (err as { httpStatus?: unknown }).httpStatus : undefined;
  return typeof st === 'number' && Number.isInteger(st) && st >= 400 && st <= 599 ? st : 500;
}

function statusText(status: number, detail?: string): string {
  return `${status} ${STATUS_CODES[status] ?? 'Error'}${detail === undefined ? '' : `: ${detail}`}\n`;
}

class Listener implements HttpListener {
  readonly server: Server;
  readonly address: string;
  readonly url: string;
  readonly #opts: HttpListenerOptions;
  readonly #path: string;
  readonly #maxBody: number;
  #closing = false;

  constructor(server: Server, opts: HttpListenerOptions, path: string) {
    this.server = server;
    this.#opts = opts;
    this.#path = path;
    this.#maxBody = opts.maxBodyBytes ?? DEFAULT_HTTP_MAX_BODY_BYTES;
    const a = server.address() as AddressInfo;
    this.address = fmt(a.address, a.port);
    this.url = `http://${this.address}${path}`;
  }

  /** Entry point of 'request' and (with `expectsContinue`) 'checkContinue'. */
  async handle(req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): Promise<void> {
    const url = requestUrl(req, this.address);
    const onPath = url !== undefined && isOnPath(url.pathname, this.#path);
    if (!onPath || req.method !== 'POST') {
      await this.#other(req, res, url, onPath, expectsContinue);
      return;
    }
    const contentType = mediaType(req.headers['content-type']);
    if (!SYNCML_TYPES.has(contentType)) {
      this.#reject(req, res, 415, `content type must be ${CONTENT_TYPE.SYNCML_XML} or ${CONTENT_TYPE.SYNCML_WBXML}`);
      return;
    }
    const declared = req.headers['content-length'];
    const length = declared === undefined ? undefined : Number(declared);
    if (length !== undefined && !(Number.isSafeInteger(length) && length >= 0)) {
      this.#reject(req, res, 400, 'bad Content-Length');
      return;
    }
    if (length !== undefined && length > this.#maxBody) {
      this.#reject(req, res, 413, `body over ${this.#maxBody} bytes`);
      return;
    }
    if (expectsContinue) res.writeContinue();
    const body = await this.#readBody(req, res, length);
    if (body === undefined) return;
    let reply: HttpSyncmlReply;
    try {
      reply = await this.#opts.onMessage({ body, contentType, url, remote: fmt(req.socket.remoteAddress ?? '?', req.socket.remotePort ?? 0) });
    } catch (err) {
      this.#opts.onError?.(err);
      this.#reject(req, res, statusOf(err));
      return;
    }
    if (res.destroyed) return;
    res.writeHead(reply.status ?? 200, {
      'Content-Type': reply.contentType,
      'Content-Length': reply.body.byteLength,
      'Cache-Control': 'no-store',
      ...(this.#closing ? { Connection: 'close' } : {}),
    });
    res.end(reply.body);
  }

  /** Not a SyncML POST: the caller's extra routes, else 400 / 404 / 405. */
  async #other(req: IncomingMessage, res: ServerResponse, url: URL | undefined, onPath: boolean, expectsContinue: boolean): Promise<void> {
    if (this.#opts.onOtherRequest !== undefined) {
      if (expectsContinue) res.writeContinue();
      try {
        if (await this.#opts.onOtherRequest(req, res)) return;
      } catch (err) {
        this.#opts.onError?.(err);
        this.#reject(req, res, 500);
        return;
      }
    }
    if (url === undefined) this.#reject(req, res, 400, 'malformed request target');
    else if (!onPath) this.#reject(req, res, 404, `no SyncML here; POST to ${this.#path}`);
    else this.#reject(req, res, 405, 'SyncML needs POST', { Allow: 'POST' });
  }

  /** The body, or undefined after answering 400 (aborted, short) or 413 (over the limit while streaming). */
  #readBody(req: IncomingMessage, res: ServerResponse, length: number | undefined): Promise<Uint8Array | undefined> {
    return new Promise((resolveBody) => {
      const fixed = length === undefined ? undefined : Buffer.allocUnsafe(length);
      const chunks: Buffer[] = [];
      let received = 0;
      let done = false;
      const finish = (body: Uint8Array | undefined, status?: number, detail?: string): void => {
        if (done) return;
        done = true;
        req.off('data', onData);
        req.off('end', onEnd);
        req.off('error', onFail);
        req.off('aborted', onFail);
        if (status !== undefined) this.#reject(req, res, status, detail);
        resolveBody(body);
      };
      const onData = (chunk: Buffer): void => {
        const at = received;
        received += chunk.length;
        if (received > this.#maxBody || (fixed !== undefined && received > fixed.length)) {
          finish(undefined, 413, `body over ${this.#maxBody} bytes`);
          return;
        }
        if (fixed !== undefined) chunk.copy(fixed, at);
        else chunks.push(chunk);
      };
      const onEnd = (): void => {
        if (fixed !== undefined && received !== fixed.length) {
          finish(undefined, 400, 'body shorter than Content-Length');
          return;
        }
        const body = fixed ?? (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received));
        finish(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
      };
      const onFail = (): void => finish(undefined, 400, 'request aborted');
      req.on('data', onData);
      req.on('end', onEnd);
      req.on('error', onFail);
      req.on('aborted', onFail);
    });
  }

  /**
   * A short text answer. When the rest of the request body is not going to be read (a 413,
   * or an unknown or oversized length), nothing more is read from the socket and the
   * connection closes after the answer; otherwise node drains the (bounded) body and the
   * connection stays usable.
   */
  #reject(req: IncomingMessage, res: ServerResponse, status: number, detail?: string, headers: Readonly<Record<string, string>> = {}): void {
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    const chunked = req.headers['transfer-encoding'] !== undefined;
    const declared = Number(req.headers['content-length'] ?? 0);
    const drainable = req.complete || (status !== 413 && !chunked && Number.isSafeInteger(declared) && declared <= this.#maxBody);
    const text = statusText(status, detail);
    res.writeHead(status, {
      ...headers,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      ...(drainable && !this.#closing ? {} : { Connection: 'close' }),
    });
    if (!drainable) {
      req.removeAllListeners('data');
      req.socket.pause();
    }
    res.end(text);
  }

  close(graceMs = 10_000): Promise<void> {
    this.#closing = true;
    return new Promise((resolveClose) => {
      const force = setTimeout(() => this.server.closeAllConnections(), graceMs);
      force.unref();
      this.server.close(() => {
        clearTimeout(force);
        resolveClose();
      });
      this.server.closeIdleConnections();
    });
  }
}

/** A request node's parser refused (bad syntax, headers too large, too slow): answer and close. */
function onClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || socket.destroyed) {
    socket.destroy();
    return;
  }
  const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const text = statusText(status);
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${text.length}\r\nConnection: close\r\n\r\n${text}`);
  socket.destroySoon();
}

/**
 * Listen for SyncML over HTTP.
 * @throws TransportError (`SB_ERR_HTTP_LISTEN`) when the address cannot be bound (e.g. in use).
 */
export async function listenHttp(opts: HttpListenerOptions): Promise<HttpListener> {
  const path = (opts.path ?? '/sync').replace(/\/+$/, '') || '/';
  const headersTimeout = opts.headersTimeoutMs ?? DEFAULT_HTTP_HEADERS_TIMEOUT_MS;
  const requestTimeout = Math.max(headersTimeout, opts.requestTimeoutMs ?? DEFAULT_HTTP_REQUEST_TIMEOUT_MS);
  const server = createServer({
    noDelay: true, headersTimeout, requestTimeout,
    // How often node checks those two timeouts (its default, 30 s, would stretch them).
    connectionsCheckingInterval: Math.max(25, Math.min(5_000, Math.floor(headersTimeout / 4))),
  });
  server.keepAliveTimeout = opts.keepAliveTimeoutMs ?? DEFAULT_HTTP_KEEP_ALIVE_TIMEOUT_MS;
  await new Promise<void>((resolveListen, reject) => {
    const onError = (err: Error): void => {
      reject(new TransportError(`cannot listen for HTTP on ${fmt(opts.host, opts.port)}: ${err.message}`, 'SB_ERR_HTTP_LISTEN', { cause: err }));
    };
    server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.off('error', onError);
      resolveListen();
    });
  });
  const listener = new Listener(server, opts, path);
  const dispatch = (expectsContinue: boolean) => (req: IncomingMessage, res: ServerResponse): void => {
    listener.handle(req, res, expectsContinue).catch((err: unknown) => {
      opts.onError?.(err);
      res.destroy();
    });
  };
  server.on('request', dispatch(false));
  server.on('checkContinue', dispatch(true));
  server.on('clientError', onClientError);
  return listener;
}
