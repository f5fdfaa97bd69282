// The DS 1.0/1.1 legacy SAN: build, encode to the annotated fixtures, decode, recognise by content.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeMessage, encodeMessage, type SyncMLMessage } from '../../src/syncml/index.js';
import { SAN_LEGACY_ERR_VALUE, legacySanFromMessage, legacySanMessage, type LegacySan } from '../../src/syncml/san-legacy.js';
import { loadHex } from '../helpers/hex.js';

const FIX = new URL('../fixtures/syncml/', import.meta.url);
const SAN11: LegacySan = {
  version: '1.1', sessionId: '1', serverId: 'PC Suite',
  syncs: [{ alert: 206, serverUri: 'Contacts', contentType: 'text/x-vcard' }, { alert: 206, serverUri: 'Calendar', contentType: 'text/x-vcalendar' }],
};
const SAN10: LegacySan = {
  version: '1.0', sessionId: '42', serverId: 'PC Suite',
  syncs: [{ alert: 210, serverUri: 'Notes', contentType: 'text/plain' }, { alert: 206, serverUri: 'Contacts' }],
};

test('1.1 SAN encodes to the annotated WBXML fixture and decodes back', () => {
  const bytes = loadHex(new URL('san-legacy-11.wbxml.hex', FIX));
  const msg = legacySanMessage(SAN11);
  assert.deepEqual(encodeMessage(msg, 'wbxml'), bytes);
  const back = decodeMessage(bytes, { contentType: 'application/vnd.syncml+wbxml' }).message;
  assert.deepEqual(legacySanFromMessage(back), SAN11);
  // shape the spec asks for: MsgID 1, Target "/", one Alert CmdID 1 with Items, Final
  assert.equal(msg.SyncHdr.MsgID, '1');
  assert.equal(msg.SyncHdr.Target.LocURI, '/');
  assert.equal(msg.SyncHdr.VerProto, 'SyncML/1.1');
  assert.equal(msg.SyncBody.commands.length, 1);
  assert.equal(msg.SyncBody.commands[0]!.CmdID, '1');
  assert.equal(msg.SyncBody.Final, true);
});

test('the WBXML fixture reads as the same SAN through libwbxml (wbxml2xml)', (t) => {
  let tool = '';
  try { tool = execFileSync('sh', ['-c', 'command -v wbxml2xml'], { encoding: 'utf8' }).trim(); } catch { /* below */ }
  assert.ok(tool !== '', 'wbxml2xml missing: install the Debian package libwbxml2-utils');
  const dir = mkdtempSync(join(tmpdir(), 'san-legacy-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'in.wbxml'), loadHex(new URL('san-legacy-11.wbxml.hex', FIX)));
  execFileSync(tool, ['-o', join(dir, 'out.xml'), join(dir, 'in.wbxml')], { stdio: 'pipe' });
  const xml = readFileSync(join(dir, 'out.xml'));
  const msg = decodeMessage(new Uint8Array(xml), { contentType: 'application/vnd.syncml+xml' }).message;
  assert.deepEqual(legacySanFromMessage(msg), SAN11);
});

test('1.0 XML fixture (two alert codes) decodes to the SAN, and the SAN round-trips both encodings', () => {
  const xml = new Uint8Array(readFileSync(new URL('san-legacy-10.xml', FIX)));
  const fromFixture = legacySanFromMessage(decodeMessage(xml).message);
  assert.deepEqual(fromFixture, SAN10);
  const msg = legacySanMessage(SAN10);
  assert.deepEqual(msg.SyncBody.commands.map((c) => [c.cmd, c.CmdID]), [['Alert', '1'], ['Alert', '2']]);
  for (const enc of ['xml', 'wbxml'] as const) {
    assert.deepEqual(legacySanFromMessage(decodeMessage(encodeMessage(msg, enc)).message), SAN10, enc);
  }
});

test('a client pkg1 and other messages are not taken for a SAN', () => {
  const san = legacySanMessage(SAN11);
  const alert = san.SyncBody.commands[0]!;
  assert.ok(alert.cmd === 'Alert');
  const variants: Array<[string, SyncMLMessage]> = [
    ['client pkg1 alert (Target + Source + Anchor)', { ...san, SyncBody: { ...san.SyncBody, commands: [{ ...alert, Data: 200, Item: [{ Target: { LocURI: 'Contacts' }, Source: { LocURI: './contacts' }, Meta: { Anchor: { Next: '1' } } }] }] } }],
    ['item with a Target', { ...san, SyncBody: { ...san.SyncBody, commands: [{ ...alert, Item: [{ Target: { LocURI: 'x' }, Source: { LocURI: 'y' } }] }] } }],
    ['alert code 200', { ...san, SyncBody: { ...san.SyncBody, commands: [{ ...alert, Data: 200 }] } }],
    ['alert without items', { ...san, SyncBody: { ...san.SyncBody, commands: [{ cmd: 'Alert', CmdID: '1', Data: 206 }] } }],
    ['MsgID 2', { ...san, SyncHdr: { ...san.SyncHdr, MsgID: '2' } }],
    ['empty body', { ...san, SyncBody: { commands: [] } }],
    ['a Put besides the Alert', { ...san, SyncBody: { ...san.SyncBody, commands: [alert, { cmd: 'Put', CmdID: '2', Item: [] }] } }],
  ];
  assert.ok(legacySanFromMessage(san) !== undefined, 'the unmodified SAN is recognised');
  for (const [name, m] of variants) assert.equal(legacySanFromMessage(m), undefined, name);
});

test('building rejects what a SAN cannot carry', () => {
  const bad: Array<[string, LegacySan]> = [
    ['no syncs', { ...SAN11, syncs: [] }],
    ['alert 205', { ...SAN11, syncs: [{ alert: 205, serverUri: 'Contacts' }] }],
    ['alert 211', { ...SAN11, syncs: [{ alert: 211, serverUri: 'Contacts' }] }],
    ['empty uri', { ...SAN11, syncs: [{ alert: 206, serverUri: '' }] }],
    ['empty session', { ...SAN11, sessionId: '' }],
  ];
  for (const [name, s] of bad) assert.throws(() => legacySanMessage(s), (e: Error & { code?: string }) => e.code === SAN_LEGACY_ERR_VALUE, name);
});
