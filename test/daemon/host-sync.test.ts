// The SANs a host-initiated sync sends, per device profile (pure): identifier, datastore names,
// sync type, content types, and which SAN forms (1.2 binary, then 1.1; 1.1 alone for 1.1 phones).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSan, SAN_CONTENT_TYPE, SYNCML_CONTENT_TYPE } from '../../src/obex/index.js';
import { decodeMessage } from '../../src/syncml/index.js';
import { legacySanFromMessage } from '../../src/syncml/san-legacy.js';
import { loadProfiles } from '../../src/quirks/index.js';
import { buildSans, sanDatastores, summaryLines } from '../../src/daemon/host-sync.js';
import { resolveProfileName, syncKinds } from '../../src/daemon/sync-cmd.js';

const set = loadProfiles();
const profile = (name: string) => set.resolve(resolveProfileName(set, name));

test('profile names as users write them: family, model without order prefixes, full names; unknown ones listed', () => {
  assert.equal(resolveProfileName(set, 'nokia'), 'nokia/00-family');
  assert.equal(resolveProfileName(set, 'sonyericsson/k750'), 'sonyericsson/10-k750');
  assert.equal(resolveProfileName(set, 'generic'), '10-generic');
  assert.equal(resolveProfileName(set, 'sonyericsson/10-k750'), 'sonyericsson/10-k750');
  assert.throws(() => resolveProfileName(set, 'palm'), /unknown profile 'palm' \(.*sonyericsson\/k750/);
});

test('Nokia: a 1.2 SAN from "PC Suite" for Contacts, Calendar (which holds the tasks) and Notes, and the 1.1 form to fall back to', () => {
  const p = profile('nokia');
  const kinds = syncKinds(p, undefined);
  assert.deepEqual(kinds, ['contacts', 'calendar', 'notes']);
  const sans = buildSans(p, kinds, 'two-way', 4242);
  const san = decodeSan(sans.binary!);
  assert.equal(san.version, 12);
  assert.equal(san.serverId, 'PC Suite');
  assert.equal(san.sessionId, 4242);
  assert.deepEqual(san.syncs.map((s) => [s.serverUri, s.syncType, s.contentType]), [
    ['Contacts', 206, SAN_CONTENT_TYPE.TEXT_X_VCARD], ['Calendar', 206, SAN_CONTENT_TYPE.TEXT_X_VCALENDAR], ['Notes', 206, SAN_CONTENT_TYPE.TEXT_PLAIN],
  ]);
  assert.equal(sans.getType, SYNCML_CONTENT_TYPE.WBXML);
  const legacy = legacySanFromMessage(decodeMessage(sans.legacy).message);
  assert.deepEqual(legacy?.syncs.map((s) => s.serverUri), ['Contacts', 'Calendar', 'Notes']);
  assert.equal(legacy?.version, '1.1');
  // tasks asked for explicitly go into the calendar store: one SAN entry
  assert.deepEqual(sanDatastores(p, ['calendar', 'tasks']), [{ kind: 'calendar', uri: 'Calendar' }]);
});

test('Sony Ericsson K750 (DS 1.1 only): the legacy SAN alone, with the singular store names; modes map to 206..210', () => {
  const p = profile('sonyericsson/k750');
  for (const [mode, code] of [['two-way', 206], ['slow', 206], ['one-way-from-client', 207], ['refresh-from-client', 208], ['one-way-from-server', 209], ['refresh-from-server', 210]] as const) {
    const sans = buildSans(p, ['contacts', 'calendar'], mode, 7);
    assert.equal(sans.binary, undefined);
    const legacy = legacySanFromMessage(decodeMessage(sans.legacy).message);
    assert.deepEqual(legacy?.syncs.map((s) => [s.serverUri, s.alert, s.contentType]), [['Contact', code, 'text/x-vcard'], ['Calendar', code, 'text/x-vcalendar']], mode);
    assert.equal(legacy?.serverId, 'PC Suite');
  }
  const noNotes = { ...p, datastores: { ...p.datastores, notes: null } };
  assert.throws(() => syncKinds(noNotes, ['notes']), /profile sonyericsson\/10-k750 has no notes datastore/);
  assert.deepEqual(syncKinds(profile('nokia'), ['tasks']), ['tasks'], 'Nokia tasks: through its calendar store');
});

test('summary lines: counts both ways, failures and conflicts only when there are some', () => {
  const lines = summaryLines({
    ok: true, device: 'd', messages: 3, san: '1.2', error: undefined, backups: [],
    datastores: [
      { kind: 'contacts', uri: 'Contact', mode: 'two-way', requested: 200, alerted: 200, fromClient: { added: 2, updated: 1, deleted: 1, failed: 0 }, toClient: { added: 1, updated: 0, deleted: 0, failed: 0 }, conflicts: 0, expected: 1 },
      { kind: 'calendar', uri: 'Calendar', mode: 'slow', requested: 200, alerted: 201, fromClient: { added: 5, updated: 0, deleted: 0, failed: 1 }, toClient: { added: 0, updated: 0, deleted: 0, failed: 2 }, conflicts: 1, expected: 0 },
    ],
  });
  assert.deepEqual(lines, [
    'contacts (Contact) two-way: phone -> bridge +2 ~1 -1, bridge -> phone +1 ~0 -0',
    'calendar (Calendar) slow: phone -> bridge +5 ~0 -0, bridge -> phone +0 ~0 -0, failed 1 from phone, 2 to phone, 1 conflict',
  ]);
});
