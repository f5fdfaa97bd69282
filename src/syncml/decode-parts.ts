/**
 * Tree -> model for the parts shared by commands: leaves, Meta (MetInf), Cred, Chal, Target,
 * Source, Item and its Data. Elements are matched by name in any namespace (peers omit or
 * misplace `xmlns`); whitespace of leaf values is trimmed, except inside `Data`.
 */
import { childElements, type XElement } from '../util/tree.js';
import { devInfFromTree } from './devinf.js';
import { SyncmlError } from '../errors.js';
import { rememberMetaOrder } from './meta-order.js';
import { SyncmlModelError, type SyncmlErrorKind } from './errors.js';
import type { Anchor, Chal, Cred, Filter, Item, ItemData, Mem, Meta, ParentRef, Source, Target } from './model.js';
import type { SyncmlVersion } from './constants.js';

/** Where the decoder is: for error reports. */
export interface DecodeCtx {
  readonly version: SyncmlVersion;
  readonly cmd?: string;
  readonly cmdId?: string;
}

/** Throw a model error located at `ctx`. */
export function fail(kind: SyncmlErrorKind, message: string, ctx: DecodeCtx | undefined, element?: string): never {
  throw new SyncmlModelError(kind, message, { cmdId: ctx?.cmdId, cmd: ctx?.cmd, element });
}

const UTF8_FATAL = new TextDecoder('utf-8', { fatal: true });

const UTF8_LOSSY = new TextDecoder('utf-8');

/** Raw text of a leaf (text + opaque as UTF-8, lossy), untrimmed. */
export function rawText(e: XElement): string {
  let s = '';
  for (const c of e.children) {
    if (c.kind === 'text') s += c.value;
    else if (c.kind === 'opaque') s += UTF8_LOSSY.decode(c.bytes);
  }
  return s;
}

/** Trimmed text of a non-Data leaf. */
export function leaf(e: XElement): string {
  return rawText(e).trim();
}

/** Parse an unsigned decimal number (SyncML numbers are non-negative integers). */
export function num(e: XElement, ctx: DecodeCtx | undefined): number {
  const s = leaf(e);
  if (!/^[0-9]{1,15}$/.test(s)) fail('BAD_NUMBER', `<${e.name}> is not a number: ${JSON.stringify(s.slice(0, 40))}`, ctx, e.name);
  return Number(s);
}

/**
 * The child elements of `e` grouped by name, checked against the content model: `allowed`
 * lists the names that may appear; names not in `repeat` may appear once.
 */
export function kids(e: XElement, allowed: ReadonlySet<string>, repeat: ReadonlySet<string>, ctx: DecodeCtx | undefined, lenient = false): Map<string, XElement[]> {
  const out = new Map<string, XElement[]>();
  for (const c of childElements(e)) {
    if (!allowed.has(c.name)) {
      if (lenient) continue;
      fail('UNEXPECTED_ELEMENT', `<${c.name}> is not allowed in <${e.name}>`, ctx, c.name);
    }
    const list = out.get(c.name);
    if (list === undefined) out.set(c.name, [c]);
    else {
      if (!repeat.has(c.name) && !lenient) fail('UNEXPECTED_ELEMENT', `<${c.name}> repeated in <${e.name}>`, ctx, c.name);
      list.push(c);
    }
  }
  return out;
}

/** The single child `name`, or undefined. */
export function opt(k: Map<string, XElement[]>, name: string): XElement | undefined {
  return k.get(name)?.[0];
}

/** The single required child `name`. */
export function req(k: Map<string, XElement[]>, name: string, parent: string, ctx: DecodeCtx | undefined): XElement {
  const e = k.get(name)?.[0];
  if (e === undefined) fail('MISSING_ELEMENT', `<${parent}> without <${name}>`, ctx, name);
  return e;
}

/** Set `o[key] = value` only when value is defined (exactOptionalPropertyTypes). */
export function put<T, K extends keyof T>(o: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) o[key] = value;
}

const set = (...names: string[]): ReadonlySet<string> => new Set(names);

const META_KIDS = set('Format', 'Type', 'Mark', 'Size', 'Anchor', 'Version', 'NextNonce', 'MaxMsgSize', 'MaxObjSize', 'EMI', 'Mem', 'FieldLevel', 'FreeMem', 'FreeID', 'SharedMem');
const META_REPEAT = set('EMI');

/** `Meta` / MetInf: unknown children are ignored (peers add vendor extras). */
export function decodeMeta(e: XElement, ctx: DecodeCtx | undefined): Meta {
  // Some peers wrap the MetInf children in <MetInf>; unwrap it.
  const inner = childElements(e);
  if (inner.length === 1 && inner[0]!.name === 'MetInf') return decodeMeta(inner[0]!, ctx);
  const k = kids(e, META_KIDS, META_REPEAT, ctx, true);
  const m: Meta = {};
  const s = (name: 'Format' | 'Type' | 'Mark' | 'Version' | 'NextNonce'): void => {
    const c = opt(k, name);
    if (c !== undefined) m[name] = leaf(c);
  };
  const n = (name: 'Size' | 'MaxMsgSize' | 'MaxObjSize' | 'FreeMem' | 'FreeID'): void => {
    const c = opt(k, name);
    if (c !== undefined) m[name] = num(c, ctx);
  };
  s('Format'); s('Type'); s('Mark'); n('Size');
  const a = opt(k, 'Anchor');
  if (a !== undefined) m.Anchor = decodeAnchor(a, ctx);
  s('Version'); s('NextNonce'); n('MaxMsgSize'); n('MaxObjSize');
  const emi = k.get('EMI');
  if (emi !== undefined) m.EMI = emi.map(leaf);
  const mem = opt(k, 'Mem');
  if (mem !== undefined) m.Mem = decodeMem(mem, ctx);
  if (k.has('FieldLevel')) m.FieldLevel = true;
  n('FreeMem'); n('FreeID');
  if (k.has('SharedMem')) m.SharedMem = true;
  rememberMetaOrder(m, childElements(e).map((c) => c.name));
  return m;
}

const ANCHOR_KIDS = set('Last', 'Next');

/** MetInf `Anchor (Last?, Next)`. */
export function decodeAnchor(e: XElement, ctx: DecodeCtx | undefined): Anchor {
  const k = kids(e, ANCHOR_KIDS, set(), ctx, true);
  const a: Anchor = { Next: leaf(req(k, 'Next', 'Anchor', ctx)) };
  const last = opt(k, 'Last');
  if (last !== undefined) return { Last: leaf(last), Next: a.Next };
  return a;
}

function decodeMem(e: XElement, ctx: DecodeCtx | undefined): Mem {
  const k = kids(e, set('SharedMem', 'FreeMem', 'FreeID'), set(), ctx, true);
  const m: Mem = { FreeMem: num(req(k, 'FreeMem', 'Mem', ctx), ctx), FreeID: num(req(k, 'FreeID', 'Mem', ctx), ctx) };
  return k.has('SharedMem') ? { SharedMem: true, ...m } : m;
}

/** Text or bytes of a Data leaf: never trimmed; non-UTF-8 OPAQUE stays bytes. */
export function dataValue(e: XElement): string | Uint8Array {
  let hasOpaque = false;
  for (const c of e.children) if (c.kind === 'opaque') hasOpaque = true;
  if (!hasOpaque) return rawText(e);
  const parts: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (const c of e.children) {
    if (c.kind === 'opaque') parts.push(c.bytes);
    else if (c.kind === 'text') parts.push(enc.encode(c.value));
  }
  let len = 0;
  for (const p of parts) len += p.length;
  const all = new Uint8Array(len);
  let o = 0;
  for (const p of parts) { all.set(p, o); o += p.length; }
  try {
    return UTF8_FATAL.decode(all);
  } catch {
    return all;
  }
}

/** `Cred (Meta?, Data)`. */
export function decodeCred(e: XElement, ctx: DecodeCtx | undefined): Cred {
  const k = kids(e, set('Meta', 'Data'), set(), ctx);
  const c: Cred = { Data: dataValue(req(k, 'Data', 'Cred', ctx)) };
  const meta = opt(k, 'Meta');
  return meta === undefined ? c : { Meta: decodeMeta(meta, ctx), Data: c.Data };
}

/** `Chal (Meta)`. */
export function decodeChal(e: XElement, ctx: DecodeCtx | undefined): Chal {
  const k = kids(e, set('Meta'), set(), ctx);
  return { Meta: decodeMeta(req(k, 'Meta', 'Chal', ctx), ctx) };
}

/** `Target (LocURI, LocName?, Filter?)`. An empty LocURI (Sony Ericsson C510) decodes as ''. */
export function decodeTarget(e: XElement, ctx: DecodeCtx | undefined): Target {
  const k = kids(e, set('LocURI', 'LocName', 'Filter'), set(), ctx);
  const t: Target = { LocURI: leaf(req(k, 'LocURI', e.name, ctx)) };
  const name = opt(k, 'LocName');
  if (name !== undefined) t.LocName = leaf(name);
  const f = opt(k, 'Filter');
  if (f !== undefined) t.Filter = decodeFilter(f, ctx);
  return t;
}

/** `Source (LocURI, LocName?)`. */
export function decodeSource(e: XElement, ctx: DecodeCtx | undefined): Source {
  const k = kids(e, set('LocURI', 'LocName'), set(), ctx);
  const s: Source = { LocURI: leaf(req(k, 'LocURI', e.name, ctx)) };
  const name = opt(k, 'LocName');
  if (name !== undefined) s.LocName = leaf(name);
  return s;
}

function decodeParent(e: XElement, ctx: DecodeCtx | undefined): ParentRef {
  const k = kids(e, set('LocURI'), set(), ctx);
  return { LocURI: leaf(req(k, 'LocURI', e.name, ctx)) };
}

/** `Filter (Meta, Field?, Record?, FilterType?)` (1.2). */
export function decodeFilter(e: XElement, ctx: DecodeCtx | undefined): Filter {
  const k = kids(e, set('Meta', 'Field', 'Record', 'FilterType'), set(), ctx);
  const f: Filter = { Meta: decodeMeta(req(k, 'Meta', 'Filter', ctx), ctx) };
  const wrapped = (name: 'Field' | 'Record'): void => {
    const w = opt(k, name);
    if (w === undefined) return;
    const wk = kids(w, set('Item'), set(), ctx);
    f[name] = decodeItem(req(wk, 'Item', name, ctx), ctx);
  };
  wrapped('Field'); wrapped('Record');
  const ft = opt(k, 'FilterType');
  if (ft !== undefined) f.FilterType = leaf(ft);
  return f;
}

const ITEM_KIDS = set('Target', 'Source', 'SourceParent', 'TargetParent', 'Meta', 'Data', 'MoreData');

/** `Item (Target?, Source?, SourceParent?, TargetParent?, Meta?, Data?, MoreData?)`. */
export function decodeItem(e: XElement, ctx: DecodeCtx | undefined): Item {
  const k = kids(e, ITEM_KIDS, set(), ctx);
  const it: Item = {};
  const t = opt(k, 'Target');
  if (t !== undefined) it.Target = decodeTarget(t, ctx);
  const s = opt(k, 'Source');
  if (s !== undefined) it.Source = decodeSource(s, ctx);
  const sp = opt(k, 'SourceParent');
  if (sp !== undefined) it.SourceParent = decodeParent(sp, ctx);
  const tp = opt(k, 'TargetParent');
  if (tp !== undefined) it.TargetParent = decodeParent(tp, ctx);
  const m = opt(k, 'Meta');
  if (m !== undefined) it.Meta = decodeMeta(m, ctx);
  const d = opt(k, 'Data');
  if (d !== undefined) it.Data = decodeItemData(d, ctx);
  if (k.has('MoreData')) it.MoreData = true;
  return it;
}

/** `Item/Data`: embedded DevInf, MetInf Anchor, or text/bytes. */
export function decodeItemData(e: XElement, ctx: DecodeCtx | undefined): ItemData {
  const els = childElements(e);
  if (els.length === 0) return dataValue(e);
  if (els.length > 1) fail('UNEXPECTED_ELEMENT', '<Data> with more than one element', ctx, els[1]!.name);
  const inner = els[0]!;
  if (inner.name === 'DevInf') {
    try {
      return devInfFromTree(inner);
    } catch (e) {
      // Keep the DevInf decoder's error as the cause, and say which command carried it.
      if (!(e instanceof SyncmlError)) throw e;
      throw new SyncmlModelError('INVALID_DEVINF', `invalid DevInf: ${e.message}`, { cmdId: ctx?.cmdId, cmd: ctx?.cmd, element: 'DevInf', cause: e, status: e.syncmlStatus });
    }
  }
  if (inner.name === 'Anchor') return { Anchor: decodeAnchor(inner, ctx) };
  return fail('UNEXPECTED_ELEMENT', `<${inner.name}> is not allowed in <Data>`, ctx, inner.name);
}
