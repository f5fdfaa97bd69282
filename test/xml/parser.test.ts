/** parseXml / XmlParser: namespaces, versions, DOCTYPE forms, text rules. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { child, el, sameTree, textOf, type XElement } from '../../src/util/tree.js';
import { parseXml, XmlParser } from '../../src/xml/index.js';

const HDR = (v: string): string => `<SyncHdr><VerDTD>${v}</VerDTD><VerProto>SyncML/${v}</VerProto><SessionID>1</SessionID><MsgID>1</MsgID>`
  + '<Target><LocURI>srv</LocURI></Target><Source><LocURI>IMEI:1</LocURI></Source></SyncHdr>';

function path(root: XElement, ...names: string[]): XElement {
  let e = root;
  for (const n of names) {
    const c = child(e, n);
    assert.ok(c !== undefined, `no ${n} under ${e.name}`);
    e = c;
  }
  return e;
}

test('root xmlns in any letter case gives the SyncML version', () => {
  for (const [ns, v] of [['SYNCML:SYNCML1.2', '1.2'], ['syncml:syncml1.1', '1.1'], ['SyncML:SyncML1.0', '1.0']] as const) {
    const d = parseXml(`<SyncML xmlns="${ns}">${HDR('1.2')}<SyncBody/></SyncML>`);
    assert.deepEqual(d.language, { kind: 'syncml', version: v }, ns);
    assert.equal(d.root.ns, 'syncml');
  }
});

test('no xmlns: version from the DOCTYPE FPI, else from SyncHdr/VerDTD', () => {
  const dt = '<!DOCTYPE SyncML PUBLIC "-//SYNCML//DTD SyncML 1.0//EN" "http://www.syncml.org/docs/syncml_represent_v10_20001207.dtd">';
  assert.deepEqual(parseXml(`<?xml version="1.0"?>\n${dt}\n<SyncML>${HDR('1.1')}<SyncBody/></SyncML>`).language, { kind: 'syncml', version: '1.0' });
  assert.deepEqual(parseXml(`<SyncML>${HDR('1.1')}<SyncBody/></SyncML>`).language, { kind: 'syncml', version: '1.1' });
  assert.deepEqual(parseXml(`<SyncML>${HDR(' 1.0 ')}<SyncBody/></SyncML>`).language, { kind: 'syncml', version: '1.0' });
  // A VerDTD anywhere else (inline DevInf) does not count.
  const body = '<SyncBody><Put><CmdID>1</CmdID><Item><Data><DevInf><VerDTD>1.2</VerDTD></DevInf></Data></Item></Put></SyncBody>';
  assert.throws(() => parseXml(`<SyncML><SyncHdr><VerProto>SyncML/1.0</VerProto></SyncHdr>${body}</SyncML>`), { code: 'SB_ERR_XML_UNKNOWN_VERSION' });
  // SYSTEM-only DOCTYPE is accepted (never fetched) and says nothing about the version.
  assert.deepEqual(parseXml(`<!DOCTYPE SyncML SYSTEM "file:///etc/passwd"><SyncML>${HDR('1.2')}<SyncBody/></SyncML>`).language, { kind: 'syncml', version: '1.2' });
});

test('DevInf root: version from DOCTYPE or VerDTD; MetInf root from DOCTYPE', () => {
  assert.deepEqual(parseXml('<DevInf xmlns="syncml:devinf"><VerDTD>1.1</VerDTD><Man>X</Man></DevInf>').language, { kind: 'devinf', version: '1.1' });
  assert.deepEqual(parseXml('<!DOCTYPE DevInf PUBLIC "-//SYNCML//DTD DevInf 1.2//EN" "x"><DevInf xmlns="SYNCML:DEVINF"><Man>X</Man></DevInf>').language, { kind: 'devinf', version: '1.2' });
  const m = parseXml('<!DOCTYPE MetInf PUBLIC "-//SYNCML//DTD MetInf 1.2//EN" "x"><MetInf xmlns="syncml:metinf"><Type>a</Type></MetInf>');
  assert.deepEqual(m.language, { kind: 'metinf', version: '1.2' });
  assert.equal(path(m.root, 'Type').ns, 'metinf');
  assert.equal(parseXml('<DevInf><VerDTD>1.0</VerDTD></DevInf>').root.ns, 'devinf');
});

test('xmlns wins over the DOCTYPE; a DOCTYPE of another document type is ignored', () => {
  const dt12 = '<!DOCTYPE SyncML PUBLIC "-//SYNCML//DTD SyncML 1.2//EN" "x">';
  assert.equal(parseXml(`${dt12}<SyncML xmlns="SYNCML:SYNCML1.1">${HDR('1.0')}</SyncML>`).language.version, '1.1');
  const dtDevInf = '<!DOCTYPE SyncML PUBLIC "-//SYNCML//DTD DevInf 1.2//EN" "x">';
  assert.equal(parseXml(`${dtDevInf}<SyncML>${HDR('1.0')}</SyncML>`).language.version, '1.0');
});

test('MetInf: explicit xmlns, omitted xmlns under Meta, prefixed forms, inheritance', () => {
  const d = parseXml(`<SyncML xmlns="SYNCML:SYNCML1.2" xmlns:m="syncml:metinf">${HDR('1.2')}<SyncBody>`
    + '<Alert><CmdID>1</CmdID><Item><Meta><Anchor xmlns=\'syncml:metinf\'><Last>1</Last><Next>2</Next></Anchor></Meta></Item></Alert>'
    + '<Put><CmdID>2</CmdID><Meta><Type>text/plain</Type><Mem><FreeMem>5</FreeMem></Mem></Meta></Put>'
    + '<Get><CmdID>3</CmdID><Meta><m:Type>text/x-vcard</m:Type><m:MaxObjSize>9</m:MaxObjSize></Meta></Get>'
    + '<Replace><CmdID>4</CmdID><Meta xmlns="syncml:metinf"><Format>b64</Format></Meta></Replace>'
    + '</SyncBody></SyncML>');
  const body = path(d.root, 'SyncBody');
  const meta = path(body, 'Alert', 'Item', 'Meta');
  assert.equal(meta.ns, 'syncml');
  assert.equal(path(meta, 'Anchor').ns, 'metinf');
  assert.equal(path(meta, 'Anchor', 'Next').ns, 'metinf');
  assert.equal(path(body, 'Put', 'Meta', 'Type').ns, 'metinf');
  assert.equal(path(body, 'Put', 'Meta', 'Mem', 'FreeMem').ns, 'metinf');
  const getType = path(body, 'Get', 'Meta', 'Type');
  assert.equal(getType.ns, 'metinf');
  assert.equal(getType.name, 'Type', 'prefix stripped from the name');
  assert.equal(path(body, 'Replace', 'Meta').ns, 'syncml', 'a Meta with xmlns metinf stays a SyncML Meta');
  assert.equal(path(body, 'Replace', 'Meta', 'Format').ns, 'metinf');
  // After Meta, siblings are SyncML again.
  assert.equal(path(body, 'Get', 'CmdID').ns, 'syncml');
});

test('inline DevInf in Data is an element child with ns devinf, with or without xmlns', () => {
  for (const attr of [' xmlns="syncml:devinf"', ' xmlns="SYNCML:DEVINF"', '']) {
    const d = parseXml(`<SyncML xmlns="SYNCML:SYNCML1.1">${HDR('1.1')}<SyncBody><Results><CmdID>1</CmdID><Item><Data>\n  <DevInf${attr}>\n  <VerDTD>1.1</VerDTD><DataStore><SourceRef>a</SourceRef></DataStore></DevInf>\n</Data></Item></Results></SyncBody></SyncML>`);
    const data = path(d.root, 'SyncBody', 'Results', 'Item', 'Data');
    assert.equal(data.children.length, 1, 'whitespace around the DevInf is dropped');
    const di = path(data, 'DevInf');
    assert.equal(di.ns, 'devinf');
    assert.equal(path(di, 'DataStore', 'SourceRef').ns, 'devinf');
    assert.equal(path(d.root, 'SyncBody', 'Results', 'CmdID').ns, 'syncml');
  }
});

test('prefixed root and prefix scoping', () => {
  const d = parseXml(`<s:SyncML xmlns:s="SYNCML:SYNCML1.2"><s:SyncHdr><s:VerDTD>1.2</s:VerDTD></s:SyncHdr></s:SyncML>`);
  assert.deepEqual(d.language, { kind: 'syncml', version: '1.2' });
  assert.deepEqual(parseXml(`<s:SyncML xmlns:s="SYNCML:SYNCML1.1"><s:SyncHdr/></s:SyncML>`).language, { kind: 'syncml', version: '1.1' });
  assert.ok(sameTree(d.root, el('SyncML', 'syncml', [el('SyncHdr', 'syncml', [el('VerDTD', 'syncml', ['1.2'])])])));
  assert.throws(() => parseXml(`<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><a:VerDTD xmlns:a="syncml:metinf"/><a:VerProto/></SyncHdr></SyncML>`), { code: 'SB_ERR_XML_NAMESPACE' });
});

test('attributes other than xmlns are ignored', () => {
  const d = parseXml(`<SyncML xmlns="SYNCML:SYNCML1.2" foo="bar">${HDR('1.2')}<SyncBody x="1"><Final y='2'/></SyncBody></SyncML>`);
  assert.ok(sameTree(path(d.root, 'SyncBody'), el('SyncBody', 'syncml', [el('Final', 'syncml')])));
});

test('CDATA and escaped text are accepted and adjacent runs merge into one text node', () => {
  const d = parseXml(`<SyncML xmlns="SYNCML:SYNCML1.2">${HDR('1.2')}<SyncBody><Alert><Data>a &amp; b<![CDATA[ <c> ]]>&lt;d&gt;&#x41;&#66;<![CDATA[]]>&quot;&apos;</Data></Alert></SyncBody></SyncML>`);
  const data = path(d.root, 'SyncBody', 'Alert', 'Data');
  assert.equal(data.children.length, 1);
  assert.deepEqual(data.children[0], { kind: 'text', value: 'a & b <c> <d>AB"\'' });
});

test('whitespace: dropped between elements, kept exactly in leaves, CR kept', () => {
  const d = parseXml(`<SyncML xmlns="SYNCML:SYNCML1.2">\r\n ${HDR('1.2')}\n <SyncBody>\n  <Add>\n   <CmdID> 7 </CmdID>\n   <Item><Data><![CDATA[BEGIN:VCARD\r\nN:x\r\nEND:VCARD\r\n]]></Data></Item>\n   <Item><Data>  </Data></Item>\n   <Item><Data>line1\rline2&#13;\n</Data></Item>\n  </Add>\n </SyncBody>\n</SyncML>\n`);
  const add = path(d.root, 'SyncBody', 'Add');
  assert.ok(add.children.every((c) => c.kind === 'element'));
  assert.equal(textOf(path(add, 'CmdID')), ' 7 ');
  const items = add.children.filter((c): c is XElement => c.kind === 'element' && c.name === 'Item');
  assert.equal(textOf(path(items[0]!, 'Data')), 'BEGIN:VCARD\r\nN:x\r\nEND:VCARD\r\n');
  assert.equal(textOf(path(items[1]!, 'Data')), '  ');
  assert.equal(textOf(path(items[2]!, 'Data')), 'line1\rline2\r\n');
  assert.equal(d.root.children.length, 2);
});

test('empty elements and BOM; strings and bytes give the same tree', () => {
  const xml = `<SyncML xmlns="SYNCML:SYNCML1.2">${HDR('1.2')}<SyncBody><Final/><Final></Final></SyncBody></SyncML>`;
  const fromString = parseXml(xml);
  const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(xml)]);
  assert.ok(sameTree(parseXml(withBom).root, fromString.root));
  const body = path(fromString.root, 'SyncBody');
  assert.deepEqual(body.children, [el('Final', 'syncml'), el('Final', 'syncml')]);
  const p = new XmlParser();
  p.push(xml.slice(0, 10));
  p.push(new TextEncoder().encode(xml.slice(10)));
  assert.ok(sameTree(p.end().root, fromString.root));
});

test('comments and processing instructions are skipped', () => {
  const d = parseXml(`<?xml version="1.0"?><!-- c --><?pi x?><SyncML xmlns="SYNCML:SYNCML1.2"><!-- in -->${HDR('1.2')}<SyncBody><Alert><Data>a<!-- x -->b</Data></Alert></SyncBody></SyncML><!-- after -->`);
  assert.equal(textOf(path(d.root, 'SyncBody', 'Alert', 'Data')), 'ab');
});
