/**
 * The kiosk's web side of `serve --http` (issue 5): the live page, its feed, the metrics and the
 * backup downloads, all on the daemon's HTTP listener next to SyncML's `/sync`.
 *
 * | path | what |
 * | --- | --- |
 * | `/` (`/app.js`, `/style.css`) | the page (`web/` in the package): devices, the session in progress with its progress bars, results, backup links |
 * | `/feed` | WebSocket feed of session events (feed.ts), for the page and any other program |
 * | `/api/state` | JSON: the devices the store knows and their backups (the page loads it, then follows the feed) |
 * | `/backups/DEVICE/DATE/FILE` | a backup file, as an attachment |
 * | `/metrics` | Prometheus text format (metrics.ts) |
 *
 * Who may see what: the page, the feed, `/api/state` and the downloads name people and hold their
 * contacts, so by default they answer only clients on the loopback interface (the kiosk's own
 * browser), whatever address `--http` listens on; `--web any` opens them to every client that
 * reaches the listener, `--web off` serves none of them. `/metrics` holds no personal data (labels
 * come from fixed vocabularies) and answers everyone, for a Prometheus scraper on the network.
 *
 * Downloads trust nothing in the URL: each segment must be a name the directory listing holds, of
 * the right type (directory, directory, regular file), and is opened with O_NOFOLLOW, so neither
 * `..`, encoded slashes nor a symlink planted in the data directory leads elsewhere.
 */
import { constants as fsc, closeSync, createReadStream, fstatSync, lstatSync, openSync, readFileSync, readdirSync, type Dirent } from 'node:fs';
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse, Server } from 'node:http';
import { isIP } from 'node:net';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { LiveFeed, engineEventToFeed, isSameOrigin, makeFeedEvent, type FeedContext } from './feed.js';
import { BridgeMetrics } from './metrics.js';
import { safeName } from './backup.js';
import type { WebClients } from './config.js';
import type { DaemonEvent, EngineListenerContext, LocalEngine } from './local-engine.js';
import type { PhoneEvent } from './phones.js';


export interface WebOptions {
  readonly dataDir: string;
  readonly log: Logger;
  /** Default `loopback`. */
  readonly clients?: WebClients;
  /** Register prom-client's process metrics (default true; tests with several daemons turn it off). */
  readonly defaultMetrics?: boolean;
  /** Feed ping interval (ms), see LiveFeedOptions. */
  readonly pingIntervalMs?: number;
}

/** The page's files: name -> content type. Nothing else is served from `web/`. */
const STATIC: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

const DOWNLOAD_TYPE: Readonly<Record<string, string>> = {
  vcf: 'text/vcard; charset=utf-8',
  ics: 'text/calendar; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
};

/** A segment of a backup path as backup.ts names them (safeName, a stamp, `contacts.vcf`). */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** At most this many devices and backups per device in `/api/state` (newest first). */
const MAX_DEVICES = 500;
const MAX_BACKUPS_PER_DEVICE = 20;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
} as const;

const PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The web/ folder of the package (from src/daemon or dist/daemon alike). */
export function webDir(): string {
  return fileURLToPath(new URL('../../web/', import.meta.url));
}

/** Is this a loopback peer (127.0.0.0/8, ::1, or either mapped into IPv6)? */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const a = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  return a === '::1' || (isIP(a) === 4 && a.startsWith('127.'));
}

/** One backup file as the page and the feed show it. */
export interface BackupFileInfo {
  /** `contacts`, `calendar`, `tasks`, `notes` (the file's base name). */
  readonly kind: string;
  readonly name: string;
  readonly bytes: number;
  /** Download path on this server (`/backups/DEVICE/DATE/FILE`). */
  readonly url: string;
}

export interface BackupInfo {
  /** The backup's directory name (`2026-12-03T101500Z` or `2026-12-03T101500Z-NAME`). */
  readonly id: string;
  readonly files: readonly BackupFileInfo[];
}

const encodePath = (parts: readonly string[]): string => parts.map(encodeURIComponent).join('/');

/** The entries of a directory, nothing when it is missing or unreadable. */
function entries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** The kiosk's web side: construct with the daemon's engine, route with {@link handle}, attach the feed. */
export class WebUi {
  readonly feed: LiveFeed;
  readonly metrics: BridgeMetrics;
  readonly clients: WebClients;
  readonly #local: LocalEngine;
  readonly #root: string;
  readonly #log: Logger;
  readonly #files = new Map<string, Buffer>();
  readonly #salt = randomBytes(16);

  constructor(local: LocalEngine, o: WebOptions) {
    this.#local = local;
    this.#root = join(o.dataDir, 'backups');
    this.#log = o.log;
    this.clients = o.clients ?? 'loopback';
    this.metrics = new BridgeMetrics({ defaultMetrics: o.defaultMetrics ?? true });
    this.feed = new LiveFeed({
      allowRequest: (req) => this.#allowed(req) && isSameOrigin(req),
      ...(o.pingIntervalMs === undefined ? {} : { pingIntervalMs: o.pingIntervalMs }),
    });
    if (this.clients !== 'off') {
      const dir = webDir();
      for (const name of Object.keys(STATIC)) this.#files.set(name, readFileSync(join(dir, name)));
    }
    local.onEvent((e, ctx) => this.#onEvent(e, ctx));
  }

  /** Serve the feed's WebSocket upgrades on `/feed` of this server. */
  attach(server: Server): void {
    if (this.clients !== 'off') this.feed.attach(server, '/feed');
  }

  /** An HTTP request that is not SyncML. True when answered (listenHttp's onOtherRequest). */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.metrics.handle(req, res)) return true;
    if (this.clients === 'off') return false;
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://web.invalid');
    } catch {
      return false;
    }
    const path = url.pathname;
    if (path === '/favicon.ico') {
      res.writeHead(204, SECURITY_HEADERS).end();
      return true;
    }
    const known = path === '/' || path === '/api/state' || path.startsWith('/backups/') || Object.hasOwn(STATIC, path.slice(1));
    if (!known) return false;
    if (!this.#allowed(req)) {
      this.#text(res, 403, 'this page answers only on the kiosk itself (loopback); set --web any to open it to the network\n');
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...SECURITY_HEADERS, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return true;
    }
    if (path === '/api/state') {
      this.#send(req, res, 200, 'application/json; charset=utf-8', Buffer.from(JSON.stringify(this.state())));
    } else if (path.startsWith('/backups/')) {
      this.#download(req, res, path.slice('/backups/'.length));
    } else {
      const name = path === '/' ? 'index.html' : path.slice(1);
      this.#send(req, res, 200, STATIC[name]!, this.#files.get(name)!, name === 'index.html' ? { 'content-security-policy': PAGE_CSP } : {});
    }
    return true;
  }

  /** What `/api/state` returns: the store's devices (newest first) with their backups. */
  state(): { devices: unknown[] } {
    const devices = this.#local.store.listDevices()
      .sort((a, b) => b.lastSeen - a.lastSeen)
      .slice(0, MAX_DEVICES)
      .map((d) => {
        const inf = (d.devinf ?? {}) as { Man?: unknown; Mod?: unknown };
        return {
          id: d.id, user: d.user, profile: d.profile,
          man: typeof inf.Man === 'string' ? inf.Man : null,
          mod: typeof inf.Mod === 'string' ? inf.Mod : null,
          firstSeen: new Date(d.firstSeen).toISOString(), lastSeen: new Date(d.lastSeen).toISOString(),
          datastores: d.datastores.map((s) => ({ kind: s.kind, uri: s.uri, lastSync: s.lastSync === null ? null : new Date(s.lastSync).toISOString(), lastMode: s.lastMode, maps: s.maps })),
          backups: this.backupsOf(d.id),
        };
      });
    return { devices };
  }

  /** The backups of a device, newest first (at most {@link MAX_BACKUPS_PER_DEVICE}). */
  backupsOf(device: string): BackupInfo[] {
    const dirName = entries(this.#root).find((e) => e.isDirectory() && e.name === safeName(device))?.name;
    if (dirName === undefined) return [];
    const dir = join(this.#root, dirName);
    return entries(dir)
      .filter((e) => e.isDirectory() && SEGMENT.test(e.name))
      .map((e) => e.name)
      .sort()
      .reverse()
      .slice(0, MAX_BACKUPS_PER_DEVICE)
      .map((id) => ({ id, files: this.#filesOf([dirName, id]) }));
  }

  /**
   * A scheduled phone's attempt, step or outcome (phones.ts) as `phone:attempt`, `phone:stage`,
   * `phone:result` or `phone:gone`: what the page shows before a session exists, and for a phone
   * that never gets that far.
   */
  publishPhone(e: PhoneEvent): void {
    // A phone that was there but did not sync (no AT answer, SAN refused, ...): an error the engine never saw.
    if (e.type === 'result' && !e.ok && !e.absent && e.device === null) this.metrics.countError('host-sync');
    const { type, link, ...payload } = e;
    const device = e.type === 'result' && e.device !== null ? e.device : undefined;
    const flat = e.type === 'stage' ? { phone: e.phone, ...e.stage, ...(e.stage.stage === 'san-forbidden' ? { retryAt: new Date(e.stage.retryAt).toISOString() } : {}) } : payload;
    this.feed.publish(makeFeedEvent(`phone:${type}`, { link, ...(device === undefined ? {} : { device }) }, flat));
  }

  async close(): Promise<void> {
    await this.feed.close();
  }

  #filesOf(parts: readonly [string, string]): BackupFileInfo[] {
    const dir = join(this.#root, ...parts);
    return entries(dir)
      .filter((e) => e.isFile() && SEGMENT.test(e.name) && !e.name.endsWith('.tmp'))
      .map((e) => e.name)
      .sort()
      .map((name) => {
        let bytes = 0;
        try {
          bytes = lstatSync(join(dir, name)).size;
        } catch {
          // gone since the listing: shown with 0 bytes, its download answers 404
        }
        return { kind: name.replace(/\.[^.]*$/, ''), name, bytes, url: `/backups/${encodePath([...parts, name])}` };
      });
  }

  /**
   * The feed's name of a session: unique like its key, but not the key itself, which routes HTTP
   * messages into the session (`?sessionid=`) and so must not be handed to feed readers.
   */
  #feedSession(key: string): string {
    return createHmac('sha256', this.#salt).update(key).digest('base64url').slice(0, 16);
  }

  #onEvent(e: DaemonEvent, ctx: EngineListenerContext): void {
    const fctx: FeedContext = { device: ctx.device, session: this.#feedSession(ctx.key), link: ctx.link };
    if (e.type === 'start') {
      this.feed.publish(makeFeedEvent('session:start', fctx, { user: ctx.user ?? null, sessionId: ctx.session, transport: transportOf(ctx.link), startedAt: new Date(ctx.startedAt).toISOString() }));
      return;
    }
    if (e.type === 'backup-written') {
      const files = e.files.map((f) => this.#describeWritten(f)).filter((f) => f !== undefined);
      this.feed.publish(makeFeedEvent('backup:written', fctx, { files }));
      return;
    }
    this.metrics.observe(e, { transport: transportOf(ctx.link), startedAt: ctx.startedAt });
    this.feed.publish(engineEventToFeed(e, fctx));
  }

  /** A file backup.ts wrote, as a download (undefined when it is not under the backups folder). */
  #describeWritten(file: string): BackupFileInfo | undefined {
    const rel = relative(this.#root, file).split(sep);
    if (rel.length !== 3 || !rel.every((p) => SEGMENT.test(p))) {
      this.#log.warn({ file }, 'backup file outside the backups folder: not offered for download');
      return undefined;
    }
    let bytes = 0;
    try {
      bytes = lstatSync(file).size;
    } catch {
      // vanished: still named, its download answers 404
    }
    return { kind: basename(file).replace(/\.[^.]*$/, ''), name: basename(file), bytes, url: `/backups/${encodePath(rel)}` };
  }

  #allowed(req: IncomingMessage): boolean {
    if (this.clients === 'off') return false;
    return this.clients === 'any' || isLoopback(req.socket.remoteAddress);
  }

  /** `/backups/DEVICE/DATE/FILE`, each segment checked against the listing of its parent. */
  #download(req: IncomingMessage, res: ServerResponse, rest: string): void {
    const raw = rest.split('/');
    let parts: string[];
    try {
      parts = raw.map((p) => decodeURIComponent(p));
    } catch {
      this.#text(res, 400, 'malformed backup path\n');
      return;
    }
    const file = parts.length === 3 && parts.every((p) => SEGMENT.test(p)) ? this.#resolve(parts) : undefined;
    if (file === undefined) {
      this.#text(res, 404, 'no such backup file\n');
      return;
    }
    let fd: number;
    try {
      fd = openSync(file, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
    } catch {
      this.#text(res, 404, 'no such backup file\n');
      return;
    }
    const st = fstatSync(fd);
    if (!st.isFile()) {
      closeSync(fd);
      this.#text(res, 404, 'no such backup file\n');
      return;
    }
    const name = basename(file);
    const ext = name.slice(name.lastIndexOf('.') + 1);
    // The device and date make the saved file's name: IMEI_35..._2026-12-03T101500Z_contacts.vcf.
    const saveAs = `${basename(dirname(dirname(file)))}_${basename(dirname(file))}_${name}`;
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': DOWNLOAD_TYPE[ext] ?? 'application/octet-stream',
      'content-length': st.size,
      'content-disposition': `attachment; filename="${saveAs}"`,
    });
    if (req.method === 'HEAD') {
      closeSync(fd);
      res.end();
      return;
    }
    const stream = createReadStream('', { fd, start: 0, end: Math.max(0, st.size - 1) });
    stream.on('error', (err) => {
      this.#log.warn({ file }, `backup download failed: ${err.message}`);
      res.destroy(err);
    });
    if (st.size === 0) {
      stream.destroy();
      res.end();
      return;
    }
    stream.pipe(res);
  }

  /** The file, when every segment is a listed entry of the right type (no symlinks). */
  #resolve(parts: readonly string[]): string | undefined {
    try {
      if (!lstatSync(this.#root).isDirectory()) return undefined;
    } catch {
      return undefined;
    }
    let dir = this.#root;
    for (const [i, part] of parts.entries()) {
      const entry = entries(dir).find((e) => e.name === part);
      if (entry === undefined) return undefined;
      if (i < parts.length - 1 ? !entry.isDirectory() : !entry.isFile()) return undefined;
      dir = join(dir, part);
    }
    return dir;
  }

  #send(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: Buffer, extra: Readonly<Record<string, string>> = {}): void {
    res.writeHead(status, { ...SECURITY_HEADERS, ...extra, 'content-type': type, 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  #text(res: ServerResponse, status: number, text: string): void {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
  }
}

/** The transport word of a link name (`tcp:...` -> tcp, `bt:...` -> bluetooth). */
export function transportOf(link: string): string {
  const prefix = link.slice(0, link.indexOf(':'));
  return prefix === 'bt' ? 'bluetooth' : prefix;
}
