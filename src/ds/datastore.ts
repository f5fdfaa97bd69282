/**
 * One datastore within a server session: the negotiated mode and anchors, the client's changes
 * (incoming.ts), the server's changes for the client (outgoing.ts), maps, and the sync state
 * written when the session ends cleanly (DESIGN.md section 3: a failed session never advances
 * anchors). Pure apart from the DsStore port.
 */
import type { DevInf, SyncmlVersion } from '../syncml/index.js';
import { IncomingChunks } from './large-object.js';
import type { ContentHandler, DeviceFormat, DeviceStoreRecord, DsStore, StoreKind } from './ports.js';
import type { DatastoreSummary, EngineConfig, EngineEvent, SyncMode } from './types.js';

/** What a datastore session needs from its session. */
export interface DatastoreCtx {
  readonly store: DsStore;
  readonly handler: ContentHandler;
  readonly config: EngineConfig;
  readonly user: string;
  readonly device: string;
  readonly kind: StoreKind;
  readonly version: SyncmlVersion;
  /** Events of the message being handled (the session swaps the array per message). */
  events: EngineEvent[];
  /** Time of the message being handled. */
  now: number;
}

/** Phases of a datastore in a session. */
export type DatastorePhase =
  /** Alerted; the client's Sync has not started. */
  | 'alerted'
  /** The client's Sync package is arriving. */
  | 'client-sync'
  /** Sending the server's changes. */
  | 'server-sync'
  /** Everything sent; waiting for the client's Statuses and Map. */
  | 'awaiting-map'
  | 'done';

type Counts = { added: number; updated: number; deleted: number; failed: number };

/** An outgoing change, rendered when it is sent. */
export interface OutgoingChange {
  readonly op: 'Add' | 'Replace' | 'Delete';
  readonly guid: string;
  /** The client's id (Replace, Delete). */
  readonly luid?: string;
}

/** Options fixed at Alert time. */
export interface DatastoreInit {
  readonly clientUri: string;
  readonly serverUri: string;
  readonly mode: SyncMode;
  readonly requested: number;
  readonly alerted: number;
  readonly clientNext: string;
  readonly serverLast: string | undefined;
  readonly serverNext: string;
  readonly lastRev: number;
  readonly dev: DeviceFormat;
  readonly maxGuidSize: number | undefined;
  readonly clientMaxObjSize: number | undefined;
  readonly backup: string | true | undefined;
  readonly devinf: DevInf | undefined;
}

export class DatastoreState {
  readonly ctx: DatastoreCtx;
  readonly init: DatastoreInit;
  phase: DatastorePhase = 'alerted';
  /** MsgID of the client message that carried the Alert. */
  alertMsgId = '';
  /** Server items this session wrote, matched or confirmed (slow and refresh modes). */
  readonly touched = new Set<string>();
  /** LUIDs the client sent this session. */
  readonly seenLuids = new Set<string>();
  /** Items the client must receive back (merged or kept against its change). */
  readonly echo = new Set<string>();
  /** The server's changes for the client, computed when the client's package is complete. */
  outgoing: OutgoingChange[] = [];
  /** Index of the next change to send. */
  next = 0;
  /** Changes sent and waiting for their Status: key `${msgId}/${cmdId}`. */
  readonly awaiting = new Map<string, OutgoingChange>();
  /** GUIDs (or temporary ids) sent as Add whose Map has not arrived. */
  readonly owedMaps = new Set<string>();
  /** Changes the client refused or did not confirm: sent again next session. */
  readonly resend = new Set<string>();
  /** Store revision the server's changes were taken at. */
  snapshotRev = 0;
  /** A chunked outgoing item in progress: the change, its rendering and how much is sent. */
  outChunk: { change: OutgoingChange; type: string; data: Uint8Array; sent: number } | undefined;
  readonly chunks: IncomingChunks;
  /** The server's Sync of the current package was started (its Sync command sent at least once). */
  serverSyncSent = false;
  readonly fromClient: Counts = { added: 0, updated: 0, deleted: 0, failed: 0 };
  readonly toClient: Counts = { added: 0, updated: 0, deleted: 0, failed: 0 };
  conflicts = 0;
  matched = 0;
  /** Suspended by the client (Alert 224): its state waits for a Resume, anchors stay. */
  suspended = false;
  /** Changes the client announced (NumberOfChanges), for progress. */
  announced: number | undefined;
  /** Items received from the client this session (complete ones, failed ones too), for progress. */
  received = 0;

  /** What the device keeps (updated when its DevInf arrives later in the session). */
  dev: DeviceFormat;

  constructor(ctx: DatastoreCtx, init: DatastoreInit) {
    this.ctx = ctx;
    this.init = init;
    this.dev = init.dev;
    this.chunks = new IncomingChunks(ctx.config.maxObjSize);
  }

  get mode(): SyncMode {
    return this.init.mode;
  }


  get lastRev(): number {
    return this.init.lastRev;
  }

  /** Slow-type modes: the client sends everything and items are matched. */
  isSlow(): boolean {
    const m = this.init.mode;
    return m === 'slow' || m === 'refresh-from-client' || m === 'slow-one-way-from-client';
  }

  /** Modes in which the client sends changes. */
  acceptsClientChanges(): boolean {
    const m = this.init.mode;
    return m === 'two-way' || m === 'slow' || m === 'one-way-from-client' || m === 'refresh-from-client' || m === 'slow-one-way-from-client';
  }

  /** Modes in which the server sends changes. */
  sendsToClient(): boolean {
    const m = this.init.mode;
    return m === 'two-way' || m === 'slow' || m === 'one-way-from-server' || m === 'refresh-from-server' || m === 'slow-one-way-from-server';
  }

  count(dir: 'fromClient' | 'toClient', what: keyof Counts): void {
    this[dir][what]++;
  }

  /**
   * The client's package is complete: finish the client side (refresh-from-client deletes what
   * the client did not send; slow sync forgets maps of LUIDs it did not send) and compute the
   * server's changes.
   */
  clientPackageDone(): void {
    const { store, user, kind, device, now } = this.ctx;
    if (this.acceptsClientChanges()) {
      this.ctx.events.push({ type: 'progress', kind, direction: 'from-client', done: this.received, expected: this.announced ?? this.received });
    }
    if (this.isSlow()) {
      for (const [luid, guid] of store.listMaps(device, kind)) {
        if (!this.seenLuids.has(luid) && !this.touched.has(guid)) store.deleteMapByGuid(device, kind, guid);
      }
    }
    if (this.mode === 'refresh-from-client' || this.mode === 'slow-one-way-from-client') {
      // The client's data replaces the server's: what it did not send goes.
      const gone: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = store.liveItems(user, kind, after, 500);
        if (page.length === 0) break;
        for (const it of page) if (!this.touched.has(it.guid)) gone.push(it.guid);
        after = page[page.length - 1]!.guid;
      }
      for (const guid of gone) {
        store.deleteItem(user, kind, guid, device, now);
        store.deleteMapByGuid(device, kind, guid);
        this.count('fromClient', 'deleted');
      }
    }
    this.snapshotRev = store.currentRev();
    this.outgoing = this.sendsToClient() ? this.#serverChanges() : [];
    this.next = 0;
    this.phase = 'server-sync';
    if (this.sendsToClient()) this.ctx.events.push({ type: 'progress', kind, direction: 'to-client', done: 0, expected: this.outgoing.length });
  }

  #serverChanges(): OutgoingChange[] {
    const { store, user, kind, device } = this.ctx;
    const out: OutgoingChange[] = [];
    const seen = new Set<string>();
    const push = (guid: string): void => {
      if (seen.has(guid)) return;
      seen.add(guid);
      const rec = store.getItem(user, kind, guid);
      if (rec === undefined) return;
      const luid = store.luidForGuid(device, kind, guid);
      if (rec.deleted) {
        if (luid !== undefined) out.push({ op: 'Delete', guid, luid });
        return;
      }
      out.push(luid === undefined ? { op: 'Add', guid } : { op: 'Replace', guid, luid });
    };
    const m = this.mode;
    if (m === 'two-way' || m === 'one-way-from-server') {
      const pending = store.getPending(device, kind, 'resend');
      if (Array.isArray(pending)) for (const g of pending) if (typeof g === 'string') push(g);
      for (const rec of store.changesSince(user, kind, this.lastRev, device)) push(rec.guid);
      for (const g of this.echo) push(g);
      return out;
    }
    // Slow and refresh from server: everything the client does not hold yet, plus the echoes.
    for (const g of this.echo) push(g);
    let after: string | undefined;
    for (;;) {
      const page = store.liveItems(user, kind, after, 500);
      if (page.length === 0) break;
      for (const it of page) if (!this.touched.has(it.guid)) push(it.guid);
      after = page[page.length - 1]!.guid;
    }
    return out;
  }

  /** True when nothing of ours is left to send. */
  get allSent(): boolean {
    return this.next >= this.outgoing.length && this.outChunk === undefined;
  }

  /** The sync state this session leaves when it ends cleanly. */
  commit(): void {
    if (this.suspended) return;
    const { store, device, kind, now } = this.ctx;
    // One-way from client: the server's own changes were not sent, so the device stays where it
    // was in the server's history (its own changes are excluded by changedBy anyway).
    const lastRev = this.mode === 'one-way-from-client' ? this.lastRev : this.snapshotRev;
    const rec: DeviceStoreRecord = {
      device, kind, uri: this.init.clientUri, clientAnchor: this.init.clientNext, serverAnchor: this.init.serverNext,
      lastRev, lastSync: now, lastMode: this.init.alerted,
    };
    store.saveDeviceStore(rec);
    for (const c of this.awaiting.values()) this.resend.add(c.guid);
    for (const c of this.outgoing.slice(this.next)) this.resend.add(c.guid);
    store.setPending(device, kind, 'resend', this.resend.size === 0 ? undefined : [...this.resend]);
    store.setPending(device, kind, 'suspended', undefined);
  }

  summary(): DatastoreSummary {
    return {
      kind: this.ctx.kind, uri: this.init.clientUri, mode: this.mode, requested: this.init.requested, alerted: this.init.alerted,
      fromClient: { ...this.fromClient }, toClient: { ...this.toClient }, conflicts: this.conflicts, expected: this.outgoing.length,
    };
  }
}
