/**
 * CTCap in both layouts.
 *
 * DevInf 1.0/1.1 (DTD 1.1): one `<CTCap>` holding a flat sequence of groups
 *   `(CTType, (PropName, (ValEnum+ | (DataType, Size?))?, DisplayName?,
 *              (ParamName, (ValEnum+ | (DataType, Size?))?, DisplayName?)*)+)+`
 * where a CTType starts a content type, a PropName a property and a ParamName a parameter.
 * DevInf 1.2: one `<CTCap (CTType, VerCT, FieldLevel?, Property+)>` per content type, with
 * `Property (PropName, DataType?, MaxOccur?, MaxSize?, NoTruncate?, ValEnum*, DisplayName?,
 * PropParam*)` and `PropParam (ParamName, DataType?, ValEnum*, DisplayName?)`.
 *
 * The decoder reads both with one scanner, whichever version the document claims, because devices
 * mix them: Nokia N900 sends 1.2 Property elements in a top-level CTCap, the Nokia 2630 puts
 * ParamName straight inside a Property (both noted in libsynthesis xltdevinf.c). Unknown elements
 * are skipped. `Size` and `MaxSize` are read as the same field.
 */
import { childElements, el, textOf, type XElement } from '../util/tree.js';
import type { CTCap, DevInfVersion, Mutable, PropParam, Property } from './devinf-model.js';
import { inRememberedOrder, rememberOrder } from './devinf-order.js';

const NS = 'devinf' as const;

/** Trimmed text of a leaf. */
export function leafText(e: XElement): string {
  return textOf(e).trim();
}

/** A decimal integer leaf, or undefined when it is not one (dropped: liberal with devices). */
export function leafNumber(e: XElement): number | undefined {
  const s = leafText(e);
  if (!/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

type PropBuilder = Mutable<Property> & { ValEnums?: string[]; PropParams?: PropParam[] };
type ParamBuilder = Mutable<PropParam> & { ValEnums?: string[] };
type CapBuilder = Mutable<CTCap> & { Properties: Property[] };

/** Apply one of the leaves a Property and a flat parameter share. Returns false if not one. */
function applyLeaf(target: PropBuilder | ParamBuilder, c: XElement, isProp: boolean): boolean {
  switch (c.name) {
    case 'ValEnum':
      (target.ValEnums ??= []).push(leafText(c));
      return true;
    case 'DataType':
      target.DataType ??= leafText(c);
      return true;
    case 'Size':
    case 'MaxSize': {
      const n = leafNumber(c);
      if (n !== undefined && target.MaxSize === undefined) target.MaxSize = n;
      return true;
    }
    case 'DisplayName':
      target.DisplayName ??= leafText(c);
      return true;
    case 'MaxOccur': {
      const n = leafNumber(c);
      if (isProp && n !== undefined) (target as PropBuilder).MaxOccur ??= n;
      return true;
    }
    case 'NoTruncate':
      if (isProp) (target as PropBuilder).NoTruncate = true;
      return true;
    default:
      return false;
  }
}

/** `PropParam` element (1.2). */
function propParamFromTree(e: XElement): PropParam | undefined {
  let p: ParamBuilder | undefined;
  for (const c of childElements(e)) {
    if (c.name === 'ParamName') p ??= { ParamName: leafText(c) };
    else if (p !== undefined) applyLeaf(p, c, false);
  }
  if (p !== undefined) rememberOrder(p, e);
  return p;
}

/** `Property` element (1.2), tolerating flat ParamName groups inside it (Nokia 2630). */
function propertyFromTree(e: XElement): Property | undefined {
  let prop: PropBuilder | undefined;
  let flatParam: ParamBuilder | undefined;
  for (const c of childElements(e)) {
    if (c.name === 'PropName') {
      prop ??= { PropName: leafText(c) };
      continue;
    }
    if (prop === undefined) continue;
    if (c.name === 'PropParam') {
      flatParam = undefined;
      const p = propParamFromTree(c);
      if (p !== undefined) (prop.PropParams ??= []).push(p);
    } else if (c.name === 'ParamName') {
      flatParam = { ParamName: leafText(c) };
      (prop.PropParams ??= []).push(flatParam);
    } else {
      applyLeaf(flatParam ?? prop, c, flatParam === undefined);
    }
  }
  if (prop !== undefined) rememberOrder(prop, e);
  return prop;
}

/**
 * Every CTCap in one `<CTCap>` element, in either layout (or a mix). A CTType starts a new
 * CTCap; Property elements and flat PropName/ParamName groups attach to the current one.
 * Content before the first CTType is skipped.
 */
export function ctCapsFromTree(e: XElement): CTCap[] {
  const out: CapBuilder[] = [];
  let cap: CapBuilder | undefined;
  let prop: PropBuilder | undefined;
  let param: ParamBuilder | undefined;
  for (const c of childElements(e)) {
    if (c.name === 'CTType') {
      cap = { CTType: leafText(c), Properties: [] };
      out.push(cap);
      prop = undefined;
      param = undefined;
      continue;
    }
    if (cap === undefined) continue;
    switch (c.name) {
      case 'VerCT':
        cap.VerCT ??= leafText(c);
        break;
      case 'FieldLevel':
        cap.FieldLevel = true;
        break;
      case 'Property': {
        prop = undefined;
        param = undefined;
        const p = propertyFromTree(c);
        if (p !== undefined) cap.Properties.push(p);
        break;
      }
      case 'PropName':
        prop = { PropName: leafText(c) };
        param = undefined;
        cap.Properties.push(prop);
        break;
      case 'ParamName':
        if (prop === undefined) break;
        param = { ParamName: leafText(c) };
        (prop.PropParams ??= []).push(param);
        break;
      default:
        if (param !== undefined) applyLeaf(param, c, false);
        else if (prop !== undefined) applyLeaf(prop, c, true);
    }
  }
  if (out.length === 1 && out[0] !== undefined) rememberOrder(out[0], e);
  return out;
}

function leaf(name: string, value: string): XElement {
  return el(name, NS, [value]);
}

function flag(name: string): XElement {
  return el(name, NS);
}

function sizeName(version: DevInfVersion): string {
  return version === '1.2' ? 'MaxSize' : 'Size';
}

function propParamToTree(p: PropParam, version: DevInfVersion): XElement {
  const cs: XElement[] = [leaf('ParamName', p.ParamName)];
  if (p.DataType !== undefined) cs.push(leaf('DataType', p.DataType));
  if (p.MaxSize !== undefined) cs.push(leaf(sizeName(version), String(p.MaxSize)));
  for (const v of p.ValEnums ?? []) cs.push(leaf('ValEnum', v));
  if (p.DisplayName !== undefined) cs.push(leaf('DisplayName', p.DisplayName));
  return el('PropParam', NS, inRememberedOrder(p, cs));
}

function propertyToTree(p: Property, version: DevInfVersion): XElement {
  const cs: XElement[] = [leaf('PropName', p.PropName)];
  if (p.DataType !== undefined) cs.push(leaf('DataType', p.DataType));
  if (p.MaxOccur !== undefined) cs.push(leaf('MaxOccur', String(p.MaxOccur)));
  if (p.MaxSize !== undefined) cs.push(leaf(sizeName(version), String(p.MaxSize)));
  if (p.NoTruncate === true) cs.push(flag('NoTruncate'));
  for (const v of p.ValEnums ?? []) cs.push(leaf('ValEnum', v));
  if (p.DisplayName !== undefined) cs.push(leaf('DisplayName', p.DisplayName));
  for (const pp of p.PropParams ?? []) cs.push(propParamToTree(pp, version));
  return el('Property', NS, inRememberedOrder(p, cs));
}

/**
 * One structured `<CTCap>` (the 1.2 layout). `version` only picks `MaxSize` (1.2) or `Size`
 * (1.0/1.1, for 1.2-style CTCaps inside an older document).
 */
export function ctCapToTree(cap: CTCap, version: DevInfVersion): XElement {
  const cs: XElement[] = [leaf('CTType', cap.CTType)];
  if (cap.VerCT !== undefined) cs.push(leaf('VerCT', cap.VerCT));
  if (cap.FieldLevel === true) cs.push(flag('FieldLevel'));
  for (const p of cap.Properties) cs.push(propertyToTree(p, version));
  return el('CTCap', NS, inRememberedOrder(cap, cs));
}

/** The flat leaves of a property or parameter: ValEnum*, DataType?, Size?, (MaxOccur?, NoTruncate?). */
function flatLeaves(p: Property | PropParam, cs: XElement[]): void {
  for (const v of p.ValEnums ?? []) cs.push(leaf('ValEnum', v));
  if (p.DataType !== undefined) cs.push(leaf('DataType', p.DataType));
  if (p.MaxSize !== undefined) cs.push(leaf('Size', String(p.MaxSize)));
  if ('MaxOccur' in p && p.MaxOccur !== undefined) cs.push(leaf('MaxOccur', String(p.MaxOccur)));
  if ('NoTruncate' in p && p.NoTruncate === true) cs.push(flag('NoTruncate'));
  if (p.DisplayName !== undefined) cs.push(leaf('DisplayName', p.DisplayName));
}

/**
 * All CTCaps as one flat 1.0/1.1 `<CTCap>`. What DTD 1.1 cannot say but the model holds
 * (VerCT, FieldLevel, MaxOccur, NoTruncate, both ValEnum and DataType) is written where the
 * decoder reads it back, so nothing is lost; `convertDevInf()` strips it for a strict peer.
 */
export function ctCapsToFlatTree(caps: readonly CTCap[]): XElement {
  const cs: XElement[] = [];
  for (const cap of caps) {
    cs.push(leaf('CTType', cap.CTType));
    if (cap.VerCT !== undefined) cs.push(leaf('VerCT', cap.VerCT));
    if (cap.FieldLevel === true) cs.push(flag('FieldLevel'));
    for (const p of cap.Properties) {
      cs.push(leaf('PropName', p.PropName));
      flatLeaves(p, cs);
      for (const pp of p.PropParams ?? []) {
        cs.push(leaf('ParamName', pp.ParamName));
        flatLeaves(pp, cs);
      }
    }
  }
  return el('CTCap', NS, cs);
}
