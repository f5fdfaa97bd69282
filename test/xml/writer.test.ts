/** writeXml, xmlElementSize, looksLikeXml. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { el, opaque, sameTree, text, textOf, type XDocument, type XElement, type Ns } from '../../src/util/tree.js';
import { looksLikeXml, parseXml, writeXml, xmlElementSize } from '../../src/xml/index.js';
import { corpusFiles, filesUnder, readCorpus, SAMPLES_DIR, VPHONE_FIXTURES_DIR } from './corpus-helpers.js';

const UTF8 = new TextEncoder();
const doc12 = (body: XElement[]): XDocument => ({
  language: { kind: 'syncml', version: '1.2' },
  root: el('SyncML', 'syncml', [el('SyncHdr', 'syncml', [el('VerDTD', 'syncml', ['1.2'])]), el('SyncBody', 'syncml', body)]),
});
const dataOf = (d: XDocument): XElement => {
  const body = d.root.children[1] as XElement;
  const alert = body.children[0] as XElement;
  return alert.children[0] as XElement;
};
const alertWith = (data: XElement): XDocument => doc12([el('Alert', 'syncml', [data])]);

test('layout: declaration, root xmlns, empty elements, metinf/devinf xmlns where ns changes', () => {
  const d = doc12([
    el('Put', 'syncml', [
      el('Meta', 'syncml', [el('Type', 'metinf', ['application/vnd.syncml-devinf+xml'])]),
      el('Item', 'syncml', [el('Data', 'syncml', [el('DevInf', 'devinf', [el('VerDTD', 'devinf', ['1.2']), el('UTC', 'devinf')])])]),
    ]),
    el('Final', 'syncml'),
  ]);
  assert.equal(writeXml(d),
    '<?xml version="1.0" encoding="UTF-8"?><SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD></SyncHdr><SyncBody>'
    + '<Put><Meta><Type xmlns="syncml:metinf">application/vnd.syncml-devinf+xml</Type></Meta>'
    + '<Item><Data><DevInf xmlns="syncml:devinf"><VerDTD>1.2</VerDTD><UTC/></DevInf></Data></Item></Put><Final/></SyncBody></SyncML>');
  assert.ok(!writeXml(d, { declaration: false }).startsWith('<?xml'));
  assert.ok(writeXml({ ...d, language: { kind: 'syncml', version: '1.0' } }).includes('<SyncML xmlns="SYNCML:SYNCML1.0">'));
});

test('Data text is CDATA with ]]> split; other text is escaped (CR as &#13;)', () => {
  const out = writeXml(alertWith(el('Data', 'syncml', ['a]]>b]]>', ' & <x>'])), { declaration: false });
  assert.ok(out.includes('<Data><![CDATA[a]]]]><![CDATA[>b]]]]><![CDATA[>]]><![CDATA[ & <x>]]></Data>'), out);
  assert.equal(textOf(dataOf(parseXml(out))), 'a]]>b]]> & <x>');
  const esc = writeXml(doc12([el('Alert', 'syncml', [el('CmdID', 'syncml', ['<1> & \r\n'])])]), { declaration: false });
  assert.ok(esc.includes('<CmdID>&lt;1&gt; &amp; &#13;\n</CmdID>'), esc);
  const viaOtherParser = esc.replace(/\r/g, ''); // no raw CR to lose
  assert.equal(viaOtherParser, esc);
});

test('XOpaque: UTF-8 text, else Latin-1 reading, else base64', () => {
  const utf8 = alertWith(el('Data', 'syncml', [opaque(UTF8.encode('Grüße\r\n'))]));
  const back = parseXml(writeXml(utf8));
  assert.ok(sameTree(back.root, utf8.root), 'valid UTF-8 round-trips exactly');
  const latin1 = alertWith(el('Data', 'syncml', [opaque(new Uint8Array([0x4e, 0x3a, 0xe9, 0x74, 0xe9, 0x0d, 0x0a]))]));
  assert.equal(textOf(dataOf(parseXml(writeXml(latin1)))), 'N:été\r\n');
  const binary = alertWith(el('Data', 'syncml', [opaque(new Uint8Array([0x00, 0x01, 0xff, 0xfe, 0x10]))]));
  assert.equal(textOf(dataOf(parseXml(writeXml(binary)))), 'AAH//hA=');
  const notXmlText = doc12([el('Alert', 'syncml', [el('Cmd', 'syncml', [text('a\u0001')])])]);
  assert.match(writeXml(notXmlText), /<Cmd>YQE=<\/Cmd>/);
});

test('xmlns is written where the parser would infer another namespace', () => {
  // A SyncML element directly under Meta would otherwise default to MetInf.
  const d = doc12([el('Alert', 'syncml', [el('Meta', 'syncml', [el('Odd', 'syncml', ['x']), el('Type', 'metinf', ['t'])])])]);
  const out = writeXml(d);
  assert.ok(out.includes('<Odd xmlns="SYNCML:SYNCML1.2">x</Odd>'), out);
  assert.ok(sameTree(parseXml(out).root, d.root));
  // An element named DevInf that is not DevInf.
  const e = doc12([el('DevInf', 'syncml', [el('Item', 'syncml')])]);
  assert.ok(sameTree(parseXml(writeXml(e)).root, e.root));
  // MetInf documents carry their version in a DOCTYPE.
  const m: XDocument = { language: { kind: 'metinf', version: '1.1' }, root: el('MetInf', 'metinf', [el('Type', 'metinf', ['a'])]) };
  assert.deepEqual(parseXml(writeXml(m)).language, m.language);
  const di: XDocument = { language: { kind: 'devinf', version: '1.0' }, root: el('DevInf', 'devinf', [el('Man', 'devinf', ['a'])]) };
  assert.deepEqual(parseXml(writeXml(di)).language, di.language);
});

test('pretty: one space per level, leaf text untouched, same tree', () => {
  const d = alertWith(el('Data', 'syncml', ['  keep\n  me  ']));
  const out = writeXml(d, { pretty: true });
  assert.equal(out.split('\n')[0], '<?xml version="1.0" encoding="UTF-8"?>');
  assert.ok(out.includes('\n <SyncHdr>\n  <VerDTD>1.2</VerDTD>\n </SyncHdr>\n'), out);
  assert.ok(out.includes('<Data><![CDATA[  keep\n  me  ]]></Data>'));
  assert.ok(sameTree(parseXml(out).root, d.root));
});

const inputs = [
  ...corpusFiles().map((f) => ({ name: f, bytes: readCorpus(f) })),
  ...[...filesUnder(SAMPLES_DIR, (n) => n.endsWith('.xml')), ...filesUnder(VPHONE_FIXTURES_DIR, (n) => n.endsWith('.xml'))]
    .map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(f)) })),
];

test('corpus and samples: write is stable and parses back to the same tree (compact and pretty)', () => {
  for (const { name, bytes } of inputs) {
    const d = parseXml(bytes);
    const w = writeXml(d);
    const d2 = parseXml(w);
    assert.deepEqual(d2.language, d.language, name);
    assert.ok(sameTree(d2.root, d.root), `${name}: compact round trip`);
    assert.equal(writeXml(d2), w, `${name}: stable`);
    assert.ok(sameTree(parseXml(writeXml(d, { pretty: true })).root, d.root), `${name}: pretty round trip`);
  }
});

test('xmlElementSize is the exact UTF-8 length of the written element, for every element', () => {
  let checked = 0;
  for (const { name, bytes } of inputs) {
    const d = parseXml(bytes);
    const visit = (e: XElement, parent: XElement | undefined): void => {
      const parentNs: Ns = parent?.ns ?? e.ns;
      if (parent !== undefined && !(parent.name === 'Meta' && parent.ns === 'syncml')) {
        // Serialise e alone as the only child of a parent of that namespace, and cut it out.
        const host: XDocument = { language: d.language, root: el('Host', parentNs, [e]) };
        const s = writeXml(host, { declaration: false });
        const inner = s.slice(s.indexOf('>', s.indexOf('<Host')) + 1, s.lastIndexOf('</Host>'));
        assert.equal(xmlElementSize(e, parentNs, d.language), UTF8.encode(inner).length, `${name}: ${e.name}`);
        checked++;
      }
      for (const c of e.children) if (c.kind === 'element') visit(c, e);
    };
    visit(d.root, undefined);
  }
  assert.ok(checked > 5000, `only ${checked} elements checked`);
  const tricky = el('Data', 'syncml', ['é]]>&<\r', opaque(new Uint8Array([0xff, 0x00]))]);
  const host: XDocument = { language: { kind: 'syncml', version: '1.1' }, root: el('Item', 'syncml', [tricky]) };
  const s = writeXml(host, { declaration: false });
  assert.equal(xmlElementSize(tricky, 'syncml', host.language), UTF8.encode(s).length - '<Item xmlns="SYNCML:SYNCML1.1"></Item>'.length);
  assert.equal(xmlElementSize(el('Type', 'metinf', ['x']), 'syncml', host.language), '<Type xmlns="syncml:metinf">x</Type>'.length);
  assert.equal(xmlElementSize(el('Type', 'metinf', ['x']), 'metinf', host.language), '<Type>x</Type>'.length);
});

test('looksLikeXml', () => {
  const yes = ['<SyncML/>', '  \r\n\t<?xml?>', '\ufeff<x'];
  const no = ['', '   ', 'x<', '\u0002\u00a4\u0001j'];
  for (const s of yes) assert.ok(looksLikeXml(UTF8.encode(s)), JSON.stringify(s));
  for (const s of no) assert.ok(!looksLikeXml(UTF8.encode(s)), JSON.stringify(s));
  assert.ok(!looksLikeXml(new Uint8Array([0x02, 0xa4, 0x01, 0x6a, 0x00, 0x6d])));
});
