/**
 * DevInf model → element tree (ns `devinf` throughout), in the layout of `d.VerDTD`:
 * - 1.0/1.1: top-level CTCaps as one flat `<CTCap>` after the DataStores;
 * - 1.2: one `<CTCap>` per content type inside its DataStore (top-level CTCaps, which only a
 *   non-conforming 1.2 peer sends, are written back at the top level, one element each).
 * Children go in DTD order unless the model came from a tree whose order is remembered
 * (devinf-order.ts). The encoder writes what the model holds; `convertDevInf()` fits a model to
 * what a version's DTD allows.
 */
import { el, type XDocument, type XElement } from '../util/tree.js';
import { ctCapsToFlatTree, ctCapToTree } from './devinf-ctcap.js';
import { DevInfError } from './devinf-errors.js';
import {
  isDevInfVersion,
  type ContentTypeRef, type DataStore, type DevInf, type DevInfVersion, type DSMem, type Ext, type FilterCap,
} from './devinf-model.js';
import { inRememberedOrder } from './devinf-order.js';

const NS = 'devinf' as const;

function leaf(name: string, value: string): XElement {
  return el(name, NS, [value]);
}

function flag(name: string): XElement {
  return el(name, NS);
}

function contentTypeRefToTree(name: string, r: ContentTypeRef): XElement {
  const cs = [leaf('CTType', r.CTType)];
  if (r.VerCT !== undefined) cs.push(leaf('VerCT', r.VerCT));
  return el(name, NS, inRememberedOrder(r, cs));
}

function dsMemToTree(m: DSMem): XElement {
  const cs: XElement[] = [];
  if (m.SharedMem === true) cs.push(flag('SharedMem'));
  if (m.MaxMem !== undefined) cs.push(leaf('MaxMem', String(m.MaxMem)));
  if (m.MaxID !== undefined) cs.push(leaf('MaxID', String(m.MaxID)));
  return el('DSMem', NS, inRememberedOrder(m, cs));
}

function filterCapToTree(f: FilterCap): XElement {
  const cs = [leaf('CTType', f.CTType)];
  if (f.VerCT !== undefined) cs.push(leaf('VerCT', f.VerCT));
  for (const k of f.FilterKeywords ?? []) cs.push(leaf('FilterKeyword', k));
  for (const p of f.PropNames ?? []) cs.push(leaf('PropName', p));
  return el('FilterCap', NS, inRememberedOrder(f, cs));
}

function extToTree(x: Ext): XElement {
  const cs = [leaf('XNam', x.XNam)];
  for (const v of x.XVals ?? []) cs.push(leaf('XVal', v));
  return el('Ext', NS, inRememberedOrder(x, cs));
}

/** One `<DataStore>`; throws when SourceRef is empty. */
export function dataStoreToTree(ds: DataStore, version: DevInfVersion): XElement {
  if (ds.SourceRef === '') throw new DevInfError('MISSING_ELEMENT', 'DevInf DataStore without SourceRef', 'DataStore/SourceRef');
  const cs = [leaf('SourceRef', ds.SourceRef)];
  if (ds.DisplayName !== undefined) cs.push(leaf('DisplayName', ds.DisplayName));
  if (ds.MaxGUIDSize !== undefined) cs.push(leaf('MaxGUIDSize', String(ds.MaxGUIDSize)));
  if (ds.RxPref !== undefined) cs.push(contentTypeRefToTree('Rx-Pref', ds.RxPref));
  for (const r of ds.Rx ?? []) cs.push(contentTypeRefToTree('Rx', r));
  if (ds.TxPref !== undefined) cs.push(contentTypeRefToTree('Tx-Pref', ds.TxPref));
  for (const r of ds.Tx ?? []) cs.push(contentTypeRefToTree('Tx', r));
  for (const cap of ds.CTCaps ?? []) cs.push(ctCapToTree(cap, version));
  if (ds.DSMem !== undefined) cs.push(dsMemToTree(ds.DSMem));
  if (ds.SupportHierarchicalSync === true) cs.push(flag('SupportHierarchicalSync'));
  if (ds.SyncCap !== undefined) cs.push(el('SyncCap', NS, ds.SyncCap.map((t) => leaf('SyncType', t))));
  for (const r of ds.FilterRx ?? []) cs.push(contentTypeRefToTree('Filter-Rx', r));
  for (const f of ds.FilterCaps ?? []) cs.push(filterCapToTree(f));
  return el('DataStore', NS, inRememberedOrder(ds, cs));
}

function required(d: DevInf, name: 'DevID' | 'DevTyp'): XElement {
  if (d[name] === '') throw new DevInfError('MISSING_ELEMENT', `DevInf without ${name}`, name);
  return leaf(name, d[name]);
}

/**
 * Encode a DevInf as a `<DevInf>` element (ns `devinf`).
 * @throws DevInfError: MISSING_ELEMENT when DevID, DevTyp or a SourceRef is empty,
 *   UNSUPPORTED_VERDTD when VerDTD is not 1.0/1.1/1.2.
 */
export function devInfToTree(d: DevInf): XElement {
  const v: string = d.VerDTD;
  if (!isDevInfVersion(v)) throw new DevInfError('UNSUPPORTED_VERDTD', `DevInf VerDTD ${JSON.stringify(v)} is not supported`, 'VerDTD');
  const cs = [leaf('VerDTD', v)];
  for (const name of ['Man', 'Mod', 'OEM', 'FwV', 'SwV', 'HwV'] as const) {
    const t = d[name];
    if (t !== undefined) cs.push(leaf(name, t));
  }
  cs.push(required(d, 'DevID'), required(d, 'DevTyp'));
  for (const name of ['UTC', 'SupportLargeObjs', 'SupportNumberOfChanges'] as const) if (d[name] === true) cs.push(flag(name));
  for (const ds of d.DataStores) cs.push(dataStoreToTree(ds, v));
  const caps = d.CTCaps ?? [];
  if (caps.length > 0) {
    if (v === '1.2') for (const cap of caps) cs.push(ctCapToTree(cap, v));
    else cs.push(ctCapsToFlatTree(caps));
  }
  for (const x of d.Exts ?? []) cs.push(extToTree(x));
  return el('DevInf', NS, inRememberedOrder(d, cs));
}

/** A standalone DevInf document: language `devinf` at `d.VerDTD`. */
export function devInfToDocument(d: DevInf): XDocument {
  return { language: { kind: 'devinf', version: d.VerDTD }, root: devInfToTree(d) };
}
