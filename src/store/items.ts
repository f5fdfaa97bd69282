/**
 * The items table: revisions, tombstones, short GUIDs (DESIGN.md section 3).
 *
 * Every change takes the next value of the one-row `counters` table inside the caller's
 * transaction, so revisions are store-wide, monotonic and never reused. GUIDs are the base36 form
 * of a second store-wide counter ("1k3"): phones with a small MaxGUIDSize exist.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { ItemInput, ItemRecord, StoreKind } from '../ds/ports.js';

type Db = BetterSqlite3.Database;
type Stmt = BetterSqlite3.Statement;

interface ItemRow {
  readonly guid: string;
  readonly kind: string;
  readonly content_type: string;
  readonly data: Buffer;
  readonly rev: number;
  readonly deleted: number;
  readonly changed_by: string | null;
  readonly match_key: string | null;
  readonly modified: number;
}

const COLS = 'guid, kind, content_type, data, rev, deleted, changed_by, match_key, modified';

/** The queries of changesSince (exported for EXPLAIN QUERY PLAN in tests). */
export const CHANGES_SQL = `SELECT ${COLS} FROM items WHERE user = ? AND kind = ? AND rev > ? ORDER BY rev`;
export const CHANGES_EXCLUDING_SQL = `SELECT ${COLS} FROM items WHERE user = ? AND kind = ? AND rev > ? AND changed_by IS NOT ? ORDER BY rev`;

function toRecord(row: ItemRow): ItemRecord {
  return {
    guid: row.guid,
    kind: row.kind as StoreKind,
    contentType: row.content_type,
    data: row.data,
    rev: row.rev,
    deleted: row.deleted !== 0,
    changedBy: row.changed_by,
    matchKey: row.match_key,
    modified: row.modified,
  };
}

/** Prepared statements and logic of the items table. Call its writers inside a transaction. */
export class ItemTable {
  readonly #nextRev: Stmt;
  readonly #nextGuid: Stmt;
  readonly #currentRev: Stmt;
  readonly #get: Stmt;
  readonly #exists: Stmt;
  readonly #upsert: Stmt;
  readonly #tombstone: Stmt;
  readonly #changes: Stmt;
  readonly #changesExcluding: Stmt;
  readonly #live: Stmt;
  readonly #countLive: Stmt;
  readonly #byMatchKey: Stmt;
  readonly #purge: Stmt;

  constructor(db: Db) {
    this.#nextRev = db.prepare('UPDATE counters SET rev = rev + 1 WHERE id = 1 RETURNING rev').pluck();
    this.#nextGuid = db.prepare('UPDATE counters SET guid = guid + 1 WHERE id = 1 RETURNING guid').pluck();
    this.#currentRev = db.prepare('SELECT rev FROM counters WHERE id = 1').pluck();
    this.#get = db.prepare(`SELECT ${COLS} FROM items WHERE user = ? AND kind = ? AND guid = ?`);
    this.#exists = db.prepare('SELECT 1 FROM items WHERE user = ? AND kind = ? AND guid = ?').pluck();
    this.#upsert = db.prepare(`
      INSERT INTO items (user, kind, guid, content_type, data, rev, deleted, changed_by, match_key, modified)
      VALUES (@user, @kind, @guid, @contentType, @data, @rev, 0, @changedBy, @matchKey, @now)
      ON CONFLICT (user, kind, guid) DO UPDATE SET
        content_type = excluded.content_type, data = excluded.data, rev = excluded.rev, deleted = 0,
        changed_by = excluded.changed_by, match_key = excluded.match_key, modified = excluded.modified`);
    this.#tombstone = db.prepare(`
      UPDATE items SET deleted = 1, rev = @rev, changed_by = @changedBy, modified = @now
      WHERE user = @user AND kind = @kind AND guid = @guid AND deleted = 0
      RETURNING ${COLS}`);
    this.#changes = db.prepare(CHANGES_SQL);
    this.#changesExcluding = db.prepare(CHANGES_EXCLUDING_SQL);
    this.#live = db.prepare(`SELECT ${COLS} FROM items WHERE user = ? AND kind = ? AND guid > ? AND deleted = 0 ORDER BY guid LIMIT ?`);
    this.#countLive = db.prepare('SELECT COUNT(*) FROM items WHERE user = ? AND kind = ? AND deleted = 0').pluck();
    this.#byMatchKey = db.prepare(`SELECT ${COLS} FROM items WHERE user = ? AND kind = ? AND match_key = ? AND deleted = 0 ORDER BY guid`);
    // A tombstone can go once every device that syncs this user's datastore is past it
    // (device_stores without a devices row count for every user: we cannot tell whose they are).
    this.#purge = db.prepare(`
      DELETE FROM items WHERE deleted = 1 AND rev <= COALESCE((
        SELECT MIN(ds.last_rev) FROM device_stores ds LEFT JOIN devices d ON d.id = ds.device
        WHERE ds.kind = items.kind AND (d.user IS NULL OR d.user = items.user)), 9007199254740991)`);
  }

  currentRev(): number {
    return this.#currentRev.get() as number;
  }

  get(user: string, kind: StoreKind, guid: string): ItemRecord | undefined {
    const row = this.#get.get(user, kind, guid) as ItemRow | undefined;
    return row === undefined ? undefined : toRecord(row);
  }

  /** A GUID no item of this datastore has (a caller may have chosen one explicitly). */
  #newGuid(user: string, kind: StoreKind): string {
    for (;;) {
      const guid = (this.#nextGuid.get() as number).toString(36);
      if (this.#exists.get(user, kind, guid) === undefined) return guid;
    }
  }

  put(user: string, kind: StoreKind, input: ItemInput): ItemRecord {
    const guid = input.guid ?? this.#newGuid(user, kind);
    const rev = this.#nextRev.get() as number;
    const data = Buffer.from(input.data);
    this.#upsert.run({ user, kind, guid, contentType: input.contentType, data, rev, changedBy: input.changedBy, matchKey: input.matchKey, now: input.now });
    return { guid, kind, contentType: input.contentType, data, rev, deleted: false, changedBy: input.changedBy, matchKey: input.matchKey, modified: input.now };
  }

  delete(user: string, kind: StoreKind, guid: string, changedBy: string | null, now: number): ItemRecord | undefined {
    if (this.get(user, kind, guid)?.deleted !== false) return undefined;
    const rev = this.#nextRev.get() as number;
    const row = this.#tombstone.get({ user, kind, guid, rev, changedBy, now }) as ItemRow | undefined;
    return row === undefined ? undefined : toRecord(row);
  }

  changesSince(user: string, kind: StoreKind, sinceRev: number, excludeDevice?: string): ItemRecord[] {
    const rows = (excludeDevice === undefined
      ? this.#changes.all(user, kind, sinceRev)
      : this.#changesExcluding.all(user, kind, sinceRev, excludeDevice)) as ItemRow[];
    return rows.map(toRecord);
  }

  live(user: string, kind: StoreKind, afterGuid: string | undefined, limit: number): ItemRecord[] {
    return (this.#live.all(user, kind, afterGuid ?? '', limit) as ItemRow[]).map(toRecord);
  }

  countLive(user: string, kind: StoreKind): number {
    return this.#countLive.get(user, kind) as number;
  }

  findByMatchKey(user: string, kind: StoreKind, matchKey: string): ItemRecord[] {
    return (this.#byMatchKey.all(user, kind, matchKey) as ItemRow[]).map(toRecord);
  }

  /** Delete tombstones every device is past. Returns how many went. */
  purgeTombstones(): number {
    return this.#purge.run().changes;
  }
}
