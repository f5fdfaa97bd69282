// Users and their secrets: scrypt for basic auth, B64(MD5(user:pw)), the encrypted clear password,
// the secret key file, the `local` user, removal with everything the user owns (real SQLite).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, DB_FILE, KEY_FILE, LOCAL_USER, userNameProblem } from '../../src/store/index.js';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-store-'));
  dirs.push(dir);
  return dir;
}
const item = { contentType: 'text/plain', data: Buffer.from('n'), matchKey: null, changedBy: null, now: 1 };

test('first open makes the directory, a 0600 database and a 0600 32-byte key, and the user local', () => {
  const dir = join(tmp(), 'nested', 'var');
  let clock = 1234;
  const store = openStore(dir, { now: () => clock++ });
  assert.equal(statSync(join(dir, DB_FILE)).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, KEY_FILE)).mode & 0o777, 0o600);
  assert.equal(readFileSync(join(dir, KEY_FILE)).length, 32);
  assert.deepEqual(store.listUsers(), [{ name: 'local', createdAt: 1234, devices: 0, items: { contacts: 0, calendar: 0, tasks: 0, notes: 0 } }]);
  const local = store.getUser(LOCAL_USER);
  assert.ok(local !== undefined);
  assert.equal(local.checkPassword(''), false);
  assert.equal(local.md5Secret, '');
  assert.equal(local.password, undefined);
  // local has its four datastores
  for (const kind of ['contacts', 'calendar', 'tasks', 'notes'] as const) store.putItem('local', kind, item);
  const key = readFileSync(join(dir, KEY_FILE));
  store.close();
  const again = openStore(dir, { now: () => 99 });
  assert.deepEqual(readFileSync(join(dir, KEY_FILE)), key, 'the key is made once');
  assert.equal(again.listUsers()[0]?.createdAt, 1234, 'local is not made again');
  again.close();
});

test('addUser: scrypt check, the MD5 secret B64(MD5(user:password)), the password recoverable with the key', () => {
  const dir = tmp();
  const store = openStore(dir);
  store.addUser('Alice', 'sécret pw');
  const u = store.getUser('Alice');
  assert.ok(u !== undefined);
  assert.equal(u.name, 'Alice');
  assert.equal(u.checkPassword('sécret pw'), true);
  assert.equal(u.checkPassword('secret pw'), false);
  assert.equal(u.checkPassword(''), false);
  assert.equal(u.md5Secret, createHash('md5').update('Alice:sécret pw', 'utf8').digest('base64'));
  assert.equal(u.password, 'sécret pw');
  assert.equal(store.getUser('alice'), undefined, 'names are case-sensitive');
  store.addUser('alice', 'other');
  assert.equal(store.getUser('alice')?.password, 'other');
  // the clear password is in neither the WAL nor (after the checkpoint at close) the database file
  assert.equal(readFileSync(join(dir, DB_FILE) + '-wal').includes(Buffer.from('sécret pw')), false);
  store.close();
  assert.equal(readFileSync(join(dir, DB_FILE)).includes(Buffer.from('sécret pw')), false);
});

test('with another secret key the password is not recoverable; basic and MD5 1.1 still work', () => {
  const dir = tmp();
  openStore(dir).addUser('alice', 'pw');
  writeFileSync(join(dir, KEY_FILE), Buffer.alloc(32, 7));
  const store = openStore(dir);
  const u = store.getUser('alice');
  assert.equal(u?.password, undefined);
  assert.equal(u?.checkPassword('pw'), true);
  assert.equal(u?.md5Secret, createHash('md5').update('alice:pw').digest('base64'));
  store.close();
});

test('a damaged key file is a StoreError SB_ERR_STORE_KEY', () => {
  const dir = tmp();
  openStore(dir).close();
  writeFileSync(join(dir, KEY_FILE), 'short');
  assert.throws(() => openStore(dir), { name: 'StoreError', code: 'SB_ERR_STORE_KEY' });
});

test('addUser refuses a taken name, a bad name and an empty password', () => {
  const store = openStore(tmp());
  store.addUser('bob', 'pw');
  assert.throws(() => store.addUser('bob', 'x'), { name: 'StoreError', code: 'SB_ERR_USER_EXISTS', message: "user 'bob' already exists" });
  assert.throws(() => store.addUser('local', 'x'), { code: 'SB_ERR_USER_EXISTS' });
  for (const bad of ['', 'a:b', 'tab\there', ' lead', 'x'.repeat(65)]) {
    assert.throws(() => store.addUser(bad, 'pw'), { code: 'SB_ERR_USER_NAME' }, JSON.stringify(bad));
    assert.notEqual(userNameProblem(bad), undefined);
  }
  assert.equal(userNameProblem('Jörg Müller'), undefined);
  assert.throws(() => store.addUser('carol', ''), { code: 'SB_ERR_USER_PASSWORD' });
  assert.equal(store.hasUser('carol'), false);
  assert.equal(store.getUser('bob')?.checkPassword('pw'), true, 'the failed add changed nothing');
  store.close();
});

test('removeUser takes the items, devices, device datastores, maps, pending values and nonces; local stays', () => {
  const store = openStore(tmp());
  store.addUser('alice', 'pw');
  store.addUser('bob', 'pw');
  for (const user of ['alice', 'bob']) {
    store.putItem(user, 'contacts', item);
    store.putItem(user, 'notes', item);
    const dev = `dev-${user}`;
    store.saveDevice({ id: dev, user, devinf: null, devinfDigest: null, profile: null, lastSeen: 1 });
    store.saveDeviceStore({ device: dev, kind: 'contacts', uri: 'c', clientAnchor: '1', serverAnchor: '1', lastRev: 1, lastSync: 1, lastMode: 200 });
    store.setMap(dev, 'contacts', '1', 'g');
    store.setPending(dev, 'contacts', 'k', 1);
    store.setNonce(dev, 'n');
  }
  assert.deepEqual(store.listUsers().map((u) => [u.name, u.devices, u.items.contacts, u.items.notes]), [['alice', 1, 1, 1], ['bob', 1, 1, 1], ['local', 0, 0, 0]]);
  store.removeUser('alice');
  assert.equal(store.getUser('alice'), undefined);
  assert.equal(store.getDevice('dev-alice'), undefined);
  assert.equal(store.getDeviceStore('dev-alice', 'contacts'), undefined);
  assert.deepEqual(store.listMaps('dev-alice', 'contacts'), []);
  assert.equal(store.getPending('dev-alice', 'contacts', 'k'), undefined);
  assert.equal(store.getNonce('dev-alice'), undefined);
  assert.equal(store.countLive('alice', 'contacts'), 0);
  assert.equal(store.changesSince('alice', 'contacts', 0).length, 0);
  // bob untouched
  assert.equal(store.countLive('bob', 'contacts'), 1);
  assert.deepEqual(store.listMaps('dev-bob', 'contacts'), [['1', 'g']]);
  assert.equal(store.getNonce('dev-bob'), 'n');
  assert.throws(() => store.removeUser('alice'), { name: 'StoreError', code: 'SB_ERR_USER_UNKNOWN' });
  assert.throws(() => store.removeUser('local'), { name: 'StoreError', code: 'SB_ERR_USER_PROTECTED' });
  // a re-added alice starts empty
  store.addUser('alice', 'new');
  assert.equal(store.countLive('alice', 'contacts'), 0);
  store.close();
});
