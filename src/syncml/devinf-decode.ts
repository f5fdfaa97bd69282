/**
 * Element tree → DevInf model (DevInf DTD 1.0/1.1/1.2).
 *
 * Liberal with devices: elements are matched by name whatever their namespace, unknown and vendor
 * elements are skipped, text is trimmed, a repeated single element keeps its first value, 1.2
 * elements are accepted in 1.0/1.1 documents (Nokia) and both CTCap layouts are read anywhere
 * (see devinf-ctcap.ts). Strict only where the engine cannot go on: VerDTD, DevID, DevTyp and each
 * DataStore's SourceRef must be present and non-empty (412), VerDTD must be 1.0/1.1/1.2 (505).
 */
import { child, childElements, type XDocument, type XElement } from '../util/tree.js';
import { ctCapsFromTree, leafNumber, leafText } from './devinf-ctcap.js';
import { DevInfError } from './devinf-errors.js';
import {
  isDevInfVersion,
  type ContentTypeRef, type CTCap, type DataStore, type DevInf, type DSMem, type Ext, type FilterCap, type Mutable,
} from './devinf-model.js';
import { rememberOrder } from './devinf-order.js';

/** `(CTType, VerCT)` of Rx-Pref, Rx, Tx-Pref, Tx, Filter-Rx; undefined without a CTType. */
function contentTypeRef(e: XElement): ContentTypeRef | undefined {
  const t = child(e, 'CTType');
  if (t === undefined) return undefined;
  const v = child(e, 'VerCT');
  const r: ContentTypeRef = v === undefined ? { CTType: leafText(t) } : { CTType: leafText(t), VerCT: leafText(v) };
  rememberOrder(r, e);
  return r;
}

function dsMemFromTree(e: XElement): DSMem {
  const m: Mutable<DSMem> = {};
  for (const c of childElements(e)) {
    if (c.name === 'SharedMem') m.SharedMem = true;
    else if (c.name === 'MaxMem' || c.name === 'MaxID') {
      const n = leafNumber(c);
      if (n !== undefined) m[c.name] ??= n;
    }
  }
  rememberOrder(m, e);
  return m;
}

function filterCapFromTree(e: XElement): FilterCap | undefined {
  const t = child(e, 'CTType');
  if (t === undefined) return undefined;
  const f: Mutable<FilterCap> & { FilterKeywords?: string[]; PropNames?: string[] } = { CTType: leafText(t) };
  for (const c of childElements(e)) {
    if (c.name === 'VerCT') f.VerCT ??= leafText(c);
    else if (c.name === 'FilterKeyword') (f.FilterKeywords ??= []).push(leafText(c));
    else if (c.name === 'PropName') (f.PropNames ??= []).push(leafText(c));
  }
  rememberOrder(f, e);
  return f;
}

function extFromTree(e: XElement): Ext | undefined {
  const n = child(e, 'XNam');
  if (n === undefined) return undefined;
  const x: Mutable<Ext> & { XVals?: string[] } = { XNam: leafText(n) };
  for (const c of childElements(e)) if (c.name === 'XVal') (x.XVals ??= []).push(leafText(c));
  rememberOrder(x, e);
  return x;
}

function addDefined<T>(list: T[], v: T | undefined): void {
  if (v !== undefined) list.push(v);
}

/** Set `obj[key]` to `list` unless the list is empty (optional lists are omitted, never empty). */
function setList<T extends object, K extends keyof T>(obj: T, key: K, list: T[K] & readonly unknown[]): void {
  if (list.length > 0) obj[key] = list;
}

/** One `<DataStore>`; throws when SourceRef is missing or empty. */
export function dataStoreFromTree(e: XElement): DataStore {
  const src = child(e, 'SourceRef');
  const sourceRef = src === undefined ? '' : leafText(src);
  if (sourceRef === '') throw new DevInfError('MISSING_ELEMENT', 'DevInf DataStore without SourceRef', 'DataStore/SourceRef');
  const ds: Mutable<DataStore> = { SourceRef: sourceRef };
  const rx: ContentTypeRef[] = [];
  const tx: ContentTypeRef[] = [];
  const filterRx: ContentTypeRef[] = [];
  const caps: CTCap[] = [];
  const filterCaps: FilterCap[] = [];
  for (const c of childElements(e)) {
    switch (c.name) {
      case 'DisplayName': ds.DisplayName ??= leafText(c); break;
      case 'MaxGUIDSize': { const n = leafNumber(c); if (n !== undefined) ds.MaxGUIDSize ??= n; break; }
      case 'Rx-Pref': { const r = contentTypeRef(c); if (r !== undefined) ds.RxPref ??= r; break; }
      case 'Tx-Pref': { const r = contentTypeRef(c); if (r !== undefined) ds.TxPref ??= r; break; }
      case 'Rx': addDefined(rx, contentTypeRef(c)); break;
      case 'Tx': addDefined(tx, contentTypeRef(c)); break;
      case 'Filter-Rx': addDefined(filterRx, contentTypeRef(c)); break;
      case 'CTCap': caps.push(...ctCapsFromTree(c)); break;
      case 'FilterCap': addDefined(filterCaps, filterCapFromTree(c)); break;
      case 'DSMem': ds.DSMem ??= dsMemFromTree(c); break;
      case 'SupportHierarchicalSync': ds.SupportHierarchicalSync = true; break;
      case 'SyncCap':
        ds.SyncCap ??= childElements(c).filter((t) => t.name === 'SyncType').map(leafText);
        break;
      default: break;
    }
  }
  setList(ds, 'Rx', rx);
  setList(ds, 'Tx', tx);
  setList(ds, 'CTCaps', caps);
  setList(ds, 'FilterRx', filterRx);
  setList(ds, 'FilterCaps', filterCaps);
  rememberOrder(ds, e);
  return ds;
}

function required(e: XElement, name: 'VerDTD' | 'DevID' | 'DevTyp'): string {
  const c = child(e, name);
  const v = c === undefined ? '' : leafText(c);
  if (v === '') throw new DevInfError('MISSING_ELEMENT', `DevInf without ${name}`, name);
  return v;
}

const OPTIONAL_TEXT = ['Man', 'Mod', 'OEM', 'FwV', 'SwV', 'HwV'] as const;
const FLAGS = ['UTC', 'SupportLargeObjs', 'SupportNumberOfChanges'] as const;

/**
 * Decode a `<DevInf>` element (ns `devinf`, e.g. the child of a SyncML `Data`).
 * @throws DevInfError (a SyncmlError): NOT_DEVINF 400, MISSING_ELEMENT 412, UNSUPPORTED_VERDTD 505.
 */
export function devInfFromTree(e: XElement): DevInf {
  if (e.name !== 'DevInf') throw new DevInfError('NOT_DEVINF', `expected <DevInf>, got <${e.name}>`, e.name);
  const ver = required(e, 'VerDTD');
  if (!isDevInfVersion(ver)) throw new DevInfError('UNSUPPORTED_VERDTD', `DevInf VerDTD ${JSON.stringify(ver)} is not supported`, 'VerDTD');
  const dataStores: DataStore[] = [];
  const caps: CTCap[] = [];
  const exts: Ext[] = [];
  const d: Mutable<DevInf> = { VerDTD: ver, DevID: required(e, 'DevID'), DevTyp: required(e, 'DevTyp'), DataStores: dataStores };
  for (const name of OPTIONAL_TEXT) {
    const c = child(e, name);
    if (c !== undefined) d[name] = leafText(c);
  }
  for (const name of FLAGS) if (child(e, name) !== undefined) d[name] = true;
  for (const c of childElements(e)) {
    if (c.name === 'DataStore') dataStores.push(dataStoreFromTree(c));
    else if (c.name === 'CTCap') caps.push(...ctCapsFromTree(c));
    else if (c.name === 'Ext') addDefined(exts, extFromTree(c));
  }
  setList(d, 'CTCaps', caps);
  setList(d, 'Exts', exts);
  rememberOrder(d, e);
  return d;
}

/**
 * Decode a standalone DevInf document (root `<DevInf>`). The VerDTD element decides the version;
 * the document's declared language is not trusted over it.
 */
export function devInfFromDocument(doc: XDocument): DevInf {
  return devInfFromTree(doc.root);
}
