/** _nval_ cases: every malformed, forbidden or over-limit input is an XmlError with a stable code. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { XmlError } from '../../src/errors.js';
import { parseXml, XmlParser, type XmlParseOptions } from '../../src/xml/index.js';

const OK = '<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD></SyncHdr><SyncBody><Final/></SyncBody></SyncML>';

function expectCode(input: string | Uint8Array, code: string, opts?: XmlParseOptions): XmlError {
  try {
    parseXml(input, opts);
  } catch (e) {
    assert.ok(e instanceof XmlError, `not an XmlError: ${String(e)}`);
    assert.equal(e.code, code, `${e.message}`);
    assert.equal(e.syncmlStatus, 400);
    assert.match(e.message, /at (line \d+, column \d+|byte \d+)/, 'message names the position');
    return e;
  }
  assert.fail(`accepted: ${typeof input === 'string' ? input.slice(0, 80) : 'bytes'}`);
}

const BOMB = '<?xml version="1.0"?><!DOCTYPE SyncML [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
  + '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>&c;</VerDTD></SyncHdr></SyncML>';

test('_nval_ entity bomb (internal subset) -> SB_ERR_XML_DTD', () => {
  expectCode(BOMB, 'SB_ERR_XML_DTD');
});

test('_nval_ external entity declaration -> SB_ERR_XML_DTD', () => {
  expectCode('<!DOCTYPE SyncML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>&xxe;</VerDTD></SyncHdr></SyncML>', 'SB_ERR_XML_DTD');
  expectCode('<!DOCTYPE SyncML PUBLIC "-//SYNCML//DTD SyncML 1.2//EN" "x" [ ]><SyncML/>', 'SB_ERR_XML_DTD');
});

test('_nval_ unknown entity and bad character references -> SB_ERR_XML_ENTITY', () => {
  expectCode('<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>&nbsp;</VerDTD></SyncHdr></SyncML>', 'SB_ERR_XML_ENTITY');
  expectCode('<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>&#0;</VerDTD></SyncHdr></SyncML>', 'SB_ERR_XML_ENTITY');
  expectCode('<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>&#xZZ;</VerDTD></SyncHdr></SyncML>', 'SB_ERR_XML_ENTITY');
  expectCode('<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>&;</VerDTD></SyncHdr></SyncML>', 'SB_ERR_XML_ENTITY');
});

test('_nval_ unbalanced tags -> SB_ERR_XML_UNBALANCED', () => {
  expectCode('<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr></SyncBody></SyncML>', 'SB_ERR_XML_UNBALANCED');
  expectCode('<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr></SyncHdr></SyncHdr></SyncML>', 'SB_ERR_XML_UNBALANCED');
});

test('_nval_ truncated input -> SB_ERR_XML_TRUNCATED', () => {
  const e = expectCode('<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD>', 'SB_ERR_XML_TRUNCATED');
  assert.match(e.message, /SyncHdr/);
  expectCode('', 'SB_ERR_XML_TRUNCATED');
  expectCode('<?xml version="1.0"?>\n', 'SB_ERR_XML_TRUNCATED');
  expectCode(`${OK}<!-- open`, 'SB_ERR_XML_TRUNCATED');
});

test('_nval_ not well-formed -> SB_ERR_XML_MALFORMED', () => {
  for (const bad of [
    '<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr>a ]]> b</SyncHdr></SyncML>',
    '<SyncML xmlns="SYNCML:SYNCML1.2"><Sync Hdr="x></SyncML>',
    `${OK}<SyncML/>`,
    `${OK} trailing text`,
    'text before<SyncML/>',
    '<SyncML xmlns="SYNCML:SYNCML1.2"><1bad/></SyncML>',
    '<SyncML xmlns="SYNCML:SYNCML1.2" xmlns="SYNCML:SYNCML1.2"/>',
    '<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr>\u0001</SyncHdr></SyncML>',
    `<SyncML xmlns="SYNCML:SYNCML1.2"><!DOCTYPE SyncML></SyncML>`,
  ]) expectCode(bad, 'SB_ERR_XML_MALFORMED');
});

test('_nval_ invalid UTF-8 -> SB_ERR_XML_ENCODING with the byte offset', () => {
  const bytes = new TextEncoder().encode(OK);
  const bad = new Uint8Array([...bytes.slice(0, 50), 0xff, ...bytes.slice(50)]);
  const e = expectCode(bad, 'SB_ERR_XML_ENCODING');
  assert.equal(typeof e.offset, 'number');
  const p = new XmlParser();
  p.push(bytes.slice(0, -1));
  p.push(new Uint8Array([0xe2, 0x82]));
  assert.throws(() => p.end(), { code: 'SB_ERR_XML_ENCODING' });
});

test('_nval_ depth over maxDepth -> SB_ERR_XML_DEPTH', () => {
  const deep = `<SyncML xmlns="SYNCML:SYNCML1.2">${'<Item>'.repeat(60)}${'</Item>'.repeat(60)}</SyncML>`;
  expectCode(deep, 'SB_ERR_XML_DEPTH');
  expectCode(OK, 'SB_ERR_XML_DEPTH', { limits: { maxDepth: 2 } });
  assert.doesNotThrow(() => parseXml(OK, { limits: { maxDepth: 3 } }));
});

test('_nval_ document size over maxDocumentBytes -> SB_ERR_XML_TOO_LARGE, checked as data arrives', () => {
  const bytes = new TextEncoder().encode(OK);
  expectCode(bytes, 'SB_ERR_XML_TOO_LARGE', { limits: { maxDocumentBytes: bytes.length - 1 } });
  assert.doesNotThrow(() => parseXml(bytes, { limits: { maxDocumentBytes: bytes.length } }));
  const p = new XmlParser({ limits: { maxDocumentBytes: 100 } });
  p.push('<SyncML xmlns="SYNCML:SYNCML1.2"><SyncBody><Alert><Data>');
  assert.throws(() => p.push('x'.repeat(100)), { code: 'SB_ERR_XML_TOO_LARGE' });
  assert.throws(() => p.push('x'), { code: 'SB_ERR_XML_TOO_LARGE' }, 'the parser stays failed');
});

test('_nval_ text over maxLeafBytes -> SB_ERR_XML_TEXT_TOO_LARGE, before the text ends', () => {
  const mk = (t: string): string => `<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD></SyncHdr><SyncBody><Alert><Data>${t}</Data></Alert></SyncBody></SyncML>`;
  expectCode(mk('x'.repeat(101)), 'SB_ERR_XML_TEXT_TOO_LARGE', { limits: { maxLeafBytes: 100 } });
  expectCode(mk(`<![CDATA[${'y'.repeat(60)}]]>${'z'.repeat(50)}`), 'SB_ERR_XML_TEXT_TOO_LARGE', { limits: { maxLeafBytes: 100 } });
  expectCode(mk('é'.repeat(51)), 'SB_ERR_XML_TEXT_TOO_LARGE', { limits: { maxLeafBytes: 100 } });
  assert.doesNotThrow(() => parseXml(mk('é'.repeat(50)), { limits: { maxLeafBytes: 100 } }));
  const p = new XmlParser({ limits: { maxLeafBytes: 1000 } });
  p.push('<SyncML xmlns="SYNCML:SYNCML1.2"><SyncBody><Alert><Data>');
  assert.throws(() => p.push('q'.repeat(2000)), { code: 'SB_ERR_XML_TEXT_TOO_LARGE' }, 'no closing tag needed');
});

test('_nval_ element count over maxElements -> SB_ERR_XML_TOO_MANY_ELEMENTS', () => {
  expectCode(OK, 'SB_ERR_XML_TOO_MANY_ELEMENTS', { limits: { maxElements: 4 } });
  assert.doesNotThrow(() => parseXml(OK, { limits: { maxElements: 5 } }));
});

test('_nval_ unknown root -> SB_ERR_XML_UNKNOWN_ROOT', () => {
  expectCode('<html><body/></html>', 'SB_ERR_XML_UNKNOWN_ROOT');
  expectCode('<syncml xmlns="SYNCML:SYNCML1.2"/>', 'SB_ERR_XML_UNKNOWN_ROOT');
});

test('_nval_ unknown version -> SB_ERR_XML_UNKNOWN_VERSION', () => {
  expectCode('<SyncML><SyncHdr><VerProto>SyncML/1.2</VerProto></SyncHdr></SyncML>', 'SB_ERR_XML_UNKNOWN_VERSION');
  expectCode('<SyncML><SyncHdr><VerDTD>2.0</VerDTD></SyncHdr></SyncML>', 'SB_ERR_XML_UNKNOWN_VERSION');
  expectCode('<SyncML xmlns="SYNCML:SYNCML"><SyncHdr/></SyncML>', 'SB_ERR_XML_NAMESPACE');
  expectCode('<DevInf xmlns="syncml:devinf"><Man>X</Man></DevInf>', 'SB_ERR_XML_UNKNOWN_VERSION');
});

test('_nval_ unknown namespaces -> SB_ERR_XML_NAMESPACE', () => {
  expectCode('<SyncML xmlns="http://www.w3.org/1999/xhtml"/>', 'SB_ERR_XML_NAMESPACE');
  expectCode('<SyncML xmlns="syncml:devinf"><VerDTD>1.2</VerDTD></SyncML>', 'SB_ERR_XML_NAMESPACE');
  expectCode('<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr xmlns="urn:other"/></SyncML>', 'SB_ERR_XML_NAMESPACE');
  expectCode('<SyncML xmlns="SYNCML:SYNCML1.2"><x:SyncHdr/></SyncML>', 'SB_ERR_XML_NAMESPACE');
});

test('_nval_ use after end() -> SB_ERR_XML_STATE', () => {
  const p = new XmlParser();
  p.push(OK);
  p.end();
  assert.throws(() => p.push('<x/>'), { code: 'SB_ERR_XML_STATE' });
  assert.throws(() => p.end(), { code: 'SB_ERR_XML_STATE' });
});

test('_nval_ a string chunk after an incomplete UTF-8 sequence -> SB_ERR_XML_ENCODING', () => {
  const p = new XmlParser();
  p.push(new Uint8Array([0x3c, 0xc3]));
  assert.throws(() => p.push('SyncML/>'), { code: 'SB_ERR_XML_ENCODING' });
});
