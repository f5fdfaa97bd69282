// Calendar and tasks handlers: vCalendar 1.0 / iCalendar 2.0 in -> stored iCalendar 2.0 -> out in
// either; RRULE and alarms through both formats, alarms in UTC, VTODO in the calendar, merge,
// limits, splitting of .ics/.vcs files, errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createCalendarHandler } from '../../../src/ds/content/index.js';
import { parseICalendar } from '../../../src/formats/icalendar.js';
import { parseVCalendar } from '../../../src/formats/vcalendar.js';
import { alarmTime, type CalItem } from '../../../src/formats/calendar-model.js';
import type { DeviceFormat, ItemRecord, NormalisedItem } from '../../../src/ds/ports.js';

const cal = createCalendarHandler('calendar');
const tasks = createCalendarHandler('tasks');
const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/vobjects/${name}`, import.meta.url));
const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
const record = (n: NormalisedItem): ItemRecord => ({
  guid: 'g1', kind: 'calendar', contentType: n.contentType, data: n.data, rev: 1, deleted: false, changedBy: null, matchKey: n.matchKey, modified: 0,
});
const ANY: DeviceFormat = { accepts: [] };
const V10: DeviceFormat = { accepts: [{ type: 'text/x-vcalendar', version: '1.0' }] };
const V20: DeviceFormat = { accepts: [{ type: 'text/calendar', version: '2.0' }] };
const vcal = (...lines: string[]): Buffer => Buffer.from(['BEGIN:VCALENDAR', 'VERSION:1.0', ...lines, 'END:VCALENDAR', ''].join('\r\n'));
const ical = (...lines: string[]): Buffer => Buffer.from(['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//t//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n'));

/** What a round trip must keep. */
function core(item: CalItem): unknown {
  return {
    kind: item.kind, summary: item.summary, description: item.description, location: item.location, start: item.start, end: item.end,
    due: item.due, allDay: item.allDay, rrule: item.rrule, categories: item.categories, status: item.status, priority: item.priority,
    alarms: item.alarms.map((a) => ({ action: a.action, at: alarmTime(item, a), description: a.description })),
  };
}
const stored = (n: NormalisedItem): CalItem[] => parseICalendar(text(n.data));
const rendered = (out: { contentType: string; data: Uint8Array }): CalItem[] =>
  (out.contentType === 'text/x-vcalendar' ? parseVCalendar(text(out.data)) : parseICalendar(text(out.data)));

test('formats and CTCap: iCalendar 2.0 preferred; 1.0 CTCap names AALARM/DALARM, 2.0 TRIGGER', () => {
  for (const h of [cal, tasks]) assert.deepEqual(h.formats, [{ type: 'text/calendar', version: '2.0' }, { type: 'text/x-vcalendar', version: '1.0' }]);
  assert.ok(cal.ctcap('text/x-vcalendar').includes('DALARM') && cal.ctcap('text/x-vcalendar').includes('RRULE'));
  assert.ok(cal.ctcap('text/calendar').includes('TRIGGER'));
  assert.ok(!tasks.ctcap('text/calendar').includes('DTEND') && tasks.ctcap('text/calendar').includes('DUE'));
  assert.deepEqual(cal.ctcap('text/x-vcard'), []);
});

test('every event and todo of both fixtures: normalise -> render 1.0 and 2.0 -> normalise keeps them', () => {
  for (const name of ['cal-nokia-10.vcs', 'cal-ical-20.ics']) {
    for (const part of cal.split(fixture(name), undefined)) {
      const n = cal.normalise(part.data, part.type, ANY);
      assert.equal(n.contentType, 'text/calendar');
      const [item] = stored(n);
      for (const dev of [V10, V20, { ...V10, alarmsUtc: true }, { ...V20, alarmsUtc: true }]) {
        const out = cal.render(record(n), dev);
        assert.equal(out.contentType, dev.accepts[0]!.type);
        assert.deepEqual(rendered(out).map(core), [core(item!)], `${name} ${item!.summary} -> ${out.contentType}`);
        const back = cal.normalise(out.data, out.contentType, dev);
        assert.deepEqual(stored(back).map(core), [core(item!)]);
        assert.equal(back.matchKey, n.matchKey);
      }
    }
  }
});

test('Nokia 1.0 event: QP UTF-8, weekly RRULE, DALARM and AALARM, unknown lines kept', () => {
  const [event] = cal.split(fixture('cal-nokia-10.vcs'), undefined);
  const n = cal.normalise(event!.data, 'text/x-vcalendar', ANY);
  assert.equal(n.label, 'Réunion d’équipe');
  assert.equal(n.matchKey, 'event|20261123T090000Z|réunion d’équipe');
  const t = text(n.data);
  assert.match(t, /^RRULE:FREQ=WEEKLY;COUNT=10;BYDAY=MO,TH\r$/m);
  assert.match(t, /^TRIGGER;VALUE=DATE-TIME:20261123T084500Z\r$/m);
  assert.match(t, /^ACTION:AUDIO\r$/m);
  assert.match(t, /^X-EPOCAGENDAENTRYTYPE:APPOINTMENT\r$/m);
  const v1 = text(cal.render(record(n), V10).data);
  assert.match(v1, /^RRULE:W1 MO TH #10\r$/m);
  assert.match(v1, /^DALARM;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:20261123T084500Z;;;R=C3=A9u=\r\nnion\r$/m);
  assert.match(v1, /^AALARM:20261123T084500Z;;;\r$/m);
  assert.match(v1, /^CLASS:PUBLIC\r$/m);
});

test('iCalendar event with a TZID and a relative alarm: stored in UTC; alarmsUtc gives absolute UTC triggers', () => {
  const [event] = cal.split(fixture('cal-ical-20.ics'), undefined);
  assert.match(text(event!.data), /BEGIN:VTIMEZONE/, 'the part carries the VTIMEZONE it refers to');
  const n = cal.normalise(event!.data, 'text/calendar', ANY);
  assert.match(text(n.data), /^DTSTART:20261123T083000Z\r$/m);
  assert.match(text(n.data), /^TRIGGER:-PT10M\r$/m);
  assert.match(text(cal.render(record(n), V20).data), /^TRIGGER:-PT10M\r$/m);
  assert.match(text(cal.render(record(n), { ...V20, alarmsUtc: true }).data), /^TRIGGER;VALUE=DATE-TIME:20261123T082000Z\r$/m);
  assert.match(text(cal.render(record(n), { ...V10, alarmsUtc: true }).data), /^DALARM:20261123T082000Z;;;Standup soon\r$/m);
  assert.match(text(cal.render(record(n), V10).data), /^RRULE:D1 #5\r$/m);
});

test('floating 1.0 times: an absolute alarm becomes a relative 2.0 trigger; a date-only yearly event stays all-day', () => {
  const n = cal.normalise(vcal('BEGIN:VEVENT', 'SUMMARY:Dentist', 'DTSTART:20270110T100000', 'DTEND:20270110T110000', 'AALARM:20270110T094500;;;',
    'RRULE:MD1 10 #6', 'EXDATE:20270210T100000;20270310T100000', 'END:VEVENT'), 'text/x-vcalendar', ANY);
  assert.match(text(n.data), /^EXDATE:20270210T100000,20270310T100000\r$/m, '1.0 date lists become 2.0 lists');
  assert.match(text(cal.render(record(n), V20).data), /^TRIGGER:-PT15M\r$/m);
  const v1 = text(cal.render(record(n), V10).data);
  assert.match(v1, /^AALARM:20270110T094500;;;\r$/m);
  assert.match(v1, /^RRULE:MD1 10 #6\r$/m);
  assert.match(v1, /^EXDATE:20270210T100000;20270310T100000\r$/m);
  const bday = cal.normalise(ical('BEGIN:VEVENT', 'UID:b1', 'SUMMARY:Birthday', 'DTSTART;VALUE=DATE:20270301', 'RRULE:FREQ=YEARLY;BYMONTH=3', 'END:VEVENT'), 'text/calendar', ANY);
  assert.equal(bday.matchKey, 'event|20270301|birthday');
  const [v1bday] = rendered(cal.render(record(bday), V10));
  assert.deepEqual(core(v1bday!), { ...(core(stored(bday)[0]!) as object), end: '20270302' }, '1.0 spells out the one day');
});

test('calendar takes VTODO too (Nokia); tasks takes only VTODO', () => {
  const todo = vcal('BEGIN:VTODO', 'SUMMARY:Buy milk', 'DUE:20261124T170000Z', 'STATUS:NEEDS ACTION', 'PRIORITY:2', 'END:VTODO');
  const inCal = cal.normalise(todo, 'text/x-vcalendar', ANY);
  assert.equal(inCal.matchKey, 'todo|buy milk');
  const inTasks = tasks.normalise(todo, 'text/x-vcalendar', ANY);
  assert.match(text(inTasks.data), /^BEGIN:VTODO\r\nSUMMARY:Buy milk\r\nDUE:20261124T170000Z\r\nSTATUS:NEEDS-ACTION\r\nPRIORITY:2\r\nEND:VTODO\r$/m);
  assert.match(text(tasks.render(record(inTasks), V10).data), /^STATUS:NEEDS ACTION\r$/m);
  const event = vcal('BEGIN:VEVENT', 'SUMMARY:x', 'DTSTART:20261123T090000Z', 'END:VEVENT');
  assert.throws(() => tasks.normalise(event, 'text/x-vcalendar', ANY), { code: 'SB_ERR_FORMAT_NO_ITEM', syncmlStatus: 400 });
  assert.deepEqual(tasks.split(fixture('cal-ical-20.ics'), undefined).map((p) => tasks.normalise(p.data, p.type, ANY).label), ['File taxes']);
  assert.deepEqual(cal.split(fixture('cal-nokia-10.vcs'), undefined).map((p) => cal.normalise(p.data, p.type, ANY).label), ['Réunion d’équipe', 'Buy milk', 'Holiday']);
});

test('a recurring event and its exception stay one item (split groups by UID, normalise keeps both)', () => {
  const file = ical('BEGIN:VEVENT', 'UID:r1', 'SUMMARY:Weekly', 'DTSTART:20270104T090000Z', 'RRULE:FREQ=WEEKLY', 'END:VEVENT',
    'BEGIN:VEVENT', 'UID:other', 'SUMMARY:Other', 'DTSTART:20270105T090000Z', 'END:VEVENT',
    'BEGIN:VEVENT', 'UID:r1', 'RECURRENCE-ID:20270111T090000Z', 'SUMMARY:Weekly (moved)', 'DTSTART:20270111T100000Z', 'END:VEVENT');
  const parts = cal.split(file, 'text/calendar');
  assert.equal(parts.length, 2);
  const n = cal.normalise(parts[0]!.data, parts[0]!.type, ANY);
  assert.equal(stored(n).length, 2);
  assert.equal(n.label, 'Weekly');
  assert.equal(cal.fields(record(n)).components, 2);
});

test('merge: the device wins for what it supports; alarms, categories and unknown lines it does not keep stay', () => {
  const s = cal.normalise(ical('BEGIN:VEVENT', 'UID:u1', 'SUMMARY:Review', 'DESCRIPTION:agenda', 'DTSTART:20270201T100000Z', 'DTEND:20270201T110000Z',
    'CATEGORIES:WORK', 'X-CUSTOM:keep me', 'BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT5M', 'DESCRIPTION:soon', 'END:VALARM', 'END:VEVENT'), 'text/calendar', ANY);
  const i = cal.normalise(vcal('BEGIN:VEVENT', 'SUMMARY:Review (moved)', 'DTSTART:20270201T120000Z', 'DTEND:20270201T130000Z', 'END:VEVENT'), 'text/x-vcalendar', ANY);
  const dev: DeviceFormat = { ...V10, supportedProps: new Set(['SUMMARY', 'DTSTART', 'DTEND', 'DESCRIPTION']) };
  const [m] = stored(cal.merge(record(s), i, dev));
  assert.equal(m!.summary, 'Review (moved)');
  assert.equal(m!.start, '20270201T120000Z');
  assert.equal(m!.description, undefined, 'supported and not sent: cleared');
  assert.equal(m!.uid, 'u1', 'a UID the device did not send is kept');
  assert.deepEqual(m!.categories, ['WORK']);
  assert.deepEqual(m!.alarms, [{ action: 'display', minutesBefore: 5, description: 'soon' }]);
  assert.deepEqual(m!.extra, ['X-CUSTOM:keep me']);
  const [all] = stored(cal.merge(record(s), i, V10));
  assert.deepEqual([all!.uid, all!.alarms.length, all!.categories.length, all!.extra.length], ['u1', 0, 0, 0], 'no CTCap: everything is the device\'s');
  assert.deepEqual(cal.merge(record(s), s, ANY).data, s.data, 'merging an item with itself changes nothing');
});

test('field limits cut SUMMARY/DESCRIPTION/LOCATION; a cut summary sent back keeps the stored one', () => {
  const s = cal.normalise(ical('BEGIN:VEVENT', 'SUMMARY:Quarterly planning meeting', 'LOCATION:Big room', 'DTSTART:20270201T100000Z', 'END:VEVENT'), undefined, ANY);
  const dev: DeviceFormat = { ...V10, fieldLimits: { SUMMARY: 9, LOCATION: 3 } };
  const out = cal.render(record(s), dev);
  assert.deepEqual(rendered(out).map((x) => [x.summary, x.location]), [['Quarterly', 'Big']]);
  const [m] = stored(cal.merge(record(s), cal.normalise(out.data, out.contentType, dev), dev));
  assert.deepEqual([m!.summary, m!.location], ['Quarterly planning meeting', 'Big room']);
});

test('same(): equal match keys of the first component; fields(): plain JSON', () => {
  const a = cal.normalise(vcal('BEGIN:VEVENT', 'UID:phone-1', 'SUMMARY:Lunch', 'DTSTART:20270301T120000Z', 'END:VEVENT'), undefined, ANY);
  const b = cal.normalise(ical('BEGIN:VEVENT', 'UID:server-9', 'SUMMARY:lunch ', 'DTSTART:20270301T120000Z', 'DTEND:20270301T130000Z', 'END:VEVENT'), undefined, ANY);
  assert.equal(a.matchKey, b.matchKey);
  assert.equal(cal.same(a.data, b.data), true);
  const c = cal.normalise(vcal('BEGIN:VTODO', 'SUMMARY:Lunch', 'END:VTODO'), undefined, ANY);
  assert.equal(cal.same(a.data, c.data), false);
  assert.deepEqual(cal.fields(record(b)), { kind: 'event', uid: 'server-9', summary: 'lunch ', start: '20270301T120000Z', end: '20270301T130000Z', allDay: false });
  const [first] = cal.split(fixture('cal-ical-20.ics'), undefined);
  const f = cal.fields(record(cal.normalise(first!.data, first!.type, ANY)));
  assert.deepEqual(f.rrule, { freq: 'daily', interval: 1, count: 5 });
  assert.deepEqual(f.alarms, [{ action: 'display', minutesBefore: 10, description: 'Standup soon', time: '20261123T082000Z' }]);
});

test('charsets: 1.0 QP without CHARSET in the device charset; 1.0 output QP in it', () => {
  const se: DeviceFormat = { ...V10, charset: 'ISO-8859-1' };
  const raw = Buffer.from('BEGIN:VCALENDAR\r\nVERSION:1.0\r\nBEGIN:VEVENT\r\nSUMMARY;ENCODING=QUOTED-PRINTABLE:Caf=E9\r\n'
    + 'LOCATION:M\xfcnchen\r\nDTSTART:20270301T120000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n', 'latin1');
  const n = cal.normalise(raw, 'text/x-vcalendar', se);
  assert.equal(n.label, 'Café');
  assert.match(text(n.data), /^LOCATION:München\r$/m);
  const out = Buffer.from(cal.render(record(n), se).data).toString('latin1');
  assert.match(out, /^SUMMARY;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:Caf=E9\r$/m);
  assert.equal(cal.normalise(Buffer.from(out, 'latin1'), 'text/x-vcalendar', se).label, 'Café');
  // Without a device charset, QP bytes that are not UTF-8 fall back to Latin-1.
  assert.equal(cal.normalise(vcal('BEGIN:VEVENT', 'SUMMARY;ENCODING=QUOTED-PRINTABLE:Caf=E9', 'END:VEVENT'), undefined, ANY).label, 'Café');
});

test('split: every VCALENDAR of a file, one part per component group, header kept, other components left out', () => {
  const file = Buffer.concat([fixture('cal-nokia-10.vcs'), fixture('cal-ical-20.ics'),
    ical('BEGIN:VJOURNAL', 'SUMMARY:diary', 'END:VJOURNAL')]);
  const parts = cal.split(file, undefined);
  assert.deepEqual(parts.map((p) => p.type), ['text/x-vcalendar', 'text/x-vcalendar', 'text/x-vcalendar', 'text/calendar', 'text/calendar', 'text/calendar']);
  assert.match(text(parts[1]!.data), /^BEGIN:VCALENDAR\r\nVERSION:1\.0\r\nTZ:\+01\r\nDAYLIGHT:FALSE\r\nBEGIN:VTODO\r\n/);
  assert.doesNotMatch(text(parts[4]!.data), /VTIMEZONE/, 'a todo in UTC needs no time zone');
  assert.throws(() => cal.split(Buffer.from('BEGIN:VCARD\r\nEND:VCARD\r\n'), undefined), { code: 'SB_ERR_FORMAT_NO_BEGIN', syncmlStatus: 400 });
  assert.throws(() => cal.split(file, 'text/x-vcard'), { code: 'SB_ERR_FORMAT_UNSUPPORTED', syncmlStatus: 415 });
});

test('errors: 415 for other types, 400 for data that does not parse; type by content VERSION', () => {
  const event = vcal('BEGIN:VEVENT', 'SUMMARY:x', 'DTSTART:20261123T090000Z', 'END:VEVENT');
  assert.throws(() => cal.normalise(event, 'text/x-vcard', ANY), { name: 'SyncmlError', code: 'SB_ERR_FORMAT_UNSUPPORTED', syncmlStatus: 415 });
  assert.throws(() => cal.normalise(Buffer.from('BEGIN:VCARD\r\nEND:VCARD\r\n'), undefined, ANY), { syncmlStatus: 415 });
  assert.throws(() => cal.normalise(Buffer.from('no calendar here'), 'text/calendar', ANY), { code: 'SB_ERR_FORMAT_NO_BEGIN', syncmlStatus: 400 });
  assert.throws(() => cal.normalise(vcal('BEGIN:VEVENT', 'DTSTART:2026-13', 'END:VEVENT'), 'text/x-vcalendar', ANY), { code: 'SB_ERR_FORMAT_BAD_TIME', syncmlStatus: 400 });
  assert.throws(() => cal.normalise(vcal('BEGIN:VEVENT', 'SUMMARY:x'), 'text/x-vcalendar', ANY), { syncmlStatus: 400 });
  assert.throws(() => cal.normalise(ical('BEGIN:VEVENT', 'DTSTART:garbage', 'END:VEVENT'), 'text/calendar', ANY), { syncmlStatus: 400 });
  assert.throws(() => cal.normalise(ical('BEGIN:VTIMEZONE', 'TZID:X', 'END:VTIMEZONE'), 'text/calendar', ANY), { code: 'SB_ERR_FORMAT_NO_ITEM', syncmlStatus: 400 });
  assert.equal(cal.normalise(event, 'TEXT/CALENDAR; charset=utf-8', ANY).label, 'x', '1.0 content under a 2.0 type is read as 1.0');
});
