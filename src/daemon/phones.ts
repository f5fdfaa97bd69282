/**
 * The daemon's scheduled host-initiated syncs (as `syncml-bridge sync` does) of the config
 * file's `phones` list (parsed in phones-config.ts), each synced on a schedule (`every` seconds) and/or when it appears
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
 * A serial path with a wildcard in its last part (`/dev/syncml-bridge/*`, the links the udev
 * rule makes) stands for every port that matches: each one that appears is a phone of its own,
 * named `NAME PATH`; the kiosk's "any phone plugged into any port".
 *
 * Each attempt and its outcome are told to {@link PhoneScheduler.onEvent} listeners (the live
 * page shows a phone that does not answer, or one that waits for a tap on its screen).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { BridgeError, ConfigError } from '../errors.js';
import type { BluetoothLinks } from '../transport/bluetooth.js';
import { summaryLines, type HostSyncStage } from './host-sync.js';
import type { LocalEngine } from './local-engine.js';
import { serialPattern, type ScheduledPhone } from './phones-config.js';
import { hostSyncOnce, resolveProfileName, syncKinds } from './sync-cmd.js';

/** Errors that mean "the phone is not there" (not: it is there and something went wrong). */
const ABSENT = new Set(['SB_ERR_TTY_OPEN', 'SB_ERR_TCP_CONNECT', 'SB_ERR_BT_UNREACHABLE', 'SB_ERR_BT_UNKNOWN_DEVICE', 'SB_ERR_BT_PROFILE_UNAVAILABLE', 'SB_ERR_AT_SILENT']);

interface PhoneState {
  readonly phone: ScheduledPhone;
  present: boolean | undefined;
  lastAttempt: number | undefined;
  running: Promise<void> | undefined;
}

/** A wildcard serial phone: the ports that match it now, each with its own state. */
interface PatternState {
  readonly phone: ScheduledPhone;
  readonly dir: string;
  readonly match: RegExp;
  readonly ports: Map<string, PhoneState>;
}

/** What the scheduler tells its listeners. `link` is the phone's link (`serial:/dev/ttyACM0`). */
export type PhoneEvent =
  | { readonly type: 'attempt'; readonly phone: string; readonly link: string; readonly why: 'appeared' | 'scheduled' }
  | {
    readonly type: 'result'; readonly phone: string; readonly link: string; readonly ok: boolean;
    /** The phone was not there (not in reach, no such port, no answer to AT): not an error of the phone. */
    readonly absent: boolean;
    readonly message: string; readonly code: string | null; readonly obexResponse: number | null;
    readonly device: string | null; readonly summary: readonly string[];
  }
  | { readonly type: 'gone'; readonly phone: string; readonly link: string }
  /** A step before the session: connected, a dialog on the phone's screen, the alert taken. */
  | { readonly type: 'stage'; readonly phone: string; readonly link: string; readonly stage: HostSyncStage };

const linkOf = (p: ScheduledPhone): string => {
  const t = p.plan.target;
  return t.kind === 'tcp' ? `tcp:${t.host}:${t.port}` : t.kind === 'serial' ? `serial:${t.path}` : `bt:${t.address}`;
};

/** At most this many ports per wildcard phone (a directory that fills up is not a reason to grow without bound). */
const MAX_PORTS = 64;

/** Runs the scheduled syncs of the `phones` setting on the daemon's engine. */
export class PhoneScheduler {
  readonly #local: LocalEngine;
  readonly #log: Logger;
  readonly #states: PhoneState[];
  readonly #patterns: PatternState[] = [];
  readonly #listeners: ((e: PhoneEvent) => void)[] = [];
  readonly #bluetooth: (() => Promise<BluetoothLinks>) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  readonly #abort = new AbortController();

  /**
   * @param bluetooth the daemon's Bluetooth driver (one registration of the client profile per bluetoothd)
   * @throws ConfigError for a profile, store or user that does not exist
   */
  constructor(local: LocalEngine, phones: readonly ScheduledPhone[], log: Logger, bluetooth?: () => Promise<BluetoothLinks>) {
    this.#local = local;
    this.#log = log;
    this.#bluetooth = bluetooth;
    for (const p of phones) {
      const where = `phones: ${p.name}`;
      if (p.plan.profile !== undefined) {
        try {
          syncKinds(local.profiles.resolve(resolveProfileName(local.profiles, p.plan.profile)), p.plan.stores);
        } catch (err) {
          throw new ConfigError(`${where}: ${(err as Error).message.replace(/^--(profile|store): /, '$1: ')}`, 'SB_ERR_CONFIG_VALUE');
        }
      }
      if (p.plan.user !== 'local' && local.store.getUser(p.plan.user) === undefined) throw new ConfigError(`${where}: no user '${p.plan.user}'`, 'SB_ERR_CONFIG_VALUE');
    }
    this.#states = [];
    for (const phone of phones) {
      const t = phone.plan.target;
      const pattern = t.kind === 'serial' ? serialPattern(t.path) : undefined;
      if (pattern !== undefined) this.#patterns.push({ phone, ...pattern, ports: new Map() });
      else this.#states.push({ phone, present: undefined, lastAttempt: undefined, running: undefined });
    }
  }

  onEvent(l: (e: PhoneEvent) => void): void {
    this.#listeners.push(l);
  }

  start(): void {
    const all = [...this.#states.map((s) => s.phone), ...this.#patterns.map((p) => p.phone)];
    if (all.length === 0) return;
    const tick = Math.max(100, Math.min(1000, ...all.map((p) => p.pollMs)));
    this.#timer = setInterval(() => this.#tick(Date.now()), tick);
    this.#tick(Date.now());
  }

  /** Stop scheduling, cut the links of syncs in progress (they end unfinished) and wait for them. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#abort.abort();
    await Promise.all([...this.#states, ...this.#patterns.flatMap((p) => [...p.ports.values()])].map((s) => s.running));
  }

  #tell(e: PhoneEvent): void {
    for (const l of this.#listeners) {
      try {
        l(e);
      } catch (err) {
        this.#log.error({ err }, `phone event listener failed: ${(err as Error).message}`);
      }
    }
  }

  /** The ports of each wildcard phone now: new ones get a state, vanished idle ones are dropped. */
  #expand(): PhoneState[] {
    const out: PhoneState[] = [];
    for (const pat of this.#patterns) {
      let names: string[];
      try {
        names = readdirSync(pat.dir).filter((n) => pat.match.test(n)).sort();
      } catch {
        names = []; // the directory itself is missing (no port has ever appeared): nothing to do
      }
      const paths = new Set(names.map((n) => join(pat.dir, n)));
      for (const [path, st] of pat.ports) {
        if (!paths.has(path) && st.running === undefined) {
          if (st.present === true) {
            this.#log.info({ phone: st.phone.name }, `${st.phone.name}: went away`);
            this.#tell({ type: 'gone', phone: st.phone.name, link: linkOf(st.phone) });
          }
          pat.ports.delete(path);
        }
      }
      for (const path of paths) {
        if (pat.ports.has(path) || pat.ports.size >= MAX_PORTS) continue;
        const phone: ScheduledPhone = { ...pat.phone, name: `${pat.phone.name} ${path}`, plan: { ...pat.phone.plan, target: { kind: 'serial', path } } };
        pat.ports.set(path, { phone, present: undefined, lastAttempt: undefined, running: undefined });
      }
      out.push(...pat.ports.values());
    }
    return out;
  }

  #tick(now: number): void {
    if (this.#stopped) return;
    for (const s of [...this.#states, ...this.#expand()]) {
      if (s.running !== undefined) continue;
      const p = s.phone;
      const since = s.lastAttempt === undefined ? Infinity : now - s.lastAttempt;
      const due = p.everyMs !== undefined && since >= p.everyMs;
      let appeared = false;
      if (p.onAppear) {
        if (p.plan.target.kind === 'serial') {
          const present = existsSync(p.plan.target.path);
          appeared = present && s.present !== true;
          if (!present && s.present === true) {
            this.#log.info({ phone: p.name }, `${p.name}: ${p.plan.target.path} went away`);
            this.#tell({ type: 'gone', phone: p.name, link: linkOf(p) });
          }
          s.present = present;
          if (!present) continue;
        } else {
          appeared = s.present !== true && since >= p.pollMs;
        }
      }
      if (due || appeared) this.#run(s, appeared ? 'appeared' : 'scheduled', now);
    }
  }

  #run(s: PhoneState, why: 'appeared' | 'scheduled', now: number): void {
    const p = s.phone;
    s.lastAttempt = now;
    const log = this.#log.child({ phone: p.name });
    const link = linkOf(p);
    log.info(`${p.name}: host-initiated sync (${why})`);
    // A phone out of reach is tried every poll: its attempts are not news until it answers.
    const quiet = p.plan.target.kind !== 'serial' && s.present === false;
    if (!quiet) this.#tell({ type: 'attempt', phone: p.name, link, why });
    s.running = (async () => {
      try {
        const bt = p.plan.target.kind === 'bluetooth' && this.#bluetooth !== undefined ? await this.#bluetooth() : undefined;
        const r = await hostSyncOnce(this.#local, p.plan, log, bt, this.#abort.signal, (stage) => this.#tell({ type: 'stage', phone: p.name, link, stage }));
        if (p.plan.target.kind !== 'serial') s.present = true;
        const lines = summaryLines(r);
        const summary = lines.join('; ');
        if (r.ok) log.info({ device: r.device, backups: r.backups }, `${p.name}: sync ok${summary === '' ? '' : `: ${summary}`}`);
        else log.warn({ device: r.device, code: r.error?.code, obexResponse: r.error?.obexResponse }, `${p.name}: sync failed: ${r.error?.message ?? 'unknown'}`);
        this.#tell({
          type: 'result', phone: p.name, link, ok: r.ok, absent: false, message: r.ok ? 'sync ok' : r.error?.message ?? 'sync failed',
          code: r.error?.code ?? null, obexResponse: r.error?.obexResponse ?? null, device: r.device ?? null, summary: lines,
        });
      } catch (err) {
        const code = err instanceof BridgeError ? err.code : undefined;
        const absent = code !== undefined && ABSENT.has(code);
        const message = (err as Error).message;
        if (p.plan.target.kind !== 'serial' && absent) {
          if (s.present !== false) {
            log.info({ code }, `${p.name}: not in reach (${message}); trying every ${Math.round(p.pollMs / 1000)} s`);
            this.#tell({ type: 'result', phone: p.name, link, ok: false, absent: true, message, code: code ?? null, obexResponse: null, device: null, summary: [] });
          }
          s.present = false;
        } else {
          log.warn({ code }, `${p.name}: sync failed: ${message}`);
          const obex = (err as { obexResponse?: unknown }).obexResponse;
          // (on a serial port, silence is a phone that is plugged in but does not answer: a failure)
          this.#tell({ type: 'result', phone: p.name, link, ok: false, absent: false, message, code: code ?? null, obexResponse: typeof obex === 'number' ? obex : null, device: null, summary: [] });
        }
      } finally {
        s.running = undefined;
      }
    })();
  }
}
