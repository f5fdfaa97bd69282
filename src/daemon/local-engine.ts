/**
 * The bridge's own SyncML server for the daemon: the SQLite store of the data directory, the
 * content handlers, the device profiles and one SyncEngine shared by every link (OBEX over TCP,
 * serial, Bluetooth) and the HTTP listener. Logs each session's events with device, session,
 * link and datastore in context; the debug level dumps every message as XML (WBXML decoded).
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { createContentHandlers } from '../ds/content/index.js';
import { Lockout } from '../ds/auth.js';
import { SyncEngine, type EngineReply, type MessageContext } from '../ds/engine.js';
import { MemoryDatastoreLocks } from '../ds/locks.js';
import type { ServerSession } from '../ds/session.js';
import type { StoreKind } from '../ds/ports.js';
import { writeBackup } from './backup.js';
import type { EngineConfig, EngineEvent, ProfileLookup } from '../ds/types.js';
import { loadProfiles, matchProfile, type ProfileSet } from '../quirks/index.js';
import { openStore, type SqliteStore } from '../store/index.js';
import { dumpSyncml } from './dump.js';
import { childLogger } from './log.js';
import type { DaemonConfig } from './config.js';

/** Who else wants the engine's events (the live feed, metrics, backups). */
export type EngineListener = (event: EngineEvent, ctx: { device: string; session: string; link: string; user: string | undefined }) => void;

const VERSION = '0.1.0';

export class LocalEngine {
  readonly store: SqliteStore;
  readonly engine: SyncEngine;
  /** The device profiles of drivers/. */
  readonly profiles: ProfileSet;
  readonly #log: Logger;
  readonly #listeners: EngineListener[] = [];
  readonly #timer: NodeJS.Timeout;
  readonly #dataDir: string;
  /** Backups asked for (`?backup`) by live sessions: session key -> datastores and name. */
  readonly #backups = new Map<string, { kinds: Set<StoreKind>; name: string | undefined }>();
  /** Backup files written for sessions whose caller has not taken them yet (takeBackupFiles). */
  readonly #written = new Map<string, string[]>();

  constructor(cfg: Pick<DaemonConfig, 'dataDir' | 'conflictPolicy' | 'sessionTimeoutMs'>, log: Logger) {
    this.#log = log;
    this.#dataDir = cfg.dataDir;
    this.store = openStore(cfg.dataDir);
    const set = loadProfiles();
    this.profiles = set;
    const profiles: ProfileLookup = {
      has: (n) => set.has(n),
      resolve: (n) => set.resolve(n),
      match: (input) => matchProfile(set, input).profile,
    };
    const config: EngineConfig = {
      conflictPolicy: cfg.conflictPolicy, maxMsgSize: 1024 * 1024, maxObjSize: 4 * 1024 * 1024, sessionTimeoutMs: cfg.sessionTimeoutMs,
      serverId: 'syncml-bridge', man: 'syncml-bridge', mod: 'syncml-bridge', swV: VERSION,
    };
    const store = this.store;
    this.engine = new SyncEngine({
      store, content: createContentHandlers(), config, profiles,
      shared: { locks: new MemoryDatastoreLocks(), lockout: new Lockout() },
      random: (n) => new Uint8Array(randomBytes(n)),
      userNames: () => store.listUsers().map((u) => u.name),
    });
    this.#timer = setInterval(() => {
      for (const e of this.engine.expire(Date.now())) this.#emit(e.session, e.events, 'timeout');
    }, 5000);
    this.#timer.unref();
  }

  onEvent(l: EngineListener): void {
    this.#listeners.push(l);
  }

  /**
   * Handle one message from a link or HTTP client. Errors (undecodable bytes, store failures)
   * are thrown with their syncmlStatus; the caller maps them to an OBEX or HTTP answer.
   */
  handle(body: Uint8Array, contentType: string | undefined, ctx: MessageContext): EngineReply {
    const log = this.#log;
    if (log.isLevelEnabled('debug')) log.debug({ link: ctx.link, bytes: body.length, contentType }, `SyncML message in\n${dumpSyncml(body)}`);
    const r = this.engine.handle(body, contentType, ctx, Date.now());
    const slog = childLogger(log, { device: r.session.device, session: r.session.sessionId, link: ctx.link });
    if (slog.isLevelEnabled('debug')) slog.debug({ bytes: r.body.length, done: r.done }, `SyncML reply out\n${dumpSyncml(r.body)}`);
    this.#emit(r.session, r.events, ctx.link);
    return r;
  }

  /**
   * The link of a session went away before its end: the session waits for the phone to
   * reconnect and resend (until a new session of that phone or the timeout ends it; its sync
   * state is untouched either way).
   */
  linkLost(session: ServerSession, reason: string, link: string): void {
    this.engine.orphan(session);
    childLogger(this.#log, { device: session.device, session: session.sessionId, link }).info(`${reason}: session kept for a resend until it times out or the phone starts anew`);
  }

  /**
   * End a session that will not continue (a host-initiated sync whose link failed: the phone
   * will not come back on its own). Its events (a failed `end`) go to the log and listeners.
   */
  end(session: ServerSession, reason: string, link: string): void {
    if (session.done) return;
    this.#emit(session, this.engine.end(session, reason), link);
  }

  #emit(s: ServerSession, events: readonly EngineEvent[], link: string): void {
    const log = childLogger(this.#log, { device: s.device, session: s.sessionId, link });
    for (const e of events) {
      switch (e.type) {
        case 'item': case 'progress': log.debug({ datastore: 'kind' in e ? e.kind : undefined, event: e }, `${e.type}`); break;
        case 'auth': (e.ok ? log.info.bind(log) : log.warn.bind(log))({ event: e }, `authentication ${e.ok ? 'accepted' : 'refused'} (${e.method}, status ${e.status}${e.reason === undefined ? '' : `: ${e.reason}`})`); break;
        case 'locked-out': log.warn({ event: e }, `${e.key} locked out until ${new Date(e.until).toISOString()} after repeated authentication failures`); break;
        case 'alert': childLogger(log, { datastore: e.kind }).info({ event: e }, `${e.uri}: ${e.mode} (status ${e.status}: ${e.reason})`); break;
        case 'refused': log.warn({ event: e }, `refused (status ${e.status}): ${e.reason}`); break;
        case 'end': {
          const parts = e.datastores.map((d) => `${d.kind} ${d.mode}: from device +${d.fromClient.added} ~${d.fromClient.updated} -${d.fromClient.deleted}${d.fromClient.failed > 0 ? ` !${d.fromClient.failed}` : ''}, to device +${d.toClient.added} ~${d.toClient.updated} -${d.toClient.deleted}${d.toClient.failed > 0 ? ` !${d.toClient.failed}` : ''}${d.conflicts > 0 ? `, ${d.conflicts} conflicts` : ''}`);
          (e.ok ? log.info.bind(log) : log.warn.bind(log))({ event: e }, `session ${e.ok ? 'ok' : 'failed'}: ${e.reason}${parts.length > 0 ? `; ${parts.join('; ')}` : ''}`);
          break;
        }
        case 'backup': {
          const b = this.#backups.get(s.key) ?? { kinds: new Set<StoreKind>(), name: undefined };
          b.kinds.add(e.kind);
          if (e.name !== undefined) b.name = e.name;
          this.#backups.set(s.key, b);
          break;
        }
        default: log.info({ event: e }, e.type);
      }
      if (e.type === 'end') this.#backupAfter(s, e.ok, log);
      for (const l of this.#listeners) l(e, { device: s.device, session: s.sessionId, link, user: s.user });
    }
  }

  #backupAfter(s: ServerSession, ok: boolean, log: Logger): void {
    const b = this.#backups.get(s.key);
    this.#backups.delete(s.key);
    if (b === undefined || !ok || s.user === undefined) return;
    try {
      const files = writeBackup(this.store, this.#dataDir, { user: s.user, device: s.device, kinds: [...b.kinds], ...(b.name === undefined ? {} : { name: b.name }), now: Date.now() });
      log.info({ files }, `backup written: ${files.join(', ')}`);
      this.#written.set(s.key, files);
      // A caller that never asks (HTTP, phone-initiated links) leaves nothing behind for long.
      setTimeout(() => this.#written.delete(s.key), 60_000).unref();
    } catch (err) {
      log.error({ code: (err as { code?: string }).code }, `backup failed: ${(err as Error).message}`);
    }
  }

  /** The backup files the session wrote (`?backup`, `sync --backup`), once. */
  takeBackupFiles(session: ServerSession): string[] {
    const files = this.#written.get(session.key) ?? [];
    this.#written.delete(session.key);
    return files;
  }

  close(): void {
    clearInterval(this.#timer);
    this.store.close();
  }
}
