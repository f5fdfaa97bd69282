/**
 * Namespace and version rules of SyncML, MetInf and DevInf as real peers write them in XML
 * (protocol-notes.md 3.1): `SYNCML:SYNCML1.x` on the SyncML root in any letter case,
 * `syncml:metinf` and `syncml:devinf` for the embedded vocabularies, and DOCTYPE formal public
 * identifiers (FPI) `-//SYNCML//DTD SyncML 1.2//EN` for documents without any xmlns.
 */
import type { DtdVersion, Ns } from '../util/tree.js';

/** Which vocabulary and (for SyncML) which version an xmlns value names. */
export interface NamespaceInfo {
  readonly ns: Ns;
  /** Only for `SYNCML:SYNCML1.x`. */
  readonly version?: DtdVersion;
}

const VERSIONS: readonly DtdVersion[] = ['1.0', '1.1', '1.2'];

/** Parse a DTD version string (`1.2`, with surrounding whitespace allowed). */
export function parseDtdVersion(s: string): DtdVersion | undefined {
  const v = s.trim();
  return (VERSIONS as readonly string[]).includes(v) ? (v as DtdVersion) : undefined;
}

/**
 * Map an xmlns value to its vocabulary, case-insensitively (SYN matches `SYNCML:SYNCML`
 * case-insensitively, Horde writes it lower-case). Undefined for anything else.
 */
export function namespaceInfo(uri: string): NamespaceInfo | undefined {
  const u = uri.trim().toLowerCase();
  if (u === 'syncml:metinf') return { ns: 'metinf' };
  if (u === 'syncml:devinf') return { ns: 'devinf' };
  const m = /^syncml:syncml(1\.[0-2])$/.exec(u);
  if (m !== null) {
    const version = parseDtdVersion(m[1] ?? '');
    if (version !== undefined) return { ns: 'syncml', version };
  }
  return undefined;
}

/** The xmlns value the writer uses for a vocabulary. */
export function namespaceUri(ns: Ns, version: DtdVersion): string {
  switch (ns) {
    case 'syncml': return `SYNCML:SYNCML${version}`;
    case 'metinf': return 'syncml:metinf';
    case 'devinf': return 'syncml:devinf';
  }
}

/** What a DOCTYPE declaration says: its root name and, when it is a SyncML FPI, kind and version. */
export interface DoctypeInfo {
  readonly kind?: Ns;
  readonly version?: DtdVersion;
  /** True when the declaration has an internal subset (`[...]`), i.e. may declare entities. */
  readonly hasInternalSubset: boolean;
}

/**
 * Read a DOCTYPE body as saxes reports it (everything between `<!DOCTYPE` and the closing `>`).
 * Only the FPI is used; the system identifier is never fetched.
 */
export function parseDoctype(body: string): DoctypeInfo {
  const hasInternalSubset = body.includes('[');
  const m = /PUBLIC\s+(["'])([^"']*)\1/i.exec(body);
  if (m === null) return { hasInternalSubset };
  const fpi = /^\s*-\/\/SYNCML\/\/DTD\s+(SyncML|DevInf|MetInf)\s+(1\.[0-2])\/\/EN\s*$/i.exec(m[2] ?? '');
  if (fpi === null) return { hasInternalSubset };
  const kindName = (fpi[1] ?? '').toLowerCase();
  const kind: Ns = kindName === 'devinf' ? 'devinf' : kindName === 'metinf' ? 'metinf' : 'syncml';
  const version = parseDtdVersion(fpi[2] ?? '');
  return version === undefined ? { kind, hasInternalSubset } : { kind, version, hasInternalSubset };
}

/** Root element local name of each document kind. */
export const ROOT_NAMES: Readonly<Record<Ns, string>> = Object.freeze({
  syncml: 'SyncML',
  metinf: 'MetInf',
  devinf: 'DevInf',
});

/** Document kind for a root element local name, or undefined when it is not a known root. */
export function rootKind(localName: string): Ns | undefined {
  if (localName === 'SyncML') return 'syncml';
  if (localName === 'DevInf') return 'devinf';
  if (localName === 'MetInf') return 'metinf';
  return undefined;
}

/**
 * The namespace an element gets when it carries no xmlns and no prefix: the parent's, except
 * that children of a SyncML `Meta` default to MetInf (peers often omit `xmlns='syncml:metinf'`)
 * and an element named `DevInf` defaults to DevInf. The writer uses the same rule to decide
 * where an explicit xmlns is needed.
 */
export function defaultChildNs(parentNs: Ns, parentName: string, childName: string): Ns {
  if (childName === 'DevInf') return 'devinf';
  if (parentNs === 'syncml' && parentName === 'Meta') return 'metinf';
  return parentNs;
}

const SYSTEM_IDS: Readonly<Record<Ns, Readonly<Record<DtdVersion, string>>>> = Object.freeze({
  syncml: {
    '1.0': 'http://www.syncml.org/docs/syncml_represent_v10_20001207.dtd',
    '1.1': 'http://www.syncml.org/docs/syncml_represent_v11_20020213.dtd',
    '1.2': 'http://www.openmobilealliance.org/tech/DTD/OMA-TS-SyncML_RepPro_DTD-V1_2.dtd',
  },
  devinf: {
    '1.0': 'http://www.syncml.org/docs/syncml_devinf_v10_20001207.dtd',
    '1.1': 'http://www.syncml.org/docs/devinf_v11_20020215.dtd',
    '1.2': 'http://www.openmobilealliance.org/tech/DTD/OMA-SyncML-Device_Information-DTD-1.2.dtd',
  },
  metinf: {
    '1.0': 'http://www.syncml.org/docs/syncml_metinf_v10_20001207.dtd',
    '1.1': 'http://www.syncml.org/docs/syncml_metinf_v11_20020215.dtd',
    '1.2': 'http://www.openmobilealliance.org/tech/DTD/OMA-TS-SyncML_MetaInfo_DTD-V1_2.dtd',
  },
});

/** `<!DOCTYPE ...>` with the FPI and DTD system id (the ones libwbxml uses) of a document type. */
export function doctypeDeclaration(kind: Ns, version: DtdVersion): string {
  const root = ROOT_NAMES[kind];
  return `<!DOCTYPE ${root} PUBLIC "-//SYNCML//DTD ${root} ${version}//EN" "${SYSTEM_IDS[kind][version]}">`;
}
