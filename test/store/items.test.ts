// Items: revisions, tombstones, short GUIDs, change detection, paging, matching (real SQLite).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore, DB_FILE, type SqliteStore } from '../../src/store/index.js';
import { CHANGES_EXCLUDING_SQL, CHANGES_SQL } from '../../src/store/items.js';
import type { ItemInput } from '../../src/ds/ports.js';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
function fresh(): { store: SqliteStore; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sb-store-'));
  dirs.push(dir);
  const store = openStore(dir);
  store.addUser('alice', 'pw');
  store.addUser('bob', 'pw');
  return { store, dir };
}
const input = (text: string, extra: Partial<ItemInput> = {}): ItemInput =>
  ({ contentType: 'text/vcard', data: Buffer.from(text), matchKey: null, changedBy: null, now: 1000, ...extra });

test('putItem adds with a short base36 GUID and a store-wide monotonic revision', () => {
  const { store } = fresh();
  assert.equal(store.currentRev(), 0);
  const a = store.putItem('alice', 'contacts', input('A', { matchKey: 'ka', changedBy: 'IMEI:1', now: 5 }));
  const b = store.putItem('bob', 'calendar', input('B', { contentType: 'text/calendar' }));
  const c = store.putItem('alice', 'notes', input('C', { contentType: 'text/plain' }));
  assert.deepEqual([a.rev, b.rev, c.rev], [1, 2, 3]);
  assert.equal(store.currentRev(), 3);
  assert.match(a.guid, /^[0-9a-z]{1,4}$/);
  assert.notEqual(a.guid, b.guid);
  assert.deepEqual({ ...store.getItem('alice', 'contacts', a.guid), data: undefined }, {
    guid: a.guid, kind: 'contacts', contentType: 'text/vcard', data: undefined, rev: 1, deleted: false, changedBy: 'IMEI:1', matchKey: 'ka', modified: 5,
  });
  assert.equal(Buffer.from(store.getItem('alice', 'contacts', a.guid)!.data).toString(), 'A');
  assert.equal(store.getItem('bob', 'contacts', a.guid), undefined, 'items are per user and kind');
  assert.equal(store.getItem('alice', 'calendar', a.guid), undefined);
});

test('GUIDs stay short: the 5,000th is three base36 digits', () => {
  const { store } = fresh();
  let last = '';
  store.transaction(() => {
    for (let i = 0; i < 5000; i++) last = store.putItem('alice', 'contacts', input(`x${i}`, { matchKey: `k${i}` })).guid;
  });
  assert.equal(last, (5000).toString(36));
  assert.equal(store.countLive('alice', 'contacts'), 5000);
  assert.equal(store.currentRev(), 5000);
});

test('the stored data is a copy: changing the caller\'s buffer later changes nothing', () => {
  const { store } = fresh();
  const buf = Buffer.from('orig');
  const r = store.putItem('alice', 'notes', input('', { data: buf }));
  buf.write('XXXX');
  assert.equal(Buffer.from(store.getItem('alice', 'notes', r.guid)!.data).toString(), 'orig');
  assert.equal(Buffer.from(r.data).toString(), 'orig');
});

test('update by guid bumps the revision; an explicit new guid is kept and never handed out again', () => {
  const { store } = fresh();
  const a = store.putItem('alice', 'contacts', input('A'));
  const a2 = store.putItem('alice', 'contacts', input('A2', { guid: a.guid, changedBy: 'dev', now: 2000 }));
  assert.equal(a2.guid, a.guid);
  assert.ok(a2.rev > a.rev);
  assert.equal(store.countLive('alice', 'contacts'), 1);
  assert.equal(store.getItem('alice', 'contacts', a.guid)?.changedBy, 'dev');
  // A caller-chosen guid that the counter will reach next ("2", "3"): the counter skips it.
  store.putItem('alice', 'contacts', input('mine', { guid: '2' }));
  store.putItem('alice', 'contacts', input('mine3', { guid: '3' }));
  const n = store.putItem('alice', 'contacts', input('next'));
  assert.ok(!['1', '2', '3'].includes(n.guid), n.guid);
  assert.equal(store.countLive('alice', 'contacts'), 4);
});

test('deleteItem leaves a tombstone with a new revision; a second delete or unknown guid is undefined; put revives', () => {
  const { store } = fresh();
  const a = store.putItem('alice', 'tasks', input('T', { matchKey: 'k' }));
  const d = store.deleteItem('alice', 'tasks', a.guid, 'IMEI:9', 3000);
  assert.ok(d !== undefined);
  assert.equal(d.deleted, true);
  assert.equal(d.rev, a.rev + 1);
  assert.equal(d.changedBy, 'IMEI:9');
  assert.equal(d.modified, 3000);
  assert.equal(store.getItem('alice', 'tasks', a.guid)?.deleted, true, 'tombstone kept');
  const rev = store.currentRev();
  assert.equal(store.deleteItem('alice', 'tasks', a.guid, null, 1), undefined);
  assert.equal(store.deleteItem('alice', 'tasks', 'nope', null, 1), undefined);
  assert.equal(store.currentRev(), rev, 'no revision spent on a no-op delete');
  assert.equal(store.countLive('alice', 'tasks'), 0);
  assert.deepEqual(store.findByMatchKey('alice', 'tasks', 'k'), [], 'tombstones do not match');
  assert.deepEqual(store.liveItems('alice', 'tasks', undefined, 10), []);
  const back = store.putItem('alice', 'tasks', input('T2', { guid: a.guid }));
  assert.equal(back.deleted, false);
  assert.equal(store.getItem('alice', 'tasks', a.guid)?.deleted, false);
  assert.equal(store.countLive('alice', 'tasks'), 1);
});

test('changesSince: oldest first, tombstones included, the excluded device\'s own changes left out', () => {
  const { store } = fresh();
  const a = store.putItem('alice', 'contacts', input('A'));
  const since = store.currentRev();
  const b = store.putItem('alice', 'contacts', input('B', { changedBy: 'phone1' }));
  const c = store.putItem('alice', 'contacts', input('C', { changedBy: 'phone2' }));
  store.putItem('bob', 'contacts', input('other user'));
  store.putItem('alice', 'calendar', input('other kind'));
  store.deleteItem('alice', 'contacts', a.guid, null, 1);
  const all = store.changesSince('alice', 'contacts', since);
  assert.deepEqual(all.map((i) => [i.guid, i.deleted]), [[b.guid, false], [c.guid, false], [a.guid, true]]);
  assert.deepEqual(store.changesSince('alice', 'contacts', since, 'phone1').map((i) => i.guid), [c.guid, a.guid], 'local (null) changes are kept');
  assert.deepEqual(store.changesSince('alice', 'contacts', store.currentRev()), []);
  assert.deepEqual(store.changesSince('alice', 'contacts', 0).map((i) => i.guid), [b.guid, c.guid, a.guid]);
});

test('liveItems pages in guid order; countLive and findByMatchKey see live items only', () => {
  const { store } = fresh();
  const guids: string[] = [];
  for (let i = 0; i < 25; i++) guids.push(store.putItem('alice', 'notes', input(`n${i}`, { matchKey: i % 2 === 0 ? 'even' : 'odd' })).guid);
  store.deleteItem('alice', 'notes', guids[4]!, null, 1);
  const seen: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = store.liveItems('alice', 'notes', after, 7);
    seen.push(...page.map((i) => i.guid));
    if (page.length < 7) break;
    after = page.at(-1)!.guid;
  }
  const expected = guids.filter((_, i) => i !== 4).sort();
  assert.deepEqual(seen, expected);
  assert.equal(store.countLive('alice', 'notes'), 24);
  assert.equal(store.findByMatchKey('alice', 'notes', 'even').length, 12);
  assert.equal(store.findByMatchKey('alice', 'notes', 'odd').length, 12);
  assert.deepEqual(store.findByMatchKey('bob', 'notes', 'odd'), []);
  assert.deepEqual([...store.exportItems('alice', 'notes', 5)].map((i) => i.guid), expected);
});

test('5,000 puts in one transaction, then changesSince with 10 changes goes through the rev index', () => {
  const { store, dir } = fresh();
  store.transaction(() => {
    for (let i = 0; i < 5000; i++) store.putItem('alice', 'contacts', input(`c${i}`, { matchKey: `k${i}`, changedBy: 'phone' }));
  });
  const base = store.currentRev();
  for (let i = 0; i < 10; i++) store.putItem('alice', 'contacts', input(`new${i}`));
  assert.equal(store.changesSince('alice', 'contacts', base, 'phone').length, 10);
  assert.equal(store.changesSince('alice', 'contacts', base).length, 10);
  const db = new Database(join(dir, DB_FILE), { readonly: true });
  try {
    for (const [sql, args] of [[CHANGES_EXCLUDING_SQL, ['alice', 'contacts', base, 'phone']], [CHANGES_SQL, ['alice', 'contacts', base]]] as const) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
      assert.match(plan, /SEARCH items USING INDEX items_rev \(user=\? AND kind=\? AND rev>\?\)/, plan);
      assert.doesNotMatch(plan, /SCAN|TEMP B-TREE/, plan);
    }
  } finally {
    db.close();
  }
});

test('purgeTombstones removes only tombstones every device of that user and kind is past', () => {
  const { store } = fresh();
  const a = store.putItem('alice', 'contacts', input('A'));
  const b = store.putItem('alice', 'contacts', input('B'));
  const c = store.putItem('alice', 'calendar', input('C'));
  const x = store.putItem('bob', 'contacts', input('X'));
  store.deleteItem('alice', 'contacts', a.guid, null, 1); // rev 5
  store.deleteItem('alice', 'calendar', c.guid, null, 1); // rev 6
  store.deleteItem('bob', 'contacts', x.guid, null, 1); // rev 7
  store.deleteItem('alice', 'contacts', b.guid, null, 1); // rev 8
  store.saveDevice({ id: 'p1', user: 'alice', devinf: null, devinfDigest: null, profile: null, lastSeen: 1 });
  store.saveDevice({ id: 'p2', user: 'alice', devinf: null, devinfDigest: null, profile: null, lastSeen: 1 });
  const ds = { kind: 'contacts' as const, uri: './contacts', clientAnchor: '1', serverAnchor: '1', lastSync: 1, lastMode: 200 };
  store.saveDeviceStore({ ...ds, device: 'p1', lastRev: 8 });
  store.saveDeviceStore({ ...ds, device: 'p2', lastRev: 6 });
  // alice/contacts: min lastRev 6 -> rev 5 goes, rev 8 stays. alice/calendar and bob/contacts: no device -> go.
  assert.equal(store.purgeTombstones(), 3);
  assert.equal(store.getItem('alice', 'contacts', a.guid), undefined);
  assert.equal(store.getItem('alice', 'contacts', b.guid)?.deleted, true);
  assert.equal(store.getItem('alice', 'calendar', c.guid), undefined);
  assert.equal(store.getItem('bob', 'contacts', x.guid), undefined);
  store.saveDeviceStore({ ...ds, device: 'p2', lastRev: 8 });
  assert.equal(store.purgeTombstones(), 1);
});

test('putItem for an unknown user fails as a StoreError 510 naming the operation', () => {
  const { store } = fresh();
  assert.throws(() => store.putItem('nobody', 'contacts', input('A')), (err: unknown) => {
    const e = err as { name: string; code: string; syncmlStatus: number; message: string; cause: unknown };
    assert.equal(e.name, 'StoreError');
    assert.equal(e.code, 'SB_ERR_STORE_CONSTRAINT');
    assert.equal(e.syncmlStatus, 510);
    assert.match(e.message, /^putItem: .*FOREIGN KEY/);
    assert.ok(e.cause instanceof Error);
    return true;
  });
  assert.equal(store.currentRev(), 0, 'the failed put spent no revision');
});
