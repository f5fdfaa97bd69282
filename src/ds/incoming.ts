/**
 * Client changes into the store (DS Protocol, package 3): Add, Replace, Delete, Copy and Move
 * items of a client Sync, with LUID->GUID maps, slow-sync matching (an item the server already
 * has is matched, not duplicated), conflict policy, and the device's unsupported fields kept.
 * Every write happens inside the caller's store transaction; the Status codes returned are sent
 * only after it commits. Pure apart from the DsStore port.
 */
import { SyncmlError } from '../errors.js';
import { resolveConflict, sameBytes } from './conflicts.js';
import type { DatastoreState } from './datastore.js';
import type { ItemRecord, NormalisedItem } from './ports.js';

/** One client item operation. */
export interface ClientOp {
  readonly op: 'Add' | 'Replace' | 'Delete' | 'Copy' | 'Move';
  /** The client's id (Item Source LocURI; for Delete/Replace also Target when Source is missing). */
  readonly luid: string | undefined;
  /** Item Target LocURI: the server's id, when the client knows it. */
  readonly target: string | undefined;
  readonly data: Uint8Array | undefined;
  readonly type: string | undefined;
}

/** What applying an operation gave: the Status code and a label for events. */
export interface OpResult {
  readonly status: number;
  readonly label?: string;
  readonly guid?: string;
}

function failed(err: unknown): OpResult {
  if (err instanceof SyncmlError && err.syncmlStatus !== undefined) return { status: err.syncmlStatus };
  throw err;
}

/** Apply one client operation to the store. */
export function applyClientOp(ds: DatastoreState, op: ClientOp): OpResult {
  const { store, user, kind, device } = ds.ctx;
  if (!ds.acceptsClientChanges()) return { status: 405 };
  const luid = op.luid ?? op.target;
  if (op.op === 'Delete') {
    if (luid === undefined) return { status: 400 };
    return deleteOp(ds, luid);
  }
  if (op.op === 'Move' && op.data === undefined) {
    // A flat datastore has no folders: a Move without data changes nothing here.
    return { status: 200 };
  }
  if (op.data === undefined) return { status: 400 };
  let incoming: NormalisedItem;
  try {
    incoming = ds.ctx.handler.normalise(op.data, op.type, ds.dev);
  } catch (err) {
    return failed(err);
  }
  if (op.op === 'Copy') {
    // The recipient makes the copy (RepPro Copy): a new server item the client gets as an Add.
    const rec = store.putItem(user, kind, { contentType: incoming.contentType, data: incoming.data, matchKey: incoming.matchKey, changedBy: null, now: ds.ctx.now });
    ds.touched.add(rec.guid);
    ds.count('fromClient', 'added');
    return { status: 201, label: incoming.label, guid: rec.guid };
  }
  if (luid === undefined) return { status: 400 };
  ds.seenLuids.add(luid);
  const mapped = store.guidForLuid(device, kind, luid);
  const stored = mapped === undefined ? undefined : store.getItem(user, kind, mapped);
  if (stored !== undefined) return updateOp(ds, luid, stored, incoming, op.op === 'Add' ? 201 : 200);
  // Not mapped (or the mapped item is gone for good): a new item for the server, unless an
  // item with the same match key is the same one (slow sync, the same contact on two phones).
  const twin = findTwin(ds, incoming);
  if (twin !== undefined) {
    const merged = ds.ctx.handler.merge(twin, incoming, ds.dev);
    const echo = !sameBytes(merged.data, incoming.data);
    if (!sameBytes(merged.data, twin.data) || merged.contentType !== twin.contentType) {
      store.putItem(user, kind, { guid: twin.guid, contentType: merged.contentType, data: merged.data, matchKey: merged.matchKey, changedBy: echo ? null : device, now: ds.ctx.now });
      ds.count('fromClient', 'updated');
    }
    store.setMap(device, kind, luid, twin.guid);
    ds.touched.add(twin.guid);
    if (echo) ds.echo.add(twin.guid);
    ds.matched++;
    return { status: op.op === 'Add' ? 201 : 200, label: incoming.label, guid: twin.guid };
  }
  const rec = store.putItem(user, kind, { contentType: incoming.contentType, data: incoming.data, matchKey: incoming.matchKey, changedBy: device, now: ds.ctx.now });
  store.setMap(device, kind, luid, rec.guid);
  ds.touched.add(rec.guid);
  ds.count('fromClient', 'added');
  return { status: 201, label: incoming.label, guid: rec.guid };
}

/** A live, not yet matched item that is the same as `incoming` (match key + handler.same). */
function findTwin(ds: DatastoreState, incoming: NormalisedItem): ItemRecord | undefined {
  if (incoming.matchKey === null) return undefined;
  const { store, user, kind, handler, device } = ds.ctx;
  for (const cand of store.findByMatchKey(user, kind, incoming.matchKey)) {
    if (ds.touched.has(cand.guid)) continue;
    // An item this device already holds under another LUID is its own, not a twin.
    if (!ds.isSlow() && store.luidForGuid(device, kind, cand.guid) !== undefined) continue;
    if (handler.same(cand.data, incoming.data)) return cand;
  }
  return undefined;
}

/** True when the server's version changed since the device's last good sync (by someone else). */
function changedOnServer(ds: DatastoreState, stored: ItemRecord): boolean {
  return stored.rev > ds.lastRev && stored.changedBy !== ds.ctx.device && !ds.isSlow();
}

function updateOp(ds: DatastoreState, luid: string, stored: ItemRecord, incoming: NormalisedItem, okStatus: number): OpResult {
  const { store, user, kind, device, handler, events } = ds.ctx;
  ds.touched.add(stored.guid);
  if (stored.deleted) {
    // Deleted on the server, changed on the client. Server wins: the client gets the Delete.
    if (ds.ctx.config.conflictPolicy === 'server-wins') {
      ds.conflicts++;
      events.push({ type: 'conflict', kind, guid: stored.guid, resolution: 'server wins: stays deleted' });
      ds.touched.delete(stored.guid);
      return { status: 419, label: incoming.label, guid: stored.guid };
    }
    store.putItem(user, kind, { guid: stored.guid, contentType: incoming.contentType, data: incoming.data, matchKey: incoming.matchKey, changedBy: device, now: ds.ctx.now });
    if (stored.rev > ds.lastRev) {
      ds.conflicts++;
      events.push({ type: 'conflict', kind, guid: stored.guid, resolution: 'client change revives a server delete' });
    }
    ds.count('fromClient', 'updated');
    return { status: okStatus, label: incoming.label, guid: stored.guid };
  }
  if (changedOnServer(ds, stored)) {
    ds.conflicts++;
    const outcome = resolveConflict(ds.ctx.config.conflictPolicy, handler, stored, incoming, ds.dev);
    events.push({ type: 'conflict', kind, guid: stored.guid, resolution: outcome.resolution });
    if (outcome.kind === 'keep-server') {
      ds.echo.add(stored.guid);
      return { status: outcome.status, label: incoming.label, guid: stored.guid };
    }
    if (outcome.kind === 'duplicate') {
      const copy = store.putItem(user, kind, { contentType: incoming.contentType, data: incoming.data, matchKey: incoming.matchKey, changedBy: device, now: ds.ctx.now });
      store.setMap(device, kind, luid, copy.guid);
      ds.touched.add(copy.guid);
      // The server's version is no longer mapped: the client receives it as a new item.
      ds.touched.delete(stored.guid);
      ds.count('fromClient', 'added');
      return { status: outcome.status, label: incoming.label, guid: copy.guid };
    }
    const m = outcome.item;
    store.putItem(user, kind, { guid: stored.guid, contentType: m.contentType, data: m.data, matchKey: m.matchKey, changedBy: outcome.echo ? null : device, now: ds.ctx.now });
    if (outcome.echo) ds.echo.add(stored.guid);
    ds.count('fromClient', 'updated');
    return { status: outcome.status, label: incoming.label, guid: stored.guid };
  }
  // The device's fields win; those it cannot hold are kept from the stored item.
  const merged = handler.merge(stored, incoming, ds.dev);
  if (!sameBytes(merged.data, stored.data) || merged.contentType !== stored.contentType) {
    store.putItem(user, kind, { guid: stored.guid, contentType: merged.contentType, data: merged.data, matchKey: merged.matchKey, changedBy: device, now: ds.ctx.now });
    ds.count('fromClient', 'updated');
  } else if (ds.isSlow()) {
    ds.matched++;
  }
  return { status: okStatus, label: incoming.label, guid: stored.guid };
}

function deleteOp(ds: DatastoreState, luid: string): OpResult {
  const { store, user, kind, device, events } = ds.ctx;
  const guid = store.guidForLuid(device, kind, luid);
  const stored = guid === undefined ? undefined : store.getItem(user, kind, guid);
  if (guid === undefined || stored === undefined || stored.deleted) {
    if (guid !== undefined) store.deleteMapByGuid(device, kind, guid);
    return { status: 211 };
  }
  if (changedOnServer(ds, stored) && ds.ctx.config.conflictPolicy !== 'client-wins') {
    // Deleted on the client, changed on the server: the change is kept and the client gets it
    // back as a new item.
    ds.conflicts++;
    events.push({ type: 'conflict', kind, guid, resolution: 'server change kept over client delete' });
    store.deleteMapByGuid(device, kind, guid);
    return { status: 419, guid };
  }
  store.deleteItem(user, kind, guid, device, ds.ctx.now);
  store.deleteMapByGuid(device, kind, guid);
  ds.touched.add(guid);
  ds.count('fromClient', 'deleted');
  return { status: 200, guid };
}
