/**
 * The users table and every user's four datastores. The user `local` (no password) always exists:
 * local links that need no authentication sync as `local` (DESIGN.md section 5).
 */
import type BetterSqlite3 from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { STORE_KINDS, type StoreKind, type UserSecrets } from '../ds/ports.js';
import { makeSecretRow, userSecrets, type SecretRow } from './secrets.js';

type Db = BetterSqlite3.Database;
type Stmt = BetterSqlite3.Statement;

/** The user that local links without authentication map to. */
import { LOCAL_USER } from '../ds/ports.js';

export { LOCAL_USER };
export const MAX_USER_NAME = 64;

/** A user as `syncml-bridge user list` shows it. */
export interface UserListing {
  readonly name: string;
  /** ms since the epoch */
  readonly createdAt: number;
  /** Number of devices that synced as this user. */
  readonly devices: number;
  /** Live items per datastore. */
  readonly items: Readonly<Record<StoreKind, number>>;
}

/**
 * Why `name` cannot be a user name, or undefined when it can. A colon would break basic auth
 * (`user:password`) and the MD5 secret (`user:password`); control characters break logs.
 */
export function userNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'a user name cannot be empty';
  if (name.length > MAX_USER_NAME) return `a user name has at most ${MAX_USER_NAME} characters`;
  if (name.includes(':')) return 'a user name cannot contain ":"';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'a user name cannot contain control characters';
  if (name.trim() !== name) return 'a user name cannot start or end with white space';
  return undefined;
}

/** Prepared statements of the users and datastores tables. */
export class UserTable {
  readonly #db: Db;
  readonly #get: Stmt;
  readonly #insert: Stmt;
  readonly #ensureStores: Stmt;
  readonly #delete: Stmt;
  readonly #list: Stmt;
  readonly #deviceCounts: Stmt;
  readonly #itemCounts: Stmt;

  constructor(db: Db) {
    this.#db = db;
    this.#get = db.prepare('SELECT name, pw_kdf, pw_salt, pw_hash, md5_secret, pw_enc FROM users WHERE name = ?');
    this.#insert = db.prepare(`
      INSERT INTO users (name, pw_kdf, pw_salt, pw_hash, md5_secret, pw_enc, created_at)
      VALUES (@name, @pw_kdf, @pw_salt, @pw_hash, @md5_secret, @pw_enc, @createdAt)`);
    // Every user has the four datastores (also those made before a new kind existed).
    const kinds = STORE_KINDS.map((k) => `('${k}')`).join(', ');
    this.#ensureStores = db.prepare(`INSERT OR IGNORE INTO datastores (user, kind) SELECT u.name, k.column1 FROM users u, (VALUES ${kinds}) k`);
    this.#delete = db.prepare('DELETE FROM users WHERE name = ?');
    this.#list = db.prepare('SELECT name, created_at FROM users ORDER BY name');
    this.#deviceCounts = db.prepare('SELECT user, COUNT(*) AS n FROM devices GROUP BY user');
    this.#itemCounts = db.prepare('SELECT user, kind, COUNT(*) AS n FROM items WHERE deleted = 0 GROUP BY user, kind');
  }

  /** Create `local` and missing datastores (a read-write open does this). */
  ensureLocal(now: number): void {
    this.#db.transaction(() => {
      if (this.#get.get(LOCAL_USER) === undefined) {
        this.#insert.run({ name: LOCAL_USER, pw_kdf: null, pw_salt: null, pw_hash: null, md5_secret: '', pw_enc: null, createdAt: now });
      }
      this.#ensureStores.run();
    }).immediate();
  }

  has(name: string): boolean {
    return this.#get.get(name) !== undefined;
  }

  get(name: string, key: Uint8Array | undefined): UserSecrets | undefined {
    const row = this.#get.get(name) as SecretRow | undefined;
    return row === undefined ? undefined : userSecrets(row, key);
  }

  /**
   * @throws StoreError SB_ERR_USER_NAME (bad name), SB_ERR_USER_PASSWORD (empty password),
   *   SB_ERR_USER_EXISTS (taken)
   */
  add(name: string, password: string, key: Uint8Array, now: number): void {
    const problem = userNameProblem(name);
    if (problem !== undefined) throw new StoreError(`'${name}': ${problem}`, 'SB_ERR_USER_NAME');
    if (password.length === 0) throw new StoreError(`user '${name}': the password cannot be empty`, 'SB_ERR_USER_PASSWORD');
    // Hash outside the write transaction: scrypt takes tens of ms.
    const row = makeSecretRow(name, password, key);
    this.#db.transaction(() => {
      if (this.has(name)) throw new StoreError(`user '${name}' already exists`, 'SB_ERR_USER_EXISTS');
      this.#insert.run({ ...row, createdAt: now });
      this.#ensureStores.run();
    }).immediate();
  }

  /** Remove the user row; its datastores and items go with it (ON DELETE CASCADE). */
  remove(name: string): void {
    if (name === LOCAL_USER) throw new StoreError(`user '${LOCAL_USER}' cannot be removed: local links without authentication use it`, 'SB_ERR_USER_PROTECTED');
    if (this.#delete.run(name).changes === 0) throw new StoreError(`no user '${name}'`, 'SB_ERR_USER_UNKNOWN');
  }

  list(): UserListing[] {
    const devices = new Map((this.#deviceCounts.all() as Array<{ user: string; n: number }>).map((r) => [r.user, r.n]));
    const items = new Map<string, Record<StoreKind, number>>();
    for (const r of this.#itemCounts.all() as Array<{ user: string; kind: StoreKind; n: number }>) {
      const counts = items.get(r.user) ?? { contacts: 0, calendar: 0, tasks: 0, notes: 0 };
      counts[r.kind] = r.n;
      items.set(r.user, counts);
    }
    return (this.#list.all() as Array<{ name: string; created_at: number }>).map((r) => ({
      name: r.name,
      createdAt: r.created_at,
      devices: devices.get(r.name) ?? 0,
      items: items.get(r.name) ?? { contacts: 0, calendar: 0, tasks: 0, notes: 0 },
    }));
  }
}
