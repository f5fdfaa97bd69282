// Notes: vNote with QP body, text/plain with the first line as summary, round trips, match key, errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseNote, writeNote } from '../../src/formats/vnote.js';
import { noteMatchKey } from '../../src/formats/calendar-model.js';

const VNT = readFileSync(new URL('../fixtures/vobjects/cal-note.vnt', import.meta.url), 'utf8');

test('parses a vNote with a QP body and no SUMMARY', () => {
  assert.deepEqual(parseNote(VNT, 'text/x-vnote'), { summary: 'Shopping', body: 'Shopping\nEggs\nKäse', categories: ['PERSONAL'] });
});

test('vNote and text/plain round trips', () => {
  const note = parseNote(VNT, 'text/x-vnote');
  assert.deepEqual(parseNote(writeNote(note, 'text/x-vnote'), 'text/x-vnote'), note);
  assert.deepEqual(parseNote(writeNote(note, 'text/plain'), 'text/plain'), { ...note, categories: [] });
  const plain = parseNote('Call Bob\r\nabout the car\r\n', 'text/plain');
  assert.deepEqual(plain, { summary: 'Call Bob', body: 'Call Bob\nabout the car\n', categories: [] });
  assert.deepEqual(parseNote(writeNote(plain, 'text/x-vnote'), 'text/x-vnote'), plain);
});

test('text/plain puts a summary that is not the first line in front', () => {
  assert.equal(writeNote({ summary: 'Title', body: 'text', categories: [] }, 'text/plain'), 'Title\ntext');
});

test('noteMatchKey ignores case and spacing of the summary', () => {
  assert.equal(noteMatchKey({ summary: '  Shopping ', body: 'x', categories: [] }), noteMatchKey({ summary: 'shopping', body: 'y', categories: [] }));
});

test('bad input is a coded error', () => {
  assert.throws(() => parseNote('BODY:x\r\n', 'text/x-vnote'), { code: 'SB_ERR_FORMAT_NO_BEGIN', syncmlStatus: 400 });
  assert.throws(() => parseNote(`BEGIN:VNOTE\r\nBODY:${'x'.repeat(70_000)}`, 'text/x-vnote'), { code: 'SB_ERR_FORMAT_LINE_TOO_LONG' });
  assert.throws(() => parseNote('x', 'text/html' as 'text/plain'), { code: 'SB_ERR_FORMAT_UNSUPPORTED', syncmlStatus: 415 });
});

test('property: random vNotes round trip (fixed seed)', () => {
  const text = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', 'é', ';', ',', '\\', '\n', ':', '='), maxLength: 80 });
  const word = fc.string({ unit: fc.constantFrom('a', 'B', '1'), minLength: 1, maxLength: 8 });
  fc.assert(fc.property(text, text, fc.uniqueArray(word, { maxLength: 3 }), (summary, body, categories) => {
    const note = { summary: summary.trim() === '' ? (body.split('\n')[0] ?? '').trim() : summary, body, categories };
    assert.deepEqual(parseNote(writeNote(note, 'text/x-vnote'), 'text/x-vnote'), note);
  }), { seed: 20261122, numRuns: 300 });
});
