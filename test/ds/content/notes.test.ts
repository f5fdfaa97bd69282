// Notes handler: text/plain and vNote 1.1 in -> stored vNote -> out in either; merge for plain and
// vNote devices, field limits, matching, split, errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createNotesHandler } from '../../../src/ds/content/index.js';
import type { DeviceFormat, ItemRecord, NormalisedItem } from '../../../src/ds/ports.js';

const h = createNotesHandler();
const VNT = readFileSync(new URL('../../fixtures/vobjects/cal-note.vnt', import.meta.url));
const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
const record = (n: NormalisedItem): ItemRecord => ({
  guid: 'g1', kind: 'notes', contentType: n.contentType, data: n.data, rev: 1, deleted: false, changedBy: null, matchKey: n.matchKey, modified: 0,
});
const ANY: DeviceFormat = { accepts: [] };
const PLAIN: DeviceFormat = { accepts: [{ type: 'text/plain', version: '1.0' }] };
const VNOTE: DeviceFormat = { accepts: [{ type: 'text/x-vnote', version: '1.1' }] };
const vnote = (...lines: string[]): Buffer => Buffer.from(['BEGIN:VNOTE', 'VERSION:1.1', ...lines, 'END:VNOTE', ''].join('\r\n'));

test('formats: text/plain preferred (Nokia, SyncEvolution memos), then vNote 1.1; CTCap for vNote only', () => {
  assert.deepEqual(h.formats, [{ type: 'text/plain', version: '1.0' }, { type: 'text/x-vnote', version: '1.1' }]);
  assert.deepEqual(h.ctcap('text/x-vnote'), ['BEGIN', 'END', 'VERSION', 'BODY', 'SUMMARY', 'CATEGORIES']);
  assert.deepEqual(h.ctcap('text/plain'), []);
});

test('vNote with QP body -> stored vNote -> text/plain and vNote', () => {
  const n = h.normalise(VNT, 'text/x-vnote', ANY);
  assert.equal(n.contentType, 'text/x-vnote');
  assert.equal(n.label, 'Shopping');
  assert.equal(n.matchKey, 'note|shopping');
  assert.deepEqual(h.fields(record(n)), { summary: 'Shopping', body: 'Shopping\nEggs\nKäse', categories: ['PERSONAL'] });
  const plain = h.render(record(n), PLAIN);
  assert.deepEqual(plain, { contentType: 'text/plain', data: new TextEncoder().encode('Shopping\nEggs\nKäse') });
  assert.deepEqual(h.render(record(n), ANY), plain, 'no accepts (export): the note text');
  const v = h.render(record(n), VNOTE);
  assert.equal(v.contentType, 'text/x-vnote');
  assert.deepEqual(h.fields(record(h.normalise(v.data, v.contentType, VNOTE))), h.fields(record(n)));
});

test('text/plain -> stored -> text/plain is the text; the first line is the summary', () => {
  for (const body of ['Call Bob\nabout the car\n', 'one line', 'Grüße;, with = and \\ signs\n\n  indented']) {
    const n = h.normalise(Buffer.from(body), 'text/plain', ANY);
    assert.equal(text(h.render(record(n), PLAIN).data), body);
    assert.equal(n.label, body.split('\n')[0]!.trim());
  }
  assert.equal(text(h.render(record(h.normalise(Buffer.from('a\r\nb'), 'text/plain', ANY)), PLAIN).data), 'a\nb', 'line ends become LF');
  const v = h.normalise(vnote('SUMMARY:Title', 'BODY:text'), 'text/x-vnote', ANY);
  assert.equal(text(h.render(record(v), PLAIN).data), 'Title\ntext', 'a summary not in the body goes in front');
});

test('charsets: Latin-1 text/plain from the device charset or the type parameter; out in the device charset', () => {
  const se: DeviceFormat = { ...PLAIN, charset: 'ISO-8859-1' };
  const n = h.normalise(Buffer.from('K\xe4se kaufen', 'latin1'), 'text/plain', se);
  assert.equal(n.label, 'Käse kaufen');
  assert.deepEqual(Buffer.from(h.render(record(n), se).data), Buffer.from('K\xe4se kaufen', 'latin1'));
  assert.equal(h.normalise(Buffer.from('K\xe4se', 'latin1'), 'text/plain; charset=ISO-8859-1', ANY).label, 'Käse');
  assert.equal(h.normalise(Buffer.from('Käse'), 'text/plain; charset=UTF-8', se).label, 'Käse', 'the type parameter wins');
  const qp = h.normalise(vnote('BODY;ENCODING=QUOTED-PRINTABLE:K=E4se'), 'text/x-vnote', { ...VNOTE, charset: 'ISO-8859-1' });
  assert.equal(qp.label, 'Käse');
  assert.match(Buffer.from(h.render(record(qp), { ...VNOTE, charset: 'ISO-8859-1' }).data).toString('latin1'), /^BODY;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:K=E4se\r$/m);
});

test('merge: a text/plain device keeps no categories; a vNote device wins for what it supports', () => {
  const s = h.normalise(vnote('SUMMARY:List', 'BODY:List\\, eggs', 'CATEGORIES:HOME'), 'text/x-vnote', ANY);
  const edited = h.normalise(Buffer.from('List\nmilk'), 'text/plain', PLAIN);
  assert.deepEqual(h.fields(record(h.merge(record(s), edited, PLAIN))), { summary: 'List', body: 'List\nmilk', categories: ['HOME'] });
  const unchanged = h.normalise(h.render(record(s), PLAIN).data, 'text/plain', PLAIN);
  assert.deepEqual(h.merge(record(s), unchanged, PLAIN).data, s.data, 'what the device got back unchanged keeps the stored note');
  const v = h.normalise(vnote('BODY:new body', 'CATEGORIES:WORK'), 'text/x-vnote', VNOTE);
  const dev: DeviceFormat = { ...VNOTE, supportedProps: new Set(['BODY']) };
  assert.deepEqual(h.fields(record(h.merge(record(s), v, dev))), { summary: 'List', body: 'new body', categories: ['HOME'] });
  assert.deepEqual(h.fields(record(h.merge(record(s), v, VNOTE))), { summary: 'new body', body: 'new body', categories: ['WORK'] });
});

test('field limits: the text cut to BODY; the cut text sent back keeps the full note', () => {
  const s = h.normalise(Buffer.from('Packing list\nsocks, shirts, charger'), 'text/plain', ANY);
  const dev: DeviceFormat = { ...PLAIN, fieldLimits: { BODY: 17 } };
  const out = h.render(record(s), dev);
  assert.equal(text(out.data), 'Packing list\nsock');
  assert.deepEqual(h.merge(record(s), h.normalise(out.data, 'text/plain', dev), dev).data, s.data);
  const v = h.render(record(s), { ...VNOTE, fieldLimits: { SUMMARY: 7, BODY: 100 } });
  assert.equal(h.fields(record(h.normalise(v.data, v.contentType, VNOTE))).summary, 'Packing');
});

test('match key and same(): summary key; same text (case, spacing) or one cut from the other', () => {
  const a = h.normalise(Buffer.from('Shopping\nEggs\nKäse'), 'text/plain', ANY);
  const b = h.normalise(VNT, 'text/x-vnote', ANY);
  const c = h.normalise(Buffer.from('shopping\nEggs'), 'text/plain', ANY);
  const d = h.normalise(Buffer.from('Shopping\nbread'), 'text/plain', ANY);
  assert.equal(a.matchKey, b.matchKey);
  assert.equal(h.same(a.data, b.data), true);
  assert.equal(h.same(a.data, c.data), true, 'a device that cut the note');
  assert.equal(h.same(a.data, d.data), false, 'another list with the same title');
  assert.equal(h.normalise(Buffer.from(''), 'text/plain', ANY).matchKey, null);
});

test('split: vNote blocks, else the whole file as one text note; empty file, no notes', () => {
  const two = Buffer.concat([VNT, vnote('BODY:second')]);
  assert.deepEqual(h.split(two, undefined).map((p) => [p.type, h.normalise(p.data, p.type, ANY).label]), [['text/x-vnote', 'Shopping'], ['text/x-vnote', 'second']]);
  const plain = Buffer.from('BEGIN:VNOTE is just text here\nsecond line');
  assert.deepEqual(h.split(plain, undefined), [{ data: plain, type: 'text/plain' }]);
  assert.deepEqual(h.split(two, 'text/plain'), [{ data: two, type: 'text/plain' }], 'a declared text/plain file is one note');
  assert.deepEqual(h.split(Buffer.from(' \n'), undefined), []);
  assert.throws(() => h.split(Buffer.from('x'), 'text/x-vnote'), { code: 'SB_ERR_FORMAT_NO_BEGIN', syncmlStatus: 400 });
  assert.throws(() => h.split(two, 'text/calendar'), { code: 'SB_ERR_FORMAT_UNSUPPORTED', syncmlStatus: 415 });
});

test('errors and types: 415 for other types, 400 for a broken vNote; a vNote sent as text/plain is read as one', () => {
  assert.throws(() => h.normalise(VNT, 'text/x-vcard', ANY), { name: 'SyncmlError', code: 'SB_ERR_FORMAT_UNSUPPORTED', syncmlStatus: 415 });
  assert.throws(() => h.normalise(Buffer.from('BEGIN:VCARD\r\nEND:VCARD\r\n'), undefined, ANY), { syncmlStatus: 415 });
  assert.throws(() => h.normalise(Buffer.from('just text'), 'text/x-vnote', ANY), { code: 'SB_ERR_FORMAT_NO_BEGIN', syncmlStatus: 400 });
  assert.throws(() => h.normalise(vnote('BODY without colon'), 'text/x-vnote', ANY), { code: 'SB_ERR_FORMAT_SYNTAX', syncmlStatus: 400 });
  assert.equal(h.normalise(VNT, 'TEXT/PLAIN', ANY).label, 'Shopping');
  assert.equal(h.normalise(Buffer.from('plain words'), undefined, ANY).label, 'plain words', 'no type: sniffed as text');
});
