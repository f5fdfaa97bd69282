/**
 * One active session per device and datastore (issue 4, section 1: "a second one is refused with
 * a clear status"). A lock expires `ttlMs` after its last acquire or touch, so a session that died
 * without releasing (cut link, crashed client) never blocks the device for good.
 *
 * Pure and in memory: the daemon creates one for all sessions (EngineShared.locks); time is an
 * argument (ms).
 */
import type { StoreKind } from './ports.js';
import type { DatastoreLocks } from './types.js';

interface Held {
  readonly session: string;
  expires: number;
}

function keyOf(device: string, kind: StoreKind): string {
  return `${kind}\u0000${device}`;
}

/** DatastoreLocks in a Map. */
export class MemoryDatastoreLocks implements DatastoreLocks {
  readonly #held = new Map<string, Held>();

  /**
   * True when acquired, or already held by `session` (the lock is then extended); false when
   * another session holds it and its lock has not expired.
   */
  acquire(device: string, kind: StoreKind, session: string, now: number, ttlMs: number): boolean {
    const key = keyOf(device, kind);
    const h = this.#held.get(key);
    if (h !== undefined && h.session !== session && h.expires > now) return false;
    this.#held.set(key, { session, expires: now + ttlMs });
    return true;
  }

  /**
   * Extend every lock of this session (a message of it arrived). A lock of this session that
   * expired but that no other session took meanwhile is extended too.
   */
  touch(session: string, now: number, ttlMs: number): void {
    for (const h of this.#held.values()) if (h.session === session) h.expires = now + ttlMs;
  }

  /** Release every lock of this session (it ended, cleanly or not). */
  releaseAll(session: string): void {
    for (const [k, h] of this.#held) if (h.session === session) this.#held.delete(k);
  }

  /** The session holding this device's datastore, if its lock is live (for refusal messages). */
  holder(device: string, kind: StoreKind, now: number): { session: string; expires: number } | undefined {
    const h = this.#held.get(keyOf(device, kind));
    return h !== undefined && h.expires > now ? { session: h.session, expires: h.expires } : undefined;
  }

  /** Drop expired locks (memory hygiene; acquire already ignores them). Returns how many went. */
  sweep(now: number): number {
    let n = 0;
    for (const [k, h] of this.#held) {
      if (h.expires <= now) {
        this.#held.delete(k);
        n++;
      }
    }
    return n;
  }
}
