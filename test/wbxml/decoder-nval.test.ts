/**
 * `_nval_` cases: every length field and structural rule of the decoder, with the error code and
 * the byte offset it names (protocol-notes 4.1; WBXML 1.3 §5).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nvalCase } from '../helpers/codec-cases.js';
import { hex } from '../helpers/hex.js';
import { WbxmlError } from '../../src/errors.js';
import { WbxmlDecoder, readMbUint32 } from '../../src/wbxml/index.js';
import { SYNCML_HEADER, WBXML, wbxmlWithLimits } from './wbxml-codec.js';

const H = SYNCML_HEADER['1.2']; // 5 bytes: the root tag is at byte 5

// Header.
nvalCase(WBXML, 'empty input', '', 'SB_ERR_WBXML_TRUNCATED', 0);
nvalCase(WBXML, 'version 0x00 (WBXML 1.0)', '00 A401 6A 00 6D 01', 'SB_ERR_WBXML_VERSION', 0);
nvalCase(WBXML, 'version 0x04', '04 A401 6A 00 6D 01', 'SB_ERR_WBXML_VERSION', 0);
nvalCase(WBXML, 'truncated before public id', '02', 'SB_ERR_WBXML_TRUNCATED', 1);
nvalCase(WBXML, 'truncated inside public id', '02 A4', 'SB_ERR_WBXML_TRUNCATED', 1);
nvalCase(WBXML, 'truncated before charset', '02 A401', 'SB_ERR_WBXML_TRUNCATED', 3);
nvalCase(WBXML, 'truncated before string table length', '02 A401 6A', 'SB_ERR_WBXML_TRUNCATED', 4);
nvalCase(WBXML, 'truncated inside literal public id index', '02 00', 'SB_ERR_WBXML_TRUNCATED', 2);
nvalCase(WBXML, 'mb_u_int32 over 32 bits', '02 9F FF FF FF 7F 6A 00', 'SB_ERR_WBXML_MB_UINT32', 1);
nvalCase(WBXML, 'mb_u_int32 longer than 5 bytes', '02 80 80 80 80 80 01 6A 00', 'SB_ERR_WBXML_MB_UINT32', 1);
nvalCase(WBXML, 'string table longer than input', '02 A401 6A 05 "ab"', 'SB_ERR_WBXML_TRUNCATED', 4);
nvalCase(WBXML, 'string table length 2^32-1', '02 A401 6A 8F FF FF FF 7F', 'SB_ERR_WBXML_LIMIT', 4);
nvalCase(wbxmlWithLimits({ maxStringTableBytes: 2 }), 'string table over the limit', '02 A401 6A 03 "ab" 00 6D 12 01', 'SB_ERR_WBXML_LIMIT', 4);
nvalCase(WBXML, 'literal public id index outside the string table', '02 00 05 6A 01 00 6D 12 01', 'SB_ERR_WBXML_STRING_TABLE', 2);
nvalCase(WBXML, 'unknown public id and unknown root', '02 01 6A 00 45 01', 'SB_ERR_WBXML_PUBLIC_ID', 4);
nvalCase(WBXML, 'unknown FPI and LITERAL root', '02 00 00 6A 03 "ab" 00 04 00', 'SB_ERR_WBXML_PUBLIC_ID', 8);

// Body structure.
nvalCase(WBXML, 'no root element', H, 'SB_ERR_WBXML_TRUNCATED', 5);
nvalCase(WBXML, 'missing END', `${H} 6D 12`, 'SB_ERR_WBXML_TRUNCATED', 7);
nvalCase(WBXML, 'missing END of a child', `${H} 6D 4F 03 "a" 00`, 'SB_ERR_WBXML_TRUNCATED', 10);
nvalCase(WBXML, 'END before the root', `${H} 01`, 'SB_ERR_WBXML_STRUCTURE', 5);
nvalCase(WBXML, 'unbalanced END after the root', `${H} 6D 01 01`, 'SB_ERR_WBXML_STRUCTURE', 7);
nvalCase(WBXML, 'second root element', `${H} 6D 01 2D`, 'SB_ERR_WBXML_STRUCTURE', 7);
nvalCase(WBXML, 'text before the root', `${H} 03 "a" 00 6D 01`, 'SB_ERR_WBXML_STRUCTURE', 5);
nvalCase(WBXML, 'OPAQUE before the root', `${H} C3 00 6D 01`, 'SB_ERR_WBXML_STRUCTURE', 5);
nvalCase(WBXML, 'unknown tag token 0x3F', `${H} 6D 3F 01`, 'SB_ERR_WBXML_TOKEN', 6);
nvalCase(WBXML, 'unknown MetInf token on page 1', `${H} 6D 00 01 3F 01`, 'SB_ERR_WBXML_TOKEN', 8);
nvalCase(WBXML, 'EXT_0', `${H} 6D C0 01`, 'SB_ERR_WBXML_TOKEN', 6);
nvalCase(WBXML, 'EXT_I_0', `${H} 6D 40 "a" 00 01`, 'SB_ERR_WBXML_TOKEN', 6);
nvalCase(WBXML, 'PI', `${H} 43 01 6D 01`, 'SB_ERR_WBXML_TOKEN', 5);
nvalCase(WBXML, 'SWITCH_PAGE to page 2', `${H} 6D 00 02 12 01`, 'SB_ERR_WBXML_CODE_PAGE', 6);
nvalCase(WBXML, 'SWITCH_PAGE cut off', `${H} 6D 00`, 'SB_ERR_WBXML_TRUNCATED', 6);

// Strings, opaque, entities.
nvalCase(WBXML, 'STR_I without NUL', `${H} 6D 4F 03 "abc"`, 'SB_ERR_WBXML_TRUNCATED', 7);
nvalCase(wbxmlWithLimits({ maxLeafBytes: 2 }), 'STR_I over the leaf limit', `${H} 6D 4F 03 "abc" 00 01 01`, 'SB_ERR_WBXML_LIMIT', 7);
nvalCase(WBXML, 'STR_T offset outside the string table', '02 A401 6A 02 "a" 00 6D 4F 83 02 01 01', 'SB_ERR_WBXML_STRING_TABLE', 9);
nvalCase(WBXML, 'STR_T with no string table', `${H} 6D 4F 83 00 01 01`, 'SB_ERR_WBXML_STRING_TABLE', 7);
nvalCase(WBXML, 'STR_T index cut off', `${H} 6D 4F 83 81`, 'SB_ERR_WBXML_TRUNCATED', 8);
nvalCase(WBXML, 'OPAQUE length past the end', `${H} 6D 4F C3 0A "abc"`, 'SB_ERR_WBXML_TRUNCATED', 7);
nvalCase(WBXML, 'OPAQUE length 2^32-1', `${H} 6D 4F C3 8F FF FF FF 7F`, 'SB_ERR_WBXML_LIMIT', 7);
nvalCase(wbxmlWithLimits({ maxLeafBytes: 2 }), 'OPAQUE over the leaf limit', `${H} 6D 4F C3 03 "abc" 01 01`, 'SB_ERR_WBXML_LIMIT', 7);
nvalCase(WBXML, 'OPAQUE length mb_u_int32 overflow', `${H} 6D 4F C3 80 80 80 80 80 00`, 'SB_ERR_WBXML_MB_UINT32', 8);
nvalCase(WBXML, 'ENTITY surrogate', `${H} 6D 4F 02 83 B0 00 01 01`, 'SB_ERR_WBXML_ENTITY', 7);
nvalCase(WBXML, 'ENTITY above U+10FFFF', `${H} 6D 4F 02 C4 80 00 01 01`, 'SB_ERR_WBXML_ENTITY', 7);
nvalCase(WBXML, 'LITERAL tag index outside the string table', `${H} 6D 04 00 01`, 'SB_ERR_WBXML_STRING_TABLE', 6);
nvalCase(WBXML, 'LITERAL tag with an unknown name', '02 A401 6A 04 "Foo" 00 6D 04 00 01', 'SB_ERR_WBXML_TOKEN', 10);
nvalCase(WBXML, 'attribute list cut off', `${H} AD 05 06`, 'SB_ERR_WBXML_TRUNCATED', 8);
nvalCase(WBXML, 'attribute OPAQUE past the end', `${H} AD C3 05 01`, 'SB_ERR_WBXML_TRUNCATED', 6);

// Limits.
nvalCase(wbxmlWithLimits({ maxDepth: 2 }), 'depth over the limit', `${H} 6D 6B 4F 01 01 01`, 'SB_ERR_WBXML_LIMIT', 7);
nvalCase(wbxmlWithLimits({ maxElements: 2 }), 'element count over the limit', `${H} 6D 12 12 01`, 'SB_ERR_WBXML_LIMIT', 7);
nvalCase(wbxmlWithLimits({ maxDocumentBytes: 8 }), 'document over the size limit', `${H} 6D 12 01 01`, 'SB_ERR_WBXML_LIMIT', 8);

test('WbxmlDecoder: push over the size limit throws before buffering', () => {
  const d = new WbxmlDecoder({ limits: { maxDocumentBytes: 6 } });
  d.push(hex('02 A401 6A'));
  assert.throws(() => d.push(hex('00 6D 01')), (e: unknown) => e instanceof WbxmlError && e.code === 'SB_ERR_WBXML_LIMIT' && e.offset === 6);
});

test('WbxmlDecoder: bad version byte rejected on the first push', () => {
  const d = new WbxmlDecoder();
  assert.throws(() => d.push(hex('3C 3F 78 6D 6C')), (e: unknown) => e instanceof WbxmlError && e.code === 'SB_ERR_WBXML_VERSION');
});

test('errors are WbxmlError with status 400 and "at byte N" messages', () => {
  assert.throws(() => WBXML.decode(hex(`${H} 6D 3F 01`)), (e: unknown) => {
    assert.ok(e instanceof WbxmlError);
    assert.equal(e.syncmlStatus, 400);
    assert.match(e.message, /^unknown tag token 0x3F on code page 0 \(syncml\) at byte 6$/);
    return true;
  });
});

test('readMbUint32: 0x0FD3, 0x1201, 300, 2^32-1 (protocol-notes 4.1 examples)', () => {
  assert.equal(readMbUint32(hex('9F 53'), 0).value, 0x0fd3);
  assert.equal(readMbUint32(hex('A4 01'), 0).value, 0x1201);
  assert.equal(readMbUint32(hex('82 2C'), 0).value, 300);
  assert.equal(readMbUint32(hex('8F FF FF FF 7F'), 0).value, 0xffffffff);
  assert.equal(readMbUint32(hex('82 2C'), 0).next, 2);
});

test('200,000 nested elements: a LIMIT error, no stack overflow (iterative parser)', () => {
  const n = 200_000;
  const b = new Uint8Array(5 + n + n);
  b.set(hex('02 A401 6A 00'));
  b.fill(0x6d, 5, 5 + n);
  b.fill(0x01, 5 + n);
  assert.throws(() => WBXML.decode(b), (e: unknown) => e instanceof WbxmlError && e.code === 'SB_ERR_WBXML_LIMIT' && e.offset === 5 + 48);
  const deep = wbxmlWithLimits({ maxDepth: n, maxElements: n }).decode(b);
  assert.equal(deep.root.name, 'SyncML');
});
