/**
 * The embedded store: one SQLite file `<dataDir>/bridge.sqlite` in WAL mode behind the engine's
 * synchronous `DsStore` port (src/ds/ports.ts), plus what the CLI needs (users, device listing,
 * export). DESIGN.md section 3; STYLE.md convention 14.
 *
 * - WAL and a busy timeout (5 s) let `user`, `devices`, `export` and `import` run while `serve`
 *   holds the same file open; top-level transactions are BEGIN IMMEDIATE so a writer waits for
 *   the lock up front instead of failing when it upgrades from reading.
 * - Statements are prepared once, here; no schema work per call.
 * - Every SQLite failure surfaces as a StoreError (SB_ERR_STORE_*, syncmlStatus 510).
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { StoreError } from '../errors.js';
import type { DeviceRecord, DeviceStoreRecord, DsStore, ItemInput, ItemRecord, StoreKind, UserSecrets } from '../ds/ports.js';
import { DeviceTables, type DeviceListing } from './devices.js';
import { ItemTable } from './items.js';
import { migrate, SCHEMA_VERSION, schemaVersion } from './schema.js';
import { loadSecretKey } from './secrets.js';
import { toStoreError } from './store-errors.js';
import { LOCAL_USER, UserTable, type UserListing } from './users.js';

export const DB_FILE = 'bridge.sqlite';
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export interface OpenStoreOptions {
  /** Open without writing anything (no migration, no `local` user, no key file). */
  readonly readonly?: boolean;
  /** How long to wait for another connection's lock before SB_ERR_STORE_BUSY (default 5 s). */
  readonly busyTimeoutMs?: number;
  /** Clock for created_at of users (ms since the epoch); default Date.now. */
  readonly now?: () => number;
}

/**
 * Open (creating the directory, file, schema, `local` user and secret key when missing) the
 * store of a data directory.
 * @throws StoreError SB_ERR_STORE_OPEN, SB_ERR_STORE_VERSION, SB_ERR_STORE_KEY, SB_ERR_STORE_*
 */
export function openStore(dataDir: string, opts: OpenStoreOptions = {}): SqliteStore {
  const readonly = opts.readonly === true;
  const busyTimeoutMs = opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const file = join(dataDir, DB_FILE);
  let db: Database.Database | undefined;
  try {
    if (!readonly) {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      // Made 0600 before SQLite opens it: SQLite gives the -wal and -shm files the same mode.
      // The file holds password hashes and MD5 secrets.
      closeSync(openSync(file, 'a', 0o600));
    }
    db = new Database(file, { readonly, fileMustExist: readonly, timeout: busyTimeoutMs });
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
    }
    db.pragma('foreign_keys = ON');
    if (readonly) {
      const found = schemaVersion(db);
      if (found !== SCHEMA_VERSION) throw new StoreError(`${file}: schema version ${found}, this program needs ${SCHEMA_VERSION} (open it read-write once to upgrade)`, 'SB_ERR_STORE_VERSION');
    } else {
      migrate(db);
    }
    const key = loadSecretKey(dataDir, readonly);
    return new SqliteStore(db, { file, key, readonly, busyTimeoutMs, now: opts.now ?? Date.now });
  } catch (err) {
    db?.close();
    if (err instanceof StoreError) throw err;
    const wrapped = toStoreError(err, 'open', file, busyTimeoutMs);
    if (wrapped instanceof StoreError) throw wrapped;
    throw new StoreError(`cannot open the store ${file}: ${(err as Error).message}`, 'SB_ERR_STORE_OPEN', { cause: err });
  }
}

/**
 * A store in memory (tests, benchmarks): the same schema and code, a random secret key, gone on
 * `close()`.
 */
export function openMemoryStore(opts: Pick<OpenStoreOptions, 'now'> = {}): SqliteStore {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return new SqliteStore(db, { file: ':memory:', key: randomBytes(32), readonly: false, busyTimeoutMs: 0, now: opts.now ?? Date.now });
}

interface StoreContext {
  readonly file: string;
  readonly key: Uint8Array | undefined;
  readonly readonly: boolean;
  readonly busyTimeoutMs: number;
  readonly now: () => number;
}

/** The SQLite store. Made by `openStore`; `close()` when done. Not safe to share across threads. */
export class SqliteStore implements DsStore {
  readonly #db: Database.Database;
  readonly #ctx: StoreContext;
  readonly #items: ItemTable;
  readonly #devices: DeviceTables;
  readonly #users: UserTable;

  /** @internal use openStore */
  constructor(db: Database.Database, ctx: StoreContext) {
    this.#db = db;
    this.#ctx = ctx;
    try {
      this.#items = new ItemTable(db);
      this.#devices = new DeviceTables(db);
      this.#users = new UserTable(db);
      if (!ctx.readonly) this.#users.ensureLocal(ctx.now());
    } catch (err) {
      throw toStoreError(err, 'open', ctx.file, ctx.busyTimeoutMs);
    }
  }

  /** Path of the database file. */
  get file(): string {
    return this.#ctx.file;
  }

  /** Run the store's own work `f`; any failure but a BridgeError becomes a StoreError naming `what`. */
  #run<T>(what: string, f: () => T): T {
    try {
      return f();
    } catch (err) {
      throw toStoreError(err, what, this.#ctx.file, this.#ctx.busyTimeoutMs, true);
    }
  }

  /** `f` atomically: joins the caller's transaction, or opens an IMMEDIATE one. */
  #atomic<T>(what: string, f: () => T): T {
    return this.#run(what, () => (this.#db.inTransaction ? f() : this.#db.transaction(f).immediate()));
  }

  #writable(what: string): void {
    if (this.#ctx.readonly) throw new StoreError(`${what}: the store ${this.#ctx.file} is open read-only`, 'SB_ERR_STORE_READONLY');
  }

  // ---- DsStore ----

  transaction<T>(fn: () => T): T {
    // Nested: better-sqlite3 turns an inner transaction into a SAVEPOINT, rolled back alone
    // when `fn` throws; the error propagates unchanged (only SQLite's own become StoreErrors).
    try {
      return this.#db.transaction(fn).immediate();
    } catch (err) {
      throw toStoreError(err, 'transaction', this.#ctx.file, this.#ctx.busyTimeoutMs);
    }
  }

  currentRev(): number {
    return this.#run('currentRev', () => this.#items.currentRev());
  }

  getUser(name: string): UserSecrets | undefined {
    return this.#run('getUser', () => this.#users.get(name, this.#ctx.key));
  }

  getItem(user: string, kind: StoreKind, guid: string): ItemRecord | undefined {
    return this.#run('getItem', () => this.#items.get(user, kind, guid));
  }

  putItem(user: string, kind: StoreKind, input: ItemInput): ItemRecord {
    this.#writable('putItem');
    return this.#atomic('putItem', () => this.#items.put(user, kind, input));
  }

  deleteItem(user: string, kind: StoreKind, guid: string, changedBy: string | null, now: number): ItemRecord | undefined {
    this.#writable('deleteItem');
    return this.#atomic('deleteItem', () => this.#items.delete(user, kind, guid, changedBy, now));
  }

  changesSince(user: string, kind: StoreKind, sinceRev: number, excludeDevice?: string): ItemRecord[] {
    return this.#run('changesSince', () => this.#items.changesSince(user, kind, sinceRev, excludeDevice));
  }

  liveItems(user: string, kind: StoreKind, afterGuid: string | undefined, limit: number): ItemRecord[] {
    return this.#run('liveItems', () => this.#items.live(user, kind, afterGuid, limit));
  }

  countLive(user: string, kind: StoreKind): number {
    return this.#run('countLive', () => this.#items.countLive(user, kind));
  }

  findByMatchKey(user: string, kind: StoreKind, matchKey: string): ItemRecord[] {
    return this.#run('findByMatchKey', () => this.#items.findByMatchKey(user, kind, matchKey));
  }

  getDevice(id: string): DeviceRecord | undefined {
    return this.#run('getDevice', () => this.#devices.getDevice(id));
  }

  getNonce(device: string): string | undefined {
    return this.#run('getNonce', () => this.#devices.getNonce(device));
  }

  setNonce(device: string, nonce: string): void {
    this.#writable('setNonce');
    this.#run('setNonce', () => this.#devices.setNonce(device, nonce));
  }

  saveDevice(device: Omit<DeviceRecord, 'firstSeen'>): void {
    this.#writable('saveDevice');
    this.#run('saveDevice', () => this.#devices.saveDevice(device));
  }

  getDeviceStore(device: string, kind: StoreKind): DeviceStoreRecord | undefined {
    return this.#run('getDeviceStore', () => this.#devices.getDeviceStore(device, kind));
  }

  saveDeviceStore(rec: DeviceStoreRecord): void {
    this.#writable('saveDeviceStore');
    this.#run('saveDeviceStore', () => this.#devices.saveDeviceStore(rec));
  }

  forgetDeviceStore(device: string, kind: StoreKind): void {
    this.#writable('forgetDeviceStore');
    this.#run('forgetDeviceStore', () => this.#devices.forgetDeviceStore(device, kind));
  }

  guidForLuid(device: string, kind: StoreKind, luid: string): string | undefined {
    return this.#run('guidForLuid', () => this.#devices.guidForLuid(device, kind, luid));
  }

  luidForGuid(device: string, kind: StoreKind, guid: string): string | undefined {
    return this.#run('luidForGuid', () => this.#devices.luidForGuid(device, kind, guid));
  }

  setMap(device: string, kind: StoreKind, luid: string, guid: string): void {
    this.#writable('setMap');
    this.#atomic('setMap', () => this.#devices.setMap(device, kind, luid, guid));
  }

  deleteMapByGuid(device: string, kind: StoreKind, guid: string): void {
    this.#writable('deleteMapByGuid');
    this.#run('deleteMapByGuid', () => this.#devices.deleteMapByGuid(device, kind, guid));
  }

  clearMaps(device: string, kind: StoreKind): void {
    this.#writable('clearMaps');
    this.#run('clearMaps', () => this.#devices.clearMaps(device, kind));
  }

  listMaps(device: string, kind: StoreKind): Array<[luid: string, guid: string]> {
    return this.#run('listMaps', () => this.#devices.listMaps(device, kind));
  }

  getPending(device: string, kind: StoreKind, key: string): unknown {
    return this.#run('getPending', () => this.#devices.getPending(device, kind, key));
  }

  setPending(device: string, kind: StoreKind, key: string, value: unknown): void {
    this.#writable('setPending');
    this.#run('setPending', () => this.#devices.setPending(device, kind, key, value));
  }

  // ---- CLI and maintenance ----

  /** True when the user exists. */
  hasUser(name: string): boolean {
    return this.#run('hasUser', () => this.#users.has(name));
  }

  /**
   * Add a user with a password (basic and MD5 auth, SyncML 1.0 to 1.2).
   * @throws StoreError SB_ERR_USER_EXISTS, SB_ERR_USER_NAME, SB_ERR_USER_PASSWORD
   */
  addUser(name: string, password: string): void {
    this.#writable('addUser');
    const key = this.#ctx.key;
    if (key === undefined) throw new StoreError('addUser: no secret key', 'SB_ERR_STORE_KEY');
    this.#run('addUser', () => this.#users.add(name, password, key, this.#ctx.now()));
  }

  /**
   * Remove a user with its items, devices, device datastores, maps, pending values and nonces.
   * @throws StoreError SB_ERR_USER_PROTECTED for `local`, SB_ERR_USER_UNKNOWN
   */
  removeUser(name: string): void {
    this.#writable('removeUser');
    this.#atomic('removeUser', () => {
      if (name !== LOCAL_USER && this.#users.has(name)) this.#devices.forgetUserDevices(name);
      this.#users.remove(name); // refuses `local`, throws for an unknown name
    });
  }

  /** Every user with device and live item counts, by name. */
  listUsers(): UserListing[] {
    return this.#run('listUsers', () => this.#users.list());
  }

  /** Every device with its datastores (anchors, lastRev, last sync, map counts). */
  listDevices(): DeviceListing[] {
    return this.#run('listDevices', () => this.#devices.listDevices());
  }

  /** The live items of a datastore in guid order, read a page at a time. */
  *exportItems(user: string, kind: StoreKind, pageSize = 500): IterableIterator<ItemRecord> {
    let after: string | undefined;
    for (;;) {
      const page = this.liveItems(user, kind, after, pageSize);
      yield* page;
      const last = page.at(-1);
      if (last === undefined || page.length < pageSize) return;
      after = last.guid;
    }
  }

  /** Delete tombstones older than every device's lastRev (they can reach nobody). Returns how many. */
  purgeTombstones(): number {
    this.#writable('purgeTombstones');
    return this.#atomic('purgeTombstones', () => this.#items.purgeTombstones());
  }

  /** Close the connection (idempotent). */
  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
