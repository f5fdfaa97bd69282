/**
 * Merging a device's vCard update into the stored card, and the normalised keys used for
 * slow-sync duplicate detection.
 */
import type { VCard, VCardProperty } from './vcard.js';

/**
 * Merge a device's update into the stored card: the device's properties win, and properties
 * the device does not support are taken from the stored card, so an update never drops them.
 * `supportedProps` is the property list of the device's CTCap; without it, any property name
 * absent from the update counts as unsupported (kept from the stored card).
 */
export function mergeVCards(stored: VCard, incoming: VCard, supportedProps?: Iterable<string>): VCard {
  const supported = new Set<string>();
  if (supportedProps === undefined) {
    for (const p of incoming.properties) supported.add(p.name);
  } else {
    for (const name of supportedProps) supported.add(name.toUpperCase());
  }
  supported.delete('BEGIN');
  supported.delete('END');
  const kept: VCardProperty[] = stored.properties.filter((p) => !supported.has(p.name));
  return { version: incoming.version, properties: [...incoming.properties, ...kept] };
}

/** What slow-sync duplicate detection compares. */
export interface VCardMatchKey {
  /** Name tokens, lower case, without diacritics, sorted and joined with one space. */
  readonly name: string;
  /** Phone numbers, digits only, last 9 digits, sorted, unique. */
  readonly phones: readonly string[];
  /** E-mail addresses, trimmed and lower case, sorted, unique. */
  readonly emails: readonly string[];
}

function normaliseName(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[\s;,]+/u)
    .filter((t) => t !== '')
    .sort()
    .join(' ');
}

/**
 * Normalised name, phones and e-mails of a card. The name comes from N (given and family
 * names) when present, otherwise from FN, so `Anna Schmidt` and `N:Schmidt;Anna` agree.
 */
export function normaliseForMatch(card: VCard): VCardMatchKey {
  const n = card.properties.find((p) => p.name === 'N');
  const fn = card.properties.find((p) => p.name === 'FN');
  const nameText = n !== undefined && n.values.slice(0, 2).some((v) => v.trim() !== '')
    ? n.values.slice(0, 2).join(' ')
    : (fn?.value ?? '');
  const phones = new Set<string>();
  const emails = new Set<string>();
  for (const p of card.properties) {
    if (p.name === 'TEL') {
      const digits = p.value.replace(/\D/g, '');
      if (digits !== '') phones.add(digits.slice(-9));
    } else if (p.name === 'EMAIL') {
      const email = p.value.trim().toLowerCase();
      if (email !== '') emails.add(email);
    }
  }
  return { name: normaliseName(nameText), phones: [...phones].sort(), emails: [...emails].sort() };
}
