// Device profile settings in the calendar handler: times (utc/local, in the device's zone, DST
// included), minDate (clamped one-off items, moved recurrence starts, not an edit on the way
// back), allDayUtcRange, categoriesPrefix, dropEmptyProperties, quoteEightBit, foldLines,
// limitedFieldLengths (protocol-notes section 5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCalendarHandler } from '../../../src/ds/content/index.js';
import { clampToMinDate } from '../../../src/ds/content/calendar-items.js';
import { parseICalendar } from '../../../src/formats/icalendar.js';
import { emptyItem, localToUtc, utcToLocal, type CalItem } from '../../../src/formats/calendar-model.js';
import type { DeviceFormat, ItemRecord, NormalisedItem } from '../../../src/ds/ports.js';

const cal = createCalendarHandler('calendar');
const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
const record = (n: NormalisedItem): ItemRecord => ({
  guid: 'g1', kind: 'calendar', contentType: n.contentType, data: n.data, rev: 1, deleted: false, changedBy: null, matchKey: n.matchKey, modified: 0,
});
const V10: DeviceFormat = { accepts: [{ type: 'text/x-vcalendar', version: '1.0' }], timeZone: 'Europe/Berlin' };
const V20: DeviceFormat = { accepts: [{ type: 'text/calendar', version: '2.0' }], timeZone: 'Europe/Berlin' };
const ical = (...lines: string[]): Buffer => Buffer.from(['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//t//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n'));
const vcal = (...lines: string[]): Buffer => Buffer.from(['BEGIN:VCALENDAR', 'VERSION:1.0', ...lines, 'END:VCALENDAR', ''].join('\r\n'));
const event = (...lines: string[]): Buffer => ical('BEGIN:VEVENT', 'UID:u1', ...lines, 'END:VEVENT');
const storedItem = (n: NormalisedItem): CalItem => parseICalendar(text(n.data))[0]!;

test('zone conversions follow daylight saving time', () => {
  assert.equal(utcToLocal('20260115T090000Z', 'Europe/Berlin'), '20260115T100000');
  assert.equal(utcToLocal('20260715T090000Z', 'Europe/Berlin'), '20260715T110000');
  assert.equal(localToUtc('20260715T110000', 'Europe/Berlin'), '20260715T090000Z');
  assert.equal(localToUtc('20260115T100000', 'Europe/Berlin'), '20260115T090000Z');
  assert.equal(localToUtc('20260115', 'Europe/Berlin'), '20260115');
  assert.equal(utcToLocal('20260115T100000', 'Europe/Berlin'), '20260115T100000');
});

test('times local: UTC times go out as floating local time, alarms too unless alarmsUtc; they come back as the stored UTC', () => {
  const n = cal.normalise(event('SUMMARY:Meet', 'DTSTART:20260715T090000Z', 'DTEND:20260715T100000Z',
    'BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT15M', 'DESCRIPTION:x', 'END:VALARM'), 'text/calendar', V20);
  const dev: DeviceFormat = { ...V10, times: 'local' };
  const out = text(cal.render(record(n), dev).data);
  assert.match(out, /\r\nDTSTART:20260715T110000\r\nDTEND:20260715T120000\r\n/);
  assert.match(out, /\r\nDALARM:20260715T104500;;;x\r\n/);
  // Nokia 3650/6600: local event times, alarms in UTC.
  assert.match(text(cal.render(record(n), { ...dev, alarmsUtc: true }).data), /\r\nDALARM:20260715T084500Z;;;x\r\n/);
  assert.match(text(cal.render(record(n), { ...V20, times: 'local' }).data), /\r\nDTSTART:20260715T110000\r\n/);
  const back = cal.normalise(Buffer.from(out), 'text/x-vcalendar', dev);
  assert.equal(storedItem(back).start, '20260715T090000Z');
  assert.equal(storedItem(back).end, '20260715T100000Z');
  assert.equal(cal.merge(record(n), back, dev).matchKey, n.matchKey);
  assert.match(text(cal.render(record(n), V10).data), /\r\nDTSTART:20260715T090000Z\r\n/, 'as-is: unchanged');
});

test('times utc: floating times go out in UTC (winter and summer offsets)', () => {
  const dev: DeviceFormat = { ...V10, times: 'utc' };
  const winter = cal.normalise(event('SUMMARY:W', 'DTSTART:20260115T100000', 'DTEND:20260115T110000'), 'text/calendar', V20);
  assert.match(text(cal.render(record(winter), dev).data), /\r\nDTSTART:20260115T090000Z\r\nDTEND:20260115T100000Z\r\n/);
  const summer = cal.normalise(event('SUMMARY:S', 'DTSTART:20260715T100000', 'RRULE:FREQ=DAILY;UNTIL=20260720T100000'), 'text/calendar', V20);
  const out = text(cal.render(record(summer), dev).data);
  assert.match(out, /\r\nDTSTART:20260715T080000Z\r\n/);
  assert.match(out, /\r\nRRULE:D1 20260720T080000Z\r\n/);
  // EXDATEs go with the start, or the phone would not skip the right occurrence.
  const ex = cal.normalise(event('SUMMARY:E', 'DTSTART:20260715T090000Z', 'RRULE:FREQ=DAILY;COUNT=5', 'EXDATE:20260716T090000Z,20260717T090000Z'), 'text/calendar', V20);
  const local = text(cal.render(record(ex), { ...V10, times: 'local' }).data);
  assert.match(local, /\r\nEXDATE:20260716T110000;20260717T110000\r\n/);
  assert.deepEqual(storedItem(cal.normalise(Buffer.from(local), 'text/x-vcalendar', { ...V10, times: 'local' })).extra, ['EXDATE:20260716T090000Z,20260717T090000Z']);
  // all-day events stay dates
  const day = cal.normalise(event('SUMMARY:D', 'DTSTART;VALUE=DATE:20260115', 'DTEND;VALUE=DATE:20260116'), 'text/calendar', V20);
  assert.match(text(cal.render(record(day), { ...V20, times: 'utc' }).data), /\r\nDTSTART;VALUE=DATE:20260115\r\n/);
});

test('allDayUtcRange: all-day events as T000000Z..T240000Z, read back as all-day', () => {
  const n = cal.normalise(event('SUMMARY:Trip', 'DTSTART;VALUE=DATE:20261201', 'DTEND;VALUE=DATE:20261203'), 'text/calendar', V20);
  const dev: DeviceFormat = { ...V10, allDayUtcRange: true, times: 'local' };
  const out = text(cal.render(record(n), dev).data);
  assert.match(out, /\r\nDTSTART:20261201T000000Z\r\nDTEND:20261202T240000Z\r\n/);
  assert.match(text(cal.render(record(n), V10).data), /\r\nDTSTART:20261201T000000\r\nDTEND:20261203T000000\r\n/);
  const back = storedItem(cal.normalise(Buffer.from(out), 'text/x-vcalendar', dev));
  assert.deepEqual([back.allDay, back.start, back.end], [true, '20261201', '20261203']);
  const uiq = storedItem(cal.normalise(vcal('BEGIN:VEVENT', 'SUMMARY:x', 'DTSTART:20261224T000000Z', 'DTEND:20261224T240000Z', 'END:VEVENT'), 'text/x-vcalendar', dev));
  assert.deepEqual([uiq.allDay, uiq.start, uiq.end], [true, '20261224', '20261225']);
});

test('minDate: a one-off item before it moves to it (time of day and length kept); a recurring one starts at its first occurrence after it', () => {
  const old = { ...emptyItem('event'), summary: 'old', start: '19750301T100000Z', end: '19750301T113000Z', alarms: [{ action: 'display' as const, at: '19750301T094500Z' }] };
  const c = clampToMinDate(old, '19800101');
  assert.deepEqual([c.start, c.end, c.alarms[0]?.at], ['19800101T100000Z', '19800101T113000Z', '19800101T094500Z']);
  const bday = { ...emptyItem('event'), summary: 'Birthday', start: '19650612', end: '19650613', allDay: true, rrule: { freq: 'yearly' as const, interval: 1 } };
  assert.deepEqual([clampToMinDate(bday, '19800101').start, clampToMinDate(bday, '19800101').end], ['19800612', '19800613']);
  const weekly = { ...emptyItem('event'), summary: 'w', start: '19791231T080000Z', rrule: { freq: 'weekly' as const, interval: 2, count: 10, byDay: ['MO'] } };
  const w = clampToMinDate(weekly, '19800101');
  assert.equal(w.start, '19800114T080000Z', 'two weeks on: still a Monday');
  assert.equal(w.rrule?.count, 9);
  const monthly = clampToMinDate({ ...emptyItem('event'), summary: 'm', start: '19790131T080000Z', rrule: { freq: 'monthly' as const, interval: 1 } }, '19800215');
  assert.equal(monthly.start, '19800229T080000Z', 'the last day of a shorter month');
  const over = clampToMinDate({ ...emptyItem('event'), summary: 'o', start: '19700101T080000Z', rrule: { freq: 'daily' as const, interval: 1, count: 3 } }, '19800101');
  assert.deepEqual([over.start, over.rrule], ['19800101T080000Z', undefined], 'a series over before minDate is a one-off at minDate');
  const todo = clampToMinDate({ ...emptyItem('todo'), summary: 't', due: '19750101T120000Z' }, '19800101');
  assert.equal(todo.due, '19800101T120000Z');
  const recent = { ...emptyItem('event'), summary: 'r', start: '20260101T100000Z' };
  assert.deepEqual(clampToMinDate(recent, '19800101'), recent);
});

test('minDate: the handler sends the moved dates, and what the phone sends back of them keeps the stored dates', () => {
  const n = cal.normalise(event('SUMMARY:Birthday', 'DTSTART;VALUE=DATE:19650612', 'DTEND;VALUE=DATE:19650613', 'RRULE:FREQ=YEARLY'), 'text/calendar', V20);
  const dev: DeviceFormat = { ...V10, minDate: '19800101' };
  const out = text(cal.render(record(n), dev).data);
  assert.match(out, /\r\nDTSTART:19800612T000000\r\nDTEND:19800613T000000\r\n/);
  assert.doesNotMatch(text(cal.render(record(n), V10).data), /1980/);
  const back = cal.normalise(Buffer.from(out), 'text/x-vcalendar', dev);
  assert.equal(storedItem(back).start, '19800612');
  const merged = storedItem(cal.merge(record(n), back, dev));
  assert.deepEqual([merged.start, merged.end, merged.rrule], ['19650612', '19650613', { freq: 'yearly', interval: 1 }]);
  // A real move on the phone is kept.
  const moved = cal.normalise(Buffer.from(out.replace('DTSTART:19800612', 'DTSTART:19800613').replace('DTEND:19800613', 'DTEND:19800614')), 'text/x-vcalendar', dev);
  assert.equal(storedItem(cal.merge(record(n), moved, dev)).start, '19800613');
});

test('categoriesPrefix, dropEmptyProperties, quoteEightBit and foldLines in vCalendar output; limitedFieldLengths in the merge', () => {
  const long = `Café ${'y'.repeat(100)}`;
  const n = cal.normalise(event('SUMMARY:Plan', `DESCRIPTION:${long}`, 'LOCATION:', 'CATEGORIES:Business,Home', 'DTSTART:20261123T100000Z'), 'text/calendar', V20);
  const dev: DeviceFormat = { ...V10, categoriesPrefix: 'X-', dropEmptyProperties: true, quoteEightBit: false, foldLines: false };
  const out = text(cal.render(record(n), dev).data);
  assert.match(out, /\r\nCATEGORIES:X-Business;X-Home\r\n/);
  assert.doesNotMatch(out, /LOCATION/);
  assert.match(out, new RegExp(`\r\nDESCRIPTION;CHARSET=UTF-8:${long}\r\n`));
  const plain = text(cal.render(record(n), V10).data);
  assert.match(plain, /\r\nLOCATION:\r\n/);
  assert.match(plain, /\r\nDESCRIPTION;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Caf=C3=A9 y+=\r\n/);
  assert.ok(text(cal.render(record(n), { ...V20, foldLines: false }).data).split('\r\n').some((l) => l.length > 100));
  const back = cal.normalise(Buffer.from(out), 'text/x-vcalendar', dev);
  assert.deepEqual(storedItem(back).categories, ['Business', 'Home']);
  const cut = cal.normalise(vcal('BEGIN:VEVENT', 'UID:u1', 'SUMMARY:Plan', 'DESCRIPTION:Café yyy', 'CATEGORIES:X-Business;X-Home', 'DTSTART:20261123T100000Z', 'END:VEVENT'), 'text/x-vcalendar', dev);
  assert.equal(storedItem(cal.merge(record(n), cut, { ...dev, limitedFieldLengths: true })).description, long);
  assert.equal(storedItem(cal.merge(record(n), cut, dev)).description, 'Café yyy');
});
