/**
 * `syncml-bridge export --user NAME --store STORE [--format vcard21|vcard30|ical|vcal10|json]`
 * (DESIGN.md section 5): the live items of one datastore on standard output.
 *
 * - vcard21 / vcard30 / ical / vcal10: the items rendered by the datastore's content handler,
 *   concatenated; for ical and vcal10 one VCALENDAR around all items when their calendar
 *   headers agree (otherwise the items' own VCALENDARs one after the other).
 * - json: an array, one element per item: { guid, rev, modified, contentType, fields, text },
 *   `text` being the item in the datastore's default format.
 * - default: vcard30 for contacts, ical for calendar and tasks, the note text for notes.
 */
import { ConfigError } from '../errors.js';
import { kindOfName } from '../ds/uri.js';
import type { ContentHandler, DeviceFormat, ItemRecord, StoreKind } from '../ds/ports.js';
import { openDataDir } from './user-cmd.js';

export const EXPORT_FORMATS = ['vcard21', 'vcard30', 'ical', 'vcal10', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export type TextFormat = Exclude<ExportFormat, 'json'>;

const FORMAT_KINDS: Readonly<Record<TextFormat, readonly StoreKind[]>> = {
  vcard21: ['contacts'],
  vcard30: ['contacts'],
  ical: ['calendar', 'tasks'],
  vcal10: ['calendar', 'tasks'],
};

/** The format of an export without --format (undefined: the notes' own text). */
export function defaultExportFormat(kind: StoreKind): TextFormat | undefined {
  return kind === 'contacts' ? 'vcard30' : kind === 'notes' ? undefined : 'ical';
}

/** `--store`: a datastore name or alias (kindOfName). */
export function storeKindOption(name: string): StoreKind {
  const kind = kindOfName(name);
  if (kind === undefined) throw new ConfigError(`--store: unknown datastore '${name}' (contacts, calendar, tasks, notes)`, 'SB_ERR_CONFIG_VALUE');
  return kind;
}

function formatOption(format: string | undefined, kind: StoreKind): ExportFormat | undefined {
  if (format === undefined) return defaultExportFormat(kind);
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new ConfigError(`--format: unknown format '${format}' (${EXPORT_FORMATS.join(', ')})`, 'SB_ERR_CONFIG_VALUE');
  }
  const f = format as ExportFormat;
  if (f !== 'json' && !FORMAT_KINDS[f].includes(kind)) {
    throw new ConfigError(`--format: '${format}' is not a format of the ${kind} datastore`, 'SB_ERR_CONFIG_VALUE');
  }
  return f;
}

const CRLF = Buffer.from('\r\n');

/** Items one after the other, each ending with a line end. */
function concat(parts: readonly Uint8Array[], lineEnd: Uint8Array = CRLF): Buffer {
  const out: Uint8Array[] = [];
  for (const p of parts) {
    out.push(p);
    if (p.length > 0 && p[p.length - 1] !== 0x0a) out.push(lineEnd);
  }
  return Buffer.concat(out);
}

interface CalendarParts {
  /** Property lines of the VCALENDAR itself (VERSION, PRODID, TZ ...), folded lines kept. */
  readonly header: string[];
  /** Nested components, each as its lines. */
  readonly components: string[][];
}

/** Split one `BEGIN:VCALENDAR ... END:VCALENDAR` object; undefined when it is not exactly one. */
function splitCalendar(text: string): CalendarParts | undefined {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length < 2 || lines[0]?.toUpperCase() !== 'BEGIN:VCALENDAR' || lines[lines.length - 1]?.toUpperCase() !== 'END:VCALENDAR') return undefined;
  const header: string[] = [];
  const components: string[][] = [];
  let current: string[] | undefined;
  let depth = 0;
  for (const line of lines.slice(1, -1)) {
    const upper = line.toUpperCase();
    if (upper.startsWith('BEGIN:')) {
      if (depth === 0) current = [];
      depth++;
    }
    if (depth === 0) {
      if (upper === 'END:VCALENDAR') return undefined;
      header.push(line);
    } else {
      current?.push(line);
    }
    if (upper.startsWith('END:')) {
      depth--;
      if (depth < 0) return undefined;
      if (depth === 0 && current !== undefined) components.push(current);
    }
  }
  return depth === 0 ? { header, components } : undefined;
}

/**
 * Several rendered VCALENDAR objects as one: the first one's header, every component once
 * (a VTIMEZONE repeated by several items is written once). Plain concatenation when the headers
 * differ (vCalendar 1.0 TZ/DAYLIGHT per item) or an item is not a single VCALENDAR.
 */
export function joinCalendars(parts: readonly Uint8Array[]): Buffer {
  // latin1 keeps every byte as one char: the items' charset does not matter here.
  const split = parts.map((p) => splitCalendar(Buffer.from(p).toString('latin1')));
  const first = split[0];
  if (first === undefined || split.some((s) => s === undefined || s.header.join('\n') !== first.header.join('\n'))) return concat(parts);
  const seen = new Set<string>();
  const lines = ['BEGIN:VCALENDAR', ...first.header];
  for (const s of split as CalendarParts[]) {
    for (const c of s.components) {
      const key = c.join('\r\n');
      if (c[0]?.toUpperCase() === 'BEGIN:VTIMEZONE') {
        if (seen.has(key)) continue;
        seen.add(key);
      }
      lines.push(...c);
    }
  }
  lines.push('END:VCALENDAR', '');
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

/** `export`: writes the items to `io.stdout`. */
export async function exportCmd(opts: { user: string; store: string; format?: string; dataDir: string }, io: { readonly stdout: NodeJS.WritableStream }): Promise<void> {
  const kind = storeKindOption(opts.store);
  const format = formatOption(opts.format, kind);
  const store = openDataDir(opts.dataDir);
  let items: ItemRecord[];
  try {
    if (!store.hasUser(opts.user)) throw new ConfigError(`--user: no user '${opts.user}'`, 'SB_ERR_CONFIG_VALUE');
    items = [...store.exportItems(opts.user, kind)];
  } finally {
    store.close();
  }
  const { createContentHandlers, deviceFormatOfExport } = await import('../ds/content/index.js');
  const handler = createContentHandlers().get(kind);
  if (handler === undefined) throw new ConfigError(`--store: no content handler for ${kind}`, 'SB_ERR_CONFIG_VALUE');
  if (format !== 'json') {
    io.stdout.write(renderItems(items, handler, deviceFormatOfExport(format, kind), format));
    return;
  }
  const dev = deviceFormatOfExport(defaultExportFormat(kind), kind);
  const rendered = items.map((item) => handler.render(item, dev).data);
  const out = items.map((item, i) => ({
    guid: item.guid,
    rev: item.rev,
    modified: new Date(item.modified).toISOString(),
    contentType: item.contentType,
    fields: handler.fields(item),
    text: Buffer.from(rendered[i] ?? new Uint8Array()).toString('utf8'),
  }));
  io.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

/** Items rendered in a text format as one file: vCards one after the other, one VCALENDAR, notes. */
export function renderItems(items: readonly ItemRecord[], handler: ContentHandler, dev: DeviceFormat, format: TextFormat | undefined): Buffer {
  const rendered = items.map((item) => handler.render(item, dev).data);
  if (format === 'ical' || format === 'vcal10') return rendered.length > 0 ? joinCalendars(rendered) : Buffer.alloc(0);
  return concat(rendered, format === undefined ? Buffer.from('\n') : CRLF);
}
