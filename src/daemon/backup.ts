/**
 * Backup files a person can use (issue 4 `?backup`, issue 5 kiosk): after a session that asked
 * for it, each datastore of the device's user is written under
 * `<data dir>/backups/<device>/<date>[-<name>]/`: `contacts.vcf` (vCard 3.0), `calendar.ics` and
 * `tasks.ics` (iCalendar 2.0), `notes.txt`. A file is written to a temporary name and renamed,
 * so a reader never sees half a backup.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createContentHandlers, deviceFormatOfExport } from '../ds/content/index.js';
import { STORE_KINDS, type StoreKind } from '../ds/ports.js';
import type { SqliteStore } from '../store/index.js';
import { defaultExportFormat, renderItems } from './export-cmd.js';

const EXTENSION: Readonly<Record<StoreKind, string>> = { contacts: 'vcf', calendar: 'ics', tasks: 'ics', notes: 'txt' };

/** A device id as a directory name: `IMEI:35...` -> `IMEI_35...`. */
export function safeName(s: string): string {
  const t = s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '');
  return (t === '' ? 'device' : t).slice(0, 96);
}

/** Write the backup; returns the files written (absolute paths). */
export function writeBackup(store: SqliteStore, dataDir: string, o: { user: string; device: string; kinds?: readonly StoreKind[]; name?: string; now: number }): string[] {
  const stamp = new Date(o.now).toISOString().replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z');
  const dir = join(dataDir, 'backups', safeName(o.device), o.name === undefined ? stamp : `${stamp}-${safeName(o.name)}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const handlers = createContentHandlers();
  const files: string[] = [];
  for (const kind of o.kinds ?? STORE_KINDS) {
    const handler = handlers.get(kind);
    if (handler === undefined) continue;
    const items = [...store.exportItems(o.user, kind)];
    const format = defaultExportFormat(kind);
    const file = join(dir, `${kind}.${EXTENSION[kind]}`);
    writeFileSync(`${file}.tmp`, renderItems(items, handler, deviceFormatOfExport(format, kind), format), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
    files.push(file);
  }
  return files;
}
