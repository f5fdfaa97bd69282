/**
 * Whole messages per SyncML version from annotated fixtures (test/fixtures/wbxml/*.hex), four-way.
 * The 1.0 Alert shape was cross-checked against libwbxml (`xml2wbxml -n -v 1.2`) apart from the
 * header, where libwbxml writes the numeric 1.0 id and Synthesis (and we) the literal FPI.
 */
import { codecCase } from '../helpers/codec-cases.js';
import { loadHex } from '../helpers/hex.js';
import { el, opaque, type XElement } from '../../src/util/tree.js';
import { WBXML } from './wbxml-codec.js';

const fx = (name: string): Uint8Array => loadHex(new URL(`../fixtures/wbxml/${name}`, import.meta.url));
const s = (name: string, children: ReadonlyArray<XElement | string> = []): XElement => el(name, 'syncml', children);
const m = (name: string, children: ReadonlyArray<XElement | string> = []): XElement => el(name, 'metinf', children);
const d = (name: string, children: ReadonlyArray<XElement | string> = []): XElement => el(name, 'devinf', children);
const loc = (tag: 'Source' | 'Target' | 'SourceParent', uri: string): XElement => s(tag, [s('LocURI', [uri])]);

codecCase(WBXML, 'SyncML 1.0 Alert message', {
  language: { kind: 'syncml', version: '1.0' },
  root: s('SyncML', [
    s('SyncHdr', [
      s('VerDTD', ['1.0']), s('VerProto', ['SyncML/1.0']), s('SessionID', ['1']), s('MsgID', ['1']),
      loc('Target', 'http://h/'), loc('Source', 'IMEI:1'), s('Meta', [m('MaxMsgSize', ['4000'])]),
    ]),
    s('SyncBody', [
      s('Alert', [s('CmdID', ['1']), s('Data', ['200']), s('Item', [
        loc('Target', 'contacts'), loc('Source', './C'), s('Meta', [m('Anchor', [m('Last', ['5']), m('Next', ['6'])])]),
      ])]),
      s('Final'),
    ]),
  ]),
}, fx('syncml10-alert.hex'));

codecCase(WBXML, 'SyncML 1.1 Sync message', {
  language: { kind: 'syncml', version: '1.1' },
  root: s('SyncML', [
    s('SyncHdr', [s('VerDTD', ['1.1'])]),
    s('SyncBody', [
      s('Status', [s('CmdID', ['1']), s('MsgRef', ['1']), s('CmdRef', ['0']), s('Cmd', ['SyncHdr']), s('Data', ['200'])]),
      s('Sync', [
        s('CmdID', ['2']), s('NumberOfChanges', ['3']),
        s('Add', [s('CmdID', ['3']), s('Meta', [m('Type', ['text/x-vcard'])]), s('Item', [
          loc('Source', '1'),
          el('Data', 'syncml', [opaque(new TextEncoder().encode('BEGIN:VCARD\r\n'))]),
          s('MoreData'),
        ])]),
        s('Replace', [s('CmdID', ['4']), s('Item', [loc('Source', '2')])]),
        s('Delete', [s('CmdID', ['5']), s('SftDel'), s('Item', [loc('Source', '3')])]),
      ]),
      s('Final'),
    ]),
  ]),
}, fx('syncml11-sync.hex'));

codecCase(WBXML, 'SyncML 1.2 Put with nested DevInf, Get, Map, Move', {
  language: { kind: 'syncml', version: '1.2' },
  root: s('SyncML', [s('SyncBody', [
    s('Put', [s('CmdID', ['1']), s('Meta', [m('Type', ['application/vnd.syncml-devinf+wbxml'])]), s('Item', [
      loc('Source', './devinf12'),
      s('Data', [d('DevInf', [
        d('VerDTD', ['1.2']), d('Man', ['ACME']), d('SupportLargeObjs'),
        d('DataStore', [d('SourceRef', ['./C']), d('CTCap', [
          d('CTType', ['text/vcard']), d('Property', [d('PropName', ['FN']), d('MaxSize', ['64'])]),
        ])]),
      ])]),
    ])]),
    s('Get', [s('CmdID', ['2']), s('Item', [loc('Target', './devinf12')])]),
    s('Map', [s('CmdID', ['3']), s('MapItem', [loc('Target', 'g'), loc('Source', 'l')])]),
    s('Move', [s('CmdID', ['4']), loc('SourceParent', 'p')]),
    s('Final'),
  ])]),
}, fx('syncml12-put-devinf.hex'));
