/**
 * Settings of host-initiated syncs: the link (`--obex-tcp`/`--serial`/`--bluetooth`), the plan of one
 * sync, and the phones the daemon syncs by itself (host-initiated, as `syncml-bridge sync` does): the config
 * file's `phones` list, each synced on a schedule (`every` seconds) and/or when it appears
 * (`onAppear`).
 *
 * ```json
 * "phones": [
 *   { "name": "desk", "serial": "/dev/ttyACM0", "onAppear": true, "backup": true },
 *   { "bluetooth": "00:11:22:33:44:55", "profile": "nokia", "user": "alice", "every": 3600, "onAppear": true },
 *   { "obexTcp": "192.168.1.20:6650", "stores": ["contacts"], "mode": "slow", "every": 86400 }
 * ]
 * ```
 *
 * "Appears": a serial port appears when its device node comes into existence (a cable plugged
 * in); the daemon checks every `poll` seconds (default 2). A Bluetooth or TCP phone can only be
 * seen by reaching it, so while it is out of reach the daemon tries every `poll` seconds (default
 * 60) and syncs when it answers; once it has synced, it is tried again at `every` (if set) and
 * counts as gone only when an attempt cannot reach it. A sync that fails for another reason is
 * logged and retried at the next `every`, or when the phone appears anew.
 *
 * Light on purpose (no store, no transports): config.ts parses the `phones` setting with it.
 */
import { ConfigError } from '../errors.js';
import type { AuthPolicy } from '../ds/types.js';
import { kindOfName } from '../ds/uri.js';
import { parseHostPort } from './config.js';

/** The modes `sync --mode` takes (DESIGN section 5). */
export const HOST_SYNC_MODES = ['two-way', 'slow', 'one-way-from-client', 'refresh-from-client', 'one-way-from-server', 'refresh-from-server'] as const;
export type HostSyncMode = (typeof HOST_SYNC_MODES)[number];

/** The link a sync runs over, as parsed from the options. */
export type SyncTarget =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'serial'; readonly path: string }
  | { readonly kind: 'bluetooth'; readonly address: string; readonly adapter?: string };

/** Exactly one of --obex-tcp, --serial, --bluetooth. */
export function syncTarget(o: { readonly obexTcp?: string; readonly serial?: string; readonly bluetooth?: string; readonly adapter?: string }): SyncTarget {
  const given = [o.obexTcp !== undefined, o.serial !== undefined, o.bluetooth !== undefined].filter(Boolean).length;
  if (given !== 1) throw new ConfigError('give exactly one of --obex-tcp HOST:PORT, --serial PATH, --bluetooth ADDR', 'SB_ERR_CONFIG_USAGE');
  if (o.obexTcp !== undefined) {
    const hp = parseHostPort(o.obexTcp, '--obex-tcp');
    return { kind: 'tcp', host: hp.host, port: hp.port };
  }
  if (o.serial !== undefined) {
    if (o.serial === '') throw new ConfigError('--serial: empty path', 'SB_ERR_CONFIG_VALUE');
    return { kind: 'serial', path: o.serial };
  }
  const address = o.bluetooth!.trim();
  if (!/^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/.test(address)) {
    throw new ConfigError(`--bluetooth: '${o.bluetooth}' is not a Bluetooth address (00:11:22:33:44:55)`, 'SB_ERR_CONFIG_VALUE');
  }
  return { kind: 'bluetooth', address: address.toUpperCase(), ...(o.adapter === undefined ? {} : { adapter: o.adapter }) };
}

/** What one host-initiated sync is asked to do (the command's options, checked). */
export interface HostSyncPlan {
  readonly target: SyncTarget;
  readonly profile?: string;
  readonly stores?: readonly string[];
  readonly mode: HostSyncMode;
  readonly user: string;
  readonly auth: AuthPolicy;
  readonly backup?: true | string;
  readonly requestTimeoutMs?: number;
}

export interface ScheduledPhone {
  /** For logs: the `name` setting, else the link. */
  readonly name: string;
  readonly plan: HostSyncPlan;
  /** Sync every this many ms (undefined: only on appearance). */
  readonly everyMs: number | undefined;
  readonly onAppear: boolean;
  /** How often presence is checked (ms). */
  readonly pollMs: number;
}

const PHONE_KEYS = new Set(['name', 'serial', 'bluetooth', 'adapter', 'obexTcp', 'profile', 'user', 'stores', 'mode', 'backup', 'every', 'onAppear', 'poll', 'timeout']);

function seconds(v: unknown, where: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new ConfigError(`${where}: expected a number of seconds from ${min} to ${max}, got ${JSON.stringify(v)}`, 'SB_ERR_CONFIG_VALUE');
  return Math.round(v * 1000);
}

function str(v: unknown, where: string): string {
  if (typeof v !== 'string' || v === '') throw new ConfigError(`${where}: expected a non-empty string, got ${JSON.stringify(v)}`, 'SB_ERR_CONFIG_VALUE');
  return v;
}

function targetName(t: SyncTarget): string {
  return t.kind === 'tcp' ? `tcp:${t.host}:${t.port}` : t.kind === 'serial' ? `serial:${t.path}` : `bt:${t.address}`;
}

/** Parse and check the `phones` setting (`where` names it in messages). */
export function parsePhones(value: unknown, where: string, auth: AuthPolicy): ScheduledPhone[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ConfigError(`${where}: expected a list of phones`, 'SB_ERR_CONFIG_VALUE');
  const names = new Set<string>();
  return value.map((raw: unknown, i) => {
    const w = `${where}[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`${w}: expected an object`, 'SB_ERR_CONFIG_VALUE');
    const p = raw as Record<string, unknown>;
    for (const k of Object.keys(p)) if (!PHONE_KEYS.has(k)) throw new ConfigError(`${w}: unknown setting '${k}'`, 'SB_ERR_CONFIG_VALUE');
    let target: SyncTarget;
    try {
      target = syncTarget({
        ...(p.serial === undefined ? {} : { serial: str(p.serial, `${w}.serial`) }),
        ...(p.bluetooth === undefined ? {} : { bluetooth: str(p.bluetooth, `${w}.bluetooth`) }),
        ...(p.obexTcp === undefined ? {} : { obexTcp: str(p.obexTcp, `${w}.obexTcp`) }),
        ...(p.adapter === undefined ? {} : { adapter: str(p.adapter, `${w}.adapter`) }),
      });
    } catch (err) {
      throw new ConfigError(`${w}: ${(err as Error).message.replace('--obex-tcp', 'obexTcp').replace('--serial', 'serial').replace('--bluetooth', 'bluetooth')}`, 'SB_ERR_CONFIG_VALUE', { cause: err });
    }
    const stores = p.stores === undefined ? undefined : (Array.isArray(p.stores) ? p.stores : [p.stores]).map((s, j) => str(s, `${w}.stores[${j}]`));
    for (const s of stores ?? []) {
      if (kindOfName(s) === undefined) throw new ConfigError(`${w}.stores: unknown datastore '${s}' (contacts, calendar, tasks, notes)`, 'SB_ERR_CONFIG_VALUE');
    }
    const mode = p.mode === undefined ? 'two-way' : str(p.mode, `${w}.mode`);
    if (!(HOST_SYNC_MODES as readonly string[]).includes(mode)) throw new ConfigError(`${w}.mode: '${mode}' is not one of ${HOST_SYNC_MODES.join(', ')}`, 'SB_ERR_CONFIG_VALUE');
    const backup = p.backup === undefined || p.backup === false ? undefined : p.backup === true ? true : str(p.backup, `${w}.backup`);
    if (typeof backup === 'string' && !/^[A-Za-z0-9._-]{1,64}$/.test(backup)) throw new ConfigError(`${w}.backup: '${backup}' is not a backup name`, 'SB_ERR_CONFIG_VALUE');
    const everyMs = p.every === undefined ? undefined : seconds(p.every, `${w}.every`, 10, 30 * 86400);
    if (p.onAppear !== undefined && typeof p.onAppear !== 'boolean') throw new ConfigError(`${w}.onAppear: expected true or false`, 'SB_ERR_CONFIG_VALUE');
    const onAppear = p.onAppear === true;
    if (everyMs === undefined && !onAppear) throw new ConfigError(`${w}: give "every" (seconds) or "onAppear": true, or both`, 'SB_ERR_CONFIG_VALUE');
    const pollMs = p.poll === undefined ? (target.kind === 'serial' ? 2000 : 60_000) : seconds(p.poll, `${w}.poll`, 0.2, 3600);
    const name = p.name === undefined ? targetName(target) : str(p.name, `${w}.name`);
    if (names.has(name)) throw new ConfigError(`${w}: a second phone named '${name}'`, 'SB_ERR_CONFIG_VALUE');
    names.add(name);
    const plan: HostSyncPlan = {
      target, mode: mode as HostSyncMode, auth, user: p.user === undefined ? 'local' : str(p.user, `${w}.user`),
      ...(p.profile === undefined ? {} : { profile: str(p.profile, `${w}.profile`) }),
      ...(stores === undefined ? {} : { stores }),
      ...(backup === undefined ? {} : { backup }),
      ...(p.timeout === undefined ? {} : { requestTimeoutMs: seconds(p.timeout, `${w}.timeout`, 1, 3600) }),
    };
    return { name, plan, everyMs, onAppear, pollMs };
  });
}

