/**
 * Conflicts (issue 4, "Conflicts"): a client change to an item that also changed on the server
 * since the device's last good sync. The policy is configurable; the default, merge, keeps both
 * sides' fields (the client's value wins for a field both changed), so nothing typed on either
 * side is lost. Pure.
 */
import type { ConflictPolicy, ContentHandler, DeviceFormat, ItemRecord, NormalisedItem } from './ports.js';

/** What to do with the client's version of a conflicting item. */
export type ConflictOutcome =
  /** Store `item`; `echo`: the client must receive the stored result (it differs from what it sent). */
  | { readonly kind: 'write'; readonly item: NormalisedItem; readonly echo: boolean; readonly status: 207 | 208; readonly resolution: string }
  /** Keep the server's version; the client receives it. */
  | { readonly kind: 'keep-server'; readonly status: 419; readonly resolution: string }
  /** Keep both: the client's version becomes a new item, the server's is sent to the client as new. */
  | { readonly kind: 'duplicate'; readonly status: 209; readonly resolution: string };

const STAMP = /^(?:REV|LAST-MODIFIED|DTSTAMP)(?:;[^:\r\n]*)?:\s*(\d{8}T\d{6}Z?|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z?)\s*$/im;

/** The change time a vCard/iCalendar item carries (REV, LAST-MODIFIED, DTSTAMP), ms since the epoch. */
export function itemTimestamp(data: Uint8Array): number | undefined {
  const text = Buffer.from(data.buffer, data.byteOffset, Math.min(data.byteLength, 64 * 1024)).toString('latin1');
  const m = STAMP.exec(text);
  if (m === null) return undefined;
  const v = m[1]!;
  const iso = v.includes('-') ? v : `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}T${v.slice(9, 11)}:${v.slice(11, 13)}:${v.slice(13, 15)}${v.endsWith('Z') ? 'Z' : ''}`;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Settle a conflicting Replace. `incoming` is the client's item already normalised; `dev` what
 * the device keeps.
 */
export function resolveConflict(policy: ConflictPolicy, handler: ContentHandler, stored: ItemRecord, incoming: NormalisedItem, dev: DeviceFormat): ConflictOutcome {
  switch (policy) {
    case 'client-wins':
      return { kind: 'write', item: handler.merge(stored, incoming, dev), echo: false, status: 208, resolution: 'client wins' };
    case 'server-wins':
      return { kind: 'keep-server', status: 419, resolution: 'server wins' };
    case 'duplicate':
      return { kind: 'duplicate', status: 209, resolution: 'duplicate: both kept' };
    case 'newest-wins': {
      const t = itemTimestamp(incoming.data);
      // Without a timestamp in the item, the client's change is taken as the newer one: it
      // arrives now, and the server's change is older than this session.
      if (t !== undefined && t < stored.modified) return { kind: 'keep-server', status: 419, resolution: 'newest wins: server' };
      return { kind: 'write', item: handler.merge(stored, incoming, dev), echo: false, status: 208, resolution: 'newest wins: client' };
    }
    case 'merge': {
      // Field-level merge: the client's fields win where it sent them; every field it did not
      // send is kept from the server's version (the device gets the merged item back).
      const merged = handler.merge(stored, incoming, { ...dev, supportedProps: presentProps(incoming.data) });
      const echo = !sameBytes(merged.data, incoming.data);
      return { kind: 'write', item: merged, echo, status: 207, resolution: echo ? 'merged' : 'merged (client had everything)' };
    }
  }
}

/** The property names present in a vCard / iCalendar text (upper case). */
function presentProps(data: Uint8Array): ReadonlySet<string> {
  const names = new Set<string>();
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
  for (const line of text.split(/\r?\n/)) {
    const m = /^(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)[;:]/.exec(line);
    if (m !== null) names.add(m[1]!.toUpperCase());
  }
  return names;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
