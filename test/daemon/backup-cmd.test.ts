// `syncml-bridge backup` through the real executable: files a person can use, per device (only the
// datastores it syncs) or per user, and usage errors with exit 2.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runBin } from '../helpers/cli.js';
import { openStore } from '../../src/store/index.js';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const card = (fn: string): string => `BEGIN:VCARD\r\nVERSION:3.0\r\nN:${fn};;;;\r\nFN:${fn}\r\nEND:VCARD\r\n`;
const event = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:e1\r\nDTSTAMP:20261201T100000Z\r\nDTSTART:20261203T100000Z\r\nDTEND:20261203T110000Z\r\nSUMMARY:Kiosk check\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';

function setup(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-backup-'));
  dirs.push(dir);
  const vcf = join(dir, 'in.vcf');
  writeFileSync(vcf, card('Ada Lovelace') + card('Alan Turing'));
  const ics = join(dir, 'in.ics');
  writeFileSync(ics, event);
  assert.equal(runBin(['import', '--user', 'local', '--store', 'contacts', vcf, '--data-dir', dir]).status, 0);
  assert.equal(runBin(['import', '--user', 'local', '--store', 'calendar', ics, '--data-dir', dir]).status, 0);
  return dir;
}

test('backup --device: the datastores the device syncs, as .vcf/.ics under backups/<device>/<date>-<name>/', () => {
  const dir = setup();
  const store = openStore(dir);
  store.saveDevice({ id: 'IMEI:350000000000001', user: 'local', devinf: null, devinfDigest: null, profile: null, lastSeen: Date.now() });
  store.saveDeviceStore({ device: 'IMEI:350000000000001', kind: 'contacts', uri: 'Contacts', clientAnchor: '1', serverAnchor: '1', lastRev: 0, lastSync: Date.now(), lastMode: 200 });
  store.close();
  const r = runBin(['backup', '--device', 'IMEI:350000000000001', '--name', 'front-desk', '--data-dir', dir]);
  assert.equal(r.status, 0, r.stderr);
  const files = r.stdout.toString().trim().split('\n');
  assert.equal(files.length, 1, r.stdout.toString());
  assert.match(relative(dir, files[0]!), /^backups\/IMEI_350000000000001\/\d{4}-\d{2}-\d{2}T\d{6}Z-front-desk\/contacts\.vcf$/);
  const vcf = readFileSync(files[0]!, 'utf8');
  assert.equal(vcf.match(/^BEGIN:VCARD\r$/gm)?.length, 2);
  assert.match(vcf, /^FN:Ada Lovelace\r$/m);
});

test('backup --user with no device: every datastore under backups/user-<name>/', () => {
  const dir = setup();
  const r = runBin(['backup', '--user', 'local', '--store', 'contacts', '--store', 'calendar', '--data-dir', dir]);
  assert.equal(r.status, 0, r.stderr);
  const files = r.stdout.toString().trim().split('\n').map((f) => relative(dir, f));
  assert.deepEqual(files.map((f) => f.replace(/\/\d{4}-\d{2}-\d{2}T\d{6}Z\//, '/DATE/')), ['backups/user-local/DATE/contacts.vcf', 'backups/user-local/DATE/calendar.ics']);
  const ics = readFileSync(join(dir, files[1]!), 'utf8');
  assert.match(ics, /^BEGIN:VCALENDAR\r$/m);
  assert.match(ics, /^SUMMARY:Kiosk check\r$/m);
});

test('backup usage errors: exit 2 with one line naming the value', () => {
  const dir = setup();
  for (const [args, message] of [
    [[], /give one of --device ID or --user NAME/],
    [['--device', 'x', '--user', 'local'], /give one of --device ID or --user NAME/],
    [['--device', 'nope'], /--device: no device 'nope'/],
    [['--user', 'bob'], /--user: no user 'bob'/],
    [['--user', 'local', '--store', 'fax'], /--store: unknown datastore 'fax'/],
    [['--user', 'local', '--name', '../etc'], /--name: '\.\.\/etc' is not a backup name/],
  ] as const) {
    const r = runBin(['backup', ...args, '--data-dir', dir]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.split('\n').length, 2, r.stderr);
  }
});
