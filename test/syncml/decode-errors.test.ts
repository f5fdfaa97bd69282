/**
 * Validation errors, table-driven: an input tree -> the expected error code and SyncML status
 * (and CmdID where the command is known). Next to them, the liberal cases real peers need.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { el, type XElement, type XDocument, type XNode, opaque } from '../../src/util/tree.js';
import { SyncmlError } from '../../src/errors.js';
import { SyncmlModelError, messageFromTree, type SyncmlVersion } from '../../src/syncml/index.js';

const s = (name: string, kids: Array<XNode | string> = []): XElement => el(name, 'syncml', kids);
const m = (name: string, kids: Array<XElement | string> = []): XElement => el(name, 'metinf', kids);
const loc = (name: string, uri: string): XElement => s(name, [s('LocURI', [uri])]);

function hdr(over: { VerDTD?: string; VerProto?: string; drop?: string } = {}): XElement {
  const kids = [
    s('VerDTD', [over.VerDTD ?? '1.2']), s('VerProto', [over.VerProto ?? 'SyncML/1.2']), s('SessionID', ['1']),
    s('MsgID', ['1']), loc('Target', 'server'), loc('Source', 'IMEI:1'),
  ];
  return s('SyncHdr', kids.filter((k) => k.name !== over.drop));
}

function doc(body: XElement[], header = hdr(), version: SyncmlVersion = '1.2'): XDocument {
  return { language: { kind: 'syncml', version }, root: s('SyncML', [header, s('SyncBody', body)]) };
}

const statusEl = (drop?: string, extra: XElement[] = []): XElement => s('Status', [
  s('CmdID', ['5']), s('MsgRef', ['1']), s('CmdRef', ['0']), s('Cmd', ['SyncHdr']), s('Data', ['200']), ...extra,
].filter((k) => k.name !== drop));

interface Case {
  readonly name: string;
  readonly doc: XDocument;
  readonly code: string;
  readonly status: number;
  readonly cmdId?: string;
}

const CASES: Case[] = [
  { name: 'root is not SyncML', doc: { language: { kind: 'syncml', version: '1.2' }, root: s('SyncHdr') }, code: 'SB_ERR_SYNCML_NOT_SYNCML', status: 400 },
  { name: 'no SyncHdr', doc: { language: { kind: 'syncml', version: '1.2' }, root: s('SyncML', [s('SyncBody')]) }, code: 'SB_ERR_SYNCML_MISSING_ELEMENT', status: 412 },
  { name: 'no SyncBody', doc: { language: { kind: 'syncml', version: '1.2' }, root: s('SyncML', [hdr()]) }, code: 'SB_ERR_SYNCML_MISSING_ELEMENT', status: 412 },
  { name: 'VerDTD 2.0', doc: doc([], hdr({ VerDTD: '2.0' })), code: 'SB_ERR_SYNCML_VERDTD', status: 505 },
  { name: 'VerProto SyncML/2.0', doc: doc([], hdr({ VerProto: 'SyncML/2.0' })), code: 'SB_ERR_SYNCML_VERPROTO', status: 513 },
  { name: 'VerProto DM/1.2', doc: doc([], hdr({ VerProto: 'DM/1.2' })), code: 'SB_ERR_SYNCML_VERPROTO', status: 513 },
  ...['VerDTD', 'VerProto', 'SessionID', 'MsgID', 'Target', 'Source'].map((drop): Case => ({
    name: `SyncHdr without ${drop}`, doc: doc([], hdr({ drop })), code: 'SB_ERR_SYNCML_MISSING_ELEMENT', status: 412, cmdId: '0',
  })),
  { name: 'Target without LocURI', doc: doc([], s('SyncHdr', [...hdr().children.filter((c): c is XElement => c.kind === 'element' && c.name !== 'Target'), s('Target')])), code: 'SB_ERR_SYNCML_MISSING_ELEMENT', status: 412 },
  { name: 'Alert without CmdID', doc: doc([s('Alert', [s('Data', ['200'])])]), code: 'SB_ERR_SYNCML_MISSING_ELEMENT', status: 412 },
  ...['MsgRef', 'CmdRef', 'Cmd', 'Data', 'CmdID'].map((drop): Case => ({
    name: `Status without ${drop}`, doc: doc([statusEl(drop)]), code: 'SB_ERR_SYNCML_MISSING_ELEMENT', status: 412, ...(drop === 'CmdID' ? {} : { cmdId: '5' }),
  })),
  { name: 'Add without Item', doc: doc([s('Add', [s('CmdID', ['3'])])]), code: 'SB_ERR_SYNCML_MISSING_ELEMENT', status: 412, cmdId: '3' },
  { name: 'Map without MapItem', doc: doc([s('Map', [s('CmdID', ['4']), loc('Target', 'a'), loc('Source', 'b')])]), code: 'SB_ERR_SYNCML_MISSING_ELEMENT', status: 412, cmdId: '4' },
  { name: 'Exec without Item', doc: doc([s('Exec', [s('CmdID', ['4'])])]), code: 'SB_ERR_SYNCML_MISSING_ELEMENT', status: 412, cmdId: '4' },
  { name: 'Search without Meta', doc: doc([s('Search', [s('CmdID', ['4']), loc('Source', 'x'), s('Data', ['q'])])]), code: 'SB_ERR_SYNCML_MISSING_ELEMENT', status: 412, cmdId: '4' },
  { name: 'Results without CmdRef', doc: doc([s('Results', [s('CmdID', ['4']), s('Item')])]), code: 'SB_ERR_SYNCML_MISSING_ELEMENT', status: 412, cmdId: '4' },
  { name: 'Anchor without Next', doc: doc([s('Alert', [s('CmdID', ['2']), s('Data', ['200']), s('Item', [s('Meta', [m('Anchor', [m('Last', ['1'])])])])])]), code: 'SB_ERR_SYNCML_MISSING_ELEMENT', status: 412, cmdId: '2' },
  { name: 'unknown command in SyncBody', doc: doc([s('Frobnicate', [s('CmdID', ['1'])])]), code: 'SB_ERR_SYNCML_UNKNOWN_COMMAND', status: 400 },
  { name: 'Item directly in Sync', doc: doc([s('Sync', [s('CmdID', ['1']), s('Item')])]), code: 'SB_ERR_SYNCML_UNEXPECTED_ELEMENT', status: 400, cmdId: '1' },
  { name: 'Status inside Sync', doc: doc([s('Sync', [s('CmdID', ['1']), statusEl()])]), code: 'SB_ERR_SYNCML_COMMAND_CONTEXT', status: 400, cmdId: '1' },
  { name: 'Put inside Atomic', doc: doc([s('Atomic', [s('CmdID', ['1']), s('Put', [s('CmdID', ['2']), s('Item')])])]), code: 'SB_ERR_SYNCML_COMMAND_CONTEXT', status: 400, cmdId: '1' },
  { name: 'Sequence inside Sequence', doc: doc([s('Sequence', [s('CmdID', ['1']), s('Sequence', [s('CmdID', ['2']), s('Add', [s('CmdID', ['3']), s('Item')])])])]), code: 'SB_ERR_SYNCML_COMMAND_CONTEXT', status: 400, cmdId: '1' },
  { name: 'unexpected element in Alert', doc: doc([s('Alert', [s('CmdID', ['6']), s('LocURI', ['x'])])]), code: 'SB_ERR_SYNCML_UNEXPECTED_ELEMENT', status: 400, cmdId: '6' },
  { name: 'CmdID twice', doc: doc([s('Alert', [s('CmdID', ['6']), s('CmdID', ['7'])])]), code: 'SB_ERR_SYNCML_UNEXPECTED_ELEMENT', status: 400, cmdId: '6' },
  { name: 'Alert code not a number', doc: doc([s('Alert', [s('CmdID', ['6']), s('Data', ['two-way'])])]), code: 'SB_ERR_SYNCML_BAD_NUMBER', status: 400, cmdId: '6' },
  { name: 'Status code not a number', doc: doc([s('Status', [s('CmdID', ['5']), s('MsgRef', ['1']), s('CmdRef', ['0']), s('Cmd', ['SyncHdr']), s('Data', ['2x0'])])]), code: 'SB_ERR_SYNCML_BAD_NUMBER', status: 400, cmdId: '5' },
  { name: 'negative NumberOfChanges', doc: doc([s('Sync', [s('CmdID', ['8']), s('NumberOfChanges', ['-1'])])]), code: 'SB_ERR_SYNCML_BAD_NUMBER', status: 400, cmdId: '8' },
  { name: 'MaxMsgSize not a number', doc: doc([], s('SyncHdr', [...hdr().children as XElement[], s('Meta', [m('MaxMsgSize', ['big'])])])), code: 'SB_ERR_SYNCML_BAD_NUMBER', status: 400 },
  { name: 'Meta Size not a number', doc: doc([s('Add', [s('CmdID', ['9']), s('Meta', [m('Size', ['1.5'])]), s('Item')])]), code: 'SB_ERR_SYNCML_BAD_NUMBER', status: 400, cmdId: '9' },
  { name: 'Move in SyncML 1.1', doc: doc([s('Move', [s('CmdID', ['2']), s('Item')])], hdr({ VerDTD: '1.1', VerProto: 'SyncML/1.1' }), '1.1'), code: 'SB_ERR_SYNCML_UNSUPPORTED_FEATURE', status: 406, cmdId: '2' },
  { name: 'DevInf without DevID in a Put', doc: doc([s('Put', [s('CmdID', ['3']), s('Item', [s('Data', [el('DevInf', 'devinf', [el('VerDTD', 'devinf', ['1.2'])])])])])]), code: 'SB_ERR_SYNCML_DEVINF', status: 412, cmdId: '3' },
  { name: 'Data with a foreign element', doc: doc([s('Add', [s('CmdID', ['2']), s('Item', [s('Data', [s('Item')])])])]), code: 'SB_ERR_SYNCML_UNEXPECTED_ELEMENT', status: 400, cmdId: '2' },
];

for (const c of CASES) {
  test(`rejects: ${c.name} -> ${c.status}`, () => {
    assert.throws(() => messageFromTree(c.doc), (e: unknown) => {
      assert.ok(e instanceof SyncmlError, 'is a SyncmlError');
      assert.ok(e instanceof SyncmlModelError);
      assert.equal(e.code, c.code);
      assert.equal(e.syncmlStatus, c.status);
      if (c.cmdId !== undefined) assert.equal(e.cmdId, c.cmdId);
      return true;
    });
  });
}

test('liberal: empty Target LocURI (Sony Ericsson C510) decodes as empty string', () => {
  const msg = messageFromTree(doc([s('Alert', [s('CmdID', ['1']), s('Data', ['200']), s('Item', [s('Target', [s('LocURI')]), loc('Source', './c')])])]));
  const a = msg.SyncBody.commands[0]!;
  assert.ok(a.cmd === 'Alert');
  assert.equal(a.Item?.[0]?.Target?.LocURI, '');
});

test('liberal: SourceParent in SyncML 1.1 (Nokia)', () => {
  const msg = messageFromTree(doc([s('Add', [s('CmdID', ['1']), s('Item', [loc('Source', '5'), loc('SourceParent', '2'), s('Data', ['x'])])])], hdr({ VerDTD: '1.1', VerProto: 'SyncML/1.1' }), '1.1'));
  const a = msg.SyncBody.commands[0]!;
  assert.ok(a.cmd === 'Add');
  assert.deepEqual(a.Item[0]!.SourceParent, { LocURI: '2' });
});

test('liberal: unknown MetInf children are ignored; leaves trimmed, Data not', () => {
  const msg = messageFromTree(doc([s('Add', [s('CmdID', [' 1\n']), s('Meta', [m('Type', ['\n  text/x-vcard  ']), m('X-Vendor', ['1'])]), s('Item', [s('Data', ['  BEGIN:VCARD\r\n  '])])])]));
  const a = msg.SyncBody.commands[0]!;
  assert.ok(a.cmd === 'Add');
  assert.equal(a.CmdID, '1');
  assert.deepEqual(a.Meta, { Type: 'text/x-vcard' });
  assert.equal(a.Item[0]!.Data, '  BEGIN:VCARD\r\n  ');
});

test('liberal: Status with Chal but no Data is taken as 401', () => {
  const chal = s('Chal', [s('Meta', [m('Type', ['syncml:auth-md5']), m('Format', ['b64']), m('NextNonce', ['abc='])])]);
  const msg = messageFromTree(doc([statusEl('Data', [chal])]));
  const st = msg.SyncBody.commands[0]!;
  assert.ok(st.cmd === 'Status');
  assert.equal(st.Data, 401);
  assert.deepEqual(st.Chal, { Meta: { Type: 'syncml:auth-md5', Format: 'b64', NextNonce: 'abc=' } });
});

test('liberal: SyncML 1.0 Status without CmdID', () => {
  const msg = messageFromTree(doc([statusEl('CmdID')], hdr({ VerDTD: '1.0', VerProto: 'SyncML/1.0' }), '1.0'));
  const st = msg.SyncBody.commands[0]!;
  assert.ok(st.cmd === 'Status');
  assert.equal(st.CmdID, '');
});

test('Cred Data: raw MD5 bytes stay bytes; UTF-8 opaque becomes text', () => {
  const raw = Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const withCred = (data: XElement): XDocument => doc([], s('SyncHdr', [...hdr().children as XElement[], s('Cred', [s('Meta', [m('Type', ['syncml:auth-md5'])]), data])]));
  assert.deepEqual(messageFromTree(withCred(s('Data', [opaque(raw)]))).SyncHdr.Cred?.Data, raw);
  assert.equal(messageFromTree(withCred(s('Data', [opaque(new TextEncoder().encode('abc=='))]))).SyncHdr.Cred?.Data, 'abc==');
});
