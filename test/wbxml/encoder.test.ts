/** Encoder policies and wbxmlElementSize (the MaxMsgSize packing helper). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeCase, encodeNvalCase } from '../helpers/codec-cases.js';
import { el, opaque, text, type Language, type XElement, type XNode } from '../../src/util/tree.js';
import { WbxmlError } from '../../src/errors.js';
import { decodeWbxml, encodeWbxml, wbxmlElementSize, wbxmlHeaderSize } from '../../src/wbxml/index.js';
import { loadSamples } from './samples.js';
import { SYNCML_HEADER, WBXML } from './wbxml-codec.js';

const L12: Language = { kind: 'syncml', version: '1.2' };

encodeCase(WBXML, 'empty text child gives tag|content END', { language: L12, root: el('SyncML', 'syncml', [el('Data', 'syncml', [''])]) },
  `${SYNCML_HEADER['1.2']} 6D 4F 01 01`);
encodeCase(WBXML, 'adjacent text and opaque leaves are written one by one', {
  language: L12, root: el('SyncML', 'syncml', [el('Data', 'syncml', [text('a'), opaque(Uint8Array.of(0xff)), text('b')])]),
}, `${SYNCML_HEADER['1.2']} 6D 4F 03 "a" 00 C3 01 FF 03 "b" 00 01 01`);
encodeCase(WBXML, 'SWITCH_PAGE is lazy and sticky across MetInf siblings', {
  language: L12,
  root: el('SyncML', 'syncml', [el('Meta', 'syncml', [el('Type', 'metinf', ['t']), el('Size', 'metinf', ['1'])]), el('Meta', 'syncml', [el('Mark', 'metinf')])]),
}, `${SYNCML_HEADER['1.2']}
   6D 5A 00 01 53 03 "t" 00 01 52 03 "1" 00 01 01  # <Meta> page 1 <Type/><Size/> </Meta>
   00 00 5A 00 01 0B 01                            # page 0 <Meta> page 1 <Mark/> </Meta>
   01`);
encodeNvalCase(WBXML, 'MetInf document with a SyncML element', { language: { kind: 'metinf', version: '1.2' }, root: el('MetInf', 'metinf', [el('Final', 'syncml')]) }, 'SB_ERR_WBXML_NAMESPACE');

test('unknown tag error names the element, version and namespace', () => {
  assert.throws(() => encodeWbxml({ language: L12, root: el('SyncML', 'syncml', [el('Frobnicate', 'syncml')]) }), (e: unknown) => {
    assert.ok(e instanceof WbxmlError);
    assert.equal(e.code, 'SB_ERR_WBXML_UNKNOWN_TAG');
    assert.match(e.message, /<Frobnicate>/);
    assert.match(e.message, /syncml 1\.2/);
    return true;
  });
});

test('wbxmlHeaderSize: literal FPI for SyncML 1.0, numeric otherwise', () => {
  assert.equal(wbxmlHeaderSize({ kind: 'syncml', version: '1.0' }), 5 + 29);
  assert.equal(wbxmlHeaderSize({ kind: 'syncml', version: '1.1' }), 5);
  assert.equal(wbxmlHeaderSize({ kind: 'metinf', version: '1.1' }), 5 + 29);
  assert.equal(wbxmlHeaderSize({ kind: 'devinf', version: '1.0' }), 5);
});

test('wbxmlElementSize: hand-counted cases', () => {
  // <Meta> SWITCH_PAGE 1 <MaxMsgSize> STR_I "4000" END END = 12 bytes, + SWITCH_PAGE 0 back = 14
  assert.equal(wbxmlElementSize(el('Meta', 'syncml', [el('MaxMsgSize', 'metinf', ['4000'])]), L12), 14);
  assert.equal(wbxmlElementSize(el('Final', 'syncml'), L12), 1);
  // 'é' 2 bytes, '€' 3, U+1F600 4: 4F 03 <9 bytes> 00 01
  assert.equal(wbxmlElementSize(el('Data', 'syncml', ['é€\u{1F600}']), L12), 13);
  // NUL text goes as OPAQUE: 4F C3 03 61 00 62 01
  assert.equal(wbxmlElementSize(el('Data', 'syncml', ['a\0b']), L12), 7);
  // nested DevInf: 4F C3 <len=8> [02 A4 03 6A 00 4A 12 01] 01 = 12
  assert.equal(wbxmlElementSize(el('Data', 'syncml', [el('DevInf', 'devinf', [el('MaxGUIDSize', 'devinf')])]), L12), 12);
});

function* elements(n: XNode): Generator<XElement> {
  if (n.kind !== 'element') return;
  yield n;
  for (const c of n.children) yield* elements(c);
}

test('wbxmlElementSize of each sample root = message length - header; children add up', () => {
  let checked = 0;
  for (const [name, bytes] of loadSamples()) {
    const doc = decodeWbxml(bytes);
    assert.equal(wbxmlElementSize(doc.root, doc.language), bytes.length - wbxmlHeaderSize(doc.language), name);
    for (const e of elements(doc.root)) {
      const kids = e.children.filter((c): c is XElement => c.kind === 'element');
      if (kids.length === 0 || kids.length !== e.children.length) continue;
      if (e.ns === 'devinf' && doc.language.kind === 'syncml') continue;
      const last = kids[kids.length - 1]!;
      if (last.ns !== 'syncml' || last.children.some((c) => c.kind === 'element')) continue; // ends on page 0
      const sum = kids.reduce((a, k) => a + wbxmlElementSize(k, doc.language), 0);
      const own = wbxmlElementSize(e, doc.language);
      const switchIn = e.ns === 'metinf' ? 2 : 0;
      assert.equal(own, switchIn + 2 + sum, `${name} <${e.name}>`);
      checked++;
    }
  }
  assert.ok(checked > 100, `additivity checked on ${checked} elements`);
});
