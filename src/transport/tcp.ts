/**
 * OBEX over TCP (STYLE.md convention 13): a listener whose connections become Links, and an
 * outgoing connection for the host-initiated mode. Thin: no OBEX, no SyncML here.
 */
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { TransportError } from '../errors.js';
import type { Link, LinkListener } from './link.js';

/** Where to listen; port 0 picks a free port (read it back from `address`). */
export interface TcpListenOptions {
  readonly host: string;
  readonly port: number;
}

function fmt(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function linkOf(socket: Socket, local: string): Link {
  socket.setNoDelay(true);
  const peer = fmt(socket.remoteAddress ?? '?', socket.remotePort ?? 0);
  return { info: { kind: 'stream', transport: 'tcp', name: `tcp:${local}<-${peer}`, peer }, stream: socket };
}

/** A TCP listener of OBEX links. */
export class TcpLinkListener implements LinkListener {
  readonly #server: Server;
  readonly #handlers: ((link: Link) => void)[] = [];
  readonly #address: string;

  private constructor(server: Server, address: string) {
    this.#server = server;
    this.#address = address;
    server.on('connection', (socket: Socket) => {
      const link = linkOf(socket, address);
      if (this.#handlers.length === 0) {
        socket.destroy();
        return;
      }
      for (const h of this.#handlers) h(link);
    });
  }

  /** Bind and listen. @throws TransportError (`SB_ERR_TCP_LISTEN`) when the address cannot be bound. */
  static async listen(opts: TcpListenOptions): Promise<TcpLinkListener> {
    const server = createServer({ noDelay: true });
    await new Promise<void>((resolveListen, reject) => {
      const onError = (err: Error): void => {
        reject(new TransportError(`cannot listen on ${fmt(opts.host, opts.port)}: ${err.message}`, 'SB_ERR_TCP_LISTEN', { cause: err }));
      };
      server.once('error', onError);
      server.listen(opts.port, opts.host, () => {
        server.off('error', onError);
        resolveListen();
      });
    });
    const a = server.address() as AddressInfo;
    return new TcpLinkListener(server, fmt(a.address, a.port));
  }

  get address(): string {
    return this.#address;
  }

  /** The bound port (useful after listening on port 0). */
  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  onLink(handler: (link: Link) => void): void {
    this.#handlers.push(handler);
  }

  close(): Promise<void> {
    return new Promise((resolveClose) => this.#server.close(() => resolveClose()));
  }
}

/** Listen for OBEX over TCP. */
export function listenTcp(opts: TcpListenOptions): Promise<TcpLinkListener> {
  return TcpLinkListener.listen(opts);
}

/**
 * Connect to an OBEX-over-TCP peer (host-initiated mode).
 * @throws TransportError (`SB_ERR_TCP_CONNECT`) when the connection fails or times out.
 */
export function connectTcp(host: string, port: number, timeoutMs = 10_000): Promise<Link> {
  return new Promise((resolveLink, reject) => {
    const socket = createConnection({ host, port, noDelay: true });
    const fail = (err: Error): void => {
      socket.destroy();
      reject(new TransportError(`cannot connect to ${fmt(host, port)}: ${err.message}`, 'SB_ERR_TCP_CONNECT', { cause: err }));
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`no connection within ${timeoutMs} ms`)));
    socket.once('error', fail);
    socket.once('connect', () => {
      socket.off('error', fail);
      socket.setTimeout(0);
      const local = fmt(socket.localAddress ?? '?', socket.localPort ?? 0);
      const peer = fmt(host, port);
      resolveLink({ info: { kind: 'stream', transport: 'tcp', name: `tcp:${local}->${peer}`, peer }, stream: socket });
    });
  });
}
