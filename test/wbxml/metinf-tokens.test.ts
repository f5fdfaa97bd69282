/**
 * Every MetInf tag, per version: inside SyncML on code page 1 (SWITCH_PAGE before the first
 * MetInf tag, sticky afterwards), and as a stand-alone MetInf document (written on page 1 as libwbxml does, read on 0 or 1). Token values
 * typed from the MetInf WBXML table (protocol-notes 4.5).
 */
import { describe } from 'node:test';
import { codecCase, decodeCase, encodeNvalCase } from '../helpers/codec-cases.js';
import { el, type DtdVersion } from '../../src/util/tree.js';
import { SYNCML_HEADER, VERSIONS, WBXML } from './wbxml-codec.js';

const V10: ReadonlyArray<readonly [string, number]> = [
  ['Anchor', 0x05], ['EMI', 0x06], ['Format', 0x07], ['FreeID', 0x08], ['FreeMem', 0x09], ['Last', 0x0a],
  ['Mark', 0x0b], ['MaxMsgSize', 0x0c], ['Mem', 0x0d], ['MetInf', 0x0e], ['Next', 0x0f],
  ['NextNonce', 0x10], ['SharedMem', 0x11], ['Size', 0x12], ['Type', 0x13], ['Version', 0x14],
];
const TOKENS: Readonly<Record<DtdVersion, ReadonlyArray<readonly [string, number]>>> = {
  '1.0': V10,
  '1.1': [...V10, ['MaxObjSize', 0x15]],
  '1.2': [...V10, ['MaxObjSize', 0x15], ['FieldLevel', 0x16]],
};

const METINF_HEADER: Readonly<Record<DtdVersion, string>> = {
  '1.0': '02 00 00 6A 1D "-//SYNCML//DTD MetInf 1.0//EN" # literal FPI (no numeric id)\n',
  '1.1': '02 00 00 6A 1D "-//SYNCML//DTD MetInf 1.1//EN" # literal FPI (no numeric id)\n',
  '1.2': '02 A402 6A 00 # MetInf 1.2 (0x1202)\n',
};

const h2 = (n: number): string => n.toString(16).padStart(2, '0');

for (const v of VERSIONS) {
  describe(`MetInf ${v}`, () => {
    for (const [name, tok] of TOKENS[v]) {
      codecCase(WBXML, `${v} SyncML Meta/<${name}>`, {
        language: { kind: 'syncml', version: v },
        root: el('SyncML', 'syncml', [el('Meta', 'syncml', [el(name, 'metinf', ['1'])]), el('Final', 'syncml')]),
      }, `${SYNCML_HEADER[v]}
          6D             # <SyncML>
          5A             # <Meta>
          00 01          # SWITCH_PAGE 1 (MetInf)
          ${h2(tok | 0x40)} 03 "1" 00 01   # <${name}>1</${name}>
          01             # </Meta>
          00 00          # SWITCH_PAGE 0 (lazily, just before the next page-0 tag)
          12             # <Final/>
          01             # </SyncML>`);
      codecCase(WBXML, `${v} stand-alone MetInf <${name}>`, {
        language: { kind: 'metinf', version: v },
        root: el('MetInf', 'metinf', [el(name, 'metinf')]),
      }, `${METINF_HEADER[v]}
          00 01          # SWITCH_PAGE 1: MetInf's page, also stand-alone (as libwbxml writes it)
          4E             # <MetInf>
          ${h2(tok)}     # <${name}/>
          01             # </MetInf>`);
      decodeCase(WBXML, `${v} stand-alone MetInf <${name}> on page 0 (protocol-notes 4.5)`, `${METINF_HEADER[v]}
          4E             # <MetInf> on page 0
          ${h2(tok)}     # <${name}/>
          01             # </MetInf>`, {
        language: { kind: 'metinf', version: v },
        root: el('MetInf', 'metinf', [el(name, 'metinf')]),
      });
    }
  });
}

// Later MetInf tokens are accepted and written in earlier documents (see syncml-tokens).
codecCase(WBXML, 'MetInf 1.1 <FieldLevel> (1.2 token)', { language: { kind: 'syncml', version: '1.1' }, root: el('SyncML', 'syncml', [el('FieldLevel', 'metinf')]) },
  `${SYNCML_HEADER['1.1']} 6D 00 01 16 01`);
encodeNvalCase(WBXML, 'MetInf 1.2 <Bogus>', { language: { kind: 'syncml', version: '1.2' }, root: el('SyncML', 'syncml', [el('Bogus', 'metinf')]) }, 'SB_ERR_WBXML_UNKNOWN_TAG');
