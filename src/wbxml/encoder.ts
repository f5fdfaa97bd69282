/**
 * Element tree → WBXML, conservative, as Synthesis and libwbxml write it (protocol-notes 4.1):
 * version 0x02; numeric public id (literal FPI in the string table for SyncML 1.0 and MetInf
 * 1.0/1.1); charset UTF-8; no string-table references; text as STR_I (as OPAQUE when it contains
 * NUL); opaque as OPAQUE; SWITCH_PAGE only just before a tag of another page (sticky); a DevInf
 * element inside SyncML as OPAQUE holding a complete DevInf document. An element has the content
 * bit iff it has children (an empty text child gives `tag|0x40 END`).
 */
import type { Language, XElement, XNode, XDocument } from '../util/tree.js';
import { codePagesOf, type CodePageSet } from './tables/code-pages.js';
import { languageEntryOf } from './tables/public-ids.js';
import { ByteSink, CountingSink, type Sink } from './sink.js';
import { utf8Length } from '../util/bytes.js';
import { CHARSET_UTF8, GLOBAL, TAG_BIT, WBXML_VERSION_1_2 } from './tokens.js';
import { WBXML_ERR, wbxmlEncodeError } from './wbxml-errors.js';
import { devInfTypeFor } from '../util/devinf-type.js';

// Local copies of the token values (no namespace-binding reads in the hot path).
const { SWITCH_PAGE, END, OPAQUE, STR_I } = GLOBAL;
const { CONTENT } = TAG_BIT;

interface EncodeState {
  /** Code page currently selected in the output. */
  page: number;
}

const LATIN1_FPI = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

/**
 * Encode a document. Tables are chosen from `doc.language` (SyncML/MetInf/DevInf, version).
 * Returns a new buffer owned by the caller.
 * @throws WbxmlError SB_ERR_WBXML_UNKNOWN_TAG for an element name not in its namespace's table
 *   for that version; SB_ERR_WBXML_NAMESPACE for an element whose namespace has no code page in
 *   this document type.
 */
export function encodeWbxml(doc: XDocument): Uint8Array {
  const sink = new ByteSink(1024);
  writeHeader(sink, doc.language);
  writeElement(sink, doc.root, doc.language, codePagesOf(doc.language), { page: 0 });
  return sink.result();
}

/**
 * Exact number of bytes encodeWbxml writes for `e` and its subtree when written with code page 0
 * current, including a trailing SWITCH_PAGE back to page 0 if the subtree leaves another page
 * current. Allocates no output.
 * @throws WbxmlError as encodeWbxml.
 */
export function wbxmlElementSize(e: XElement, language: Language): number {
  const sink = new CountingSink();
  const state = { page: 0 };
  writeElement(sink, e, language, codePagesOf(language), state);
  return sink.length + (state.page === 0 ? 0 : 2);
}

/** Number of header bytes (version, public id, charset, string table) encodeWbxml writes. */
export function wbxmlHeaderSize(language: Language): number {
  const sink = new CountingSink();
  writeHeader(sink, language);
  return sink.length;
}

/** `version publicid charset strtbl`. */
function writeHeader(sink: Sink, language: Language): void {
  const entry = languageEntryOf(language);
  sink.byte(WBXML_VERSION_1_2);
  if (entry.literalOnEncode || entry.publicId === undefined) {
    // Literal public id: 0, then index 0 into the string table holding the FPI without its NUL
    // (SYN xltenc.c: `02 00 00 6A 1D` + 29 bytes for SyncML 1.0).
    const fpi = LATIN1_FPI(entry.fpi);
    sink.mbUint32(0);
    sink.mbUint32(0);
    sink.mbUint32(CHARSET_UTF8);
    sink.mbUint32(fpi.length);
    sink.bytes(fpi);
  } else {
    sink.mbUint32(entry.publicId);
    sink.mbUint32(CHARSET_UTF8);
    sink.mbUint32(0);
  }
}

function writeElement(sink: Sink, e: XElement, language: Language, pages: CodePageSet, state: EncodeState): void {
  if (e.ns === 'devinf' && language.kind === 'syncml') {
    writeNestedDevInf(sink, e, language);
    return;
  }
  const cp = pages.pageOfNs.get(e.ns);
  if (cp === undefined) {
    throw wbxmlEncodeError(WBXML_ERR.NAMESPACE, `element <${e.name}> of namespace ${e.ns} cannot be written in a ${language.kind} ${language.version} document`);
  }
  const token = cp.tokenOfName.get(e.name);
  if (token === undefined) {
    throw wbxmlEncodeError(WBXML_ERR.UNKNOWN_TAG, `unknown ${e.ns} ${language.version} element <${e.name}>`);
  }
  if (state.page !== cp.page) {
    sink.byte(SWITCH_PAGE);
    sink.byte(cp.page);
    state.page = cp.page;
  }
  const hasContent = e.children.length > 0;
  sink.byte(hasContent ? token | CONTENT : token);
  if (!hasContent) return;
  const isType = e.name === 'Type' && e.ns === 'metinf' && language.kind === 'syncml';
  for (const c of e.children) {
    writeNode(sink, isType && c.kind === 'text' ? { kind: 'text', value: devInfTypeFor(c.value, 'wbxml') } : c, language, pages, state);
  }
  sink.byte(END);
}

function writeNode(sink: Sink, n: XNode, language: Language, pages: CodePageSet, state: EncodeState): void {
  if (n.kind === 'element') {
    writeElement(sink, n, language, pages, state);
  } else if (n.kind === 'opaque') {
    sink.byte(OPAQUE);
    sink.mbUint32(n.bytes.length);
    sink.bytes(n.bytes);
  } else if (n.value.length === 0) {
    // nothing: an empty text only gives its parent the content bit
  } else if (n.value.includes('\0')) {
    // STR_I is NUL-terminated and cannot hold U+0000: carry such text as OPAQUE.
    sink.byte(OPAQUE);
    sink.mbUint32(utf8Length(n.value));
    sink.utf8(n.value);
  } else {
    sink.byte(STR_I);
    sink.utf8(n.value);
    sink.byte(0);
  }
}

/**
 * DevInf inside SyncML (protocol-notes 4.7): OPAQUE holding a complete DevInf WBXML document with
 * the DevInf public id of the enclosing SyncML version (1.0 0x0FD2, 1.1 0x0FD4, 1.2 0x1203).
 */
function writeNestedDevInf(sink: Sink, e: XElement, syncml: Language): void {
  const language: Language = { kind: 'devinf', version: syncml.version };
  const pages = codePagesOf(language);
  const counter = new CountingSink();
  writeHeader(counter, language);
  writeElement(counter, e, language, pages, { page: 0 });
  sink.byte(OPAQUE);
  sink.mbUint32(counter.length);
  writeHeader(sink, language);
  writeElement(sink, e, language, pages, { page: 0 });
}
