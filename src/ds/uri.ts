/**
 * Datastore names and URI options (issue 4, section 1 "Safe sync management"; DESIGN.md store
 * aliases). Phones name datastores freely (`./Contacts`, `addressbook`, `/telecom/pb.vcf`,
 * `Calendar?format=vcal10`), and users configure options on the URIs they can edit on the phone,
 * as with other servers (IceWarp SyncML guide, "URL Parameters"):
 *
 * - `sync=N` (1..9) overrides the sync type: 1 two-way, 2 slow, 3 one-way from client, 4 refresh
 *   from client, 5 one-way from server, 6 refresh from server, 7 slow one-way from client (server
 *   data replaced by the client's), 8 slow one-way from server (client data replaced by the
 *   server's), 9 client reset (everything deleted on the client, nothing on the server);
 * - `format=vcard21|vcard30|vcal10|ical`: the format to send to the device;
 * - `backup` or `backup=NAME`: write a backup file of the datastore;
 * - `reset`.
 *
 * Options follow `?` or `#` (`Contacts#sync=2`, `contacts#backup`), are separated by `&` (or a
 * further `?`/`#`), and their names are case-insensitive. Unknown options and bad values are
 * ignored. The same parser reads the server URI (SyncHdr Target LocURI,
 * `http://host:8280/sync?sync=9`), whose options apply to every datastore. Pure.
 */
import type { StoreKind } from './ports.js';
import type { SyncMode } from './types.js';

/** Format names of `?format=`. */
export type UriFormat = 'vcard21' | 'vcard30' | 'vcal10' | 'ical';
export const URI_FORMATS: readonly UriFormat[] = ['vcard21', 'vcard30', 'vcal10', 'ical'];

/** Options found on a URI. */
export interface UriOptions {
  sync?: SyncMode;
  format?: string;
  /** `true` for a bare `backup`; the (safe) name otherwise. */
  backup?: string | true;
  reset?: true;
}

/** A parsed datastore or server URI. */
export interface DatastoreUri {
  /** The kind the path names (kindOfName), if any. */
  kind: StoreKind | undefined;
  /** The (trimmed) URI up to its first `?` or `#`. */
  path: string;
  /** The rest, starting with its `?` or `#` ('' when none): `path + cgi` is the trimmed URI. */
  cgi: string;
  options: UriOptions;
}

/** `?sync=N` numbering (see the module comment). */
export const SYNC_OPTION_MODES: Readonly<Record<number, SyncMode>> = {
  1: 'two-way',
  2: 'slow',
  3: 'one-way-from-client',
  4: 'refresh-from-client',
  5: 'one-way-from-server',
  6: 'refresh-from-server',
  7: 'slow-one-way-from-client',
  8: 'slow-one-way-from-server',
  9: 'client-reset',
};

/** The `?sync=` number of a mode (inverse of SYNC_OPTION_MODES). */
export function syncOptionOfMode(mode: SyncMode): number {
  for (const [n, m] of Object.entries(SYNC_OPTION_MODES)) if (m === mode) return Number(n);
  throw new RangeError(`unknown sync mode ${String(mode)}`);
}

const ALIASES: ReadonlyMap<string, StoreKind> = new Map<string, StoreKind>([
  ...['contacts', 'contact', 'addressbook', 'card', 'pb'].map((n) => [n, 'contacts'] as const),
  ...['calendar', 'events', 'event', 'cal'].map((n) => [n, 'calendar'] as const),
  ...['tasks', 'task', 'todo', 'todos'].map((n) => [n, 'tasks'] as const),
  ...['notes', 'note', 'memo', 'memos'].map((n) => [n, 'notes'] as const),
]);

/** Canonical datastore names (DevInf SourceRef of the bridge, display). */
export const CANONICAL_NAMES: Readonly<Record<StoreKind, string>> = {
  contacts: 'Contacts',
  calendar: 'Calendar',
  tasks: 'Tasks',
  notes: 'Notes',
};

function aliasOf(segment: string): StoreKind | undefined {
  let s = segment.trim().toLowerCase();
  const direct = ALIASES.get(s);
  if (direct !== undefined) return direct;
  const dot = s.lastIndexOf('.');
  if (dot > 0) s = s.slice(0, dot);
  return ALIASES.get(s);
}

/**
 * The kind a datastore name stands for, case-insensitively: contacts (Contacts, Contact,
 * addressbook, card, pb), calendar (Calendar, Events, Event, cal), tasks (Tasks, Task, todo,
 * todos), notes (Notes, Note, Memo, memos). The last path segment counts, without its extension
 * (`./Contacts`, `/telecom/pb.vcf`); when it names nothing, earlier segments are tried
 * (`./contacts/james_bond`, the SyncML spec's example). Options and a scheme://host prefix are
 * ignored.
 */
export function kindOfName(name: string): StoreKind | undefined {
  let p = name.trim();
  const cut = p.search(/[?#]/);
  if (cut >= 0) p = p.slice(0, cut);
  p = p.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  const segments = p.split(/[/\\]/).filter((s) => s !== '' && s !== '.' && s !== '..');
  for (let i = segments.length - 1; i >= 0; i--) {
    const k = aliasOf(segments[i]!);
    if (k !== undefined) return k;
  }
  return undefined;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** A backup name usable as part of a file name: letters, digits, `.`, `_`, `-`, not leading `.`. */
function safeBackupName(v: string): string | undefined {
  const t = v.trim();
  return /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/.test(t) ? t : undefined;
}

const FALSE_VALUES = new Set(['0', 'no', 'false', 'off']);

/** Read the options of the text after the path (without its first separator). */
function parseOptions(text: string): UriOptions {
  const o: UriOptions = {};
  for (const part of text.split(/[&?#;]/)) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? undefined : decode(part.slice(eq + 1)).trim();
    switch (key) {
      case 'sync': {
        if (value !== undefined && /^[1-9]$/.test(value)) o.sync = SYNC_OPTION_MODES[Number(value)]!;
        break;
      }
      case 'format': {
        const f = value?.toLowerCase();
        if (f !== undefined && (URI_FORMATS as readonly string[]).includes(f)) o.format = f;
        break;
      }
      case 'backup': {
        if (value === undefined || value === '') o.backup = true;
        else if (!FALSE_VALUES.has(value.toLowerCase())) o.backup = safeBackupName(value) ?? true;
        break;
      }
      case 'reset': {
        if (value === undefined || !FALSE_VALUES.has(value.toLowerCase())) o.reset = true;
        break;
      }
      default:
        break;
    }
  }
  return o;
}

/**
 * Parse a datastore URI as a phone sends it (Alert/Sync Target LocURI: `./Contacts?sync=2`,
 * `contacts#backup`, `Calendar?format=vcal10&backup=daily`) or the server URI (SyncHdr Target
 * LocURI). A backup name that is not safe as a file name part (`../x`, spaces) still asks for a
 * backup, under the default name (`backup: true`).
 */
export function parseDatastoreUri(uri: string): DatastoreUri {
  const t = uri.trim();
  const cut = t.search(/[?#]/);
  const path = cut < 0 ? t : t.slice(0, cut);
  const cgi = cut < 0 ? '' : t.slice(cut);
  return { kind: kindOfName(path), path, cgi, options: cgi === '' ? {} : parseOptions(cgi.slice(1)) };
}

/**
 * Options of a datastore URI laid over those of the server URI: the datastore's own win, option
 * by option.
 */
export function mergeUriOptions(server: UriOptions, datastore: UriOptions): UriOptions {
  return { ...server, ...datastore };
}
