/**
 * The contacts content handler: vCard 3.0 (`text/vcard`) and 2.1 (`text/x-vcard`).
 *
 * Stored form: vCard 3.0 in UTF-8 (`text/vcard`), empty properties dropped, every other
 * property kept as the device sent it (groups, parameters, X- properties, PHOTO bytes). Match
 * key: the normalised name (vcard-merge normaliseForMatch), or for a card without a name its
 * first e-mail or phone; `same` then wants a shared phone or e-mail (see {@link sameContact}).
 * Pure.
 */
import { isStructured, parseVCard, typesOf, writeVCard, type VCard, type VCardProperty } from '../../formats/vcard.js';
import { mergeVCards, normaliseForMatch, type VCardMatchKey } from '../../formats/vcard-merge.js';
import type { ContentFormat, ContentHandler, DeviceFormat, ItemRecord, NormalisedItem } from '../ports.js';
import {
  badData, binaryBytes, binaryString, encodeOutput, fieldLimit, inputCharset, mediaTypeOf, parsing, pickFormat, supportedSet,
  truncate, unsupportedType, utf8, type Producible,
} from './common.js';
import { joinLines, splitBlocks } from './split.js';

/** The type of the stored form. */
export const CONTACT_STORED_TYPE = 'text/vcard';

const FORMATS: readonly ContentFormat[] = [
  { type: 'text/vcard', version: '3.0' },
  { type: 'text/x-vcard', version: '2.1' },
];

/** What render writes: either version under either type name (the device's version wins). */
const PRODUCIBLE: readonly Producible[] = [
  { type: 'text/vcard', versions: ['3.0', '2.1'] },
  { type: 'text/x-vcard', versions: ['2.1', '3.0'] },
];

/** Types normalise takes (text/directory: RFC 2425's name for 3.0). */
const TAKES = new Set(['text/vcard', 'text/x-vcard', 'text/directory']);

/** The properties the bridge keeps and names in its CTCap (it keeps every other one too). */
const CTCAP: readonly string[] = [
  'BEGIN', 'END', 'VERSION', 'N', 'FN', 'NICKNAME', 'TEL', 'EMAIL', 'ADR', 'LABEL', 'ORG', 'TITLE', 'ROLE', 'NOTE',
  'URL', 'BDAY', 'PHOTO', 'CATEGORIES', 'UID', 'REV', 'GEO', 'TZ', 'X-IRMC-LUID',
];

function isEmpty(p: VCardProperty): boolean {
  return p.data === undefined ? p.values.every((v) => v.trim() === '') : p.data.length === 0;
}

/** Match key parts of a stored card. */
function matchParts(data: Uint8Array): VCardMatchKey {
  return normaliseForMatch(parseStored(data));
}

/** The slow-sync match key: `contact|<name>`, or `contact|~<email or phone>` without a name. */
function contactKey(card: VCard): string | null {
  const k = normaliseForMatch(card);
  if (k.name !== '') return `contact|${k.name}`;
  const other = k.emails[0] ?? k.phones[0];
  return other === undefined ? null : `contact|~${other}`;
}

/** FN, else the name from N, else ORG, e-mail or phone. */
function contactLabel(card: VCard): string {
  const first = (name: string): VCardProperty | undefined => card.properties.find((p) => p.name === name && !isEmpty(p));
  const fn = first('FN');
  if (fn !== undefined) return fn.value.trim();
  const n = first('N');
  if (n !== undefined) {
    const [family = '', given = '', additional = '', prefix = '', suffix = ''] = n.values;
    return [prefix, given, additional, family, suffix].map((s) => s.trim()).filter((s) => s !== '').join(' ');
  }
  return (first('ORG')?.values[0] ?? first('EMAIL')?.value ?? first('TEL')?.value ?? '').trim();
}

/** A card in the stored form. */
function storeCard(card: VCard): NormalisedItem {
  const clean: VCard = { version: '3.0', properties: card.properties.filter((p) => !isEmpty(p)) };
  return {
    contentType: CONTACT_STORED_TYPE,
    data: utf8(writeVCard(clean, '3.0', { dropEmpty: true })),
    matchKey: contactKey(clean),
    label: contactLabel(clean),
  };
}

/** Parse a stored card (any version is read; the stored form is 3.0 UTF-8). */
function parseStored(data: Uint8Array): VCard {
  return parsing(() => parseVCard(data));
}

/**
 * A property cut to the device's field limit: text to `max` characters (structured values
 * component by component, the `;` separators counted); a binary value (PHOTO) longer than `max`
 * base64 characters cannot be cut and is left out (undefined).
 */
function limitProperty(p: VCardProperty, dev: DeviceFormat): VCardProperty | undefined {
  const max = fieldLimit(dev, p.name);
  if (max === undefined) return p;
  if (p.data !== undefined) return Math.ceil(p.data.length / 3) * 4 <= max ? p : undefined;
  if (!isStructured(p.name)) {
    const v = truncate(p.values[0] ?? p.value, max);
    return v === (p.values[0] ?? p.value) ? p : { ...p, value: v, values: [v] };
  }
  let left = max;
  const values = p.values.map((v, i) => {
    left -= i === 0 ? 0 : 1;
    if (left <= 0) return '';
    const cut = truncate(v, left);
    left -= Array.from(cut).length;
    return cut;
  });
  return values.every((v, i) => v === p.values[i]) ? p : { ...p, value: values.join(';'), values };
}

function sameProperty(a: VCardProperty, b: VCardProperty): boolean {
  return a.name === b.name && a.values.join(';') === b.values.join(';') && typesOf(a).join(',') === typesOf(b).join(',');
}

/**
 * The merged card: mergeVCards with the device's supported properties (undefined: the
 * incoming card wins entirely); then what the device could not hold is taken back from the
 * stored card: the UID when the device sent none, a value it got cut to its field limit and
 * sent back unchanged, a PHOTO left out for its size.
 */
function mergeCards(stored: VCard, incoming: VCard, dev: DeviceFormat): VCard {
  const supported = supportedSet(dev);
  const merged = supported === undefined ? incoming : mergeVCards(stored, incoming, supported);
  const props = merged.properties.map((p) => {
    if (fieldLimit(dev, p.name) === undefined) return p;
    const original = stored.properties.find((s) => {
      const cut = limitProperty(s, dev);
      return cut !== undefined && cut !== s && sameProperty(cut, p);
    });
    return original ?? p;
  });
  const names = new Set(props.map((p) => p.name));
  for (const s of stored.properties) {
    const leftOut = s.data !== undefined && limitProperty(s, dev) === undefined;
    if ((s.name === 'UID' || leftOut) && !names.has(s.name)) props.push(s);
  }
  return { version: '3.0', properties: props };
}

/**
 * True when two cards with equal match keys are one contact: their names agree (the key) and
 * they share a phone number or e-mail address, or one of them has neither (a phone that keeps no
 * e-mail must still find the card it got).
 */
function sameContact(a: VCardMatchKey, b: VCardMatchKey): boolean {
  if (a.name !== b.name) return false;
  const aAny = a.phones.length + a.emails.length > 0;
  const bAny = b.phones.length + b.emails.length > 0;
  if (!aAny || !bAny) return true;
  return a.phones.some((p) => b.phones.includes(p)) || a.emails.some((e) => b.emails.includes(e));
}

/** FN from N, ORG, e-mail or phone, for a 3.0 card without one (RFC 2426 requires FN). */
function withFn(card: VCard): VCard {
  if (card.properties.some((p) => p.name === 'FN')) return card;
  const label = contactLabel(card);
  if (label === '') return card;
  const fn: VCardProperty = { name: 'FN', params: [], value: label, values: [label] };
  const at = card.properties.findIndex((p) => p.name === 'N');
  const props = [...card.properties];
  props.splice(at < 0 ? 0 : at + 1, 0, fn);
  return { ...card, properties: props };
}

function typedValues(card: VCard, name: string): Array<{ value: string; types: string[] }> {
  return card.properties.filter((p) => p.name === name).map((p) => ({ value: p.value, types: typesOf(p) }));
}

/** The card's fields as plain JSON. */
function cardFields(card: VCard): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const first = (name: string): VCardProperty | undefined => card.properties.find((p) => p.name === name);
  const text = (key: string, name: string): void => {
    const p = first(name);
    if (p !== undefined) out[key] = p.value;
  };
  text('fn', 'FN');
  const n = first('N');
  if (n !== undefined) {
    const [family = '', given = '', additional = '', prefix = '', suffix = ''] = n.values;
    out.n = { family, given, additional, prefix, suffix };
  }
  text('nickname', 'NICKNAME');
  out.tel = typedValues(card, 'TEL');
  out.email = typedValues(card, 'EMAIL');
  const adr = card.properties.filter((p) => p.name === 'ADR').map((p) => {
    const [poBox = '', extended = '', street = '', locality = '', region = '', postalCode = '', country = ''] = p.values;
    return { types: typesOf(p), poBox, extended, street, locality, region, postalCode, country };
  });
  if (adr.length > 0) out.adr = adr;
  const org = first('ORG');
  if (org !== undefined) out.org = [...org.values];
  for (const [key, name] of [['title', 'TITLE'], ['role', 'ROLE'], ['note', 'NOTE'], ['bday', 'BDAY'], ['uid', 'UID'], ['rev', 'REV']] as const) text(key, name);
  const urls = card.properties.filter((p) => p.name === 'URL').map((p) => p.value);
  if (urls.length > 0) out.url = urls;
  const cats = card.properties.filter((p) => p.name === 'CATEGORIES').flatMap((p) => p.value.split(',').map((c) => c.trim()).filter((c) => c !== ''));
  if (cats.length > 0) out.categories = cats;
  const photo = first('PHOTO');
  if (photo !== undefined) out.photo = photo.data === undefined ? { uri: photo.value } : { types: typesOf(photo), bytes: photo.data.length };
  const known = new Set(['FN', 'N', 'NICKNAME', 'TEL', 'EMAIL', 'ADR', 'ORG', 'TITLE', 'ROLE', 'NOTE', 'BDAY', 'UID', 'REV', 'URL', 'CATEGORIES', 'PHOTO']);
  const other = card.properties.filter((p) => !known.has(p.name)).map((p) => ({ name: p.name, value: p.data === undefined ? p.value : `(${p.data.length} bytes)` }));
  if (other.length > 0) out.other = other;
  return out;
}

/** The contacts handler. */
export function createContactsHandler(): ContentHandler {
  return {
    kind: 'contacts',
    formats: FORMATS,

    ctcap(type: string): readonly string[] {
      return TAKES.has(mediaTypeOf(type, new Uint8Array()).type) ? CTCAP : [];
    },

    normalise(data: Uint8Array, type: string | undefined, dev: DeviceFormat): NormalisedItem {
      const media = mediaTypeOf(type, data);
      if (!TAKES.has(media.type)) throw unsupportedType('contacts', media.type);
      const charset = inputCharset(media, dev, data);
      return storeCard(parsing(() => parseVCard(data, charset === undefined ? {} : { defaultCharset: charset })));
    },

    merge(stored: ItemRecord, incoming: NormalisedItem, dev: DeviceFormat): NormalisedItem {
      return storeCard(mergeCards(parseStored(stored.data), parseStored(incoming.data), dev));
    },

    same(a: Uint8Array, b: Uint8Array): boolean {
      return sameContact(matchParts(a), matchParts(b));
    },

    render(item: ItemRecord, dev: DeviceFormat): { contentType: string; data: Uint8Array } {
      const format = pickFormat(dev.accepts, PRODUCIBLE, { type: 'text/vcard', version: '3.0' });
      const card = parseStored(item.data);
      const props = card.properties.map((p) => limitProperty(p, dev)).filter((p): p is VCardProperty => p !== undefined);
      const limited: VCard = { version: card.version, properties: props };
      if (format.version === '2.1') {
        // 2.1: non-ASCII values as QUOTED-PRINTABLE of the device's charset, with CHARSET.
        const text = writeVCard(limited, '2.1', { charset: dev.charset ?? 'UTF-8', dropEmpty: true });
        return { contentType: format.type, data: encodeOutput(text, dev.charset) };
      }
      const text = writeVCard(withFn(limited), '3.0', { dropEmpty: true });
      return { contentType: format.type, data: encodeOutput(text, dev.charset) };
    },

    fields(item: ItemRecord): Record<string, unknown> {
      return cardFields(parseStored(item.data));
    },

    split(file: Uint8Array, type: string | undefined): Array<{ data: Uint8Array; type: string }> {
      if (type !== undefined && type.trim() !== '') {
        const media = mediaTypeOf(type, file);
        if (!TAKES.has(media.type)) throw unsupportedType('contacts', media.type);
      }
      const blocks = splitBlocks(binaryString(file), 'VCARD');
      if (blocks.length === 0) throw badData('no BEGIN:VCARD in the file', 'NO_BEGIN');
      return blocks.map((lines) => {
        const v3 = lines.some((l) => /^[ \t]*VERSION[ \t]*:[ \t]*[34]\.0/i.test(l));
        return { data: binaryBytes(joinLines(lines)), type: v3 ? 'text/vcard' : 'text/x-vcard' };
      });
    },
  };
}
