/**
 * The OBEX side of a phone link, shared by every pump: Link bytes → ObexFramer → ObexServer
 * (Mode A) and its response packets back to the link, the idle timer, debug hexdumps, and a
 * clean end. What happens to a SyncML message is the subclass's business (the pass-through
 * relay in pump.ts, the local engine in engine-pump.ts).
 */
import type { Logger } from 'pino';
import { BridgeError } from '../errors.js';
import { ObexFramer, ObexServer, OBEX_RESPONSE, type ObexServerAction } from '../obex/index.js';
import type { Link } from '../transport/link.js';
import { hexdump } from './dump.js';
import { childLogger } from './log.js';

/** Options every OBEX link pump takes. */
export interface ObexLinkOptions {
  readonly link: Link;
  readonly log: Logger;
  /** Largest OBEX packet we accept (announced in CONNECT). Default 65535. */
  readonly maxPacketLength?: number;
  /** Close the link after this long without a packet, in ms. Default 120000. */
  readonly idleTimeoutMs?: number;
  /** How often the OBEX timers are checked, in ms. Default 1000. */
  readonly tickMs?: number;
}

/** Pumps one link until it closes; subclasses handle the SyncML messages. */
export abstract class ObexLinkPump {
  protected readonly link: Link;
  protected readonly log: Logger;
  protected readonly server: ObexServer;
  readonly #framer: ObexFramer;
  readonly #timer: NodeJS.Timeout;
  readonly #done: Promise<void>;
  #resolveDone!: () => void;
  #closed = false;

  constructor(opts: ObexLinkOptions) {
    this.link = opts.link;
    this.log = childLogger(opts.log, { link: opts.link.info.name });
    const maxPacketLength = opts.maxPacketLength ?? 65535;
    this.server = new ObexServer({ maxPacketLength, idleTimeoutMs: opts.idleTimeoutMs ?? 120_000, now: Date.now() });
    this.#framer = new ObexFramer({ maxPacketLength });
    this.#done = new Promise((r) => { this.#resolveDone = r; });
    const stream = this.link.stream;
    stream.on('data', (chunk: Buffer) => this.#onData(chunk));
    stream.on('error', (err: Error) => this.end(`link error: ${err.message}`));
    stream.on('close', () => this.end('link closed'));
    stream.on('end', () => this.end('link closed'));
    this.#timer = setInterval(() => this.run(this.server.tick(Date.now())), opts.tickMs ?? 1000);
    this.log.info({ peer: this.link.info.peer, transport: this.link.info.transport }, 'link open');
  }

  /** Resolves when the link is closed and its session outcome logged. */
  get done(): Promise<void> {
    return this.#done;
  }

  protected get closed(): boolean {
    return this.#closed;
  }

  /** End the link now (shutdown): no DISCONNECT, the stream is closed. */
  close(reason = 'shutdown'): void {
    this.end(reason);
  }

  /** OBEX CONNECT accepted: a phone session starts. */
  protected abstract onConnected(): void;
  /** One SyncML message PUT by the phone. */
  protected abstract onMessage(body: Uint8Array, type: string | undefined): void;
  /** The phone GETs the reply (before or after it is ready). */
  protected abstract onGet(type: string | undefined): void;
  /** ABORT from the phone. */
  protected abstract onAborted(): void;
  /** The OBEX session ended (DISCONNECT, or the link went: `reason`). */
  protected abstract onSessionEnd(reason: string, clean: boolean): void;

  #onData(chunk: Buffer): void {
    if (this.#closed) return;
    const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
    let packets: Uint8Array[];
    try {
      packets = this.#framer.push(bytes);
    } catch (err) {
      this.#framingFailed(err);
      return;
    }
    for (const p of packets) {
      if (this.log.isLevelEnabled('debug')) this.log.debug({ dir: 'in', bytes: p.length }, `OBEX packet in\n${hexdump(p, 512)}`);
      this.run(this.server.receive(p, Date.now()));
      if (this.#closed) return;
    }
    if (this.#framer.failure) this.#framingFailed(this.#framer.failure);
  }

  #framingFailed(err: unknown): void {
    const code = err instanceof BridgeError && err.obexResponse !== undefined ? err.obexResponse : OBEX_RESPONSE.BAD_REQUEST;
    this.#write(new Uint8Array([code, 0x00, 0x03]));
    this.end(`OBEX framing: ${(err as Error).message}`);
  }

  #write(bytes: Uint8Array): void {
    if (this.#closed) return;
    if (this.log.isLevelEnabled('debug')) this.log.debug({ dir: 'out', bytes: bytes.length }, `OBEX packet out\n${hexdump(bytes, 512)}`);
    this.link.stream.write(bytes);
  }

  /** Carry out the OBEX machine's actions. */
  protected run(actions: readonly ObexServerAction[]): void {
    for (const a of actions) {
      switch (a.kind) {
        case 'send': this.#write(a.bytes); break;
        case 'connected':
          this.onConnected();
          this.log.info({ connectionId: a.connectionId, peerMaxPacketLength: a.peerMaxPacketLength }, 'OBEX connected');
          break;
        case 'message': this.onMessage(a.body, a.rawType ?? a.type); break;
        case 'waiting-for-reply': this.onGet(a.type); break;
        case 'reply-sent': break;
        case 'aborted': this.log.info('OBEX ABORT'); this.onAborted(); break;
        case 'disconnected': this.onSessionEnd('disconnected', true); break;
        case 'error': this.log.warn({ code: a.error.code, obexResponse: a.error.obexResponse }, `OBEX request refused: ${a.error.message}`); break;
        case 'close': this.end(a.reason === 'idle-timeout' ? 'idle timeout' : `OBEX framing: ${a.error?.message ?? ''}`); break;
      }
    }
  }

  /** Close the link (idempotent). */
  protected end(reason: string): void {
    if (this.#closed) return;
    this.onSessionEnd(reason, false);
    this.#closed = true;
    clearInterval(this.#timer);
    this.log.info({ reason }, 'link closed');
    this.link.stream.destroy();
    this.#resolveDone();
  }
}
