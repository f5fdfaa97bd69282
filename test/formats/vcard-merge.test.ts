// Merge with the stored card (never drop fields the device does not support) and match keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVCard } from '../../src/formats/vcard.js';
import { mergeVCards, normaliseForMatch } from '../../src/formats/vcard-merge.js';

const stored = parseVCard('BEGIN:VCARD\r\nVERSION:3.0\r\nN:Schmidt;Anna\r\nTEL;TYPE=CELL:+49 170 1\r\nNOTE:keep me\r\nX-EVOLUTION-UI-SLOT:1\r\nPHOTO;ENCODING=b:AAAA\r\nEND:VCARD\r\n');
const incoming = parseVCard('BEGIN:VCARD\r\nVERSION:2.1\r\nN:Schmidt;Anna\r\nTEL;CELL:+49 170 2\r\nEND:VCARD\r\n');

test('fields outside the device CTCap come from the stored card', () => {
  const merged = mergeVCards(stored, incoming, ['n', 'TEL', 'NOTE']);
  assert.deepEqual(merged.properties.map((p) => [p.name, p.value]), [
    ['N', 'Schmidt;Anna'], ['TEL', '+49 170 2'], ['X-EVOLUTION-UI-SLOT', '1'], ['PHOTO', ''],
  ]);
  assert.equal(merged.version, '2.1');
});

test('without CTCap, names absent from the update are kept', () => {
  const merged = mergeVCards(stored, incoming);
  assert.deepEqual(merged.properties.map((p) => p.name), ['N', 'TEL', 'NOTE', 'X-EVOLUTION-UI-SLOT', 'PHOTO']);
});

test('normaliseForMatch: name tokens, digits of phones, lower-case e-mails', () => {
  const a = parseVCard('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna Schmidt\r\nN:Schmidt;Ánna;;;\r\nTEL:+49 (170) 123-4567\r\nEMAIL:Anna@Example.COM\r\nEND:VCARD\r\n');
  const b = parseVCard('BEGIN:VCARD\r\nVERSION:2.1\r\nFN:anna schmidt\r\nTEL;CELL:0170 1234567\r\nEMAIL;INTERNET: anna@example.com\r\nEND:VCARD\r\n');
  assert.deepEqual(normaliseForMatch(a), { name: 'anna schmidt', phones: ['701234567'], emails: ['anna@example.com'] });
  assert.deepEqual(normaliseForMatch(a), normaliseForMatch(b));
});
