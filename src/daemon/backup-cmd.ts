/**
 * `syncml-bridge backup (--device ID | --user NAME) [--store STORE]... [--name NAME]`: write the
 * backup files (backup.ts) now, as a clean session with `?backup` / `sync --backup` does.
 *
 * - `--device ID`: that device's datastores (the ones it has synced; every datastore when it has
 *   synced none yet), under `backups/<device>/<date>[-name]/`.
 * - `--user NAME`: the same for every device of the user; a user with no device gets one folder,
 *   `backups/user-<name>/...`.
 * Prints each file written, one per line. Works while `serve` runs on the same data directory.
 */
import { ConfigError } from '../errors.js';
import { STORE_KINDS, type StoreKind } from '../ds/ports.js';
import { writeBackup } from './backup.js';
import { storeKindOption } from './export-cmd.js';
import { openDataDir } from './user-cmd.js';

export interface BackupCmdOptions {
  readonly device?: string;
  readonly user?: string;
  readonly store?: readonly string[];
  readonly name?: string;
  readonly dataDir: string;
}

export function backupCmd(o: BackupCmdOptions, io: { readonly stdout: NodeJS.WritableStream }): void {
  if ((o.device === undefined) === (o.user === undefined)) throw new ConfigError('give one of --device ID or --user NAME', 'SB_ERR_CONFIG_USAGE');
  if (o.name !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(o.name)) {
    throw new ConfigError(`--name: '${o.name}' is not a backup name (letters, digits, . _ -, at most 64)`, 'SB_ERR_CONFIG_VALUE');
  }
  const asked = o.store === undefined || o.store.length === 0 ? undefined : [...new Set(o.store.map(storeKindOption))];
  const store = openDataDir(o.dataDir);
  try {
    const devices = store.listDevices();
    const targets: Array<{ device: string; user: string; kinds: readonly StoreKind[] }> = [];
    const kindsOf = (synced: readonly StoreKind[]): readonly StoreKind[] => asked ?? (synced.length > 0 ? synced : STORE_KINDS);
    if (o.device !== undefined) {
      const d = devices.find((x) => x.id === o.device);
      if (d === undefined) throw new ConfigError(`--device: no device '${o.device}' in ${o.dataDir} (syncml-bridge devices lists them)`, 'SB_ERR_CONFIG_VALUE');
      targets.push({ device: d.id, user: d.user, kinds: kindsOf(d.datastores.map((s) => s.kind)) });
    } else {
      const user = o.user!;
      if (user !== 'local' && store.getUser(user) === undefined) throw new ConfigError(`--user: no user '${user}' in ${o.dataDir}`, 'SB_ERR_CONFIG_VALUE');
      const mine = devices.filter((d) => d.user === user);
      for (const d of mine) targets.push({ device: d.id, user, kinds: kindsOf(d.datastores.map((s) => s.kind)) });
      if (mine.length === 0) targets.push({ device: `user-${user}`, user, kinds: asked ?? STORE_KINDS });
    }
    const now = Date.now();
    for (const t of targets) {
      const files = writeBackup(store, o.dataDir, { user: t.user, device: t.device, kinds: t.kinds, now, ...(o.name === undefined ? {} : { name: o.name }) });
      for (const f of files) io.stdout.write(`${f}\n`);
    }
  } finally {
    store.close();
  }
}
