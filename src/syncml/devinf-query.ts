/**
 * Version-independent questions the DS engine asks of a peer's DevInf.
 */
import { ALERT, DEVINF_SYNC_TYPE } from './constants.js';
import type { ContentTypeRef, CTCap, DataStore, DevInf } from './devinf-model.js';

/** SourceRef compared loosely: no leading `./`, no CGI query, no trailing `/`, case-insensitive. */
function looseRef(ref: string): string {
  let r = ref.trim();
  const q = r.indexOf('?');
  if (q >= 0) r = r.slice(0, q);
  if (r.startsWith('./')) r = r.slice(2);
  while (r.endsWith('/')) r = r.slice(0, -1);
  return r.toLowerCase();
}

/**
 * The DataStore a peer's Alert/Sync URI names. An exact SourceRef match wins; otherwise the
 * first one that matches loosely (`./Contacts` = `Contacts` = `contacts/`; CGI ignored).
 */
export function dataStoreFor(d: DevInf, sourceRef: string): DataStore | undefined {
  const exact = d.DataStores.find((ds) => ds.SourceRef === sourceRef);
  if (exact !== undefined) return exact;
  const want = looseRef(sourceRef);
  return d.DataStores.find((ds) => looseRef(ds.SourceRef) === want);
}

/** Rx-Pref then every Rx: the content types the datastore accepts. */
export function receivableTypes(ds: DataStore): ContentTypeRef[] {
  return [...(ds.RxPref === undefined ? [] : [ds.RxPref]), ...(ds.Rx ?? [])];
}

/** Tx-Pref then every Tx: the content types the datastore sends. */
export function transmittableTypes(ds: DataStore): ContentTypeRef[] {
  return [...(ds.TxPref === undefined ? [] : [ds.TxPref]), ...(ds.Tx ?? [])];
}

/** The preferred content type to send to this datastore: Rx-Pref, else the first Rx. */
export function preferredRx(ds: DataStore): ContentTypeRef | undefined {
  return receivableTypes(ds)[0];
}

/** The content type this datastore prefers to send: Tx-Pref, else the first Tx. */
export function preferredTx(ds: DataStore): ContentTypeRef | undefined {
  return transmittableTypes(ds)[0];
}

/**
 * The CTCaps that apply to a datastore, whatever the DevInf version: its own (1.2, and Nokia
 * 1.1) first, then the top-level ones (1.0/1.1, and Nokia N900 1.2) whose CTType the datastore
 * receives or sends and that it does not describe itself. CTTypes compare case-insensitively.
 */
export function ctCapsFor(d: DevInf, ds: DataStore): CTCap[] {
  const own = ds.CTCaps ?? [];
  const seen = new Set(own.map((c) => c.CTType.toLowerCase()));
  const types = new Set([...receivableTypes(ds), ...transmittableTypes(ds)].map((r) => r.CTType.toLowerCase()));
  const shared = (d.CTCaps ?? []).filter((c) => types.has(c.CTType.toLowerCase()) && !seen.has(c.CTType.toLowerCase()));
  return [...own, ...shared];
}

const STANDARD_SYNC_TYPES: ReadonlySet<number> = new Set(Object.values(DEVINF_SYNC_TYPE));

/**
 * The standard SyncTypes (DevInf numbering 1..7, protocol-notes 3.4; not Alert codes) the
 * datastore lists in SyncCap, as numbers, first occurrence order. Non-numeric and non-standard
 * values (SyncEvolution's 390001+) are dropped here but kept in `SyncCap` for round trips.
 */
export function syncTypes(ds: DataStore): number[] {
  const out: number[] = [];
  for (const t of ds.SyncCap ?? []) {
    if (!/^\d+$/.test(t)) continue;
    const n = Number(t);
    if (STANDARD_SYNC_TYPES.has(n) && !out.includes(n)) out.push(n);
  }
  return out;
}

const SYNC_TYPE_OF_ALERT: ReadonlyMap<number, number> = new Map([
  [ALERT.TWO_WAY, DEVINF_SYNC_TYPE.TWO_WAY],
  [ALERT.SLOW_SYNC, DEVINF_SYNC_TYPE.SLOW_SYNC],
  [ALERT.ONE_WAY_FROM_CLIENT, DEVINF_SYNC_TYPE.ONE_WAY_FROM_CLIENT],
  [ALERT.REFRESH_FROM_CLIENT, DEVINF_SYNC_TYPE.REFRESH_FROM_CLIENT],
  [ALERT.ONE_WAY_FROM_SERVER, DEVINF_SYNC_TYPE.ONE_WAY_FROM_SERVER],
  [ALERT.REFRESH_FROM_SERVER, DEVINF_SYNC_TYPE.REFRESH_FROM_SERVER],
  [ALERT.TWO_WAY_BY_SERVER, DEVINF_SYNC_TYPE.SERVER_ALERTED],
  [ALERT.ONE_WAY_FROM_CLIENT_BY_SERVER, DEVINF_SYNC_TYPE.SERVER_ALERTED],
  [ALERT.REFRESH_FROM_CLIENT_BY_SERVER, DEVINF_SYNC_TYPE.SERVER_ALERTED],
  [ALERT.ONE_WAY_FROM_SERVER_BY_SERVER, DEVINF_SYNC_TYPE.SERVER_ALERTED],
  [ALERT.REFRESH_FROM_SERVER_BY_SERVER, DEVINF_SYNC_TYPE.SERVER_ALERTED],
]);

/** DevInf SyncType (1..7) that an Alert code (200..210) needs, or undefined for other alerts. */
export function syncTypeForAlert(alertCode: number): number | undefined {
  return SYNC_TYPE_OF_ALERT.get(alertCode);
}

/** True when the datastore's SyncCap lists the SyncType that this Alert code (200..210) needs. */
export function supportsAlert(ds: DataStore, alertCode: number): boolean {
  const t = syncTypeForAlert(alertCode);
  return t !== undefined && syncTypes(ds).includes(t);
}
