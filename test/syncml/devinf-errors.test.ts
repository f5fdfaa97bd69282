// DevInf validation: input -> error code + SyncML status (+ element), decoding and encoding.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BridgeError, SyncmlError } from '../../src/errors.js';
import {
  DEVINF_ERROR, DevInfError, devInfFromDocument, devInfFromTree, devInfToTree, type DevInf,
} from '../../src/syncml/devinf.js';
import { el, type XElement, type XNode } from '../../src/util/tree.js';

const d = (name: string, children: ReadonlyArray<XNode | string> = []): XElement => el(name, 'devinf', children);

const GOOD_STORE = d('DataStore', [d('SourceRef', ['Contacts']), d('SyncCap', [d('SyncType', ['1'])])]);

/** A DevInf with the given header leaves (name -> text; null leaves the element out). */
function devinf(fields: Record<string, string | null>, extra: XElement[] = [GOOD_STORE]): XElement {
  const base: Record<string, string | null> = { VerDTD: '1.2', DevID: 'IMEI:1', DevTyp: 'phone', ...fields };
  const leaves = Object.entries(base).filter((e): e is [string, string] => e[1] !== null).map(([k, v]) => d(k, [v]));
  return d('DevInf', [...leaves, ...extra]);
}

interface Case {
  readonly name: string;
  readonly input: XElement;
  readonly code: string;
  readonly status: number;
  readonly element: string;
}

const DECODE_CASES: Case[] = [
  { name: 'root is not DevInf', input: el('SyncML', 'syncml', [d('VerDTD', ['1.2'])]), code: 'SB_ERR_DEVINF_NOT_DEVINF', status: 400, element: 'SyncML' },
  { name: 'VerDTD missing', input: devinf({ VerDTD: null }), code: 'SB_ERR_DEVINF_MISSING_ELEMENT', status: 412, element: 'VerDTD' },
  { name: 'VerDTD empty', input: devinf({ VerDTD: '  ' }), code: 'SB_ERR_DEVINF_MISSING_ELEMENT', status: 412, element: 'VerDTD' },
  { name: 'VerDTD 2.0', input: devinf({ VerDTD: '2.0' }), code: 'SB_ERR_DEVINF_VERDTD', status: 505, element: 'VerDTD' },
  { name: 'VerDTD 1.3', input: devinf({ VerDTD: '1.3' }), code: 'SB_ERR_DEVINF_VERDTD', status: 505, element: 'VerDTD' },
  { name: 'VerDTD is a SyncML VerProto', input: devinf({ VerDTD: 'SyncML/1.2' }), code: 'SB_ERR_DEVINF_VERDTD', status: 505, element: 'VerDTD' },
  { name: 'DevID missing', input: devinf({ DevID: null }), code: 'SB_ERR_DEVINF_MISSING_ELEMENT', status: 412, element: 'DevID' },
  { name: 'DevID blank', input: devinf({ DevID: ' \n' }), code: 'SB_ERR_DEVINF_MISSING_ELEMENT', status: 412, element: 'DevID' },
  { name: 'DevTyp missing', input: devinf({ DevTyp: null }), code: 'SB_ERR_DEVINF_MISSING_ELEMENT', status: 412, element: 'DevTyp' },
  {
    name: 'DataStore without SourceRef', input: devinf({}, [GOOD_STORE, d('DataStore', [d('DisplayName', ['x'])])]),
    code: 'SB_ERR_DEVINF_MISSING_ELEMENT', status: 412, element: 'DataStore/SourceRef',
  },
  {
    name: 'DataStore with empty SourceRef', input: devinf({}, [d('DataStore', [d('SourceRef')])]),
    code: 'SB_ERR_DEVINF_MISSING_ELEMENT', status: 412, element: 'DataStore/SourceRef',
  },
];

function expectError(fn: () => unknown, c: { code: string; status: number; element: string }): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof DevInfError);
    assert.ok(err instanceof SyncmlError);
    assert.ok(err instanceof BridgeError);
    assert.equal(err.name, 'DevInfError');
    assert.equal(err.code, c.code);
    assert.equal(err.syncmlStatus, c.status);
    assert.equal(err.element, c.element);
    return true;
  });
}

describe('DevInf validation errors', () => {
  for (const c of DECODE_CASES) {
    it(`decode: ${c.name} -> ${c.code} ${c.status}`, () => expectError(() => devInfFromTree(c.input), c));
  }

  it('devInfFromDocument checks the root the same way', () => {
    expectError(() => devInfFromDocument({ language: { kind: 'devinf', version: '1.2' }, root: devinf({ DevTyp: null }) }),
      { code: 'SB_ERR_DEVINF_MISSING_ELEMENT', status: 412, element: 'DevTyp' });
  });

  it('the table of codes matches what the errors carry', () => {
    for (const [kind, k] of Object.entries(DEVINF_ERROR)) {
      const e = new DevInfError(kind as keyof typeof DEVINF_ERROR, 'm');
      assert.equal(e.code, k.code);
      assert.equal(e.syncmlStatus, k.status);
    }
  });

  const model: DevInf = { VerDTD: '1.2', DevID: 'IMEI:1', DevTyp: 'phone', DataStores: [{ SourceRef: 'Contacts' }] };
  const ENCODE_CASES: { name: string; input: DevInf; code: string; status: number; element: string }[] = [
    { name: 'empty DevID', input: { ...model, DevID: '' }, code: 'SB_ERR_DEVINF_MISSING_ELEMENT', status: 412, element: 'DevID' },
    { name: 'empty DevTyp', input: { ...model, DevTyp: '' }, code: 'SB_ERR_DEVINF_MISSING_ELEMENT', status: 412, element: 'DevTyp' },
    {
      name: 'empty SourceRef', input: { ...model, DataStores: [{ SourceRef: '' }] },
      code: 'SB_ERR_DEVINF_MISSING_ELEMENT', status: 412, element: 'DataStore/SourceRef',
    },
    {
      name: 'VerDTD 2.0 (untyped caller)', input: { ...model, VerDTD: '2.0' as DevInf['VerDTD'] },
      code: 'SB_ERR_DEVINF_VERDTD', status: 505, element: 'VerDTD',
    },
  ];
  for (const c of ENCODE_CASES) {
    it(`encode: ${c.name} -> ${c.code} ${c.status}`, () => expectError(() => devInfToTree(c.input), c));
  }

  it('a minimal valid DevInf passes both ways', () => {
    assert.deepStrictEqual(devInfFromTree(devInfToTree(model)), model);
    assert.deepStrictEqual(devInfFromTree(devinf({})).DataStores, [{ SourceRef: 'Contacts', SyncCap: ['1'] }]);
  });
});
