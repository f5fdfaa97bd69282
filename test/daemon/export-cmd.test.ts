// export: option checks and the one-VCALENDAR join (pure parts); the CLI with the real content
// handlers is tested in import-export-cli.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultExportFormat, joinCalendars, storeKindOption } from '../../src/daemon/export-cmd.js';

const cal = (header: string[], ...components: string[][]): Buffer =>
  Buffer.from(['BEGIN:VCALENDAR', ...header, ...components.flat(), 'END:VCALENDAR', ''].join('\r\n'), 'latin1');

test('--store takes the datastore aliases; unknown names are a usage error', () => {
  assert.equal(storeKindOption('contacts'), 'contacts');
  assert.equal(storeKindOption('Addressbook'), 'contacts');
  assert.equal(storeKindOption('./Calendar'), 'calendar');
  assert.equal(storeKindOption('todo'), 'tasks');
  assert.equal(storeKindOption('Memo'), 'notes');
  assert.throws(() => storeKindOption('photos'), { name: 'ConfigError', message: "--store: unknown datastore 'photos' (contacts, calendar, tasks, notes)" });
});

test('default formats: vCard 3.0, iCalendar, note text', () => {
  assert.equal(defaultExportFormat('contacts'), 'vcard30');
  assert.equal(defaultExportFormat('calendar'), 'ical');
  assert.equal(defaultExportFormat('tasks'), 'ical');
  assert.equal(defaultExportFormat('notes'), undefined);
});

test('joinCalendars: one VCALENDAR, each VTIMEZONE once, components in item order', () => {
  const head = ['VERSION:2.0', 'PRODID:-//x//y//EN'];
  const tz = ['BEGIN:VTIMEZONE', 'TZID:Europe/Berlin', 'BEGIN:STANDARD', 'DTSTART:19701025T030000', 'END:STANDARD', 'END:VTIMEZONE'];
  const e1 = ['BEGIN:VEVENT', 'UID:1', 'SUMMARY:long line', ' folded on', 'BEGIN:VALARM', 'TRIGGER:-PT5M', 'END:VALARM', 'END:VEVENT'];
  const e2 = ['BEGIN:VEVENT', 'UID:2', 'SUMMARY:Caf\xe9', 'END:VEVENT'];
  const t3 = ['BEGIN:VTODO', 'UID:3', 'END:VTODO'];
  const out = joinCalendars([cal(head, tz, e1), cal(head, tz, e2), cal(head, t3)]);
  assert.equal(out.toString('latin1'), ['BEGIN:VCALENDAR', ...head, ...tz, ...e1, ...e2, ...t3, 'END:VCALENDAR', ''].join('\r\n'));
  assert.ok(out.includes(Buffer.from([0x43, 0x61, 0x66, 0xe9])), 'bytes kept as they were');
});

test('joinCalendars falls back to concatenation when headers differ or an item is not one VCALENDAR', () => {
  const a = cal(['VERSION:1.0', 'TZ:+01'], ['BEGIN:VEVENT', 'END:VEVENT']);
  const b = cal(['VERSION:1.0', 'TZ:+02'], ['BEGIN:VEVENT', 'END:VEVENT']);
  assert.deepEqual(joinCalendars([a, b]), Buffer.concat([a, b]));
  const lf = Buffer.from('BEGIN:VEVENT\nEND:VEVENT');
  assert.deepEqual(joinCalendars([a, lf]), Buffer.concat([a, lf, Buffer.from('\r\n')]));
  const unbalanced = Buffer.from('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n');
  assert.deepEqual(joinCalendars([a, unbalanced]), Buffer.concat([a, unbalanced]));
  const single = cal(['VERSION:2.0'], ['BEGIN:VEVENT', 'END:VEVENT']);
  assert.deepEqual(joinCalendars([single]), single);
});
