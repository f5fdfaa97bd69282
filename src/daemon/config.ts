/**
 * Daemon configuration: defaults, config file, command-line overrides, validation.
 *
 * Precedence: built-in defaults < `--config FILE` (JSON) < command-line flags. Every
 * validation failure is a ConfigError whose message names the bad value and where it came
 * from (`--obex-tcp`, `config.json: http`, ...), so the CLI can print one line and exit 2.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { parsePhones, type ScheduledPhone } from './phones-config.js';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export interface SerialLink {
  readonly path: string;
  /** Device profile name from drivers/ (empty: match by probing). */
  readonly profile?: string;
}

export type RelayMode = 'passthrough' | 'store-forward';

/** The relay toward an upstream SyncML server over HTTP(S). */
export interface RelayConfig {
  readonly mode: RelayMode;
  readonly upstream: URL;
  /** Convert what goes upstream to this encoding (`--upstream-encoding`); undefined: as the phone sent it. */
  readonly upstreamEncoding?: 'xml' | 'wbxml';
  /** PEM CA bundle file for an https: upstream (`--upstream-ca`), absolute. */
  readonly caFile?: string;
}
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface DaemonConfig {
  readonly dataDir: string;
  readonly obexTcp: readonly HostPort[];
  readonly http: HostPort | undefined;
  readonly serial: readonly SerialLink[];
  /** Bluetooth adapter name (e.g. `hci0`), `default` for BlueZ's default adapter, or undefined when off. */
  readonly bluetooth: string | undefined;
  /** Refuse phones that connect over Bluetooth without being bonded with the bridge's BlueZ (`--bluetooth-require-pairing`). */
  readonly bluetoothRequirePairing: boolean;
  readonly relay: RelayConfig | undefined;
  readonly logLevel: LogLevel;
  /** Authentication asked of HTTP clients (default any: basic or md5) and of OBEX links (default none: user `local`). */
  readonly httpAuth: AuthPolicyName;
  readonly obexAuth: AuthPolicyName;
  readonly conflictPolicy: ConflictPolicyName;
  /** A session idle longer than this ends (ms). */
  readonly sessionTimeoutMs: number;
  /** Phones the daemon syncs by itself, host-initiated (config file `phones`; phones-config.ts). */
  readonly phones: readonly ScheduledPhone[];
}

export const AUTH_POLICIES = ['none', 'any', 'basic', 'md5'] as const;
export type AuthPolicyName = (typeof AUTH_POLICIES)[number];
export const CONFLICT_POLICIES = ['merge', 'server-wins', 'client-wins', 'newest-wins', 'duplicate'] as const;
export type ConflictPolicyName = (typeof CONFLICT_POLICIES)[number];

/** The embedded default of `npm start`: OBEX over TCP and HTTP on loopback, data in ./var. */
export const DEFAULT_OBEX_TCP: HostPort = { host: '127.0.0.1', port: 6650 };
export const DEFAULT_HTTP: HostPort = { host: '127.0.0.1', port: 8280 };
export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Raw options as commander hands them over (all optional, all unvalidated). */
export interface ServeOptions {
  readonly config?: string;
  readonly dataDir?: string;
  readonly obexTcp?: readonly string[];
  readonly http?: string;
  readonly serial?: readonly string[];
  readonly bluetooth?: string | boolean;
  readonly bluetoothRequirePairing?: boolean;
  readonly relay?: string;
  readonly upstream?: string;
  readonly upstreamEncoding?: string;
  readonly upstreamCa?: string;
  readonly logLevel?: string;
  readonly httpAuth?: string;
  readonly obexAuth?: string;
  readonly conflictPolicy?: string;
  readonly sessionTimeout?: string;
}

/** Parse `HOST:PORT` (IPv6 as `[::1]:PORT`). */
export function parseHostPort(value: string, where: string): HostPort {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(value.trim());
  if (m === null) throw new ConfigError(`${where}: '${value}' is not HOST:PORT`, 'SB_ERR_CONFIG_VALUE');
  const port = Number(m[3]);
  if (port < 1 || port > 65535) throw new ConfigError(`${where}: port ${m[3]} out of range 1-65535`, 'SB_ERR_CONFIG_VALUE');
  return { host: (m[1] ?? m[2])!, port };
}

export function formatHostPort(hp: HostPort): string {
  return hp.host.includes(':') ? `[${hp.host}]:${hp.port}` : `${hp.host}:${hp.port}`;
}

function parseSerial(value: string, where: string): SerialLink {
  const eq = value.indexOf('=');
  const path = (eq < 0 ? value : value.slice(0, eq)).trim();
  const profile = eq < 0 ? '' : value.slice(eq + 1).trim();
  if (!path.startsWith('/')) throw new ConfigError(`${where}: '${value}' is not an absolute tty path (PATH[=PROFILE])`, 'SB_ERR_CONFIG_VALUE');
  if (eq >= 0 && !/^[A-Za-z0-9._/-]+$/.test(profile)) throw new ConfigError(`${where}: bad profile name '${profile}'`, 'SB_ERR_CONFIG_VALUE');
  return profile === '' ? { path } : { path, profile };
}

function parseRelay(mode: string | undefined, upstream: string | undefined, where: string, extra: RelayExtra = {}): DaemonConfig['relay'] {
  if (mode === undefined && upstream === undefined) {
    if (extra.encoding !== undefined || extra.ca !== undefined) throw new ConfigError(`${where}: --upstream-encoding and --upstream-ca need --relay and --upstream`, 'SB_ERR_CONFIG_VALUE');
    return undefined;
  }
  if (mode !== 'passthrough' && mode !== 'store-forward') {
    throw new ConfigError(`${where}: relay mode '${String(mode)}' is not passthrough or store-forward`, 'SB_ERR_CONFIG_VALUE');
  }
  if (upstream === undefined) throw new ConfigError(`${where}: --relay ${mode} needs --upstream URL`, 'SB_ERR_CONFIG_VALUE');
  let url: URL;
  try {
    url = new URL(upstream);
  } catch {
    throw new ConfigError(`${where}: upstream '${upstream}' is not a URL`, 'SB_ERR_CONFIG_VALUE');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${where}: upstream '${upstream}' must be http: or https:`, 'SB_ERR_CONFIG_VALUE');
  }
  let upstreamEncoding: 'xml' | 'wbxml' | undefined;
  if (extra.encoding !== undefined) {
    if (extra.encoding !== 'xml' && extra.encoding !== 'wbxml') throw new ConfigError(`--upstream-encoding: '${extra.encoding}' is not xml or wbxml`, 'SB_ERR_CONFIG_VALUE');
    upstreamEncoding = extra.encoding;
  }
  return {
    mode, upstream: url,
    ...(upstreamEncoding === undefined ? {} : { upstreamEncoding }),
    ...(extra.ca === undefined ? {} : { caFile: extra.ca }),
  };
}

interface RelayExtra {
  readonly encoding?: string;
  readonly ca?: string;
}

/** A config file's JSON shape (every field optional; same names as the flags, camelCase). */
interface FileConfig {
  phones?: unknown;
  dataDir?: unknown;
  obexTcp?: unknown;
  http?: unknown;
  serial?: unknown;
  bluetooth?: unknown;
  bluetoothRequirePairing?: unknown;
  relay?: unknown;
  upstream?: unknown;
  upstreamEncoding?: unknown;
  upstreamCa?: unknown;
  logLevel?: unknown;
  httpAuth?: unknown;
  obexAuth?: unknown;
  conflictPolicy?: unknown;
  sessionTimeout?: unknown;
}

const FILE_KEYS = new Set(['dataDir', 'obexTcp', 'http', 'serial', 'bluetooth', 'bluetoothRequirePairing', 'relay', 'upstream', 'upstreamEncoding', 'upstreamCa', 'logLevel',
  'httpAuth', 'obexAuth', 'conflictPolicy', 'sessionTimeout', 'phones']);

/** A choice from a flag or the file, checked against its list. */
function choice<T extends string>(flag: string | undefined, fileValue: unknown, list: readonly T[], def: T, name: string, fw: (k: string) => string, key: string): T {
  const v = flag ?? (fileValue === undefined ? def : asString(fileValue, fw(key)));
  if (!(list as readonly string[]).includes(v)) throw new ConfigError(`${flag === undefined ? fw(key) : name}: '${v}' is not one of ${list.join(', ')}`, 'SB_ERR_CONFIG_VALUE');
  return v as T;
}

function readConfigFile(path: string): FileConfig {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`--config: cannot read '${path}': ${(err as Error).message}`, 'SB_ERR_CONFIG_FILE', { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new ConfigError(`${path}: not valid JSON: ${(err as Error).message}`, 'SB_ERR_CONFIG_FILE', { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`${path}: must hold a JSON object`, 'SB_ERR_CONFIG_FILE');
  }
  for (const key of Object.keys(parsed)) {
    if (!FILE_KEYS.has(key)) throw new ConfigError(`${path}: unknown setting '${key}'`, 'SB_ERR_CONFIG_VALUE');
  }
  return parsed as FileConfig;
}

function asString(v: unknown, where: string): string {
  if (typeof v !== 'string') throw new ConfigError(`${where}: expected a string, got ${JSON.stringify(v)}`, 'SB_ERR_CONFIG_VALUE');
  return v;
}

function asStringList(v: unknown, where: string): string[] {
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v)) throw new ConfigError(`${where}: expected a string or a list of strings`, 'SB_ERR_CONFIG_VALUE');
  return v.map((x, i) => asString(x, `${where}[${i}]`));
}

function relayExtra(opts: ServeOptions, file: FileConfig, fw: (key: string) => string, cwd: string): RelayExtra {
  const encoding = opts.upstreamEncoding ?? (file.upstreamEncoding === undefined ? undefined : asString(file.upstreamEncoding, fw('upstreamEncoding')));
  const ca = opts.upstreamCa ?? (file.upstreamCa === undefined ? undefined : asString(file.upstreamCa, fw('upstreamCa')));
  return { ...(encoding === undefined ? {} : { encoding }), ...(ca === undefined ? {} : { ca: resolve(cwd, ca) }) };
}

/**
 * Build and validate the daemon configuration from the `serve` options.
 * @param cwd directory relative paths are resolved against (the default data dir is `./var`).
 */
export function resolveConfig(opts: ServeOptions, cwd: string = process.cwd()): DaemonConfig {
  const file: FileConfig = opts.config === undefined ? {} : readConfigFile(resolve(cwd, opts.config));
  const fw = (key: string): string => (opts.config === undefined ? key : `${opts.config}: ${key}`);

  const dataDir = resolve(cwd, opts.dataDir ?? (file.dataDir === undefined ? './var' : asString(file.dataDir, fw('dataDir'))));

  const obexTcp = opts.obexTcp !== undefined && opts.obexTcp.length > 0
    ? opts.obexTcp.map((v) => parseHostPort(v, '--obex-tcp'))
    : file.obexTcp !== undefined
      ? asStringList(file.obexTcp, fw('obexTcp')).map((v) => parseHostPort(v, fw('obexTcp')))
      : [DEFAULT_OBEX_TCP];

  const http = opts.http !== undefined
    ? parseHostPort(opts.http, '--http')
    : file.http === undefined
      ? DEFAULT_HTTP
      : file.http === false ? undefined : parseHostPort(asString(file.http, fw('http')), fw('http'));

  const serial = opts.serial !== undefined && opts.serial.length > 0
    ? opts.serial.map((v) => parseSerial(v, '--serial'))
    : file.serial === undefined ? [] : asStringList(file.serial, fw('serial')).map((v) => parseSerial(v, fw('serial')));

  let bluetooth: string | undefined;
  const bt = opts.bluetooth ?? file.bluetooth;
  if (bt === true) bluetooth = 'default';
  else if (bt === false || bt === undefined) bluetooth = undefined;
  else {
    const name = asString(bt, opts.bluetooth === undefined ? fw('bluetooth') : '--bluetooth');
    if (!/^hci\d{1,3}$/.test(name)) throw new ConfigError(`--bluetooth: adapter '${name}' is not like hci0`, 'SB_ERR_CONFIG_VALUE');
    bluetooth = name;
  }
  const requirePairing = opts.bluetoothRequirePairing ?? file.bluetoothRequirePairing ?? false;
  if (typeof requirePairing !== 'boolean') throw new ConfigError(`${fw('bluetoothRequirePairing')}: must be true or false`, 'SB_ERR_CONFIG_VALUE');

  const relay = parseRelay(
    opts.relay ?? (file.relay === undefined ? undefined : asString(file.relay, fw('relay'))),
    opts.upstream ?? (file.upstream === undefined ? undefined : asString(file.upstream, fw('upstream'))),
    opts.relay !== undefined || opts.upstream !== undefined ? '--relay/--upstream' : fw('relay'),
    relayExtra(opts, file, fw, cwd),
  );

  const level = opts.logLevel ?? (file.logLevel === undefined ? 'info' : asString(file.logLevel, fw('logLevel')));
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError(`--log-level: '${level}' is not one of ${LOG_LEVELS.join(', ')}`, 'SB_ERR_CONFIG_VALUE');
  }

  const httpAuth = choice(opts.httpAuth, file.httpAuth, AUTH_POLICIES, 'any', '--http-auth', fw, 'httpAuth');
  const obexAuth = choice(opts.obexAuth, file.obexAuth, AUTH_POLICIES, 'none', '--obex-auth', fw, 'obexAuth');
  const conflictPolicy = choice(opts.conflictPolicy, file.conflictPolicy, CONFLICT_POLICIES, 'merge', '--conflict-policy', fw, 'conflictPolicy');
  const timeoutText = opts.sessionTimeout ?? (file.sessionTimeout === undefined ? '300' : String(file.sessionTimeout as string | number));
  const timeout = Number(timeoutText);
  if (!Number.isInteger(timeout) || timeout < 5 || timeout > 86400) {
    throw new ConfigError(`${opts.sessionTimeout === undefined ? fw('sessionTimeout') : '--session-timeout'}: '${timeoutText}' is not a whole number of seconds from 5 to 86400`, 'SB_ERR_CONFIG_VALUE');
  }
  const phones = parsePhones(file.phones, fw('phones'), obexAuth);
  if (phones.length > 0 && relay !== undefined) throw new ConfigError(`${fw('phones')}: scheduled host-initiated syncs run on the local store; they do not combine with --relay`, 'SB_ERR_CONFIG_VALUE');
  for (const p of phones) {
    const t = p.plan.target;
    if (t.kind === 'serial' && serial.some((x) => x.path === t.path)) {
      throw new ConfigError(`${fw('phones')}: ${t.path} is also a phone-initiated serial link; one opener per tty`, 'SB_ERR_CONFIG_VALUE');
    }
  }
  return { dataDir, obexTcp, http, serial, bluetooth, relay, logLevel: level as LogLevel, httpAuth, obexAuth, conflictPolicy, sessionTimeoutMs: timeout * 1000, phones, bluetoothRequirePairing: requirePairing };
}
