/**
 * `syncml-bridge sync (--obex-tcp HOST:PORT | --serial PATH | --bluetooth ADDR) [--user NAME]
 * [--mode MODE] [--profile NAME] [--store STORE]... [--backup [NAME]]` (DESIGN.md section 5):
 * one host-initiated session (host-sync.ts) against the store of the data directory.
 *
 * The device profile: `--profile`, else on a serial link the one the phone's AT+CGMI/AT+CGMM
 * answers match (a probe-only AT dialogue first, then the profile's own switch), else the
 * fallback profile. Prints one line per datastore on stdout; exit 0 when the session ended
 * cleanly, 1 with one clear line on stderr when it did not, 2 for a bad option.
 */
import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import { BridgeError, ConfigError } from '../errors.js';
import { LOCAL_USER, STORE_KINDS, type StoreKind } from '../ds/ports.js';
import type { AuthPolicy } from '../ds/types.js';
import { matchProfile, type DeviceProfile, type ProfileSet } from '../quirks/index.js';
import { connectTcp } from '../transport/tcp.js';
import { openTtyLink } from '../transport/tty.js';
import type { Link } from '../transport/link.js';
import type { BluetoothLinks } from '../transport/bluetooth.js';
import { storeKindOption } from './export-cmd.js';
import { runHostSync, storeUri, summaryLines, type HostSyncResult } from './host-sync.js';
import { HOST_SYNC_MODES, syncTarget, type HostSyncMode, type HostSyncPlan, type SyncTarget } from './phones-config.js';
import { LocalEngine } from './local-engine.js';

export interface SyncCmdOptions {
  readonly obexTcp?: string;
  readonly serial?: string;
  readonly bluetooth?: string;
  readonly adapter?: string;
  readonly user?: string;
  readonly mode?: string;
  readonly profile?: string;
  readonly store?: readonly string[];
  /** `true` for a bare `--backup`, the backup's name otherwise. */
  readonly backup?: boolean | string;
  readonly obexAuth?: string;
  /** Seconds one OBEX request may wait for the phone. */
  readonly timeout?: string;
  readonly dataDir: string;
}

export interface SyncCmdIo {
  readonly stdout: NodeJS.WritableStream;
  readonly log: Logger;
}

/**
 * A profile by its name as users write it: the full name (`sonyericsson/10-k750`), without the
 * order prefixes (`sonyericsson/k750`, `generic`, `default`), or a family (`sonyericsson`).
 * @throws ConfigError naming the known profiles
 */
export function resolveProfileName(set: ProfileSet, name: string): string {
  if (set.has(name)) return name;
  const plain = (n: string): string => n.replace(/(^|\/)\d+-/g, '$1').toLowerCase();
  const wanted = name.toLowerCase();
  const hits = set.names.filter((n) => plain(n) === wanted || plain(n) === `${wanted}/family`);
  if (hits.length === 1) return hits[0]!;
  throw new ConfigError(`--profile: unknown profile '${name}' (${set.names.map(plain).join(', ')})`, 'SB_ERR_CONFIG_VALUE');
}

/** `--store` values (default: every datastore the profile names; Nokia's calendar carries tasks). */
export function syncKinds(profile: DeviceProfile, stores: readonly string[] | undefined): StoreKind[] {
  if (stores === undefined || stores.length === 0) {
    return STORE_KINDS.filter((k) => profile.datastores[k] !== null && !(k === 'tasks' && profile.datastores.calendarHoldsTasks));
  }
  const kinds = [...new Set(stores.map(storeKindOption))];
  for (const k of kinds) {
    if (storeUri(profile, k) === null) throw new ConfigError(`--store: profile ${profile.name} has no ${k} datastore`, 'SB_ERR_CONFIG_VALUE');
  }
  return kinds;
}

function modeOption(mode: string | undefined): HostSyncMode {
  if (mode === undefined) return 'two-way';
  if (!(HOST_SYNC_MODES as readonly string[]).includes(mode)) {
    throw new ConfigError(`--mode: '${mode}' is not one of ${HOST_SYNC_MODES.join(', ')}`, 'SB_ERR_CONFIG_VALUE');
  }
  return mode as HostSyncMode;
}

function timeoutOption(t: string | undefined): number | undefined {
  if (t === undefined) return undefined;
  const s = Number(t);
  if (!Number.isFinite(s) || s < 1 || s > 3600) throw new ConfigError(`--timeout: '${t}' is not a number of seconds in 1..3600`, 'SB_ERR_CONFIG_VALUE');
  return Math.round(s * 1000);
}

/** What a phone link and its profile come to once open. */
export interface OpenedLink {
  readonly link: Link;
  readonly profile: DeviceProfile;
  /** How the profile was chosen, for the log. */
  readonly why: string;
  /** Closes what the link needed besides itself (the Bluetooth driver). */
  readonly release: () => Promise<void>;
}

/**
 * Open the link of a host-initiated sync and settle its profile (see the module comment).
 * @throws TransportError (tty, AT, TCP and Bluetooth codes) with the transport's hint
 */
export async function openSyncLink(target: SyncTarget, set: ProfileSet, profileName: string | undefined, log: Logger, bluetooth?: BluetoothLinks): Promise<OpenedLink> {
  const named = profileName === undefined ? undefined : set.resolve(resolveProfileName(set, profileName));
  const none = async (): Promise<void> => undefined;
  switch (target.kind) {
    case 'tcp': {
      const profile = named ?? set.resolve(set.fallback);
      return { link: await connectTcp(target.host, target.port), profile, why: named === undefined ? 'fallback' : '--profile', release: none };
    }
    case 'serial': {
      let profile = named;
      let why = '--profile';
      if (profile === undefined) {
        // Ask the phone who it is (no switch), then switch the way its profile says.
        const probe = await openTtyLink({ path: target.path, at: { probe: true } });
        await new Promise<void>((r) => { probe.stream.once('close', () => r()); probe.stream.destroy(); });
        const m = matchProfile(set, { at: { ...(probe.info.at?.manufacturer === undefined ? {} : { manufacturer: probe.info.at.manufacturer }), ...(probe.info.at?.model === undefined ? {} : { model: probe.info.at.model }) } });
        profile = m.profile;
        why = `AT answers: ${m.explanation}`;
        log.info({ link: `serial:${target.path}`, at: probe.info.at, profile: profile.name }, `profile ${profile.name} from the phone's AT answers (${m.explanation})`);
      }
      const sw = profile.atSwitch;
      const link = await openTtyLink({ path: target.path, ...(sw === null ? {} : { at: { switch: sw } }) });
      return { link, profile, why, release: none };
    }
    case 'bluetooth': {
      const profile = named ?? set.resolve(set.fallback);
      const why = named === undefined ? 'fallback' : '--profile';
      if (bluetooth !== undefined) return { link: await bluetooth.connect(target.address, target.adapter), profile, why, release: none };
      const { BluetoothLinks } = await import('../transport/bluetooth.js');
      const bt = await BluetoothLinks.open({ ...(target.adapter === undefined ? {} : { adapter: target.adapter }) });
      try {
        return { link: await bt.connect(target.address), profile, why, release: () => bt.close() };
      } catch (err) {
        await bt.close();
        throw err;
      }
    }
  }
}

/**
 * Open the link, settle the profile, run the session: the one path of `sync` and of the daemon's
 * scheduled syncs. Transport failures (no such tty, AT errors, Bluetooth, TCP) throw.
 */
export async function hostSyncOnce(local: LocalEngine, plan: HostSyncPlan, log: Logger, bluetooth?: BluetoothLinks, signal?: AbortSignal): Promise<HostSyncResult> {
  const opened = await openSyncLink(plan.target, local.profiles, plan.profile, log, bluetooth);
  // Aborting (the daemon stops) cuts the link: the session ends unfinished, anchors unchanged.
  const cut = (): void => void opened.link.stream.destroy();
  signal?.addEventListener('abort', cut);
  if (signal?.aborted === true) cut();
  try {
    const profile = opened.profile;
    if (!profile.supported) throw new BridgeError(`profile ${profile.name}: this phone cannot sync over OBEX: ${profile.unsupportedReason ?? 'not supported'}`, 'SB_ERR_SYNC_UNSUPPORTED');
    return await runHostSync(local, opened.link, {
      profile, kinds: syncKinds(profile, plan.stores), mode: plan.mode, auth: plan.auth, user: plan.user, log,
      ...(plan.backup === undefined ? {} : { backup: plan.backup }),
      ...(plan.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: plan.requestTimeoutMs }),
    });
  } finally {
    signal?.removeEventListener('abort', cut);
    opened.link.stream.destroy();
    await opened.release();
  }
}

/** The whole command; resolves with the exit status (options errors throw ConfigError: status 2). */
export async function syncCmd(o: SyncCmdOptions, io: SyncCmdIo): Promise<number> {
  const target = syncTarget(o);
  const mode = modeOption(o.mode);
  const requestTimeoutMs = timeoutOption(o.timeout);
  const auth = (o.obexAuth ?? 'none') as AuthPolicy;
  if (!['none', 'any', 'basic', 'md5'].includes(auth)) throw new ConfigError(`--obex-auth: '${o.obexAuth}' is not one of none, any, basic, md5`, 'SB_ERR_CONFIG_VALUE');
  if (typeof o.backup === 'string' && !/^[A-Za-z0-9._-]{1,64}$/.test(o.backup)) {
    throw new ConfigError(`--backup: '${o.backup}' is not a backup name (letters, digits, . _ -, at most 64)`, 'SB_ERR_CONFIG_VALUE');
  }
  if (target.kind === 'serial' && !existsSync(target.path)) {
    throw new BridgeError(`cannot open ${target.path}: no such device; is the phone plugged in and the path right?`, 'SB_ERR_TTY_OPEN');
  }
  const local = new LocalEngine({ dataDir: o.dataDir, conflictPolicy: 'merge', sessionTimeoutMs: 300_000 }, io.log);
  try {
    const user = o.user ?? LOCAL_USER;
    if (user !== LOCAL_USER && local.store.getUser(user) === undefined) {
      throw new ConfigError(`--user: no user '${user}' in ${o.dataDir} (add it with syncml-bridge user add ${user})`, 'SB_ERR_CONFIG_VALUE');
    }
    // Check --profile and --store before anything touches the phone.
    for (const st of o.store ?? []) storeKindOption(st);
    if (o.profile !== undefined) syncKinds(local.profiles.resolve(resolveProfileName(local.profiles, o.profile)), o.store);
    const result = await hostSyncOnce(local, {
      target, mode, user, auth, ...(o.profile === undefined ? {} : { profile: o.profile }), ...(o.store === undefined ? {} : { stores: o.store }),
      ...(o.backup === undefined || o.backup === false ? {} : { backup: o.backup }),
      ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
    }, io.log);
    for (const line of summaryLines(result)) io.stdout.write(`${line}\n`);
    for (const f of result.backups) io.stdout.write(`backup: ${f}\n`);
    if (result.ok) return 0;
    throw result.error ?? new BridgeError('the session failed', 'SB_ERR_SYNC_SESSION_FAILED');
  } finally {
    local.close();
  }
}
