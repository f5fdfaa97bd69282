// Devices, device datastores (anchors), LUID<->GUID maps, pending values and nonces (real SQLite).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type SqliteStore } from '../../src/store/index.js';
import type { DeviceStoreRecord } from '../../src/ds/ports.js';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
function fresh(): { store: SqliteStore; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sb-store-'));
  dirs.push(dir);
  const store = openStore(dir);
  store.addUser('alice', 'pw');
  return { store, dir };
}

const devinf = { VerDTD: '1.2', Man: 'Nokia', Mod: '6230i', DevID: 'IMEI:35', DevTyp: 'phone', DataStores: [{ SourceRef: 'C:\\Contacts.cdb' }] };

test('saveDevice inserts, then updates everything but firstSeen; DevInf comes back as JSON data', () => {
  const { store } = fresh();
  assert.equal(store.getDevice('IMEI:35'), undefined);
  store.saveDevice({ id: 'IMEI:35', user: 'alice', devinf, devinfDigest: 'd1', profile: 'nokia-s40', lastSeen: 100 });
  assert.deepEqual(store.getDevice('IMEI:35'), { id: 'IMEI:35', user: 'alice', devinf, devinfDigest: 'd1', profile: 'nokia-s40', firstSeen: 100, lastSeen: 100 });
  store.saveDevice({ id: 'IMEI:35', user: 'alice', devinf: null, devinfDigest: null, profile: null, lastSeen: 200 });
  assert.deepEqual(store.getDevice('IMEI:35'), { id: 'IMEI:35', user: 'alice', devinf: null, devinfDigest: null, profile: null, firstSeen: 100, lastSeen: 200 });
});

test('a device of an unknown user is refused (StoreError)', () => {
  const { store } = fresh();
  assert.throws(() => store.saveDevice({ id: 'x', user: 'nobody', devinf: null, devinfDigest: null, profile: null, lastSeen: 1 }), { name: 'StoreError', code: 'SB_ERR_STORE_CONSTRAINT' });
});

test('device datastores: exactly the record back; forget clears the anchors; one per device and kind', () => {
  const { store } = fresh();
  const rec: DeviceStoreRecord = { device: 'IMEI:35', kind: 'contacts', uri: './contacts', clientAnchor: '20240101T000000Z', serverAnchor: '17', lastRev: 17, lastSync: 5000, lastMode: 201 };
  assert.equal(store.getDeviceStore('IMEI:35', 'contacts'), undefined);
  store.saveDeviceStore(rec);
  assert.deepEqual(store.getDeviceStore('IMEI:35', 'contacts'), rec);
  const next = { ...rec, uri: 'Contacts', clientAnchor: '2', serverAnchor: '30', lastRev: 30, lastSync: 6000, lastMode: 200 };
  store.saveDeviceStore(next);
  assert.deepEqual(store.getDeviceStore('IMEI:35', 'contacts'), next);
  assert.equal(store.getDeviceStore('IMEI:35', 'calendar'), undefined);
  store.forgetDeviceStore('IMEI:35', 'contacts');
  assert.deepEqual(store.getDeviceStore('IMEI:35', 'contacts'), { ...next, clientAnchor: null, serverAnchor: null, lastRev: 0 });
  store.forgetDeviceStore('IMEI:35', 'tasks'); // unknown: nothing to do
  assert.equal(store.getDeviceStore('IMEI:35', 'tasks'), undefined);
});

test('maps: both directions; setMap replaces any pair with the same luid or the same guid', () => {
  const { store } = fresh();
  store.setMap('d', 'contacts', '1', 'g1');
  store.setMap('d', 'contacts', '2', 'g2');
  store.setMap('d', 'calendar', '1', 'c1');
  store.setMap('e', 'contacts', '1', 'g1');
  assert.equal(store.guidForLuid('d', 'contacts', '1'), 'g1');
  assert.equal(store.luidForGuid('d', 'contacts', 'g2'), '2');
  assert.equal(store.guidForLuid('d', 'contacts', '9'), undefined);
  // same luid, new guid
  store.setMap('d', 'contacts', '1', 'g9');
  assert.equal(store.luidForGuid('d', 'contacts', 'g1'), undefined);
  // same guid, new luid: the old luid goes
  store.setMap('d', 'contacts', '3', 'g2');
  assert.equal(store.guidForLuid('d', 'contacts', '2'), undefined);
  // luid of one pair and guid of another: both go
  store.setMap('d', 'contacts', '1', 'g2');
  assert.deepEqual(store.listMaps('d', 'contacts'), [['1', 'g2']]);
  assert.deepEqual(store.listMaps('d', 'calendar'), [['1', 'c1']]);
  assert.deepEqual(store.listMaps('e', 'contacts'), [['1', 'g1']]);
  store.deleteMapByGuid('d', 'contacts', 'g2');
  assert.deepEqual(store.listMaps('d', 'contacts'), []);
  store.clearMaps('d', 'calendar');
  assert.deepEqual(store.listMaps('d', 'calendar'), []);
  assert.deepEqual(store.listMaps('e', 'contacts'), [['1', 'g1']], 'other devices untouched');
});

test('pending values are JSON per device, kind and key; undefined deletes', () => {
  const { store } = fresh();
  assert.equal(store.getPending('d', 'contacts', 'k'), undefined);
  const v = { tempIds: { '#1': 'abcdefgh' }, n: 3, list: [1, 'two', null], flag: true };
  store.setPending('d', 'contacts', 'k', v);
  store.setPending('d', 'contacts', 'k2', 'text');
  store.setPending('d', 'notes', 'k', 0);
  assert.deepEqual(store.getPending('d', 'contacts', 'k'), v);
  assert.equal(store.getPending('d', 'contacts', 'k2'), 'text');
  assert.equal(store.getPending('d', 'notes', 'k'), 0);
  store.setPending('d', 'contacts', 'k', null);
  assert.equal(store.getPending('d', 'contacts', 'k'), null, 'null is a value');
  store.setPending('d', 'contacts', 'k', undefined);
  assert.equal(store.getPending('d', 'contacts', 'k'), undefined);
  assert.equal(store.getPending('d', 'notes', 'k'), 0);
});

test('nonces survive a reopen (kept across sessions and restarts)', () => {
  const { store, dir } = fresh();
  assert.equal(store.getNonce('d'), undefined);
  store.setNonce('d', 'MTIzNA==');
  store.setNonce('d', 'NTY3OA==');
  store.close();
  const again = openStore(dir);
  assert.equal(again.getNonce('d'), 'NTY3OA==');
  again.close();
});

test('listDevices: devices by user and id with datastores, anchors and map counts', () => {
  const { store } = fresh();
  store.addUser('bob', 'pw');
  store.saveDevice({ id: 'IMEI:2', user: 'bob', devinf: null, devinfDigest: null, profile: null, lastSeen: 10 });
  store.saveDevice({ id: 'IMEI:1', user: 'alice', devinf, devinfDigest: 'dg', profile: 'nokia', lastSeen: 20 });
  const rec: DeviceStoreRecord = { device: 'IMEI:1', kind: 'contacts', uri: './contacts', clientAnchor: 'a', serverAnchor: '5', lastRev: 5, lastSync: 20, lastMode: 200 };
  store.saveDeviceStore(rec);
  store.saveDeviceStore({ ...rec, kind: 'calendar', uri: './calendar' });
  store.setMap('IMEI:1', 'contacts', '1', 'g1');
  store.setMap('IMEI:1', 'contacts', '2', 'g2');
  const list = store.listDevices();
  assert.deepEqual(list.map((d) => d.id), ['IMEI:1', 'IMEI:2']);
  assert.deepEqual(list[0], {
    id: 'IMEI:1', user: 'alice', devinf, devinfDigest: 'dg', profile: 'nokia', firstSeen: 20, lastSeen: 20,
    datastores: [{ ...rec, kind: 'calendar', uri: './calendar', maps: 0 }, { ...rec, maps: 2 }],
  });
  assert.deepEqual(list[1]?.datastores, []);
});
