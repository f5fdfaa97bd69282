/**
 * The bridge's own DevInf, answered to a Get and sent with Results (protocol-notes 3.10), in the
 * DevInf version of the client's SyncML version.
 *
 * - DevTyp `server`; UTC, SupportLargeObjs and SupportNumberOfChanges from 1.1 on (1.0 has none).
 * - One DataStore per datastore kind the bridge has a content handler for. SourceRef = the path
 *   the client used in its Alert when the engine knows it (newer Nokias want their path and CGI
 *   echoed, SYN syncsession.cpp fDSPathInDevInf/fDSCgiInDevInf), else the canonical name.
 * - Rx-Pref/Tx-Pref = the handler's first format, Rx/Tx the others.
 * - SyncCap lists SyncType 1..7 only: Nokias abort with OBEX 0xC3 on anything else (SYN
 *   localengineds.cpp), Funambol takes at most 9 numeric ones.
 * - MaxGUIDSize 32: the longest GUID the engine sends as a LUID target.
 * - CTCap from `handler.ctcap(type)`, unless `ctcap` is false (old Nokias, Siemens: SYN
 *   syncsession.cpp, SE NOCTCAP): per DataStore in 1.2, one flat top-level CTCap in 1.0/1.1
 *   (property names of one CTType merged when several datastores share it). The bridge's CTCap
 *   carries property names only, never DataType or Size, so `ctcapSizes: false` (Siemens S55
 *   crashes on them in 1.0) needs nothing removed.
 *
 * Pure.
 */
import { ConfigError } from '../errors.js';
import type { CTCap, ContentTypeRef, DataStore, DevInf, SyncmlVersion } from '../syncml/index.js';
import { STORE_KINDS, type ContentFormat, type ContentHandler, type StoreKind } from './ports.js';
import { CANONICAL_NAMES } from './uri.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Identity and switches of serverDevInf. */
export interface ServerDevInfOptions {
  man: string;
  mod: string;
  swV: string;
  /** DevID: the server id (our SyncHdr Source LocURI). */
  devId: string;
  /** The path (with CGI) each datastore was alerted under, to echo as SourceRef. */
  sourceRefs?: ReadonlyMap<StoreKind, string>;
  /** Send CTCap (default true; device profile `ctcap`). */
  ctcap?: boolean;
  /** Device profile `ctcapSizes`; the bridge's CTCap has no sizes, see the module comment. */
  ctcapSizes?: boolean;
}

/** SyncCap of every DataStore: the standard DevInf SyncTypes 1..7 (protocol-notes 3.4). */
export const SERVER_SYNC_CAP: readonly string[] = ['1', '2', '3', '4', '5', '6', '7'];

/** MaxGUIDSize the bridge announces. */
export const SERVER_MAX_GUID_SIZE = 32;

function ref(f: ContentFormat): ContentTypeRef {
  return { CTType: f.type, VerCT: f.version };
}

/** Formats without repeats (same type and version). */
function distinct(formats: readonly ContentFormat[]): ContentFormat[] {
  const seen = new Set<string>();
  return formats.filter((f) => {
    const k = `${f.type.toLowerCase()}\u0000${f.version}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function propertyNames(h: ContentHandler, type: string): string[] {
  const out: string[] = [];
  for (const p of h.ctcap(type)) {
    const n = p.trim().toUpperCase();
    if (n !== '' && !out.includes(n)) out.push(n);
  }
  return out;
}

function dataStore(kind: StoreKind, formats: ContentFormat[], sourceRef: string, caps: CTCap[] | undefined): DataStore {
  const [first, ...rest] = formats as [ContentFormat, ...ContentFormat[]];
  const ds: Mutable<DataStore> = {
    SourceRef: sourceRef,
    DisplayName: CANONICAL_NAMES[kind],
    MaxGUIDSize: SERVER_MAX_GUID_SIZE,
    RxPref: ref(first),
    TxPref: ref(first),
    SyncCap: [...SERVER_SYNC_CAP],
  };
  if (rest.length > 0) {
    ds.Rx = rest.map(ref);
    ds.Tx = rest.map(ref);
  }
  if (caps !== undefined && caps.length > 0) ds.CTCaps = caps;
  return ds;
}

/**
 * The bridge's DevInf in `version` (1.0/1.1: flat CTCap beside the DataStores; 1.2: CTCap per
 * DataStore). Kinds without a handler, or whose handler lists no format, get no DataStore.
 * @throws ConfigError (SB_ERR_DS_NO_DATASTORES) when no datastore is left (DevInf needs one).
 */
export function serverDevInf(version: SyncmlVersion, content: ReadonlyMap<StoreKind, ContentHandler>, opts: ServerDevInfOptions): DevInf {
  const withCtCap = opts.ctcap !== false;
  const dataStores: DataStore[] = [];
  /** 1.0/1.1: one CTCap per CTType (lower case key), properties merged in first-seen order. */
  const flat = new Map<string, { CTType: string; names: string[] }>();
  for (const kind of STORE_KINDS) {
    const h = content.get(kind);
    if (h === undefined) continue;
    const formats = distinct(h.formats);
    if (formats.length === 0) continue;
    let caps: CTCap[] | undefined;
    if (withCtCap) {
      if (version === '1.2') {
        caps = [];
        for (const f of formats) {
          const names = propertyNames(h, f.type);
          if (names.length > 0) caps.push({ CTType: f.type, VerCT: f.version, Properties: names.map((n) => ({ PropName: n })) });
        }
      } else {
        for (const f of formats) {
          const key = f.type.toLowerCase();
          const entry = flat.get(key) ?? { CTType: f.type, names: [] };
          for (const n of propertyNames(h, f.type)) if (!entry.names.includes(n)) entry.names.push(n);
          flat.set(key, entry);
        }
      }
    }
    dataStores.push(dataStore(kind, formats, opts.sourceRefs?.get(kind) ?? CANONICAL_NAMES[kind], caps));
  }
  if (dataStores.length === 0) throw new ConfigError('the bridge has no datastore to describe in its DevInf', 'SB_ERR_DS_NO_DATASTORES');
  const d: Mutable<DevInf> = {
    VerDTD: version,
    Man: opts.man,
    Mod: opts.mod,
    SwV: opts.swV,
    DevID: opts.devId,
    DevTyp: 'server',
    DataStores: dataStores,
  };
  if (version !== '1.0') {
    d.UTC = true;
    d.SupportLargeObjs = true;
    d.SupportNumberOfChanges = true;
  }
  const flatCaps = [...flat.values()].filter((c) => c.names.length > 0).map((c): CTCap => ({ CTType: c.CTType, Properties: c.names.map((n) => ({ PropName: n })) }));
  if (flatCaps.length > 0) d.CTCaps = flatCaps;
  return d;
}
