/**
 * The server's changes for the client (DS Protocol, package 4), packed into messages that stay
 * under the client's MaxMsgSize: one Add/Replace/Delete per item inside the datastore's Sync, an
 * item too big for the room left sent as a large object (first chunk with Meta Size, MoreData
 * on all but the last), items over the client's MaxObjSize skipped and reported, temporary short
 * ids for clients whose MaxGUIDSize is smaller than our GUIDs, and the Statuses and Maps the
 * client sends back. Pure apart from the DsStore port.
 */
import { make, type CommandDraft, type Item, type MessageBuilder, type Status, type MapCommand, type Sync } from '../syncml/index.js';
import { chunkLength } from './large-object.js';
import type { DatastoreCtx, DatastoreState, OutgoingChange } from './datastore.js';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
/** Bytes kept free in every message for what the size estimate cannot see. */
const MARGIN = 96;

/** Item data as the model carries it: text when it is UTF-8, raw bytes otherwise. */
function asData(b: Uint8Array): string | Uint8Array {
  try {
    return STRICT_UTF8.decode(b);
  } catch {
    return b;
  }
}

/** The id the client sees for a server item it does not hold yet (a temporary one when ours is too long). */
function sourceIdFor(ds: DatastoreState, guid: string): string {
  const max = ds.init.maxGuidSize;
  if (max === undefined || max <= 0 || guid.length <= max) return guid;
  const { store, device, kind } = ds.ctx;
  const table = (store.getPending(device, kind, 'tempIds') ?? {}) as Record<string, string>;
  for (const [tmp, g] of Object.entries(table)) if (g === guid) return tmp;
  const n = Object.keys(table).length + 1;
  const tmp = `#${n}`;
  store.setPending(device, kind, 'tempIds', { ...table, [tmp]: guid });
  return tmp;
}

/** Resolve the GUID of a MapItem Target: a temporary id, or the GUID itself. */
export function resolveMapTarget(ctx: MapCtx, target: string): string {
  if (!target.startsWith('#')) return target;
  const { store, device, kind } = ctx;
  const table = (store.getPending(device, kind, 'tempIds') ?? {}) as Record<string, string>;
  return table[target] ?? target;
}

interface Rendered {
  readonly change: OutgoingChange;
  readonly draft: CommandDraft;
  readonly chunk?: { type: string; data: Uint8Array; sent: number; end: number };
}

function itemCommand(ds: DatastoreState, change: OutgoingChange, type: string, data: string | Uint8Array, extra: { size?: number; more?: boolean } = {}): CommandDraft {
  const meta = extra.size === undefined ? { Type: type } : { Type: type, Size: extra.size };
  const it: Item = change.op === 'Add'
    ? make.item({ source: sourceIdFor(ds, change.guid), meta, data, moreData: extra.more === true })
    : make.item({ target: change.luid!, source: change.guid, meta, data, moreData: extra.more === true });
  return change.op === 'Add' ? make.add([it]) : make.replace([it]);
}

/** The next command for one change, or undefined when the change no longer applies. */
function render(ds: DatastoreState, change: OutgoingChange): { change: OutgoingChange; type?: string; data?: Uint8Array; draft?: CommandDraft } | undefined {
  const { store, user, kind, handler } = ds.ctx;
  const rec = store.getItem(user, kind, change.guid);
  if (rec === undefined) return undefined;
  if (rec.deleted || change.op === 'Delete') {
    if (change.luid === undefined) return undefined;
    const c: OutgoingChange = { op: 'Delete', guid: change.guid, luid: change.luid };
    return { change: c, draft: make.del([make.item({ target: change.luid, source: change.guid })]) };
  }
  const out = handler.render(rec, ds.dev);
  return { change, type: out.contentType, data: out.data };
}

/**
 * Add the datastore's Sync with as many of its pending changes as fit in `limit` bytes. Returns
 * true when everything of this datastore is sent. `msgId` is our MsgID of this message.
 */
export function fillServerSync(ds: DatastoreState, b: MessageBuilder, limit: number, msgId: string, canChunk: boolean): boolean {
  const { events, kind } = ds.ctx;
  const kids: Rendered[] = [];
  // NumberOfChanges (1.1+) in the first message of the package, for the client's progress.
  const first = ds.next === 0 && ds.outChunk === undefined && !ds.serverSyncSent && ds.ctx.version !== '1.0';
  const base = make.sync(ds.init.clientUri, ds.init.serverUri, [], first ? { NumberOfChanges: ds.outgoing.length } : {});
  // Final adds a few bytes: count them always.
  let used = b.size + b.commandSize(base) + MARGIN + 4;
  if (used > limit) return false;
  const maxObj = ds.init.clientMaxObjSize;

  // A large object in progress comes first.
  if (ds.outChunk !== undefined) {
    const oc = ds.outChunk;
    const room = limit - used - 256;
    const n = chunkLength(oc.data, oc.sent, room);
    if (n <= 0) return false;
    const end = oc.sent + n;
    const more = end < oc.data.length;
    const draft = itemCommand(ds, oc.change, oc.type, asData(oc.data.subarray(oc.sent, end)), { more });
    kids.push({ change: oc.change, draft, chunk: { type: oc.type, data: oc.data, sent: oc.sent, end } });
    used += b.commandSize(draft);
  }

  while ((kids.length === 0 || kids[kids.length - 1]!.chunk === undefined || kids[kids.length - 1]!.chunk!.end >= kids[kids.length - 1]!.chunk!.data.length) && ds.next < ds.outgoing.length) {
    const change = ds.outgoing[ds.next]!;
    const r = render(ds, change);
    if (r === undefined) {
      ds.next++;
      continue;
    }
    if (r.draft !== undefined) {
      const size = b.commandSize(r.draft);
      if (used + size > limit) break;
      kids.push({ change: r.change, draft: r.draft });
      used += size;
      ds.next++;
      continue;
    }
    const data = r.data!;
    const type = r.type!;
    if (maxObj !== undefined && maxObj > 0 && data.length > maxObj) {
      ds.next++;
      ds.toClient.failed++;
      events.push({ type: 'item', kind, direction: 'to-client', op: change.op === 'Add' ? 'add' : 'replace', status: 416, label: `${data.length} bytes over the device's MaxObjSize ${maxObj}` });
      continue;
    }
    const draft = itemCommand(ds, change, type, asData(data));
    const size = b.commandSize(draft);
    if (used + size <= limit) {
      kids.push({ change, draft });
      used += size;
      ds.next++;
      continue;
    }
    // Too big for the room left: chunk it when the client can take large objects and enough
    // room is left to be worth it; otherwise it goes first in the next message.
    const room = limit - used - 256;
    if (!canChunk && kids.length === 0 && b.commands.every((c) => c.cmd === 'Status')) {
      // It will never fit (SyncML 1.0 has no large objects): report it and go on.
      ds.next++;
      ds.toClient.failed++;
      events.push({ type: 'item', kind, direction: 'to-client', op: change.op === 'Add' ? 'add' : 'replace', status: 413, label: `${data.length} bytes do not fit the device's MaxMsgSize` });
      continue;
    }
    if (!canChunk || room < 512) break;
    const n = chunkLength(data, 0, room);
    const first = itemCommand(ds, change, type, asData(data.subarray(0, n)), { size: data.length, more: true });
    kids.push({ change, draft: first, chunk: { type, data, sent: 0, end: n } });
    ds.next++;
    break;
  }

  if (kids.length === 0 && (!ds.allSent || ds.serverSyncSent)) return ds.allSent;
  const draft = { ...base, commands: kids.map((k) => k.draft) } as CommandDraft;
  if (kids.length === 0) {
    // Nothing to say for this datastore: its (empty) Sync needs no answer.
    (draft as { NoResp?: true }).NoResp = true;
  }
  const added = b.add(draft) as Sync;
  ds.serverSyncSent = true;
  added.commands.forEach((c, i) => {
    const k = kids[i]!;
    ds.awaiting.set(`${msgId}/${c.CmdID}`, k.change);
    if (k.chunk !== undefined && k.chunk.end < k.chunk.data.length) {
      ds.outChunk = { change: k.change, type: k.chunk.type, data: k.chunk.data, sent: k.chunk.end };
    } else {
      if (k.chunk !== undefined) ds.outChunk = undefined;
      if (k.change.op === 'Add') ds.owedMaps.add(sourceIdFor(ds, k.change.guid));
    }
  });
  events.push({ type: 'progress', kind, direction: 'to-client', done: ds.next, expected: ds.outgoing.length });
  return ds.allSent;
}

/** A Status the client sent for one of our item commands (213 for chunks; failures are resent next session). */
export function onItemStatus(ds: DatastoreState, change: OutgoingChange, st: Status): void {
  const { store, device, kind, events } = ds.ctx;
  const code = st.Data;
  const op = change.op === 'Add' ? 'add' : change.op === 'Replace' ? 'replace' : 'delete';
  if (code === 213) return;
  events.push({ type: 'item', kind, direction: 'to-client', op, status: code });
  if (code >= 200 && code < 300 || code === 418) {
    ds.count('toClient', change.op === 'Add' ? 'added' : change.op === 'Replace' ? 'updated' : 'deleted');
    if (change.op === 'Delete') store.deleteMapByGuid(device, kind, change.guid);
    return;
  }
  if (change.op === 'Delete' || ((code === 404 || code === 211) && change.op === 'Replace')) {
    // The client no longer has it: forget the map (a live item goes as an Add next time).
    store.deleteMapByGuid(device, kind, change.guid);
    if (change.op === 'Delete') return;
  }
  ds.toClient.failed++;
  ds.owedMaps.delete(sourceIdFor(ds, change.guid));
  ds.resend.add(change.guid);
}

/** What a Map needs: also used for a buffered Map of a datastore this session did not alert. */
export type MapCtx = Pick<DatastoreCtx, 'store' | 'user' | 'device' | 'kind'>;

/** Apply a Map command; returns its Status code. `owed`: the Adds still waiting for their Map. */
export function applyMap(ctx: MapCtx, m: MapCommand, owed?: Set<string>): number {
  const { store, user, kind, device } = ctx;
  let bad = 0;
  for (const mi of m.MapItem) {
    const tmp = mi.Target.LocURI;
    const guid = resolveMapTarget(ctx, tmp);
    const luid = mi.Source.LocURI;
    const rec = store.getItem(user, kind, guid);
    owed?.delete(tmp);
    owed?.delete(guid);
    if (rec === undefined || luid === '') {
      bad++;
      continue;
    }
    store.setMap(device, kind, luid, guid);
  }
  return bad === 0 ? 200 : bad === m.MapItem.length ? 404 : 200;
}
