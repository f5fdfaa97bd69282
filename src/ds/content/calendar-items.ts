/**
 * Calendar item helpers of the calendar and tasks handlers: unknown 1.0 properties made fit for
 * the stored iCalendar (and back), field-level merge, field limits, alarm forms per device, and
 * the JSON fields. Pure.
 */
import { alarmTime, minutesBetween, type CalAlarm, type CalItem } from '../../formats/calendar-model.js';
import { parseContentLine } from '../../formats/calendar-lines.js';
import type { DeviceFormat } from '../ports.js';
import { fieldLimit, isTruncationOf, supportedSet, truncate } from './common.js';

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
    if (mine !== undefined && theirs !== undefined && isTruncationOf(mine, theirs, fieldLimit(dev, name))) out[field] = theirs;
  }
  return out;
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
