/**
 * Pick the device profile for a phone from what it tells about itself: USB ids, `AT+CGMI` /
 * `AT+CGMM` answers, DevInf Man/Mod/SwV/FwV/HwV. Pure.
 *
 * Rules (drivers/README.md says the same for operators):
 * - A profile matches *by a key* (usb, at, devinf) when it has a criterion for that key, the
 *   input has that key, and its own criterion and every ancestor's criterion for that key hold.
 *   So a model profile only needs what sets it apart (`at.model`); the family's `at.manufacturer`
 *   applies too. Regexes are tested case-insensitively against trimmed values; AT answers lose
 *   a `+CGMI:`-style prefix and surrounding quotes first.
 * - The keys are consulted in the order usb, at, devinf. Within a key the deepest profile wins
 *   (model over family). A later key may only refine the winner (pick a descendant of it); a
 *   profile of another lineage found by a later key is overruled and reported. So when they
 *   disagree, the USB id beats the AT answer, which beats the DevInf.
 * - No match: the profile marked `fallback` (the generic GSM 07.07 phone), else the root.
 */
import type { DeviceProfile, DevInfIdentity, MatchInput } from './profile.js';
import type { ProfileSet } from './set.js';

export type MatchKey = 'usb' | 'at' | 'devinf';

/** The consultation order, strongest first. */
export const MATCH_KEYS: readonly MatchKey[] = ['usb', 'at', 'devinf'];

/** One profile matched by one key. */
export interface MatchHit {
  readonly profile: string;
  readonly key: MatchKey;
  /** The profile's own criterion and the value it matched, e.g. `at.model /^K750/ ~ "K750i"`. */
  readonly detail: string;
}

export interface MatchResult {
  /** The merged profile to use. */
  readonly profile: DeviceProfile;
  /** The hit that chose it; undefined when nothing matched and the fallback was used. */
  readonly matchedBy: MatchHit | undefined;
  /** Every hit, in key order. */
  readonly hits: readonly MatchHit[];
  /** Hits of another lineage that a stronger key overruled. */
  readonly overruled: readonly MatchHit[];
  /** One line for logs. */
  readonly explanation: string;
}

/** Normalised input: lower-case 4-digit hex USB ids, trimmed strings, empty values dropped. */
export interface NormalizedInput {
  readonly usb?: { readonly vendor: string; readonly product?: string };
  readonly at: Readonly<Record<string, string>>;
  readonly devinf: Readonly<Record<string, string>>;
}

/** `0x0FCE`, `0fce`, 4046 -> `0fce`; undefined when it is not a 16-bit id. */
export function normalizeUsbId(value: string | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : /^(0x)?[0-9a-f]{1,4}$/i.test(value.trim()) ? parseInt(value.trim().replace(/^0x/i, ''), 16) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) return undefined;
  return n.toString(16).padStart(4, '0');
}

/** `+CGMI: "SIEMENS"` -> `SIEMENS`; plain answers are only trimmed. */
export function normalizeAtAnswer(value: string): string {
  let v = value.trim().replace(/^\+C?GM[IMR]:\s*/i, '').trim();
  if (/^"[^"]*"$/.test(v)) v = v.slice(1, -1).trim();
  return v;
}

function dropEmpty(record: Record<string, string | undefined> | undefined, map: (v: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record ?? {})) {
    if (v === undefined) continue;
    const n = map(v);
    if (n !== '') out[k] = n;
  }
  return out;
}

/** The DevInf fields profiles match on (`match.devinf`). */
export const DEVINF_MATCH_FIELDS = ['Man', 'Mod', 'SwV', 'FwV', 'HwV'] as const satisfies readonly (keyof DevInfIdentity)[];

/** The match fields of a DevInf (a decoded one, or the JSON the store keeps); other fields and non-strings are left out. */
export function devinfIdentity(devinf: unknown): DevInfIdentity {
  const out: DevInfIdentity = {};
  if (devinf === null || typeof devinf !== 'object') return out;
  for (const f of DEVINF_MATCH_FIELDS) {
    const v = (devinf as Record<string, unknown>)[f];
    if (typeof v === 'string') out[f] = v;
  }
  return out;
}

/** Normalise what a link or a DevInf told about a phone. */
export function normalizeInput(input: MatchInput): NormalizedInput {
  const vendor = normalizeUsbId(input.usb?.vendor);
  const product = normalizeUsbId(input.usb?.product);
  const at = dropEmpty(input.at, normalizeAtAnswer);
  const devinf = dropEmpty(input.devinf as Record<string, string | undefined> | undefined, (v) => v.trim());
  if (vendor === undefined) return { at, devinf };
  return { usb: product === undefined ? { vendor } : { vendor, product }, at, devinf };
}

/**
 * Choose and merge the profile for a phone.
 * @param set the validated profiles (buildProfileSet / loadProfiles)
 * @param input whatever is known; an empty input yields the fallback profile
 */
export function matchProfile(set: ProfileSet, input: MatchInput): MatchResult {
  const norm = normalizeInput(input);
  const hits: MatchHit[] = [];
  for (const key of MATCH_KEYS) {
    for (const name of set.names) {
      const detail = set.criterionHolds(name, key, norm);
      if (detail !== undefined) hits.push({ profile: name, key, detail });
    }
  }
  let winner: MatchHit | undefined;
  for (const key of MATCH_KEYS) {
    const current = winner;
    const candidates = hits.filter((h) => h.key === key && (current === undefined || set.isDescendantOrSelf(h.profile, current.profile)));
    candidates.sort((a, b) => set.depth(b.profile) - set.depth(a.profile) || a.profile.localeCompare(b.profile));
    const best = candidates[0];
    if (best !== undefined && (current === undefined || set.depth(best.profile) > set.depth(current.profile))) winner = best;
  }
  const name = winner?.profile ?? set.fallback;
  const chain = set.chainOf(name);
  const overruled = hits.filter((h) => !chain.includes(h.profile));
  return {
    profile: set.resolve(name),
    matchedBy: winner,
    hits,
    overruled,
    explanation: explain(name, winner, hits, overruled),
  };
}

function explain(name: string, winner: MatchHit | undefined, hits: readonly MatchHit[], overruled: readonly MatchHit[]): string {
  const parts = [winner === undefined ? `${name} (no profile matched: fallback)` : `${name} (by ${winner.key}: ${winner.detail})`];
  const agreeing = hits.filter((h) => h !== winner && !overruled.includes(h));
  if (agreeing.length > 0) parts.push(`also ${agreeing.map((h) => `${h.profile} by ${h.key}`).join(', ')}`);
  if (overruled.length > 0) parts.push(`overruled ${overruled.map((h) => `${h.profile} by ${h.key}: ${h.detail}`).join(', ')}`);
  return parts.join('; ');
}
