/**
 * The versioned SQLite schema (DESIGN.md section 3; STYLE.md convention 14).
 *
 * `PRAGMA user_version` holds the number of the last migration applied. Each migration is
 * idempotent (`IF NOT EXISTS`, `INSERT OR IGNORE`), runs inside one IMMEDIATE transaction
 * together with the `user_version` bump, and is never edited once released: a change of the
 * schema is a new numbered migration appended to `MIGRATIONS`.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { StoreError } from '../errors.js';

type Db = BetterSqlite3.Database;

export interface Migration {
  readonly version: number;
  readonly description: string;
  /** Idempotent: running it again on a database that has it changes nothing. */
  up(db: Db): void;
}

const KINDS_CHECK = "kind IN ('contacts', 'calendar', 'tasks', 'notes')";

/** Migration 1: users, their four datastores, items with revisions and tombstones. */
const m1: Migration = {
  version: 1,
  description: 'users, datastores, items, revision and guid counters',
  up(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS counters (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        rev INTEGER NOT NULL,       -- last revision handed out (store-wide, monotonic)
        guid INTEGER NOT NULL       -- last GUID number handed out (GUIDs are its base36 form)
      );
      INSERT OR IGNORE INTO counters (id, rev, guid) VALUES (1, 0, 0);

      CREATE TABLE IF NOT EXISTS users (
        name TEXT PRIMARY KEY,      -- case-sensitive (BINARY collation)
        pw_kdf TEXT,                -- 'scrypt:N:r:p'; NULL = no password (the local user)
        pw_salt BLOB,
        pw_hash BLOB,
        md5_secret TEXT NOT NULL DEFAULT '',  -- B64(MD5(name:password)), SyncML 1.1+ MD5
        pw_enc BLOB,                -- AES-256-GCM(password): iv | tag | ciphertext, for SyncML 1.0 MD5
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE IF NOT EXISTS datastores (
        user TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (${KINDS_CHECK}),
        PRIMARY KEY (user, kind)
      ) WITHOUT ROWID;

      CREATE TABLE IF NOT EXISTS items (
        id INTEGER PRIMARY KEY,
        user TEXT NOT NULL,
        kind TEXT NOT NULL,
        guid TEXT NOT NULL,
        content_type TEXT NOT NULL,
        data BLOB NOT NULL,
        rev INTEGER NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0,
        changed_by TEXT,            -- device id, NULL = local change (import, CLI)
        match_key TEXT,
        modified INTEGER NOT NULL,  -- ms since the epoch
        FOREIGN KEY (user, kind) REFERENCES datastores (user, kind) ON DELETE CASCADE
      );
      -- liveItems / getItem, and the child index of the foreign key
      CREATE UNIQUE INDEX IF NOT EXISTS items_guid ON items (user, kind, guid);
      -- changesSince
      CREATE INDEX IF NOT EXISTS items_rev ON items (user, kind, rev);
      -- findByMatchKey (slow-sync matching)
      CREATE INDEX IF NOT EXISTS items_match ON items (user, kind, match_key);
    `);
  },
};

/**
 * Migration 2: what the sync sessions keep per device. No foreign keys to `devices`: the engine
 * may write a nonce, a map or a pending value before it saves the device record.
 */
const m2: Migration = {
  version: 2,
  description: 'devices, device datastores (anchors), LUID/GUID maps, pending values, nonces',
  up(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS devices (
        id TEXT PRIMARY KEY,
        user TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
        devinf TEXT,                -- JSON
        devinf_digest TEXT,
        profile TEXT,
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS devices_user ON devices (user);

      CREATE TABLE IF NOT EXISTS device_stores (
        device TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (${KINDS_CHECK}),
        uri TEXT NOT NULL,
        client_anchor TEXT,
        server_anchor TEXT,
        last_rev INTEGER NOT NULL,
        last_sync INTEGER,
        last_mode INTEGER,
        PRIMARY KEY (device, kind)
      ) WITHOUT ROWID;

      CREATE TABLE IF NOT EXISTS maps (
        device TEXT NOT NULL,
        kind TEXT NOT NULL,
        luid TEXT NOT NULL,
        guid TEXT NOT NULL,
        PRIMARY KEY (device, kind, luid)
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX IF NOT EXISTS maps_guid ON maps (device, kind, guid);

      CREATE TABLE IF NOT EXISTS pending (
        device TEXT NOT NULL,
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,        -- JSON
        PRIMARY KEY (device, kind, key)
      ) WITHOUT ROWID;

      CREATE TABLE IF NOT EXISTS nonces (
        device TEXT PRIMARY KEY,
        nonce TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};

/** Every migration, in order. Append only. */
export const MIGRATIONS: readonly Migration[] = [m1, m2];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** The database's `user_version`. */
export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Bring the database up to `target` (default: the latest). Each pending migration runs in its own
 * IMMEDIATE transaction that re-reads `user_version` first, so two processes opening the same new
 * database at once do not both apply it.
 * @throws StoreError SB_ERR_STORE_VERSION when the database is newer than this code
 */
export function migrate(db: Db, target: number = SCHEMA_VERSION): void {
  const found = schemaVersion(db);
  if (found > SCHEMA_VERSION) {
    throw new StoreError(`database schema version ${found} is newer than this program's (${SCHEMA_VERSION}): upgrade syncml-bridge`, 'SB_ERR_STORE_VERSION');
  }
  for (const m of MIGRATIONS) {
    if (m.version > target) break;
    db.transaction(() => {
      if (schemaVersion(db) >= m.version) return;
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}
