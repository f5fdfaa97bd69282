/**
 * Every DevInf tag, per version, as a stand-alone DevInf document and nested in SyncML `<Data>`.
 * Token values typed from the DevInf WBXML tables (protocol-notes 4.6; 0x1C is Size in 1.0/1.1
 * and MaxSize in 1.2).
 */
import { describe } from 'node:test';
import { codecCase, encodeNvalCase, nvalCase } from '../helpers/codec-cases.js';
import { el, type DtdVersion } from '../../src/util/tree.js';
import { DEVINF_HEADER, SYNCML_HEADER, VERSIONS, WBXML } from './wbxml-codec.js';

const BASE: ReadonlyArray<readonly [string, number]> = [
  ['CTCap', 0x05], ['CTType', 0x06], ['DataStore', 0x07], ['DataType', 0x08], ['DevID', 0x09],
  ['DevInf', 0x0a], ['DevTyp', 0x0b], ['DisplayName', 0x0c], ['DSMem', 0x0d], ['Ext', 0x0e],
  ['FwV', 0x0f], ['HwV', 0x10], ['Man', 0x11], ['MaxGUIDSize', 0x12], ['MaxID', 0x13], ['MaxMem', 0x14],
  ['Mod', 0x15], ['OEM', 0x16], ['ParamName', 0x17], ['PropName', 0x18], ['Rx', 0x19], ['Rx-Pref', 0x1a],
  ['SharedMem', 0x1b], ['SourceRef', 0x1d], ['SwV', 0x1e], ['SyncCap', 0x1f], ['SyncType', 0x20],
  ['Tx', 0x21], ['Tx-Pref', 0x22], ['ValEnum', 0x23], ['VerCT', 0x24], ['VerDTD', 0x25], ['XNam', 0x26],
  ['XVal', 0x27],
];
const V11: ReadonlyArray<readonly [string, number]> = [['UTC', 0x28], ['SupportNumberOfChanges', 0x29], ['SupportLargeObjs', 0x2a]];
const V12: ReadonlyArray<readonly [string, number]> = [
  ['MaxSize', 0x1c], ['Property', 0x2b], ['PropParam', 0x2c], ['MaxOccur', 0x2d], ['NoTruncate', 0x2e],
  ['Filter-Rx', 0x30], ['FilterCap', 0x31], ['FilterKeyword', 0x32], ['FieldLevel', 0x33],
  ['SupportHierarchicalSync', 0x34],
];
const TOKENS: Readonly<Record<DtdVersion, ReadonlyArray<readonly [string, number]>>> = {
  '1.0': [...BASE, ['Size', 0x1c]],
  '1.1': [...BASE, ['Size', 0x1c], ...V11],
  '1.2': [...BASE, ...V11, ...V12],
};

const h2 = (n: number): string => n.toString(16).padStart(2, '0');

for (const v of VERSIONS) {
  describe(`DevInf ${v}`, () => {
    for (const [name, tok] of TOKENS[v]) {
      codecCase(WBXML, `${v} DevInf <${name}>`, {
        language: { kind: 'devinf', version: v },
        root: el('DevInf', 'devinf', [el(name, 'devinf', ['v'])]),
      }, `${DEVINF_HEADER[v]}
          4A                          # <DevInf>
          ${h2(tok | 0x40)} 03 "v" 00 01  # <${name}>v</${name}>
          01                          # </DevInf>`);
    }
  });
}

// Nested DevInf in SyncML <Data>: OPAQUE holding a complete DevInf document whose public id
// follows the SyncML version (SYN xltenc.c writes `C3 <len> 02 9F 54 6A 00 ...` for 1.1).
for (const v of VERSIONS) {
  codecCase(WBXML, `${v} nested DevInf in Put/Item/Data`, {
    language: { kind: 'syncml', version: v },
    root: el('SyncML', 'syncml', [el('Put', 'syncml', [el('Item', 'syncml', [el('Data', 'syncml', [
      el('DevInf', 'devinf', [el('VerDTD', 'devinf', [v]), el('Man', 'devinf', ['ACME'])]),
    ])])])]),
  }, `${SYNCML_HEADER[v]}
      6D 5F 54 4F      # <SyncML> <Put> <Item> <Data>
      C3 16            # OPAQUE, 22 bytes:
        ${DEVINF_HEADER[v]}
        4A             #   <DevInf>
        65 03 "${v}" 00 01   #   <VerDTD>${v}</VerDTD>
        51 03 "ACME" 00 01   #   <Man>ACME</Man>
        01             #   </DevInf>
      01 01 01 01      # </Data> </Item> </Put> </SyncML>`);
}

nvalCase(WBXML, 'DevInf 1.2 unassigned token 0x2F', `${DEVINF_HEADER['1.2']} 4A 2F 01`, 'SB_ERR_WBXML_TOKEN', 6);
// Nokia puts DevInf 1.2 elements (Property, PropParam ...) into 1.1 documents: accepted both ways.
codecCase(WBXML, 'DevInf 1.1 with Property (1.2 token)', { language: { kind: 'devinf', version: '1.1' }, root: el('DevInf', 'devinf', [el('Property', 'devinf')]) },
  `${DEVINF_HEADER['1.1']} 4A 2B 01`);
encodeNvalCase(WBXML, 'DevInf 1.2 <Size> (renamed MaxSize)', { language: { kind: 'devinf', version: '1.2' }, root: el('DevInf', 'devinf', [el('Size', 'devinf')]) }, 'SB_ERR_WBXML_UNKNOWN_TAG');
encodeNvalCase(WBXML, 'DevInf 1.1 <MaxSize>', { language: { kind: 'devinf', version: '1.1' }, root: el('DevInf', 'devinf', [el('MaxSize', 'devinf')]) }, 'SB_ERR_WBXML_UNKNOWN_TAG');
encodeNvalCase(WBXML, 'DevInf document with a SyncML element', { language: { kind: 'devinf', version: '1.2' }, root: el('DevInf', 'devinf', [el('Final', 'syncml')]) }, 'SB_ERR_WBXML_NAMESPACE');
