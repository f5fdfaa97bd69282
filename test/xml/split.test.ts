/**
 * Incremental parsing: every input split in two Uint8Array chunks at every offset (inside
 * multi-byte UTF-8 characters too) gives the same tree; every truncation gives a clean
 * SB_ERR_XML_TRUNCATED / SB_ERR_XML_ENCODING. Big inputs use a stride, plus every offset that
 * falls inside a multi-byte character.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { XmlError } from '../../src/errors.js';
import { sameTree } from '../../src/util/tree.js';
import { parseXml, XmlParser } from '../../src/xml/index.js';
import { readCorpus, SAMPLES_DIR } from './corpus-helpers.js';

const INPUTS: ReadonlyArray<{ name: string; bytes: Uint8Array }> = [
  ...['syncml10/004-horde-no-xmlns-escaped.xml', 'syncml11/003-client-sync-noc.xml', 'syncml12/011-server-atomic-sequence-nested.xml',
    'syncml12/014-client-sync-sony-latin-vcard-prefix-free-meta.xml', 'devinf12/003-motorola-v3-minimal.xml']
    .map((f) => ({ name: f, bytes: readCorpus(f) })),
  ...['syncml12-xml/twoway-002-client.xml', 'syncml11-wbxml/slow-002-client.decoded.xml', 'syncml12-xml/slow-001-client.xml']
    .map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(SAMPLES_DIR, f))) })),
];

/** Offsets to test: all for inputs up to 4 KiB, else a stride plus every offset inside a UTF-8 sequence. */
function offsets(bytes: Uint8Array): number[] {
  const out: number[] = [];
  const stride = bytes.length <= 4096 ? 1 : 13;
  for (let i = 0; i <= bytes.length; i++) {
    const b = bytes[i];
    const insideChar = b !== undefined && (b & 0xc0) === 0x80;
    if (i % stride === 0 || insideChar) out.push(i);
  }
  return out;
}

test('inputs contain multi-byte characters (so splits land inside them)', () => {
  for (const { name, bytes } of INPUTS.slice(1, 4)) assert.ok(bytes.some((b) => b >= 0x80), name);
});

for (const { name, bytes } of INPUTS) {
  test(`split in two chunks at every offset: ${name}`, () => {
    const whole = parseXml(bytes);
    for (const i of offsets(bytes)) {
      const p = new XmlParser();
      p.push(bytes.subarray(0, i));
      p.push(bytes.subarray(i));
      const d = p.end();
      assert.ok(sameTree(d.root, whole.root), `split at ${i}`);
      assert.deepEqual(d.language, whole.language);
    }
  });

  test(`truncated at every offset: ${name}`, () => {
    const whole = parseXml(bytes);
    let end = bytes.length;
    while (end > 0 && [0x20, 0x0a, 0x0d, 0x09].includes(bytes[end - 1]!)) end--;
    for (const i of offsets(bytes)) {
      if (i >= end) {
        assert.ok(sameTree(parseXml(bytes.subarray(0, i)).root, whole.root));
        continue;
      }
      assert.throws(() => parseXml(bytes.subarray(0, i)), (e: unknown) => e instanceof XmlError
        && (e.code === 'SB_ERR_XML_TRUNCATED' || e.code === 'SB_ERR_XML_ENCODING'), `truncated at ${i}`);
    }
  });
}
