/**
 * The calendar and tasks content handlers: iCalendar 2.0 (`text/calendar`) and vCalendar 1.0
 * (`text/x-vcalendar`). The calendar datastore takes events and todos (Nokias keep both in one
 * calendar); the tasks datastore takes todos.
 *
 * Stored form: one iCalendar 2.0 object in UTF-8 (`text/calendar`) as formats/icalendar writes
 * it: times in UTC, floating or date form (TZID times resolved against the object's VTIMEZONE),
 * RRULE and VALARMs, unknown properties kept. Every VEVENT/VTODO of an incoming object is kept
 * (a recurring event and its exceptions); the first one gives the match key (calendar-model
 * matchKey: events by start and summary, todos by summary) and the label. The object's version
 * is read from its VERSION line, whatever its declared type says. Pure.
 */
import { matchKey, type CalItem } from '../../formats/calendar-model.js';
import { parseICalendar, writeICalendar } from '../../formats/icalendar.js';
import { parseVCalendar, writeVCalendar } from '../../formats/vcalendar.js';
import type { ContentFormat, ContentHandler, DeviceFormat, ItemRecord, NormalisedItem, StoreKind } from '../ports.js';
import {
  badData, binaryBytes, binaryString, decodeText, encodeOutput, inputCharset, mediaTypeOf, parsing, pickFormat,
  unsupportedType, utf8, type Producible,
} from './common.js';
import { alarmsFor20, fromV1, itemFields, limitItem, mergeItems, toV1 } from './calendar-items.js';
import { groupByUid, joinLines, splitCalendars } from './split.js';

/** The type of the stored form. */
export const CALENDAR_STORED_TYPE = 'text/calendar';

const FORMATS: readonly ContentFormat[] = [
  { type: 'text/calendar', version: '2.0' },
  { type: 'text/x-vcalendar', version: '1.0' },
];

const PRODUCIBLE: readonly Producible[] = [
  { type: 'text/calendar', versions: ['2.0', '1.0'] },
  { type: 'text/x-vcalendar', versions: ['1.0', '2.0'] },
];

const TAKES = new Set(['text/calendar', 'text/x-vcalendar']);

const COMMON_CAP = ['BEGIN', 'END', 'VERSION', 'UID', 'SUMMARY', 'DESCRIPTION', 'LOCATION', 'DTSTART', 'CATEGORIES', 'CLASS', 'STATUS', 'PRIORITY', 'LAST-MODIFIED'];
const EVENT_CAP = ['DTEND', 'RRULE', 'EXDATE'];
const TODO_CAP = ['DUE', 'COMPLETED'];
/** vCalendar 1.0 alarms. */
const V10_CAP = ['AALARM', 'DALARM'];
/** iCalendar 2.0 only: DTSTAMP, DURATION, and the VALARM properties. */
const V20_CAP = ['DTSTAMP', 'DURATION', 'TRIGGER', 'ACTION'];

type CalendarKind = Extract<StoreKind, 'calendar' | 'tasks'>;

const VERSION_1 = /^[ \t]*VERSION[ \t]*:[ \t]*1\.0[ \t]*$/im;
const ANY_VERSION = /^[ \t]*VERSION[ \t]*:/im;

/** Parse a calendar object of either version (by its VERSION line, else by its declared type). */
function parseAny(text: string, declared: string, charset: string | undefined): CalItem[] {
  const v1 = VERSION_1.test(text) || (!ANY_VERSION.test(text) && declared === 'text/x-vcalendar');
  if (v1) return parseVCalendar(text, charset === undefined ? {} : { defaultCharset: charset }).map((i) => fromV1(i, charset));
  return parseICalendar(text);
}

/** Parse a stored object. */
function parseStored(data: Uint8Array): CalItem[] {
  return parsing(() => parseAny(decodeText(data, undefined), CALENDAR_STORED_TYPE, undefined));
}

/** Items in the stored form. */
function storeItems(items: readonly CalItem[]): NormalisedItem {
  const first = items[0];
  const hasKey = first !== undefined && (first.summary.trim() !== '' || first.start !== undefined);
  return {
    contentType: CALENDAR_STORED_TYPE,
    data: utf8(writeICalendar(items)),
    matchKey: hasKey ? matchKey(first) : null,
    label: first?.summary ?? '',
  };
}

function checkType(kind: CalendarKind, type: string): void {
  if (!TAKES.has(type)) throw unsupportedType(kind, type);
}

/** The calendar handler (`calendar`: events and todos) or the tasks handler (`tasks`: todos). */
export function createCalendarHandler(kind: CalendarKind): ContentHandler {
  const wanted = (item: CalItem): boolean => kind === 'calendar' || item.kind === 'todo';
  const componentWanted = (name: string): boolean => name === 'VTODO' || (kind === 'calendar' && name === 'VEVENT');
  const what = kind === 'calendar' ? 'VEVENT or VTODO' : 'VTODO';

  return {
    kind,
    formats: FORMATS,

    ctcap(type: string): readonly string[] {
      const t = mediaTypeOf(type, new Uint8Array()).type;
      if (!TAKES.has(t)) return [];
      return [...COMMON_CAP, ...(kind === 'calendar' ? EVENT_CAP : []), ...TODO_CAP, ...(t === 'text/x-vcalendar' ? V10_CAP : V20_CAP)];
    },

    normalise(data: Uint8Array, type: string | undefined, dev: DeviceFormat): NormalisedItem {
      const media = mediaTypeOf(type, data);
      checkType(kind, media.type);
      const charset = inputCharset(media, dev, data);
      const items = parsing(() => parseAny(decodeText(data, charset), media.type, charset)).filter(wanted);
      if (items.length === 0) throw badData(`no ${what} in the ${kind} item`, 'NO_ITEM');
      return storeItems(items);
    },

    merge(stored: ItemRecord, incoming: NormalisedItem, dev: DeviceFormat): NormalisedItem {
      return storeItems(mergeItems(parseStored(stored.data), parseStored(incoming.data), dev));
    },

    same(a: Uint8Array, b: Uint8Array): boolean {
      const [x] = parseStored(a);
      const [y] = parseStored(b);
      return x !== undefined && y !== undefined && x.kind === y.kind && matchKey(x) === matchKey(y);
    },

    render(item: ItemRecord, dev: DeviceFormat): { contentType: string; data: Uint8Array } {
      const format = pickFormat(dev.accepts, PRODUCIBLE, FORMATS[0] ?? { type: 'text/calendar', version: '2.0' });
      const items = parseStored(item.data).map((i) => limitItem(i, dev));
      const text = format.version === '1.0'
        ? writeVCalendar(items.map(toV1), dev.charset === undefined ? {} : { charset: dev.charset })
        : writeICalendar(items.map((i) => alarmsFor20(i, dev.alarmsUtc === true)));
      return { contentType: format.type, data: encodeOutput(text, dev.charset) };
    },

    fields(item: ItemRecord): Record<string, unknown> {
      const items = parseStored(item.data);
      const [first, ...rest] = items;
      if (first === undefined) return {};
      return rest.length === 0 ? itemFields(first) : { ...itemFields(first), components: items.length };
    },

    split(file: Uint8Array, type: string | undefined): Array<{ data: Uint8Array; type: string }> {
      if (type !== undefined && type.trim() !== '') checkType(kind, mediaTypeOf(type, file).type);
      const calendars = splitCalendars(binaryString(file));
      if (calendars.length === 0) throw badData('no BEGIN:VCALENDAR in the file', 'NO_BEGIN');
      const parts: Array<{ data: Uint8Array; type: string }> = [];
      for (const cal of calendars) {
        const partType = cal.header.some((l) => VERSION_1.test(l)) ? 'text/x-vcalendar' : 'text/calendar';
        const zones = cal.components.filter((c) => c.name === 'VTIMEZONE');
        for (const group of groupByUid(cal.components.filter((c) => componentWanted(c.name)))) {
          const refs = new Set(group.flatMap((c) => [...c.tzRefs]));
          const tz = zones.filter((z) => z.tzid !== undefined && refs.has(z.tzid)).flatMap((z) => z.lines);
          const lines = ['BEGIN:VCALENDAR', ...cal.header, ...tz, ...group.flatMap((c) => c.lines), 'END:VCALENDAR'];
          parts.push({ data: binaryBytes(joinLines(lines)), type: partType });
        }
      }
      return parts;
    },
  };
}
