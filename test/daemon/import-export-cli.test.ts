// `import` and `export` through the real executable: usage errors (exit 2, one line naming the
// bad value) and, with the real content handlers, round trips.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin } from '../helpers/cli.js';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-cli-'));
  dirs.push(dir);
  assert.equal(runBin(['user', 'add', 'alice', '--password-stdin', '--data-dir', dir], 'pw\n').status, 0);
  return dir;
}

test('usage errors: unknown datastore, format, user, unreadable file; missing options', () => {
  const dir = dataDir();
  const vcf = join(dir, 'in.vcf');
  writeFileSync(vcf, 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nN:A;;;;\r\nEND:VCARD\r\n');
  const cases: Array<[string[], RegExp]> = [
    [['export', '--user', 'alice', '--store', 'photos'], /^syncml-bridge export: --store: unknown datastore 'photos' \(contacts, calendar, tasks, notes\)\n$/],
    [['import', '--user', 'alice', '--store', 'photos', vcf], /^syncml-bridge import: --store: unknown datastore 'photos'/],
    [['export', '--user', 'alice', '--store', 'contacts', '--format', 'pdf'], /^syncml-bridge export: --format: unknown format 'pdf' \(vcard21, vcard30, ical, vcal10, json\)\n$/],
    [['export', '--user', 'alice', '--store', 'calendar', '--format', 'vcard21'], /^syncml-bridge export: --format: 'vcard21' is not a format of the calendar datastore\n$/],
    [['export', '--user', 'alice', '--store', 'notes', '--format', 'ical'], /--format: 'ical' is not a format of the notes datastore/],
    [['export', '--user', 'bob', '--store', 'contacts'], /^syncml-bridge export: --user: no user 'bob'\n$/],
    [['import', '--user', 'bob', '--store', 'contacts', vcf], /^syncml-bridge import: --user: no user 'bob'\n$/],
    [['import', '--user', 'alice', '--store', 'contacts', join(dir, 'missing.vcf')], /^syncml-bridge import: FILE: cannot read '.*missing\.vcf': ENOENT/],
    [['export', '--store', 'contacts'], /required option '--user <name>' not specified/],
    [['import', '--user', 'alice', vcf], /required option '--store <store>' not specified/],
    [['import', '--user', 'alice', '--store', 'contacts'], /missing required argument 'file'/],
  ];
  for (const [args, message] of cases) {
    const r = runBin([...args, '--data-dir', dir]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.equal(r.stderr.split('\n').length, 2, `one line: ${r.stderr}`);
    assert.equal(r.stdout.length, 0);
  }
});
