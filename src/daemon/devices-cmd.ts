/**
 * `syncml-bridge devices [--json]`: the devices the bridge has seen, their datastores, anchors
 * and last syncs (DESIGN.md section 5). `--json` prints the same data with stable field names.
 */
import { ALERT_NAME } from '../syncml/index.js';
import type { DeviceListing } from '../store/index.js';
import { openDataDir } from './user-cmd.js';

/** One device of `devices --json`. Times are ISO 8601 (UTC) strings; null when unknown. */
export interface DeviceJson {
  readonly id: string;
  readonly user: string;
  /** DevInf Man and Mod, when the device sent a DevInf. */
  readonly manufacturer: string | null;
  readonly model: string | null;
  readonly profile: string | null;
  readonly devinfDigest: string | null;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly datastores: ReadonlyArray<{
    readonly kind: string;
    readonly uri: string;
    readonly clientAnchor: string | null;
    readonly serverAnchor: string | null;
    readonly lastRev: number;
    readonly lastSync: string | null;
    readonly lastMode: number | null;
    readonly maps: number;
  }>;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function devinfText(devinf: unknown, field: 'Man' | 'Mod'): string | null {
  if (devinf === null || typeof devinf !== 'object') return null;
  const v = (devinf as Record<string, unknown>)[field];
  return typeof v === 'string' && v !== '' ? v : null;
}

/** The JSON form of a listing. */
export function devicesJson(list: readonly DeviceListing[]): DeviceJson[] {
  return list.map((d) => ({
    id: d.id,
    user: d.user,
    manufacturer: devinfText(d.devinf, 'Man'),
    model: devinfText(d.devinf, 'Mod'),
    profile: d.profile,
    devinfDigest: d.devinfDigest,
    firstSeen: iso(d.firstSeen),
    lastSeen: iso(d.lastSeen),
    datastores: d.datastores.map((s) => ({
      kind: s.kind,
      uri: s.uri,
      clientAnchor: s.clientAnchor,
      serverAnchor: s.serverAnchor,
      lastRev: s.lastRev,
      lastSync: s.lastSync === null ? null : iso(s.lastSync),
      lastMode: s.lastMode,
      maps: s.maps,
    })),
  }));
}

/** Rows of cells as aligned columns, `indent` before each line. */
function table(rows: readonly (readonly string[])[], indent = ''): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, cell.length); });
  return rows.map((row) => indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ') + '\n').join('');
}

const shortTime = (s: string | null): string => (s === null ? '-' : s.replace('T', ' ').replace(/\.\d+Z$/, 'Z'));
const modeText = (m: number | null): string => {
  if (m === null) return '-';
  const name = ALERT_NAME.get(m);
  return name === undefined ? String(m) : `${m} ${name.toLowerCase().replace(/_/g, '-')}`;
};

/** The readable form: a line per device, then its datastores indented. */
export function devicesText(list: readonly DeviceListing[]): string {
  if (list.length === 0) return 'no devices yet\n';
  let out = '';
  for (const d of devicesJson(list)) {
    const model = [d.manufacturer, d.model].filter((x) => x !== null).join(' ');
    out += table([
      ['DEVICE', 'USER', 'MODEL', 'PROFILE', 'FIRST SEEN', 'LAST SEEN'],
      [d.id, d.user, model === '' ? '-' : model, d.profile ?? '-', shortTime(d.firstSeen), shortTime(d.lastSeen)],
    ]);
    if (d.datastores.length === 0) {
      out += '  (no completed sync yet)\n';
    } else {
      out += table([
        ['DATASTORE', 'URI', 'LAST SYNC', 'MODE', 'CLIENT ANCHOR', 'SERVER ANCHOR', 'REV', 'MAPS'],
        ...d.datastores.map((s) => [s.kind, s.uri, shortTime(s.lastSync), modeText(s.lastMode), s.clientAnchor ?? '-', s.serverAnchor ?? '-', String(s.lastRev), String(s.maps)]),
      ], '  ');
    }
    out += '\n';
  }
  return out;
}

/** `devices [--json]`. */
export function devicesCmd(opts: { dataDir: string; json?: boolean }, io: { readonly stdout: NodeJS.WritableStream }): void {
  const store = openDataDir(opts.dataDir);
  let list: DeviceListing[];
  try {
    list = store.listDevices();
  } finally {
    store.close();
  }
  io.stdout.write(opts.json === true ? JSON.stringify(devicesJson(list), null, 2) + '\n' : devicesText(list));
}
