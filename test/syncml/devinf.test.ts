// DevInf on real documents: SyncEvolution 1.1 and 1.2, client and server, standalone (XML and
// WBXML) and embedded in SyncML Put/Results.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  ctCapsFor, dataStoreFor, devInfFromDocument, devInfFromTree, devInfToDocument, devInfToTree, preferredRx, preferredTx,
  supportsAlert, syncTypes, type CTCap, type DevInf,
} from '../../src/syncml/devinf.js';
import { childElements, sameTree, type XElement } from '../../src/util/tree.js';
import { decodeWbxml, encodeWbxml } from '../../src/wbxml/index.js';
import { parseXml } from '../../src/xml/index.js';
import { SAMPLES } from '../helpers/peers.js';

const DEVINF_DIR = join(SAMPLES, 'devinf');
const STANDALONE = ['devinf11-client', 'devinf12-client', 'devinf12-server'] as const;

function sampleDoc(name: string) {
  return parseXml(readFileSync(join(DEVINF_DIR, `${name}.decoded.xml`)));
}

function sample(name: string): DevInf {
  return devInfFromDocument(sampleDoc(name));
}

/** Every `<DevInf>` element (ns devinf) below `e`. */
function findDevInf(e: XElement, out: XElement[] = []): XElement[] {
  for (const c of childElements(e)) {
    if (c.name === 'DevInf' && c.ns === 'devinf') out.push(c);
    else findDevInf(c, out);
  }
  return out;
}

function propNames(cap: CTCap): string[] {
  return cap.Properties.map((p) => p.PropName);
}

describe('DevInf: SyncEvolution samples', () => {
  for (const name of STANDALONE) {
    it(`${name}: tree -> model -> tree gives the same tree`, () => {
      const doc = sampleDoc(name);
      const d = devInfFromDocument(doc);
      assert.ok(sameTree(devInfToTree(d), doc.root));
      const out = devInfToDocument(d);
      assert.deepEqual(out.language, { kind: 'devinf', version: d.VerDTD });
    });

    it(`${name}: model -> tree -> model gives an equal model`, () => {
      const d = sample(name);
      assert.deepStrictEqual(devInfFromTree(devInfToTree(d)), d);
    });

    it(`${name}: WBXML capture decodes to the same model, and re-encodes to it`, () => {
      const fromXml = sample(name);
      const fromWbxml = devInfFromDocument(decodeWbxml(readFileSync(join(DEVINF_DIR, `${name}.wbxml`))));
      assert.deepStrictEqual(fromWbxml, fromXml);
      const again = devInfFromDocument(decodeWbxml(encodeWbxml(devInfToDocument(fromXml))));
      assert.deepStrictEqual(again, fromXml);
    });
  }

  it('1.1 client: header fields, flags and the datastore', () => {
    const d = sample('devinf11-client');
    assert.equal(d.VerDTD, '1.1');
    assert.equal(d.Man, 'Patrick Ohly');
    assert.equal(d.Mod, 'SyncEvolution');
    assert.equal(d.OEM, 'Synthesis AG');
    assert.equal(d.SwV, '3.4.0.47');
    assert.equal(d.DevID, 'syncevo-peer-client');
    assert.equal(d.DevTyp, 'workstation');
    assert.equal(d.UTC, true);
    assert.equal(d.SupportLargeObjs, true);
    assert.equal(d.SupportNumberOfChanges, true);
    assert.equal(d.DataStores.length, 1);
    const ds = d.DataStores[0]!;
    assert.equal(ds.SourceRef, './addressbook');
    assert.equal(ds.MaxGUIDSize, 64);
    assert.deepStrictEqual(ds.RxPref, { CTType: 'text/vcard', VerCT: '3.0' });
    assert.deepStrictEqual(ds.Rx, [{ CTType: 'text/x-vcard', VerCT: '2.1' }]);
    assert.deepStrictEqual(ds.SyncCap, ['1', '2', '3', '4', '5', '6', '7', '390001']);
    assert.equal(ds.CTCaps, undefined);
  });

  it('1.1 client: the flat CTCap becomes one CTCap per CTType with properties and params', () => {
    const d = sample('devinf11-client');
    assert.deepStrictEqual(d.CTCaps?.map((c) => c.CTType), ['text/vcard', 'text/x-vcard']);
    const [vcard30, vcard21] = d.CTCaps!;
    const version = vcard30!.Properties.find((p) => p.PropName === 'VERSION');
    assert.deepStrictEqual(version, { PropName: 'VERSION', ValEnums: ['3.0'] });
    const tel30 = vcard30!.Properties.find((p) => p.PropName === 'TEL');
    assert.equal(tel30?.PropParams?.length, 1);
    assert.equal(tel30?.PropParams?.[0]?.ParamName, 'TYPE');
    assert.deepStrictEqual(tel30?.PropParams?.[0]?.ValEnums?.slice(0, 3), ['HOME', 'WORK', 'VOICE']);
    // vCard 2.1 lists bare parameters: one ParamName each, no ValEnum.
    const tel21 = vcard21!.Properties.find((p) => p.PropName === 'TEL');
    assert.deepStrictEqual(tel21?.PropParams?.slice(0, 2), [{ ParamName: 'HOME' }, { ParamName: 'WORK' }]);
    assert.equal(propNames(vcard30!).at(-1), 'X-*');
    assert.equal(vcard30!.Properties.length, 72); // PropName count in the sample's text/vcard group
  });

  it('1.2 client: CTCaps live in the datastore with VerCT and MaxOccur', () => {
    const d = sample('devinf12-client');
    assert.equal(d.CTCaps, undefined);
    const ds = d.DataStores[0]!;
    assert.deepStrictEqual(ds.CTCaps?.map((c) => [c.CTType, c.VerCT]), [['text/vcard', '3.0'], ['text/x-vcard', '2.1']]);
    const version = ds.CTCaps![0]!.Properties.find((p) => p.PropName === 'VERSION');
    assert.deepStrictEqual(version, { PropName: 'VERSION', ValEnums: ['3.0'], MaxOccur: 1 });
  });

  it('1.2 server: no MaxGUIDSize, DevID is the server URL', () => {
    const d = sample('devinf12-server');
    assert.equal(d.DevID, 'http://127.0.0.1:9104/syncevolution');
    assert.equal(d.DataStores[0]!.MaxGUIDSize, undefined);
  });

  it('ctCapsFor gives the same capabilities for the 1.1 and the 1.2 DevInf of one peer', () => {
    const d11 = sample('devinf11-client');
    const d12 = sample('devinf12-client');
    const caps11 = ctCapsFor(d11, d11.DataStores[0]!);
    const caps12 = ctCapsFor(d12, d12.DataStores[0]!);
    assert.deepStrictEqual(caps11.map((c) => c.CTType), caps12.map((c) => c.CTType));
    for (let i = 0; i < caps11.length; i++) {
      assert.deepStrictEqual(propNames(caps11[i]!), propNames(caps12[i]!));
    }
    const params = (caps: CTCap[]) => caps[0]!.Properties.find((p) => p.PropName === 'EMAIL')?.PropParams;
    assert.deepStrictEqual(params(caps11), params(caps12));
  });

  it('written without remembered order, a decoded DevInf comes out in DTD order and decodes equal', () => {
    const d = sample('devinf12-client');
    const copy = structuredClone(d) as DevInf; // a copy carries no order memory
    const t = devInfToTree(copy);
    const flags = childElements(t).map((c) => c.name).filter((n) => n.startsWith('Support') || n === 'UTC');
    assert.deepStrictEqual(flags, ['UTC', 'SupportLargeObjs', 'SupportNumberOfChanges']);
    assert.equal(sameTree(t, sampleDoc('devinf12-client').root), false);
    const version = childElements(childElements(childElements(t).find((c) => c.name === 'DataStore')!)
      .find((c) => c.name === 'CTCap')!).find((c) => c.name === 'Property' && childElements(c)[0]?.children[0]?.kind === 'text'
        && (childElements(c)[0]!.children[0] as { value: string }).value === 'VERSION')!;
    assert.deepStrictEqual(childElements(version).map((c) => c.name), ['PropName', 'MaxOccur', 'ValEnum']);
    assert.deepStrictEqual(devInfFromTree(t), d);
  });

  it('queries: syncTypes, supportsAlert, dataStoreFor, preferredRx/Tx', () => {
    const d = sample('devinf11-client');
    const ds = d.DataStores[0]!;
    assert.deepStrictEqual(syncTypes(ds), [1, 2, 3, 4, 5, 6, 7]);
    assert.equal(supportsAlert(ds, 201), true);
    assert.equal(supportsAlert(ds, 222), false);
    assert.equal(dataStoreFor(d, './addressbook'), ds);
    assert.equal(dataStoreFor(d, 'AddressBook/'), ds);
    assert.equal(dataStoreFor(d, './addressbook?filter=1'), ds);
    assert.equal(dataStoreFor(d, 'calendar'), undefined);
    assert.deepStrictEqual(preferredRx(ds), { CTType: 'text/vcard', VerCT: '3.0' });
    assert.deepStrictEqual(preferredTx(ds), { CTType: 'text/vcard', VerCT: '3.0' });
  });
});

describe('DevInf: embedded in SyncML Put/Results', () => {
  const files: string[] = [];
  for (const dir of ['syncml11-xml', 'syncml12-xml']) {
    for (const f of readdirSync(join(SAMPLES, dir)).sort()) {
      if (f.endsWith('.xml') && readFileSync(join(SAMPLES, dir, f), 'utf8').includes('<DevInf')) files.push(join(dir, f));
    }
  }

  it('finds the samples', () => {
    assert.ok(files.length >= 8, `only ${files.length} samples carry a DevInf`);
  });

  for (const f of files) {
    it(`${f}: every embedded DevInf decodes and round-trips`, () => {
      const doc = parseXml(readFileSync(join(SAMPLES, f)));
      const found = findDevInf(doc.root);
      assert.ok(found.length >= 1);
      for (const e of found) {
        const d = devInfFromTree(e);
        assert.equal(d.VerDTD, f.startsWith('syncml11') ? '1.1' : '1.2');
        assert.ok(sameTree(devInfToTree(d), e));
        assert.deepStrictEqual(devInfFromTree(devInfToTree(d)), d);
        // The standalone captures are the client's 1.1/1.2 DevInf and the server's 1.2 one.
        const name = `devinf${d.VerDTD === '1.1' ? '11' : '12'}-${d.DevID === 'syncevo-peer-client' ? 'client' : 'server'}`;
        if (STANDALONE.includes(name as (typeof STANDALONE)[number])) assert.deepStrictEqual(d, sample(name));
      }
    });
  }
});
