// Transactions (nested = savepoint), errors as StoreErrors, and two connections on one data
// directory (the CLI while `serve` runs): real SQLite in WAL mode.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, openMemoryStore, DB_FILE, type SqliteStore } from '../../src/store/index.js';
import { StoreError, SyncmlError } from '../../src/errors.js';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-store-'));
  dirs.push(dir);
  return dir;
}
function fresh(): { store: SqliteStore; dir: string } {
  const dir = tmp();
  const store = openStore(dir);
  store.addUser('alice', 'pw');
  return { store, dir };
}
const put = (store: SqliteStore, text: string, guid?: string) =>
  store.putItem('alice', 'notes', { ...(guid === undefined ? {} : { guid }), contentType: 'text/plain', data: Buffer.from(text), matchKey: text, changedBy: null, now: 1 });

test('transaction returns what fn returns and commits', () => {
  const { store, dir } = fresh();
  const guid = store.transaction(() => put(store, 'a').guid);
  const other = openStore(dir);
  assert.equal(other.getItem('alice', 'notes', guid)?.deleted, false);
  other.close();
  store.close();
});

test('a nested throw caught outside rolls back only the nested part', () => {
  const { store } = fresh();
  const err = new SyncmlError('atomic failed', 'SB_ERR_TEST');
  store.transaction(() => {
    put(store, 'outer-before');
    assert.throws(() => store.transaction(() => {
      put(store, 'inner');
      store.setMap('d', 'notes', '1', 'x');
      throw err;
    }), (e) => e === err, 'the error propagates unchanged');
    put(store, 'outer-after');
  });
  const live = store.liveItems('alice', 'notes', undefined, 10).map((i) => Buffer.from(i.data).toString());
  assert.deepEqual(live.sort(), ['outer-after', 'outer-before']);
  assert.deepEqual(store.listMaps('d', 'notes'), []);
  assert.equal(store.findByMatchKey('alice', 'notes', 'inner').length, 0);
  // the revision the rolled-back put took is given again: revisions stay gap-free on disk
  assert.deepEqual(store.changesSince('alice', 'notes', 0).map((i) => i.rev), [1, 2]);
});

test('a nested throw not caught rolls back everything; the caller gets the same error', () => {
  const { store } = fresh();
  put(store, 'kept');
  const rev = store.currentRev();
  const err = new Error('boom');
  assert.throws(() => store.transaction(() => {
    put(store, 'outer');
    store.transaction(() => {
      put(store, 'inner');
      throw err;
    });
  }), (e) => e === err);
  assert.equal(store.currentRev(), rev);
  assert.equal(store.countLive('alice', 'notes'), 1);
});

test('a second store on the same directory sees committed rows only, and can write while the first is open', () => {
  const { store, dir } = fresh();
  const cli = openStore(dir);
  put(store, 'one');
  assert.equal(cli.countLive('alice', 'notes'), 1);
  store.transaction(() => {
    put(store, 'uncommitted');
    assert.equal(cli.countLive('alice', 'notes'), 1, 'WAL: the reader is not blocked and sees the last commit');
  });
  assert.equal(cli.countLive('alice', 'notes'), 2);
  // the CLI writes (import) while serve keeps its connection open
  cli.transaction(() => { put(cli, 'imported'); });
  assert.equal(store.countLive('alice', 'notes'), 3);
  assert.equal(store.currentRev(), 3, 'one revision sequence for both connections');
  cli.addUser('bob', 'pw');
  assert.equal(store.getUser('bob')?.checkPassword('pw'), true);
  cli.close();
  store.close();
});

test('a write while another connection holds the write lock waits, then fails as SB_ERR_STORE_BUSY', () => {
  const { store, dir } = fresh();
  const other = openStore(dir, { busyTimeoutMs: 50 });
  store.transaction(() => {
    put(store, 'held');
    assert.throws(() => put(other, 'blocked'), (e: unknown) => {
      assert.ok(e instanceof StoreError);
      assert.equal(e.code, 'SB_ERR_STORE_BUSY');
      assert.equal(e.syncmlStatus, 510);
      assert.match(e.message, /^putItem: the database .*bridge\.sqlite stayed locked by another connection for 50 ms/);
      assert.match(String((e.cause as { code: string }).code), /^SQLITE_BUSY/);
      return true;
    });
    assert.throws(() => other.transaction(() => 1), { code: 'SB_ERR_STORE_BUSY' }, 'BEGIN IMMEDIATE waits for the lock too');
  });
  put(other, 'after');
  assert.equal(store.countLive('alice', 'notes'), 2);
  other.close();
  store.close();
});

test('open failures are StoreErrors: not a database, a data directory that cannot be made', () => {
  const dir = tmp();
  writeFileSync(join(dir, DB_FILE), 'this is not an SQLite database, not at all, no.'.repeat(40));
  assert.throws(() => openStore(dir), (e: unknown) => e instanceof StoreError && e.code === 'SB_ERR_STORE_CORRUPT' && e.message.includes(DB_FILE));
  const file = join(tmp(), 'file');
  writeFileSync(file, '');
  assert.throws(() => openStore(join(file, 'var')), (e: unknown) => e instanceof StoreError && e.code === 'SB_ERR_STORE_OPEN' && e.message.includes(file));
});

test('a closed store answers with StoreErrors; close is idempotent', () => {
  const { store } = fresh();
  store.close();
  store.close();
  assert.throws(() => store.currentRev(), { name: 'StoreError', code: 'SB_ERR_STORE', message: /^currentRev: / });
  assert.throws(() => put(store, 'x'), { name: 'StoreError' });
});

test('openMemoryStore: the same store without files (tests, benchmarks)', () => {
  const store = openMemoryStore({ now: () => 7 });
  assert.equal(store.file, ':memory:');
  assert.deepEqual(store.listUsers().map((u) => [u.name, u.createdAt]), [['local', 7]]);
  store.addUser('alice', 'pw');
  assert.equal(store.getUser('alice')?.password, 'pw');
  const nested = store.transaction(() => {
    put(store, 'a');
    try {
      store.transaction(() => { put(store, 'b'); throw new Error('x'); });
    } catch { /* inner part rolled back */ }
    return store.countLive('alice', 'notes');
  });
  assert.equal(nested, 1);
  store.close();
});
