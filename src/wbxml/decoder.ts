/**
 * WBXML → element tree. `decodeWbxml` for a whole buffer, `WbxmlDecoder` for chunks.
 *
 * Liberal in what it reads (protocol-notes 4.1, 4.7): version bytes 0x01-0x03; numeric or literal
 * public id (FPI with or without NUL); public id 1 or an unknown id (language from the root tag
 * token, version from VerDTD, else 1.2); STR_I / STR_T / ENTITY / OPAQUE; attributes skipped;
 * charset is not checked (text is UTF-8; invalid UTF-8 is kept as opaque bytes). A DevInf
 * document in an OPAQUE inside SyncML `<Data>` is decoded in place, or kept as bytes if it does
 * not parse.
 */
import { codecLimits, type CodecLimits } from '../util/limits.js';
import type { DtdVersion, Language, XDocument, XElement } from '../util/tree.js';
import { parseBody, type DecodeCounters } from './body.js';
import { hex, parseHeader } from './header.js';
import { readMbUint32 } from './mb-uint32.js';
import { codePagesOf } from './tables/code-pages.js';
import { DEVINF12_TAGS } from './tables/devinf.js';
import { languageOfFpi, languageOfPublicId } from './tables/public-ids.js';
import { SYNCML12_TAGS } from './tables/syncml.js';
import { TAG_BIT } from './tokens.js';
import { WBXML_ERR, wbxmlDecodeError } from './wbxml-errors.js';

/** Options of the WBXML decoder. */
export interface WbxmlDecodeOptions {
  /** Bounds; unspecified fields take DEFAULT_CODEC_LIMITS. */
  readonly limits?: Partial<CodecLimits>;
}

/**
 * Decode one whole WBXML document. The input is not modified or retained: opaque leaves are
 * copies.
 * @throws WbxmlError with a `SB_ERR_WBXML_*` code and the byte offset of the problem.
 */
export function decodeWbxml(bytes: Uint8Array, opts: WbxmlDecodeOptions = {}): XDocument {
  const limits = codecLimits(opts.limits);
  if (bytes.length > limits.maxDocumentBytes) {
    throw wbxmlDecodeError(WBXML_ERR.LIMIT, `document larger than ${limits.maxDocumentBytes} bytes`, limits.maxDocumentBytes);
  }
  return decodeDocument(bytes, limits, 0, { elements: 0 });
}

/**
 * Incremental front end: `push` chunks as they arrive, then `end()` for the tree. Never buffers
 * more than `limits.maxDocumentBytes` (a push past it throws SB_ERR_WBXML_LIMIT at once), and
 * rejects a bad version byte as soon as it arrives. The decoder owns copies of the chunks.
 */
export class WbxmlDecoder {
  private readonly limits: CodecLimits;
  private readonly chunks: Uint8Array[] = [];
  private size = 0;
  private ended = false;

  constructor(opts: WbxmlDecodeOptions = {}) {
    this.limits = codecLimits(opts.limits);
  }

  /** Append a chunk (copied). @throws WbxmlError when the document grows over the limit. */
  push(chunk: Uint8Array): void {
    if (this.ended) throw new TypeError('WbxmlDecoder.push after end()');
    if (chunk.length === 0) return;
    if (this.size + chunk.length > this.limits.maxDocumentBytes) {
      throw wbxmlDecodeError(WBXML_ERR.LIMIT, `document larger than ${this.limits.maxDocumentBytes} bytes`, this.limits.maxDocumentBytes);
    }
    if (this.size === 0) {
      const v = chunk[0]!;
      if (v < 0x01 || v > 0x03) throw wbxmlDecodeError(WBXML_ERR.VERSION, `unsupported WBXML version byte 0x${hex(v)}`, 0);
    }
    this.chunks.push(chunk.slice());
    this.size += chunk.length;
  }

  /** Decode everything pushed. @throws WbxmlError. */
  end(): XDocument {
    this.ended = true;
    const all = new Uint8Array(this.size);
    let o = 0;
    for (const c of this.chunks) {
      all.set(c, o);
      o += c.length;
    }
    this.chunks.length = 0;
    return decodeDocument(all, this.limits, 0, { elements: 0 });
  }
}

function decodeDocument(bytes: Uint8Array, limits: CodecLimits, depthBase: number, counters: DecodeCounters): XDocument {
  const header = parseHeader(bytes, limits);
  if (header.language !== undefined) {
    return { language: header.language, root: decodeRoot(bytes, header.bodyStart, header.strtbl, header.language, limits, depthBase, counters) };
  }
  // Public id 1 (unknown), an unregistered id or FPI: the root tag tells the document type.
  const kind = rootKind(bytes, header.bodyStart);
  if (kind === undefined) {
    const what = header.fpi === undefined ? `public id 0x${header.publicId.toString(16)}` : `FPI ${JSON.stringify(header.fpi)}`;
    throw wbxmlDecodeError(WBXML_ERR.PUBLIC_ID, `unknown ${what} and root tag not SyncML or DevInf`, header.bodyStart);
  }
  const start = counters.elements;
  const guess: Language = { kind, version: '1.2' };
  const root = decodeRoot(bytes, header.bodyStart, header.strtbl, guess, limits, depthBase, counters);
  const version = verDtdOf(root);
  if (version === undefined || version === '1.2') return { language: guess, root };
  counters.elements = start;
  const language: Language = { kind, version };
  return { language, root: decodeRoot(bytes, header.bodyStart, header.strtbl, language, limits, depthBase, counters) };
}

function decodeRoot(
  bytes: Uint8Array, start: number, strtbl: Uint8Array, language: Language,
  limits: CodecLimits, depthBase: number, counters: DecodeCounters,
): XElement {
  const pages = codePagesOf(language);
  const ctx = {
    strtbl, pages, limits, depthBase, counters,
    ...(language.kind === 'syncml' ? { nested: (b: Uint8Array, depth: number) => decodeNestedDevInf(b, depth, limits, counters) } : {}),
  };
  return parseBody(bytes, start, bytes.length, ctx);
}

/**
 * A DevInf document nested in SyncML `<Data>` (protocol-notes 4.7): decoded when its header
 * names DevInf (numeric 0x0FD2/0x0FD4/0x1203 or the literal FPI) and it parses; otherwise
 * undefined, and the caller keeps the opaque bytes (libwbxml's lenient fallback). Elements it
 * counted are given back on fallback.
 */
function decodeNestedDevInf(bytes: Uint8Array, depth: number, limits: CodecLimits, counters: DecodeCounters): XElement | undefined {
  if (!hasDevInfHeader(bytes)) return undefined;
  const before = counters.elements;
  try {
    const doc = decodeDocument(bytes, limits, depth, counters);
    if (doc.language.kind === 'devinf') return doc.root;
  } catch {
    // fall through: not a DevInf document after all; keep the bytes
  }
  counters.elements = before;
  return undefined;
}

/** Does this start like a WBXML document whose public id or FPI is DevInf? */
export function hasDevInfHeader(bytes: Uint8Array): boolean {
  try {
    const header = parseHeader(bytes, codecLimits());
    return header.language?.kind === 'devinf';
  } catch {
    return false;
  }
}

/** Document kind from the root tag token (skipping leading SWITCH_PAGEs): 0x2D SyncML, 0x0A DevInf. */
function rootKind(bytes: Uint8Array, start: number): 'syncml' | 'devinf' | undefined {
  let p = start;
  while (p + 1 < bytes.length && bytes[p] === 0x00) p += 2;
  if (p >= bytes.length) return undefined;
  const token = bytes[p]! & TAG_BIT.TOKEN_MASK;
  if (bytes[p]! <= 0x04) return undefined;
  if (token === SYNCML12_TAGS.SyncML) return 'syncml';
  if (token === DEVINF12_TAGS.DevInf) return 'devinf';
  return undefined;
}

/** The VerDTD text of a SyncML (SyncHdr/VerDTD) or DevInf (VerDTD) root, if a known version. */
function verDtdOf(root: XElement): DtdVersion | undefined {
  const holder = root.name === 'SyncML' ? root.children.find((c): c is XElement => c.kind === 'element' && c.name === 'SyncHdr') : root;
  const v = holder?.children.find((c): c is XElement => c.kind === 'element' && c.name === 'VerDTD');
  if (v === undefined) return undefined;
  let s = '';
  for (const c of v.children) if (c.kind === 'text') s += c.value;
  s = s.trim();
  return s === '1.0' || s === '1.1' || s === '1.2' ? s : undefined;
}

/**
 * Quick sniff: version byte 0x01..0x03 and a plausible public id (1, a known numeric id, or 0
 * followed by a string-table index). Does not parse the body.
 */
export function looksLikeWbxml(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const v = bytes[0]!;
  if (v < 0x01 || v > 0x03) return false;
  try {
    const pid = readMbUint32(bytes, 1);
    if (pid.value === 0) {
      const header = parseHeader(bytes, codecLimits());
      return header.fpi !== undefined && languageOfFpi(header.fpi) !== undefined;
    }
    return pid.value === 1 || languageOfPublicId(pid.value) !== undefined;
  } catch {
    return false;
  }
}
