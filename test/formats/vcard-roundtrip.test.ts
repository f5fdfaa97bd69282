// Round trips on the peers' generator output (mixed 2.1/3.0, QP, PHOTO) and a fast-check
// property (fixed seed) for random cards through both versions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { PEERS } from '../helpers/peers.js';
import { encodeVCard, parseVCard, typesOf, vcardProperty, writeVCard, type VCard, type VCardProperty } from '../../src/formats/vcard.js';

/** What must survive any round trip: names, groups, decoded values, types, other params, bytes. */
function essence(card: VCard): unknown[] {
  return card.properties.map((p: VCardProperty) => ({
    group: p.group,
    name: p.name,
    values: p.values,
    types: typesOf(p),
    params: p.params.filter((q) => q.name !== 'TYPE').map((q) => [q.name, q.values]),
    data: p.data === undefined ? undefined : Buffer.from(p.data).toString('base64'),
  }));
}

function generated(): { name: string; bytes: Buffer }[] {
  const dir = mkdtempSync(join(tmpdir(), 'vcards-'));
  try {
    execFileSync('python3', [resolve(PEERS, 'gen-vcards.py'), '--out', dir, '--count', '300', '--seed', '11'], { stdio: 'pipe' });
    return readdirSync(dir).sort().map((name) => ({ name, bytes: readFileSync(join(dir, name)) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CARDS = generated();

test('generator output: 300 cards, both versions, QP and PHOTO present', () => {
  assert.equal(CARDS.length, 300);
  const parsed = CARDS.map((c) => parseVCard(c.bytes));
  assert.ok(parsed.some((c) => c.version === '2.1') && parsed.some((c) => c.version === '3.0'));
  assert.ok(parsed.some((c) => c.properties.some((p) => p.encoding === 'QUOTED-PRINTABLE')));
  assert.ok(parsed.some((c) => c.properties.some((p) => p.name === 'PHOTO' && p.data !== undefined && p.data.length > 100)));
});

test('parse -> write same version -> parse gives the same card', () => {
  for (const { name, bytes } of CARDS) {
    const card = parseVCard(bytes);
    const again = parseVCard(writeVCard(card, card.version as '2.1' | '3.0'));
    assert.equal(again.version, card.version, name);
    assert.deepEqual(essence(again), essence(card), name);
  }
});

test('2.1 -> 3.0 -> 2.1 and 3.0 -> 2.1 -> 3.0 keep every property value', () => {
  for (const { name, bytes } of CARDS) {
    const card = parseVCard(bytes);
    for (const [a, b] of [['3.0', '2.1'], ['2.1', '3.0']] as const) {
      const there = parseVCard(writeVCard(card, a));
      const back = parseVCard(writeVCard(there, b));
      assert.deepEqual(essence(there), essence(card), `${name} -> ${a}`);
      assert.deepEqual(essence(back), essence(card), `${name} -> ${a} -> ${b}`);
    }
  }
});

test('Latin-1 2.1 output keeps every value', () => {
  for (const { name, bytes } of CARDS.slice(0, 60)) {
    const card = parseVCard(bytes);
    assert.deepEqual(essence(parseVCard(writeVCard(card, '2.1', { charset: 'ISO-8859-1' }))), essence(card), name);
  }
});

// Random text: any BMP/astral text except a backslash (2.1 has no escape for it) and CR.
const LATIN = [...'abc XYZ 019 ,;:=.äöüßéèçñøÅÆ¿©°µ'];
const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: fc.constantFrom(...LATIN), maxLength: 40 })).map((s) => s.replace(/[\\\r]/g, '').replace(/\n+$/, ''));
const arbProp: fc.Arbitrary<VCardProperty> = fc.oneof(
  fc.tuple(fc.constantFrom('FN', 'NOTE', 'TITLE', 'X-CUSTOM', 'URL'), text).map(([n, v]) => vcardProperty(n, v)),
  fc.tuple(fc.constantFrom('N', 'ADR', 'ORG'), fc.array(text, { minLength: 1, maxLength: 7 })).map(([n, vs]) => ({ ...vcardProperty(n, vs.join(';')), values: vs, value: vs.join(';') })),
  fc.tuple(text, fc.subarray(['CELL', 'HOME', 'WORK', 'VOICE', 'FAX', 'PREF'])).map(([v, t]) => vcardProperty('TEL', v, t)),
  fc.uint8Array({ minLength: 1, maxLength: 300 }).map((d) => vcardProperty('PHOTO', d, ['JPEG'])),
);

test('property: random cards survive both versions and 2.1 <-> 3.0 (fixed seed)', () => {
  fc.assert(fc.property(fc.array(arbProp, { maxLength: 12 }), fc.constantFrom('UTF-8', 'ISO-8859-1'), fc.boolean(), fc.boolean(), (props, charset, quoteEightBit, fold) => {
    const card: VCard = { version: '3.0', properties: props };
    const want = essence(card);
    const v30 = parseVCard(writeVCard(card, '3.0'));
    assert.deepEqual(essence(v30), want);
    const v21 = parseVCard(encodeVCard(v30, '2.1', { charset, quoteEightBit, fold }));
    assert.deepEqual(essence(v21), want);
    assert.deepEqual(essence(parseVCard(writeVCard(v21, '3.0'))), want);
  }), { seed: 11, numRuns: 300 });
});
