// convertDevInf: 1.2 per-DataStore CTCap <-> 1.0/1.1 top-level CTCap, what is kept and what the
// older DTD cannot carry.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  convertDevInf, ctCapsFor, devInfFromDocument, devInfFromTree, devInfToTree, type CTCap, type DataStore, type DevInf, type Property,
} from '../../src/syncml/devinf.js';
import { childElements } from '../../src/util/tree.js';
import { parseXml } from '../../src/xml/index.js';
import { SAMPLES } from '../helpers/peers.js';

function sample(name: string): DevInf {
  return devInfFromDocument(parseXml(readFileSync(join(SAMPLES, 'devinf', `${name}.decoded.xml`))));
}

/** A plain copy (no remembered element order), for comparisons. */
function plain<T>(v: T): T {
  return structuredClone(v);
}

function withoutMaxOccur(caps: readonly CTCap[]): CTCap[] {
  return caps.map((c) => ({
    ...c,
    Properties: c.Properties.map((p) => {
      const { MaxOccur: _m, ...rest } = p;
      return rest as Property;
    }),
  }));
}

const store = (ref: string, ctType: string, verCT: string, extra: Partial<DataStore> = {}): DataStore => ({
  SourceRef: ref, RxPref: { CTType: ctType, VerCT: verCT }, TxPref: { CTType: ctType, VerCT: verCT }, SyncCap: ['1'], ...extra,
});

describe('convertDevInf', () => {
  it('1.1 -> 1.2 moves the top-level CTCaps into the datastore, VerCT from Rx/Tx', () => {
    const d11 = sample('devinf11-client');
    const d12 = convertDevInf(d11, '1.2');
    assert.equal(d12.VerDTD, '1.2');
    assert.equal(d12.CTCaps, undefined);
    const caps = d12.DataStores[0]!.CTCaps!;
    assert.deepStrictEqual(caps.map((c) => [c.CTType, c.VerCT]), [['text/vcard', '3.0'], ['text/x-vcard', '2.1']]);
    assert.deepStrictEqual(caps.map((c) => c.Properties), d11.CTCaps!.map((c) => c.Properties));
    // written in the 1.2 layout: CTCap elements inside DataStore, none at the top
    const t = devInfToTree(d12);
    assert.deepStrictEqual(childElements(t).filter((c) => c.name === 'CTCap'), []);
    assert.equal(childElements(childElements(t).find((c) => c.name === 'DataStore')!).filter((c) => c.name === 'CTCap').length, 2);
  });

  it('1.1 -> 1.2 -> 1.1 gives the original model back', () => {
    const d11 = sample('devinf11-client');
    assert.deepStrictEqual(plain(convertDevInf(convertDevInf(d11, '1.2'), '1.1')), plain(d11));
  });

  it('1.2 -> 1.1 lifts CTCaps to the top level and drops what DTD 1.1 cannot say (VerCT, MaxOccur)', () => {
    const d12 = sample('devinf12-client');
    const d11 = convertDevInf(d12, '1.1');
    assert.equal(d11.VerDTD, '1.1');
    assert.equal(d11.DataStores[0]!.CTCaps, undefined);
    assert.deepStrictEqual(d11.CTCaps?.map((c) => c.CTType), ['text/vcard', 'text/x-vcard']);
    assert.ok(d11.CTCaps!.every((c) => c.VerCT === undefined && c.Properties.every((p) => p.MaxOccur === undefined)));
    const t = devInfToTree(d11);
    assert.equal(childElements(t).filter((c) => c.name === 'CTCap').length, 1);
    // and back: everything except MaxOccur survives
    const back = convertDevInf(devInfFromTree(t), '1.2');
    const expected = { ...d12, DataStores: d12.DataStores.map((ds) => ({ ...ds, CTCaps: withoutMaxOccur(ds.CTCaps!) })) };
    assert.deepStrictEqual(plain(back), plain(expected));
  });

  it('the 1.1 form of the 1.2 sample lists the same properties as the real 1.1 sample', () => {
    const fromReal = sample('devinf11-client');
    const converted = convertDevInf(sample('devinf12-client'), '1.1');
    assert.deepStrictEqual(converted.CTCaps!.map((c) => c.Properties.map((p) => p.PropName)),
      fromReal.CTCaps!.map((c) => c.Properties.map((p) => p.PropName)));
    assert.deepStrictEqual(ctCapsFor(converted, converted.DataStores[0]!).length, 2);
  });

  it('to 1.0 also drops UTC, SupportLargeObjs, SupportNumberOfChanges and the 1.2-only datastore parts', () => {
    const d: DevInf = {
      VerDTD: '1.2', DevID: 'x', DevTyp: 'server', UTC: true, SupportLargeObjs: true, SupportNumberOfChanges: true,
      DataStores: [store('cal', 'text/calendar', '2.0', {
        SupportHierarchicalSync: true, FilterRx: [{ CTType: 'syncml:filtertype-cgi', VerCT: '1.0' }],
        FilterCaps: [{ CTType: 'text/calendar', VerCT: '2.0', FilterKeywords: ['SINCE'] }],
        CTCaps: [{
          CTType: 'text/calendar', VerCT: '2.0', FieldLevel: true, Properties: [
            { PropName: 'CLASS', DataType: 'chr', ValEnums: ['PUBLIC'], NoTruncate: true },
            { PropName: 'SUMMARY', MaxSize: 100 },
          ],
        }],
      })],
    };
    const d10 = convertDevInf(d, '1.0');
    assert.deepStrictEqual(plain(d10), {
      VerDTD: '1.0', DevID: 'x', DevTyp: 'server',
      DataStores: [store('cal', 'text/calendar', '2.0')],
      CTCaps: [{ CTType: 'text/calendar', Properties: [{ PropName: 'CLASS', ValEnums: ['PUBLIC'] }, { PropName: 'SUMMARY', MaxSize: 100 }] }],
    });
    assert.deepStrictEqual(d.DataStores[0]!.CTCaps![0]!.Properties[0]!.DataType, 'chr', 'input unchanged');
  });

  it('a CTCap shared by two datastores is written once in 1.1 and given back to both in 1.2', () => {
    const cap: CTCap = { CTType: 'text/x-vcalendar', VerCT: '1.0', Properties: [{ PropName: 'DTSTART' }] };
    const d: DevInf = {
      VerDTD: '1.2', DevID: 'x', DevTyp: 'phone',
      DataStores: [store('Calendar', 'text/x-vcalendar', '1.0', { CTCaps: [cap] }), store('Tasks', 'text/x-vcalendar', '1.0', { CTCaps: [cap] })],
    };
    const d11 = convertDevInf(d, '1.1');
    assert.equal(d11.CTCaps?.length, 1);
    assert.deepStrictEqual(plain(convertDevInf(d11, '1.2')), plain(d));
  });

  it('to 1.2 drops top-level CTCaps no datastore names, and PropParam sizes (1.2 has none)', () => {
    const d: DevInf = {
      VerDTD: '1.1', DevID: 'x', DevTyp: 'phone', DataStores: [store('Contacts', 'text/x-vcard', '2.1')],
      CTCaps: [
        { CTType: 'text/x-vcard', Properties: [{ PropName: 'TEL', PropParams: [{ ParamName: 'X-LABEL', DataType: 'chr', MaxSize: 10 }] }] },
        { CTType: 'text/x-vnote', Properties: [{ PropName: 'BODY' }] },
      ],
    };
    const d12 = convertDevInf(d, '1.2');
    assert.equal(d12.CTCaps, undefined);
    assert.deepStrictEqual(plain(d12.DataStores[0]!.CTCaps), [{
      CTType: 'text/x-vcard', VerCT: '2.1', Properties: [{ PropName: 'TEL', PropParams: [{ ParamName: 'X-LABEL', DataType: 'chr' }] }],
    }]);
  });

  it('keeps a datastore\'s own CTCap over a top-level one for the same type (Nokia mixes both)', () => {
    const own: CTCap = { CTType: 'text/x-vcard', VerCT: '2.1', Properties: [{ PropName: 'N' }] };
    const d: DevInf = {
      VerDTD: '1.1', DevID: 'x', DevTyp: 'phone', DataStores: [store('Contacts', 'text/x-vcard', '2.1', { CTCaps: [own] })],
      CTCaps: [{ CTType: 'TEXT/X-VCARD', Properties: [{ PropName: 'FN' }] }],
    };
    assert.deepStrictEqual(plain(convertDevInf(d, '1.2').DataStores[0]!.CTCaps), [own]);
    assert.deepStrictEqual(ctCapsFor(d, d.DataStores[0]!), [own]);
  });
});
