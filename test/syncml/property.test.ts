/**
 * Property: arbitrary valid SyncML models of every version survive model -> WBXML -> model and
 * model -> XML -> model (fixed seed), and model -> tree -> model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  adaptMessageForEncoding, decodeMessage, encodeMessage, messageFromTree, messageToTree, type SyncmlVersion,
} from '../../src/syncml/index.js';
import { arbMessage, type ArbOptions } from './arbitraries.js';
import { arbDevInf } from './devinf-arbitraries.js';

const VERSIONS: SyncmlVersion[] = ['1.0', '1.1', '1.2'];
const RUNS = 300;

for (const version of VERSIONS) {
  const base: ArbOptions = { version, binary: false, devinf: arbDevInf };
  test(`SyncML ${version}: model -> tree -> model`, () => {
    fc.assert(fc.property(arbMessage({ ...base, binary: true }), (m) => {
      assert.deepStrictEqual(messageFromTree(messageToTree(m)), m);
    }), { seed: 42, numRuns: RUNS });
  });
  test(`SyncML ${version}: model -> WBXML -> model`, () => {
    fc.assert(fc.property(arbMessage({ ...base, binary: true }), (m) => {
      const r = decodeMessage(encodeMessage(m, 'wbxml'), { contentType: 'application/vnd.syncml+wbxml' });
      assert.equal(r.encoding, 'wbxml');
      assert.deepStrictEqual(r.message, adaptMessageForEncoding(m, 'wbxml'));
    }), { seed: 42, numRuns: RUNS });
  });
  test(`SyncML ${version}: model -> XML -> model`, () => {
    fc.assert(fc.property(arbMessage(base), (m) => {
      const r = decodeMessage(encodeMessage(m, 'xml'), { contentType: 'application/vnd.syncml+xml' });
      assert.equal(r.encoding, 'xml');
      assert.deepStrictEqual(r.message, adaptMessageForEncoding(m, 'xml'));
    }), { seed: 42, numRuns: RUNS });
  });
}
