// Hand-written DevInf documents: the 1.0/1.1 flat CTCap with every element of its grammar, a
// 1.2 document with every element, and the deviations real devices send.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { devInfFromTree, devInfToTree, syncTypes, type DevInf } from '../../src/syncml/devinf.js';
import { childElements, sameTree, type XElement } from '../../src/util/tree.js';
import { parseXml } from '../../src/xml/index.js';

function tree(xml: string): XElement {
  return parseXml(`<DevInf xmlns="syncml:devinf">${xml.replace(/>\s+</g, '><').trim()}</DevInf>`).root;
}

/** Decode, check the model, and check both round trips. */
function roundTrip(xml: string, expected?: DevInf): DevInf {
  const t = tree(xml);
  const d = devInfFromTree(t);
  if (expected !== undefined) assert.deepStrictEqual(d, expected);
  assert.ok(sameTree(devInfToTree(d), t), 'tree -> model -> tree');
  assert.deepStrictEqual(devInfFromTree(devInfToTree(structuredClone(d))), d, 'model -> tree -> model');
  return d;
}

const HEAD = '<Man>ACME</Man><Mod>P1</Mod><DevID>IMEI:1</DevID><DevTyp>phone</DevTyp>';
const STORE = `<DataStore><SourceRef>Contacts</SourceRef><Rx-Pref><CTType>text/x-vcard</CTType><VerCT>2.1</VerCT></Rx-Pref>
  <Tx-Pref><CTType>text/x-vcard</CTType><VerCT>2.1</VerCT></Tx-Pref><SyncCap><SyncType>1</SyncType><SyncType>2</SyncType></SyncCap></DataStore>`;
const STORE_MODEL = {
  SourceRef: 'Contacts', RxPref: { CTType: 'text/x-vcard', VerCT: '2.1' }, TxPref: { CTType: 'text/x-vcard', VerCT: '2.1' }, SyncCap: ['1', '2'],
} as const;

describe('DevInf 1.0/1.1 flat CTCap', () => {
  it('1.0: ValEnum, DataType, Size, DisplayName on properties and params; DSMem; Ext', () => {
    roundTrip(`<VerDTD>1.0</VerDTD>${HEAD}
      <DataStore><SourceRef>./Contacts</SourceRef><DisplayName>Phonebook</DisplayName><MaxGUIDSize>8</MaxGUIDSize>
        <Rx-Pref><CTType>text/x-vcard</CTType><VerCT>2.1</VerCT></Rx-Pref><Rx><CTType>text/vcard</CTType><VerCT>3.0</VerCT></Rx>
        <Tx-Pref><CTType>text/x-vcard</CTType><VerCT>2.1</VerCT></Tx-Pref>
        <DSMem><SharedMem/><MaxMem>65536</MaxMem><MaxID>500</MaxID></DSMem>
        <SyncCap><SyncType>1</SyncType><SyncType>7</SyncType></SyncCap></DataStore>
      <CTCap>
        <CTType>text/x-vcard</CTType>
        <PropName>BEGIN</PropName><ValEnum>VCARD</ValEnum>
        <PropName>N</PropName><DataType>chr</DataType><Size>40</Size><DisplayName>Name</DisplayName>
        <PropName>TEL</PropName><DisplayName>Phone</DisplayName>
          <ParamName>TYPE</ParamName><ValEnum>CELL</ValEnum><ValEnum>HOME</ValEnum><DisplayName>Kind</DisplayName>
          <ParamName>X-LABEL</ParamName><DataType>chr</DataType><Size>10</Size>
        <CTType>text/x-vcalendar</CTType>
        <PropName>DTSTART</PropName><DataType>datetime</DataType>
      </CTCap>
      <Ext><XNam>X-ACME-Ringtones</XNam><XVal>midi</XVal><XVal>mp3</XVal></Ext><Ext><XNam>X-ACME-Empty</XNam></Ext>`, {
      VerDTD: '1.0', Man: 'ACME', Mod: 'P1', DevID: 'IMEI:1', DevTyp: 'phone',
      DataStores: [{
        SourceRef: './Contacts', DisplayName: 'Phonebook', MaxGUIDSize: 8,
        RxPref: { CTType: 'text/x-vcard', VerCT: '2.1' }, Rx: [{ CTType: 'text/vcard', VerCT: '3.0' }],
        TxPref: { CTType: 'text/x-vcard', VerCT: '2.1' },
        DSMem: { SharedMem: true, MaxMem: 65536, MaxID: 500 }, SyncCap: ['1', '7'],
      }],
      CTCaps: [
        {
          CTType: 'text/x-vcard', Properties: [
            { PropName: 'BEGIN', ValEnums: ['VCARD'] },
            { PropName: 'N', DataType: 'chr', MaxSize: 40, DisplayName: 'Name' },
            {
              PropName: 'TEL', DisplayName: 'Phone', PropParams: [
                { ParamName: 'TYPE', ValEnums: ['CELL', 'HOME'], DisplayName: 'Kind' },
                { ParamName: 'X-LABEL', DataType: 'chr', MaxSize: 10 },
              ],
            },
          ],
        },
        { CTType: 'text/x-vcalendar', Properties: [{ PropName: 'DTSTART', DataType: 'datetime' }] },
      ],
      Exts: [{ XNam: 'X-ACME-Ringtones', XVals: ['midi', 'mp3'] }, { XNam: 'X-ACME-Empty' }],
    });
  });

  it('1.1: UTC, SupportLargeObjs, SupportNumberOfChanges; the flat CTCap is written back as one element', () => {
    const d = roundTrip(`<VerDTD>1.1</VerDTD>${HEAD}<UTC/><SupportLargeObjs/><SupportNumberOfChanges/>${STORE}
      <CTCap><CTType>text/x-vcard</CTType><PropName>FN</PropName><CTType>text/plain</CTType><PropName>BODY</PropName><Size>255</Size></CTCap>`);
    assert.equal(d.UTC, true);
    assert.deepStrictEqual(d.CTCaps, [
      { CTType: 'text/x-vcard', Properties: [{ PropName: 'FN' }] },
      { CTType: 'text/plain', Properties: [{ PropName: 'BODY', MaxSize: 255 }] },
    ]);
    const caps = childElements(devInfToTree(d)).filter((c) => c.name === 'CTCap');
    assert.equal(caps.length, 1);
  });

  it('1.1 flat CTCap with VerCT after CTType (libsynthesis accepts it) keeps VerCT', () => {
    const d = roundTrip(`<VerDTD>1.1</VerDTD>${HEAD}${STORE}<CTCap><CTType>text/x-vcard</CTType><VerCT>2.1</VerCT><PropName>FN</PropName></CTCap>`);
    assert.equal(d.CTCaps?.[0]?.VerCT, '2.1');
  });
});

const FULL_12 = `<VerDTD>1.2</VerDTD><Man>ACME</Man><Mod>P2</Mod><OEM>OEM Co</OEM><FwV>1.0</FwV><SwV>2.0</SwV><HwV>3.0</HwV>
  <DevID>IMEI:2</DevID><DevTyp>smartphone</DevTyp><UTC/><SupportLargeObjs/><SupportNumberOfChanges/>
  <DataStore><SourceRef>./cal</SourceRef><DisplayName>Calendar</DisplayName><MaxGUIDSize>32</MaxGUIDSize>
    <Rx-Pref><CTType>text/calendar</CTType><VerCT>2.0</VerCT></Rx-Pref><Rx><CTType>text/x-vcalendar</CTType><VerCT>1.0</VerCT></Rx>
    <Rx><CTType>text/plain</CTType><VerCT>1.0</VerCT></Rx>
    <Tx-Pref><CTType>text/calendar</CTType><VerCT>2.0</VerCT></Tx-Pref><Tx><CTType>text/x-vcalendar</CTType><VerCT>1.0</VerCT></Tx>
    <CTCap><CTType>text/calendar</CTType><VerCT>2.0</VerCT><FieldLevel/>
      <Property><PropName>SUMMARY</PropName><DataType>chr</DataType><MaxOccur>1</MaxOccur><MaxSize>255</MaxSize><NoTruncate/>
        <DisplayName>Title</DisplayName></Property>
      <Property><PropName>CLASS</PropName><ValEnum>PUBLIC</ValEnum><ValEnum>PRIVATE</ValEnum></Property>
      <Property><PropName>ATTENDEE</PropName>
        <PropParam><ParamName>ROLE</ParamName><ValEnum>CHAIR</ValEnum><ValEnum>REQ-PARTICIPANT</ValEnum><DisplayName>Role</DisplayName></PropParam>
        <PropParam><ParamName>CN</ParamName><DataType>chr</DataType></PropParam></Property>
    </CTCap>
    <CTCap><CTType>text/x-vcalendar</CTType><VerCT>1.0</VerCT><Property><PropName>DTSTART</PropName></Property></CTCap>
    <DSMem><MaxMem>1000000</MaxMem></DSMem><SupportHierarchicalSync/>
    <SyncCap><SyncType>1</SyncType><SyncType>2</SyncType><SyncType>6</SyncType></SyncCap>
    <Filter-Rx><CTType>syncml:filtertype-cgi</CTType><VerCT>1.0</VerCT></Filter-Rx>
    <FilterCap><CTType>text/calendar</CTType><VerCT>2.0</VerCT><FilterKeyword>BEFORE</FilterKeyword><FilterKeyword>SINCE</FilterKeyword>
      <PropName>DTSTART</PropName><PropName>SUMMARY</PropName></FilterCap>
  </DataStore>
  <Ext><XNam>X-ACME</XNam><XVal>1</XVal></Ext>`;

describe('DevInf 1.2 with every element', () => {
  it('decodes every element and round-trips exactly', () => {
    const d = roundTrip(FULL_12);
    assert.equal(d.OEM, 'OEM Co');
    assert.equal(d.HwV, '3.0');
    const ds = d.DataStores[0]!;
    assert.deepStrictEqual(ds.Rx?.map((r) => r.CTType), ['text/x-vcalendar', 'text/plain']);
    assert.deepStrictEqual(ds.DSMem, { MaxMem: 1000000 });
    assert.equal(ds.SupportHierarchicalSync, true);
    assert.deepStrictEqual(ds.FilterRx, [{ CTType: 'syncml:filtertype-cgi', VerCT: '1.0' }]);
    assert.deepStrictEqual(ds.FilterCaps, [{
      CTType: 'text/calendar', VerCT: '2.0', FilterKeywords: ['BEFORE', 'SINCE'], PropNames: ['DTSTART', 'SUMMARY'],
    }]);
    const cal = ds.CTCaps![0]!;
    assert.equal(cal.FieldLevel, true);
    assert.deepStrictEqual(cal.Properties[0], {
      PropName: 'SUMMARY', DataType: 'chr', MaxOccur: 1, MaxSize: 255, NoTruncate: true, DisplayName: 'Title',
    });
    assert.deepStrictEqual(cal.Properties[2]?.PropParams, [
      { ParamName: 'ROLE', ValEnums: ['CHAIR', 'REQ-PARTICIPANT'], DisplayName: 'Role' },
      { ParamName: 'CN', DataType: 'chr' },
    ]);
    assert.deepStrictEqual(syncTypes(ds), [1, 2, 6]);
    assert.deepStrictEqual(d.Exts, [{ XNam: 'X-ACME', XVals: ['1'] }]);
  });

  it('writes MaxSize in 1.2 and Size when the same CTCap sits in a 1.1 document', () => {
    const d = devInfFromTree(tree(FULL_12));
    const sizeNames = (t: XElement): string[] => {
      const out: string[] = [];
      const walk = (e: XElement): void => {
        for (const c of childElements(e)) { if (c.name === 'Size' || c.name === 'MaxSize') out.push(c.name); walk(c); }
      };
      walk(t);
      return out;
    };
    assert.deepStrictEqual(sizeNames(devInfToTree(d)), ['MaxSize']);
    assert.deepStrictEqual(sizeNames(devInfToTree({ ...d, VerDTD: '1.1' })), ['Size']);
  });
});

describe('DevInf: liberal with devices', () => {
  it('skips unknown and vendor elements, trims text, drops non-numeric numbers', () => {
    const d = devInfFromTree(tree(`<VerDTD> 1.1 </VerDTD><Man>  ACME </Man><X-Vendor>1</X-Vendor><DevID>IMEI:1</DevID>
      <DevTyp>phone</DevTyp><DataStore><SourceRef> Contacts </SourceRef><MaxGUIDSize>lots</MaxGUIDSize><Blob/>
      <Rx-Pref><CTType>text/x-vcard</CTType><VerCT>2.1</VerCT></Rx-Pref><SyncCap><SyncType> 2 </SyncType><SyncType>two-way</SyncType></SyncCap>
      </DataStore>`));
    assert.equal(d.VerDTD, '1.1');
    assert.equal(d.Man, 'ACME');
    const ds = d.DataStores[0]!;
    assert.equal(ds.SourceRef, 'Contacts');
    assert.equal(ds.MaxGUIDSize, undefined);
    assert.ok(!('MaxGUIDSize' in ds));
    assert.deepStrictEqual(ds.SyncCap, ['2', 'two-way']);
    assert.deepStrictEqual(syncTypes(ds), [2]);
  });

  it('keeps the first Rx-Pref when a peer sends two (libsynthesis does the same)', () => {
    const d = devInfFromTree(tree(`<VerDTD>1.2</VerDTD>${HEAD}<DataStore><SourceRef>a</SourceRef>
      <Rx-Pref><CTType>text/calendar</CTType><VerCT>2.0</VerCT></Rx-Pref><Rx-Pref><CTType>application/folder</CTType></Rx-Pref></DataStore>`));
    assert.deepStrictEqual(d.DataStores[0]!.RxPref, { CTType: 'text/calendar', VerCT: '2.0' });
  });

  it('accepts DevInf 1.2 elements inside a 1.1 document (Nokia) and round-trips them', () => {
    const d = roundTrip(`<VerDTD>1.1</VerDTD>${HEAD}<DataStore><SourceRef>Contacts</SourceRef>
      <Rx-Pref><CTType>text/x-vcard</CTType><VerCT>2.1</VerCT></Rx-Pref><Tx-Pref><CTType>text/x-vcard</CTType><VerCT>2.1</VerCT></Tx-Pref>
      <CTCap><CTType>text/x-vcard</CTType><VerCT>2.1</VerCT><Property><PropName>N</PropName><Size>30</Size></Property></CTCap>
      <SupportHierarchicalSync/><SyncCap><SyncType>1</SyncType></SyncCap></DataStore>`);
    assert.deepStrictEqual(d.DataStores[0]!.CTCaps, [{ CTType: 'text/x-vcard', VerCT: '2.1', Properties: [{ PropName: 'N', MaxSize: 30 }] }]);
    assert.equal(d.DataStores[0]!.SupportHierarchicalSync, true);
  });

  it('reads ParamName straight inside a 1.2 Property (Nokia 2630)', () => {
    const d = devInfFromTree(tree(`<VerDTD>1.2</VerDTD>${HEAD}<DataStore><SourceRef>c</SourceRef><CTCap><CTType>text/x-vcard</CTType>
      <VerCT>2.1</VerCT><Property><PropName>TEL</PropName><ParamName>TYPE</ParamName><ValEnum>CELL</ValEnum><ValEnum>WORK</ValEnum>
      <ParamName>X-NOKIA</ParamName></Property></CTCap></DataStore>`));
    assert.deepStrictEqual(d.DataStores[0]!.CTCaps?.[0]?.Properties, [
      { PropName: 'TEL', PropParams: [{ ParamName: 'TYPE', ValEnums: ['CELL', 'WORK'] }, { ParamName: 'X-NOKIA' }] },
    ]);
  });

  it('reads 1.2 Property CTCaps at the top level of a 1.2 document (Nokia N900) and writes them back there', () => {
    const d = roundTrip(`<VerDTD>1.2</VerDTD>${HEAD}${STORE}
      <CTCap><CTType>text/x-vcard</CTType><VerCT>2.1</VerCT><Property><PropName>N</PropName><MaxOccur>1</MaxOccur></Property></CTCap>
      <CTCap><CTType>text/plain</CTType><VerCT>1.0</VerCT><Property><PropName>BODY</PropName></Property></CTCap>`);
    assert.deepStrictEqual(d.CTCaps?.map((c) => c.CTType), ['text/x-vcard', 'text/plain']);
    assert.deepStrictEqual(d.DataStores, [STORE_MODEL]);
  });

  it('accepts a DevInf without DataStore, an Ext without XNam, CTCap content before any CTType', () => {
    const d = devInfFromTree(tree(`<VerDTD>1.1</VerDTD>${HEAD}<CTCap><PropName>LOST</PropName><CTType>text/plain</CTType></CTCap>
      <Ext><XVal>orphan</XVal></Ext>`));
    assert.deepStrictEqual(d.DataStores, []);
    assert.deepStrictEqual(d.CTCaps, [{ CTType: 'text/plain', Properties: [] }]);
    assert.equal(d.Exts, undefined);
  });
});
