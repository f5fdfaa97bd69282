/**
 * The corpus covers every tag of the WBXML tag tables (SyncML, MetInf and DevInf, 1.0 to 1.2),
 * parses, and is labelled correctly (its folder names the language it parses as).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseXml } from '../../src/xml/index.js';
import {
  DEVINF10_TAGS, DEVINF11_TAGS, DEVINF12_TAGS, METINF10_TAGS, METINF11_TAGS, METINF12_TAGS,
  SYNCML10_TAGS, SYNCML11_TAGS, SYNCML12_TAGS,
} from '../../src/wbxml/index.js';
import type { DtdVersion, Ns } from '../../src/util/tree.js';
import { corpusFiles, readCorpus, tagUses } from './corpus-helpers.js';

const TABLES: ReadonlyArray<{ ns: Ns; version: DtdVersion; tags: Readonly<Record<string, number>> }> = [
  { ns: 'syncml', version: '1.0', tags: SYNCML10_TAGS },
  { ns: 'syncml', version: '1.1', tags: SYNCML11_TAGS },
  { ns: 'syncml', version: '1.2', tags: SYNCML12_TAGS },
  { ns: 'metinf', version: '1.0', tags: METINF10_TAGS },
  { ns: 'metinf', version: '1.1', tags: METINF11_TAGS },
  { ns: 'metinf', version: '1.2', tags: METINF12_TAGS },
  { ns: 'devinf', version: '1.0', tags: DEVINF10_TAGS },
  { ns: 'devinf', version: '1.1', tags: DEVINF11_TAGS },
  { ns: 'devinf', version: '1.2', tags: DEVINF12_TAGS },
];

const files = corpusFiles();
const docs = files.map((f) => ({ file: f, doc: parseXml(readCorpus(f)) }));

test('corpus has at least 40 documents covering SyncML and DevInf 1.0, 1.1 and 1.2', () => {
  assert.ok(files.length >= 40, `only ${files.length} corpus documents`);
  const langs = new Set(docs.map((d) => `${d.doc.language.kind}${d.doc.language.version}`));
  for (const l of ['syncml1.0', 'syncml1.1', 'syncml1.2', 'devinf1.0', 'devinf1.1', 'devinf1.2']) assert.ok(langs.has(l), `no ${l} document`);
});

test('each corpus folder holds documents of the language it is named after', () => {
  for (const { file, doc } of docs) {
    const folder = file.split('/')[0] ?? '';
    const expected = `${doc.language.kind}${doc.language.version.replace('.', '')}`;
    assert.equal(folder, expected, file);
  }
});

test('the corpus uses only tags of its version tables', () => {
  for (const { file, doc } of docs) {
    for (const u of tagUses(doc)) {
      const table = TABLES.find((t) => t.ns === u.ns && t.version === u.version);
      assert.ok(table !== undefined && u.name in table.tags, `${file}: ${u.ns} ${u.version} has no tag ${u.name}`);
    }
  }
});

test('the corpus covers every tag of every table, per version', () => {
  const used = new Set<string>();
  for (const { doc } of docs) for (const u of tagUses(doc)) used.add(`${u.ns} ${u.version} ${u.name}`);
  const missing: string[] = [];
  for (const t of TABLES) {
    for (const name of Object.keys(t.tags)) if (!used.has(`${t.ns} ${t.version} ${name}`)) missing.push(`${t.ns} ${t.version} ${name}`);
  }
  assert.deepEqual(missing, [], `tags never used by the corpus:\n${missing.join('\n')}`);
});
