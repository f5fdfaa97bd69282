/** Content-type dispatch, sniffing, and the DevInf Meta Type switch between encodings. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BridgeError, SyncmlError } from '../../src/errors.js';
import {
  CONTENT_TYPE, adaptMessageForEncoding, contentTypeOf, decodeMessage, encodeMessage, encodingOfContentType, make, type Command, type SyncMLMessage,
} from '../../src/syncml/index.js';
import { samplePaths } from './samples.js';
import { SAMPLES } from '../helpers/peers.js';

test('encodingOfContentType: exact, parameters, case, unknown', () => {
  const cases: Array<[string, 'xml' | 'wbxml' | undefined]> = [
    ['application/vnd.syncml+xml', 'xml'],
    ['application/vnd.syncml+wbxml', 'wbxml'],
    ['application/vnd.syncml+wbxml; charset=UTF-8', 'wbxml'],
    ['Application/VND.SyncML+XML;charset="utf-8"', 'xml'],
    ['  application/vnd.syncml+xml  ; q=1', 'xml'],
    ['application/vnd.syncml-devinf+xml', undefined],
    ['application/vnd.syncml.ds.notification', undefined],
    ['text/xml', undefined],
    ['', undefined],
  ];
  for (const [ct, want] of cases) assert.equal(encodingOfContentType(ct), want, ct);
  assert.equal(contentTypeOf('xml'), CONTENT_TYPE.SYNCML_XML);
  assert.equal(contentTypeOf('wbxml'), CONTENT_TYPE.SYNCML_WBXML);
  assert.equal(encodingOfContentType(contentTypeOf('wbxml')), 'wbxml');
});

const wbxmlPath = samplePaths().find((p) => p.endsWith('syncml12-wbxml/twoway-002-client.wbxml'))!;
const xmlPath = samplePaths().find((p) => p.endsWith('syncml12-xml/twoway-002-client.xml'))!;

test('decodeMessage sniffs without a content type, or with an unknown one', () => {
  for (const ct of [undefined, 'application/octet-stream', 'text/plain']) {
    const o = ct === undefined ? {} : { contentType: ct };
    assert.equal(decodeMessage(readFileSync(wbxmlPath), o).encoding, 'wbxml');
    assert.equal(decodeMessage(readFileSync(xmlPath), o).encoding, 'xml');
  }
});

test('decodeMessage trusts the bytes over a wrong content type', () => {
  assert.equal(decodeMessage(readFileSync(xmlPath), { contentType: 'application/vnd.syncml+wbxml' }).encoding, 'xml');
  assert.equal(decodeMessage(readFileSync(wbxmlPath), { contentType: 'application/vnd.syncml+xml; charset=UTF-8' }).encoding, 'wbxml');
});

test('decodeMessage: neither encoding -> 415; malformed -> codec error', () => {
  assert.throws(() => decodeMessage(Uint8Array.from([0x42, 0x42, 0x42])), (e: unknown) => e instanceof BridgeError && e.code === 'SB_ERR_SYNCML_MEDIA_TYPE' && e.syncmlStatus === 415);
  const truncated = readFileSync(wbxmlPath).subarray(0, 40);
  assert.throws(() => decodeMessage(truncated, { contentType: 'application/vnd.syncml+wbxml' }), (e: unknown) => e instanceof BridgeError && e.name === 'WbxmlError');
  assert.throws(() => decodeMessage(new TextEncoder().encode('<SyncML><SyncHdr>'), { contentType: 'application/vnd.syncml+xml' }), (e: unknown) => e instanceof BridgeError && e.name === 'XmlError');
});

test('decodeMessage: a document that is not SyncML -> SyncmlError 400', () => {
  const devinf = readFileSync(`${SAMPLES}/devinf/devinf12-client.wbxml`);
  assert.throws(() => decodeMessage(devinf), (e: unknown) => e instanceof SyncmlError && e.code === 'SB_ERR_SYNCML_NOT_SYNCML' && e.syncmlStatus === 400);
});

test('limits are passed to the codec', () => {
  assert.throws(() => decodeMessage(readFileSync(xmlPath), { limits: { maxDocumentBytes: 100 } }), (e: unknown) => e instanceof BridgeError && e.name === 'XmlError');
  assert.throws(() => decodeMessage(readFileSync(wbxmlPath), { limits: { maxDocumentBytes: 100 } }), (e: unknown) => e instanceof BridgeError && e.name === 'WbxmlError');
});

test('the DevInf Meta Type follows the message encoding', () => {
  const m = decodeMessage(readFileSync(samplePaths().find((p) => p.endsWith('syncml12-xml/slow-001-client.xml'))!)).message;
  const types = (msg: SyncMLMessage): Array<string | undefined> => msg.SyncBody.commands.filter((c: Command) => c.cmd === 'Put' || c.cmd === 'Get').map((c) => ('Meta' in c ? c.Meta?.Type : undefined));
  assert.deepEqual(types(m), [CONTENT_TYPE.DEVINF_XML, CONTENT_TYPE.DEVINF_XML]);
  const asWbxml = decodeMessage(encodeMessage(m, 'wbxml')).message;
  assert.deepEqual(types(asWbxml), [CONTENT_TYPE.DEVINF_WBXML, CONTENT_TYPE.DEVINF_WBXML]);
  const backToXml = decodeMessage(encodeMessage(asWbxml, 'xml')).message;
  assert.deepEqual(backToXml, m);
});

test('adaptMessageForEncoding predicts the DevInf Type switch at any depth, and only that', () => {
  const m: SyncMLMessage = {
    SyncHdr: make.syncHdr('1.2', '1', '1', 't', 's'),
    SyncBody: { commands: [
      { cmd: 'Put', CmdID: '1', Meta: { Type: CONTENT_TYPE.DEVINF_XML }, Item: [{ Data: 'not a devinf' }] },
      { cmd: 'Sync', CmdID: '2', commands: [{ cmd: 'Add', CmdID: '3', Item: [{ Meta: { Type: CONTENT_TYPE.DEVINF_XML, Size: 3 }, Data: 'x' }] }] },
      { cmd: 'Add', CmdID: '4', Meta: { Type: 'text/x-vcard' }, Item: [{ Data: 'y' }] },
    ] },
  };
  const before = JSON.stringify(m);
  const adapted = adaptMessageForEncoding(m, 'wbxml');
  assert.equal(JSON.stringify(m), before, 'input not mutated');
  assert.deepStrictEqual(decodeMessage(encodeMessage(m, 'wbxml')).message, adapted);
  const [put, syncCmd, addCmd] = adapted.SyncBody.commands;
  assert.ok(put?.cmd === 'Put' && syncCmd?.cmd === 'Sync');
  assert.equal(put.Meta?.Type, CONTENT_TYPE.DEVINF_WBXML);
  assert.deepEqual(syncCmd.commands[0]?.cmd === 'Add' ? syncCmd.commands[0].Item[0]?.Meta : undefined, { Type: CONTENT_TYPE.DEVINF_WBXML, Size: 3 });
  assert.equal(addCmd, m.SyncBody.commands[2], 'unchanged commands are shared, not copied');
  assert.equal(adaptMessageForEncoding(m, 'xml'), m, 'nothing to change for XML');
});

test('encodeMessage XML starts with a declaration and names the version namespace', () => {
  const text = new TextDecoder().decode(encodeMessage({ SyncHdr: make.syncHdr('1.1', '1', '1', 't', 's'), SyncBody: { commands: [], Final: true } }, 'xml'));
  assert.match(text, /^<\?xml/);
  assert.match(text, /SYNCML:SYNCML1\.1/i);
});
