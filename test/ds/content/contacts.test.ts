// Contacts handler: vCard 2.1/3.0 in (QP, Latin-1, PHOTO, quirks) -> stored vCard 3.0 -> out in
// the device's format, charset and limits; merge keeping unsupported fields; slow-sync matching.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createContactsHandler } from '../../../src/ds/content/index.js';
import { parseVCard } from '../../../src/formats/vcard.js';
import type { DeviceFormat, ItemRecord, NormalisedItem } from '../../../src/ds/ports.js';

const h = createContactsHandler();
const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/vobjects/${name}`, import.meta.url));
const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const record = (n: NormalisedItem, guid = 'g1'): ItemRecord => ({
  guid, kind: 'contacts', contentType: n.contentType, data: n.data, rev: 1, deleted: false, changedBy: null, matchKey: n.matchKey, modified: 0,
});
const ANY: DeviceFormat = { accepts: [] };
const V21: DeviceFormat = { accepts: [{ type: 'text/x-vcard', version: '2.1' }] };
const V30: DeviceFormat = { accepts: [{ type: 'text/vcard', version: '3.0' }] };
const SE: DeviceFormat = { ...V21, charset: 'ISO-8859-1' };
const card = (...lines: string[]): Buffer => Buffer.from(['BEGIN:VCARD', ...lines, 'END:VCARD', ''].join('\r\n'));
const props = (data: Uint8Array): Array<[string, string]> => parseVCard(data).properties.map((p) => [p.name, p.data === undefined ? p.value : Buffer.from(p.data).toString('base64')]);

test('formats: vCard 3.0 preferred, then 2.1; CTCap names for both types only', () => {
  assert.deepEqual(h.formats, [{ type: 'text/vcard', version: '3.0' }, { type: 'text/x-vcard', version: '2.1' }]);
  assert.ok(h.ctcap('text/x-vcard').includes('TEL'));
  assert.ok(h.ctcap('TEXT/VCARD; charset=UTF-8').includes('PHOTO'));
  assert.deepEqual(h.ctcap('text/calendar'), []);
});

test('a Sony-Ericsson-style 2.1 card: 8-bit Latin-1 and QP Latin-1 -> stored 3.0 UTF-8 -> back the same', () => {
  const n = h.normalise(fixture('vcard21-latin1.vcf'), 'text/x-vcard', SE);
  assert.equal(n.contentType, 'text/vcard');
  assert.equal(text(n.data), 'BEGIN:VCARD\r\nVERSION:3.0\r\nN:Müller;Jürgen\r\nORG:Café Straße\r\nNOTE:Grüße\r\nEND:VCARD\r\n');
  assert.equal(n.label, 'Jürgen Müller');
  assert.equal(n.matchKey, 'contact|jurgen muller');
  const out = h.render(record(n), SE);
  assert.equal(out.contentType, 'text/x-vcard');
  assert.match(latin1(out.data), /^N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen\r$/m);
  assert.match(latin1(out.data), /^NOTE;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Gr=FC=DFe\r$/m);
  assert.deepEqual(props(h.normalise(out.data, out.contentType, SE).data), props(n.data), 'what the phone gets back parses to the same card');
  // 8-bit Latin-1 without CHARSET, taken as the device's charset.
  const raw = Buffer.concat([Buffer.from('BEGIN:VCARD\r\nVERSION:2.1\r\nN:J'), Buffer.from([0xf6]), Buffer.from('rg;\r\nEND:VCARD\r\n')]);
  assert.equal(h.normalise(raw, 'text/x-vcard', SE).label, 'Jörg');
});

test('a Latin-1 profile gives way to an item that is valid multi-byte UTF-8; 8-bit Latin-1 that is not UTF-8 stays Latin-1', () => {
  const utf8Card = card('VERSION:3.0', 'N:Müller;Jürgen;;;', 'FN:Jürgen Müller 山田');
  assert.equal(h.normalise(utf8Card, 'text/vcard', SE).label, 'Jürgen Müller 山田');
  const latin = Buffer.concat([Buffer.from('BEGIN:VCARD\r\nVERSION:2.1\r\nN:M'), Buffer.from([0xfc]), Buffer.from('ller;J'), Buffer.from([0xfc]), Buffer.from('rgen\r\nEND:VCARD\r\n')]);
  assert.equal(h.normalise(latin, 'text/x-vcard', SE).label, 'Jürgen Müller');
  // an explicit charset on the type always wins
  assert.match(h.normalise(utf8Card, 'text/vcard; charset=ISO-8859-1', SE).label ?? '', /^JÃ¼rgen MÃ¼ller /);
});

test('round trips through both formats keep every property (QP soft breaks, 2.1 folding, LF-only, groups)', () => {
  for (const name of ['vcard21-qp-soft-folded.vcf', 'vcard21-bare-types.vcf', 'vcard30-lowercase-lf.vcf', 'vcard21-n9-bogus-soft-break.vcf', 'vcard21-latin1.vcf']) {
    const n = h.normalise(fixture(name), undefined, ANY);
    for (const dev of [V21, V30, SE]) {
      const out = h.render(record(n), dev);
      const back = h.normalise(out.data, out.contentType, dev);
      assert.deepEqual(props(back.data).filter(([p]) => p !== 'FN' || props(n.data).some(([q]) => q === 'FN')), props(n.data), `${name} via ${out.contentType}`);
      assert.equal(back.matchKey, n.matchKey);
    }
  }
  const soft = h.normalise(fixture('vcard21-qp-soft-folded.vcf'), 'text/x-vcard', ANY);
  assert.match(text(soft.data), /^NOTE:Erste Zeile\\nZweite Zeile mit Umlaut ü und Ende\r$/m);
  assert.match(text(soft.data), /^TITLE:Lange Zeile die in 2\.1 vor einem Leerzeichen gefaltet wurde\r$/m);
  const n9 = h.normalise(fixture('vcard21-n9-bogus-soft-break.vcf'), 'text/x-vcard', ANY);
  assert.match(text(n9.data), /^NOTE:Hello World from the N9\r$/m);
  const lf = h.normalise(fixture('vcard30-lowercase-lf.vcf'), 'text/vcard', ANY);
  assert.match(text(lf.data), /^item1\.TEL;TYPE=CELL,PREF:\+44 7700 900123\r$/m);
  assert.match(latin1(h.render(record(lf), V21).data), /^item1\.TEL;CELL;PREF:\+44 7700 900123\r$/m);
});

test('2.1 bare types become 3.0 TYPE= lists and back', () => {
  const n = h.normalise(fixture('vcard21-bare-types.vcf'), 'text/x-vcard', ANY);
  assert.match(text(n.data), /^TEL;TYPE=CELL,VOICE:\+49 170 1234567\r$/m);
  assert.match(text(n.data), /^EMAIL;TYPE=INTERNET:john@example\.com\r$/m);
  assert.match(latin1(h.render(record(n), V21).data), /^TEL;CELL;VOICE:\+49 170 1234567\r$/m);
});

test('a base64 PHOTO survives 2.1 -> stored -> 3.0 and 2.1, byte for byte', () => {
  const jpeg = Buffer.from('/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////', 'base64');
  for (const [name, type] of [['vcard21-photo-base64.vcf', 'text/x-vcard'], ['vcard30-photo-b.vcf', 'text/vcard']] as const) {
    const n = h.normalise(fixture(name), type, ANY);
    assert.match(text(n.data), /^PHOTO;TYPE=JPEG;ENCODING=b:/m);
    for (const dev of [V21, V30]) {
      const out = h.render(record(n), dev);
      const photo = parseVCard(out.data).properties.find((p) => p.name === 'PHOTO');
      assert.deepEqual(Buffer.from(photo?.data ?? []), jpeg, `${name} -> ${out.contentType}`);
    }
    assert.deepEqual(h.fields(record(n)).photo, { types: ['JPEG'], bytes: jpeg.length });
  }
  assert.match(latin1(h.render(record(h.normalise(fixture('vcard30-photo-b.vcf'), undefined, ANY)), V21).data), /^PHOTO;TYPE=JPEG;ENCODING=BASE64:\r\n {4}\/9j\//m);
});

test('empty properties are dropped; a missing END is tolerated', () => {
  const n = h.normalise(fixture('vcard21-empty-props.vcf'), 'text/x-vcard', ANY);
  assert.deepEqual(props(n.data), [['N', 'Empty;Props'], ['TEL', '+1 555 0100']]);
  const cut = h.normalise(fixture('vcard21-missing-end.vcf'), 'text/x-vcard', ANY);
  assert.deepEqual(props(cut.data), [['N', 'Cut;Off'], ['TEL', '12345']]);
});

test('render picks the first type of accepts it can write; 3.0 when accepts is empty; 3.0 gets an FN', () => {
  const n = h.normalise(card('VERSION:2.1', 'N:Doe;Jane', 'TEL;CELL:123'), 'text/x-vcard', ANY);
  assert.equal(h.render(record(n), ANY).contentType, 'text/vcard');
  assert.match(text(h.render(record(n), ANY).data), /^VERSION:3\.0\r\nN:Doe;Jane\r\nFN:Jane Doe\r$/m);
  const dev: DeviceFormat = { accepts: [{ type: 'text/html', version: '' }, { type: 'TEXT/X-VCARD', version: '' }, { type: 'text/vcard', version: '3.0' }] };
  const out = h.render(record(n), dev);
  assert.equal(out.contentType, 'text/x-vcard');
  assert.match(text(out.data), /^VERSION:2\.1\r$/m);
  assert.doesNotMatch(text(out.data), /^FN/m, '2.1 has no FN requirement');
});

test('field limits cut values to the max characters (structured components in order); a too large PHOTO is left out', () => {
  const n = h.normalise(card('VERSION:3.0', 'N:Mustermann-Lüdenscheid;Maximilian;;;', 'FN:Maximilian Mustermann-Lüdenscheid', 'NOTE:short',
    'PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////'), 'text/vcard', ANY);
  const dev: DeviceFormat = { ...V21, charset: 'ISO-8859-1', fieldLimits: { N: 26, FN: 10, NOTE: 100, PHOTO: 16 } };
  const out = parseVCard(h.render(record(n), dev).data);
  assert.deepEqual(out.properties.map((p) => [p.name, p.value]), [['N', 'Mustermann-Lüdenscheid;Max;;;'], ['FN', 'Maximilian'], ['NOTE', 'short']]);
});

test('merge: the device wins for what it supports, the rest is kept from the stored card', () => {
  const stored = h.normalise(card('VERSION:3.0', 'N:Doe;Jane;;;', 'FN:Jane Doe', 'TEL;TYPE=CELL:111', 'EMAIL:jane@example.com', 'NOTE:likes tea',
    'PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ', 'UID:abc-1'), 'text/vcard', ANY);
  const incoming = h.normalise(card('VERSION:2.1', 'N:Doe;Jane', 'TEL;CELL:222', 'NOTE:likes coffee'), 'text/x-vcard', ANY);
  const dev: DeviceFormat = { ...V21, supportedProps: new Set(['N', 'TEL', 'NOTE', 'BEGIN', 'END', 'VERSION']) };
  const merged = h.merge(record(stored), incoming, dev);
  assert.deepEqual(props(merged.data), [['N', 'Doe;Jane'], ['TEL', '222'], ['NOTE', 'likes coffee'], ['FN', 'Jane Doe'], ['EMAIL', 'jane@example.com'],
    ['PHOTO', '/9j/4AAQ'], ['UID', 'abc-1']]);
  assert.equal(merged.contentType, 'text/vcard');
  // Without CTCap every property counts as supported: the incoming card wins, only the UID is kept.
  assert.deepEqual(props(h.merge(record(stored), incoming, V21).data), [['N', 'Doe;Jane'], ['TEL', '222'], ['NOTE', 'likes coffee'], ['UID', 'abc-1']]);
});

test('merge: a value the device got cut to its field limit and sent back unchanged keeps the full stored value', () => {
  const stored = h.normalise(card('VERSION:3.0', 'N:Mustermann;Maximilian;;;', 'NOTE:a rather long note', 'PHOTO;ENCODING=b:/9j/4AAQSkZJRgABAQEASABIAAD/'), 'text/vcard', ANY);
  const dev: DeviceFormat = { ...V21, fieldLimits: { N: 14, NOTE: 8, PHOTO: 8 }, supportedProps: new Set(['N', 'NOTE', 'PHOTO']) };
  const sent = h.render(record(stored), dev);
  assert.equal(parseVCard(sent.data).properties.length, 2, 'PHOTO left out');
  const back = h.normalise(sent.data, sent.contentType, dev);
  assert.deepEqual(props(h.merge(record(stored), back, dev).data), props(stored.data));
  const edited = h.normalise(card('VERSION:2.1', 'N:Mustermann;Max', 'NOTE:new'), 'text/x-vcard', dev);
  assert.deepEqual(props(h.merge(record(stored), edited, dev).data).map(([p, v]) => `${p}:${v.slice(0, 12)}`), ['N:Mustermann;M', 'NOTE:new', 'PHOTO:/9j/4AAQSkZJ']);
});

test('merge of a card with itself is byte for byte the stored form (import finds it unchanged)', () => {
  for (const name of ['vcard21-qp-soft-folded.vcf', 'vcard30-photo-b.vcf', 'vcard21-latin1.vcf']) {
    const n = h.normalise(fixture(name), undefined, ANY);
    assert.deepEqual(h.merge(record(n), h.normalise(fixture(name), undefined, ANY), ANY).data, n.data, name);
  }
});

test('match key and same(): name first, then a shared phone or e-mail (or none on one side)', () => {
  const a = h.normalise(card('VERSION:3.0', 'FN:Anna Schmidt', 'TEL:+49 170 1234567'), 'text/vcard', ANY);
  const b = h.normalise(card('VERSION:2.1', 'N:Schmidt;Anna', 'TEL;CELL:0170 1234567', 'EMAIL:anna@example.com'), 'text/x-vcard', ANY);
  const c = h.normalise(card('VERSION:2.1', 'N:Schmidt;Anna', 'TEL;CELL:0170 7654321'), 'text/x-vcard', ANY);
  const d = h.normalise(card('VERSION:2.1', 'N:Schmidt;Anna'), 'text/x-vcard', ANY);
  assert.equal(a.matchKey, 'contact|anna schmidt');
  assert.equal(b.matchKey, a.matchKey);
  assert.equal(h.same(a.data, b.data), true, 'same last 9 digits');
  assert.equal(h.same(a.data, c.data), false, 'another number: two people of one name');
  assert.equal(h.same(c.data, d.data), true, 'a name-only card is the same contact');
  const nameless = h.normalise(card('VERSION:3.0', 'EMAIL:x@example.com'), 'text/vcard', ANY);
  assert.equal(nameless.matchKey, 'contact|~x@example.com');
  assert.equal(nameless.label, 'x@example.com');
  assert.equal(h.normalise(card('VERSION:3.0', 'NOTE:nothing else'), 'text/vcard', ANY).matchKey, null);
});

test('fields: plain JSON of the card', () => {
  const n = h.normalise(card('VERSION:3.0', 'N:Doe;John;;Dr.;', 'FN:Dr. John Doe', 'TEL;TYPE=CELL:+1 555', 'EMAIL;TYPE=WORK:j@x.org', 'ORG:ACME;R&D',
    'ADR;TYPE=HOME:;;Main St 1;Springfield;;12345;USA', 'CATEGORIES:friends,work', 'X-FOO:bar'), 'text/vcard', ANY);
  assert.deepEqual(h.fields(record(n)), {
    fn: 'Dr. John Doe', n: { family: 'Doe', given: 'John', additional: '', prefix: 'Dr.', suffix: '' },
    tel: [{ value: '+1 555', types: ['CELL'] }], email: [{ value: 'j@x.org', types: ['WORK'] }],
    adr: [{ types: ['HOME'], poBox: '', extended: '', street: 'Main St 1', locality: 'Springfield', region: '', postalCode: '12345', country: 'USA' }],
    org: ['ACME', 'R&D'], categories: ['friends', 'work'], other: [{ name: 'X-FOO', value: 'bar' }],
  });
});

test('split: a .vcf of many cards, each with its own type and bytes', () => {
  const file = Buffer.concat([fixture('vcard21-latin1.vcf'), fixture('vcard30-lowercase-lf.vcf'), Buffer.from('\r\n'), fixture('vcard21-missing-end.vcf')]);
  const parts = h.split(file, undefined);
  assert.deepEqual(parts.map((p) => p.type), ['text/x-vcard', 'text/vcard', 'text/x-vcard']);
  assert.deepEqual(Buffer.from(parts[0]!.data), fixture('vcard21-latin1.vcf'), 'Latin-1 bytes kept for normalise');
  assert.deepEqual(parts.map((p) => h.normalise(p.data, p.type, ANY).label), ['Jürgen Müller', 'Case Lower', 'Off Cut']);
  assert.throws(() => h.split(Buffer.from('hello'), undefined), { code: 'SB_ERR_FORMAT_NO_BEGIN', syncmlStatus: 400 });
  assert.throws(() => h.split(file, 'text/calendar'), { code: 'SB_ERR_FORMAT_UNSUPPORTED', syncmlStatus: 415 });
});

test('errors: 415 for a type the store does not take, 400 for data that does not parse', () => {
  const vcard = fixture('vcard21-bare-types.vcf');
  assert.throws(() => h.normalise(vcard, 'text/calendar', ANY), { name: 'SyncmlError', code: 'SB_ERR_FORMAT_UNSUPPORTED', syncmlStatus: 415 });
  assert.throws(() => h.normalise(Buffer.from('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n'), undefined, ANY), { syncmlStatus: 415 });
  assert.throws(() => h.normalise(Buffer.from('just text'), 'text/x-vcard', ANY), { code: 'SB_ERR_FORMAT_NO_BEGIN', syncmlStatus: 400 });
  assert.throws(() => h.normalise(card('VERSION:2.1', 'this line has no colon'), 'text/x-vcard', ANY), { code: 'SB_ERR_FORMAT_LINE', syncmlStatus: 400 });
  assert.equal(h.normalise(vcard, 'Text/X-VCard; charset=UTF-8', ANY).label, 'John Doe', 'type in any case, with parameters');
});
