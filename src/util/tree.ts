/**
 * The element tree shared by the WBXML and XML codecs and the SyncML model layer.
 *
 * Both codecs decode to this tree and encode from it, so the SyncML model never sees
 * which encoding a message used. The tree is deliberately small: SyncML, MetInf and
 * DevInf use no attributes and no mixed content, so an element is a name, a namespace
 * (which WBXML code page / XML namespace it belongs to) and its children.
 *
 * - `ns` is the vocabulary of the element: `syncml` (SyncML code page 0), `metinf`
 *   (MetInf, code page 1 inside SyncML), `devinf` (DevInf, its own document).
 * - Text is a string (already decoded from UTF-8 / XML escapes / CDATA).
 * - Opaque is raw bytes (WBXML OPAQUE) that were not valid UTF-8 or not text at all;
 *   the XML writer emits them as text when they are valid UTF-8, else as their Latin-1
 *   reading or base64 (see xml/text.ts).
 * - An embedded DevInf document (WBXML: a whole nested WBXML document inside OPAQUE in
 *   `<Data>`; XML: inline `<DevInf xmlns="syncml:devinf">`) is an element child of
 *   `<Data>` with `ns: 'devinf'`.
 */
import { bytesEqual } from './bytes.js';

/** Vocabulary (namespace / code-page family) an element belongs to. */
export type Ns = 'syncml' | 'metinf' | 'devinf';

/** SyncML / DevInf / MetInf DTD version. */
export type DtdVersion = '1.0' | '1.1' | '1.2';

/** Which document type a tree is, and its DTD version. */
export interface Language {
  readonly kind: Ns;
  readonly version: DtdVersion;
}

export interface XElement {
  readonly kind: 'element';
  readonly name: string;
  readonly ns: Ns;
  readonly children: XNode[];
}

export interface XText {
  readonly kind: 'text';
  readonly value: string;
}

export interface XOpaque {
  readonly kind: 'opaque';
  readonly bytes: Uint8Array;
}

export type XNode = XElement | XText | XOpaque;

/** A whole document: its root element and the language it was declared (or detected) as. */
export interface XDocument {
  readonly language: Language;
  readonly root: XElement;
}

/** Build an element. `children` may mix nodes and strings (strings become text nodes). */
export function el(name: string, ns: Ns, children: ReadonlyArray<XNode | string> = []): XElement {
  return {
    kind: 'element',
    name,
    ns,
    children: children.map((c) => (typeof c === 'string' ? text(c) : c)),
  };
}

export function text(value: string): XText {
  return { kind: 'text', value };
}

export function opaque(bytes: Uint8Array): XOpaque {
  return { kind: 'opaque', bytes };
}

/** First child element with this name (any namespace), or undefined. */
export function child(parent: XElement, name: string): XElement | undefined {
  for (const c of parent.children) if (c.kind === 'element' && c.name === name) return c;
  return undefined;
}

/** All child elements with this name, in document order. */
export function childrenNamed(parent: XElement, name: string): XElement[] {
  const out: XElement[] = [];
  for (const c of parent.children) if (c.kind === 'element' && c.name === name) out.push(c);
  return out;
}

/** All child elements, in document order. */
export function childElements(parent: XElement): XElement[] {
  const out: XElement[] = [];
  for (const c of parent.children) if (c.kind === 'element') out.push(c);
  return out;
}

/**
 * The text content of a leaf element: text nodes concatenated, opaque bytes decoded as UTF-8
 * (lossy). Element children are ignored.
 */
export function textOf(e: XElement): string {
  let s = '';
  for (const c of e.children) {
    if (c.kind === 'text') s += c.value;
    else if (c.kind === 'opaque') s += UTF8.decode(c.bytes);
  }
  return s;
}

const UTF8 = new TextDecoder('utf-8');

/**
 * Structural equality of two nodes: same names, namespaces, texts and bytes. Adjacent text
 * nodes are compared as their concatenation; opaque bytes equal a text whose UTF-8 encoding is
 * those bytes (WBXML may carry the same content either way).
 */
export function sameTree(a: XNode, b: XNode): boolean {
  if (a.kind === 'element' || b.kind === 'element') {
    if (a.kind !== 'element' || b.kind !== 'element') return false;
    if (a.name !== b.name || a.ns !== b.ns) return false;
    const ca = normaliseChildren(a.children);
    const cb = normaliseChildren(b.children);
    if (ca.length !== cb.length) return false;
    for (let i = 0; i < ca.length; i++) if (!sameTree(ca[i]!, cb[i]!)) return false;
    return true;
  }
  return bytesEqual(leafBytes(a), leafBytes(b));
}

const UTF8E = new TextEncoder();

function leafBytes(n: XText | XOpaque): Uint8Array {
  return n.kind === 'text' ? UTF8E.encode(n.value) : n.bytes;
}

/** Merge runs of text/opaque leaves into one opaque leaf, so split text compares equal. */
function normaliseChildren(children: readonly XNode[]): XNode[] {
  const out: XNode[] = [];
  let run: Uint8Array[] = [];
  const flush = (): void => {
    if (run.length === 0) return;
    let len = 0;
    for (const r of run) len += r.length;
    const all = new Uint8Array(len);
    let o = 0;
    for (const r of run) { all.set(r, o); o += r.length; }
    if (len > 0) out.push(opaque(all));
    run = [];
  };
  for (const c of children) {
    if (c.kind === 'element') { flush(); out.push(c); } else run.push(leafBytes(c));
  }
  flush();
  return out;
}
