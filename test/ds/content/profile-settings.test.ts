// Device profile output settings in the contacts and notes handlers, and deviceFormatFor carrying
// them from the profile: categoriesPrefix, emailTypeInternet, quoteEightBit, foldLines,
// dropEmptyProperties, limitedFieldLengths (protocol-notes section 5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createContactsHandler, createNotesHandler } from '../../../src/ds/content/index.js';
import { deviceFormatFor } from '../../../src/ds/device-format.js';
import { parseVCard } from '../../../src/formats/vcard.js';
import { parseNote } from '../../../src/formats/vnote.js';
import type { DeviceFormat, ItemRecord, NormalisedItem, StoreKind } from '../../../src/ds/ports.js';

const contacts = createContactsHandler();
const notes = createNotesHandler();
const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const record = (n: NormalisedItem, kind: StoreKind = 'contacts'): ItemRecord => ({
  guid: 'g1', kind, contentType: n.contentType, data: n.data, rev: 1, deleted: false, changedBy: null, matchKey: n.matchKey, modified: 0,
});
const V21: DeviceFormat = { accepts: [{ type: 'text/x-vcard', version: '2.1' }] };
const V30: DeviceFormat = { accepts: [{ type: 'text/vcard', version: '3.0' }] };
const VNOTE: DeviceFormat = { accepts: [{ type: 'text/x-vnote', version: '1.1' }] };
const card = (...lines: string[]): Buffer => Buffer.from(['BEGIN:VCARD', 'VERSION:3.0', ...lines, 'END:VCARD', ''].join('\r\n'));
const vnote = (...lines: string[]): Buffer => Buffer.from(['BEGIN:VNOTE', 'VERSION:1.1', ...lines, 'END:VNOTE', ''].join('\r\n'));
const value = (data: Uint8Array, name: string): string | undefined => parseVCard(data).properties.find((p) => p.name === name)?.value;

test('deviceFormatFor carries the profile output settings (minDate as YYYYMMDD) and the zone', () => {
  const dev = deviceFormatFor(undefined, 'Contacts', 'contacts', {
    limitedFieldLengths: true, minDate: '1980-01-01', times: 'local', categoriesPrefix: 'X-', emailTypeInternet: true,
    dropEmptyProperties: true, quoteEightBit: true, foldLines: false, allDayUtcRange: true,
  }, undefined, 'Europe/Berlin');
  assert.deepEqual({ ...dev, accepts: undefined }, {
    accepts: undefined, limitedFieldLengths: true, minDate: '19800101', times: 'local', categoriesPrefix: 'X-', emailTypeInternet: true,
    dropEmptyProperties: true, quoteEightBit: true, foldLines: false, allDayUtcRange: true, timeZone: 'Europe/Berlin',
  });
  const plain = deviceFormatFor(undefined, 'Contacts', 'contacts', { minDate: null, categoriesPrefix: null });
  assert.equal(plain.minDate, undefined);
  assert.equal(plain.categoriesPrefix, undefined);
});

test('categoriesPrefix: added to each CATEGORIES value sent (3.0 and 2.1), taken off each one received', () => {
  const dev: DeviceFormat = { ...V30, categoriesPrefix: 'X-' };
  const n = contacts.normalise(card('FN:Ann', 'CATEGORIES:X-Business,x-Friends,Other'), 'text/vcard', dev);
  assert.equal(value(n.data, 'CATEGORIES'), 'Business,Friends,Other');
  assert.equal(value(contacts.render(record(n), dev).data, 'CATEGORIES'), 'X-Business,X-Friends,X-Other');
  assert.match(text(contacts.render(record(n), { ...V21, categoriesPrefix: 'X-' }).data), /\r\nCATEGORIES:X-Business,X-Friends,X-Other\r\n/);
  assert.equal(value(contacts.render(record(n), V30).data, 'CATEGORIES'), 'Business,Friends,Other');
  // A 2.1 phone's `;` list: each value loses the prefix, the separators stay.
  const v21 = contacts.normalise(Buffer.from('BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Bo\r\nCATEGORIES:X-Work;X-VIP\r\nEND:VCARD\r\n'), 'text/x-vcard', dev);
  assert.equal(value(v21.data, 'CATEGORIES'), 'Work;VIP');
});

test('categoriesPrefix: vNote CATEGORIES too', () => {
  const dev: DeviceFormat = { ...VNOTE, categoriesPrefix: 'X-' };
  const n = notes.normalise(vnote('BODY:milk', 'CATEGORIES:X-Shopping,Home'), 'text/x-vnote', dev);
  assert.deepEqual(parseNote(text(n.data), 'text/x-vnote').categories, ['Shopping', 'Home']);
  assert.match(text(notes.render(record(n, 'notes'), dev).data), /\r\nCATEGORIES:X-Shopping,X-Home\r\n/);
});

test('emailTypeInternet: every EMAIL sent gets INTERNET (2.1 bare, 3.0 TYPE=)', () => {
  const n = contacts.normalise(card('FN:Ann', 'EMAIL;TYPE=WORK:a@work.example', 'EMAIL:b@home.example', 'EMAIL;TYPE=INTERNET:c@x.example'), 'text/vcard', V30);
  const v21 = text(contacts.render(record(n), { ...V21, emailTypeInternet: true }).data);
  assert.match(v21, /\r\nEMAIL;INTERNET;WORK:a@work\.example\r\n/);
  assert.match(v21, /\r\nEMAIL;INTERNET:b@home\.example\r\n/);
  assert.match(v21, /\r\nEMAIL;INTERNET:c@x\.example\r\n/);
  const v30 = text(contacts.render(record(n), { ...V30, emailTypeInternet: true }).data);
  assert.match(v30, /\r\nEMAIL;TYPE=INTERNET,WORK:a@work\.example\r\n/);
  assert.match(v30, /\r\nEMAIL;TYPE=INTERNET:b@home\.example\r\n/);
  assert.match(text(contacts.render(record(n), V21).data), /\r\nEMAIL:b@home\.example\r\n/);
});

test('quoteEightBit: 2.1 8-bit values QP when true, characters of the charset when false', () => {
  const n = contacts.normalise(card('N:Müller;Jürgen', 'FN:Jürgen Müller', 'NOTE:a\\nb'), 'text/vcard', V30);
  const quoted = latin1(contacts.render(record(n), { ...V21, charset: 'ISO-8859-1', quoteEightBit: true }).data);
  assert.match(quoted, /^N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen\r$/m);
  const raw = latin1(contacts.render(record(n), { ...V21, charset: 'ISO-8859-1', quoteEightBit: false }).data);
  assert.match(raw, /^N;CHARSET=ISO-8859-1:Müller;Jürgen\r$/m);
  assert.match(raw, /^NOTE;ENCODING=QUOTED-PRINTABLE:a=0D=0Ab\r$/m, 'a line break still needs QP in 2.1');
  // and the phone's copy reads back as the stored card
  assert.equal(value(contacts.normalise(Buffer.from(raw, 'latin1'), 'text/x-vcard', { ...V21, charset: 'ISO-8859-1' }).data, 'N'), 'Müller;Jürgen');
  const note = notes.normalise(vnote('BODY;CHARSET=UTF-8:Käse'), 'text/x-vnote', VNOTE);
  assert.match(text(notes.render(record(note, 'notes'), { ...VNOTE, quoteEightBit: false }).data), /\r\nBODY;CHARSET=UTF-8:Käse\r\n/);
  assert.match(text(notes.render(record(note, 'notes'), VNOTE).data), /\r\nBODY;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:K=C3=A4se\r\n/);
});

test('foldLines false: no line folding (3.0, 2.1 QP soft breaks, 2.1 BASE64, vNote)', () => {
  const long = 'x'.repeat(150);
  const n = contacts.normalise(card('FN:Ann', `NOTE:${long}`, `ORG:Ärzte ${long}`, `PHOTO;ENCODING=b;TYPE=JPEG:${Buffer.alloc(120, 7).toString('base64')}`), 'text/vcard', V30);
  const folded = text(contacts.render(record(n), V30).data);
  assert.ok(folded.split('\r\n').every((l) => l.length <= 75));
  for (const dev of [{ ...V30, foldLines: false }, { ...V21, foldLines: false }, { ...V21, foldLines: false, quoteEightBit: true }]) {
    const out = text(contacts.render(record(n), dev).data);
    const lines = out.split('\r\n');
    assert.ok(lines.some((l) => l.startsWith('NOTE') && l.endsWith(long)), out);
    assert.ok(lines.every((l) => !l.startsWith(' ') && !l.endsWith('=')), out);
    assert.ok(lines.some((l) => l.startsWith('PHOTO') && l.length > 150), out);
    assert.equal(value(contacts.normalise(Buffer.from(out), dev.accepts[0]!.type, dev).data, 'NOTE'), long);
  }
  const note = notes.normalise(vnote(`BODY:${long}`), 'text/x-vnote', VNOTE);
  assert.match(text(notes.render(record(note, 'notes'), { ...VNOTE, foldLines: false }).data), new RegExp(`\r\nBODY:${long}\r\n`));
});

test('dropEmptyProperties: a vNote sends no empty SUMMARY/BODY; vCards never carry empty properties', () => {
  const note = notes.normalise(vnote('BODY:milk', 'SUMMARY:'), 'text/x-vnote', VNOTE);
  const empty = notes.normalise(vnote('BODY:', 'SUMMARY:Title only'), 'text/x-vnote', VNOTE);
  assert.match(text(notes.render(record(empty, 'notes'), VNOTE).data), /\r\nBODY:\r\n/);
  assert.doesNotMatch(text(notes.render(record(empty, 'notes'), { ...VNOTE, dropEmptyProperties: true }).data), /BODY/);
  assert.match(text(notes.render(record(note, 'notes'), { ...VNOTE, dropEmptyProperties: true }).data), /\r\nBODY:milk\r\n/);
  const c = contacts.normalise(card('FN:Ann', 'TITLE:', 'ORG:;', 'TEL:1'), 'text/vcard', V30);
  assert.doesNotMatch(text(contacts.render(record(c), { ...V21, dropEmptyProperties: true }).data), /TITLE|ORG/);
});

test('limitedFieldLengths: a value the phone cut comes back as the start of the stored one and does not overwrite it', () => {
  const dev: DeviceFormat = { ...V21, limitedFieldLengths: true };
  const stored = contacts.normalise(card('N:Schwarzenegger-Habsburg;Maximiliane;;;', 'FN:Maximiliane Schwarzenegger-Habsburg',
    'NOTE:A long note the phone cannot hold', 'TEL;TYPE=CELL:+49123', 'ADR;TYPE=HOME:;;Lange Strasse 1;Berlin;;10115;Germany'), 'text/vcard', V30);
  const back = card('N:Schwarzenegger-H;Maximil;;;', 'FN:Maximiliane Schwarz', 'NOTE:A long note', 'TEL;TYPE=CELL:+49123',
    'ADR;TYPE=HOME:;;Lange Str;Berlin;;;');
  const merged = contacts.merge(record(stored), contacts.normalise(back, 'text/vcard', dev), dev);
  assert.equal(value(merged.data, 'N'), 'Schwarzenegger-Habsburg;Maximiliane;;;');
  assert.equal(value(merged.data, 'FN'), 'Maximiliane Schwarzenegger-Habsburg');
  assert.equal(value(merged.data, 'NOTE'), 'A long note the phone cannot hold');
  assert.equal(value(merged.data, 'ADR'), ';;Lange Strasse 1;Berlin;;10115;Germany');
  assert.equal(text(merged.data), text(stored.data), 'nothing changed: nothing to store or send back');
  // Real edits still win: a different value, a longer one, an emptied first component.
  const edit = card('N:Schmidt;Max;;;', 'FN:Max Schmidt', 'NOTE:A long note the phone cannot hold, edited', 'TEL;TYPE=CELL:+49123',
    'ADR;TYPE=HOME:;;;Berlin;;10115;Germany');
  const edited = contacts.merge(record(stored), contacts.normalise(edit, 'text/vcard', dev), dev);
  assert.equal(value(edited.data, 'N'), 'Schmidt;Max;;;');
  assert.equal(value(edited.data, 'NOTE'), 'A long note the phone cannot hold, edited');
  assert.equal(value(edited.data, 'ADR'), ';;;Berlin;;10115;Germany');
  // Without the setting the cut value is taken as an edit.
  const plain = contacts.merge(record(stored), contacts.normalise(back, 'text/vcard', V21), V21);
  assert.equal(value(plain.data, 'NOTE'), 'A long note');
});

test('limitedFieldLengths: notes keep the stored text the phone cut', () => {
  const dev: DeviceFormat = { ...VNOTE, limitedFieldLengths: true };
  const stored = notes.normalise(vnote('SUMMARY:Shopping list', 'BODY:milk\\, eggs\\, flour\\, sugar'), 'text/x-vnote', VNOTE);
  const merged = notes.merge(record(stored, 'notes'), notes.normalise(vnote('SUMMARY:Shopping', 'BODY:milk\\, eg'), 'text/x-vnote', dev), dev);
  assert.deepEqual(parseNote(text(merged.data), 'text/x-vnote'), parseNote(text(stored.data), 'text/x-vnote'));
  const plainDev: DeviceFormat = { accepts: [{ type: 'text/plain', version: '1.0' }], limitedFieldLengths: true };
  const p = notes.merge(record(stored, 'notes'), notes.normalise(Buffer.from('Shopping list\nmilk, eggs'), 'text/plain', plainDev), plainDev);
  assert.equal(text(p.data), text(stored.data));
});
