/**
 * A validated set of device profiles: every document checked against the schema, the `extends`
 * tree checked (one root, known parents, no cycles, at most one fallback), every chain merged,
 * and no two profiles shadowing each other. Pure: documents come in parsed (load.ts reads them).
 */
import { PROFILE_ERR, ProfileError, type ProfileIssue } from './errors.js';
import { matchProfile, normalizeUsbId, type MatchKey, type NormalizedInput } from './match.js';
import { mergeProfiles, validateProfile, type DeviceProfile, type ProfileDocument } from './profile.js';

/** One parsed document and where it came from (`nokia/00-family.json`, relative to drivers/). */
export interface ProfileSource {
  readonly file?: string;
  readonly json: unknown;
}

interface FieldTest {
  readonly field: string;
  readonly source: string;
  readonly re: RegExp;
}

interface Criteria {
  readonly usb?: readonly { vendor: string; product?: string }[];
  readonly at?: readonly FieldTest[];
  readonly devinf?: readonly FieldTest[];
}

function fieldTests(record: Readonly<Record<string, string | undefined>> | undefined): FieldTest[] | undefined {
  if (record === undefined) return undefined;
  const tests: FieldTest[] = [];
  for (const [field, source] of Object.entries(record)) if (source !== undefined) tests.push({ field, source, re: new RegExp(source, 'i') });
  return tests;
}

function compileCriteria(doc: ProfileDocument): Criteria {
  const m = doc.match ?? {};
  const usb = m.usb?.map((u) => {
    const vendor = normalizeUsbId(u.vendor) ?? u.vendor;
    const product = normalizeUsbId(u.product);
    return product === undefined ? { vendor } : { vendor, product };
  });
  const at = fieldTests(m.at);
  const devinf = fieldTests(m.devinf as Record<string, string | undefined> | undefined);
  return { ...(usb === undefined ? {} : { usb }), ...(at === undefined ? {} : { at }), ...(devinf === undefined ? {} : { devinf }) };
}

/** The validated profiles of one drivers folder. Build it with `buildProfileSet`. */
export class ProfileSet {
  /** Every profile name, sorted. */
  readonly names: readonly string[];
  /** The profile without `extends` (`00-default`). */
  readonly root: string;
  /** The profile used when nothing matches (the one marked `fallback`, else the root). */
  readonly fallback: string;
  readonly #docs: ReadonlyMap<string, ProfileDocument>;
  readonly #files: ReadonlyMap<string, string>;
  readonly #chains: ReadonlyMap<string, readonly string[]>;
  readonly #merged: ReadonlyMap<string, DeviceProfile>;
  readonly #criteria: ReadonlyMap<string, Criteria>;

  /** @internal use buildProfileSet */
  constructor(docs: ReadonlyMap<string, ProfileDocument>, files: ReadonlyMap<string, string>, chains: ReadonlyMap<string, readonly string[]>, merged: ReadonlyMap<string, DeviceProfile>, root: string, fallback: string) {
    this.names = [...docs.keys()].sort();
    this.root = root;
    this.fallback = fallback;
    this.#docs = docs;
    this.#files = files;
    this.#chains = chains;
    this.#merged = merged;
    this.#criteria = new Map([...docs].map(([name, doc]) => [name, compileCriteria(doc)]));
  }

  has(name: string): boolean {
    return this.#docs.has(name);
  }

  /** The document as written. @throws ProfileError SB_ERR_PROFILE_UNKNOWN */
  document(name: string): ProfileDocument {
    const doc = this.#docs.get(name);
    if (doc === undefined) throw unknownProfile(name, this.names);
    return doc;
  }

  /** The file a profile came from (its name plus `.json` when built without file names). */
  fileOf(name: string): string {
    return this.#files.get(name) ?? `${name}.json`;
  }

  /** Names from the root to `name`. @throws ProfileError SB_ERR_PROFILE_UNKNOWN */
  chainOf(name: string): readonly string[] {
    const chain = this.#chains.get(name);
    if (chain === undefined) throw unknownProfile(name, this.names);
    return chain;
  }

  /** 1 for the root, 2 for a family, 3 for a model. */
  depth(name: string): number {
    return this.chainOf(name).length;
  }

  /** True when `name` is `ancestor` or extends it, directly or not. */
  isDescendantOrSelf(name: string, ancestor: string): boolean {
    return this.chainOf(name).includes(ancestor);
  }

  /** The merged profile of a name (for `--serial PATH=PROFILE`). @throws ProfileError SB_ERR_PROFILE_UNKNOWN */
  resolve(name: string): DeviceProfile {
    const merged = this.#merged.get(name);
    if (merged === undefined) throw unknownProfile(name, this.names);
    return merged;
  }

  /**
   * Whether a profile matches normalised input by one key (see match.ts for the rule).
   * @returns a description of the profile's own criterion and the matched value, or undefined
   */
  criterionHolds(name: string, key: MatchKey, input: NormalizedInput): string | undefined {
    const own = this.#criteria.get(name)?.[key];
    if (own === undefined) return undefined;
    let detail: string | undefined;
    for (const member of this.chainOf(name)) {
      const criteria = this.#criteria.get(member);
      const d = key === 'usb' ? usbHolds(criteria?.usb, input) : fieldsHold(criteria?.[key], key, key === 'at' ? input.at : input.devinf);
      if (d === false) return undefined;
      if (member === name && typeof d === 'string') detail = d;
    }
    return detail;
  }
}

function usbHolds(entries: Criteria['usb'], input: NormalizedInput): string | boolean {
  if (entries === undefined) return true;
  const usb = input.usb;
  if (usb === undefined) return false;
  const hit = entries.find((e) => e.vendor === usb.vendor && (e.product === undefined || e.product === usb.product));
  return hit === undefined ? false : `usb ${hit.vendor}:${hit.product ?? '*'} ~ ${usb.vendor}:${usb.product ?? '?'}`;
}

function fieldsHold(tests: readonly FieldTest[] | undefined, key: string, values: Readonly<Record<string, string>>): string | boolean {
  if (tests === undefined) return true;
  const parts: string[] = [];
  for (const t of tests) {
    const value = values[t.field];
    if (value === undefined || !t.re.test(value)) return false;
    parts.push(`${key}.${t.field} /${t.source}/ ~ ${JSON.stringify(value)}`);
  }
  return parts.join(', ');
}

function unknownProfile(name: string, names: readonly string[]): ProfileError {
  return new ProfileError(PROFILE_ERR.UNKNOWN, [{ file: name, path: '', message: `no such device profile (known: ${names.join(', ')})` }]);
}

function at(file: string | undefined, name: string, path: string, message: string): ProfileIssue {
  return { file: file ?? `${name}.json`, path, message };
}

/**
 * Validate and link a drivers folder's documents.
 * @throws ProfileError SB_ERR_PROFILE_INVALID (schema), SB_ERR_PROFILE_CHAIN (names, extends,
 *   merge), SB_ERR_PROFILE_SHADOW (profiles matching the same phones, examples won by another)
 */
export function buildProfileSet(sources: readonly ProfileSource[]): ProfileSet {
  const invalid: ProfileIssue[] = [];
  const docs = new Map<string, ProfileDocument>();
  const files = new Map<string, string>();
  const chainIssues: ProfileIssue[] = [];
  for (const source of sources) {
    let doc: ProfileDocument;
    try {
      doc = validateProfile(source.json, source.file);
    } catch (error) {
      if (error instanceof ProfileError) {
        invalid.push(...error.issues);
        continue;
      }
      throw error;
    }
    const file = source.file?.replace(/\\/g, '/');
    if (file !== undefined && file !== `${doc.name}.json`) chainIssues.push(at(file, doc.name, '/name', `must be ${JSON.stringify(file.replace(/\.json$/, ''))} (the file path below drivers/)`));
    if (docs.has(doc.name)) chainIssues.push(at(file, doc.name, '/name', `duplicate profile name (also in ${files.get(doc.name) ?? doc.name})`));
    docs.set(doc.name, doc);
    if (file !== undefined) files.set(doc.name, file);
  }
  if (invalid.length > 0) throw new ProfileError(PROFILE_ERR.INVALID, invalid);

  const roots = [...docs.values()].filter((d) => d.extends === undefined).map((d) => d.name);
  if (roots.length !== 1) chainIssues.push({ path: '', message: `exactly one profile without "extends" (00-default) is needed, found ${roots.length === 0 ? 'none' : roots.join(', ')}` });
  const fallbacks = [...docs.values()].filter((d) => d.fallback === true).map((d) => d.name);
  if (fallbacks.length > 1) chainIssues.push({ path: '', message: `at most one profile may be the fallback, found ${fallbacks.join(', ')}` });

  const chains = new Map<string, string[]>();
  for (const doc of docs.values()) {
    const chain: string[] = [doc.name];
    let current = doc;
    while (current.extends !== undefined) {
      const parent = docs.get(current.extends);
      if (parent === undefined) {
        chainIssues.push(at(files.get(current.name), current.name, '/extends', `unknown parent profile ${JSON.stringify(current.extends)}`));
        break;
      }
      if (chain.includes(parent.name)) {
        chainIssues.push(at(files.get(doc.name), doc.name, '/extends', `cycle: ${[...chain].reverse().join(' -> ')} -> ${parent.name}`));
        break;
      }
      chain.unshift(parent.name);
      current = parent;
    }
    chains.set(doc.name, chain);
  }
  if (chainIssues.length > 0) throw new ProfileError(PROFILE_ERR.CHAIN, dedupe(chainIssues));

  const merged = new Map<string, DeviceProfile>();
  const mergeIssues: ProfileIssue[] = [];
  for (const [name, chain] of chains) {
    try {
      merged.set(name, mergeProfiles(chain.map((n) => docs.get(n) as ProfileDocument)));
    } catch (error) {
      if (!(error instanceof ProfileError)) throw error;
      mergeIssues.push(...error.issues.map((i) => ({ ...i, file: files.get(name) ?? `${name}.json` })));
    }
  }
  if (mergeIssues.length > 0) throw new ProfileError(PROFILE_ERR.CHAIN, mergeIssues);

  const root = roots[0] as string;
  const set = new ProfileSet(docs, files, chains, merged, root, fallbacks[0] ?? root);
  const shadows = findShadows(set);
  if (shadows.length > 0) throw new ProfileError(PROFILE_ERR.SHADOW, shadows);
  return set;
}

function dedupe(issues: readonly ProfileIssue[]): ProfileIssue[] {
  return [...new Map(issues.map((i) => [`${i.file ?? ''}\u0000${i.path}\u0000${i.message}`, i])).values()];
}

/**
 * Profiles that shadow each other: the same USB id in two profiles, the same effective AT or
 * DevInf criteria (own plus inherited) in two profiles, a profile's own example that another
 * profile wins, or a criterion that none of the profile's examples reaches.
 */
export function findShadows(set: ProfileSet): ProfileIssue[] {
  const issues: ProfileIssue[] = [];
  const seen = new Map<string, string>();
  for (const name of set.names) {
    const doc = set.document(name);
    const file = set.fileOf(name);
    doc.match?.usb?.forEach((u, i) => {
      const id = `usb ${normalizeUsbId(u.vendor) ?? u.vendor}:${normalizeUsbId(u.product) ?? '*'}`;
      const other = seen.get(id);
      if (other !== undefined) issues.push({ file, path: `/match/usb/${i}`, message: `${id} is also claimed by ${other}` });
      else seen.set(id, name);
    });
    for (const key of ['at', 'devinf'] as const) {
      if (doc.match?.[key] === undefined) continue;
      const parts: string[] = [];
      for (const member of set.chainOf(name)) {
        const crit = set.document(member).match?.[key] as Record<string, string | undefined> | undefined;
        for (const [field, source] of Object.entries(crit ?? {})) parts.push(`${field}=/${source}/i`);
      }
      const id = `${key} ${[...new Set(parts)].sort().join(' ')}`;
      const other = seen.get(id);
      if (other !== undefined) issues.push({ file, path: `/match/${key}`, message: `matches the same phones as ${other} (${id})` });
      else seen.set(id, name);
    }
    const reached = new Set<MatchKey>();
    doc.match?.examples?.forEach((example, i) => {
      const result = matchProfile(set, example);
      if (result.profile.name !== name) {
        issues.push({ file, path: `/match/examples/${i}`, message: `is won by ${result.profile.name}, not by this profile (${result.explanation})` });
      }
      for (const hit of result.hits) if (hit.profile === name) reached.add(hit.key);
    });
    for (const key of ['usb', 'at', 'devinf'] as const) {
      if (doc.match?.[key] !== undefined && !reached.has(key)) {
        issues.push({ file, path: `/match/${key}`, message: `no entry of match.examples matches this criterion: add a real ${key} example` });
      }
    }
  }
  return issues;
}
