// 1.0 <-> 2.0 conversion keeps summary, times, rrule and alarms; fast-check round trip of random
// items through both formats (fixed seed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseVCalendar, writeVCalendar } from '../../src/formats/vcalendar.js';
import { parseICalendar, writeICalendar } from '../../src/formats/icalendar.js';
import { type CalItem, alarmTime } from '../../src/formats/calendar-model.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/vobjects/${name}`, import.meta.url), 'utf8');

/** The fields a conversion must keep. */
function core(item: CalItem): unknown {
  return {
    kind: item.kind, summary: item.summary, start: item.start, end: item.end, due: item.due, allDay: item.allDay,
    rrule: item.rrule, alarms: item.alarms.map((a) => ({ action: a.action, at: alarmTime(item, a) })),
  };
}

test('1.0 -> 2.0 -> 1.0 keeps summary, time, rrule and alarms', () => {
  const items = parseVCalendar(fixture('cal-nokia-10.vcs'));
  const via2 = parseICalendar(writeICalendar(items));
  assert.deepEqual(via2.map(core), items.map(core));
  assert.deepEqual(parseVCalendar(writeVCalendar(via2)).map(core), items.map(core));
  assert.equal(via2[0]?.description, items[0]?.description);
  assert.deepEqual(via2[1]?.categories, ['PERSONAL', 'ERRANDS']);
});

test('2.0 -> 1.0 -> 2.0 keeps summary, time, rrule and alarms (relative alarm becomes absolute)', () => {
  const items = parseICalendar(fixture('cal-ical-20.ics'));
  const text = writeVCalendar(items, { allDayUtcRange: true });
  assert.match(text, /DALARM:20261123T082000Z;;;Standup soon/);
  const via1 = parseVCalendar(text);
  assert.deepEqual(via1.map(core), items.map(core));
  assert.deepEqual(parseICalendar(writeICalendar(via1)).map(core), items.map(core));
  assert.equal(via1[0]?.description, 'Short sync\nBring notes');
  assert.equal(via1[1]?.status, 'COMPLETED');
});

const text = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', 'é', '€', ';', ',', '\\', '\n', ':', '=', '"'), maxLength: 90 });
const word = fc.string({ unit: fc.constantFrom('a', 'b', 'X', '1', '-'), minLength: 1, maxLength: 10 });
const utcTime = fc.record({
  d: fc.integer({ min: 0, max: 3000 }), h: fc.integer({ min: 1, max: 21 }), m: fc.integer({ min: 0, max: 59 }),
}).map(({ d, h, m }) => {
  const t = new Date(Date.UTC(2020, 0, 1 + d, h, m));
  return t.toISOString().replace(/[-:]/g, '').slice(0, 15) + 'Z';
});
const rrule = fc.oneof(
  fc.record({ freq: fc.constant('daily' as const), interval: fc.integer({ min: 1, max: 5 }), count: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ freq: fc.constant('weekly' as const), interval: fc.integer({ min: 1, max: 3 }), until: utcTime, byDay: fc.uniqueArray(fc.constantFrom('MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'), { minLength: 1, maxLength: 3 }) }),
  fc.record({ freq: fc.constant('monthly' as const), interval: fc.constant(1), byMonthDay: fc.uniqueArray(fc.integer({ min: 1, max: 28 }), { minLength: 1, maxLength: 2 }) }),
  fc.record({ freq: fc.constant('yearly' as const), interval: fc.constant(1), count: fc.integer({ min: 1, max: 9 }) }),
);
const alarm = fc.oneof(
  fc.record({ action: fc.constant('display' as const), at: utcTime, description: word }),
  fc.record({ action: fc.constant('audio' as const), at: utcTime }),
);
const base = {
  uid: word, summary: text, description: text, location: text, rrule,
  alarms: fc.array(alarm, { maxLength: 2 }), categories: fc.uniqueArray(word, { maxLength: 3 }),
};
const event = fc.record({
  ...base, start: utcTime, minutes: fc.integer({ min: 1, max: 120 }), allDay: fc.boolean(), days: fc.integer({ min: 1, max: 3 }),
}, { requiredKeys: ['summary', 'alarms', 'categories', 'start', 'minutes', 'allDay', 'days'] }).map(({ minutes, days, ...r }): CalItem => {
  const { start, allDay, ...rest } = r;
  if (allDay) {
    const d = new Date(Date.UTC(Number(start.slice(0, 4)), Number(start.slice(4, 6)) - 1, Number(start.slice(6, 8)) + days));
    return { kind: 'event', ...rest, start: start.slice(0, 8), end: d.toISOString().slice(0, 10).replace(/-/g, ''), allDay, extra: [] };
  }
  const e = new Date(Date.UTC(Number(start.slice(0, 4)), Number(start.slice(4, 6)) - 1, Number(start.slice(6, 8)), Number(start.slice(9, 11)), Number(start.slice(11, 13)) + minutes));
  const end = e.toISOString().replace(/[-:]/g, '').slice(0, 15) + 'Z';
  return { kind: 'event', ...rest, start, end, allDay, extra: [] };
});
const todo = fc.record({
  ...base, due: utcTime, completed: utcTime, priority: fc.integer({ min: 0, max: 9 }),
  status: fc.constantFrom('NEEDS-ACTION', 'COMPLETED', 'IN-PROCESS', 'CANCELLED'),
}, { requiredKeys: ['summary', 'alarms', 'categories'] }).map((r): CalItem => ({ kind: 'todo', ...r, allDay: false, extra: [] }));

test('property: random items survive both formats and the conversion between them', () => {
  fc.assert(fc.property(fc.array(fc.oneof(event, todo), { minLength: 1, maxLength: 3 }).map((xs) => structuredClone(xs)), (items) => {
    assert.deepEqual(parseVCalendar(writeVCalendar(items)), items);
    assert.deepEqual(parseICalendar(writeICalendar(items)), items);
    assert.deepEqual(parseVCalendar(writeVCalendar(parseICalendar(writeICalendar(items)))), items);
  }), { seed: 20261122, numRuns: 300 });
});
