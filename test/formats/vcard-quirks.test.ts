// Hand-written quirk fixtures (protocol-notes section 5) with expected values, and bad input
// that must fail with a clean coded error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { parseVCard, parseVCards, typesOf, writeVCard, type VCard } from '../../src/formats/vcard.js';
import { SyncmlError } from '../../src/errors.js';

const FIXTURES = resolve(ROOT, 'test/fixtures/vobjects');
const load = (name: string): VCard => parseVCard(readFileSync(resolve(FIXTURES, name)));
const get = (card: VCard, name: string): string | undefined => card.properties.find((p) => p.name === name)?.value;

test('QP soft breaks across lines and 2.1 folding before whitespace', () => {
  const card = load('vcard21-qp-soft-folded.vcf');
  assert.equal(card.version, '2.1');
  assert.equal(get(card, 'NOTE'), 'Erste Zeile\nZweite Zeile mit Umlaut ü und Ende');
  assert.deepEqual(card.properties.find((p) => p.name === 'ADR')?.values, ['', '', 'Hauptstr. 1', 'Berlin', '', '10115', 'Deutschland']);
  assert.equal(get(card, 'TITLE'), 'Lange Zeile die in 2.1 vor einem Leerzeichen gefaltet wurde');
});

test('Nokia N9 bogus soft break ==0A=0D= is skipped', () => {
  const card = load('vcard21-n9-bogus-soft-break.vcf');
  assert.equal(get(card, 'NOTE'), 'Hello World from the N9');
  assert.equal(get(card, 'N'), 'Virtanen;Matti');
});

test('Latin-1: CHARSET=ISO-8859-1, QP Latin-1 and undeclared Latin-1 (Sony Ericsson)', () => {
  const card = load('vcard21-latin1.vcf');
  assert.deepEqual(card.properties.find((p) => p.name === 'N')?.values, ['Müller', 'Jürgen']);
  assert.equal(get(card, 'ORG'), 'Café Straße');
  assert.equal(get(card, 'NOTE'), 'Grüße');
  const latin = writeVCard(card, '2.1', { charset: 'ISO-8859-1' });
  assert.match(latin, /N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen\r\n/);
  assert.deepEqual(parseVCard(latin).properties.map((p) => p.value), card.properties.map((p) => p.value));
});

test('bare 2.1 TYPE values are normalised, kept bare, and become a TYPE list in 3.0', () => {
  const card = load('vcard21-bare-types.vcf');
  const tels = card.properties.filter((p) => p.name === 'TEL');
  assert.deepEqual(tels.map(typesOf), [['CELL', 'VOICE'], ['PREF', 'WORK']]);
  assert.equal(tels[0]?.params[0]?.bare, true);
  const v21 = writeVCard(card, '2.1');
  assert.match(v21, /\r\nTEL;CELL;VOICE:\+49 170 1234567\r\n/);
  const v30 = writeVCard(card, '3.0');
  assert.match(v30, /\r\nTEL;TYPE=CELL,VOICE:\+49 170 1234567\r\n/);
  assert.match(v30, /\r\nEMAIL;TYPE=INTERNET:john@example.com\r\n/);
});

test('PHOTO: 2.1 BASE64 folded with blank line and 3.0 b folded give the same bytes', () => {
  const a = load('vcard21-photo-base64.vcf');
  const b = load('vcard30-photo-b.vcf');
  const pa = a.properties.find((p) => p.name === 'PHOTO');
  const pb = b.properties.find((p) => p.name === 'PHOTO');
  assert.ok(pa?.data && pb?.data);
  assert.equal(Buffer.from(pa.data).toString('base64'), '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////');
  assert.deepEqual(pa.data, pb.data);
  assert.deepEqual(typesOf(pa), ['JPEG']);
  assert.match(writeVCard(b, '2.1'), /PHOTO;TYPE=JPEG;ENCODING=BASE64:\r\n {4}\//);
  assert.match(writeVCard(a, '3.0'), /PHOTO;TYPE=JPEG;ENCODING=b:\/9j\//);
  assert.deepEqual(parseVCard(writeVCard(a, '3.0')).properties.find((p) => p.name === 'PHOTO')?.data, pa.data);
});

test('empty properties are parsed, and dropped on request (Siemens SX1)', () => {
  const card = load('vcard21-empty-props.vcf');
  assert.equal(get(card, 'TITLE'), '');
  assert.equal(get(card, 'ORG'), '');
  const out = writeVCard(card, '2.1', { dropEmpty: true });
  assert.doesNotMatch(out, /TITLE|ORG/);
  assert.match(out, /TEL;CELL:\+1 555 0100/);
});

test('missing END:VCARD ends the card at end of input', () => {
  const card = load('vcard21-missing-end.vcf');
  assert.equal(get(card, 'TEL'), '12345');
  assert.equal(card.properties.length, 2);
});

test('lower-case names, groups, LF-only line ends, 3.0 escapes', () => {
  const card = load('vcard30-lowercase-lf.vcf');
  assert.equal(card.version, '3.0');
  const tel = card.properties.find((p) => p.name === 'TEL');
  assert.equal(tel?.group, 'item1');
  assert.deepEqual(tel && typesOf(tel), ['CELL', 'PREF']);
  assert.equal(get(card, 'NOTE'), 'Line one\nLine two, with comma; and semicolon');
  const v21 = writeVCard(card, '2.1');
  assert.match(v21, /\r\nitem1\.TEL;CELL;PREF:\+44 7700 900123\r\n/);
  assert.match(v21, /NOTE;ENCODING=QUOTED-PRINTABLE:Line one=0D=0ALine two, with comma; and semi=\r\ncolon\r\n/);
  assert.equal(parseVCard(v21).properties.find((p) => p.name === 'NOTE')?.value, 'Line one\nLine two, with comma; and semicolon');
});

test('EMAIL gets TYPE=INTERNET on request (Nokia E51)', () => {
  const card = parseVCard('BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL;TYPE=WORK:a@b.example\r\nEND:VCARD\r\n');
  assert.match(writeVCard(card, '2.1', { emailInternet: true }), /EMAIL;INTERNET;WORK:a@b.example/);
});

test('3.0 output folds at 75 with CRLF + space', () => {
  const card = parseVCard(`BEGIN:VCARD\nVERSION:3.0\nNOTE:${'x'.repeat(200)}\nEND:VCARD\n`);
  const out = writeVCard(card, '3.0');
  for (const line of out.split('\r\n')) assert.ok(line.length <= 75);
  assert.equal(parseVCard(out).properties[0]?.value, 'x'.repeat(200));
});

test('several cards in one stream', () => {
  const text = 'BEGIN:VCARD\r\nVERSION:2.1\r\nFN:A\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:B\r\nEND:VCARD\r\n';
  assert.deepEqual(parseVCards(text).map((c) => [c.version, get(c, 'FN')]), [['2.1', 'A'], ['3.0', 'B']]);
});

function assertCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (err: unknown) => err instanceof SyncmlError && err.code === code && typeof err.syncmlStatus === 'number');
}

test('bad input gives coded errors', () => {
  assertCode(() => parseVCard('FN:No begin\r\nEND:VCARD\r\n'), 'SB_ERR_FORMAT_NO_BEGIN');
  assertCode(() => parseVCard(''), 'SB_ERR_FORMAT_NO_BEGIN');
  assertCode(() => parseVCard(`BEGIN:VCARD\r\nNOTE:${'a'.repeat(5000)}`, { maxLineBytes: 4096 }), 'SB_ERR_FORMAT_LINE_TOO_LONG');
  assertCode(() => parseVCard(`BEGIN:VCARD\r\nNOTE:a\r\n${' b\r\n'.repeat(3000)}`, { maxLineBytes: 4096 }), 'SB_ERR_FORMAT_LINE_TOO_LONG');
  assertCode(() => parseVCard(new Uint8Array(2 * 1024 * 1024), { maxBytes: 1024 * 1024 }), 'SB_ERR_FORMAT_TOO_LARGE');
  assertCode(() => parseVCard(new Uint8Array(17 * 1024 * 1024)), 'SB_ERR_FORMAT_TOO_LARGE');
  assertCode(() => parseVCard(`BEGIN:VCARD\r\nNOTE:${'a'.repeat(2 * 1024 * 1024)}`), 'SB_ERR_FORMAT_LINE_TOO_LONG');
  assertCode(() => parseVCard('BEGIN:VCARD\r\nthis line has no colon\r\nEND:VCARD\r\n'), 'SB_ERR_FORMAT_LINE');
  assertCode(() => parseVCard('BEGIN:VCARD\r\nNOTE;CHARSET=X-NOPE:a\r\nEND:VCARD\r\n'), 'SB_ERR_FORMAT_CHARSET');
});

test('2.1 quoteEightBit false: 8-bit values as characters with CHARSET; fold false: no QP soft breaks or folding', () => {
  const card = parseVCard(`BEGIN:VCARD\r\nVERSION:3.0\r\nN:Müller;Jürgen\r\nNOTE:${'x'.repeat(120)}\r\nEND:VCARD\r\n`);
  assert.match(writeVCard(card, '2.1'), /\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen\r\n/);
  assert.match(writeVCard(card, '2.1', { quoteEightBit: false }), /\r\nN;CHARSET=UTF-8:Müller;Jürgen\r\n/);
  assert.match(writeVCard(card, '2.1'), /\r\nNOTE;ENCODING=QUOTED-PRINTABLE:x+=\r\nx+=\r\nx\r\n/);
  assert.match(writeVCard(card, '2.1', { fold: false }), new RegExp(`\\r\\nNOTE:${'x'.repeat(120)}\\r\\n`));
  assert.match(writeVCard(card, '3.0', { fold: false }), new RegExp(`\\r\\nNOTE:${'x'.repeat(120)}\\r\\n`));
});
