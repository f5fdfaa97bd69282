// iCalendar 2.0 through ical.js: VTIMEZONE resolution, RRULE, VALARM, VTODO fields, round trip, errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';
import { parseICalendar, writeICalendar } from '../../src/formats/icalendar.js';

const ICS = readFileSync(new URL('../fixtures/vobjects/cal-ical-20.ics', import.meta.url), 'utf8');

test('parses an iCalendar 2.0 with VTIMEZONE, RRULE, VALARM and VTODO', () => {
  const items = parseICalendar(ICS);
  assert.equal(items.length, 3);
  const [evt, todo, conf] = items;
  assert.equal(evt?.summary, 'Standup, daily');
  assert.equal(evt?.description, 'Short sync\nBring notes');
  assert.equal(evt?.start, '20261123T083000Z'); // 09:30 CET
  assert.equal(evt?.end, '20261123T084500Z');
  assert.deepEqual(evt?.rrule, { freq: 'daily', interval: 1, count: 5 });
  assert.deepEqual(evt?.alarms, [{ action: 'display', minutesBefore: 10, description: 'Standup soon' }]);
  assert.deepEqual(evt?.categories, ['WORK', 'TEAM']);
  assert.equal(evt?.status, 'CONFIRMED');
  assert.ok(evt?.extra.includes('X-MICROSOFT-CDO-BUSYSTATUS:BUSY'));
  assert.equal(todo?.kind, 'todo');
  assert.equal(todo?.due, '20261130T170000Z');
  assert.equal(todo?.completed, '20261128T101500Z');
  assert.equal(todo?.priority, 1);
  assert.equal(todo?.status, 'COMPLETED');
  assert.equal(conf?.allDay, true);
  assert.equal(conf?.start, '20261201');
  assert.equal(conf?.end, '20261203');
  assert.deepEqual(conf?.rrule, { freq: 'weekly', interval: 1, until: '20270101T000000Z', byDay: ['TU', 'WE'] });
});

test('parse -> write -> parse is stable, and ical.js reads our output', () => {
  const items = parseICalendar(ICS);
  const text = writeICalendar(items);
  assert.deepEqual(parseICalendar(text), items);
  const root = new ICAL.Component(ICAL.parse(text) as unknown[]);
  assert.equal(root.getAllSubcomponents('vevent').length, 2);
});

test('DURATION becomes an end time', () => {
  const [item] = parseICalendar('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:a\r\nDTSTART:20261123T100000Z\r\nDURATION:PT90M\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n');
  assert.equal(item?.end, '20261123T113000Z');
});

test('bad input is a coded error', () => {
  assert.throws(() => parseICalendar('SUMMARY:x\r\n'), { code: 'SB_ERR_FORMAT_NO_BEGIN', syncmlStatus: 400 });
  assert.throws(() => parseICalendar(`BEGIN:VCALENDAR\r\nSUMMARY:${'x'.repeat(70_000)}\r\n`), { code: 'SB_ERR_FORMAT_LINE_TOO_LONG' });
  assert.throws(() => parseICalendar('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n'), { code: 'SB_ERR_FORMAT_SYNTAX' });
});

test('TZID in summer uses the daylight offset; RELATED=END alarm is pinned to an absolute time', () => {
  const summer = ICS.replace('DTSTART;TZID=Europe/Berlin:20261123T093000', 'DTSTART;TZID=Europe/Berlin:20260701T093000')
    .replace('DTEND;TZID=Europe/Berlin:20261123T094500', 'DTEND;TZID=Europe/Berlin:20260701T094500')
    .replace('TRIGGER:-PT10M', 'TRIGGER;RELATED=END:PT5M');
  const [evt] = parseICalendar(summer);
  assert.equal(evt?.start, '20260701T073000Z');
  assert.deepEqual(evt?.alarms, [{ action: 'display', at: '20260701T075000Z', description: 'Standup soon' }]);
});
