// `devices [--json]` through the real executable, on a store seeded in-process.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin } from '../helpers/cli.js';
import { openStore } from '../../src/store/index.js';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-cli-'));
  dirs.push(dir);
  return dir;
}

const T1 = Date.UTC(2024, 0, 2, 3, 4, 5);
const T2 = Date.UTC(2024, 5, 6, 7, 8, 9);

function seed(dir: string): ReturnType<typeof openStore> {
  const store = openStore(dir);
  store.addUser('alice', 'pw');
  store.saveDevice({ id: 'IMEI:350000000000001', user: 'alice', devinf: { VerDTD: '1.1', Man: 'NOKIA', Mod: '6230i', DevID: 'IMEI:350000000000001', DevTyp: 'phone' }, devinfDigest: 'abc', profile: 'nokia-s40', lastSeen: T1 });
  store.saveDevice({ id: 'IMEI:350000000000001', user: 'alice', devinf: { VerDTD: '1.1', Man: 'NOKIA', Mod: '6230i', DevID: 'IMEI:350000000000001', DevTyp: 'phone' }, devinfDigest: 'abc', profile: 'nokia-s40', lastSeen: T2 });
  store.saveDeviceStore({ device: 'IMEI:350000000000001', kind: 'contacts', uri: 'Contacts', clientAnchor: '20240606T070809Z', serverAnchor: '42', lastRev: 42, lastSync: T2, lastMode: 201 });
  store.saveDeviceStore({ device: 'IMEI:350000000000001', kind: 'calendar', uri: './Calendar', clientAnchor: null, serverAnchor: null, lastRev: 0, lastSync: null, lastMode: null });
  store.setMap('IMEI:350000000000001', 'contacts', '1', 'a');
  store.setMap('IMEI:350000000000001', 'contacts', '2', 'b');
  store.saveDevice({ id: 'sc-pim-1234', user: 'local', devinf: null, devinfDigest: null, profile: null, lastSeen: T1 });
  return store;
}

test('devices --json: stable fields, anchors included, devices by user then id', () => {
  const dir = tmp();
  const serve = seed(dir); // stays open, as `serve` would
  const r = runBin(['devices', '--json', '--data-dir', dir]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.toString()), [
    {
      id: 'IMEI:350000000000001', user: 'alice', manufacturer: 'NOKIA', model: '6230i', profile: 'nokia-s40', devinfDigest: 'abc',
      firstSeen: '2024-01-02T03:04:05.000Z', lastSeen: '2024-06-06T07:08:09.000Z',
      datastores: [
        { kind: 'calendar', uri: './Calendar', clientAnchor: null, serverAnchor: null, lastRev: 0, lastSync: null, lastMode: null, maps: 0 },
        { kind: 'contacts', uri: 'Contacts', clientAnchor: '20240606T070809Z', serverAnchor: '42', lastRev: 42, lastSync: '2024-06-06T07:08:09.000Z', lastMode: 201, maps: 2 },
      ],
    },
    { id: 'sc-pim-1234', user: 'local', manufacturer: null, model: null, profile: null, devinfDigest: null, firstSeen: '2024-01-02T03:04:05.000Z', lastSeen: '2024-01-02T03:04:05.000Z', datastores: [] },
  ]);
  serve.close();
});

test('devices: a readable table per device with its datastores', () => {
  const dir = tmp();
  seed(dir).close();
  const r = runBin(['devices', '--data-dir', dir]);
  assert.equal(r.status, 0, r.stderr);
  const text = r.stdout.toString();
  const lines = text.split('\n');
  assert.match(lines[0]!, /^DEVICE +USER +MODEL +PROFILE +FIRST SEEN +LAST SEEN$/);
  assert.match(lines[1]!, /^IMEI:350000000000001 +alice +NOKIA 6230i +nokia-s40 +2024-01-02 03:04:05Z +2024-06-06 07:08:09Z$/);
  assert.match(lines[2]!, /^ {2}DATASTORE +URI +LAST SYNC +MODE +CLIENT ANCHOR +SERVER ANCHOR +REV +MAPS$/);
  assert.match(lines[3]!, /^ {2}calendar +\.\/Calendar +- +- +- +- +0 +0$/);
  assert.match(lines[4]!, /^ {2}contacts +Contacts +2024-06-06 07:08:09Z +201 slow-sync +20240606T070809Z +42 +42 +2$/);
  // columns line up
  assert.equal(lines[2]!.indexOf('URI'), lines[4]!.indexOf('Contacts'));
  assert.match(text, /sc-pim-1234 +local +- +- .*\n {2}\(no completed sync yet\)\n/);
});

test('devices on a new data directory: none yet', () => {
  const r = runBin(['devices', '--data-dir', tmp()]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.toString(), 'no devices yet\n');
  const j = runBin(['devices', '--json', '--data-dir', tmp()]);
  assert.deepEqual(JSON.parse(j.stdout.toString()), []);
});
