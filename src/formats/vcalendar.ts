/**
 * vCalendar 1.0 (events and todos) to and from the neutral {@link CalItem}: hand-written, with
 * DALARM/AALARM, QP and CHARSET, 1.0 RRULE syntax, and the all-day forms phones send
 * (date only, T000000..T240000 as on UIQ, T000000..next day T000000).
 */
import {
  type CalAlarm, type CalItem, addMinutes, alarmTime, emptyItem, formatError, normaliseStatus, normaliseTime,
} from './calendar-model.js';
import { foldLine, isEmptyLine, parseContentLine, unfoldLines, writeProp as writeProp1 } from './calendar-lines.js';
import { parseRrule1, writeRrule1 } from './calendar-rrule.js';

/**
 * Options for {@link writeVCalendar}. Times are written as the items carry them: the content
 * layer (src/ds/content/calendar-items.ts itemForDevice) converts them to what the device wants
 * (UTC or local time, no dates before its minimum) before writing.
 */
export interface VCalendarWriteOptions {
  /** All-day events as `DTSTART:<day>T000000Z` / `DTEND:<last day>T240000Z` (UIQ); default floating midnight to midnight. */
  readonly allDayUtcRange?: boolean;
  /** Charset of non-ASCII values (default UTF-8; Sony Ericsson: ISO-8859-1). */
  readonly charset?: string;
  /** QP for values with 8-bit characters (default true); false: characters with CHARSET (calendar-lines writeProp). */
  readonly quoteEightBit?: boolean;
  /** Leave out properties with an empty value (Siemens SX1). */
  readonly dropEmpty?: boolean;
  /** Fold lines longer than 75 octets (default true; Motorola V3: false). */
  readonly fold?: boolean;
}

/** Options for {@link parseVCalendar}. */
export interface VCalendarParseOptions {
  /** Charset of QP values without CHARSET (Sony Ericsson: ISO-8859-1); default UTF-8, else Latin-1. */
  readonly defaultCharset?: string;
}

/**
 * Split a 1.0 structured value on unescaped `;`.
 * @param value raw value
 */
function splitSemi(value: string): string[] {
  return value.split(/(?<!\\);/).map((s) => s.replace(/\\;/g, ';'));
}

/**
 * Fix up all-day forms after the item is read.
 * @param item item being built
 */
function detectAllDay(item: CalItem): void {
  const s = item.start;
  if (s === undefined) return;
  if (s.length === 8) {
    item.allDay = true;
    if (item.end !== undefined) item.end = item.end.slice(0, 8);
    return;
  }
  const e = item.end;
  if (e === undefined || !/T000000Z?$/.test(s) || (s.endsWith('Z') !== e.endsWith('Z'))) return;
  const sDate = s.slice(0, 8);
  const eDate = e.slice(0, 8);
  const eTime = e.slice(9, 15);
  let endDate: string | undefined;
  if (eTime === '240000' || eTime === '235900' || eTime === '235959') endDate = addMinutes(eDate, 24 * 60);
  else if (eTime === '000000' && eDate > sDate) endDate = eDate;
  if (endDate === undefined) return;
  item.allDay = true;
  item.start = sDate;
  item.end = endDate;
}

/**
 * Parse a 1.0 time value; `T240000` is kept as-is for all-day detection.
 * @param value raw value
 */
function time1(value: string): string {
  const v = value.trim();
  if (/^\d{8}T240000Z?$/.test(v)) return v;
  return normaliseTime(v);
}

/**
 * Parse one DALARM/AALARM value.
 * @param action display or audio
 * @param value raw value `runTime;snooze;repeat;text`
 */
function parseAlarm1(action: CalAlarm['action'], value: string): CalAlarm | undefined {
  const [at, , , text] = splitSemi(value);
  if (at === undefined || at.trim() === '') return undefined;
  const alarm: { -readonly [K in keyof CalAlarm]: CalAlarm[K] } = { action, at: normaliseTime(at) };
  if (action === 'display' && text !== undefined && text !== '') alarm.description = text;
  return alarm;
}

/**
 * Apply one content line to an item.
 * @param item item being built
 * @param raw unfolded line
 * @param defaultCharset charset of QP values without CHARSET
 */
function applyLine(item: CalItem, raw: string, defaultCharset: string | undefined): void {
  const line = parseContentLine(raw, defaultCharset);
  const v = line.value.replace(/\r\n?/g, '\n');
  switch (line.name) {
    case 'UID': item.uid = v; break;
    case 'SUMMARY': item.summary = v; break;
    case 'DESCRIPTION': item.description = v; break;
    case 'LOCATION': item.location = v; break;
    case 'DTSTART': item.start = time1(v); break;
    case 'DTEND': item.end = time1(v); break;
    case 'DUE': item.due = normaliseTime(v); break;
    case 'COMPLETED': item.completed = normaliseTime(v); break;
    case 'PRIORITY': if (/^\d+$/.test(v.trim())) item.priority = Number(v); break;
    case 'CATEGORIES': item.categories = splitSemi(v).map((c) => c.trim()).filter((c) => c !== ''); break;
    case 'STATUS': {
      const status = normaliseStatus(v);
      if (status !== undefined) item.status = status;
      break;
    }
    case 'RRULE':
      try {
        item.rrule = parseRrule1(v);
      } catch {
        item.extra.push(raw);
      }
      break;
    case 'DALARM':
    case 'AALARM': {
      const alarm = parseAlarm1(line.name === 'DALARM' ? 'display' : 'audio', v);
      if (alarm) item.alarms.push(alarm);
      break;
    }
    default: item.extra.push(raw);
  }
}

/**
 * Parse a vCalendar 1.0 object holding any number of VEVENT/VTODO.
 * @param text object text
 * @param opts charset options
 */
export function parseVCalendar(text: string, opts: VCalendarParseOptions = {}): CalItem[] {
  const lines = unfoldLines(text);
  if (!lines.some((l) => /^BEGIN:VCALENDAR$/i.test(l.trim()))) throw formatError('no BEGIN:VCALENDAR', 'NO_BEGIN');
  const items: CalItem[] = [];
  let current: CalItem | undefined;
  let nested = 0;
  for (const l of lines) {
    const t = l.trim().toUpperCase();
    if (t === 'BEGIN:VEVENT' || t === 'BEGIN:VTODO') {
      if (current) throw formatError('nested VEVENT/VTODO', 'SYNTAX');
      current = emptyItem(t === 'BEGIN:VEVENT' ? 'event' : 'todo');
    } else if (t === 'END:VEVENT' || t === 'END:VTODO') {
      if (!current) throw formatError(`unexpected ${t}`, 'SYNTAX');
      detectAllDay(current);
      items.push(current);
      current = undefined;
    } else if (current && t.startsWith('BEGIN:')) {
      nested += 1;
    } else if (current && t.startsWith('END:') && nested > 0) {
      nested -= 1;
    } else if (current && nested === 0) {
      applyLine(current, l, opts.defaultCharset);
    }
  }
  if (current) throw formatError('missing END:VEVENT/VTODO', 'SYNTAX');
  return items;
}

/**
 * Render a time for 1.0 output (a date as its midnight).
 * @param value basic-format time
 */
function out1(value: string): string {
  return value.length === 8 ? `${value}T000000` : value;
}

/**
 * Write one item's lines.
 * @param item the item
 * @param opts writer options
 */
function itemLines(item: CalItem, opts: VCalendarWriteOptions): string[] {
  const tag = item.kind === 'event' ? 'VEVENT' : 'VTODO';
  const out = [`BEGIN:${tag}`];
  const cs = opts.charset ?? 'UTF-8';
  const q = opts.quoteEightBit !== false;
  const writeProp = (name: string, value: string, charset: string): string => writeProp1(name, value, charset, q);
  if (item.uid !== undefined) out.push(writeProp('UID', item.uid, cs));
  out.push(writeProp('SUMMARY', item.summary, cs));
  if (item.description !== undefined) out.push(writeProp('DESCRIPTION', item.description, cs));
  if (item.location !== undefined) out.push(writeProp('LOCATION', item.location, cs));
  if (item.allDay && item.start !== undefined) {
    const start = item.start.slice(0, 8);
    const end = (item.end ?? addMinutes(start, 24 * 60)).slice(0, 8);
    if (opts.allDayUtcRange === true) {
      // UIQ (HRD Device/P800.php): the first day from T000000Z, the last day up to T240000Z.
      const last = addMinutes(end, -24 * 60);
      out.push(`DTSTART:${start}T000000Z`, `DTEND:${last < start ? start : last}T240000Z`);
    } else {
      out.push(`DTSTART:${start}T000000`, `DTEND:${end}T000000`);
    }
  } else {
    if (item.start !== undefined) out.push(`DTSTART:${out1(item.start)}`);
    if (item.end !== undefined) out.push(`DTEND:${out1(item.end)}`);
  }
  if (item.due !== undefined) out.push(`DUE:${out1(item.due)}`);
  if (item.rrule) out.push(`RRULE:${writeRrule1(item.rrule.until === undefined ? item.rrule : { ...item.rrule, until: out1(item.rrule.until) })}`);
  if (item.categories.length > 0) out.push(writeProp('CATEGORIES', item.categories.map((c) => c.replace(/;/g, '\\;')).join(';'), cs));
  if (item.status !== undefined) out.push(`STATUS:${item.status === 'NEEDS-ACTION' ? 'NEEDS ACTION' : item.status}`);
  if (item.priority !== undefined) out.push(`PRIORITY:${item.priority}`);
  if (item.completed !== undefined) out.push(`COMPLETED:${out1(item.completed)}`);
  for (const alarm of item.alarms) {
    const at = alarmTime(item, alarm);
    if (at === undefined) continue;
    if (alarm.action === 'display') out.push(writeProp('DALARM', `${at};;;${(alarm.description ?? '').replace(/;/g, '\\;')}`, cs));
    else out.push(`AALARM:${at};;;`);
  }
  out.push(...item.extra, `END:${tag}`);
  return opts.dropEmpty === true ? out.filter((l) => !isEmptyLine(l)) : out;
}

/**
 * Write items as one vCalendar 1.0 object (CRLF lines, folded).
 * @param items events and todos
 * @param opts all-day form, charset, QP, empty properties, folding
 */
export function writeVCalendar(items: readonly CalItem[], opts: VCalendarWriteOptions = {}): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:1.0'];
  for (const item of items) lines.push(...itemLines(item, opts));
  lines.push('END:VCALENDAR');
  return `${(opts.fold === false ? lines : lines.map(foldLine)).join('\r\n')}\r\n`;
}
