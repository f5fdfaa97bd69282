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

test('parse -> write -> parse is stable (local and UTC writers)', () => {
  const items = parseVCalendar(NOKIA);
  assert.deepEqual(parseVCalendar(writeVCalendar(items)), items);
  assert.deepEqual(parseVCalendar(writeVCalendar(items, { utc: true, tzOffset: 0 })), items);
});

test('local times become UTC with tzOffset, alarms included', () => {
  const text = writeVCalendar([{
    kind: 'event', summary: 'x', start: '20261123T100000', end: '20261123T110000', allDay: false,
    alarms: [{ action: 'audio', minutesBefore: 15 }], categories: [], extra: [],
  }], { utc: true, tzOffset: 60 });
  assert.match(text, /DTSTART:20261123T090000Z/);
  assert.match(text, /AALARM:20261123T084500Z/);
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

test('Nokia options: local time only, alarms stay UTC, dates clamped to 1980', () => {
  const text = writeVCalendar([{
    kind: 'event', summary: 'old', start: '19750301T100000Z', end: '19750301T110000Z', allDay: false,
    alarms: [{ action: 'display', at: '20261123T084500Z' }], categories: [], extra: [],
  }, {
    kind: 'event', summary: 'now', start: '20261123T090000Z', allDay: false, alarms: [], categories: [], extra: [],
  }], { local: true, tzOffset: 120, floorYear: 1980 });
  assert.match(text, /DTSTART:19800101T120000\r\n/);
  assert.match(text, /DTSTART:20261123T110000\r\n/);
  assert.match(text, /DALARM:20261123T084500Z;;;/);
});
