/**
 * SQLite failures as StoreErrors (syncmlStatus 510, "data store failure"), with the cause kept.
 * Errors that are not SQLite's (an engine error thrown inside `transaction`) pass through.
 */
import Database from 'better-sqlite3';
import { BridgeError, StoreError } from '../errors.js';

/** SQLite primary result code (the part before the first `_` suffix) -> our code. */
const CODES: Readonly<Record<string, string>> = {
  SQLITE_BUSY: 'SB_ERR_STORE_BUSY',
  SQLITE_LOCKED: 'SB_ERR_STORE_BUSY',
  SQLITE_CONSTRAINT: 'SB_ERR_STORE_CONSTRAINT',
  SQLITE_CORRUPT: 'SB_ERR_STORE_CORRUPT',
  SQLITE_NOTADB: 'SB_ERR_STORE_CORRUPT',
  SQLITE_READONLY: 'SB_ERR_STORE_READONLY',
  SQLITE_FULL: 'SB_ERR_STORE_FULL',
  SQLITE_CANTOPEN: 'SB_ERR_STORE_OPEN',
  SQLITE_IOERR: 'SB_ERR_STORE_IO',
};

/** True for an error raised by SQLite (better-sqlite3's SqliteError). */
export function isSqliteError(err: unknown): err is Error & { readonly code: string } {
  return err instanceof Database.SqliteError;
}

/**
 * Turn `err` into a StoreError naming `what` (the operation) and `file`. BridgeErrors are returned
 * unchanged; other errors too unless `all` (a store method's own failure: a closed connection,
 * a value SQLite cannot bind, unreadable JSON).
 */
export function toStoreError(err: unknown, what: string, file: string, busyTimeoutMs: number, all = false): unknown {
  if (err instanceof BridgeError) return err;
  if (isSqliteError(err)) {
    const primary = /^SQLITE_[A-Z]+/.exec(err.code)?.[0] ?? err.code;
    const code = CODES[primary] ?? 'SB_ERR_STORE_SQLITE';
    if (code === 'SB_ERR_STORE_BUSY') {
      return new StoreError(`${what}: the database ${file} stayed locked by another connection for ${busyTimeoutMs} ms (${err.code})`, code, { cause: err });
    }
    return new StoreError(`${what}: ${err.message} (${err.code}, ${file})`, code, { cause: err });
  }
  if (all) return new StoreError(`${what}: ${err instanceof Error ? err.message : String(err)} (${file})`, 'SB_ERR_STORE', { cause: err });
  return err;
}
