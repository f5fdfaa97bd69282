// The SQLite store (DESIGN.md section 3): the engine's DsStore port plus users, devices and export.
export { openStore, openMemoryStore, SqliteStore, DB_FILE, DEFAULT_BUSY_TIMEOUT_MS } from './sqlite-store.js';
export type { OpenStoreOptions } from './sqlite-store.js';
export { LOCAL_USER, MAX_USER_NAME, userNameProblem } from './users.js';
export type { UserListing } from './users.js';
export type { DeviceListing } from './devices.js';
export { KEY_FILE, md5Secret } from './secrets.js';
export { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion } from './schema.js';
export type { Migration } from './schema.js';
