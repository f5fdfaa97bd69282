/**
 * Rewrite a DevInf for another DevInf version, so the engine can build one model and send each
 * peer the form its DTD allows.
 *
 * To 1.2:
 * - top-level CTCaps move into every DataStore whose Rx-Pref/Rx/Tx-Pref/Tx names their CTType,
 *   after the DataStore's own; VerCT (required in 1.2) is taken from that Rx/Tx entry. Top-level
 *   CTCaps that no DataStore names are dropped.
 * - a PropParam's Size (1.0/1.1 only) is dropped: 1.2 PropParam has no size.
 * To 1.0/1.1:
 * - DataStore CTCaps move to the top level (after any already there); identical copies that
 *   several DataStores carried are written once.
 * - dropped, as DTD 1.1 cannot say them: CTCap VerCT and FieldLevel, Property MaxOccur and
 *   NoTruncate, DataType where ValEnums are given (the DTD's `ValEnum+ | (DataType, Size?)`),
 *   DataStore SupportHierarchicalSync, Filter-Rx, FilterCap. MaxSize is kept (written `Size`),
 *   with or without DataType, as libsynthesis does.
 * To 1.0 also: UTC, SupportLargeObjs, SupportNumberOfChanges (1.1+).
 * The input is not changed; the result shares unchanged parts with it.
 */
import type { CTCap, DataStore, DevInf, DevInfVersion, Mutable, PropParam, Property } from './devinf-model.js';
import { receivableTypes, transmittableTypes } from './devinf-query.js';

function withoutKeys<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Omit<T, K> {
  const r = { ...o };
  for (const k of keys) delete r[k];
  return r;
}

function flatParam(p: PropParam): PropParam {
  return p.ValEnums !== undefined && p.ValEnums.length > 0 ? withoutKeys(p, ['DataType']) : p;
}

function flatProperty(p: Property): Property {
  const keys: ('MaxOccur' | 'NoTruncate' | 'DataType')[] = ['MaxOccur', 'NoTruncate'];
  if (p.ValEnums !== undefined && p.ValEnums.length > 0) keys.push('DataType');
  const r: Mutable<Property> = withoutKeys(p, keys);
  if (p.PropParams !== undefined) r.PropParams = p.PropParams.map(flatParam);
  return r;
}

function flatCTCap(c: CTCap): CTCap {
  return { ...withoutKeys(c, ['VerCT', 'FieldLevel']), Properties: c.Properties.map(flatProperty) };
}

function structuredCTCap(c: CTCap, verCT: string | undefined): CTCap {
  const r: Mutable<CTCap> = {
    ...c,
    Properties: c.Properties.map((p) => (p.PropParams === undefined ? p : { ...p, PropParams: p.PropParams.map((pp) => withoutKeys(pp, ['MaxSize'])) })),
  };
  if (r.VerCT === undefined && verCT !== undefined) r.VerCT = verCT;
  return r;
}

/** VerCT of the first Rx/Tx entry of the datastore with this CTType. */
function verCTFor(ds: DataStore, ctType: string): string | undefined {
  const t = ctType.toLowerCase();
  return [...receivableTypes(ds), ...transmittableTypes(ds)].find((r) => r.CTType.toLowerCase() === t && r.VerCT !== undefined)?.VerCT;
}

function toV12(d: DevInf): DevInf {
  const top = d.CTCaps ?? [];
  const dataStores = d.DataStores.map((ds): DataStore => {
    const own = ds.CTCaps ?? [];
    const seen = new Set(own.map((c) => c.CTType.toLowerCase()));
    const types = new Set([...receivableTypes(ds), ...transmittableTypes(ds)].map((r) => r.CTType.toLowerCase()));
    const moved = top.filter((c) => types.has(c.CTType.toLowerCase()) && !seen.has(c.CTType.toLowerCase()));
    const caps = [...own, ...moved].map((c) => structuredCTCap(c, verCTFor(ds, c.CTType)));
    const r: Mutable<DataStore> = withoutKeys(ds, ['CTCaps']);
    if (caps.length > 0) r.CTCaps = caps;
    return r;
  });
  return { ...withoutKeys(d, ['CTCaps']), VerDTD: '1.2', DataStores: dataStores };
}

function toV1x(d: DevInf, version: '1.0' | '1.1'): DevInf {
  const caps: CTCap[] = [];
  const seen = new Set<string>();
  const add = (c: CTCap): void => {
    const flat = flatCTCap(c);
    const key = JSON.stringify(flat);
    if (seen.has(key)) return;
    seen.add(key);
    caps.push(flat);
  };
  for (const c of d.CTCaps ?? []) add(c);
  const dataStores = d.DataStores.map((ds): DataStore => {
    for (const c of ds.CTCaps ?? []) add(c);
    return withoutKeys(ds, ['CTCaps', 'SupportHierarchicalSync', 'FilterRx', 'FilterCaps']);
  });
  const r: Mutable<DevInf> = { ...withoutKeys(d, ['CTCaps']), VerDTD: version, DataStores: dataStores };
  if (caps.length > 0) r.CTCaps = caps;
  return version === '1.0' ? withoutKeys(r, ['UTC', 'SupportLargeObjs', 'SupportNumberOfChanges']) : r;
}

/**
 * A copy of `d` in the form of DevInf `version` (see the module comment for what moves and
 * what is dropped). Converting to the same version also fits the model to that version's DTD.
 */
export function convertDevInf(d: DevInf, version: DevInfVersion): DevInf {
  return version === '1.2' ? toV12(d) : toV1x(d, version);
}
