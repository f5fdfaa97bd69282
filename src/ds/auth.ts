/**
 * SyncML authentication (protocol-notes 3.9): checking a SyncHdr Cred against a user's secrets,
 * building the Chal, fresh nonces, and the lockout of users or devices that keep failing.
 *
 * - `syncml:auth-basic`: Data = B64("user:password"). Format b64 describes that one encoding; it
 *   is never decoded twice (SYN syncsession.cpp, citing SyncML 1.1).
 * - `syncml:auth-md5`, SyncML 1.1/1.2: Data = B64(MD5(B64(MD5("user:password")) + ":" + nonce)).
 * - `syncml:auth-md5`, SyncML 1.0: Data = B64(MD5("user:password:nonce")) (SYN syncsession.cpp).
 *   Some 1.0 clients already use the 1.1 formula, so a 1.0 Cred is accepted with either.
 * - nonce = the raw bytes of the base64-decoded NextNonce we last sent this device; empty when we
 *   never sent one (SYN syncagent.cpp).
 * - The 16-byte digest may come as 24 base64 characters or, in WBXML OPAQUE, as the 16 raw bytes
 *   (SYN comment on a syncml@yahoogroups dispute): both are accepted.
 *
 * Pure: node:crypto only for MD5 and constant-time compares; randomness and time are arguments.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Chal, Cred, SyncmlVersion } from '../syncml/index.js';
import type { UserSecrets } from './ports.js';
import type { AuthLockout } from './types.js';

export const AUTH_BASIC = 'syncml:auth-basic';
export const AUTH_MD5 = 'syncml:auth-md5';

/** What checkCred needs from the message and the session. */
export interface AuthRequest {
  /** SyncHdr Cred (src/syncml model). */
  cred: Cred | undefined;
  version: SyncmlVersion;
  /** SyncHdr Source LocName: the user name in clear with md5 (SyncML 1.0.1 rule). */
  locName: string | undefined;
  /** Base64 NextNonce we last sent this device (decoded to raw bytes for the digest). */
  nonce: string | undefined;
}

/** The outcome of checkCred. `method` tells which Cred type was presented, when known. */
export type AuthCheck =
  | { ok: true; user: string; method: 'basic' | 'md5' }
  | { ok: false; reason: 'missing' | 'wrong-type' | 'bad-credentials' | 'unknown-user' | 'malformed'; method?: 'basic' | 'md5' };

const UTF8 = new TextEncoder();
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function md5(...parts: Uint8Array[]): Buffer {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** B64(MD5("user:password")): what the SyncML 1.1/1.2 digest is built on. */
export function md5Secret(user: string, password: string): string {
  return md5(UTF8.encode(`${user}:${password}`)).toString('base64');
}

/** SyncML 1.1/1.2 digest: B64(MD5(B64(MD5("user:password")) + ":" + nonce)). */
export function md5Digest11(md5SecretB64: string, nonce: Uint8Array): string {
  return md5(UTF8.encode(`${md5SecretB64}:`), nonce).toString('base64');
}

/** SyncML 1.0 digest: B64(MD5("user:password:nonce")). */
export function md5Digest10(user: string, password: string, nonce: Uint8Array): string {
  return md5(UTF8.encode(`${user}:${password}:`), nonce).toString('base64');
}

/** A fresh NextNonce: base64 of 16 random bytes from `random`. */
export function newNonce(random: (n: number) => Uint8Array): string {
  const bytes = random(16);
  if (bytes.length < 16) throw new RangeError(`random(16) returned ${bytes.length} bytes`);
  return Buffer.from(bytes.subarray(0, 16)).toString('base64');
}

/**
 * The Chal to send with 401/407: Meta Type = the auth type required, Format b64, and the
 * NextNonce for md5 (protocol-notes 3.9 flow). A basic Chal carries no nonce.
 */
export function makeChallenge(type: typeof AUTH_BASIC | typeof AUTH_MD5, nextNonce: string | undefined): Chal {
  const meta: Chal['Meta'] = { Format: 'b64', Type: type };
  if (type === AUTH_MD5 && nextNonce !== undefined) meta.NextNonce = nextNonce;
  return { Meta: meta };
}

/** Strict base64 decode (whitespace ignored); undefined when the text is not base64. */
function fromBase64(text: string): Buffer | undefined {
  const t = text.replace(/\s+/g, '');
  if (t.length % 4 !== 0 || !BASE64.test(t)) return undefined;
  return Buffer.from(t, 'base64');
}

/** Bytes as text: UTF-8 when valid, else ISO-8859-1 (old phones). */
function bytesToText(b: Uint8Array): string {
  try {
    return STRICT_UTF8.decode(b);
  } catch {
    return Buffer.from(b).toString('latin1');
  }
}

/** Which Cred type: Meta Type, case-insensitive; SyncML's default when absent is basic. */
function credMethod(cred: Cred): 'basic' | 'md5' | undefined {
  const t = (cred.Meta?.Type ?? AUTH_BASIC).trim().toLowerCase();
  if (t === AUTH_BASIC) return 'basic';
  if (t === AUTH_MD5) return 'md5';
  return undefined;
}

/** The 16-byte digest from Cred Data: 24 base64 chars, or 16 raw bytes (WBXML OPAQUE). */
function digestBytes(data: string | Uint8Array): Buffer | undefined {
  const text = typeof data === 'string' ? data.trim() : undefined;
  if (text !== undefined) {
    const b = fromBase64(text);
    if (b !== undefined && b.length === 16) return b;
    // Raw bytes that happened to be valid UTF-8 reach us as a string.
    const raw = Buffer.from(UTF8.encode(data as string));
    return raw.length === 16 ? raw : undefined;
  }
  const bytes = data as Uint8Array;
  if (bytes.length === 16) return Buffer.from(bytes);
  // Base64 text carried as OPAQUE.
  const b = fromBase64(Buffer.from(bytes).toString('latin1'));
  return b !== undefined && b.length === 16 ? b : undefined;
}

function sameDigest(a: Buffer, b64: string): boolean {
  const b = Buffer.from(b64, 'base64');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The digests this user may legitimately have sent (1.0: both formulas; 1.1/1.2: the 1.1 one). */
function expectedDigests(s: UserSecrets, version: SyncmlVersion, nonce: Uint8Array): string[] {
  const out = [md5Digest11(s.md5Secret, nonce)];
  if (version === '1.0' && s.password !== undefined) out.unshift(md5Digest10(s.name, s.password, nonce));
  return out;
}

function checkBasic(cred: Cred, lookup: (name: string) => UserSecrets | undefined): AuthCheck {
  const method = 'basic' as const;
  const data = cred.Data;
  const text = typeof data === 'string' ? data.trim() : bytesToText(data).trim();
  // Format `chr` would mean clear text; b64 (the rule) or absent means one base64 layer.
  const format = cred.Meta?.Format?.trim().toLowerCase();
  let clear: string | undefined;
  if (format === 'chr') clear = text;
  else {
    const b = fromBase64(text);
    clear = b === undefined ? undefined : bytesToText(b);
  }
  if (clear === undefined || text === '') return { ok: false, reason: 'malformed', method };
  const colon = clear.indexOf(':');
  if (colon <= 0) return { ok: false, reason: 'malformed', method };
  const name = clear.slice(0, colon);
  const secrets = lookup(name);
  if (secrets === undefined) return { ok: false, reason: 'unknown-user', method };
  if (!secrets.checkPassword(clear.slice(colon + 1))) return { ok: false, reason: 'bad-credentials', method };
  return { ok: true, user: secrets.name, method };
}

function checkMd5(req: AuthRequest, cred: Cred, lookup: (name: string) => UserSecrets | undefined, users: (() => Iterable<string>) | undefined): AuthCheck {
  const method = 'md5' as const;
  const digest = digestBytes(cred.Data);
  if (digest === undefined) return { ok: false, reason: 'malformed', method };
  const nonce = req.nonce === undefined ? new Uint8Array(0) : fromBase64(req.nonce) ?? Buffer.from(req.nonce, 'base64');
  const matches = (s: UserSecrets): boolean => {
    let hit = false;
    // Check every formula (no early exit) so timing does not tell which one matched.
    for (const d of expectedDigests(s, req.version, nonce)) if (sameDigest(digest, d)) hit = true;
    return hit;
  };
  const name = req.locName?.trim();
  if (name !== undefined && name !== '') {
    const s = lookup(name);
    if (s === undefined) return { ok: false, reason: 'unknown-user', method };
    return matches(s) ? { ok: true, user: s.name, method } : { ok: false, reason: 'bad-credentials', method };
  }
  // No LocName: the digest hides the user, so try everyone (small local user lists).
  let tried = 0;
  for (const n of users?.() ?? []) {
    const s = lookup(n);
    if (s === undefined) continue;
    tried++;
    if (matches(s)) return { ok: true, user: s.name, method };
  }
  return { ok: false, reason: tried === 0 ? 'unknown-user' : 'bad-credentials', method };
}

/**
 * Check a SyncHdr Cred against the listener's policy ('none' is the engine's business).
 * - no Cred: `missing`;
 * - a type the policy does not allow (md5 under 'basic', basic under 'md5', or an unknown type
 *   such as auth-MAC): `wrong-type` (the engine challenges once with the required type);
 * - Data that cannot be a credential of that type: `malformed`;
 * - user unknown: `unknown-user` (the engine answers it like `bad-credentials`, 401).
 * `users` lists every user name, for md5 without LocName.
 */
export function checkCred(
  req: AuthRequest,
  policy: 'any' | 'basic' | 'md5',
  lookup: (name: string) => UserSecrets | undefined,
  users?: () => Iterable<string>,
): AuthCheck {
  const cred = req.cred;
  if (cred === undefined) return { ok: false, reason: 'missing' };
  const method = credMethod(cred);
  if (method === undefined) return { ok: false, reason: 'wrong-type' };
  if (policy !== 'any' && policy !== method) return { ok: false, reason: 'wrong-type', method };
  return method === 'basic' ? checkBasic(cred, lookup) : checkMd5(req, cred, lookup, users);
}

/** Options of Lockout. */
export interface LockoutOptions {
  /** Failures within `windowMs` that lock the key (default 5). */
  maxFailures?: number;
  /** The counting window (default 10 minutes). */
  windowMs?: number;
  /** How long a key stays locked (default 15 minutes). */
  lockMs?: number;
  /** Keys tracked at most; expired entries are dropped first, then the oldest (default 10,000). */
  maxKeys?: number;
}

interface LockState {
  /** Times of the failures inside the window, oldest first. */
  failures: number[];
  lockedUntil: number;
}

/**
 * In-memory lockout of a user or device that keeps failing (AuthLockout of types.ts): by default
 * 5 failures within 10 minutes lock the key for 15 minutes. Time is an argument (ms).
 */
export class Lockout implements AuthLockout {
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #lockMs: number;
  readonly #maxKeys: number;
  readonly #state = new Map<string, LockState>();

  constructor(opts: LockoutOptions = {}) {
    this.#maxFailures = Math.max(1, opts.maxFailures ?? 5);
    this.#windowMs = opts.windowMs ?? 10 * 60_000;
    this.#lockMs = opts.lockMs ?? 15 * 60_000;
    this.#maxKeys = Math.max(1, opts.maxKeys ?? 10_000);
  }

  /** True while the key is locked. */
  isLocked(key: string, now: number): boolean {
    return this.lockedUntil(key, now) !== undefined;
  }

  /** When the lock of this key ends, or undefined when it is not locked. */
  lockedUntil(key: string, now: number): number | undefined {
    const s = this.#state.get(key);
    return s !== undefined && s.lockedUntil > now ? s.lockedUntil : undefined;
  }

  /**
   * Count a failure. Returns the time the lock ends when this failure locked the key; undefined
   * otherwise (also while the key is already locked: failures then do not extend the lock).
   */
  fail(key: string, now: number): number | undefined {
    let s = this.#state.get(key);
    if (s !== undefined && s.lockedUntil > now) return undefined;
    if (s === undefined) {
      this.#makeRoom(now);
      s = { failures: [], lockedUntil: 0 };
      this.#state.set(key, s);
    }
    s.failures = s.failures.filter((t) => t > now - this.#windowMs);
    s.failures.push(now);
    if (s.failures.length < this.#maxFailures) return undefined;
    s.failures = [];
    s.lockedUntil = now + this.#lockMs;
    return s.lockedUntil;
  }

  /** A success forgets the key's failures. */
  succeed(key: string): void {
    this.#state.delete(key);
  }

  /** Number of keys tracked (for tests and metrics). */
  get size(): number {
    return this.#state.size;
  }

  #makeRoom(now: number): void {
    if (this.#state.size < this.#maxKeys) return;
    for (const [k, s] of this.#state) {
      if (s.lockedUntil <= now && s.failures.every((t) => t <= now - this.#windowMs)) this.#state.delete(k);
    }
    // Still full: drop the oldest entries (Map keeps insertion order).
    for (const k of this.#state.keys()) {
      if (this.#state.size < this.#maxKeys) break;
      this.#state.delete(k);
    }
  }
}
