/**
 * iCalendar 2.0 (RFC 5545) events and todos to and from the neutral {@link CalItem}.
 * Parsing goes through ical.js (times with TZID are resolved against the object's VTIMEZONE and
 * turned into UTC); writing is plain content lines in UTC, floating or date form, so no VTIMEZONE
 * is needed and nothing is lost when the same item later goes to a 1.0 device.
 */
import ICAL from 'ical.js';
import { SyncmlError } from '../errors.js';
import {
  type CalAlarm, type CalItem, addMinutes, emptyItem, formatError, normaliseStatus, normaliseTime,
} from './calendar-model.js';
import { MAX_LINE, MAX_OBJECT } from './calendar-lines.js';
import { foldLine } from './mime-dir.js';
import { parseRrule2, writeRrule2 } from './calendar-rrule.js';

const KNOWN = new Set([
  'uid', 'summary', 'description', 'location', 'dtstart', 'dtend', 'due', 'duration', 'rrule',
  'categories', 'status', 'priority', 'completed',
]);

/**
 * Turn an ical.js time into a basic-format neutral time.
 * @param prop the property holding the time
 * @param zones VTIMEZONEs of the object by TZID
 */
function timeOf(prop: ICAL.Property, zones: ReadonlyMap<string, ICAL.Timezone>): string {
  const t = prop.getFirstValue() as ICAL.Time;
  if (t.isDate) return normaliseTime(t.toString());
  const tzid = prop.getParameter('tzid');
  const tzName = typeof tzid === 'string' ? tzid : undefined;
  const zone = tzName === undefined ? undefined : zones.get(tzName);
  if (zone) {
    const local = ICAL.Time.fromData({
      year: t.year, month: t.month, day: t.day, hour: t.hour, minute: t.minute, second: t.second, isDate: false,
    }, zone);
    return `${normaliseTime(local.convertToZone(ICAL.Timezone.utcTimezone).toString().replace(/Z$/, ''))}Z`;
  }
  const s = normaliseTime(t.toString().replace(/Z$/, ''));
  return t.zone === ICAL.Timezone.utcTimezone || t.toString().endsWith('Z') || tzName === 'UTC' ? `${s}Z` : s;
}

/**
 * Read one VALARM.
 * @param comp VALARM component
 * @param zones VTIMEZONEs by TZID
 * @param item the owning item (its times already read)
 */
function alarmOf(comp: ICAL.Component, zones: ReadonlyMap<string, ICAL.Timezone>, item: CalItem): CalAlarm | undefined {
  const trigger = comp.getFirstProperty('trigger');
  if (!trigger) return undefined;
  const action = String(comp.getFirstPropertyValue('action') ?? 'DISPLAY').toUpperCase() === 'AUDIO' ? 'audio' : 'display';
  const alarm: { -readonly [K in keyof CalAlarm]: CalAlarm[K] } = { action };
  const value = trigger.getFirstValue();
  if (value instanceof ICAL.Duration) {
    const minutes = Math.round(value.toSeconds() / 60);
    if (String(trigger.getParameter('related') ?? '').toUpperCase() === 'END') {
      // Relative to the end: 1.0 has no such form, so pin it to an absolute time.
      const end = item.end ?? item.due;
      if (end === undefined) return undefined;
      alarm.at = addMinutes(end.length === 8 ? `${end}T000000` : end, minutes);
    } else {
      alarm.minutesBefore = -minutes;
    }
  } else {
    alarm.at = timeOf(trigger, zones);
  }
  const desc = comp.getFirstPropertyValue('description');
  if (action === 'display' && typeof desc === 'string' && desc !== '') alarm.description = desc;
  return alarm;
}

/**
 * Read one VEVENT/VTODO.
 * @param comp the component
 * @param zones VTIMEZONEs by TZID
 */
function itemOf(comp: ICAL.Component, zones: ReadonlyMap<string, ICAL.Timezone>): CalItem {
  const item = emptyItem(comp.name === 'vtodo' ? 'todo' : 'event');
  const text = (name: string): string | undefined => {
    const v = comp.getFirstPropertyValue(name);
    return v === null || v === undefined ? undefined : String(v);
  };
  let duration: ICAL.Duration | undefined;
  for (const prop of comp.getAllProperties()) {
    const name = prop.name;
    if (!KNOWN.has(name)) { item.extra.push(prop.toICALString()); continue; }
    switch (name) {
      case 'dtstart': item.start = timeOf(prop, zones); item.allDay = item.start.length === 8; break;
      case 'dtend': item.end = timeOf(prop, zones); break;
      case 'due': item.due = timeOf(prop, zones); break;
      case 'completed': item.completed = timeOf(prop, zones); break;
      case 'duration': duration = prop.getFirstValue() as ICAL.Duration; break;
      case 'categories':
        item.categories.push(...prop.getValues().map(String).map((c) => c.trim()).filter((c) => c !== ''));
        break;
      case 'rrule':
        try {
          item.rrule = parseRrule2(String(prop.getFirstValue()));
        } catch {
          item.extra.push(prop.toICALString());
        }
        break;
      default: break;
    }
  }
  const uid = text('uid');
  if (uid !== undefined) item.uid = uid;
  item.summary = text('summary') ?? '';
  const description = text('description');
  if (description !== undefined) item.description = description;
  const location = text('location');
  if (location !== undefined) item.location = location;
  const status = text('status');
  if (status !== undefined) {
    const s = normaliseStatus(status);
    if (s !== undefined) item.status = s;
  }
  const priority = comp.getFirstPropertyValue('priority');
  if (typeof priority === 'number') item.priority = priority;
  if (duration && item.start !== undefined && item.end === undefined && item.kind === 'event') {
    item.end = addMinutes(item.start, Math.round(duration.toSeconds() / 60));
  }
  for (const a of comp.getAllSubcomponents('valarm')) {
    const alarm = alarmOf(a, zones, item);
    if (alarm) item.alarms.push(alarm);
  }
  return item;
}

/**
 * Parse an iCalendar 2.0 object holding any number of VEVENT/VTODO.
 * @param text object text
 */
export function parseICalendar(text: string): CalItem[] {
  if (text.length > MAX_OBJECT) throw formatError('object too large', 'TOO_LARGE');
  if (text.split(/\r\n|\n|\r/).some((l) => l.length > MAX_LINE)) throw formatError('line too long', 'LINE_TOO_LONG');
  if (!/^BEGIN:VCALENDAR\s*$/im.test(text)) throw formatError('no BEGIN:VCALENDAR', 'NO_BEGIN');
  let root: ICAL.Component;
  try {
    root = new ICAL.Component(ICAL.parse(text) as unknown[]);
  } catch (err) {
    throw new SyncmlError(
      `bad iCalendar: ${err instanceof Error ? err.message : String(err)}`, 'SB_ERR_FORMAT_SYNTAX', { syncmlStatus: 400, cause: err },
    );
  }
  if (root.name !== 'vcalendar') throw formatError('no BEGIN:VCALENDAR', 'NO_BEGIN');
  const zones = new Map<string, ICAL.Timezone>();
  for (const tz of root.getAllSubcomponents('vtimezone')) {
    const id = tz.getFirstPropertyValue('tzid');
    if (typeof id === 'string') zones.set(id, new ICAL.Timezone(tz));
  }
  return root.getAllSubcomponents().filter((c) => c.name === 'vevent' || c.name === 'vtodo').map((c) => itemOf(c, zones));
}

/**
 * Escape a TEXT value (RFC 5545 3.3.11).
 * @param value plain text
 */
function esc(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/**
 * A date or date-time property line.
 * @param name property name
 * @param value basic-format time
 */
function timeProp(name: string, value: string): string {
  return value.length === 8 ? `${name};VALUE=DATE:${value}` : `${name}:${value}`;
}

/**
 * Write one item's lines.
 * @param item the item
 */
function itemLines(item: CalItem): string[] {
  const tag = item.kind === 'event' ? 'VEVENT' : 'VTODO';
  const out = [`BEGIN:${tag}`];
  if (item.uid !== undefined) out.push(`UID:${esc(item.uid)}`);
  out.push(`SUMMARY:${esc(item.summary)}`);
  if (item.description !== undefined) out.push(`DESCRIPTION:${esc(item.description)}`);
  if (item.location !== undefined) out.push(`LOCATION:${esc(item.location)}`);
  if (item.start !== undefined) out.push(timeProp('DTSTART', item.allDay ? item.start.slice(0, 8) : item.start));
  if (item.end !== undefined) out.push(timeProp('DTEND', item.allDay ? item.end.slice(0, 8) : item.end));
  if (item.due !== undefined) out.push(timeProp('DUE', item.due));
  if (item.rrule) out.push(`RRULE:${writeRrule2(item.rrule)}`);
  if (item.categories.length > 0) out.push(`CATEGORIES:${item.categories.map(esc).join(',')}`);
  if (item.status !== undefined) out.push(`STATUS:${item.status}`);
  if (item.priority !== undefined) out.push(`PRIORITY:${item.priority}`);
  if (item.completed !== undefined) out.push(`COMPLETED:${item.completed}`);
  out.push(...item.extra);
  for (const alarm of item.alarms) {
    out.push('BEGIN:VALARM', `ACTION:${alarm.action === 'audio' ? 'AUDIO' : 'DISPLAY'}`);
    if (alarm.at !== undefined) out.push(`TRIGGER;VALUE=DATE-TIME:${alarm.at}`);
    else out.push(`TRIGGER:${(alarm.minutesBefore ?? 0) >= 0 ? '-' : ''}PT${Math.abs(alarm.minutesBefore ?? 0)}M`);
    if (alarm.action === 'display') out.push(`DESCRIPTION:${esc(alarm.description ?? '')}`);
    out.push('END:VALARM');
  }
  out.push(`END:${tag}`);
  return out;
}

/** Options for {@link writeICalendar}. */
export interface ICalendarWriteOptions {
  /** Fold lines longer than 75 octets (default true, RFC 5545 3.1; Motorola V3: false). */
  readonly fold?: boolean;
}

/**
 * Write items as one iCalendar 2.0 object (CRLF lines, folded unless `fold` is false).
 * @param items events and todos
 * @param opts folding
 */
export function writeICalendar(items: readonly CalItem[], opts: ICalendarWriteOptions = {}): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//syncml-bridge//formats//EN'];
  for (const item of items) lines.push(...itemLines(item));
  lines.push('END:VCALENDAR');
  return `${(opts.fold === false ? lines : lines.map((l) => foldLine(l))).join('\r\n')}\r\n`;
}
