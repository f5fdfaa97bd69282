/**
 * The engine's public API types (ServerSession in session.ts implements them) and the shared,
 * cross-session pieces the daemon passes in. Pure: time and randomness are arguments.
 */
import type { UriOptions } from './uri.js';
import type { Encoding, SyncMLMessage } from '../syncml/index.js';
import type { DeviceProfile, MatchInput } from '../quirks/index.js';
import type { ConflictPolicy, ContentHandler, DsStore, StoreKind } from './ports.js';

/** How a listener authenticates its clients. `none`: every session runs as user `local`. */
export type AuthPolicy = 'none' | 'any' | 'basic' | 'md5';

/**
 * The sync modes the engine runs. The first six are the SyncML ones (Alert 200-205, and 206-210
 * mapped onto them); the last three are the extras of `?sync=7..9`.
 */
export type SyncMode =
  | 'two-way' | 'slow' | 'one-way-from-client' | 'refresh-from-client' | 'one-way-from-server'
  | 'refresh-from-server' | 'slow-one-way-from-client' | 'slow-one-way-from-server' | 'client-reset';

/** Engine settings (daemon config). */
export interface EngineConfig {
  readonly conflictPolicy: ConflictPolicy;
  /** Largest message we accept (our MaxMsgSize in replies). */
  readonly maxMsgSize: number;
  /** Largest object we accept (our MaxObjSize). */
  readonly maxObjSize: number;
  /** A session idle longer than this is dead (ms). */
  readonly sessionTimeoutMs: number;
  /** Our SyncHdr Source LocURI when the client's Target does not give one. */
  readonly serverId: string;
  /** DevInf identity of the bridge. */
  readonly man: string;
  readonly mod: string;
  readonly swV: string;
}

/** Everything one server session needs. */
export interface ServerSessionOptions {
  readonly store: DsStore;
  readonly content: ReadonlyMap<StoreKind, ContentHandler>;
  readonly config: EngineConfig;
  readonly shared: EngineShared;
  readonly auth: AuthPolicy;
  readonly transport: 'http' | 'obex';
  /** Name of the link or listener, for events. */
  readonly link: string;
  /** The RespURI to put in every reply (HTTP: the listener's URL + the session key); none over OBEX. */
  readonly respUri?: string;
  /** Cryptographic random bytes (nonces, GUIDs); the daemon passes crypto.randomBytes. */
  readonly random: (n: number) => Uint8Array;
  /** Device profile settings for a known device, if the link knows it (serial PATH=PROFILE). */
  readonly profileName?: string;
  /**
   * Options of a host-initiated sync (`syncml-bridge sync --mode/--backup`): applied to every
   * datastore the device alerts, over any `?sync=`/`?backup` the device's own URIs carry.
   */
  readonly hostOptions?: UriOptions;
  /** The user sessions with auth `none` run as (a host-initiated `sync --user NAME`). Default `local`. */
  readonly localUser?: string;
  /** The device profiles (drivers/), to match a device by its DevInf. */
  readonly profiles?: ProfileLookup;
  /** Every user name (md5 credentials without LocName are tried against each). */
  readonly userNames?: () => Iterable<string>;
}

/** The device profiles as the engine uses them (the daemon wraps quirks' ProfileSet). */
export interface ProfileLookup {
  has(name: string): boolean;
  resolve(name: string): DeviceProfile;
  match(input: MatchInput): DeviceProfile;
}

/** One answer of the engine. */
export interface HandleResult {
  /** The reply, to be encoded in `encoding` (the client's) and sent after the commit. */
  readonly reply: SyncMLMessage;
  readonly encoding: Encoding;
  /** True when the session is over after this reply (nothing more is expected). */
  readonly done: boolean;
  /** What happened while handling the message, for logs and the live feed. */
  readonly events: readonly EngineEvent[];
}

/** Per-datastore counts of a session. */
export interface DatastoreSummary {
  readonly kind: StoreKind;
  readonly uri: string;
  readonly mode: SyncMode;
  /** Alert code the client asked for, and the one the session ran. */
  readonly requested: number;
  readonly alerted: number;
  readonly fromClient: { added: number; updated: number; deleted: number; failed: number };
  readonly toClient: { added: number; updated: number; deleted: number; failed: number };
  readonly conflicts: number;
  /** Items the client is expected to receive in total, for progress bars. */
  readonly expected: number;
}

/** Events for logs and the live feed. */
export type EngineEvent =
  | { readonly type: 'auth'; readonly ok: boolean; readonly user?: string; readonly method: string; readonly status: number; readonly reason?: string }
  | { readonly type: 'locked-out'; readonly key: string; readonly until: number }
  | { readonly type: 'alert'; readonly kind: StoreKind; readonly uri: string; readonly requested: number; readonly mode: SyncMode; readonly status: number; readonly reason: string }
  | { readonly type: 'devinf'; readonly man?: string; readonly mod?: string; readonly changed: boolean }
  | { readonly type: 'item'; readonly kind: StoreKind; readonly direction: 'from-client' | 'to-client'; readonly op: 'add' | 'replace' | 'delete'; readonly status: number; readonly label?: string }
  | { readonly type: 'conflict'; readonly kind: StoreKind; readonly guid: string; readonly resolution: string }
  /**
   * Items done of items expected in one direction of a datastore. `from-client`: items received
   * from the client (each Add/Replace/Delete, failed ones too) after each of its Sync commands, and
   * once more when its package is complete; `expected` is its NumberOfChanges, null when it sent
   * none (SyncML 1.0, or a client that leaves it out) until the package is complete, when it
   * becomes what was received. `to-client`: our changes sent of those to send, after each message.
   */
  | { readonly type: 'progress'; readonly kind: StoreKind; readonly direction: 'from-client' | 'to-client'; readonly done: number; readonly expected: number | null }
  | { readonly type: 'backup'; readonly kind: StoreKind; readonly name: string | undefined }
  | { readonly type: 'refused'; readonly kind?: StoreKind; readonly status: number; readonly reason: string }
  | { readonly type: 'end'; readonly ok: boolean; readonly reason: string; readonly datastores: readonly DatastoreSummary[] };

/**
 * State shared by all sessions of a daemon (in memory): datastore locks (one active session per
 * device and datastore) and the auth lockout. Created once by the daemon.
 */
export interface EngineShared {
  readonly locks: DatastoreLocks;
  readonly lockout: AuthLockout;
}

/** One active session per device and datastore. Pure; time is an argument. */
export interface DatastoreLocks {
  /** True when acquired (or already held by this session); false when another live session holds it. */
  acquire(device: string, kind: StoreKind, session: string, now: number, ttlMs: number): boolean;
  /** Extend every lock of this session. */
  touch(session: string, now: number, ttlMs: number): void;
  releaseAll(session: string): void;
}

/** Locks out a user or device that keeps failing to authenticate. Pure; time is an argument. */
export interface AuthLockout {
  isLocked(key: string, now: number): boolean;
  /** Count a failure; returns the time the lock ends when this failure locked the key. */
  fail(key: string, now: number): number | undefined;
  succeed(key: string): void;
}
