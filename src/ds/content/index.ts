/**
 * The content handlers (ports.ts ContentHandler), one per datastore kind: parsing, matching,
 * merging and rendering of vCard, iCalendar/vCalendar and vNote/text items on top of
 * src/formats. Pure.
 *
 * Stored forms: contacts vCard 3.0, calendar and tasks iCalendar 2.0, notes vNote 1.1, all UTF-8.
 */
import type { ContentFormat, ContentHandler, DeviceFormat, StoreKind } from '../ports.js';
import { createCalendarHandler } from './calendar.js';
import { createContactsHandler } from './contacts.js';
import { createNotesHandler } from './notes.js';

export { createCalendarHandler, CALENDAR_STORED_TYPE } from './calendar.js';
export { createContactsHandler, CONTACT_STORED_TYPE } from './contacts.js';
export { createNotesHandler, NOTE_STORED_TYPE } from './notes.js';
export { mediaTypeOf, sniffType } from './common.js';
export type { MediaType } from './common.js';

/** A handler for each of the four datastore kinds. */
export function createContentHandlers(): Map<StoreKind, ContentHandler> {
  return new Map<StoreKind, ContentHandler>([
    ['contacts', createContactsHandler()],
    ['calendar', createCalendarHandler('calendar')],
    ['tasks', createCalendarHandler('tasks')],
    ['notes', createNotesHandler()],
  ]);
}

/** `export --format` values as the content type they stand for. */
const EXPORT_TYPES: Readonly<Record<'vcard21' | 'vcard30' | 'ical' | 'vcal10', ContentFormat>> = {
  vcard21: { type: 'text/x-vcard', version: '2.1' },
  vcard30: { type: 'text/vcard', version: '3.0' },
  ical: { type: 'text/calendar', version: '2.0' },
  vcal10: { type: 'text/x-vcalendar', version: '1.0' },
};

/** What each kind exports without a format: vCard 3.0, iCalendar 2.0, the note text. */
const EXPORT_DEFAULTS: Readonly<Record<StoreKind, ContentFormat>> = {
  contacts: EXPORT_TYPES.vcard30,
  calendar: EXPORT_TYPES.ical,
  tasks: EXPORT_TYPES.ical,
  notes: { type: 'text/plain', version: '1.0' },
};

/**
 * The "device" an export writes for: a device that takes exactly the format asked for, in
 * UTF-8, with no field limits; without a format, the kind's default (see EXPORT_DEFAULTS).
 */
export function deviceFormatOfExport(format: 'vcard21' | 'vcard30' | 'ical' | 'vcal10' | undefined, kind: StoreKind): DeviceFormat {
  return { accepts: [format === undefined ? EXPORT_DEFAULTS[kind] : EXPORT_TYPES[format]] };
}
