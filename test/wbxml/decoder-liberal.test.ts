/**
 * What the decoder accepts beyond what the encoder writes (protocol-notes 4.1, 4.7, 5): each
 * case is decode-only (or four-way where the encoder writes the same bytes).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codecCase, decodeCase, encodeCase } from '../helpers/codec-cases.js';
import { hex } from '../helpers/hex.js';
import { el, opaque, text } from '../../src/util/tree.js';
import { decodeWbxml } from '../../src/wbxml/index.js';
import { DEVINF_HEADER, SYNCML_HEADER, WBXML, wbxmlWithLimits } from './wbxml-codec.js';

const finalOnly = (version: '1.0' | '1.1' | '1.2') => ({ language: { kind: 'syncml' as const, version }, root: el('SyncML', 'syncml', [el('Final', 'syncml')]) });

decodeCase(WBXML, 'version byte 0x01 (WBXML 1.1)', '01 A401 6A 00  6D 12 01', finalOnly('1.2'));
decodeCase(WBXML, 'version byte 0x03 (WBXML 1.3)', '03 A401 6A 00  6D 12 01', finalOnly('1.2'));
decodeCase(WBXML, 'SyncML 1.0 numeric public id 0x0FD1', '02 9F51 6A 00  6D 12 01', finalOnly('1.0'));
decodeCase(WBXML, 'literal FPI with final NUL', '02 00 00 6A 1E "-//SYNCML//DTD SyncML 1.1//EN" 00  6D 12 01', finalOnly('1.1'));
decodeCase(WBXML, 'literal FPI at string table index 4', `02 00 04 6A 22  "abc" 00 "-//SYNCML//DTD SyncML 1.2//EN" 00
  6D 12 01`, finalOnly('1.2'));
decodeCase(WBXML, 'charset other than UTF-8 is not checked', '02 A401 04 00  6D 12 01', finalOnly('1.2'));

// Public id 1 = unknown (Funambol): language from the root token, version from VerDTD.
decodeCase(WBXML, 'public id 1, SyncML root, VerDTD 1.1', `02 01 6A 00
  6D 6C 71 03 "1.1" 00 01 01 # <SyncML><SyncHdr><VerDTD>1.1</VerDTD></SyncHdr>
  79 03 "p" 00 01            # <SourceParent>: in the 1.1 table (Nokia)
  01`, { language: { kind: 'syncml', version: '1.1' }, root: el('SyncML', 'syncml', [el('SyncHdr', 'syncml', [el('VerDTD', 'syncml', ['1.1'])]), el('SourceParent', 'syncml', ['p'])]) });
decodeCase(WBXML, 'public id 1, SyncML root, no VerDTD: 1.2', '02 01 6A 00 6D 12 01', finalOnly('1.2'));
decodeCase(WBXML, 'public id 1, DevInf root, VerDTD 1.1: 0x1C is Size', `02 01 6A 00
  4A 65 03 "1.1" 00 01 5C 03 "9" 00 01 01`, { language: { kind: 'devinf', version: '1.1' }, root: el('DevInf', 'devinf', [el('VerDTD', 'devinf', ['1.1']), el('Size', 'devinf', ['9'])]) });
decodeCase(WBXML, 'public id 1, DevInf root, VerDTD 1.2: 0x1C is MaxSize', `02 01 6A 00
  4A 65 03 "1.2" 00 01 5C 03 "9" 00 01 01`, { language: { kind: 'devinf', version: '1.2' }, root: el('DevInf', 'devinf', [el('VerDTD', 'devinf', ['1.2']), el('MaxSize', 'devinf', ['9'])]) });
decodeCase(WBXML, 'unregistered numeric public id: detect from root', '02 7F 6A 00 00 00 6D 12 01', finalOnly('1.2'));
decodeCase(WBXML, 'unknown literal FPI: detect from root', '02 00 00 6A 03 "abc" 6D 12 01', finalOnly('1.2'));

// Strings.
decodeCase(WBXML, 'STR_T reference', `02 A401 6A 08  "x" 00 "hello" 00
  6D 4F 83 02 01 01  # <SyncML><Data>STR_T 2</Data></SyncML>`, { language: { kind: 'syncml', version: '1.2' }, root: el('SyncML', 'syncml', [el('Data', 'syncml', ['hello'])]) });
decodeCase(WBXML, 'STR_T to a last string without NUL', `02 A401 6A 02 "ok"
  6D 4F 83 00 01 01`, { language: { kind: 'syncml', version: '1.2' }, root: el('SyncML', 'syncml', [el('Data', 'syncml', ['ok'])]) });
decodeCase(WBXML, 'ENTITY U+00E9 and U+1F600', `${SYNCML_HEADER['1.2']}
  6D 4F 02 81 69   # ENTITY 233
  02 87 EC 00      # ENTITY 0x1F600
  01 01`, { language: { kind: 'syncml', version: '1.2' }, root: el('SyncML', 'syncml', [el('Data', 'syncml', [text('é'), text('\u{1F600}')])]) });
decodeCase(WBXML, 'invalid UTF-8 in STR_I is kept as opaque bytes', `${SYNCML_HEADER['1.2']} 6D 4F 03 FF FE 00 01 01`,
  { language: { kind: 'syncml', version: '1.2' }, root: el('SyncML', 'syncml', [el('Data', 'syncml', [opaque(hex('FF FE'))])]) });
decodeCase(WBXML, 'tag with content bit but no content', `${SYNCML_HEADER['1.2']} 6D 4F 01 01`,
  { language: { kind: 'syncml', version: '1.2' }, root: el('SyncML', 'syncml', [el('Data', 'syncml')]) });
decodeCase(WBXML, 'LITERAL tag name from the string table', '02 A401 6A 06 "Final" 00  6D 04 00 01', finalOnly('1.2'));

// Attributes: skipped. Nokia writes its namespace as a LITERAL attribute with index 0 and no
// string table (WBX ChangeLog 2011-01-25).
decodeCase(WBXML, 'Nokia root namespace attribute', `${SYNCML_HEADER['1.1']}
  ED                          # <SyncML> with content and attributes
  04 00 03 "SYNCML:SYNCML1.1" 00  # LITERAL 0 (no string table), STR_I value
  01                          # end of attributes
  12 01`, finalOnly('1.1'));
decodeCase(WBXML, 'attribute tokens of every kind are skipped', `${SYNCML_HEADER['1.2']}
  AD 05 86 00 01 83 00 02 41 40 61 00 80 05 C0 C3 02 AA BB 01  # <SyncML/> with attributes, empty
`, { language: { kind: 'syncml', version: '1.2' }, root: el('SyncML', 'syncml') });

// OPAQUE: text data (vCard) stays opaque bytes and round-trips as OPAQUE.
codecCase(WBXML, 'OPAQUE item data', { language: { kind: 'syncml', version: '1.2' }, root: el('SyncML', 'syncml', [el('Data', 'syncml', [opaque(hex('"BEGIN:VCARD" 0D 0A'))])]) },
  `${SYNCML_HEADER['1.2']} 6D 4F C3 0D "BEGIN:VCARD" 0D 0A 01 01`);
encodeCase(WBXML, 'text with NUL is written as OPAQUE', { language: { kind: 'syncml', version: '1.2' }, root: el('SyncML', 'syncml', [el('Data', 'syncml', [text('a\0b')])]) },
  `${SYNCML_HEADER['1.2']} 6D 4F C3 03 61 00 62 01 01`);
decodeCase(WBXML, 'OPAQUE with NUL decodes as opaque', `${SYNCML_HEADER['1.2']} 6D 4F C3 03 61 00 62 01 01`,
  { language: { kind: 'syncml', version: '1.2' }, root: el('SyncML', 'syncml', [el('Data', 'syncml', [opaque(hex('61 00 62'))])]) });

// Nested DevInf that does not parse is kept as opaque bytes (no error).
const brokenDevInf = hex(`${DEVINF_HEADER['1.2']} 4A 3F 01`); // 0x3F: no such DevInf token
decodeCase(WBXML, 'nested DevInf that does not parse: opaque fallback', `${SYNCML_HEADER['1.2']}
  6D 4F C3 08 ${DEVINF_HEADER['1.2']} 4A 3F 01 01 01`,
  { language: { kind: 'syncml', version: '1.2' }, root: el('SyncML', 'syncml', [el('Data', 'syncml', [opaque(brokenDevInf)])]) });
decodeCase(WBXML, 'nested DevInf with literal FPI', `${SYNCML_HEADER['1.1']}
  6D 4F C3 25 02 00 00 6A 1D "-//SYNCML//DTD DevInf 1.1//EN" 4A 12 01 01 01`,
  { language: { kind: 'syncml', version: '1.1' }, root: el('SyncML', 'syncml', [el('Data', 'syncml', [el('DevInf', 'devinf', [el('MaxGUIDSize', 'devinf')])])]) });
decodeCase(WBXML, 'OPAQUE with a DevInf header outside <Data> stays opaque', `${SYNCML_HEADER['1.2']}
  6D 4C C3 06 ${DEVINF_HEADER['1.2']} 0A 01 01`,
  { language: { kind: 'syncml', version: '1.2' }, root: el('SyncML', 'syncml', [el('CmdRef', 'syncml', [opaque(hex(`${DEVINF_HEADER['1.2']} 0A`))])]) });

// The depth limit continues from the enclosing element into the nested document.
const deep = `${SYNCML_HEADER['1.2']} 6D 5F 54 4F C3 0B ${DEVINF_HEADER['1.2']} 4A 51 03 00 01 01 01 01 01 01`;
test('nested DevInf depth counts from the enclosing depth', () => {
  const inner = hex(`${DEVINF_HEADER['1.2']} 4A 51 03 00 01 01`);
  // SyncML(1) Put(2) Item(3) Data(4) DevInf(5) Man(6)
  const ok = wbxmlWithLimits({ maxDepth: 6 }).decode(hex(deep));
  assert.deepEqual(ok.root, el('SyncML', 'syncml', [el('Put', 'syncml', [el('Item', 'syncml', [el('Data', 'syncml', [el('DevInf', 'devinf', [el('Man', 'devinf', [''])])])])])]));
  const fallback = wbxmlWithLimits({ maxDepth: 5 }).decode(hex(deep));
  assert.deepEqual(fallback.root, el('SyncML', 'syncml', [el('Put', 'syncml', [el('Item', 'syncml', [el('Data', 'syncml', [opaque(inner)])])])]));
});

decodeCase(WBXML, 'stand-alone MetInf with SWITCH_PAGE 1 (libwbxml page)', `02 A402 6A 00 00 01 4E 0C 01`,
  { language: { kind: 'metinf', version: '1.2' }, root: el('MetInf', 'metinf', [el('MaxMsgSize', 'metinf')]) });

test('decodeWbxml does not alias the input', () => {
  const b = hex(`${SYNCML_HEADER['1.2']} 6D 4F C3 01 AA 01 01`);
  const doc = decodeWbxml(b);
  b[9] = 0xbb;
  const data = doc.root.children[0];
  assert.ok(data?.kind === 'element' && data.children[0]?.kind === 'opaque');
  assert.equal(data.children[0].bytes[0], 0xaa);
});
