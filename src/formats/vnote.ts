/**
 * Notes: vNote 1.1 (`BEGIN:VNOTE`, BODY, SUMMARY, CATEGORIES; QP and CHARSET as in 1.0 objects)
 * and text/plain (the first line is the summary) to and from the neutral {@link Note}.
 */
import { type Note, formatError } from './calendar-model.js';
import { foldLine, isEmptyLine, parseContentLine, unfoldLines, writeProp, MAX_OBJECT } from './calendar-lines.js';

/** Note content types understood here. */
export type NoteType = 'text/x-vnote' | 'text/plain';

/** Charset options of {@link parseNote} and {@link writeNote} (vNote QP values). */
export interface NoteCharsetOptions {
  /** Parse: charset of QP values without CHARSET (default UTF-8, else Latin-1). Write: charset of QP values (default UTF-8). */
  readonly charset?: string;
}

/** Options of {@link writeNote} for vNote output (device profile settings). */
export interface NoteWriteOptions extends NoteCharsetOptions {
  /** QP for values with 8-bit characters (default true); false: characters with CHARSET. */
  readonly quoteEightBit?: boolean;
  /** Leave out properties with an empty value (Siemens SX1). */
  readonly dropEmpty?: boolean;
  /** Fold lines longer than 75 octets (default true). */
  readonly fold?: boolean;
}

/**
 * Undo vNote text escapes (`\n`, `\;`, `\,`, `\\`).
 * @param value escaped text
 */
function unesc(value: string): string {
  return value.replace(/\\([nN;,\\])/g, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

/**
 * Parse a note of a given type.
 * @param text note text
 * @param type `text/x-vnote` or `text/plain`
 * @param opts charset of QP values without CHARSET
 */
export function parseNote(text: string, type: NoteType, opts: NoteCharsetOptions = {}): Note {
  if (type === 'text/plain') {
    if (text.length > MAX_OBJECT) throw formatError('note too large', 'TOO_LARGE');
    const body = text.replace(/\r\n?/g, '\n');
    const summary = (body.split('\n')[0] ?? '').trim();
    return { summary, body, categories: [] };
  }
  if (type !== 'text/x-vnote') throw formatError(`unsupported note type ${String(type)}`, 'UNSUPPORTED', 415);
  const lines = unfoldLines(text);
  if (!lines.some((l) => /^BEGIN:VNOTE$/i.test(l.trim()))) throw formatError('no BEGIN:VNOTE', 'NO_BEGIN');
  const note: Note = { summary: '', body: '', categories: [] };
  let hasSummary = false;
  for (const raw of lines) {
    if (/^(BEGIN|END|VERSION):/i.test(raw)) continue;
    const line = parseContentLine(raw, opts.charset);
    const value = unesc(line.value).replace(/\r\n?/g, '\n');
    if (line.name === 'BODY') note.body = value;
    else if (line.name === 'SUMMARY') { note.summary = value; hasSummary = true; }
    else if (line.name === 'CATEGORIES') note.categories = line.value.split(/(?<!\\)[,;]/).map(unesc).map((c) => c.trim()).filter((c) => c !== '');
  }
  if (!hasSummary) note.summary = (note.body.split('\n')[0] ?? '').trim();
  return note;
}

/**
 * Escape vNote text.
 * @param value plain text
 */
function esc(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,');
}

/**
 * Write a note in a given type.
 * @param note the note
 * @param type `text/x-vnote` or `text/plain`
 * @param opts charset of QP values, QP of 8-bit values, empty properties, folding (vNote)
 */
export function writeNote(note: Note, type: NoteType, opts: NoteWriteOptions = {}): string {
  if (type === 'text/plain') {
    const first = note.body.split('\n')[0] ?? '';
    if (note.summary === '' || first.trim() === note.summary.trim()) return note.body;
    return `${note.summary}\n${note.body}`;
  }
  if (type !== 'text/x-vnote') throw formatError(`unsupported note type ${String(type)}`, 'UNSUPPORTED', 415);
  const lines = ['BEGIN:VNOTE', 'VERSION:1.1'];
  // Multi-line bodies go out as QP (what Nokia and Sony Ericsson send); single lines stay plain.
  const cs = opts.charset ?? 'UTF-8';
  const q = opts.quoteEightBit !== false;
  const props = [writeProp('BODY', esc(note.body), cs, q), writeProp('SUMMARY', esc(note.summary), cs, q)];
  if (note.categories.length > 0) props.push(writeProp('CATEGORIES', note.categories.map(esc).join(','), cs, q));
  lines.push(...(opts.dropEmpty === true ? props.filter((l) => !isEmptyLine(l)) : props));
  lines.push('END:VNOTE');
  return `${(opts.fold === false ? lines : lines.map(foldLine)).join('\r\n')}\r\n`;
}
