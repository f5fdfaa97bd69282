// Progress events of the engine (the kiosk page's bar): items done of items expected, from the
// client (its NumberOfChanges, or none) and to the client (our changes, message by message).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { make, type Add } from '../../src/syncml/index.js';
import type { EngineEvent } from '../../src/ds/types.js';
import { Client, commands, rig, vcard } from './helpers.js';

type Progress = Extract<EngineEvent, { type: 'progress' }>;
const progressOf = (events: readonly EngineEvent[]): Progress[] => events.filter((e): e is Progress => e.type === 'progress');
const adds = (from: number, n: number) => Array.from({ length: n }, (_, i) => make.add([make.item({ source: String(from + i), data: vcard(`Person ${from + i}`, `+49${from + i}`), meta: { Type: 'text/vcard' } })]));

test('from the client: done after each Sync, expected from NumberOfChanges; then the server side', () => {
  const r = rig();
  const enc = new TextEncoder();
  for (let i = 0; i < 3; i++) r.store.putItem('local', 'contacts', { contentType: 'text/vcard', data: enc.encode(vcard(`Server ${i}`, `+33${i}`)), matchKey: null, changedBy: null, now: 1 });
  const c = new Client(r);
  c.send([c.alert(201, undefined, 'a1')]);
  const m1 = c.send([make.sync('Contacts', './contacts', adds(1, 2), { NumberOfChanges: 5 })], { final: false });
  assert.deepEqual(progressOf(m1.events).map((p) => [p.direction, p.done, p.expected]), [['from-client', 2, 5]]);
  const m2 = c.send([make.sync('Contacts', './contacts', adds(3, 3))]);
  // The last Sync, the package complete, then our three changes: none sent yet, all sent.
  assert.deepEqual(progressOf(m2.events).map((p) => [p.direction, p.done, p.expected]), [
    ['from-client', 5, 5], ['from-client', 5, 5], ['to-client', 0, 3], ['to-client', 3, 3],
  ]);
  assert.equal((commands(m2, 'Add') as Add[]).length, 3);
  assert.ok(progressOf(m2.events).every((p) => p.kind === 'contacts'));
});

test('without NumberOfChanges the expected count is null until the package is complete', () => {
  const r = rig();
  const c = new Client(r, 'IMEI:10', '1.0', 'xml');
  c.send([c.alert(201, undefined, 'a1')]);
  const m1 = c.send([make.sync('Contacts', './contacts', adds(1, 4))], { final: false });
  assert.deepEqual(progressOf(m1.events).map((p) => [p.direction, p.done, p.expected]), [['from-client', 4, null]]);
  const m2 = c.send([make.sync('Contacts', './contacts', adds(5, 1))]);
  assert.deepEqual(progressOf(m2.events).map((p) => [p.direction, p.done, p.expected]), [
    ['from-client', 5, null], ['from-client', 5, 5], ['to-client', 0, 0], ['to-client', 0, 0],
  ]);
});

test('to the client over several messages: done grows message by message up to expected', () => {
  const r = rig();
  const enc = new TextEncoder();
  for (let i = 0; i < 60; i++) r.store.putItem('local', 'contacts', { contentType: 'text/vcard', data: enc.encode(vcard(`Server ${i}`, `+33${i}`)), matchKey: null, changedBy: null, now: 1 });
  const c = new Client(r);
  // Refresh from server (205): the client sends nothing, so no from-client progress.
  c.send([c.alert(205, undefined, 'a1')], { maxMsgSize: 4000 });
  let reply = c.send([make.sync('Contacts', './contacts', [])], { maxMsgSize: 4000 });
  const seen: Progress[] = [...progressOf(reply.events)];
  for (let guard = 0; guard < 100 && !reply.reply.SyncBody.Final; guard++) {
    const sent = [...commands(reply, 'Add'), ...commands(reply, 'Replace')];
    reply = c.send([...sent.map((a) => make.status(reply.reply.SyncHdr.MsgID, a.CmdID, a.cmd, 201)), make.alert(222, [make.item({ target: 'syncml-bridge', source: 'IMEI:1' })])], { final: false, maxMsgSize: 4000 });
    seen.push(...progressOf(reply.events));
  }
  assert.ok(seen.every((p) => p.direction === 'to-client' && p.expected === 60), JSON.stringify(seen));
  const done = seen.map((p) => p.done);
  assert.equal(done[0], 0);
  assert.equal(done.at(-1), 60);
  assert.ok(done.some((d) => d > 0 && d < 60), `intermediate progress: ${done.join(',')}`);
  assert.deepEqual(done, [...done].sort((a, b) => a - b), 'done never goes back');
});
