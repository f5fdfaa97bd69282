/** Tables: derived reverse maps are consistent; public ids and FPIs map both ways. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DtdVersion, Ns } from '../../src/util/tree.js';
import {
  LANGUAGES, TAG_TABLES, codePagesOf, fpiOf, languageOfFpi, languageOfPublicId, looksLikeWbxml, publicIdOf,
} from '../../src/wbxml/index.js';
import { hex } from '../helpers/hex.js';

const KINDS: readonly Ns[] = ['syncml', 'metinf', 'devinf'];
const VERSIONS: readonly DtdVersion[] = ['1.0', '1.1', '1.2'];

test('every tag table: tokens unique, in 0x05..0x3F, and the code pages map both ways', () => {
  for (const kind of KINDS) for (const version of VERSIONS) {
    const table = TAG_TABLES[kind][version];
    const tokens = Object.values(table);
    assert.equal(new Set(tokens).size, tokens.length, `${kind} ${version} duplicate token`);
    for (const t of tokens) assert.ok(t >= 0x05 && t <= 0x3f, `${kind} ${version} token ${t}`);
    const set = codePagesOf({ kind, version });
    const page = set.pageOfNs.get(kind);
    assert.ok(page);
    for (const [name, token] of Object.entries(table)) {
      assert.equal(page.tokenOfName.get(name), token);
      assert.equal(page.nameOfToken.get(token), name);
    }
  }
});

test('tables grow by version (each later version is a superset, except DevInf Size → MaxSize)', () => {
  for (const kind of KINDS) {
    for (const [a, b] of [['1.0', '1.1'], ['1.1', '1.2']] as const) {
      for (const [name, token] of Object.entries(TAG_TABLES[kind][a])) {
        if (kind === 'devinf' && name === 'Size' && b === '1.2') {
          assert.equal((TAG_TABLES.devinf['1.2'] as Record<string, number>).MaxSize, token);
          continue;
        }
        assert.equal((TAG_TABLES[kind][b] as Record<string, number>)[name], token, `${kind} ${name} ${a}→${b}`);
      }
    }
  }
});

test('public ids (protocol-notes 4.3)', () => {
  const expected: Array<[Ns, DtdVersion, number | undefined]> = [
    ['syncml', '1.0', 0x0fd1], ['devinf', '1.0', 0x0fd2], ['syncml', '1.1', 0x0fd3], ['devinf', '1.1', 0x0fd4],
    ['syncml', '1.2', 0x1201], ['metinf', '1.2', 0x1202], ['devinf', '1.2', 0x1203],
    ['metinf', '1.0', undefined], ['metinf', '1.1', undefined],
  ];
  for (const [kind, version, id] of expected) {
    assert.equal(publicIdOf({ kind, version }), id, `${kind} ${version}`);
    if (id !== undefined) assert.deepEqual(languageOfPublicId(id), { kind, version });
  }
  assert.equal(languageOfPublicId(1), undefined);
  assert.equal(LANGUAGES.length, 9);
});

test('FPIs map both ways, liberally', () => {
  assert.equal(fpiOf({ kind: 'syncml', version: '1.0' }), '-//SYNCML//DTD SyncML 1.0//EN');
  assert.equal(fpiOf({ kind: 'devinf', version: '1.2' }), '-//SYNCML//DTD DevInf 1.2//EN');
  for (const e of LANGUAGES) assert.deepEqual(languageOfFpi(e.fpi), e.language);
  assert.deepEqual(languageOfFpi('-//syncml//dtd syncml 1.1//en\0'), { kind: 'syncml', version: '1.1' });
  assert.equal(languageOfFpi('-//WAPFORUM//DTD WML 1.3//EN'), undefined);
});

test('looksLikeWbxml', () => {
  assert.equal(looksLikeWbxml(hex('02 A401 6A 00 6D')), true);
  assert.equal(looksLikeWbxml(hex('03 9F53 6A 00 6D')), true);
  assert.equal(looksLikeWbxml(hex('02 01 6A 00 6D')), true);
  assert.equal(looksLikeWbxml(hex('02 00 00 6A 1D "-//SYNCML//DTD SyncML 1.0//EN" 6D')), true);
  assert.equal(looksLikeWbxml(hex('02 00 00 6A 03 "abc" 6D')), false);
  assert.equal(looksLikeWbxml(hex('02 8B 02 6A 00 45')), false); // 0x0582: not ours
  assert.equal(looksLikeWbxml(new TextEncoder().encode('<?xml version="1.0"?><SyncML/>')), false);
  assert.equal(looksLikeWbxml(hex('')), false);
  assert.equal(looksLikeWbxml(hex('02 A4')), false);
});
