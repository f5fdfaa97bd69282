/**
 * The live event feed (DESIGN.md section 2, "live feed"): JSON events over a WebSocket (`ws` on the
 * daemon's `node:http` server), for the kiosk page that shows a sync as it happens.
 *
 * Every message is one JSON object, a {@link FeedMessage}:
 * `{ seq, channel, time, device, session, datastore, link, ...payload }`. Channels are lower-case
 * `object:event` names (STYLE.md 10): `session:start`, `session:auth`, `session:locked-out`,
 * `session:progress`, `session:refused`, `session:end`, `device:seen`, `datastore:alert`,
 * `datastore:item`, `datastore:conflict`, `datastore:backup` (a backup asked for), and the
 * daemon's own (web.ts): `session:start` (before a session's first event; `session` is the
 * daemon's unique session key) and `backup:written` (the files, with download URLs). After its backlog a new subscriber gets `feed:live` (`backlog`: how many
 * events came before it; `seq`: the last published event's, not a new one); everything after that
 * is live.
 *
 * Bounded everywhere: the backlog keeps the last `backlog` events plus, for each session still
 * open, the few events that say what it is (start, device, auth, alerts), so a page opened in the
 * middle of a long sync still sees which phone it is; a client whose unsent data exceeds
 * `maxBufferedBytes` is dropped (it reconnects and gets the backlog); client messages are ignored
 * and limited to 4 KiB.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import type { EngineEvent } from '../ds/types.js';

/** Who an event is about. Every field is optional; absent fields are `null` in the event. */
export interface FeedContext {
  /** Device ID (SyncHdr Source LocURI), once known. */
  readonly device?: string;
  /** Session key of the daemon (unique per SyncML session). */
  readonly session?: string;
  /** Link name (`serial:/dev/ttyACM0`, `tcp:...`, `bt:...`, `http:...`). */
  readonly link?: string;
}

/** One feed event as published (the feed adds `seq`). */
export interface FeedEvent {
  readonly channel: string;
  /** ISO 8601 time of the event. */
  readonly time: string;
  readonly device: string | null;
  readonly session: string | null;
  /** Datastore kind (`contacts`, `calendar`, `tasks`, `notes`) when the event is about one. */
  readonly datastore: string | null;
  readonly link: string | null;
  readonly [payload: string]: unknown;
}

/** A feed event as sent: `seq` increases by one per published event (per daemon run). */
export interface FeedMessage extends FeedEvent {
  readonly seq: number;
}

/** Build a feed event. `payload` must not use the envelope's names (they win if it does). */
export function makeFeedEvent(channel: string, ctx: FeedContext, payload: Readonly<Record<string, unknown>> = {}, now: number = Date.now(), datastore: string | null = null): FeedEvent {
  return {
    ...payload,
    channel,
    time: new Date(now).toISOString(),
    device: ctx.device ?? null,
    session: ctx.session ?? null,
    datastore,
    link: ctx.link ?? null,
  };
}

/**
 * Map an engine event to its feed event. `now` is ms since the epoch (the engine's events carry
 * no time). Unknown event types (a newer engine) map to `engine:<type>` with their fields.
 */
export function engineEventToFeed(event: EngineEvent, ctx: FeedContext, now: number = Date.now()): FeedEvent {
  const { type: _type, ...fields } = event;
  switch (event.type) {
    case 'auth': return makeFeedEvent('session:auth', ctx, fields, now);
    case 'locked-out': return makeFeedEvent('session:locked-out', ctx, { key: event.key, until: new Date(event.until).toISOString() }, now);
    case 'devinf': return makeFeedEvent('device:seen', ctx, fields, now);
    case 'alert': {
      const { kind, ...rest } = event;
      return makeFeedEvent('datastore:alert', ctx, omitType(rest), now, kind);
    }
    case 'item': {
      const { kind, ...rest } = event;
      return makeFeedEvent('datastore:item', ctx, omitType(rest), now, kind);
    }
    case 'conflict': {
      const { kind, ...rest } = event;
      return makeFeedEvent('datastore:conflict', ctx, omitType(rest), now, kind);
    }
    case 'progress': {
      const { kind, ...rest } = event;
      return makeFeedEvent('session:progress', ctx, omitType(rest), now, kind);
    }
    case 'backup': {
      const { kind, ...rest } = event;
      return makeFeedEvent('datastore:backup', ctx, omitType(rest), now, kind);
    }
    case 'refused': {
      const { kind, ...rest } = event;
      return makeFeedEvent('session:refused', ctx, omitType(rest), now, kind ?? null);
    }
    case 'end': return makeFeedEvent('session:end', ctx, fields, now);
    default: {
      const unknown = event as { type: string };
      return makeFeedEvent(`engine:${unknown.type}`, ctx, omitType(unknown), now);
    }
  }
}

function omitType<T extends { type?: unknown }>(o: T): Omit<T, 'type'> {
  const { type: _type, ...rest } = o;
  return rest;
}

/** Channels kept for an open session beyond the ring, so a late subscriber sees what it is. */
const PINNED_CHANNELS = new Set(['session:start', 'device:seen', 'session:auth', 'datastore:alert']);
/** At most this many pinned events per session, and sessions with pinned events. */
const PINNED_PER_SESSION = 16;
const PINNED_SESSIONS = 64;

export interface LiveFeedOptions {
  /** Events kept for new subscribers (the ring; open sessions' pinned events come on top). Default 200. */
  readonly backlog?: number;
  /** A client whose unsent data (`bufferedAmount`) exceeds this many bytes is dropped. Default 1 MiB. */
  readonly maxBufferedBytes?: number;
  /** Ping clients this often (ms) and drop those that did not answer the last ping; 0: never. Default 30 s. */
  readonly pingIntervalMs?: number;
  /**
   * Accept an upgrade request? Default: when it has no `Origin` header (not a browser) or the
   * Origin's host is the request's `Host` (the bridge's own page), so other web sites the kiosk
   * browser opens cannot read the feed (it names contacts and devices).
   */
  readonly allowRequest?: (req: IncomingMessage) => boolean;
}

interface Stored {
  readonly seq: number;
  readonly session: string | null;
  readonly data: string;
}

/** Same-origin check of a WebSocket upgrade (see {@link LiveFeedOptions.allowRequest}). */
export function isSameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** The live feed: publish events, serve them to WebSocket subscribers on one path of an HTTP server. */
export class LiveFeed {
  readonly #wss: WebSocketServer;
  readonly #backlog: number;
  readonly #maxBuffered: number;
  readonly #allow: (req: IncomingMessage) => boolean;
  readonly #ring: Stored[] = [];
  readonly #pinned = new Map<string, Stored[]>();
  readonly #alive = new WeakSet<WebSocket>();
  readonly #attached: { server: Server; listener: (req: IncomingMessage, socket: Duplex, head: Buffer) => void }[] = [];
  #seq = 0;
  #ping: NodeJS.Timeout | undefined;

  constructor(options: LiveFeedOptions = {}) {
    this.#backlog = Math.max(0, options.backlog ?? 200);
    this.#maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
    this.#allow = options.allowRequest ?? isSameOrigin;
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: 4096, clientTracking: true });
    this.#wss.on('connection', (ws) => this.#onConnection(ws));
    const interval = options.pingIntervalMs ?? 30_000;
    if (interval > 0) {
      this.#ping = setInterval(() => this.#pingAll(), interval);
      this.#ping.unref();
    }
  }

  /** Subscribers connected now. */
  get clients(): number {
    return this.#wss.clients.size;
  }

  /** Publish one event to every subscriber and the backlog. Returns its `seq`. */
  publish(event: FeedEvent): number {
    const seq = ++this.#seq;
    const data = JSON.stringify({ seq, ...event });
    const stored: Stored = { seq, session: event.session, data };
    this.#ring.push(stored);
    if (this.#ring.length > this.#backlog) this.#ring.splice(0, this.#ring.length - this.#backlog);
    this.#pin(event, stored);
    for (const ws of this.#wss.clients) this.#send(ws, data);
    return seq;
  }

  /** What a subscriber connecting now would get before `feed:live`, oldest first. */
  backlog(): FeedMessage[] {
    return this.#backlogStored().map((s) => JSON.parse(s.data) as FeedMessage);
  }

  /**
   * Serve the feed on `path` of `server`: WebSocket upgrades of that path (query ignored) are
   * accepted, every other upgrade request's socket is destroyed. May be called for several servers.
   */
  attach(server: Server, path = '/feed'): void {
    const listener = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
      const url = new URL(req.url ?? '/', 'http://feed.invalid');
      if (url.pathname !== path) {
        socket.destroy();
        return;
      }
      if (!this.#allow(req)) {
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#wss.emit('connection', ws, req));
    };
    server.on('upgrade', listener);
    this.#attached.push({ server, listener });
  }

  /** Detach from every server and close every subscriber (1001 going away). */
  async close(): Promise<void> {
    if (this.#ping !== undefined) clearInterval(this.#ping);
    for (const { server, listener } of this.#attached.splice(0)) server.off('upgrade', listener);
    const closing = [...this.#wss.clients].map((ws) => new Promise<void>((resolveClose) => {
      if (ws.readyState === WebSocket.CLOSED) return resolveClose();
      ws.once('close', () => resolveClose());
      ws.close(1001, 'feed closing');
      setTimeout(() => ws.terminate(), 1000).unref();
    }));
    await Promise.all(closing);
    await new Promise<void>((resolveClose) => this.#wss.close(() => resolveClose()));
  }

  #onConnection(ws: WebSocket): void {
    this.#alive.add(ws);
    ws.on('pong', () => this.#alive.add(ws));
    ws.on('error', () => ws.terminate());
    ws.on('message', () => undefined); // subscribers have nothing to say
    const backlog = this.#backlogStored();
    for (const s of backlog) {
      if (!this.#send(ws, s.data)) return;
    }
    this.#send(ws, JSON.stringify({ seq: this.#seq, ...makeFeedEvent('feed:live', {}, { backlog: backlog.length }) }));
  }

  /** Send, or drop a client that does not keep up. False when the client was dropped. */
  #send(ws: WebSocket, data: string): boolean {
    if (ws.readyState !== WebSocket.OPEN) return false;
    ws.send(data);
    if (ws.bufferedAmount > this.#maxBuffered) {
      ws.terminate();
      return false;
    }
    return true;
  }

  #pin(event: FeedEvent, stored: Stored): void {
    const session = event.session;
    if (session === null) return;
    if (event.channel === 'session:end') {
      this.#pinned.delete(session);
      return;
    }
    if (!PINNED_CHANNELS.has(event.channel)) return;
    let list = this.#pinned.get(session);
    if (list === undefined) {
      list = [];
      this.#pinned.set(session, list);
      if (this.#pinned.size > PINNED_SESSIONS) this.#pinned.delete(this.#pinned.keys().next().value!);
    }
    if (list.length < PINNED_PER_SESSION) list.push(stored);
  }

  #backlogStored(): Stored[] {
    const oldest = this.#ring[0]?.seq ?? this.#seq + 1;
    const pinned = [...this.#pinned.values()].flat().filter((s) => s.seq < oldest);
    return [...pinned.sort((a, b) => a.seq - b.seq), ...this.#ring];
  }

  #pingAll(): void {
    for (const ws of this.#wss.clients) {
      if (!this.#alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.#alive.delete(ws);
      ws.ping();
    }
  }
}
