/**
 * The notes content handler: `text/plain` (what Nokias and SyncEvolution's memo datastore use,
 * so it is preferred) and vNote 1.1 (`text/x-vnote`, Sony Ericsson and other vNote phones).
 *
 * Stored form: vNote 1.1 in UTF-8 (`text/x-vnote`), so that a vNote's summary and categories
 * survive; as text/plain a note is its body, with the summary in front when it is not the
 * body's first line (formats/vnote). Match key: calendar-model noteMatchKey (the summary, else
 * the start of the body). Pure.
 */
import { noteMatchKey, type Note } from '../../formats/calendar-model.js';
import { parseNote, writeNote } from '../../formats/vnote.js';
import type { ContentFormat, ContentHandler, DeviceFormat, ItemRecord, NormalisedItem } from '../ports.js';
import {
  badData, binaryBytes, binaryString, decodeText, encodeOutput, fieldLimit, inputCharset, isTruncationOf, mediaTypeOf,
  parsing, pickFormat, supportedSet, truncate, unsupportedType, utf8, type Producible,
} from './common.js';
import { joinLines, splitBlocks } from './split.js';

/** The type of the stored form. */
export const NOTE_STORED_TYPE = 'text/x-vnote';

const FORMATS: readonly ContentFormat[] = [
  { type: 'text/plain', version: '1.0' },
  { type: 'text/x-vnote', version: '1.1' },
];

const PRODUCIBLE: readonly Producible[] = [
  { type: 'text/plain', versions: ['1.0'] },
  { type: 'text/x-vnote', versions: ['1.1'] },
];

const TAKES = new Set(['text/plain', 'text/x-vnote']);
const VNOTE_CAP: readonly string[] = ['BEGIN', 'END', 'VERSION', 'BODY', 'SUMMARY', 'CATEGORIES'];
/** What a text/plain note can carry. */
const PLAIN_PROPS: ReadonlySet<string> = new Set(['SUMMARY', 'BODY']);

/** A text that starts as a vNote. */
const BEGIN_VNOTE = /^\s*BEGIN[ \t]*:[ \t]*VNOTE[ \t]*(\r\n|\n|\r|$)/i;

function storeNote(note: Note): NormalisedItem {
  const empty = note.summary.trim() === '' && note.body.trim() === '';
  return {
    contentType: NOTE_STORED_TYPE,
    data: utf8(writeNote(note, 'text/x-vnote')),
    matchKey: empty ? null : noteMatchKey(note),
    label: note.summary !== '' ? note.summary : (note.body.split('\n')[0] ?? '').trim(),
  };
}

/** Parse a note text: a vNote when it is one (whatever the declared type says), else plain text. */
function parseText(text: string, declared: string, charset: string | undefined): Note {
  const vnote = declared === 'text/x-vnote' || BEGIN_VNOTE.test(text.slice(0, 4096));
  return parseNote(text, vnote ? 'text/x-vnote' : 'text/plain', charset === undefined ? {} : { charset });
}

function parseStored(data: Uint8Array): Note {
  return parsing(() => parseText(decodeText(data, undefined), '', undefined));
}

/** The note as the text a text/plain device holds, for comparisons. */
function plainText(note: Note): string {
  return writeNote(note, 'text/plain').replace(/\s+$/, '');
}

function comparable(note: Note): string {
  return plainText(note).normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

function renderFormat(dev: DeviceFormat): ContentFormat {
  return pickFormat(dev.accepts, PRODUCIBLE, { type: 'text/plain', version: '1.0' });
}

/**
 * Merge: the incoming note wins for SUMMARY, BODY and CATEGORIES as far as the device keeps
 * them (a text/plain device keeps no categories); text the device got cut to its field limit
 * and sent back unchanged is kept from the stored note.
 */
function mergeNotes(stored: Note, incoming: Note, dev: DeviceFormat): Note {
  const plain = renderFormat(dev).type === 'text/plain';
  if (plain) {
    const s = plainText(stored);
    const i = plainText(incoming);
    // The device sent back what it got: keep the stored summary, body and categories.
    if (i === s || isTruncationOf(i, s, fieldLimit(dev, 'BODY'))) return stored;
  }
  const supported = supportedSet(dev) ?? (plain ? PLAIN_PROPS : undefined);
  const take = (name: string): boolean => supported === undefined || supported.has(name);
  const out: Note = {
    summary: take('SUMMARY') ? incoming.summary : stored.summary,
    body: take('BODY') ? incoming.body : stored.body,
    categories: take('CATEGORIES') ? [...incoming.categories] : [...stored.categories],
  };
  if (isTruncationOf(out.summary, stored.summary, fieldLimit(dev, 'SUMMARY'))) out.summary = stored.summary;
  if (isTruncationOf(out.body, stored.body, fieldLimit(dev, 'BODY'))) out.body = stored.body;
  return out;
}

/** The notes handler. */
export function createNotesHandler(): ContentHandler {
  return {
    kind: 'notes',
    formats: FORMATS,

    ctcap(type: string): readonly string[] {
      return mediaTypeOf(type, new Uint8Array()).type === 'text/x-vnote' ? VNOTE_CAP : [];
    },

    normalise(data: Uint8Array, type: string | undefined, dev: DeviceFormat): NormalisedItem {
      const media = mediaTypeOf(type, data);
      if (!TAKES.has(media.type)) throw unsupportedType('notes', media.type);
      const charset = inputCharset(media, dev, data);
      return storeNote(parsing(() => parseText(decodeText(data, charset), media.type, charset)));
    },

    merge(stored: ItemRecord, incoming: NormalisedItem, dev: DeviceFormat): NormalisedItem {
      return storeNote(mergeNotes(parseStored(stored.data), parseStored(incoming.data), dev));
    },

    /** Same note: equal text (case and spacing aside), or one the start of the other (a device that cut it). */
    same(a: Uint8Array, b: Uint8Array): boolean {
      const x = comparable(parseStored(a));
      const y = comparable(parseStored(b));
      if (x === y) return true;
      return x !== '' && y !== '' && (x.startsWith(y) || y.startsWith(x));
    },

    render(item: ItemRecord, dev: DeviceFormat): { contentType: string; data: Uint8Array } {
      const format = renderFormat(dev);
      const note = parseStored(item.data);
      const cut = (text: string, name: string): string => {
        const max = fieldLimit(dev, name);
        return max === undefined ? text : truncate(text, max);
      };
      if (format.type === 'text/plain') {
        return { contentType: format.type, data: encodeOutput(cut(writeNote(note, 'text/plain'), 'BODY'), dev.charset) };
      }
      const limited: Note = { ...note, summary: cut(note.summary, 'SUMMARY'), body: cut(note.body, 'BODY') };
      const text = writeNote(limited, 'text/x-vnote', dev.charset === undefined ? {} : { charset: dev.charset });
      return { contentType: format.type, data: encodeOutput(text, dev.charset) };
    },

    fields(item: ItemRecord): Record<string, unknown> {
      const note = parseStored(item.data);
      return { summary: note.summary, body: note.body, categories: [...note.categories] };
    },

    split(file: Uint8Array, type: string | undefined): Array<{ data: Uint8Array; type: string }> {
      const declared = type === undefined || type.trim() === '' ? undefined : mediaTypeOf(type, file).type;
      if (declared !== undefined && !TAKES.has(declared)) throw unsupportedType('notes', declared);
      const bin = binaryString(file);
      const blocks = declared === 'text/plain' ? [] : splitBlocks(bin, 'VNOTE');
      if (blocks.length > 0) return blocks.map((lines) => ({ data: binaryBytes(joinLines(lines)), type: 'text/x-vnote' }));
      if (declared === 'text/x-vnote') throw badData('no BEGIN:VNOTE in the file', 'NO_BEGIN');
      return bin.trim() === '' ? [] : [{ data: file, type: 'text/plain' }];
    },
  };
}
