/**
 * Element tree -> SyncML / DevInf XML text (also the debug dump format).
 *
 * - xmlns on the root (`SYNCML:SYNCML1.x`, `syncml:devinf`, `syncml:metinf`) and wherever an
 *   element's namespace differs from its parent's, or from what the parser would infer for it
 *   (namespaces.ts defaultChildNs), as SyncEvolution writes `<Type xmlns='syncml:metinf'>`.
 * - The text of every `Data` element is CDATA (`]]>` split as `]]]]><![CDATA[>`); other text is
 *   escaped (`&`, `<`, `>`, and CR as `&#13;`).
 * - Empty elements as `<Final/>`.
 * - Opaque bytes and text XML cannot carry go through text.ts opaqueText (UTF-8 text, else
 *   Latin-1 reading, else base64): lossy by necessity, documented there.
 *
 * writeXml(parseXml(x)) is stable, and parseXml(writeXml(t)) gives a tree equal (sameTree) to t
 * for every tree the decoders produce (leaf text kept exactly; whitespace-only text next to
 * element children is not something the decoders produce, and the parser drops it).
 */
import type { DtdVersion, Language, Ns, XDocument, XElement, XNode } from '../util/tree.js';
import { defaultChildNs, doctypeDeclaration, namespaceUri } from './namespaces.js';
import { cdata, cdataLength, escapedTextLength, escapeText, isXmlText, opaqueText } from './text.js';
import { utf8Length } from '../util/bytes.js';
import { devInfTypeFor } from '../util/devinf-type.js';

/** Options of {@link writeXml}. */
export interface XmlWriteOptions {
  /** Indent with one space per level like wbxml2xml (for humans and debug dumps). Data text is never re-indented. Default false. */
  readonly pretty?: boolean;
  /** Write the `<?xml version="1.0" encoding="UTF-8"?>` declaration. Default true. */
  readonly declaration?: boolean;
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** What the writer knows about the parent of the element being written. */
interface ParentCtx {
  readonly ns: Ns;
  readonly name: string;
  /** Namespace the parser gives unprefixed children because of the parent's own xmlns. */
  readonly childDefault: Ns | undefined;
}

/** Output target: builds a string or only counts UTF-8 bytes, over the same walk. */
interface Sink {
  markup(s: string): void;
  /** Character data; cdata selects a CDATA section instead of escaping. */
  chars(s: string, asCdata: boolean): void;
}

const UTF8 = new TextEncoder();

/** Text that XML cannot carry goes through the opaque fallback. */
function representable(s: string): string {
  return isXmlText(s) ? s : opaqueText(UTF8.encode(s));
}

function leafText(n: XNode): string {
  if (n.kind === 'text') return representable(n.value);
  if (n.kind === 'opaque') return opaqueText(n.bytes);
  return '';
}

function inferredNs(parent: ParentCtx, name: string): Ns {
  if (name === 'DevInf') return 'devinf';
  return parent.childDefault ?? defaultChildNs(parent.ns, parent.name, name);
}

function walk(sink: Sink, e: XElement, parent: ParentCtx | undefined, version: DtdVersion, indent: number | undefined): void {
  const needsXmlns = parent === undefined || e.ns !== parent.ns || e.ns !== inferredNs(parent, e.name);
  sink.markup(`<${e.name}`);
  if (needsXmlns) sink.markup(` xmlns="${namespaceUri(e.ns, version)}"`);
  if (e.children.length === 0) {
    sink.markup('/>');
    return;
  }
  sink.markup('>');
  const ctx: ParentCtx = { ns: e.ns, name: e.name, childDefault: needsXmlns ? e.ns : undefined };
  const asCdata = e.name === 'Data';
  const isType = e.name === 'Type' && e.ns === 'metinf';
  const allElements = e.children.every((c) => c.kind === 'element');
  const childIndent = indent !== undefined && allElements ? indent + 1 : undefined;
  for (const c of e.children) {
    if (c.kind === 'element') {
      if (childIndent !== undefined) sink.markup(`\n${' '.repeat(childIndent)}`);
      walk(sink, c, ctx, version, childIndent);
    } else {
      sink.chars(isType && c.kind === 'text' ? devInfTypeFor(leafText(c), 'xml') : leafText(c), asCdata);
    }
  }
  if (childIndent !== undefined && indent !== undefined) sink.markup(`\n${' '.repeat(indent)}`);
  sink.markup(`</${e.name}>`);
}

/**
 * Serialise a document. Output is deterministic; with `pretty`, elements whose children are all
 * elements are laid out one per line, one space of indent per level; anything holding text is
 * written inline, so leaf text (Data above all) is never changed.
 */
export function writeXml(doc: XDocument, opts: XmlWriteOptions = {}): string {
  const parts: string[] = [];
  const sink: Sink = {
    markup: (s) => { parts.push(s); },
    chars: (s, asCdata) => { parts.push(asCdata ? cdata(s) : escapeText(s)); },
  };
  const pretty = opts.pretty === true;
  if (opts.declaration !== false) parts.push(pretty ? `${DECLARATION}\n` : DECLARATION);
  if (needsDoctype(doc)) parts.push(doctypeDeclaration(doc.language.kind, doc.language.version), pretty ? '\n' : '');
  walk(sink, doc.root, undefined, doc.language.version, pretty ? 0 : undefined);
  if (pretty) parts.push('\n');
  return parts.join('');
}

/**
 * A DOCTYPE is written only where nothing else would tell a reader the version: stand-alone
 * MetInf documents (no VerDTD, unversioned xmlns) and DevInf documents whose VerDTD child is
 * missing or disagrees with the language.
 * SyncML documents carry it in `SYNCML:SYNCML1.x`, as SyncEvolution writes them.
 */
function needsDoctype(doc: XDocument): boolean {
  if (doc.language.kind === 'metinf') return true;
  if (doc.language.kind === 'devinf') {
    const verDtd = doc.root.children.find((c) => c.kind === 'element' && c.name === 'VerDTD');
    return verDtd?.kind !== 'element' || verDtd.children.length !== 1 || verDtd.children[0]?.kind !== 'text'
      || verDtd.children[0].value.trim() !== doc.language.version;
  }
  return false;
}

/**
 * Exact UTF-8 byte length that writeXml (pretty: false) produces for this element as a child of
 * a parent in namespace parentNs (xmlns attributes depend on it). Used to pack messages under
 * MaxMsgSize. Builds no string for the subtree. Exact whenever the parent is not a SyncML
 * `Meta` element (whose children the parser defaults to MetInf); commands, items and Meta
 * itself are never children of Meta.
 */
export function xmlElementSize(e: XElement, parentNs: Ns, language: Language): number {
  let n = 0;
  const sink: Sink = {
    markup: (s) => { n += utf8Length(s); },
    chars: (s, asCdata) => { n += asCdata ? cdataLength(s) : escapedTextLength(s); },
  };
  walk(sink, e, { ns: parentNs, name: '', childDefault: undefined }, language.version, undefined);
  return n;
}
