// The versioned schema: numbered idempotent migrations under PRAGMA user_version; read-only opens.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore, migrate, schemaVersion, DB_FILE, KEY_FILE, MIGRATIONS, SCHEMA_VERSION } from '../../src/store/index.js';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-store-'));
  dirs.push(dir);
  return dir;
}
const tables = (db: Database.Database): string[] =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]);

test('migrations are numbered 1..n in order', () => {
  assert.deepEqual(MIGRATIONS.map((m) => m.version), MIGRATIONS.map((_, i) => i + 1));
  assert.equal(SCHEMA_VERSION, MIGRATIONS.length);
  assert.ok(SCHEMA_VERSION >= 2);
});

test('a database made by migration 1 is upgraded on open, its rows kept', () => {
  const dir = tmp();
  const db = new Database(join(dir, DB_FILE));
  migrate(db, 1);
  assert.equal(schemaVersion(db), 1);
  assert.ok(!tables(db).includes('devices'));
  db.prepare("INSERT INTO users (name, md5_secret, created_at) VALUES ('old', '', 1)").run();
  db.prepare("INSERT INTO datastores (user, kind) VALUES ('old', 'contacts')").run();
  db.prepare("INSERT INTO items (user, kind, guid, content_type, data, rev, changed_by, match_key, modified) VALUES ('old', 'contacts', 'a', 'text/vcard', x'41', 1, NULL, 'k', 1)").run();
  db.prepare('UPDATE counters SET rev = 1, guid = 10').run();
  db.close();

  const store = openStore(dir);
  assert.equal(store.getItem('old', 'contacts', 'a')?.matchKey, 'k');
  assert.equal(store.currentRev(), 1);
  assert.equal(store.putItem('old', 'contacts', { contentType: 't', data: new Uint8Array(), matchKey: null, changedBy: null, now: 1 }).guid, 'b', 'the guid counter carries on (11 = b)');
  assert.equal(store.putItem('old', 'notes', { contentType: 't', data: new Uint8Array(), matchKey: null, changedBy: null, now: 1 }).rev, 3, 'missing datastores added');
  store.saveDevice({ id: 'd', user: 'old', devinf: null, devinfDigest: null, profile: null, lastSeen: 1 });
  store.setMap('d', 'contacts', '1', 'a');
  assert.ok(store.hasUser('local'));
  store.close();
  const check = new Database(join(dir, DB_FILE), { readonly: true });
  assert.equal(schemaVersion(check), SCHEMA_VERSION);
  assert.deepEqual(tables(check), ['counters', 'datastores', 'device_stores', 'devices', 'items', 'maps', 'nonces', 'pending', 'users']);
  check.close();
});

test('migrations are idempotent: running them again on a current database changes nothing', () => {
  const dir = tmp();
  const store = openStore(dir);
  store.addUser('u', 'pw');
  store.setMap('d', 'contacts', '1', 'g');
  store.close();
  const db = new Database(join(dir, DB_FILE));
  for (const m of MIGRATIONS) m.up(db);
  db.pragma('user_version = 0');
  db.close();
  const again = openStore(dir);
  assert.equal(again.getUser('u')?.checkPassword('pw'), true);
  assert.deepEqual(again.listMaps('d', 'contacts'), [['1', 'g']]);
  assert.equal(again.currentRev(), 0, 'the counter row is not reset');
  again.close();
});

test('a database from a newer program is refused with SB_ERR_STORE_VERSION', () => {
  const dir = tmp();
  openStore(dir).close();
  const db = new Database(join(dir, DB_FILE));
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  assert.throws(() => openStore(dir), { name: 'StoreError', code: 'SB_ERR_STORE_VERSION' });
  assert.throws(() => openStore(dir, { readonly: true }), { name: 'StoreError', code: 'SB_ERR_STORE_VERSION' });
});

test('read-only open: reads work, writes are refused, nothing is created', () => {
  const missing = join(tmp(), 'none');
  assert.throws(() => openStore(missing, { readonly: true }), { name: 'StoreError', code: 'SB_ERR_STORE_OPEN' });
  assert.equal(existsSync(missing), false);

  const old = tmp();
  const db = new Database(join(old, DB_FILE));
  migrate(db, 1);
  db.close();
  assert.throws(() => openStore(old, { readonly: true }), { code: 'SB_ERR_STORE_VERSION' }, 'no upgrade in read-only mode');

  const dir = tmp();
  const rw = openStore(dir);
  rw.addUser('u', 'pw');
  rw.putItem('u', 'notes', { contentType: 'text/plain', data: Buffer.from('x'), matchKey: null, changedBy: null, now: 1 });
  const ro = openStore(dir, { readonly: true });
  assert.equal(ro.countLive('u', 'notes'), 1);
  assert.equal(ro.getUser('u')?.password, 'pw');
  assert.throws(() => ro.putItem('u', 'notes', { contentType: 'text/plain', data: Buffer.from('y'), matchKey: null, changedBy: null, now: 1 }), { name: 'StoreError', code: 'SB_ERR_STORE_READONLY' });
  assert.throws(() => ro.addUser('v', 'pw'), { code: 'SB_ERR_STORE_READONLY' });
  ro.close();
  rw.close();
  rmSync(join(dir, KEY_FILE));
  const nokey = openStore(dir, { readonly: true });
  assert.equal(existsSync(join(dir, KEY_FILE)), false);
  assert.equal(nokey.getUser('u')?.password, undefined);
  assert.equal(nokey.getUser('u')?.checkPassword('pw'), true);
  nokey.close();
});
