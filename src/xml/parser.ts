/**
 * Incremental SyncML / DevInf XML parser: bytes or strings in, the shared element tree out.
 *
 * Built on saxes (DESIGN.md 4): no DTD is read, no entity is expanded except the five predefined
 * ones and character references, and nothing is fetched. The tree builder adds what SyncML peers
 * need: namespace mapping as peers really write it (namespaces.ts), whitespace rules, version
 * detection, and the bounds of util/limits.ts checked as data arrives.
 *
 * Line ends: unlike a conforming XML processor, CR characters are kept as they are (XML 1.0
 * section 2.11 would turn CRLF into LF). SyncML item data is significant: vCards carry CRLF in
 * XML messages (SyncEvolution writes them raw inside CDATA) and the same bytes arrive in WBXML,
 * so both codecs must give the same text.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { XmlError } from '../errors.js';
import { codecLimits, type CodecLimits } from '../util/limits.js';
import type { DtdVersion, Language, Ns, XDocument, XElement, XNode } from '../util/tree.js';
import { XML_ERROR_CODES as C, type XmlErrorCode } from './codes.js';
import { defaultChildNs, namespaceInfo, parseDoctype, parseDtdVersion, rootKind, type DoctypeInfo } from './namespaces.js';
import { utf8Length } from '../util/bytes.js';

/** Options of {@link XmlParser} and {@link parseXml}. */
export interface XmlParseOptions {
  /** Bounds; unspecified fields come from DEFAULT_CODEC_LIMITS. */
  readonly limits?: Partial<CodecLimits>;
}

interface Frame {
  readonly name: string;
  readonly ns: Ns;
  readonly children: XNode[];
  /** Namespace given by this element's own xmlns, which its children default to. */
  readonly childDefault: Ns | undefined;
  /** Prefix declarations (`xmlns:p`) made on this element: prefix -> URI. */
  readonly prefixes: Map<string, string> | undefined;
  /** Pending character data (text and CDATA runs merge into one text node). */
  text: string;
  textBytes: number;
  hasElementChild: boolean;
}

/** The saxes internals the CR-preserving reader needs (see keepCarriageReturns). */
interface SaxesInternals {
  chunk: string;
  i: number;
  prevI: number;
  column: number;
  getCode: () => number;
  getCode10: () => number;
}

const CR = 0x0d;
type Utf8Decoder = InstanceType<typeof TextDecoder>;
const UTF8_FATAL = (): Utf8Decoder => new TextDecoder('utf-8', { fatal: true });

/**
 * Make saxes return CR characters as themselves instead of normalising CRLF / CR to LF.
 * saxes has no option for this; its reader method is replaced on this one instance. Every place
 * saxes tests for whitespace uses isS(), which accepts CR, so markup parsing is unchanged; text,
 * CDATA and attribute values keep their CRs.
 */
function keepCarriageReturns(parser: SaxesParser<object>): void {
  const p = parser as unknown as SaxesInternals;
  const original = p.getCode10;
  const patched = function (this: SaxesInternals): number {
    const { chunk, i } = this;
    if (i < chunk.length && chunk.charCodeAt(i) === CR) {
      this.prevI = i;
      this.i = i + 1;
      this.column++;
      return CR;
    }
    return original.call(this);
  };
  p.getCode10 = patched;
  p.getCode = patched;
}

/** Map a saxes error message to a stable code. */
function saxesCode(message: string): XmlErrorCode {
  if (/entity/i.test(message)) return C.ENTITY;
  if (/close tag|closing tag|unclosed tag/i.test(message)) return C.UNBALANCED;
  if (/unexpected end/i.test(message)) return C.TRUNCATED;
  return C.MALFORMED;
}

/**
 * Incremental parser. Push UTF-8 chunks (split anywhere, even inside a multi-byte character) or
 * strings, then call {@link XmlParser.end} for the document. Every failure is an XmlError with
 * a code from XML_ERROR_CODES and a message naming the problem and its position; after an error
 * the parser is unusable.
 */
export class XmlParser {
  readonly #limits: CodecLimits;
  readonly #sax: SaxesParser<object>;
  #decoder: Utf8Decoder = UTF8_FATAL();
  readonly #stack: Frame[] = [];
  #root: XElement | undefined;
  #bytes = 0;
  #elements = 0;
  #doctype: DoctypeInfo | undefined;
  #rootKind: Ns | undefined;
  #xmlnsVersion: DtdVersion | undefined;
  #verDtd: string | undefined;
  #lastEventPosition = 0;
  #charsWritten = 0;
  #failed: XmlError | undefined;
  #ended = false;

  constructor(opts: XmlParseOptions = {}) {
    this.#limits = codecLimits(opts.limits);
    this.#sax = new SaxesParser({ xmlns: false, position: true, defaultXMLVersion: '1.0', forceXMLVersion: true });
    keepCarriageReturns(this.#sax);
    this.#sax.on('error', (err: Error) => {
      throw this.#error(saxesCode(err.message), err.message.replace(/^\d+:\d+: /, '').replace(/\.$/, ''));
    });
    this.#sax.on('doctype', (body: string) => this.#onDoctype(body));
    this.#sax.on('opentag', (tag: SaxesTagPlain) => this.#onOpen(tag));
    this.#sax.on('closetag', () => this.#onClose());
    this.#sax.on('text', (t: string) => this.#onText(t));
    this.#sax.on('cdata', (t: string) => this.#onText(t));
  }

  /**
   * Feed the next chunk. Uint8Array chunks are UTF-8 (a leading BOM is skipped) and may end
   * inside a character; strings are already-decoded text. The caller keeps ownership of the
   * chunk; nothing refers to it after the call.
   */
  push(chunk: Uint8Array | string): void {
    this.#guard(() => {
      let s: string;
      if (typeof chunk === 'string') {
        try {
          s = this.#decoder.decode() + chunk; // flush bytes of an earlier Uint8Array chunk
        } catch {
          throw this.#error(C.ENCODING, 'a string chunk follows an incomplete UTF-8 sequence', this.#bytes);
        }
        this.#count(utf8Length(chunk));
      } else {
        this.#count(chunk.length);
        try {
          s = this.#decoder.decode(chunk, { stream: true });
        } catch {
          throw this.#error(C.ENCODING, 'invalid UTF-8', this.#bytes - chunk.length);
        }
      }
      if (s.length > 0) this.#write(s);
    });
  }

  /** Finish the document: checks it is complete and returns the tree. */
  end(): XDocument {
    return this.#guard(() => {
      let tail: string;
      try {
        tail = this.#decoder.decode();
      } catch {
        throw this.#error(C.ENCODING, 'input ends inside a UTF-8 sequence', this.#bytes);
      }
      if (tail.length > 0) this.#write(tail);
      this.#ended = true;
      const open = this.#stack[this.#stack.length - 1];
      if (open !== undefined) throw this.#error(C.TRUNCATED, `input ended inside element ${open.name}`);
      if (this.#root === undefined) throw this.#error(C.TRUNCATED, 'input ended before the root element');
      this.#sax.close();
      return { language: this.#language(), root: this.#root };
    });
  }

  #guard<T>(f: () => T): T {
    if (this.#failed !== undefined) throw this.#failed;
    if (this.#ended) throw new XmlError('XML parser used after end()', C.STATE);
    try {
      return f();
    } catch (e) {
      const err = e instanceof XmlError
        ? e
        : new XmlError(`XML parser failure: ${e instanceof Error ? e.message : String(e)}${this.#where()}`, C.MALFORMED, { cause: e });
      this.#failed = err;
      throw err;
    }
  }

  #count(n: number): void {
    this.#bytes += n;
    if (this.#bytes > this.#limits.maxDocumentBytes) {
      throw this.#error(C.TOO_LARGE, `document exceeds ${this.#limits.maxDocumentBytes} bytes`, this.#limits.maxDocumentBytes);
    }
  }

  #write(s: string): void {
    this.#sax.write(s);
    this.#charsWritten += s.length;
    // saxes buffers a token (text run, CDATA, comment, DOCTYPE, tag) until it is complete; bound
    // that buffer as data arrives. UTF-16 units <= UTF-8 bytes, so this never fires early.
    if (this.#charsWritten - this.#lastEventPosition > this.#limits.maxLeafBytes) {
      throw this.#error(C.TEXT_TOO_LARGE, `token exceeds ${this.#limits.maxLeafBytes} bytes`);
    }
  }

  #where(): string {
    return ` at line ${this.#sax.line}, column ${this.#sax.column}`;
  }

  #error(code: XmlErrorCode, what: string, offset?: number): XmlError {
    return offset === undefined
      ? new XmlError(`XML: ${what}${this.#where()}`, code)
      : new XmlError(`XML: ${what} at byte ${offset}`, code, { offset });
  }

  #onDoctype(body: string): void {
    this.#lastEventPosition = this.#sax.position;
    const info = parseDoctype(body);
    if (info.hasInternalSubset) throw this.#error(C.DTD, 'DOCTYPE internal subset (entity declarations) is not accepted');
    this.#doctype = info;
  }

  #onText(t: string): void {
    this.#lastEventPosition = this.#sax.position;
    const top = this.#stack[this.#stack.length - 1];
    if (top === undefined || t.length === 0) return;
    top.textBytes += utf8Length(t);
    if (top.textBytes > this.#limits.maxLeafBytes) throw this.#error(C.TEXT_TOO_LARGE, `text in ${top.name} exceeds ${this.#limits.maxLeafBytes} bytes`);
    top.text += t;
  }

  #onOpen(tag: SaxesTagPlain): void {
    this.#lastEventPosition = this.#sax.position;
    const depth = this.#stack.length + 1;
    if (depth > this.#limits.maxDepth) throw this.#error(C.DEPTH, `element nesting deeper than ${this.#limits.maxDepth}`);
    if (++this.#elements > this.#limits.maxElements) throw this.#error(C.TOO_MANY_ELEMENTS, `more than ${this.#limits.maxElements} elements`);
    let prefixes: Map<string, string> | undefined;
    let ownUri: string | undefined;
    for (const [k, v] of Object.entries(tag.attributes)) {
      if (k === 'xmlns') ownUri = v;
      else if (k.startsWith('xmlns:')) (prefixes ??= new Map()).set(k.slice(6), v);
    }
    const colon = tag.name.indexOf(':');
    const prefix = colon < 0 ? undefined : tag.name.slice(0, colon);
    const name = colon < 0 ? tag.name : tag.name.slice(colon + 1);
    const parent = this.#stack[this.#stack.length - 1];
    const own = ownUri === undefined ? undefined : this.#namespace(ownUri);
    let ns: Ns;
    let version = own?.version;
    if (prefix !== undefined) {
      const uri = prefixes?.get(prefix) ?? this.#lookupPrefix(prefix);
      if (uri === undefined) throw this.#error(C.NAMESPACE, `undeclared namespace prefix ${prefix}`);
      const info = this.#namespace(uri);
      ns = info.ns;
      version = info.version;
    } else if (parent === undefined) {
      const kind = rootKind(name);
      if (kind === undefined) throw this.#error(C.UNKNOWN_ROOT, `unknown root element ${name} (expected SyncML or DevInf)`);
      ns = own?.ns ?? kind;
    } else if (own !== undefined && !(name === 'Meta' && parent.ns === 'syncml' && own.ns === 'metinf')) {
      ns = own.ns;
    } else if (name === 'DevInf') {
      ns = 'devinf';
    } else {
      ns = parent.childDefault ?? defaultChildNs(parent.ns, parent.name, name);
    }
    if (parent === undefined) this.#openRoot(name, ns, version);
    else {
      this.#flushText(parent);
      parent.hasElementChild = true;
    }
    this.#stack.push({ name, ns, children: [], childDefault: own?.ns, prefixes, text: '', textBytes: 0, hasElementChild: false });
  }

  #openRoot(name: string, ns: Ns, xmlnsVersion: DtdVersion | undefined): void {
    if (this.#root !== undefined) throw this.#error(C.MALFORMED, 'documents may contain only one root');
    const kind = rootKind(name);
    if (kind === undefined) throw this.#error(C.UNKNOWN_ROOT, `unknown root element ${name} (expected SyncML or DevInf)`);
    if (kind !== ns) throw this.#error(C.NAMESPACE, `root element ${name} declared in the ${ns} namespace`);
    this.#rootKind = kind;
    this.#xmlnsVersion = xmlnsVersion;
  }

  #onClose(): void {
    this.#lastEventPosition = this.#sax.position;
    const f = this.#stack.pop();
    if (f === undefined) return;
    this.#flushText(f);
    const children = f.hasElementChild
      ? f.children.filter((c) => c.kind !== 'text' || !isWhitespace(c.value))
      : f.children;
    const e: XElement = { kind: 'element', name: f.name, ns: f.ns, children };
    const parent = this.#stack[this.#stack.length - 1];
    if (parent !== undefined) {
      parent.children.push(e);
      if (f.name === 'VerDTD' && this.#verDtd === undefined && this.#isVersionPath()) this.#verDtd = textValue(e);
    } else {
      this.#root = e;
    }
  }

  /** Whether the element just closed is SyncML/SyncHdr/VerDTD or DevInf/VerDTD. */
  #isVersionPath(): boolean {
    const s = this.#stack;
    if (this.#rootKind === 'syncml') return s.length === 2 && s[1]?.name === 'SyncHdr';
    return s.length === 1;
  }

  #flushText(f: Frame): void {
    if (f.text.length > 0) f.children.push({ kind: 'text', value: f.text });
    f.text = '';
    f.textBytes = 0;
  }

  #lookupPrefix(prefix: string): string | undefined {
    for (let i = this.#stack.length - 1; i >= 0; i--) {
      const uri = this.#stack[i]?.prefixes?.get(prefix);
      if (uri !== undefined) return uri;
    }
    return undefined;
  }

  #namespace(uri: string): { ns: Ns; version?: DtdVersion } {
    const info = namespaceInfo(uri);
    if (info === undefined) throw this.#error(C.NAMESPACE, `unknown namespace ${JSON.stringify(uri.slice(0, 80))}`);
    return info;
  }

  #language(): Language {
    const kind = this.#rootKind ?? 'syncml';
    const fromDoctype = this.#doctype?.kind === kind ? this.#doctype.version : undefined;
    const fromVerDtd = this.#verDtd === undefined ? undefined : parseDtdVersion(this.#verDtd);
    const version = this.#xmlnsVersion ?? fromDoctype ?? fromVerDtd;
    if (version === undefined) {
      throw this.#error(C.UNKNOWN_VERSION, `unknown ${kind === 'syncml' ? 'SyncML' : kind === 'devinf' ? 'DevInf' : 'MetInf'} version (no versioned xmlns, DOCTYPE or VerDTD)`);
    }
    return { kind, version };
  }
}

function isWhitespace(s: string): boolean {
  return /^[ \t\r\n]*$/.test(s);
}

function textValue(e: XElement): string {
  let s = '';
  for (const c of e.children) if (c.kind === 'text') s += c.value;
  return s;
}

/** Parse one whole XML document (UTF-8 bytes or a string). Throws XmlError. */
export function parseXml(input: Uint8Array | string, opts?: XmlParseOptions): XDocument {
  const p = new XmlParser(opts);
  p.push(input);
  return p.end();
}
