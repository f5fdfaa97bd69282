/**
 * Prometheus metrics of the daemon (`prom-client`, a registry of its own, not the global default):
 *
 * | metric | type | labels |
 * | --- | --- | --- |
 * | `syncml_bridge_sessions_total` | counter | `transport` (tcp, serial, bluetooth, irda, http), `result` (ok, failed) |
 * | `syncml_bridge_items_total` | counter | `datastore` (contacts, calendar, tasks, notes), `direction` (from-client, to-client), `op` (add, replace, delete) |
 * | `syncml_bridge_errors_total` | counter | `kind` (auth, locked-out, refused, alert, item, session, or the daemon's own: host-sync (a scheduled phone that answered but did not sync), transport, relay, ...) |
 * | `syncml_bridge_conflicts_total` | counter | `datastore` |
 * | `syncml_bridge_session_duration_seconds` | histogram | `transport`, `result` |
 *
 * plus prom-client's default process and Node.js metrics (`process_*`, `nodejs_*`, unprefixed).
 * The counters are fed the engine's events ({@link BridgeMetrics.observe}); `GET /metrics` answers
 * in the Prometheus text exposition format 0.0.4 ({@link BridgeMetrics.handle}).
 *
 * Label values come from fixed vocabularies, never from phones (no device ids, no user names), so
 * the number of series stays bounded whatever connects.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EngineEvent } from '../ds/types.js';

/** What the metrics need besides the event. One context object may serve the feed and the metrics. */
export interface MetricsContext {
  /** The link's transport (`LinkInfo.transport`) or `http`. Default `unknown`. */
  readonly transport?: string;
  /** When the session started (ms since the epoch), for the duration histogram at its `end`. */
  readonly startedAt?: number;
}

export interface BridgeMetricsOptions {
  /** Register prom-client's default process metrics. Default true. */
  readonly defaultMetrics?: boolean;
  /** Buckets of the session duration histogram, in seconds. */
  readonly durationBuckets?: readonly number[];
}

/** Session durations: seconds over TCP, minutes over a 115200-baud cable. */
export const DURATION_BUCKETS: readonly number[] = [1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

const TRANSPORTS = new Set(['tcp', 'serial', 'bluetooth', 'irda', 'http']);
const DATASTORES = new Set(['contacts', 'calendar', 'tasks', 'notes']);

/** A label value from a fixed set (anything else is `other`, so series stay bounded). */
const bounded = (set: ReadonlySet<string>, value: string | undefined, fallback = 'other'): string =>
  value !== undefined && set.has(value) ? value : fallback;

const isOk = (status: number): boolean => status >= 200 && status < 300;

/** The daemon's metrics, on a registry of their own. */
export class BridgeMetrics {
  readonly registry: Registry;
  readonly #sessions: Counter<'transport' | 'result'>;
  readonly #items: Counter<'datastore' | 'direction' | 'op'>;
  readonly #errors: Counter<'kind'>;
  readonly #conflicts: Counter<'datastore'>;
  readonly #duration: Histogram<'transport' | 'result'>;

  constructor(options: BridgeMetricsOptions = {}) {
    this.registry = new Registry();
    const registers = [this.registry];
    this.#sessions = new Counter({
      name: 'syncml_bridge_sessions_total', help: 'SyncML sessions ended, by transport and result',
      labelNames: ['transport', 'result'], registers,
    });
    this.#items = new Counter({
      name: 'syncml_bridge_items_total', help: 'Items synced (status 2xx), by datastore, direction and operation',
      labelNames: ['datastore', 'direction', 'op'], registers,
    });
    this.#errors = new Counter({
      name: 'syncml_bridge_errors_total', help: 'Errors, by kind (auth, locked-out, refused, alert, item, session, transport, ...)',
      labelNames: ['kind'], registers,
    });
    this.#conflicts = new Counter({
      name: 'syncml_bridge_conflicts_total', help: 'Conflicts resolved, by datastore',
      labelNames: ['datastore'], registers,
    });
    this.#duration = new Histogram({
      name: 'syncml_bridge_session_duration_seconds', help: 'Duration of SyncML sessions, by transport and result',
      labelNames: ['transport', 'result'], buckets: [...(options.durationBuckets ?? DURATION_BUCKETS)], registers,
    });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Count one engine event. `now` (ms since the epoch) ends the duration of an `end` event whose
   * context has `startedAt`.
   */
  observe(event: EngineEvent, ctx: MetricsContext = {}, now: number = Date.now()): void {
    switch (event.type) {
      case 'auth':
        if (!event.ok) this.#errors.inc({ kind: 'auth' });
        break;
      case 'locked-out':
        this.#errors.inc({ kind: 'locked-out' });
        break;
      case 'alert':
        if (!isOk(event.status)) this.#errors.inc({ kind: 'alert' });
        break;
      case 'item':
        if (isOk(event.status)) this.#items.inc({ datastore: bounded(DATASTORES, event.kind), direction: event.direction, op: event.op });
        else this.#errors.inc({ kind: 'item' });
        break;
      case 'conflict':
        this.#conflicts.inc({ datastore: bounded(DATASTORES, event.kind) });
        break;
      case 'refused':
        this.#errors.inc({ kind: 'refused' });
        break;
      case 'end': {
        const labels = { transport: bounded(TRANSPORTS, ctx.transport, ctx.transport === undefined ? 'unknown' : 'other'), result: event.ok ? 'ok' : 'failed' };
        this.#sessions.inc(labels);
        if (!event.ok) this.#errors.inc({ kind: 'session' });
        if (ctx.startedAt !== undefined) this.#duration.observe(labels, Math.max(0, now - ctx.startedAt) / 1000);
        break;
      }
      default:
        break; // devinf, progress, backup: nothing to count
    }
  }

  /** Count an error the engine does not see (`transport`, `relay`, `store`, ...: a short fixed word). */
  countError(kind: string): void {
    this.#errors.inc({ kind: /^[a-z][a-z0-9-]{0,31}$/.test(kind) ? kind : 'other' });
  }

  /** The exposition text (what `GET /metrics` returns). */
  async text(): Promise<string> {
    return await this.registry.metrics();
  }

  /**
   * HTTP handler for `path` (default `/metrics`): answers GET and HEAD with the text exposition
   * format, other methods with 405. Returns false, answering nothing, for any other path, so
   * handlers can be chained.
   */
  handle(req: IncomingMessage, res: ServerResponse, path = '/metrics'): boolean {
    const url = new URL(req.url ?? '/', 'http://metrics.invalid');
    if (url.pathname !== path) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return true;
    }
    this.registry.metrics().then((body) => {
      res.writeHead(200, { 'content-type': this.registry.contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    }, (err: unknown) => {
      this.countError('metrics');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`metrics failed: ${err instanceof Error ? err.message : String(err)}\n`);
    });
    return true;
  }
}
