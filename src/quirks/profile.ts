/**
 * Device profiles (STYLE.md convention 11): the typed shape of one `drivers/` document, its
 * validator (ajv against the schema of schema.ts, the copy of `drivers/schema.json`) and the
 * merge of an `extends` chain (default -> family -> model) into one `DeviceProfile`.
 *
 * Pure: documents come in as parsed JSON; reading the folder is load.ts's job.
 */
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { PROFILE_ERR, ProfileError, type ProfileIssue } from './errors.js';
import { PROFILE_SCHEMA, PROFILE_SETTINGS, type PROFILE_CHARSETS, type PROFILE_TIMES } from './schema.js';

/** One command of an AT switch (same shape as src/transport/at-switch.ts `AtStep`). */
export interface ProfileAtStep {
  /** The command line without the trailing CR, e.g. `AT*EOBEX`. */
  send: string;
  /** Final result lines that mean success, e.g. `['CONNECT']` or `['OK']`. */
  expect: string[];
  /** How long to wait for the final result, in ms (transport default when absent). */
  timeoutMs?: number;
  /** Pause after success before the next command (or before OBEX starts), in ms. */
  delayAfterMs?: number;
  /** Skip this step when an earlier step's answer lines match a regular expression. */
  skipIf?: { step: number; matches: string };
}

/** The AT switch of a profile (same shape as src/transport/at-switch.ts `AtSwitch`). */
export interface ProfileAtSwitch {
  steps: ProfileAtStep[];
}

export type ProfileSyncmlVersion = '1.0' | '1.1' | '1.2';
export type ProfileCharset = (typeof PROFILE_CHARSETS)[number];
export type ProfileTimes = (typeof PROFILE_TIMES)[number];

/** Retries of a host-initiated session the phone answered with OBEX 0xC3 (a dialog is showing). */
export interface ProfileDialogRetry {
  /** How many more times to try; 0 = give up at once. */
  attempts: number;
  /** Pause before each retry, in ms (time for the user to confirm the dialog). */
  delayMs: number;
}

/** A USB id as profiles write it: four lower- or upper-case hex digits. */
export interface UsbId {
  vendor: string;
  product?: string;
}

/** DevInf fields a profile can match on (DevInf 1.2 element names). */
export interface DevInfIdentity {
  Man?: string;
  Mod?: string;
  SwV?: string;
  FwV?: string;
  HwV?: string;
}

/** What a phone tells about itself; every part optional. Also the shape of `match.examples`. */
export interface MatchInput {
  /** USB ids as numbers or hex strings (`0x0fce`, `0FCE`, `0fce`). */
  usb?: { vendor: string | number; product?: string | number };
  /** `AT+CGMI` / `AT+CGMM` answers, with or without their `+CGMI:` prefix and quotes. */
  at?: { manufacturer?: string; model?: string };
  devinf?: DevInfIdentity;
}

/** The `match` block: regexes are JavaScript syntax, tested case-insensitively. */
export interface ProfileMatch {
  usb?: UsbId[];
  at?: { manufacturer?: string; model?: string };
  devinf?: DevInfIdentity;
  /** Inputs this profile must win over the whole drivers folder (proves it is not shadowed). */
  examples?: MatchInput[];
}

export interface ProfileDatastores {
  /** The phone's URI for each kind of data; null when the phone has no such store. */
  contacts: string | null;
  calendar: string | null;
  tasks: string | null;
  notes: string | null;
  /** Events and to-dos share the calendar store (Nokia). */
  calendarHoldsTasks: boolean;
}

export interface ProfileObex {
  /** Largest OBEX packet the bridge offers or accepts with this phone, in bytes (255-65535). */
  maxPacket: number;
  /** CONNECT Target, normally `SYNCML-SYNC`. */
  target: string;
}

/** The settings, all present once merged. */
export interface ProfileSettings {
  supported: boolean;
  unsupportedReason?: string;
  syncmlVersion: ProfileSyncmlVersion;
  sanVersion: ProfileSyncmlVersion;
  serverIdentifier: string;
  datastores: ProfileDatastores;
  encoding: 'wbxml' | 'xml';
  /** Charset of vCard/vCalendar payloads the phone sends (`input`) and expects (`output`). */
  charset: { input: ProfileCharset; output: ProfileCharset };
  /** Send CTCap in the bridge's DevInf. */
  ctcap: boolean;
  /** Include DataType/Size in CTCap properties (off for Siemens S55, which crashes on them in 1.0 CTCap). */
  ctcapSizes: boolean;
  /** Use a WBXML string table when encoding for this phone. */
  stringTable: boolean;
  obex: ProfileObex;
  /** Commands that switch the phone's AT port to OBEX; null when none is known. */
  atSwitch: ProfileAtSwitch | null;
  /** Send alarm times in UTC. */
  alarmsUtc: boolean;
  /** Maximum length per vCard/vCalendar property name (e.g. `{"N": 30}`). */
  fieldLimits: Record<string, number>;
  /** Ignore MaxSize values in the phone's DevInf CTCap. */
  ignoreDevInfMaxSize: boolean;
  /** The phone truncates fields without declaring sizes in CTCap (a shorter field back is a truncation, not an edit). */
  limitedFieldLengths: boolean;
  /** Earliest date the phone accepts (`YYYY-MM-DD`), null for no limit. */
  minDate: string | null;
  /** Date-times sent to the phone: as the item carries them, local time only, or UTC only. */
  times: ProfileTimes;
  /** Prefix before each CATEGORIES value (`X-`), stripped on input; null for none. */
  categoriesPrefix: string | null;
  /** Add TYPE=INTERNET to every EMAIL sent to the phone. */
  emailTypeInternet: boolean;
  /** Leave out properties with an empty value. */
  dropEmptyProperties: boolean;
  /** Quoted-printable for values with 8-bit characters. */
  quoteEightBit: boolean;
  /** Fold long lines (false: never fold). */
  foldLines: boolean;
  /** All-day events as DTSTART ...T000000Z / DTEND ...T240000Z. */
  allDayUtcRange: boolean;
  /** One Status per item (false: the phone breaks on many Statuses). */
  perItemStatus: boolean;
  /** Retries when a host-initiated session gets OBEX 0xC3. */
  dialogRetry: ProfileDialogRetry;
}

export type SettingKey = (typeof PROFILE_SETTINGS)[number];

/** One `drivers/` document as written (every setting optional except in `00-default`). */
export interface ProfileDocument {
  name: string;
  description: string;
  extends?: string;
  fallback?: boolean;
  match?: ProfileMatch;
  supported?: boolean;
  unsupportedReason?: string;
  syncmlVersion?: ProfileSyncmlVersion;
  sanVersion?: ProfileSyncmlVersion;
  serverIdentifier?: string;
  datastores?: Partial<ProfileDatastores>;
  encoding?: 'wbxml' | 'xml';
  charset?: Partial<ProfileSettings['charset']>;
  ctcap?: boolean;
  ctcapSizes?: boolean;
  stringTable?: boolean;
  obex?: Partial<ProfileObex>;
  atSwitch?: ProfileAtSwitch | null;
  alarmsUtc?: boolean;
  fieldLimits?: Record<string, number>;
  ignoreDevInfMaxSize?: boolean;
  limitedFieldLengths?: boolean;
  minDate?: string | null;
  times?: ProfileTimes;
  categoriesPrefix?: string | null;
  emailTypeInternet?: boolean;
  dropEmptyProperties?: boolean;
  quoteEightBit?: boolean;
  foldLines?: boolean;
  allDayUtcRange?: boolean;
  perItemStatus?: boolean;
  dialogRetry?: Partial<ProfileDialogRetry>;
  /** One note per setting (and `match`): device, firmware, source, what goes wrong without it. */
  evidence?: Partial<Record<SettingKey | 'match', string>>;
}

/** A merged profile: what the rest of the bridge reads. */
export interface DeviceProfile extends ProfileSettings {
  /** The most specific profile of the chain. */
  readonly name: string;
  readonly description: string;
  /** Profile names from the root (`00-default`) to `name`. */
  readonly chain: readonly string[];
  /** The evidence note of each setting, from the profile that set it last. */
  readonly evidence: Readonly<Partial<Record<SettingKey | 'match', string>>>;
  /** Which profile set each setting last. */
  readonly origin: Readonly<Partial<Record<SettingKey, string>>>;
}

let compiled: ReturnType<Ajv2020['compile']> | undefined;

/** Compile the schema once (lazily: module load stays cheap). */
function schemaValidator(): ReturnType<Ajv2020['compile']> {
  if (compiled === undefined) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    ajv.addFormat('regex', { type: 'string', validate: isRegex });
    compiled = ajv.compile(PROFILE_SCHEMA);
  }
  return compiled;
}

function isRegex(source: string): boolean {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
}

/** Turn one ajv error into an issue whose path names the offending member. */
function issueOf(e: ErrorObject, file: string | undefined): ProfileIssue {
  let path = e.instancePath;
  let message = e.message ?? e.keyword;
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties' && typeof params['additionalProperty'] === 'string') {
    path = `${path}/${params['additionalProperty']}`;
    message = 'is not a known member';
  } else if (e.keyword === 'required' && typeof params['missingProperty'] === 'string') {
    path = `${path}/${params['missingProperty']}`;
    message = 'is required';
  } else if (e.keyword === 'dependentRequired' && typeof params['missingProperty'] === 'string') {
    path = `${path}/${params['missingProperty']}`;
    message = `is required with ${String(params['property'])}`;
  } else if (e.keyword === 'enum' && Array.isArray(params['allowedValues'])) {
    message = `must be one of ${params['allowedValues'].map((v) => JSON.stringify(v)).join(', ')}`;
  } else if (e.keyword === 'propertyNames' && typeof params['propertyName'] === 'string') {
    path = `${path}/${params['propertyName']}`;
    message = 'is not an allowed name here';
  }
  return file === undefined ? { path, message } : { file, path, message };
}

/** `must be null` + `must be object` at one path (a oneOf) -> `must be null or object`. */
function joinTypeIssues(issues: readonly ProfileIssue[]): ProfileIssue[] {
  const out: ProfileIssue[] = [];
  for (const issue of issues) {
    const prev = out.find((o) => o.path === issue.path && /^must be \w+( or \w+)*$/.test(o.message));
    if (prev !== undefined && /^must be \w+$/.test(issue.message)) {
      out[out.indexOf(prev)] = { ...prev, message: `${prev.message} or ${issue.message.slice('must be '.length)}` };
    } else {
      out.push(issue);
    }
  }
  return out;
}

/** Rules the schema cannot state: `skipIf.step` must name an earlier step. */
function extraIssues(doc: ProfileDocument, file: string | undefined): ProfileIssue[] {
  const issues: ProfileIssue[] = [];
  const steps = doc.atSwitch?.steps ?? [];
  steps.forEach((step, i) => {
    if (step.skipIf !== undefined && step.skipIf.step >= i) {
      const path = `/atSwitch/steps/${i}/skipIf/step`;
      const message = `must name an earlier step (0-${i - 1}), got ${step.skipIf.step}`;
      issues.push(file === undefined ? { path, message } : { file, path, message });
    }
  });
  return issues;
}

/**
 * Check one parsed profile document against the schema.
 * @param json the parsed JSON (not modified)
 * @param file the file name to put in issues (e.g. `nokia/00-family.json`)
 * @returns the same value, typed
 * @throws ProfileError SB_ERR_PROFILE_INVALID listing every problem with its JSON path
 */
export function validateProfile(json: unknown, file?: string): ProfileDocument {
  const validate = schemaValidator();
  if (!validate(json)) {
    const issues = (validate.errors ?? []).filter((e) => e.keyword !== 'if' && e.keyword !== 'oneOf').map((e) => issueOf(e, file));
    const unique = [...new Map(joinTypeIssues(issues).map((i) => [`${i.path}\u0000${i.message}`, i])).values()];
    throw new ProfileError(PROFILE_ERR.INVALID, unique.length > 0 ? unique : [{ path: '', message: 'does not match the schema' }]);
  }
  const doc = json as ProfileDocument;
  const extra = extraIssues(doc, file);
  if (extra.length > 0) throw new ProfileError(PROFILE_ERR.INVALID, extra);
  return doc;
}

const OBJECT_SETTINGS = new Set<SettingKey>(['datastores', 'charset', 'obex', 'fieldLimits', 'dialogRetry']);

/**
 * Merge an `extends` chain, root first (`00-default`, then the family, then the model). Later
 * profiles override earlier ones setting by setting; `datastores`, `charset`, `obex`,
 * `fieldLimits` and `dialogRetry` merge member by member; `atSwitch` is replaced whole (null removes it).
 * @param chain validated documents, each extending the one before it
 * @throws ProfileError SB_ERR_PROFILE_CHAIN when the chain is not one line from a root, or a
 *   setting is still missing after the merge
 */
export function mergeProfiles(chain: readonly ProfileDocument[]): DeviceProfile {
  const first = chain[0];
  const last = chain[chain.length - 1];
  if (first === undefined || last === undefined) throw new ProfileError(PROFILE_ERR.CHAIN, [{ path: '', message: 'empty profile chain' }]);
  if (first.extends !== undefined) {
    throw new ProfileError(PROFILE_ERR.CHAIN, [{ file: first.name, path: '/extends', message: 'the first profile of a chain must be the root' }]);
  }
  const settings: Record<string, unknown> = {};
  const evidence: Record<string, string> = {};
  const origin: Record<string, string> = {};
  chain.forEach((doc, i) => {
    const parent = chain[i - 1];
    if (parent !== undefined && doc.extends !== parent.name) {
      throw new ProfileError(PROFILE_ERR.CHAIN, [{ file: doc.name, path: '/extends', message: `must be ${JSON.stringify(parent.name)} in this chain` }]);
    }
    const record = doc as unknown as Record<string, unknown>;
    for (const key of PROFILE_SETTINGS) {
      const value = record[key];
      if (value === undefined) continue;
      settings[key] =
        OBJECT_SETTINGS.has(key) && typeof value === 'object' && value !== null
          ? { ...(settings[key] as object | undefined), ...structuredClone(value) }
          : structuredClone(value);
      origin[key] = doc.name;
      const note = doc.evidence?.[key];
      if (note !== undefined) evidence[key] = note;
      else delete evidence[key];
    }
    if (doc.evidence?.match !== undefined) evidence['match'] = doc.evidence.match;
  });
  if (settings['supported'] === true) {
    delete settings['unsupportedReason'];
    delete origin['unsupportedReason'];
    delete evidence['unsupportedReason'];
  }
  const missing = requiredMissing(settings);
  if (missing.length > 0) {
    throw new ProfileError(
      PROFILE_ERR.CHAIN,
      missing.map((path) => ({ file: last.name, path, message: 'is not set by any profile of the chain' })),
    );
  }
  return {
    ...(settings as unknown as ProfileSettings),
    name: last.name,
    description: last.description,
    chain: chain.map((d) => d.name),
    evidence,
    origin,
  };
}

/** JSON paths of settings a merged profile lacks. */
function requiredMissing(settings: Record<string, unknown>): string[] {
  const missing: string[] = [];
  for (const key of PROFILE_SETTINGS) {
    if (key === 'unsupportedReason') continue;
    if (settings[key] === undefined) missing.push(`/${key}`);
  }
  const nested: Record<string, readonly string[]> = {
    datastores: ['contacts', 'calendar', 'tasks', 'notes', 'calendarHoldsTasks'],
    charset: ['input', 'output'],
    obex: ['maxPacket', 'target'],
    dialogRetry: ['attempts', 'delayMs'],
  };
  for (const [key, members] of Object.entries(nested)) {
    const value = settings[key] as Record<string, unknown> | undefined;
    if (value === undefined) continue;
    for (const m of members) if (value[m] === undefined) missing.push(`/${key}/${m}`);
  }
  if (settings['supported'] === false && settings['unsupportedReason'] === undefined) missing.push('/unsupportedReason');
  return missing;
}
