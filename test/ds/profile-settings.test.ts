// Engine level: the profile a phone's DevInf selects in the shipped drivers/ changes what the
// phone receives. A UIQ P910 (sonyericsson/20-uiq) gets one Status for a command's items
// (perItemStatus false), X- categories, QP Latin-1 and local times with UTC-range all-day
// events; a Nokia E51 gets EMAIL;INTERNET; an unknown phone (10-generic) gets none of that.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ProfileLookup } from '../../src/ds/types.js';
import { loadProfiles, matchProfile } from '../../src/quirks/index.js';
import { make, type Add, type Item } from '../../src/syncml/index.js';
import { Client, commands, rig, statuses, vcard, type Rig } from './helpers.js';

const set = loadProfiles();
const profiles: ProfileLookup = { has: (n) => set.has(n), resolve: (n) => set.resolve(n), match: (input) => matchProfile(set, input).profile };
const enc = new TextEncoder();

function devinf(man: string, mod: string, vcal = false): unknown {
  const store = vcal
    ? { SourceRef: './calendar', RxPref: { CTType: 'text/x-vcalendar', VerCT: '1.0' }, TxPref: { CTType: 'text/x-vcalendar', VerCT: '1.0' }, SyncCap: ['1', '2'] }
    : { SourceRef: './contacts', RxPref: { CTType: 'text/x-vcard', VerCT: '2.1' }, TxPref: { CTType: 'text/x-vcard', VerCT: '2.1' }, SyncCap: ['1', '2'] };
  return { VerDTD: '1.2', Man: man, Mod: mod, DevID: 'IMEI:1', DevTyp: 'phone', DataStores: [store] };
}

function dataOf(it: Item | undefined): string {
  const d = it?.Data;
  if (typeof d === 'string') return d;
  return d instanceof Uint8Array ? Buffer.from(d).toString('latin1') : '';
}

/** A slow sync of contacts: the phone sends its DevInf and three cards; the reply to its Sync. */
function slowContacts(r: Rig, man: string, mod: string): { adds: string[]; addStatuses: ReturnType<typeof statuses>; profile: string | null | undefined } {
  const c = new Client(r);
  const put = make.put([make.item({ source: './devinf12', data: devinf(man, mod) as never })], { Meta: { Type: 'application/vnd.syncml-devinf+wbxml' } });
  c.send([put, c.alert(201, undefined, 'n1')]);
  const cards = [vcard('Anna', '+4911'), vcard('Ben', '+4922'), vcard('Cleo', '+4933')];
  const add = make.add(cards.map((card, i) => make.item({ source: String(i + 1), data: card, meta: { Type: 'text/vcard' } })));
  const pkg4 = c.send([make.sync('Contacts', './contacts', [add])]);
  const adds = (commands(pkg4, 'Add') as Add[]).flatMap((a) => a.Item.map(dataOf));
  return { adds, addStatuses: statuses(pkg4, 'Add'), profile: r.store.getDevice(c.device)?.profile };
}

function serverCard(r: Rig): void {
  const card = 'BEGIN:VCARD\r\nVERSION:3.0\r\nN:Müller;Jürgen\r\nFN:Jürgen Müller\r\nEMAIL:j@example.org\r\nCATEGORIES:Business\r\nEND:VCARD\r\n';
  r.store.putItem('local', 'contacts', { contentType: 'text/vcard', data: enc.encode(card), matchKey: null, changedBy: null, now: 1 });
}

describe('device profile settings reach the phone', () => {
  test('UIQ P910: one Status for the three Adds, X- categories, QP Latin-1', () => {
    const r = rig({}, profiles);
    serverCard(r);
    const got = slowContacts(r, 'Sony Ericsson', 'P910i');
    assert.equal(got.profile, 'sonyericsson/20-uiq');
    assert.equal(got.addStatuses.length, 1);
    assert.deepEqual(got.addStatuses[0]!.SourceRef, ['1', '2', '3']);
    assert.equal(got.addStatuses[0]!.Data, 201);
    assert.equal(got.adds.length, 1);
    assert.match(got.adds[0]!, /\r\nCATEGORIES:X-Business\r\n/);
    assert.match(got.adds[0]!, /\r\nN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen\r\n/);
    assert.match(got.adds[0]!, /\r\nEMAIL:j@example\.org\r\n/);
  });

  test('Nokia E51: EMAIL;INTERNET and X- categories; an unknown phone: per-item Statuses and the card as stored', () => {
    const nokia = rig({}, profiles);
    serverCard(nokia);
    const e51 = slowContacts(nokia, 'Nokia', 'E51');
    assert.equal(e51.profile, 'nokia/31-e51');
    assert.match(e51.adds[0]!, /\r\nEMAIL;INTERNET:j@example\.org\r\n/);
    assert.match(e51.adds[0]!, /\r\nCATEGORIES:X-Business\r\n/);
    assert.equal(e51.addStatuses.length, 3);

    const other = rig({}, profiles);
    serverCard(other);
    const generic = slowContacts(other, 'ACME', 'Phone 1');
    assert.equal(generic.profile, '10-generic');
    assert.deepEqual(generic.addStatuses.map((s) => s.SourceRef), [['1'], ['2'], ['3']]);
    assert.match(generic.adds[0]!, /\r\nEMAIL:j@example\.org\r\n/);
    assert.match(generic.adds[0]!, /\r\nCATEGORIES:Business\r\n/);
  });

  test('UIQ calendar: local time in the configured zone, all-day as a UTC day range, no date before 1980', () => {
    const r = rig({ timeZone: 'Europe/Berlin' }, profiles);
    const ics = (lines: string[]): Uint8Array => enc.encode(['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//t//EN', 'BEGIN:VEVENT', ...lines, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n'));
    for (const lines of [
      ['UID:a', 'SUMMARY:Meeting', 'DTSTART:20260715T090000Z', 'DTEND:20260715T100000Z'],
      ['UID:b', 'SUMMARY:Holiday', 'DTSTART;VALUE=DATE:20261224', 'DTEND;VALUE=DATE:20261226'],
      ['UID:c', 'SUMMARY:Birthday', 'DTSTART;VALUE=DATE:19650612', 'DTEND;VALUE=DATE:19650613', 'RRULE:FREQ=YEARLY'],
    ]) r.store.putItem('local', 'calendar', { contentType: 'text/calendar', data: ics(lines), matchKey: null, changedBy: null, now: 1 });
    const c = new Client(r);
    const put = make.put([make.item({ source: './devinf12', data: devinf('Sony Ericsson', 'P910i', true) as never })], { Meta: { Type: 'application/vnd.syncml-devinf+wbxml' } });
    c.send([put, make.alert(201, [make.item({ target: 'Calendar', source: './calendar', meta: make.anchorMeta('n1', undefined) })])]);
    const pkg4 = c.send([make.sync('Calendar', './calendar', [])]);
    const sent = (commands(pkg4, 'Add') as Add[]).flatMap((a) => a.Item.map(dataOf)).join('\n');
    assert.match(sent, /\r\nDTSTART:20260715T110000\r\nDTEND:20260715T120000\r\n/);
    assert.match(sent, /\r\nDTSTART:20261224T000000Z\r\nDTEND:20261225T240000Z\r\n/);
    assert.match(sent, /\r\nDTSTART:19800612T000000Z\r\nDTEND:19800612T240000Z\r\n/);
  });
});
