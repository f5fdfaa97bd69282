/**
 * Every real message (SyncEvolution captures over WBXML and XML, libwbxml's wbxml2xml output,
 * vphone fixtures) decodes to a model that re-encodes to the same tree, and survives model ->
 * bytes -> model in both encodings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { sameTree } from '../../src/util/tree.js';
import {
  adaptMessageForEncoding, decodeMessage, encodeMessage, isDevInfData, messageToTree, type Command,
} from '../../src/syncml/index.js';
import { samplePaths } from './samples.js';

const paths = samplePaths();

test('there are real samples of both encodings and all SyncML versions', () => {
  assert.ok(paths.length >= 40, `only ${paths.length} samples`);
  assert.ok(paths.some((p) => p.endsWith('.wbxml')));
  assert.ok(paths.some((p) => p.includes('syncml11')));
});

for (const p of paths) {
  test(`sample ${basename(p)} (${p.split('/').at(-2)})`, () => {
    const { message, encoding, tree } = decodeMessage(readFileSync(p));
    assert.equal(encoding, p.endsWith('.wbxml') ? 'wbxml' : 'xml');
    assert.ok(sameTree(messageToTree(message).root, tree.root), 'model re-encodes to the decoded tree');
    for (const enc of ['wbxml', 'xml'] as const) {
      const again = decodeMessage(encodeMessage(message, enc), {}).message;
      assert.deepStrictEqual(again, adaptMessageForEncoding(message, enc), `${enc} round trip`);
    }
  });
}

test('a real client package 1 has the expected shape', () => {
  const p = paths.find((x) => x.endsWith('syncml12-xml/slow-001-client.xml'));
  assert.ok(p !== undefined);
  const m = decodeMessage(readFileSync(p)).message;
  assert.equal(m.SyncHdr.VerDTD, '1.2');
  assert.equal(m.SyncHdr.Meta?.MaxMsgSize, 150000);
  assert.equal(m.SyncHdr.Cred?.Meta?.Type, 'syncml:auth-md5');
  assert.deepEqual(m.SyncBody.commands.map((c: Command) => c.cmd), ['Put', 'Get', 'Alert']);
  const put = m.SyncBody.commands[0]!;
  assert.ok(put.cmd === 'Put');
  const data = put.Item[0]!.Data;
  assert.ok(data !== undefined && isDevInfData(data));
  assert.equal(data.DevID, 'syncevo-peer-client');
  const alert = m.SyncBody.commands[2]!;
  assert.ok(alert.cmd === 'Alert');
  assert.equal(alert.Data, 201);
  assert.deepEqual(alert.Item?.[0]?.Meta?.Anchor, { Next: '20261122T022036Z' });
  assert.equal(m.SyncBody.Final, true);
});

test('WBXML and its wbxml2xml rendering decode to the same model', () => {
  let pairs = 0;
  for (const p of paths.filter((x) => x.endsWith('.decoded.xml'))) {
    const w = p.replace(/\.decoded\.xml$/, '.wbxml');
    if (!paths.includes(w)) continue;
    const fromXml = decodeMessage(readFileSync(p)).message;
    const fromWbxml = decodeMessage(readFileSync(w)).message;
    // wbxml2xml switches the DevInf Meta Type to +xml, as encodeMessage does.
    assert.deepStrictEqual(fromXml, adaptMessageForEncoding(fromWbxml, 'xml'), basename(p));
    pairs++;
  }
  assert.ok(pairs >= 10, `only ${pairs} pairs`);
});
