import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dumpSyncml, hexdump } from '../../src/daemon/dump.js';
import { SAMPLES } from '../helpers/peers.js';

test('WBXML message dumps as XML with the Cred data redacted and DevInf inline', () => {
  const wbxml = readFileSync(`${SAMPLES}/syncml12-wbxml/slow-001-client.wbxml`);
  const out = dumpSyncml(wbxml);
  assert.match(out, /<SyncML xmlns=.SYNCML:SYNCML1\.2.>/);
  assert.match(out, /<Cred>[\s\S]*\[redacted\][\s\S]*<\/Cred>/);
  assert.doesNotMatch(out, /x2EHlRSZiRM209YwocVlVg==/, 'the real digest is not in the dump');
  assert.match(out, /<DevInf xmlns=.syncml:devinf.>/);
  assert.match(out, /<MaxMsgSize xmlns=.syncml:metinf.>150000<\/MaxMsgSize>/);
});

test('XML message dumps too; undecodable bytes become a hexdump', () => {
  const xml = readFileSync(`${SAMPLES}/syncml11-xml/slow-001-server.xml`);
  assert.match(dumpSyncml(xml), /<SyncML xmlns=.SYNCML:SYNCML1\.1.>/);
  const junk = Uint8Array.from([0x02, 0xa4, 0x01, 0x6a, 0x00, 0x6d, 0xff, 0x41]);
  const out = dumpSyncml(junk);
  assert.match(out, /^<!-- not decodable: .*byte \d+/);
  assert.match(out, /00000000 {2}02 a4 01 6a 00 6d ff 41/);
});

test('hexdump layout', () => {
  const bytes = Uint8Array.from({ length: 20 }, (_, i) => 0x41 + i);
  assert.equal(hexdump(bytes), [
    '00000000  41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50  |ABCDEFGHIJKLMNOP|',
    '00000010  51 52 53 54                                       |QRST|',
  ].join('\n'));
  assert.match(hexdump(bytes, 16), /\.\.\. 4 more bytes$/);
});
