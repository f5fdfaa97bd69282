/**
 * Splitting files of several objects for import (ContentHandler.split): top-level
 * `BEGIN:x ... END:x` blocks, and VCALENDAR objects into their header, time zones and
 * components. Works on binary strings (one char per byte) so every object keeps its bytes, and
 * so its charset, for `normalise`; line ends become CRLF. Pure.
 */

const BEGIN_END = /^[ \t]*(BEGIN|END)[ \t]*:[ \t]*([A-Za-z0-9-]+)[ \t]*$/i;

/** Physical lines of a text, line ends dropped. */
function physicalLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/);
}

/** `BEGIN` or `END` and the upper-case component name of a line, if it is one of those. */
function beginEnd(line: string): { what: 'BEGIN' | 'END'; name: string } | undefined {
  const m = BEGIN_END.exec(line);
  if (m === null) return undefined;
  return { what: (m[1] ?? '').toUpperCase() === 'BEGIN' ? 'BEGIN' : 'END', name: (m[2] ?? '').toUpperCase() };
}

/** Lines to one object text with CRLF line ends. */
export function joinLines(lines: readonly string[]): string {
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * The top-level `BEGIN:<tag> ... END:<tag>` blocks of a text, each as its lines. Nested blocks of
 * the same tag (a 2.1 AGENT card) stay inside their parent; an unclosed last block runs to the
 * end (a cut-off file), without its trailing blank lines. Text outside the blocks is ignored.
 */
export function splitBlocks(text: string, tag: string): string[][] {
  const want = tag.toUpperCase();
  const out: string[][] = [];
  let current: string[] | undefined;
  let depth = 0;
  for (const line of physicalLines(text)) {
    const be = beginEnd(line);
    if (current === undefined) {
      if (be?.what === 'BEGIN' && be.name === want) {
        current = [line];
        depth = 1;
      }
      continue;
    }
    current.push(line);
    if (be?.name !== want) continue;
    depth += be.what === 'BEGIN' ? 1 : -1;
    if (depth === 0) {
      out.push(current);
      current = undefined;
    }
  }
  if (current !== undefined) {
    while (current.length > 1 && (current[current.length - 1] ?? '').trim() === '') current.pop();
    out.push(current);
  }
  return out;
}

/** One component of a VCALENDAR (VEVENT, VTODO, VTIMEZONE, ...), with its nested ones. */
export interface CalendarComponent {
  /** Upper-case component name. */
  readonly name: string;
  /** The component's UID, when it has one (unfolded, trimmed). */
  readonly uid: string | undefined;
  /** TZID of a VTIMEZONE. */
  readonly tzid: string | undefined;
  /** TZIDs the component's properties refer to. */
  readonly tzRefs: ReadonlySet<string>;
  readonly lines: readonly string[];
}

/** One VCALENDAR of a file. */
export interface CalendarObject {
  /** The VCALENDAR's own property lines (VERSION, PRODID, TZ, ...). */
  readonly header: readonly string[];
  readonly components: readonly CalendarComponent[];
}

/** The value of the first property `name` in component lines (folded lines joined), if any. */
function firstValue(lines: readonly string[], name: string): string | undefined {
  const re = new RegExp(`^${name}[;:]`, 'i');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!re.test(line)) continue;
    let full = line;
    for (let j = i + 1; j < lines.length && /^[ \t]/.test(lines[j] ?? ''); j++) full += (lines[j] ?? '').slice(1);
    const colon = full.indexOf(':');
    return full.slice(colon + 1).trim();
  }
  return undefined;
}

function component(lines: readonly string[], name: string): CalendarComponent {
  const tzRefs = new Set<string>();
  if (name !== 'VTIMEZONE') {
    for (const line of lines) {
      const head = line.slice(0, line.indexOf(':') < 0 ? line.length : line.indexOf(':'));
      const m = /;TZID=("?)([^";:]+)\1/i.exec(head);
      if (m?.[2] !== undefined) tzRefs.add(m[2]);
    }
  }
  return {
    name,
    uid: name === 'VTIMEZONE' ? undefined : firstValue(lines, 'UID'),
    tzid: name === 'VTIMEZONE' ? firstValue(lines, 'TZID') : undefined,
    tzRefs,
    lines,
  };
}

/** Every VCALENDAR of a text, split into header and components. */
export function splitCalendars(text: string): CalendarObject[] {
  const out: CalendarObject[] = [];
  for (const block of splitBlocks(text, 'VCALENDAR')) {
    const inner = block.slice(1, beginEnd(block[block.length - 1] ?? '')?.what === 'END' && block.length > 1 ? -1 : undefined);
    const header: string[] = [];
    const components: CalendarComponent[] = [];
    let current: string[] | undefined;
    let name = '';
    let depth = 0;
    for (const line of inner) {
      const be = beginEnd(line);
      if (current === undefined) {
        if (be?.what === 'BEGIN') {
          current = [line];
          name = be.name;
          depth = 1;
        } else if (line.trim() !== '') header.push(line);
        continue;
      }
      current.push(line);
      if (be !== undefined) depth += be.what === 'BEGIN' ? 1 : -1;
      if (depth === 0) {
        components.push(component(current, name));
        current = undefined;
      }
    }
    if (current !== undefined) components.push(component(current, name));
    out.push({ header, components });
  }
  return out;
}

/**
 * Group components for import: the ones with the same UID (a recurring event and its
 * exceptions) go together, in order of first appearance; those without UID stand alone.
 */
export function groupByUid<T extends { readonly uid: string | undefined }>(items: readonly T[]): T[][] {
  const groups: T[][] = [];
  const byUid = new Map<string, T[]>();
  for (const item of items) {
    if (item.uid === undefined || item.uid === '') {
      groups.push([item]);
      continue;
    }
    const g = byUid.get(item.uid);
    if (g !== undefined) g.push(item);
    else {
      const fresh = [item];
      byUid.set(item.uid, fresh);
      groups.push(fresh);
    }
  }
  return groups;
}
