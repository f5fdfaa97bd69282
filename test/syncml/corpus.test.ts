/**
 * The shared XML corpus (test/fixtures/corpus/syncml1x): every SyncML document decodes to a
 * model that re-encodes to the same tree, and survives model -> WBXML -> model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { treeDiff } from './tree-diff.js';
import { adaptMessageForEncoding, decodeMessage, encodeMessage, messageToTree } from '../../src/syncml/index.js';

const ROOT = new URL('../fixtures/corpus/', import.meta.url).pathname;
const dirs = existsSync(ROOT) ? readdirSync(ROOT).filter((d) => /^syncml1\d$/.test(d)).sort() : [];
const files = dirs.flatMap((d) => readdirSync(join(ROOT, d)).filter((f) => f.endsWith('.xml')).sort().map((f) => join(ROOT, d, f)));

test('the corpus has SyncML documents of every version', { skip: files.length === 0 ? 'corpus not present yet' : false }, () => {
  assert.deepEqual(dirs, ['syncml10', 'syncml11', 'syncml12']);
  assert.ok(files.length >= 20, `only ${files.length} documents`);
});

for (const f of files) {
  test(`corpus ${f.split('/').slice(-2).join('/')}`, () => {
    const { message, tree } = decodeMessage(readFileSync(f), { contentType: 'application/vnd.syncml+xml' });
    assert.equal(message.SyncHdr.VerDTD, f.includes('/syncml10/') ? '1.0' : f.includes('/syncml11/') ? '1.1' : '1.2');
    assert.equal(treeDiff(messageToTree(message).root, tree.root), undefined, 'model re-encodes to the decoded tree');
    const back = decodeMessage(encodeMessage(message, 'wbxml')).message;
    assert.deepStrictEqual(back, adaptMessageForEncoding(message, 'wbxml'));
  });
}
