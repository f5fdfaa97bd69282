// Property tests: random valid DevInf of each version survive model -> tree -> model, and the
// same through real bytes (XML text and WBXML). Fixed seeds, so a failure reproduces.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  convertDevInf, devInfFromDocument, devInfFromTree, devInfToDocument, devInfToTree, type DevInfVersion,
} from '../../src/syncml/devinf.js';
import { sameTree } from '../../src/util/tree.js';
import { decodeWbxml, encodeWbxml } from '../../src/wbxml/index.js';
import { parseXml, writeXml } from '../../src/xml/index.js';
import { arbDevInf } from './devinf-arbitraries.js';

const VERSIONS: DevInfVersion[] = ['1.0', '1.1', '1.2'];
const SEED = 0x5eed_d1;

describe('DevInf properties', () => {
  for (const v of VERSIONS) {
    it(`${v}: model -> tree -> model is the identity, and tree -> model -> tree too`, () => {
      fc.assert(fc.property(arbDevInf(v), (d) => {
        const t = devInfToTree(d);
        const back = devInfFromTree(t);
        assert.deepStrictEqual(back, d);
        assert.ok(sameTree(devInfToTree(back), t));
      }), { seed: SEED, numRuns: 300 });
    });

    it(`${v}: model -> XML text -> model`, () => {
      fc.assert(fc.property(arbDevInf(v), (d) => {
        const xml = writeXml(devInfToDocument(d));
        assert.deepStrictEqual(devInfFromDocument(parseXml(xml)), d);
      }), { seed: SEED + 1, numRuns: 100 });
    });

    it(`${v}: model -> WBXML -> model`, () => {
      fc.assert(fc.property(arbDevInf(v), (d) => {
        const bytes = encodeWbxml(devInfToDocument(d));
        const doc = decodeWbxml(bytes);
        assert.equal(doc.language.version, v);
        assert.deepStrictEqual(devInfFromDocument(doc), d);
      }), { seed: SEED + 2, numRuns: 100 });
    });
  }

  it('1.1 -> 1.2 -> 1.1 keeps every valid 1.1 DevInf whose CTCaps all belong to a datastore (but PropParam sizes)', () => {
    const arb = arbDevInf('1.1').map((d) => {
      // Give every top-level CTCap type to the first datastore, as real 1.1 devices do, with a VerCT.
      const types = (d.CTCaps ?? []).map((c) => ({ CTType: c.CTType, VerCT: '1.0' }));
      const [first, ...rest] = d.DataStores;
      return types.length === 0 ? d : { ...d, DataStores: [{ ...first!, Rx: [...(first!.Rx ?? []), ...types] }, ...rest] };
    });
    fc.assert(fc.property(arb, (d) => {
      // DevInf 1.2 PropParam has no size: a 1.1 ParamName's Size is the one thing lost on the way.
      const caps = (d.CTCaps ?? []).map((c) => ({
        ...c,
        Properties: c.Properties.map((p) => (p.PropParams === undefined ? p : {
          ...p, PropParams: p.PropParams.map(({ MaxSize: _s, ...pp }) => pp),
        })),
      }));
      const dedupe = new Map(caps.map((c) => [JSON.stringify(c), c]));
      const expected = dedupe.size === 0 ? d : { ...d, CTCaps: [...dedupe.values()] };
      assert.deepStrictEqual(convertDevInf(convertDevInf(d, '1.2'), '1.1'), expected);
    }), { seed: SEED + 3, numRuns: 200 });
  });

  it('1.2 -> 1.1 -> 1.2 keeps every CTCap property name of every datastore', () => {
    // A datastore's CTCaps describe types it receives or sends: list them in Rx.
    const arb = arbDevInf('1.2').map((d) => ({
      ...d,
      DataStores: d.DataStores.map((ds) => (ds.CTCaps === undefined ? ds : {
        ...ds, Rx: [...(ds.Rx ?? []), ...ds.CTCaps.map((c) => ({ CTType: c.CTType, VerCT: c.VerCT ?? '' }))],
      })),
    }));
    fc.assert(fc.property(arb, (d) => {
      const back = convertDevInf(convertDevInf(d, '1.1'), '1.2');
      assert.equal(back.DataStores.length, d.DataStores.length);
      d.DataStores.forEach((ds, i) => {
        const names = (caps: typeof ds.CTCaps) => (caps ?? []).map((c) => [c.CTType, c.Properties.map((p) => p.PropName)]);
        const got = names(back.DataStores[i]!.CTCaps);
        for (const want of names(ds.CTCaps)) assert.ok(got.some((g) => JSON.stringify(g) === JSON.stringify(want)));
      });
    }), { seed: SEED + 4, numRuns: 200 });
  });
});
