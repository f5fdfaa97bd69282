/**
 * Recurrence rules: the vCalendar 1.0 grammar (`D1 #10`, `W1 MO TU #0`, `MD1 15 20261231T000000Z`, `YM1 6 #0`)
 * and the iCalendar 2.0 RRULE (common forms), to and from the neutral {@link CalRecurrence}.
 */
import { type CalRecurrence, formatError, normaliseTime } from './calendar-model.js';

const FREQ_1: Readonly<Record<string, CalRecurrence['freq']>> = { D: 'daily', W: 'weekly', MD: 'monthly', YM: 'yearly' };
const DAYS = new Set(['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU']);

/**
 * Parse a 1.0 RRULE value. Only the common forms are understood; others throw
 * `SB_ERR_FORMAT_RRULE` so the caller can keep the line verbatim.
 * @param value RRULE value
 */
export function parseRrule1(value: string): CalRecurrence {
  const words = value.trim().split(/\s+/);
  const first = words.shift() ?? '';
  const m = /^(D|W|MD|YM)(\d+)$/.exec(first.toUpperCase());
  if (!m) throw formatError(`unsupported 1.0 RRULE: ${value.slice(0, 40)}`, 'RRULE');
  const freq = FREQ_1[m[1] ?? ''] ?? 'daily';
  let count: number | undefined = 2; // vCalendar 1.0: no duration means #2
  let until: string | undefined;
  const mods: string[] = [];
  for (const w of words) {
    if (/^#\d+$/.test(w)) count = Number(w.slice(1));
    else if (/^\d{8}T\d{6}Z?$/.test(w)) { until = normaliseTime(w); count = undefined; }
    else mods.push(w.toUpperCase());
  }
  const rule: { -readonly [K in keyof CalRecurrence]: CalRecurrence[K] } = { freq, interval: Number(m[2]) || 1 };
  if (until !== undefined) rule.until = until;
  else if (count !== undefined && count > 0) rule.count = count;
  if (freq === 'weekly' && mods.length > 0) {
    if (!mods.every((d) => DAYS.has(d))) throw formatError(`unsupported 1.0 RRULE: ${value.slice(0, 40)}`, 'RRULE');
    rule.byDay = mods;
  } else if (mods.length > 0) {
    if (!mods.every((d) => /^\d{1,2}$/.test(d))) throw formatError(`unsupported 1.0 RRULE: ${value.slice(0, 40)}`, 'RRULE');
    if (freq === 'monthly') rule.byMonthDay = mods.map(Number);
    else if (freq === 'yearly') rule.byMonth = mods.map(Number);
    else throw formatError(`unsupported 1.0 RRULE: ${value.slice(0, 40)}`, 'RRULE');
  }
  return rule;
}

/**
 * Write a neutral rule as a 1.0 RRULE value.
 * @param rule neutral rule
 */
export function writeRrule1(rule: CalRecurrence): string {
  const code = { daily: 'D', weekly: 'W', monthly: 'MD', yearly: 'YM' }[rule.freq];
  const parts = [`${code}${rule.interval}`];
  if (rule.freq === 'weekly' && rule.byDay) parts.push(...rule.byDay);
  if (rule.freq === 'monthly' && rule.byMonthDay) parts.push(...rule.byMonthDay.map(String));
  if (rule.freq === 'yearly' && rule.byMonth) parts.push(...rule.byMonth.map(String));
  if (rule.until !== undefined) parts.push(rule.until.length === 8 ? `${rule.until}T000000` : rule.until);
  else parts.push(`#${rule.count ?? 0}`);
  return parts.join(' ');
}

/**
 * Parse a 2.0 RRULE value (common forms only).
 * @param value RRULE value
 */
export function parseRrule2(value: string): CalRecurrence {
  const map = new Map<string, string>();
  for (const kv of value.split(';')) {
    const eq = kv.indexOf('=');
    if (eq > 0) map.set(kv.slice(0, eq).toUpperCase(), kv.slice(eq + 1));
  }
  const freq = (map.get('FREQ') ?? '').toLowerCase();
  if (freq !== 'daily' && freq !== 'weekly' && freq !== 'monthly' && freq !== 'yearly') {
    throw formatError(`unsupported RRULE: ${value.slice(0, 40)}`, 'RRULE');
  }
  const known = new Set(['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'BYDAY', 'BYMONTHDAY', 'BYMONTH', 'WKST']);
  for (const k of map.keys()) if (!known.has(k)) throw formatError(`unsupported RRULE part ${k}`, 'RRULE');
  const rule: { -readonly [K in keyof CalRecurrence]: CalRecurrence[K] } = { freq, interval: Number(map.get('INTERVAL') ?? 1) || 1 };
  const count = map.get('COUNT');
  const until = map.get('UNTIL');
  if (until !== undefined) rule.until = normaliseTime(until);
  else if (count !== undefined) rule.count = Number(count);
  const byDay = map.get('BYDAY');
  if (byDay !== undefined) {
    const days = byDay.split(',').map((d) => d.toUpperCase());
    if (!days.every((d) => DAYS.has(d))) throw formatError(`unsupported BYDAY ${byDay}`, 'RRULE');
    rule.byDay = days;
  }
  const bmd = map.get('BYMONTHDAY');
  if (bmd !== undefined) rule.byMonthDay = bmd.split(',').map(Number);
  const bm = map.get('BYMONTH');
  if (bm !== undefined) rule.byMonth = bm.split(',').map(Number);
  return rule;
}

/**
 * Write a neutral rule as a 2.0 RRULE value.
 * @param rule neutral rule
 */
export function writeRrule2(rule: CalRecurrence): string {
  const parts = [`FREQ=${rule.freq.toUpperCase()}`];
  if (rule.interval !== 1) parts.push(`INTERVAL=${rule.interval}`);
  if (rule.until !== undefined) parts.push(`UNTIL=${rule.until}`);
  else if (rule.count !== undefined) parts.push(`COUNT=${rule.count}`);
  if (rule.byDay) parts.push(`BYDAY=${rule.byDay.join(',')}`);
  if (rule.byMonthDay) parts.push(`BYMONTHDAY=${rule.byMonthDay.join(',')}`);
  if (rule.byMonth) parts.push(`BYMONTH=${rule.byMonth.join(',')}`);
  return parts.join(';');
}
