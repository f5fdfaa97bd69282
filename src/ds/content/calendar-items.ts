/**
 * Calendar item helpers of the calendar and tasks handlers: unknown 1.0 properties made fit for
 * the stored iCalendar (and back), field-level merge, field limits, alarm forms per device, the
 * device profile's date settings (minDate, times) and CATEGORIES prefix, and the JSON fields. Pure.
 */
import {
  addMinutes, alarmTime, localToUtc, minutesBetween, timeFieldsMs, utcToLocal, type CalAlarm, type CalItem, type CalRecurrence,
} from '../../formats/calendar-model.js';
import { parseContentLine } from '../../formats/calendar-lines.js';
import type { DeviceFormat } from '../ports.js';
import { categoriesForDevice, categoriesFromDevice, fieldLimit, isCutOf, supportedSet, truncate } from './common.js';

/** Multi-valued date lists: `;` separated in 1.0, `,` in 2.0. */
const DATE_LISTS = new Set(['EXDATE', 'RDATE']);

function propName(raw: string): string {
  const m = /^(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)/.exec(raw);
  return (m?.[1] ?? '').toUpperCase();
}

function splitHead(raw: string): { head: string; value: string } {
  const colon = raw.indexOf(':');
  return colon < 0 ? { head: raw, value: '' } : { head: raw.slice(0, colon), value: raw.slice(colon + 1) };
}

/**
 * An unknown vCalendar 1.0 property line as an iCalendar line: QP and CHARSET decoded (the
 * stored form is UTF-8 text), line breaks as `\n`, EXDATE/RDATE lists `,`-separated.
 */
function extraTo20(raw: string, charset: string | undefined): string {
  const { head, value } = splitHead(raw);
  const name = propName(raw);
  const encoded = /;(ENCODING=|CHARSET=|QUOTED-PRINTABLE(;|$))/i.test(head);
  let v = value;
  if (encoded) v = parseContentLine(raw, charset).value.replace(/\r\n|\r|\n/g, '\\n');
  if (DATE_LISTS.has(name)) v = v.split(';').map((s) => s.trim()).filter((s) => s !== '').join(',');
  if (!encoded && v === value) return raw;
  const cleanHead = head.replace(/;(ENCODING=[^;]*|CHARSET=[^;]*|QUOTED-PRINTABLE)(?=;|$)/gi, '');
  return `${cleanHead}:${v}`;
}

/** An item read from vCalendar 1.0, its unknown lines made iCalendar lines. */
export function fromV1(item: CalItem, charset: string | undefined): CalItem {
  return { ...item, extra: item.extra.map((l) => extraTo20(l, charset)) };
}

/** An item for the vCalendar 1.0 writer: EXDATE/RDATE lists `;`-separated. */
export function toV1(item: CalItem): CalItem {
  const extra = item.extra.map((raw) => {
    if (!DATE_LISTS.has(propName(raw))) return raw;
    const { head, value } = splitHead(raw);
    return `${head}:${value.split(',').join(';')}`;
  });
  return { ...item, extra };
}

/** Which property names carry each field (a field is kept from the stored item when the device supports none of them). */
const FIELD_PROPS = {
  summary: ['SUMMARY'],
  description: ['DESCRIPTION'],
  location: ['LOCATION'],
  start: ['DTSTART'],
  allDay: ['DTSTART'],
  end: ['DTEND', 'DURATION'],
  due: ['DUE'],
  rrule: ['RRULE'],
  alarms: ['AALARM', 'DALARM', 'VALARM', 'TRIGGER'],
  categories: ['CATEGORIES'],
  status: ['STATUS'],
  priority: ['PRIORITY'],
  completed: ['COMPLETED'],
} as const satisfies Partial<Record<keyof CalItem, readonly string[]>>;

/** Fields cut by field limits (text fields), with their property names. */
const LIMITED = [['summary', 'SUMMARY'], ['description', 'DESCRIPTION'], ['location', 'LOCATION']] as const;

/**
 * Merge one item: the incoming item wins for the fields the device supports (all of them when
 * `dev.supportedProps` is undefined); the others, unknown lines of unsupported names, a UID the
 * device did not send, and text the device got cut to its field limit and sent back unchanged,
 * are kept from the stored item.
 */
export function mergeItem(stored: CalItem, incoming: CalItem, dev: DeviceFormat): CalItem {
  const supported = supportedSet(dev);
  const out: CalItem = { ...incoming, alarms: [...incoming.alarms], categories: [...incoming.categories], extra: [...incoming.extra] };
  const rec = out as unknown as Record<string, unknown>;
  const from = stored as unknown as Record<string, unknown>;
  if (supported !== undefined) {
    for (const [field, props] of Object.entries(FIELD_PROPS)) {
      if (props.some((p) => supported.has(p))) continue;
      if (from[field] === undefined) delete rec[field];
      else rec[field] = from[field];
    }
    const present = new Set(out.extra.map(propName));
    out.extra.push(...stored.extra.filter((l) => !supported.has(propName(l)) && !present.has(propName(l))));
  }
  if (out.uid === undefined && stored.uid !== undefined) out.uid = stored.uid;
  for (const [field, name] of LIMITED) {
    const mine = out[field];
    const theirs = stored[field];
    if (mine !== undefined && theirs !== undefined && isCutOf(mine, theirs, dev, name)) out[field] = theirs;
  }
  if (dev.minDate !== undefined) keepUnclamped(out, stored, clampToMinDate(stored, dev.minDate));
  return out;
}

/**
 * The stored item's dates where the device sent back what minDate made of them (its start moved
 * to the minimum date or to the first occurrence after it): the device could not hold the real
 * ones, so they are not an edit.
 */
function keepUnclamped(out: CalItem, stored: CalItem, sent: CalItem): void {
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  for (const f of ['start', 'end', 'due', 'completed'] as const) {
    const s = stored[f];
    if (out[f] !== undefined && out[f] === sent[f] && s !== undefined && s !== sent[f]) out[f] = s;
  }
  if (!same(stored.rrule, sent.rrule) && same(out.rrule, sent.rrule)) {
    if (stored.rrule === undefined) delete out.rrule;
    else out.rrule = stored.rrule;
  }
  if (!same(stored.alarms, sent.alarms) && same(out.alarms, sent.alarms)) out.alarms = [...stored.alarms];
}

/** Merge two stored objects: the first (main) items field by field; later ones (exceptions) from the incoming object when it has any. */
export function mergeItems(stored: readonly CalItem[], incoming: readonly CalItem[], dev: DeviceFormat): CalItem[] {
  const [s0, ...sRest] = stored;
  const [i0, ...iRest] = incoming;
  if (i0 === undefined) return [...stored];
  if (s0 === undefined || s0.kind !== i0.kind) return [...incoming];
  return [mergeItem(s0, i0, dev), ...(iRest.length > 0 ? iRest : sRest)];
}

/** An item with its text fields cut to the device's field limits. */
export function limitItem(item: CalItem, dev: DeviceFormat): CalItem {
  const out: CalItem = { ...item };
  for (const [field, name] of LIMITED) {
    const max = fieldLimit(dev, name);
    const v = out[field];
    if (max !== undefined && v !== undefined) out[field] = truncate(v, max);
  }
  return out;
}

/** The zone of the device's local time: DeviceFormat.timeZone, else the host's. */
function zoneOf(dev: DeviceFormat): string {
  return dev.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * An item with `fn` applied to each date-time it holds: start, end, due, completed, RRULE until,
 * the date-times of EXDATE/RDATE lines (stored form: `,`-separated), and alarm times when `alarms`.
 */
function mapTimes(item: CalItem, fn: (t: string) => string, alarms: boolean): CalItem {
  const out: CalItem = { ...item };
  for (const f of ['start', 'end', 'due', 'completed'] as const) {
    const v = item[f];
    if (v !== undefined) out[f] = fn(v);
  }
  if (item.rrule?.until !== undefined) out.rrule = { ...item.rrule, until: fn(item.rrule.until) };
  out.extra = item.extra.map((raw) => {
    if (!DATE_LISTS.has(propName(raw))) return raw;
    const { head, value } = splitHead(raw);
    return `${head}:${value.split(',').map((v) => (/^\d{8}T\d{6}Z?$/.test(v.trim()) ? fn(v.trim()) : v)).join(',')}`;
  });
  if (alarms) out.alarms = item.alarms.map((a) => (a.at === undefined ? a : { ...a, at: fn(a.at) }));
  return out;
}

/**
 * Date-times in the form the device takes (DeviceFormat.times, SE remoterules <forcelocaltime>
 * and <forceutc>): `utc` turns floating times into UTC, `local` turns UTC times into floating
 * times, both in the device's zone (DeviceFormat.timeZone; phones show the time of the PC they
 * sync with, which is what PC Suite and SyncEvolution assume). Dates stay dates. With `local` and
 * `alarmsUtc` (Nokia 3650/6600: local event times, UTC alarms) alarms are first made absolute
 * UTC times and stay so.
 */
function timesForDevice(item: CalItem, dev: DeviceFormat): CalItem {
  const zone = zoneOf(dev);
  if (dev.times === 'utc') return mapTimes(item, (t) => localToUtc(t, zone), true);
  if (dev.times !== 'local') return item;
  if (dev.alarmsUtc !== true) return mapTimes(item, (t) => utcToLocal(t, zone), true);
  const alarms = item.alarms.map((a): CalAlarm => {
    const at = alarmTime(item, a);
    if (a.at !== undefined || at === undefined || !at.endsWith('Z')) return a;
    return { action: a.action, at, ...(a.description === undefined ? {} : { description: a.description }) };
  });
  return mapTimes({ ...item, alarms }, (t) => utcToLocal(t, zone), false);
}

/** The same time of day on a date (`YYYYMMDD`). */
function onDate(time: string, date: string): string {
  return `${date}${time.slice(8)}`;
}

/** A basic-format time `months` months later, the day of month kept (or the month's last day). */
function addMonths(time: string, months: number): string {
  const ms = timeFieldsMs(time.slice(0, 8));
  const d = new Date(ms);
  const day = d.getUTCDate();
  const first = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return onDate(time, `${p(first.getUTCFullYear(), 4)}${p(first.getUTCMonth() + 1)}${p(Math.min(day, last))}`);
}

/**
 * The first occurrence of a recurring item's start on or after `minDate`, stepping by whole
 * recurrence periods (so the weekday, day of month or date of the year stays), with the rule's
 * COUNT reduced by the occurrences skipped; undefined when the series ends before `minDate`.
 */
function firstOccurrenceFrom(start: string, rule: CalRecurrence, minDate: string): { start: string; rrule: CalRecurrence } | undefined {
  const interval = Math.max(1, rule.interval);
  const step = (n: number): string => {
    switch (rule.freq) {
      case 'daily': return addMinutes(start, n * interval * 24 * 60);
      case 'weekly': return addMinutes(start, n * interval * 7 * 24 * 60);
      case 'monthly': return addMonths(start, n * interval);
      case 'yearly': return addMonths(start, n * interval * 12);
    }
  };
  const days = minutesBetween(start.slice(0, 8), minDate) / (24 * 60);
  const perStep = rule.freq === 'daily' ? interval : rule.freq === 'weekly' ? 7 * interval : rule.freq === 'monthly' ? 28 * interval : 365 * interval;
  let n = Math.max(0, Math.floor(days / perStep) - 1);
  while (step(n).slice(0, 8) < minDate) n++;
  const moved = step(n);
  if (rule.until !== undefined && rule.until.slice(0, 8) < moved.slice(0, 8)) return undefined;
  if (rule.count === undefined) return { start: moved, rrule: rule };
  const skipped = n * Math.max(1, rule.byDay?.length ?? 1);
  return rule.count - skipped > 0 ? { start: moved, rrule: { ...rule, count: rule.count - skipped } } : undefined;
}

/**
 * An item with no date before the device's `minDate` (`YYYYMMDD`; Nokia, UIQ, Siemens SX1:
 * 1980-01-01, SE remoterules mindate). A recurring item whose start is earlier (birthdays,
 * anniversaries) starts at its first occurrence on or after `minDate`, so the phone still shows
 * every occurrence it can hold on the right day; a one-off item (or a series over before then)
 * is moved to `minDate`, its time of day and length kept. End and absolute alarms move with the
 * start; a todo's due and completed dates are clamped to `minDate`. The stored item keeps its
 * real dates (see mergeItem: what the device sends back of a moved item is not an edit).
 */
export function clampToMinDate(item: CalItem, minDate: string): CalItem {
  const out: CalItem = { ...item };
  const start = item.start;
  if (start !== undefined && start.slice(0, 8) < minDate) {
    const moved = item.rrule === undefined ? undefined : firstOccurrenceFrom(start, item.rrule, minDate);
    const next = moved?.start ?? onDate(start, minDate);
    const delta = minutesBetween(start.replace(/Z$/, ''), next.replace(/Z$/, ''));
    out.start = next;
    if (item.end !== undefined) out.end = addMinutes(item.end, delta);
    out.alarms = item.alarms.map((a) => (a.at === undefined ? a : { ...a, at: addMinutes(a.at, delta) }));
    if (moved !== undefined) out.rrule = moved.rrule;
    else delete out.rrule;
  }
  for (const f of ['due', 'completed'] as const) {
    const v = out[f];
    if (v !== undefined && v.slice(0, 8) < minDate) out[f] = onDate(v, minDate);
  }
  return out;
}

/**
 * An item as the device takes it, before the writer: dates moved to its minDate, date-times in
 * its `times` form, CATEGORIES values with its prefix.
 */
export function itemForDevice(item: CalItem, dev: DeviceFormat): CalItem {
  const clamped = dev.minDate === undefined ? item : clampToMinDate(item, dev.minDate);
  const timed = timesForDevice(clamped, dev);
  return dev.categoriesPrefix === undefined ? timed : { ...timed, categories: categoriesForDevice(timed.categories, dev) };
}

/**
 * An item from the device, before it is stored: floating times of a `times: local` device made
 * UTC in its zone (what {@link itemForDevice} sent as local time comes back as the stored UTC
 * time), its CATEGORIES prefix taken off.
 */
export function itemFromDevice(item: CalItem, dev: DeviceFormat): CalItem {
  const zone = zoneOf(dev);
  const timed = dev.times === 'local' ? mapTimes(item, (t) => localToUtc(t, zone), true) : item;
  return dev.categoriesPrefix === undefined ? timed : { ...timed, categories: categoriesFromDevice(timed.categories, dev) };
}

/**
 * Alarms in the form the device reads, for iCalendar output. `alarmsUtc` (Nokia, Sony Ericsson
 * misread relative alarms): absolute UTC triggers whenever the time is known in UTC. Otherwise
 * an absolute floating time (from a 1.0 device) becomes a trigger relative to a floating start,
 * as RFC 5545 3.8.6.3 wants absolute triggers in UTC.
 */
export function alarmsFor20(item: CalItem, alarmsUtc: boolean): CalItem {
  const base = item.start ?? item.due;
  const alarms = item.alarms.map((a): CalAlarm => {
    const at = alarmTime(item, a);
    const desc = a.description === undefined ? {} : { description: a.description };
    if (alarmsUtc && at?.endsWith('Z') === true) return { action: a.action, at, ...desc };
    if (!alarmsUtc && a.at !== undefined && !a.at.endsWith('Z') && base !== undefined && !base.endsWith('Z')) {
      const start = base.length === 8 ? `${base}T000000` : base;
      return { action: a.action, minutesBefore: minutesBetween(a.at, start), ...desc };
    }
    return a;
  });
  return { ...item, alarms };
}

/** An item's fields as plain JSON (the unknown lines left out). */
export function itemFields(item: CalItem): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: item.kind };
  const keys = ['uid', 'summary', 'description', 'location', 'start', 'end', 'due', 'allDay', 'rrule', 'status', 'priority', 'completed'] as const;
  for (const k of keys) if (item[k] !== undefined) out[k] = item[k];
  if (item.alarms.length > 0) out.alarms = item.alarms.map((a) => ({ ...a, ...(alarmTime(item, a) === undefined ? {} : { time: alarmTime(item, a) }) }));
  if (item.categories.length > 0) out.categories = [...item.categories];
  return out;
}
