/**
 * Neutral model for calendar events, todos and notes, shared by the vCalendar 1.0, iCalendar 2.0
 * and vNote codecs. Times are kept as basic-format strings: `YYYYMMDD` (date), `YYYYMMDDTHHMMSS`
 * (floating local time) or `YYYYMMDDTHHMMSSZ` (UTC).
 */
import { SyncmlError } from '../errors.js';

/** Recurrence rule in a form both 1.0 and 2.0 can express. */
export interface CalRecurrence {
  readonly freq: 'daily' | 'weekly' | 'monthly' | 'yearly';
  readonly interval: number;
  /** Number of occurrences; absent with no `until` means forever. */
  readonly count?: number;
  /** Last occurrence bound (basic-format time). */
  readonly until?: string;
  /** Two-letter weekday codes (weekly). */
  readonly byDay?: readonly string[];
  /** Days of the month (monthly). */
  readonly byMonthDay?: readonly number[];
  /** Months 1..12 (yearly). */
  readonly byMonth?: readonly number[];
}

/** An alarm: either an absolute time or minutes before the start. */
export interface CalAlarm {
  readonly action: 'display' | 'audio';
  readonly at?: string;
  readonly minutesBefore?: number;
  readonly description?: string;
}

/** Event or todo, neutral between vCalendar 1.0 and iCalendar 2.0. */
export interface CalItem {
  kind: 'event' | 'todo';
  uid?: string;
  summary: string;
  description?: string;
  location?: string;
  start?: string;
  end?: string;
  due?: string;
  allDay: boolean;
  rrule?: CalRecurrence;
  alarms: CalAlarm[];
  categories: string[];
  status?: string;
  priority?: number;
  completed?: string;
  /** Unknown properties, kept verbatim as unfolded content lines. */
  extra: string[];
}

/** A note (vNote or text/plain). */
export interface Note {
  summary: string;
  body: string;
  categories: string[];
}

/** Statuses both versions understand; anything else (e.g. Funambol Outlook values) is dropped. */
const STATUS_MAP: Readonly<Record<string, string>> = {
  'NEEDS ACTION': 'NEEDS-ACTION', 'NEEDS-ACTION': 'NEEDS-ACTION', COMPLETED: 'COMPLETED',
  'IN-PROCESS': 'IN-PROCESS', CANCELLED: 'CANCELLED', TENTATIVE: 'TENTATIVE', CONFIRMED: 'CONFIRMED',
  ACCEPTED: 'CONFIRMED', DECLINED: 'CANCELLED',
};

/**
 * Map a STATUS value from either version to the 2.0 spelling, or undefined when it is unknown.
 * @param value raw STATUS value
 */
export function normaliseStatus(value: string): string | undefined {
  return STATUS_MAP[value.trim().toUpperCase()];
}

/**
 * Build a format error (`SB_ERR_FORMAT_*`).
 * @param message human text
 * @param code suffix after `SB_ERR_FORMAT_`
 * @param status SyncML status, 400 (bad data) or 415 (unsupported type)
 */
export function formatError(message: string, code: string, status: 400 | 415 = 400): SyncmlError {
  return new SyncmlError(message, `SB_ERR_FORMAT_${code}`, { syncmlStatus: status });
}

/**
 * Create an empty item of a kind.
 * @param kind event or todo
 */
export function emptyItem(kind: 'event' | 'todo'): CalItem {
  return { kind, summary: '', allDay: false, alarms: [], categories: [], extra: [] };
}

const TIME_RE = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/;

/**
 * Normalise a 1.0/2.0 time value (dashes and colons allowed) to basic format.
 * @param value raw time
 */
export function normaliseTime(value: string): string {
  const v = value.trim().replace(/[-:]/g, '');
  if (!TIME_RE.test(v)) throw formatError(`bad date-time: ${value.slice(0, 40)}`, 'BAD_TIME');
  return v;
}

/**
 * Shift a basic-format time by minutes (keeps its form; date-only stays date-only by whole days).
 * @param time basic-format time
 * @param minutes minutes to add (may be negative)
 */
export function addMinutes(time: string, minutes: number): string {
  const m = TIME_RE.exec(time);
  if (!m) throw formatError(`bad date-time: ${time.slice(0, 40)}`, 'BAD_TIME');
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  const d = new Date(ms + minutes * 60_000);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const date = `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}`;
  if (m[4] === undefined) return date;
  return `${date}T${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}${m[7] ?? ''}`;
}

/**
 * Minutes between two basic-format times of the same form (b - a).
 * @param a earlier time
 * @param b later time
 */
export function minutesBetween(a: string, b: string): number {
  const toMs = (t: string): number => {
    const m = TIME_RE.exec(t);
    if (!m) throw formatError(`bad date-time: ${t.slice(0, 40)}`, 'BAD_TIME');
    return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  };
  return Math.round((toMs(b) - toMs(a)) / 60_000);
}

/**
 * Absolute time of an alarm, when it can be known.
 * @param item the item that owns the alarm
 * @param alarm the alarm
 */
export function alarmTime(item: CalItem, alarm: CalAlarm): string | undefined {
  if (alarm.at !== undefined) return alarm.at;
  const base = item.start ?? item.due;
  if (alarm.minutesBefore === undefined || base === undefined) return undefined;
  return addMinutes(base.length === 8 ? `${base}T000000` : base, -alarm.minutesBefore);
}

/**
 * Normalise a summary for matching: trimmed, lower case, inner white space collapsed.
 * @param text summary
 */
function normaliseText(text: string): string {
  return text.normalize('NFC').trim().toLowerCase().replace(/\s+/g, ' ');
}

/**
 * Slow-sync match key: start date-time plus normalised summary for events, summary for todos.
 * @param item the item
 */
export function matchKey(item: CalItem): string {
  if (item.kind === 'todo') return `todo|${normaliseText(item.summary)}`;
  const start = item.start === undefined ? '' : item.allDay ? item.start.slice(0, 8) : item.start;
  return `event|${start}|${normaliseText(item.summary)}`;
}

/**
 * Slow-sync match key for notes: normalised summary, or the start of the body when there is none.
 * @param note the note
 */
export function noteMatchKey(note: Note): string {
  const head = note.summary.trim() !== '' ? note.summary : note.body.slice(0, 64);
  return `note|${normaliseText(head)}`;
}

/**
 * Milliseconds since the epoch of a basic-format time, its fields read as UTC (a date is its
 * midnight; a floating time is taken as if it were UTC).
 * @param time basic-format time
 */
export function timeFieldsMs(time: string): number {
  const m = TIME_RE.exec(time);
  if (!m) throw formatError(`bad date-time: ${time.slice(0, 40)}`, 'BAD_TIME');
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * Offset of a time zone from UTC at an instant, in minutes (east positive), from the IANA
 * database of the runtime (Intl), so that daylight saving time is right for every date.
 * @param ms the instant
 * @param zone IANA zone name (`Europe/Berlin`)
 * @throws RangeError for an unknown zone
 */
export function zoneOffsetMinutes(ms: number, zone: string): number {
  let f = zoneFormats.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    zoneFormats.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

/**
 * A UTC time as floating local time of a zone; other forms are returned unchanged.
 * @param time basic-format time
 * @param zone IANA zone name
 */
export function utcToLocal(time: string, zone: string): string {
  if (!time.endsWith('Z')) return time;
  const floating = time.slice(0, -1);
  return addMinutes(floating, zoneOffsetMinutes(timeFieldsMs(floating), zone));
}

/**
 * A floating local time of a zone as UTC; dates and UTC times are returned unchanged. A local
 * time that a DST change skips or repeats takes the offset in force before the change.
 * @param time basic-format time
 * @param zone IANA zone name
 */
export function localToUtc(time: string, zone: string): string {
  if (time.length === 8 || time.endsWith('Z')) return time;
  const fields = timeFieldsMs(time);
  let offset = zoneOffsetMinutes(fields, zone);
  offset = zoneOffsetMinutes(fields - offset * 60_000, zone);
  return `${addMinutes(time, -offset)}Z`;
}
