/**
 * Every SyncML code page 0 tag, per version, as a four-way case: SyncML[ <Tag/> ] and
 * SyncML[ <Tag>x</Tag> ]. Token values are typed here from the SyncML RepPro WBXML tables
 * (protocol-notes 4.4), independently of src/wbxml/tables.
 */
import { describe } from 'node:test';
import { codecCase, encodeNvalCase, nvalCase } from '../helpers/codec-cases.js';
import { el, type DtdVersion } from '../../src/util/tree.js';
import { SYNCML_HEADER, VERSIONS, WBXML } from './wbxml-codec.js';

const COMMON: ReadonlyArray<readonly [string, number]> = [
  ['Add', 0x05], ['Alert', 0x06], ['Archive', 0x07], ['Atomic', 0x08], ['Chal', 0x09], ['Cmd', 0x0a],
  ['CmdID', 0x0b], ['CmdRef', 0x0c], ['Copy', 0x0d], ['Cred', 0x0e], ['Data', 0x0f], ['Delete', 0x10],
  ['Exec', 0x11], ['Final', 0x12], ['Get', 0x13], ['Item', 0x14], ['Lang', 0x15], ['LocName', 0x16],
  ['LocURI', 0x17], ['Map', 0x18], ['MapItem', 0x19], ['Meta', 0x1a], ['MsgID', 0x1b], ['MsgRef', 0x1c],
  ['NoResp', 0x1d], ['NoResults', 0x1e], ['Put', 0x1f], ['Replace', 0x20], ['RespURI', 0x21],
  ['Results', 0x22], ['Search', 0x23], ['Sequence', 0x24], ['SessionID', 0x25], ['SftDel', 0x26],
  ['Source', 0x27], ['SourceRef', 0x28], ['Status', 0x29], ['Sync', 0x2a], ['SyncBody', 0x2b],
  ['SyncHdr', 0x2c], ['SyncML', 0x2d], ['Target', 0x2e], ['TargetRef', 0x2f], ['VerDTD', 0x31],
  ['VerProto', 0x32],
];
const V11: ReadonlyArray<readonly [string, number]> = [['NumberOfChanges', 0x33], ['MoreData', 0x34], ['SourceParent', 0x39]];
const V12: ReadonlyArray<readonly [string, number]> = [
  ['Field', 0x35], ['Filter', 0x36], ['Record', 0x37], ['FilterType', 0x38], ['TargetParent', 0x3a],
  ['Move', 0x3b], ['Correlator', 0x3c],
];

const TOKENS: Readonly<Record<DtdVersion, ReadonlyArray<readonly [string, number]>>> = {
  '1.0': COMMON,
  '1.1': [...COMMON, ...V11],
  '1.2': [...COMMON, ...V11, ...V12],
};

const h2 = (n: number): string => n.toString(16).padStart(2, '0');

for (const v of VERSIONS) {
  describe(`SyncML ${v} code page 0`, () => {
    for (const [name, tok] of TOKENS[v]) {
      codecCase(WBXML, `${v} <${name}/> empty`, { language: { kind: 'syncml', version: v }, root: el('SyncML', 'syncml', [el(name, 'syncml')]) },
        `${SYNCML_HEADER[v]}
         6D        # <SyncML> with content
         ${h2(tok)} # <${name}/> (0x${h2(tok)}, no content bit)
         01        # </SyncML>`);
      codecCase(WBXML, `${v} <${name}>x</${name}>`, { language: { kind: 'syncml', version: v }, root: el('SyncML', 'syncml', [el(name, 'syncml', ['x'])]) },
        `${SYNCML_HEADER[v]}
         6D                  # <SyncML>
         ${h2(tok | 0x40)}    # <${name}> (0x${h2(tok)} | content)
         03 "x" 00           # STR_I "x"
         01 01               # </${name}> </SyncML>`);
    }
  });
}

// Tokens of later versions are accepted in earlier documents (real peers send them: Nokia's
// SourceParent in 1.1) and written with the same token; unassigned tokens stay errors.
codecCase(WBXML, 'SyncML 1.0 with MoreData (1.1 token)', { language: { kind: 'syncml', version: '1.0' }, root: el('SyncML', 'syncml', [el('MoreData', 'syncml')]) },
  `${SYNCML_HEADER['1.0']} 6D 34 01`);
codecCase(WBXML, 'SyncML 1.1 with Move (1.2 token)', { language: { kind: 'syncml', version: '1.1' }, root: el('SyncML', 'syncml', [el('Move', 'syncml')]) },
  `${SYNCML_HEADER['1.1']} 6D 3B 01`);
nvalCase(WBXML, 'SyncML 1.2 reserved token 0x30', `${SYNCML_HEADER['1.2']} 6D 30 01`, 'SB_ERR_WBXML_TOKEN', 6);
nvalCase(WBXML, 'SyncML 1.2 unassigned token 0x3D', `${SYNCML_HEADER['1.2']} 6D 3D 01`, 'SB_ERR_WBXML_TOKEN', 6);
encodeNvalCase(WBXML, 'SyncML 1.2 <Bogus>', { language: { kind: 'syncml', version: '1.2' }, root: el('SyncML', 'syncml', [el('Bogus', 'syncml')]) }, 'SB_ERR_WBXML_UNKNOWN_TAG');
