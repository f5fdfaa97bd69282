/**
 * WBXML public identifiers and FPI strings of the SyncML family (protocol-notes 4.3; libwbxml
 * wbxml_tables.h). Reverse maps are derived from the one LANGUAGES list.
 */
import type { DtdVersion, Language, Ns } from '../../util/tree.js';

/** Numeric WBXML public ids (WBXML 1.3 §5.6, OMNA registry). */
export const PUBLIC_ID = {
  /** "Unknown or missing public identifier" (WBXML 1.3 §7.2.1); Funambol servers send it. */
  UNKNOWN: 0x01,
  SYNCML_10: 0x0fd1,
  DEVINF_10: 0x0fd2,
  SYNCML_11: 0x0fd3,
  DEVINF_11: 0x0fd4,
  SYNCML_12: 0x1201,
  METINF_12: 0x1202,
  DEVINF_12: 0x1203,
} as const;

/** One document type: its language, FPI, and numeric public id when one is registered. */
export interface LanguageEntry {
  readonly language: Language;
  readonly fpi: string;
  /** Registered numeric public id; absent for MetInf 1.0/1.1 (literal FPI only). */
  readonly publicId?: number;
  /** Our encoder writes the literal FPI (string table) rather than the numeric id. */
  readonly literalOnEncode: boolean;
}

function entry(kind: Ns, version: DtdVersion, name: string, publicId: number | undefined, literalOnEncode: boolean): LanguageEntry {
  const fpi = `-//SYNCML//DTD ${name} ${version}//EN`;
  const language = { kind, version };
  return publicId === undefined ? { language, fpi, literalOnEncode } : { language, fpi, publicId, literalOnEncode };
}

/**
 * Every language we read and write. SyncML 1.0 is written with the literal FPI, as Synthesis
 * (SyncEvolution) does (SYN xltenc.c); MetInf 1.0/1.1 have no numeric id.
 */
export const LANGUAGES: readonly LanguageEntry[] = [
  entry('syncml', '1.0', 'SyncML', PUBLIC_ID.SYNCML_10, true),
  entry('syncml', '1.1', 'SyncML', PUBLIC_ID.SYNCML_11, false),
  entry('syncml', '1.2', 'SyncML', PUBLIC_ID.SYNCML_12, false),
  entry('devinf', '1.0', 'DevInf', PUBLIC_ID.DEVINF_10, false),
  entry('devinf', '1.1', 'DevInf', PUBLIC_ID.DEVINF_11, false),
  entry('devinf', '1.2', 'DevInf', PUBLIC_ID.DEVINF_12, false),
  entry('metinf', '1.0', 'MetInf', undefined, true),
  entry('metinf', '1.1', 'MetInf', undefined, true),
  entry('metinf', '1.2', 'MetInf', PUBLIC_ID.METINF_12, false),
];

const BY_PUBLIC_ID = new Map<number, LanguageEntry>();
const BY_FPI = new Map<string, LanguageEntry>();
const BY_LANGUAGE = new Map<string, LanguageEntry>();
for (const e of LANGUAGES) {
  if (e.publicId !== undefined) BY_PUBLIC_ID.set(e.publicId, e);
  BY_FPI.set(e.fpi.toUpperCase(), e);
  BY_LANGUAGE.set(languageKey(e.language), e);
}

function languageKey(l: Language): string {
  return `${l.kind}/${l.version}`;
}

/** The table entry of a language (every Ns × DtdVersion combination has one). */
export function languageEntryOf(language: Language): LanguageEntry {
  const e = BY_LANGUAGE.get(languageKey(language));
  if (e === undefined) throw new RangeError(`no WBXML language ${languageKey(language)}`);
  return e;
}

/** Numeric public id of a language, or undefined when it only has a literal FPI. */
export function publicIdOf(language: Language): number | undefined {
  return languageEntryOf(language).publicId;
}

/** FPI string of a language, e.g. `-//SYNCML//DTD SyncML 1.2//EN`. */
export function fpiOf(language: Language): string {
  return languageEntryOf(language).fpi;
}

/** Language of a numeric public id, or undefined (including 1 = unknown). */
export function languageOfPublicId(id: number): Language | undefined {
  return BY_PUBLIC_ID.get(id)?.language;
}

/**
 * Language of a literal FPI string. Liberal: case-insensitive, surrounding whitespace and NULs
 * ignored. Undefined when not one of ours.
 */
export function languageOfFpi(fpi: string): Language | undefined {
  const trimmed = fpi.replace(/^[\s\0]+|[\s\0]+$/g, '').toUpperCase();
  return BY_FPI.get(trimmed)?.language;
}
