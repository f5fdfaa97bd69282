// The handler set, export device formats, type parsing and sniffing; and import -> export through
// the CLI commands (src/daemon) on a real data directory with the real handlers.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createContentHandlers, deviceFormatOfExport, mediaTypeOf, sniffType } from '../../../src/ds/content/index.js';
import { STORE_KINDS } from '../../../src/ds/ports.js';
import { exportCmd } from '../../../src/daemon/export-cmd.js';
import { importCmd } from '../../../src/daemon/import-cmd.js';
import { openDataDir } from '../../../src/daemon/user-cmd.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/vobjects/${name}`, import.meta.url));

test('one handler per datastore kind', () => {
  const handlers = createContentHandlers();
  assert.deepEqual([...handlers.keys()], [...STORE_KINDS]);
  for (const [kind, h] of handlers) assert.equal(h.kind, kind);
});

test('deviceFormatOfExport: the asked format, else the kind default', () => {
  assert.deepEqual(deviceFormatOfExport('vcard21', 'contacts'), { accepts: [{ type: 'text/x-vcard', version: '2.1' }] });
  assert.deepEqual(deviceFormatOfExport('vcard30', 'contacts'), { accepts: [{ type: 'text/vcard', version: '3.0' }] });
  assert.deepEqual(deviceFormatOfExport('ical', 'tasks'), { accepts: [{ type: 'text/calendar', version: '2.0' }] });
  assert.deepEqual(deviceFormatOfExport('vcal10', 'calendar'), { accepts: [{ type: 'text/x-vcalendar', version: '1.0' }] });
  assert.deepEqual(deviceFormatOfExport(undefined, 'contacts'), { accepts: [{ type: 'text/vcard', version: '3.0' }] });
  assert.deepEqual(deviceFormatOfExport(undefined, 'calendar'), { accepts: [{ type: 'text/calendar', version: '2.0' }] });
  assert.deepEqual(deviceFormatOfExport(undefined, 'notes'), { accepts: [{ type: 'text/plain', version: '1.0' }] });
});

test('content types: case, parameters, sniffing when absent', () => {
  assert.deepEqual(mediaTypeOf('Text/X-VCard; Charset="ISO-8859-1"', new Uint8Array()), { type: 'text/x-vcard', charset: 'ISO-8859-1' });
  assert.deepEqual(mediaTypeOf(' text/calendar ;method=PUBLISH', new Uint8Array()), { type: 'text/calendar' });
  const sniff = (s: string): string => sniffType(Buffer.from(s));
  assert.equal(mediaTypeOf(undefined, Buffer.from('BEGIN:VCARD\r\nVERSION:3.0\r\n')).type, 'text/vcard');
  assert.equal(mediaTypeOf('', Buffer.from('begin:vcard\nversion:2.1\n')).type, 'text/x-vcard');
  assert.equal(sniff('\r\nBEGIN:VCARD\r\nN:x\r\n'), 'text/x-vcard');
  assert.equal(sniff('BEGIN:VCALENDAR\r\nVERSION:1.0\r\n'), 'text/x-vcalendar');
  assert.equal(sniff('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n'), 'text/calendar');
  assert.equal(sniff('BEGIN:VNOTE\r\n'), 'text/x-vnote');
  assert.equal(sniff('Shopping\nmilk'), 'text/plain');
});

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-content-'));
  dirs.push(dir);
  const store = openDataDir(dir);
  try { store.addUser('alice', 'pw'); } finally { store.close(); }
  return dir;
}

async function run(fn: (io: { stdout: NodeJS.WritableStream }) => Promise<void>): Promise<Buffer> {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  await fn({ stdout });
  stdout.end();
  return Buffer.concat(chunks);
}

test('import a .vcf of several cards, export them as vCard 2.1, 3.0 and JSON; importing again changes nothing', async () => {
  const dir = dataDir();
  const file = join(dir, 'in.vcf');
  writeFileSync(file, Buffer.concat([fixture('vcard21-latin1.vcf'), fixture('vcard21-photo-base64.vcf'), fixture('vcard30-lowercase-lf.vcf')]));
  const opts = { user: 'alice', store: 'contacts', dataDir: dir };
  assert.equal((await run((io) => importCmd(file, opts, io))).toString(), 'imported 3 (added 3, updated 0, unchanged 0)\n');
  assert.equal((await run((io) => importCmd(file, opts, io))).toString(), 'imported 3 (added 0, updated 0, unchanged 3)\n');
  const v21 = (await run((io) => exportCmd({ ...opts, format: 'vcard21' }, io))).toString('latin1');
  assert.equal(v21.match(/^VERSION:2\.1\r$/gm)?.length, 3);
  assert.match(v21, /^N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen\r$/m);
  assert.match(v21, /^PHOTO;TYPE=JPEG;ENCODING=BASE64:\r$/m);
  const v30 = (await run((io) => exportCmd(opts, io))).toString('utf8');
  assert.equal(v30.match(/^VERSION:3\.0\r$/gm)?.length, 3, 'vCard 3.0 by default');
  assert.match(v30, /^N:Müller;Jürgen\r$/m);
  const json = JSON.parse((await run((io) => exportCmd({ ...opts, format: 'json' }, io))).toString()) as Array<{ contentType: string; fields: { n?: { family: string } }; text: string }>;
  assert.deepEqual(json.map((j) => j.fields.n?.family).sort(), ['Lower', 'Müller', 'Photo']);
  assert.ok(json.every((j) => j.contentType === 'text/vcard' && j.text.startsWith('BEGIN:VCARD\r\nVERSION:3.0\r\n')));
  // The 2.1 export imports back to the same cards.
  writeFileSync(file, Buffer.from(v21, 'latin1'));
  assert.equal((await run((io) => importCmd(file, opts, io))).toString(), 'imported 3 (added 0, updated 0, unchanged 3)\n');
});

test('import .vcs and .ics into the calendar, export as one iCalendar and as vCalendar 1.0; tasks and notes', async () => {
  const dir = dataDir();
  const vcs = join(dir, 'nokia.vcs');
  const ics = join(dir, 'cal.ics');
  writeFileSync(vcs, fixture('cal-nokia-10.vcs'));
  writeFileSync(ics, fixture('cal-ical-20.ics'));
  const opts = { user: 'alice', store: 'calendar', dataDir: dir };
  assert.equal((await run((io) => importCmd(vcs, opts, io))).toString(), 'imported 3 (added 3, updated 0, unchanged 0)\n');
  assert.equal((await run((io) => importCmd(ics, opts, io))).toString(), 'imported 3 (added 3, updated 0, unchanged 0)\n');
  const out = (await run((io) => exportCmd(opts, io))).toString('utf8');
  assert.equal(out.match(/^BEGIN:VCALENDAR\r$/gm)?.length, 1, 'one VCALENDAR around all items');
  assert.equal(out.match(/^BEGIN:(VEVENT|VTODO)\r$/gm)?.length, 6);
  assert.match(out, /^RRULE:FREQ=WEEKLY;COUNT=10;BYDAY=MO,TH\r$/m);
  const v1 = (await run((io) => exportCmd({ ...opts, format: 'vcal10' }, io))).toString('utf8');
  assert.match(v1, /^BEGIN:VCALENDAR\r\nVERSION:1\.0\r\n/);
  assert.match(v1, /^RRULE:D1 #5\r$/m);
  assert.match(v1, /^DALARM:20261123T082000Z;;;Standup soon\r$/m);
  // Exported 2.0 back in: every item is found unchanged.
  writeFileSync(ics, out);
  assert.equal((await run((io) => importCmd(ics, opts, io))).toString(), 'imported 6 (added 0, updated 0, unchanged 6)\n');

  const tasks = { ...opts, store: 'tasks' };
  assert.equal((await run((io) => importCmd(vcs, tasks, io))).toString(), 'imported 1 (added 1, updated 0, unchanged 0)\n');
  assert.match((await run((io) => exportCmd({ ...tasks, format: 'vcal10' }, io))).toString(), /^BEGIN:VTODO\r\nSUMMARY:Buy milk\r$/m);

  const notes = { ...opts, store: 'notes' };
  const vnt = join(dir, 'n.vnt');
  writeFileSync(vnt, fixture('cal-note.vnt'));
  assert.equal((await run((io) => importCmd(vnt, notes, io))).toString(), 'imported 1 (added 1, updated 0, unchanged 0)\n');
  assert.equal((await run((io) => exportCmd(notes, io))).toString(), 'Shopping\nEggs\nKäse\n', 'notes export as their text');
  const store = openDataDir(dir);
  try {
    assert.deepEqual(store.liveItems('alice', 'notes', undefined, 10).map((i) => i.contentType), ['text/x-vnote']);
  } finally { store.close(); }
});
