/**
 * What the store keeps per device: the device record (DevInf, profile), its datastores' anchors,
 * LUID <-> GUID maps, small pending JSON values and the MD5 nonce (DESIGN.md section 3).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { DeviceRecord, DeviceStoreRecord, StoreKind } from '../ds/ports.js';

type Db = BetterSqlite3.Database;
type Stmt = BetterSqlite3.Statement;

interface DeviceRow {
  readonly id: string;
  readonly user: string;
  readonly devinf: string | null;
  readonly devinf_digest: string | null;
  readonly profile: string | null;
  readonly first_seen: number;
  readonly last_seen: number;
}

interface DeviceStoreRow {
  readonly device: string;
  readonly kind: string;
  readonly uri: string;
  readonly client_anchor: string | null;
  readonly server_anchor: string | null;
  readonly last_rev: number;
  readonly last_sync: number | null;
  readonly last_mode: number | null;
}

/** A device with its datastores, as `syncml-bridge devices` shows it. */
export interface DeviceListing extends DeviceRecord {
  readonly datastores: ReadonlyArray<DeviceStoreRecord & { readonly maps: number }>;
}

function toDevice(row: DeviceRow): DeviceRecord {
  return {
    id: row.id,
    user: row.user,
    devinf: row.devinf === null ? null : (JSON.parse(row.devinf) as unknown),
    devinfDigest: row.devinf_digest,
    profile: row.profile,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
  };
}

function toDeviceStore(row: DeviceStoreRow): DeviceStoreRecord {
  return {
    device: row.device,
    kind: row.kind as StoreKind,
    uri: row.uri,
    clientAnchor: row.client_anchor,
    serverAnchor: row.server_anchor,
    lastRev: row.last_rev,
    lastSync: row.last_sync,
    lastMode: row.last_mode,
  };
}

const STORE_COLS = 'device, kind, uri, client_anchor, server_anchor, last_rev, last_sync, last_mode';

/** Prepared statements of the device tables. */
export class DeviceTables {
  readonly #getDevice: Stmt;
  readonly #saveDevice: Stmt;
  readonly #listDevices: Stmt;
  readonly #getStore: Stmt;
  readonly #saveStore: Stmt;
  readonly #forgetStore: Stmt;
  readonly #storesWithMaps: Stmt;
  readonly #getNonce: Stmt;
  readonly #setNonce: Stmt;
  readonly #guidForLuid: Stmt;
  readonly #luidForGuid: Stmt;
  readonly #deleteMapPair: Stmt;
  readonly #insertMap: Stmt;
  readonly #deleteMapByGuid: Stmt;
  readonly #clearMaps: Stmt;
  readonly #listMaps: Stmt;
  readonly #getPending: Stmt;
  readonly #setPending: Stmt;
  readonly #deletePending: Stmt;
  readonly #forgetUserDevices: readonly Stmt[];

  constructor(db: Db) {
    this.#getDevice = db.prepare('SELECT * FROM devices WHERE id = ?');
    this.#saveDevice = db.prepare(`
      INSERT INTO devices (id, user, devinf, devinf_digest, profile, first_seen, last_seen)
      VALUES (@id, @user, @devinf, @devinfDigest, @profile, @lastSeen, @lastSeen)
      ON CONFLICT (id) DO UPDATE SET user = excluded.user, devinf = excluded.devinf,
        devinf_digest = excluded.devinf_digest, profile = excluded.profile, last_seen = excluded.last_seen`);
    this.#listDevices = db.prepare('SELECT * FROM devices ORDER BY user, id');
    this.#getStore = db.prepare(`SELECT ${STORE_COLS} FROM device_stores WHERE device = ? AND kind = ?`);
    this.#saveStore = db.prepare(`
      INSERT INTO device_stores (${STORE_COLS})
      VALUES (@device, @kind, @uri, @clientAnchor, @serverAnchor, @lastRev, @lastSync, @lastMode)
      ON CONFLICT (device, kind) DO UPDATE SET uri = excluded.uri, client_anchor = excluded.client_anchor,
        server_anchor = excluded.server_anchor, last_rev = excluded.last_rev, last_sync = excluded.last_sync,
        last_mode = excluded.last_mode`);
    this.#forgetStore = db.prepare('UPDATE device_stores SET client_anchor = NULL, server_anchor = NULL, last_rev = 0 WHERE device = ? AND kind = ?');
    this.#storesWithMaps = db.prepare(`
      SELECT ${STORE_COLS}, (SELECT COUNT(*) FROM maps m WHERE m.device = ds.device AND m.kind = ds.kind) AS maps
      FROM device_stores ds WHERE device = ? ORDER BY kind`);
    this.#getNonce = db.prepare('SELECT nonce FROM nonces WHERE device = ?').pluck();
    this.#setNonce = db.prepare('INSERT INTO nonces (device, nonce) VALUES (?, ?) ON CONFLICT (device) DO UPDATE SET nonce = excluded.nonce');
    this.#guidForLuid = db.prepare('SELECT guid FROM maps WHERE device = ? AND kind = ? AND luid = ?').pluck();
    this.#luidForGuid = db.prepare('SELECT luid FROM maps WHERE device = ? AND kind = ? AND guid = ?').pluck();
    this.#deleteMapPair = db.prepare('DELETE FROM maps WHERE device = @device AND kind = @kind AND (luid = @luid OR guid = @guid)');
    this.#insertMap = db.prepare('INSERT INTO maps (device, kind, luid, guid) VALUES (@device, @kind, @luid, @guid)');
    this.#deleteMapByGuid = db.prepare('DELETE FROM maps WHERE device = ? AND kind = ? AND guid = ?');
    this.#clearMaps = db.prepare('DELETE FROM maps WHERE device = ? AND kind = ?');
    this.#listMaps = db.prepare('SELECT luid, guid FROM maps WHERE device = ? AND kind = ? ORDER BY luid').raw();
    this.#getPending = db.prepare('SELECT value FROM pending WHERE device = ? AND kind = ? AND key = ?').pluck();
    this.#setPending = db.prepare('INSERT INTO pending (device, kind, key, value) VALUES (?, ?, ?, ?) ON CONFLICT (device, kind, key) DO UPDATE SET value = excluded.value');
    this.#deletePending = db.prepare('DELETE FROM pending WHERE device = ? AND kind = ? AND key = ?');
    const ofUser = 'device IN (SELECT id FROM devices WHERE user = ?)';
    this.#forgetUserDevices = [
      db.prepare(`DELETE FROM maps WHERE ${ofUser}`),
      db.prepare(`DELETE FROM device_stores WHERE ${ofUser}`),
      db.prepare(`DELETE FROM pending WHERE ${ofUser}`),
      db.prepare(`DELETE FROM nonces WHERE ${ofUser}`),
      db.prepare('DELETE FROM devices WHERE user = ?'),
    ];
  }

  getDevice(id: string): DeviceRecord | undefined {
    const row = this.#getDevice.get(id) as DeviceRow | undefined;
    return row === undefined ? undefined : toDevice(row);
  }

  saveDevice(d: Omit<DeviceRecord, 'firstSeen'>): void {
    this.#saveDevice.run({
      id: d.id,
      user: d.user,
      devinf: d.devinf === undefined || d.devinf === null ? null : JSON.stringify(d.devinf),
      devinfDigest: d.devinfDigest,
      profile: d.profile,
      lastSeen: d.lastSeen,
    });
  }

  /** Every device (by user, then id) with its datastores and their map counts. */
  listDevices(): DeviceListing[] {
    return (this.#listDevices.all() as DeviceRow[]).map((row) => ({
      ...toDevice(row),
      datastores: (this.#storesWithMaps.all(row.id) as Array<DeviceStoreRow & { maps: number }>).map((s) => ({ ...toDeviceStore(s), maps: s.maps })),
    }));
  }

  getDeviceStore(device: string, kind: StoreKind): DeviceStoreRecord | undefined {
    const row = this.#getStore.get(device, kind) as DeviceStoreRow | undefined;
    return row === undefined ? undefined : toDeviceStore(row);
  }

  saveDeviceStore(rec: DeviceStoreRecord): void {
    this.#saveStore.run({ ...rec });
  }

  forgetDeviceStore(device: string, kind: StoreKind): void {
    this.#forgetStore.run(device, kind);
  }

  getNonce(device: string): string | undefined {
    return this.#getNonce.get(device) as string | undefined;
  }

  setNonce(device: string, nonce: string): void {
    this.#setNonce.run(device, nonce);
  }

  guidForLuid(device: string, kind: StoreKind, luid: string): string | undefined {
    return this.#guidForLuid.get(device, kind, luid) as string | undefined;
  }

  luidForGuid(device: string, kind: StoreKind, guid: string): string | undefined {
    return this.#luidForGuid.get(device, kind, guid) as string | undefined;
  }

  /** Set a pair, removing any other pair with this luid or this guid. Call inside a transaction. */
  setMap(device: string, kind: StoreKind, luid: string, guid: string): void {
    this.#deleteMapPair.run({ device, kind, luid, guid });
    this.#insertMap.run({ device, kind, luid, guid });
  }

  deleteMapByGuid(device: string, kind: StoreKind, guid: string): void {
    this.#deleteMapByGuid.run(device, kind, guid);
  }

  clearMaps(device: string, kind: StoreKind): void {
    this.#clearMaps.run(device, kind);
  }

  listMaps(device: string, kind: StoreKind): Array<[luid: string, guid: string]> {
    return this.#listMaps.all(device, kind) as Array<[string, string]>;
  }

  getPending(device: string, kind: StoreKind, key: string): unknown {
    const value = this.#getPending.get(device, kind, key) as string | undefined;
    return value === undefined ? undefined : (JSON.parse(value) as unknown);
  }

  setPending(device: string, kind: StoreKind, key: string, value: unknown): void {
    if (value === undefined) this.#deletePending.run(device, kind, key);
    else this.#setPending.run(device, kind, key, JSON.stringify(value));
  }

  /** Remove every device of `user` and what it keeps (maps, anchors, pending, nonces). */
  forgetUserDevices(user: string): void {
    for (const stmt of this.#forgetUserDevices) stmt.run(user);
  }
}
