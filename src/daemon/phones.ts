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
 */
import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import { BridgeError, ConfigError } from '../errors.js';
import type { BluetoothLinks } from '../transport/bluetooth.js';
import { summaryLines } from './host-sync.js';
import type { LocalEngine } from './local-engine.js';
import type { ScheduledPhone } from './phones-config.js';
import { hostSyncOnce, resolveProfileName, syncKinds } from './sync-cmd.js';

/** Errors that mean "the phone is not there" (not: it is there and something went wrong). */
const ABSENT = new Set(['SB_ERR_TTY_OPEN', 'SB_ERR_TCP_CONNECT', 'SB_ERR_BT_UNREACHABLE', 'SB_ERR_BT_UNKNOWN_DEVICE', 'SB_ERR_BT_PROFILE_UNAVAILABLE', 'SB_ERR_AT_SILENT']);

interface PhoneState {
  readonly phone: ScheduledPhone;
  present: boolean | undefined;
  lastAttempt: number | undefined;
  running: Promise<void> | undefined;
}

/** Runs the scheduled syncs of the `phones` setting on the daemon's engine. */
export class PhoneScheduler {
  readonly #local: LocalEngine;
  readonly #log: Logger;
  readonly #states: PhoneState[];
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
    this.#states = phones.map((phone) => ({ phone, present: undefined, lastAttempt: undefined, running: undefined }));
  }

  start(): void {
    if (this.#states.length === 0) return;
    const tick = Math.max(100, Math.min(1000, ...this.#states.map((s) => s.phone.pollMs)));
    this.#timer = setInterval(() => this.#tick(Date.now()), tick);
    this.#tick(Date.now());
  }

  /** Stop scheduling, cut the links of syncs in progress (they end unfinished) and wait for them. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#abort.abort();
    await Promise.all(this.#states.map((s) => s.running));
  }

  #tick(now: number): void {
    if (this.#stopped) return;
    for (const s of this.#states) {
      if (s.running !== undefined) continue;
      const p = s.phone;
      const since = s.lastAttempt === undefined ? Infinity : now - s.lastAttempt;
      const due = p.everyMs !== undefined && since >= p.everyMs;
      let appeared = false;
      if (p.onAppear) {
        if (p.plan.target.kind === 'serial') {
          const present = existsSync(p.plan.target.path);
          appeared = present && s.present !== true;
          if (!present && s.present === true) this.#log.info({ phone: p.name }, `${p.name}: ${p.plan.target.path} went away`);
          s.present = present;
          if (!present) continue;
        } else {
          appeared = s.present !== true && since >= p.pollMs;
        }
      }
      if (due || appeared) this.#run(s, appeared ? 'appeared' : 'scheduled', now);
    }
  }

  #run(s: PhoneState, why: string, now: number): void {
    const p = s.phone;
    s.lastAttempt = now;
    const log = this.#log.child({ phone: p.name });
    log.info(`${p.name}: host-initiated sync (${why})`);
    s.running = (async () => {
      try {
        const bt = p.plan.target.kind === 'bluetooth' && this.#bluetooth !== undefined ? await this.#bluetooth() : undefined;
        const r = await hostSyncOnce(this.#local, p.plan, log, bt, this.#abort.signal);
        if (p.plan.target.kind !== 'serial') s.present = true;
        const summary = summaryLines(r).join('; ');
        if (r.ok) log.info({ device: r.device, backups: r.backups }, `${p.name}: sync ok${summary === '' ? '' : `: ${summary}`}`);
        else log.warn({ device: r.device, code: r.error?.code, obexResponse: r.error?.obexResponse }, `${p.name}: sync failed: ${r.error?.message ?? 'unknown'}`);
      } catch (err) {
        const code = err instanceof BridgeError ? err.code : undefined;
        const absent = code !== undefined && ABSENT.has(code);
        if (p.plan.target.kind !== 'serial' && absent) {
          if (s.present !== false) log.info({ code }, `${p.name}: not in reach (${(err as Error).message}); trying every ${Math.round(p.pollMs / 1000)} s`);
          s.present = false;
        } else {
          log.warn({ code }, `${p.name}: sync failed: ${(err as Error).message}`);
        }
      } finally {
        s.running = undefined;
      }
    })();
  }
}
