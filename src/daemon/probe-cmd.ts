/**
 * `syncml-bridge probe (--serial PATH [--timeout S] | --device ID) [--json]` (issue 5): find out
 * what an unknown phone is and suggest the device profile to sync it with.
 *
 * - `--serial PATH`: the probe-only AT dialogue `sync` runs before its switch (ATZ, ATE0, AT+CGMI,
 *   AT+CGMM), plus queries that change nothing on the phone: AT+CGMR (revision) and the test form
 *   (`=?`) of every switch command the profiles use (AT*EOBEX=?, AT+CPROT=?, ...). Then the same
 *   match `sync` makes from the AT answers. `--timeout` is each command's wait (default 3 s).
 * - `--device ID`: the match on the DevInf the store keeps for a device (Man, Mod, SwV, FwV, HwV),
 *   as the engine makes it when the phone syncs.
 * Prints what the phone said, the chosen profile and why, the other profiles that matched, and the
 * `sync` command line to use (`--json`: the same as one JSON object). Exit 0 when the phone
 * answered (even when its profile cannot sync), 1 with one line when it did not (no such tty,
 * silence, ERROR) or the device is unknown, 2 for bad options.
 */
import { BridgeError, ConfigError } from '../errors.js';
import { devinfIdentity, loadProfiles, matchProfile, normalizeAtAnswer, type MatchHit, type MatchResult, type ProfileSet } from '../quirks/index.js';
import type { DeviceRecord } from '../ds/ports.js';
import { probeTty, timeoutOption } from './sync-cmd.js';
import { openDataDir } from './user-cmd.js';

export interface ProbeCmdOptions {
  readonly serial?: string;
  readonly device?: string;
  /** Seconds each AT command may wait for its answer. */
  readonly timeout?: string;
  readonly json?: boolean;
  readonly dataDir: string;
}

/** One switch command's test form and how the phone answered it. */
export interface SwitchTest {
  /** The command sent, e.g. `AT*EOBEX=?`. */
  readonly command: string;
  /** The answer lines (information lines, then the final result). */
  readonly answer: readonly string[];
  /** True when the final result was OK. */
  readonly supported: boolean;
}

/** The output of `probe --json`. Absent values are null. */
export interface ProbeJson {
  readonly serial: string | null;
  readonly device: string | null;
  /** The phone's AT answers (`--serial`). */
  readonly at: {
    readonly manufacturer: string | null;
    readonly model: string | null;
    readonly revision: string | null;
    readonly switchTests: readonly SwitchTest[];
  } | null;
  /** The identity fields of the stored DevInf (`--device`), and the profile the store recorded. */
  readonly devinf: {
    readonly Man: string | null;
    readonly Mod: string | null;
    readonly HwV: string | null;
    readonly FwV: string | null;
    readonly SwV: string | null;
    readonly DevTyp: string | null;
    readonly storedProfile: string | null;
  } | null;
  readonly profile: {
    readonly name: string;
    readonly supported: boolean;
    readonly unsupportedReason: string | null;
    /** The commands of its AT switch, in order; null when it has none. */
    readonly atSwitch: readonly string[] | null;
  };
  /** The hit that chose the profile; null when nothing matched (the fallback). */
  readonly matchedBy: MatchHit | null;
  /** Every other profile that matched; `overruled` when a stronger key's lineage won. */
  readonly candidates: ReadonlyArray<MatchHit & { readonly overruled: boolean }>;
  readonly explanation: string;
  /** Things to know before syncing (a switch the phone denied, no switch on a serial link). */
  readonly notes: readonly string[];
  /** The `sync` command to run; null when the profile cannot sync. */
  readonly command: string | null;
}

const REVISION_QUERY = 'AT+CGMR';

/** The test form of an AT command: `AT*EOBEX` -> `AT*EOBEX=?`, `AT+CPROT=0` -> `AT+CPROT=?`, `AT^SQWE?` -> `AT^SQWE=?`. */
const testForm = (command: string): string => `${command.replace(/[=?].*$/, '')}=?`;

/** The test form (`AT*EOBEX=?`) of every switch command the profiles use, in profile order, once each. */
export function switchTests(set: ProfileSet): string[] {
  const out: string[] = [];
  for (const name of set.names) {
    for (const step of set.resolve(name).atSwitch?.steps ?? []) {
      const test = testForm(step.send);
      if (!out.includes(test)) out.push(test);
    }
  }
  return out;
}

const isOk = (answer: readonly string[] | undefined): boolean => answer !== undefined && answer.at(-1)?.toUpperCase() === 'OK';

/** The revision from the AT+CGMR answer: its first information line, without prefix and quotes. */
function revisionOf(answer: readonly string[] | undefined): string | null {
  if (!isOk(answer) || answer === undefined || answer.length < 2) return null;
  const v = normalizeAtAnswer(answer[0]!);
  return v === '' ? null : v;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** Profile, candidates, notes and command line: what both sources share. */
function suggestion(m: MatchResult, syncTarget: string, tests: readonly SwitchTest[], serial: boolean): Pick<ProbeJson, 'profile' | 'matchedBy' | 'candidates' | 'explanation' | 'notes' | 'command'> {
  const p = m.profile;
  const steps = p.atSwitch?.steps ?? null;
  const notes: string[] = [];
  if (!p.supported) notes.push(`profile ${p.name}: this phone cannot sync over OBEX: ${p.unsupportedReason ?? 'not supported'}`);
  if (serial && p.supported && steps === null) notes.push(`profile ${p.name} has no AT switch: sync --serial opens the port without one, so the phone must speak OBEX on it by itself`);
  const first = steps?.[0];
  if (first !== undefined) {
    const denied = tests.find((t) => t.command === testForm(first.send) && !t.supported);
    if (denied !== undefined) notes.push(`the phone answered ${denied.answer.at(-1) ?? 'nothing'} to ${denied.command}: the profile's switch ${first.send} may fail`);
  }
  return {
    profile: { name: p.name, supported: p.supported, unsupportedReason: p.unsupportedReason ?? null, atSwitch: steps === null ? null : steps.map((s) => s.send) },
    matchedBy: m.matchedBy ?? null,
    candidates: m.hits.filter((h) => h !== m.matchedBy).map((h) => ({ ...h, overruled: m.overruled.includes(h) })),
    explanation: m.explanation,
    notes,
    command: p.supported ? `syncml-bridge sync ${syncTarget} --profile ${p.name}` : null,
  };
}

/** Probe the phone on a tty. @throws TransportError (tty and AT codes) when it does not answer */
export async function probeSerial(path: string, set: ProfileSet, timeoutMs?: number): Promise<ProbeJson> {
  const queries = [REVISION_QUERY, ...switchTests(set)];
  const probe = await probeTty(path, set, { queries, ...(timeoutMs === undefined ? {} : { probeTimeoutMs: timeoutMs }) });
  const answers = probe.at.queries ?? {};
  const tests = queries.slice(1).map((command) => ({ command, answer: answers[command] ?? [], supported: isOk(answers[command]) }));
  return {
    serial: path,
    device: null,
    at: { manufacturer: probe.at.manufacturer ?? null, model: probe.at.model ?? null, revision: revisionOf(answers[REVISION_QUERY]), switchTests: tests },
    devinf: null,
    ...suggestion(probe.match, `--serial ${path}`, tests, true),
  };
}

/** Match the DevInf the store keeps for a device. @throws BridgeError when it has none */
export function probeDevice(dataDir: string, id: string, set: ProfileSet): ProbeJson {
  const store = openDataDir(dataDir);
  let record: DeviceRecord | undefined;
  try {
    record = store.getDevice(id);
  } finally {
    store.close();
  }
  if (record === undefined) throw new BridgeError(`no device '${id}' in ${dataDir} (syncml-bridge devices lists them)`, 'SB_ERR_PROBE_NO_DEVICE');
  if (record.devinf === null || typeof record.devinf !== 'object') {
    throw new BridgeError(`device '${id}' has sent no DevInf yet: sync it once, or probe its serial port with --serial`, 'SB_ERR_PROBE_NO_DEVINF');
  }
  const d = record.devinf as Record<string, unknown>;
  return {
    serial: null,
    device: id,
    at: null,
    devinf: { Man: text(d['Man']), Mod: text(d['Mod']), HwV: text(d['HwV']), FwV: text(d['FwV']), SwV: text(d['SwV']), DevTyp: text(d['DevTyp']), storedProfile: record.profile },
    ...suggestion(matchProfile(set, { devinf: devinfIdentity(d) }), '(--serial PATH | --bluetooth ADDR | --obex-tcp HOST:PORT)', [], false),
  };
}

/** The readable form: what the phone said, then the profile, the other candidates, notes and the command. */
export function probeText(r: ProbeJson): string {
  const rows: Array<[string, string]> = [];
  const dash = (v: string | null): string => v ?? '-';
  if (r.at !== null) {
    rows.push(['phone', `${r.serial ?? ''} (AT answers)`], ['manufacturer', dash(r.at.manufacturer)], ['model', dash(r.at.model)], ['revision', dash(r.at.revision)]);
    for (const t of r.at.switchTests) rows.push([t.command, `${t.answer.join(' | ') || '-'}${t.supported ? ' (supported)' : ''}`]);
  }
  if (r.devinf !== null) {
    const d = r.devinf;
    rows.push(['device', `${r.device ?? ''} (stored DevInf)`], ['Man', dash(d.Man)], ['Mod', dash(d.Mod)], ['HwV', dash(d.HwV)], ['FwV', dash(d.FwV)], ['SwV', dash(d.SwV)], ['DevTyp', dash(d.DevTyp)], ['stored profile', dash(d.storedProfile)]);
  }
  const sw = r.profile.atSwitch === null ? 'no AT switch' : `AT switch ${r.profile.atSwitch.join(', ')}`;
  rows.push(['profile', `${r.profile.name} (${sw}${r.profile.supported ? '' : ', cannot sync'})`], ['why', r.explanation]);
  rows.push(['candidates', r.candidates.length === 0 ? 'none other' : r.candidates.map((c) => `${c.profile} (${c.key}${c.overruled ? ', overruled' : ''}: ${c.detail})`).join('; ')]);
  for (const n of r.notes) rows.push(['note', n]);
  rows.push(['sync', r.command ?? 'none: the profile cannot sync']);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}\n`).join('');
}

/** The whole command. */
export async function probeCmd(o: ProbeCmdOptions, io: { readonly stdout: NodeJS.WritableStream }): Promise<void> {
  if ((o.serial === undefined) === (o.device === undefined)) throw new ConfigError('give one of --serial PATH or --device ID', 'SB_ERR_CONFIG_USAGE');
  if (o.serial === '') throw new ConfigError('--serial: empty path', 'SB_ERR_CONFIG_VALUE');
  if (o.timeout !== undefined && o.serial === undefined) throw new ConfigError('--timeout: only with --serial (it is the wait for each AT answer)', 'SB_ERR_CONFIG_USAGE');
  const timeoutMs = timeoutOption(o.timeout);
  const set = loadProfiles();
  const r = o.serial !== undefined ? await probeSerial(o.serial, set, timeoutMs) : probeDevice(o.dataDir, o.device!, set);
  io.stdout.write(o.json === true ? JSON.stringify(r, null, 2) + '\n' : probeText(r));
}
