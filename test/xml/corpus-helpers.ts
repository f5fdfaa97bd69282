/**
 * Shared helpers of the XML and interop tests: the corpus file list, the real samples, and tree
 * walks. Test-only (reads files).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DtdVersion, Ns, XDocument, XElement, XNode } from '../../src/util/tree.js';
import { PEERS } from '../helpers/peers.js';

export const CORPUS_DIR = fileURLToPath(new URL('../fixtures/corpus/', import.meta.url));
export const PEERS_DIR = PEERS;
export const SAMPLES_DIR = join(PEERS_DIR, 'samples');
export const VPHONE_FIXTURES_DIR = join(PEERS_DIR, 'vphone', 'fixtures');

/** All corpus documents as paths relative to CORPUS_DIR (`syncml12/001-....xml`), sorted. */
export function corpusFiles(): string[] {
  const out: string[] = [];
  for (const dir of readdirSync(CORPUS_DIR, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(join(CORPUS_DIR, dir.name))) if (f.endsWith('.xml')) out.push(`${dir.name}/${f}`);
  }
  return out.sort();
}

export function readCorpus(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(join(CORPUS_DIR, rel)));
}

/** Files under dir (recursively) whose name passes the filter, sorted. */
export function filesUnder(dir: string, filter: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p, filter));
    else if (filter(e.name)) out.push(p);
  }
  return out.sort();
}

/** One element occurrence with the vocabulary table it belongs to (`syncml 1.2`, `devinf 1.1`). */
export interface TagUse {
  readonly ns: Ns;
  readonly version: DtdVersion;
  readonly name: string;
}

/**
 * Every element of a document with its vocabulary and version. An inline DevInf takes its
 * version from its own VerDTD child (DevInf 1.1 inside a SyncML 1.1 message, ...).
 */
export function tagUses(doc: XDocument): TagUse[] {
  const out: TagUse[] = [];
  const visit = (e: XElement, version: DtdVersion): void => {
    let v = version;
    if (e.name === 'DevInf' && e.ns === 'devinf') {
      const verDtd = e.children.find((c): c is XElement => c.kind === 'element' && c.name === 'VerDTD');
      const t = verDtd?.children[0];
      if (t?.kind === 'text' && (t.value === '1.0' || t.value === '1.1' || t.value === '1.2')) v = t.value;
    }
    out.push({ ns: e.ns, version: v, name: e.name });
    for (const c of e.children) if (c.kind === 'element') visit(c, v);
  };
  visit(doc.root, doc.language.version);
  return out;
}

const UTF8_FATAL = new TextDecoder('utf-8', { fatal: true });

function opaqueAsText(bytes: Uint8Array): string | undefined {
  try {
    return UTF8_FATAL.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Deep copy of an element tree with a function applied to every text value. Opaque leaves that
 * are valid UTF-8 count as text (WBXML may carry the same content either way); others are kept.
 */
export function mapText(e: XElement, f: (s: string, owner: XElement) => string): XElement {
  const children: XNode[] = e.children.map((c) => {
    if (c.kind === 'element') return mapText(c, f);
    const s = c.kind === 'text' ? c.value : opaqueAsText(c.bytes);
    return s === undefined ? c : { kind: 'text', value: f(s, e) };
  });
  return { kind: 'element', name: e.name, ns: e.ns, children };
}
