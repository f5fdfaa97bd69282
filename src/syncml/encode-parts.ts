/**
 * Model -> tree for the shared parts: Meta (children in the `metinf` namespace, MetInf DTD
 * order), Cred, Chal, Target, Source, Item and its Data (DevInf via the DevInf module, `devinf`
 * namespace).
 */
import { el, opaque, type XElement, type XNode } from '../util/tree.js';
import { devInfToTree } from './devinf.js';
import { inMetaOrder } from './meta-order.js';
import { isAnchorData, isDevInfData, type Anchor, type Chal, type Cred, type Filter, type Item, type ItemData, type Meta, type ParentRef, type Source, type Target } from './model.js';

/** A `syncml` leaf element with text (no child when empty). */
export function leafEl(name: string, value: string): XElement {
  return el(name, 'syncml', value === '' ? [] : [value]);
}

/** An empty `syncml` flag element. */
export function flagEl(name: string): XElement {
  return el(name, 'syncml');
}

function metLeaf(name: string, value: string | number): XElement {
  const s = String(value);
  return el(name, 'metinf', s === '' ? [] : [s]);
}

/** MetInf `Anchor`. */
export function anchorToTree(a: Anchor): XElement {
  const kids: XElement[] = [];
  if (a.Last !== undefined) kids.push(metLeaf('Last', a.Last));
  kids.push(metLeaf('Next', a.Next));
  return el('Anchor', 'metinf', kids);
}

/**
 * `Meta` with MetInf children in DTD order, or in the order the decoder saw for this object
 * (see meta-order.ts).
 */
export function metaToTree(m: Meta): XElement {
  const g: Array<[string, XElement[]]> = [];
  const one = (name: string, e: XElement | undefined): void => {
    if (e !== undefined) g.push([name, [e]]);
  };
  one('Format', m.Format === undefined ? undefined : metLeaf('Format', m.Format));
  one('Type', m.Type === undefined ? undefined : metLeaf('Type', m.Type));
  one('Mark', m.Mark === undefined ? undefined : metLeaf('Mark', m.Mark));
  one('Size', m.Size === undefined ? undefined : metLeaf('Size', m.Size));
  one('Anchor', m.Anchor === undefined ? undefined : anchorToTree(m.Anchor));
  one('Version', m.Version === undefined ? undefined : metLeaf('Version', m.Version));
  one('NextNonce', m.NextNonce === undefined ? undefined : metLeaf('NextNonce', m.NextNonce));
  one('MaxMsgSize', m.MaxMsgSize === undefined ? undefined : metLeaf('MaxMsgSize', m.MaxMsgSize));
  one('MaxObjSize', m.MaxObjSize === undefined ? undefined : metLeaf('MaxObjSize', m.MaxObjSize));
  if (m.EMI !== undefined && m.EMI.length > 0) g.push(['EMI', m.EMI.map((e) => metLeaf('EMI', e))]);
  if (m.Mem !== undefined) {
    const mem: XElement[] = [];
    if (m.Mem.SharedMem === true) mem.push(el('SharedMem', 'metinf'));
    mem.push(metLeaf('FreeMem', m.Mem.FreeMem), metLeaf('FreeID', m.Mem.FreeID));
    one('Mem', el('Mem', 'metinf', mem));
  }
  one('FieldLevel', m.FieldLevel === true ? el('FieldLevel', 'metinf') : undefined);
  one('FreeMem', m.FreeMem === undefined ? undefined : metLeaf('FreeMem', m.FreeMem));
  one('FreeID', m.FreeID === undefined ? undefined : metLeaf('FreeID', m.FreeID));
  one('SharedMem', m.SharedMem === true ? el('SharedMem', 'metinf') : undefined);
  return el('Meta', 'syncml', inMetaOrder(m, g));
}

/** `Data` holding text or bytes (bytes become WBXML OPAQUE). */
export function dataEl(d: string | Uint8Array): XElement {
  if (typeof d === 'string') return leafEl('Data', d);
  return el('Data', 'syncml', d.length === 0 ? [] : [opaque(d)]);
}

/** `Cred (Meta?, Data)`. */
export function credToTree(c: Cred): XElement {
  const k: XElement[] = [];
  if (c.Meta !== undefined) k.push(metaToTree(c.Meta));
  k.push(dataEl(c.Data));
  return el('Cred', 'syncml', k);
}

/** `Chal (Meta)`. */
export function chalToTree(c: Chal): XElement {
  return el('Chal', 'syncml', [metaToTree(c.Meta)]);
}

/** `Target` (or any element of its shape, e.g. MapItem's). */
export function targetToTree(t: Target, name = 'Target'): XElement {
  const k: XElement[] = [leafEl('LocURI', t.LocURI)];
  if (t.LocName !== undefined) k.push(leafEl('LocName', t.LocName));
  if (t.Filter !== undefined) k.push(filterToTree(t.Filter));
  return el(name, 'syncml', k);
}

/** `Source`. */
export function sourceToTree(s: Source): XElement {
  const k: XElement[] = [leafEl('LocURI', s.LocURI)];
  if (s.LocName !== undefined) k.push(leafEl('LocName', s.LocName));
  return el('Source', 'syncml', k);
}

function parentToTree(name: string, p: ParentRef): XElement {
  return el(name, 'syncml', [leafEl('LocURI', p.LocURI)]);
}

/** `Filter (Meta, Field?, Record?, FilterType?)`. */
export function filterToTree(f: Filter): XElement {
  const k: XElement[] = [metaToTree(f.Meta)];
  if (f.Field !== undefined) k.push(el('Field', 'syncml', [itemToTree(f.Field)]));
  if (f.Record !== undefined) k.push(el('Record', 'syncml', [itemToTree(f.Record)]));
  if (f.FilterType !== undefined) k.push(leafEl('FilterType', f.FilterType));
  return el('Filter', 'syncml', k);
}

/** `Item/Data`. */
export function itemDataToTree(d: ItemData): XElement {
  if (typeof d === 'string' || d instanceof Uint8Array) return dataEl(d);
  const inner: XNode = isDevInfData(d) ? devInfToTree(d) : isAnchorData(d) ? anchorToTree(d.Anchor) : el('Data', 'syncml');
  return el('Data', 'syncml', [inner]);
}

/** `Item`. */
export function itemToTree(it: Item): XElement {
  const k: XElement[] = [];
  if (it.Target !== undefined) k.push(targetToTree(it.Target));
  if (it.Source !== undefined) k.push(sourceToTree(it.Source));
  if (it.SourceParent !== undefined) k.push(parentToTree('SourceParent', it.SourceParent));
  if (it.TargetParent !== undefined) k.push(parentToTree('TargetParent', it.TargetParent));
  if (it.Meta !== undefined) k.push(metaToTree(it.Meta));
  if (it.Data !== undefined) k.push(itemDataToTree(it.Data));
  if (it.MoreData === true) k.push(flagEl('MoreData'));
  return el('Item', 'syncml', k);
}
