/**
 * Real captured SyncEvolution/Synthesis messages (../shared/peers): decode → encode is
 * byte-identical; split into two chunks at every offset gives the same document; truncation at
 * every offset gives a WbxmlError, never another exception. (All samples are under 8 KB, so no
 * stride is used.)
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WbxmlError } from '../../src/errors.js';
import type { XNode } from '../../src/util/tree.js';
import { WbxmlDecoder, decodeWbxml, encodeWbxml, looksLikeWbxml } from '../../src/wbxml/index.js';
import { bytesEqual, toHex } from '../helpers/hex.js';
import { loadSamples } from './samples.js';

function countNs(n: XNode, ns: string): number {
  if (n.kind !== 'element') return 0;
  let c = n.ns === ns ? 1 : 0;
  for (const k of n.children) c += countNs(k, ns);
  return c;
}

const samples = loadSamples();
const STRIDE_ABOVE = 8 * 1024;

test('samples are present', () => assert.ok(samples.length >= 30, `found ${samples.length}`));

for (const [name, bytes] of samples) {
  describe(name, () => {
    test('decode → encode is byte-identical', () => {
      assert.ok(looksLikeWbxml(bytes));
      const doc = decodeWbxml(bytes);
      const again = encodeWbxml(doc);
      assert.equal(again.length, bytes.length);
      assert.equal(toHex(again), toHex(bytes));
    });

    test('split into two chunks at every offset: same document', () => {
      const step = bytes.length > STRIDE_ABOVE ? 7 : 1;
      for (let k = 0; k <= bytes.length; k += step) {
        const d = new WbxmlDecoder();
        d.push(bytes.subarray(0, k));
        d.push(bytes.subarray(k));
        // Re-encoding is byte-identical for the whole input, so equal bytes = equal tree.
        const again = encodeWbxml(d.end());
        if (!bytesEqual(again, bytes)) assert.equal(toHex(again), toHex(bytes), `split at ${k}`);
      }
    });

    test('truncated at every offset: a WbxmlError', () => {
      const step = bytes.length > STRIDE_ABOVE ? 7 : 1;
      for (let k = 0; k < bytes.length; k += step) {
        try {
          decodeWbxml(bytes.subarray(0, k));
          assert.fail(`truncation at ${k} decoded`);
        } catch (e) {
          if (!(e instanceof WbxmlError)) throw e;
          assert.equal(typeof e.offset, 'number');
        }
      }
    });
  });
}

test('DevInf nested in SyncML samples is decoded, not left opaque', () => {
  const withDevInf = samples.filter(([n]) => n.includes('slow-001-client') || n.includes('se-client-msg1'));
  assert.ok(withDevInf.length >= 3);
  for (const [n, b] of withDevInf) {
    const doc = decodeWbxml(b);
    assert.equal(doc.language.kind, 'syncml');
    assert.ok(countNs(doc.root, 'devinf') > 10, `${n}: DevInf elements`);
  }
});
