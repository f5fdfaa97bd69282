// import: parse everything first, one transaction, match-key + same() updates instead of
// duplicates. Logic tested here with a small stand-in handler on a real SQLite store; the CLI with
// the real content handlers is tested in import-export-cli.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importItems, parseImport } from '../../src/daemon/import-cmd.js';
import { openMemoryStore } from '../../src/store/index.js';
import { SyncmlError } from '../../src/errors.js';
import type { ContentHandler, NormalisedItem } from '../../src/ds/ports.js';

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

/** Notes as "title\nbody"; objects separated by lines "---"; "BAD" does not parse. */
const handler: ContentHandler = {
  kind: 'notes',
  formats: [{ type: 'text/plain', version: '1.0' }],
  ctcap: () => [],
  normalise(data) {
    const t = text(data);
    if (t.includes('BAD')) throw new SyncmlError(`cannot parse '${t}'`, 'SB_ERR_TEST');
    const title = t.split('\n')[0] ?? '';
    return { contentType: 'text/plain', data: Buffer.from(t), matchKey: title === '' ? null : title.toLowerCase(), label: title };
  },
  merge: (_stored, incoming) => incoming,
  same: (a, b) => text(a).split('\n')[0] === text(b).split('\n')[0],
  render: (item) => ({ contentType: 'text/plain', data: item.data }),
  fields: (item) => ({ text: text(item.data) }),
  split: (file) => text(file).split('\n---\n').map((t) => ({ data: Buffer.from(t), type: 'text/plain' })),
};
const file = (...notes: string[]): Uint8Array => Buffer.from(notes.join('\n---\n'));

test('new objects are added as local changes in one go', () => {
  const store = openMemoryStore();
  store.addUser('u', 'pw');
  const items = parseImport(handler, file('Shopping\nmilk', 'Ideas\nmore', 'Ideas\nmore'));
  const counts = importItems(store, handler, 'u', 'notes', items, 1234);
  assert.deepEqual(counts, { added: 2, updated: 0, unchanged: 1 }, 'a repeat inside the file is not a duplicate');
  const live = store.liveItems('u', 'notes', undefined, 10);
  assert.deepEqual(live.map((i) => [text(i.data), i.changedBy, i.modified, i.matchKey]).sort(), [['Ideas\nmore', null, 1234, 'ideas'], ['Shopping\nmilk', null, 1234, 'shopping']]);
});

test('an object matching a live item (key and same()) updates it; identical ones are left alone', () => {
  const store = openMemoryStore();
  store.addUser('u', 'pw');
  importItems(store, handler, 'u', 'notes', parseImport(handler, file('Shopping\nmilk', 'Ideas\nmore')), 1);
  const before = store.findByMatchKey('u', 'notes', 'shopping')[0]!;
  const rev = store.currentRev();
  const counts = importItems(store, handler, 'u', 'notes', parseImport(handler, file('Shopping\nmilk, eggs', 'Ideas\nmore', 'New\none')), 2);
  assert.deepEqual(counts, { added: 1, updated: 1, unchanged: 1 });
  const after = store.getItem('u', 'notes', before.guid)!;
  assert.equal(text(after.data), 'Shopping\nmilk, eggs');
  assert.ok(after.rev > rev);
  assert.equal(store.countLive('u', 'notes'), 3);
  assert.equal(store.changesSince('u', 'notes', rev).length, 2, 'the unchanged item got no new revision');
});

test('a tombstone is not a match: the object comes back as a new item', () => {
  const store = openMemoryStore();
  store.addUser('u', 'pw');
  importItems(store, handler, 'u', 'notes', parseImport(handler, file('Gone\nx')), 1);
  const gone = store.findByMatchKey('u', 'notes', 'gone')[0]!;
  store.deleteItem('u', 'notes', gone.guid, 'phone', 2);
  assert.deepEqual(importItems(store, handler, 'u', 'notes', parseImport(handler, file('Gone\nx')), 3), { added: 1, updated: 0, unchanged: 0 });
});

test('a bad object: the error names it and the others, nothing is parsed into the store', () => {
  assert.throws(() => parseImport(handler, file('ok', 'BAD one', 'fine', 'BAD two')), (e: unknown) => {
    const err = e as { code: string; message: string };
    assert.equal(err.code, 'SB_ERR_IMPORT');
    assert.equal(err.message, "item 2 of 4: cannot parse 'BAD one' (and 1 more bad item); nothing imported");
    return true;
  });
});

test('a failure while writing rolls the whole import back', () => {
  const store = openMemoryStore();
  store.addUser('u', 'pw');
  const items: NormalisedItem[] = parseImport(handler, file('One\n1', 'Two\n2'));
  const failing: ContentHandler = { ...handler, same: () => { throw new Error('same() failed'); } };
  importItems(store, handler, 'u', 'notes', [items[0]!], 1);
  assert.throws(() => importItems(store, failing, 'u', 'notes', [items[1]!, items[0]!], 2), /same\(\) failed/);
  assert.equal(store.countLive('u', 'notes'), 1, '"Two" was rolled back');
});
