// vCalendar 1.0: Nokia-shaped fixture, parse -> write -> parse, all-day forms, RRULE grammar, errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseVCalendar, writeVCalendar } from '../../src/formats/vcalendar.js';
import { parseRrule1, writeRrule1 } from '../../src/formats/calendar-rrule.js';
import { matchKey } from '../../src/formats/calendar-model.js';

const NOKIA = readFileSync(new URL('../fixtures/vobjects/cal-nokia-10.vcs', import.meta.url), 'utf8');

test('parses a Nokia-style vCalendar 1.0 with QP, DALARM/AALARM, todo and all-day', () => {
  const items = parseVCalendar(NOKIA);
  assert.equal(items.length, 3);
  const [evt, todo, hol] = items;
  assert.equal(evt?.kind, 'event');
  assert.equal(evt?.summary, 'Réunion d’équipe');
  assert.equal(evt?.description, 'Line one\nLine two with a long text that needs a soft line break here');
  assert.equal(evt?.start, '20261123T090000Z');
  assert.deepEqual(evt?.rrule, { freq: 'weekly', interval: 1, count: 10, byDay: ['MO', 'TH'] });
  assert.deepEqual(evt?.alarms, [
    { action: 'display', at: '20261123T084500Z', description: 'Réunion' },
    { action: 'audio', at: '20261123T084500Z' },
  ]);
  assert.deepEqual(evt?.extra, ['CLASS:PUBLIC', 'X-EPOCAGENDAENTRYTYPE:APPOINTMENT', 'LAST-MODIFIED:20261120T120000Z']);
  assert.equal(todo?.kind, 'todo');
  assert.equal(todo?.status, 'NEEDS-ACTION');
  assert.equal(todo?.priority, 2);
  assert.deepEqual(todo?.categories, ['PERSONAL', 'ERRANDS']);
  assert.equal(hol?.allDay, true);
  assert.equal(hol?.start, '20261225');
  assert.equal(hol?.end, '20261227');
  assert.deepEqual(hol?.rrule, { freq: 'yearly', interval: 1, byMonth: [12] });
});

test('parse -> write -> parse is stable (both all-day forms)', () => {
  const items = parseVCalendar(NOKIA);
  assert.deepEqual(parseVCalendar(writeVCalendar(items)), items);
  assert.deepEqual(parseVCalendar(writeVCalendar(items, { allDayUtcRange: true })), items);
});

test('allDayUtcRange: all-day events as T000000Z..T240000Z of the last day, read back as all-day', () => {
  const day = { kind: 'event', summary: 'Holiday', start: '20261225', end: '20261227', allDay: true, alarms: [], categories: [], extra: [] } as const;
  const text = writeVCalendar([{ ...day, alarms: [], categories: [], extra: [] }], { allDayUtcRange: true });
  assert.match(text, /\r\nDTSTART:20261225T000000Z\r\nDTEND:20261226T240000Z\r\n/);
  assert.match(writeVCalendar([{ ...day, alarms: [], categories: [], extra: [] }]), /\r\nDTSTART:20261225T000000\r\nDTEND:20261227T000000\r\n/);
  const [back] = parseVCalendar(text);
  assert.equal(back?.allDay, true);
  assert.equal(back?.start, '20261225');
  assert.equal(back?.end, '20261227');
});

test('dropEmpty leaves out empty properties; quoteEightBit false writes 8-bit values as characters; fold false never folds', () => {
  const item = {
    kind: 'event', summary: 'Café', description: '', location: 'x'.repeat(100), start: '20261123T100000Z', allDay: false,
    alarms: [], categories: [], extra: ['X-EMPTY;A=1:', 'X-FULL:y'],
  } as const;
  const make = (): Parameters<typeof writeVCalendar>[0] => [{ ...item, alarms: [], categories: [], extra: [...item.extra] }];
  const plain = writeVCalendar(make());
  assert.match(plain, /\r\nDESCRIPTION:\r\n/);
  assert.match(plain, /\r\nX-EMPTY;A=1:\r\n/);
  assert.match(plain, /\r\nSUMMARY;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Caf=C3=A9\r\n/);
  assert.match(plain, /\r\nLOCATION:x{60,74}\r\n x+\r\n/);
  const sx1 = writeVCalendar(make(), { dropEmpty: true });
  assert.doesNotMatch(sx1, /DESCRIPTION|X-EMPTY/);
  assert.match(sx1, /\r\nX-FULL:y\r\n/);
  const raw = writeVCalendar(make(), { quoteEightBit: false, charset: 'ISO-8859-1', fold: false });
  assert.match(raw, /\r\nSUMMARY;CHARSET=ISO-8859-1:Café\r\n/);
  assert.match(raw, new RegExp(`\\r\\nLOCATION:${'x'.repeat(100)}\\r\\n`));
  // A multi-line value still needs QP (the only line break 1.0 has); unfolded, it has no soft breaks.
  const multi = writeVCalendar([{ ...make()[0]!, description: `é\n${'y'.repeat(90)}` }], { quoteEightBit: false, fold: false });
  assert.match(multi, new RegExp(`\\r\\nDESCRIPTION;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:=C3=A9=0D=0A${'y'.repeat(90)}\\r\\n`));
});

test('1.0 RRULE grammar', () => {
  assert.deepEqual(parseRrule1('D1 #10'), { freq: 'daily', interval: 1, count: 10 });
  assert.deepEqual(parseRrule1('W1 MO TU #0'), { freq: 'weekly', interval: 1, byDay: ['MO', 'TU'] });
  assert.deepEqual(parseRrule1('D2'), { freq: 'daily', interval: 2, count: 2 });
  assert.deepEqual(parseRrule1('MD1 15 20271231T000000Z'), { freq: 'monthly', interval: 1, until: '20271231T000000Z', byMonthDay: [15] });
  assert.equal(writeRrule1({ freq: 'weekly', interval: 2, byDay: ['MO'] }), 'W2 MO #0');
  assert.throws(() => parseRrule1('MP1 1+ MO #0'), { code: 'SB_ERR_FORMAT_RRULE' });
});

test('unsupported RRULE is kept verbatim', () => {
  const [item] = parseVCalendar('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:a\r\nRRULE:MP1 1+ MO #0\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n');
  assert.deepEqual(item?.extra, ['RRULE:MP1 1+ MO #0']);
});

test('Funambol nonsense STATUS is dropped', () => {
  const [item] = parseVCalendar('BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nSUMMARY:a\r\nSTATUS:0\r\nEND:VTODO\r\nEND:VCALENDAR\r\n');
  assert.equal(item?.status, undefined);
});

test('bad input is a coded error', () => {
  assert.throws(() => parseVCalendar('SUMMARY:x\r\n'), { code: 'SB_ERR_FORMAT_NO_BEGIN', syncmlStatus: 400 });
  assert.throws(() => parseVCalendar(`BEGIN:VCALENDAR\r\nSUMMARY:${'x'.repeat(70_000)}`), { code: 'SB_ERR_FORMAT_LINE_TOO_LONG' });
  assert.throws(() => parseVCalendar('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:tomorrow\r\nEND:VEVENT\r\n'), { code: 'SB_ERR_FORMAT_BAD_TIME' });
  assert.throws(() => parseVCalendar('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\n'), { code: 'SB_ERR_FORMAT_SYNTAX' });
});

test('matchKey: start + normalised summary for events, summary for todos', () => {
  const [evt, todo] = parseVCalendar(NOKIA);
  assert.ok(evt && todo);
  assert.equal(matchKey(evt), 'event|20261123T090000Z|réunion d’équipe');
  assert.equal(matchKey({ ...evt, summary: '  RÉUNION   d’équipe ' }), matchKey(evt));
  assert.equal(matchKey(todo), 'todo|buy milk');
});
