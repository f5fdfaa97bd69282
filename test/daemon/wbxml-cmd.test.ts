// The `wbxml decode|encode` commands, through the real executable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runBin } from '../helpers/cli.js';
import { decodeWbxml, encodeWbxml } from '../../src/wbxml/index.js';
import { parseXml } from '../../src/xml/index.js';
import { sameTree } from '../../src/util/tree.js';

import { SAMPLES } from '../helpers/peers.js';
const sample = (p: string): Buffer => readFileSync(`${SAMPLES}/${p}`);

test('decode a real SyncML 1.2 message (FILE) to XML that parses to the same tree', () => {
  const wbxml = sample('syncml12-wbxml/slow-001-client.wbxml');
  const r = runBin(['wbxml', 'decode', `${SAMPLES}/syncml12-wbxml/slow-001-client.wbxml`]);
  assert.equal(r.status, 0, r.stderr);
  const text = r.stdout.toString('utf8');
  assert.match(text, /<SyncML xmlns=.SYNCML:SYNCML1\.2.>/);
  assert.match(text, /<DevInf xmlns=.syncml:devinf.>/, 'nested DevInf shown inline');
  assert.match(text, /<Type xmlns=.syncml:metinf.>application\/vnd\.syncml-devinf\+xml<\/Type>/, 'DevInf type follows the inline form');
  // Back through our encoder (which writes the +wbxml type again), the tree is the phone's.
  const back = decodeWbxml(encodeWbxml(parseXml(text)));
  assert.ok(sameTree(back.root, decodeWbxml(wbxml).root));
});

test('decode from standard input, then encode back: the same document the phone sent', () => {
  // Synthesis sends item data as OPAQUE; XML cannot say so and we write valid UTF-8 as STR_I,
  // so those messages come back as the same tree. Documents without OPAQUE text come back as
  // the same bytes.
  for (const [p, sameBytes] of [['syncml11-wbxml/twoway-002-client.wbxml', false], ['syncml12-wbxml/slow-002-server.wbxml', true], ['devinf/devinf11-client.wbxml', true]] as const) {
    const wbxml = sample(p);
    const dec = runBin(['wbxml', 'decode', '-'], wbxml);
    assert.equal(dec.status, 0, dec.stderr);
    const enc = runBin(['wbxml', 'encode'], dec.stdout);
    assert.equal(enc.status, 0, enc.stderr);
    assert.ok(sameTree(decodeWbxml(enc.stdout).root, decodeWbxml(wbxml).root), p);
    if (sameBytes) assert.deepEqual(enc.stdout, wbxml, p);
  }
});

test('encode chooses DevInf tables from the root and namespace', () => {
  const xml = '<DevInf xmlns="syncml:devinf"><VerDTD>1.2</VerDTD><DevID>x</DevID><DevTyp>phone</DevTyp></DevInf>';
  const r = runBin(['wbxml', 'encode', '-'], xml);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual([...r.stdout.subarray(0, 5)], [0x02, 0xa4, 0x03, 0x6a, 0x00], 'WBXML 1.2, DevInf 1.2 public id, UTF-8, no string table');
});

test('encode SyncML 1.0 from the DOCTYPE alone: literal public id', () => {
  const xml = '<!DOCTYPE SyncML PUBLIC "-//SYNCML//DTD SyncML 1.0//EN" "x"><SyncML><SyncHdr><VerDTD>1.0</VerDTD></SyncHdr></SyncML>';
  const r = runBin(['wbxml', 'encode'], xml);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual([...r.stdout.subarray(0, 5)], [0x02, 0x00, 0x00, 0x6a, 0x1d]);
  assert.equal(r.stdout.subarray(5, 34).toString('latin1'), '-//SYNCML//DTD SyncML 1.0//EN');
});

test('bad WBXML: exit 1 and one line naming the problem and the byte offset', () => {
  const wbxml = sample('syncml12-wbxml/slow-001-client.wbxml');
  for (const bad of [wbxml.subarray(0, 100), Buffer.from([0x02, 0xa4, 0x01, 0x6a, 0x00, 0x6d, 0x3f])]) {
    const r = runBin(['wbxml', 'decode'], bad);
    assert.equal(r.status, 1);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^syncml-bridge wbxml decode: .*byte \d+/);
    assert.equal(r.stdout.length, 0);
  }
});

test('bad XML: exit 1 and one line', () => {
  const r = runBin(['wbxml', 'encode'], '<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr></SyncML>');
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /^syncml-bridge wbxml encode: /);
});

test('missing file: exit 1, one line', () => {
  const r = runBin(['wbxml', 'decode', '/nonexistent.wbxml']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /ENOENT|no such file/i);
});
