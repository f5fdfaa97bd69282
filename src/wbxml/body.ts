/**
 * WBXML body (WBXML 1.3 §5.8): `body = *pi element *pi`, `element = stag [ 1*attribute END ]
 * [ *content END ]`, `content = element | string | extension | entity | pi | opaque`.
 *
 * Iterative (an explicit stack, no recursion), bounded by CodecLimits: depth, element count and
 * leaf size are checked before anything is allocated. Attributes are skipped (SyncML, MetInf and
 * DevInf define none; some Nokia software puts its namespace on the root as a LITERAL attribute).
 */
import type { CodecLimits } from '../util/limits.js';
import type { XElement, XNode } from '../util/tree.js';
import type { CodePage, CodePageSet } from './tables/code-pages.js';
import { readMbUint32 } from './mb-uint32.js';
import { GLOBAL, TAG_BIT, globalTokenName } from './tokens.js';
import { hex, stringTableBytes } from './header.js';
import { WBXML_ERR, wbxmlDecodeError } from './wbxml-errors.js';

/** Mutable counters shared by a document and the documents nested in it. */
export interface DecodeCounters {
  elements: number;
}

/**
 * Decodes a nested WBXML document found in an OPAQUE (DevInf in `<Data>`); returns its root or
 * undefined to keep the bytes. `depth` is the depth of the enclosing element.
 */
export type NestedDecoder = (bytes: Uint8Array, depth: number) => XElement | undefined;

/** Everything parseBody needs besides the bytes. */
export interface BodyContext {
  readonly strtbl: Uint8Array;
  readonly pages: CodePageSet;
  readonly limits: CodecLimits;
  /** Depth of the element enclosing this document (0 for a top-level document). */
  readonly depthBase: number;
  readonly counters: DecodeCounters;
  readonly nested?: NestedDecoder;
}

interface Open {
  readonly el: XElement;
  readonly offset: number;
}

// Local copies of the token values: the switch below compares against plain constants (module
// namespace bindings cost a property read per case under some loaders).
const {
  SWITCH_PAGE, END, ENTITY, STR_I, LITERAL, EXT_I_0, EXT_I_1, EXT_I_2, PI, LITERAL_C,
  EXT_T_0, EXT_T_1, EXT_T_2, STR_T, LITERAL_A, EXT_0, EXT_1, EXT_2, OPAQUE, LITERAL_AC,
} = GLOBAL;
const { CONTENT, ATTRIBUTES, TOKEN_MASK } = TAG_BIT;

const UTF8_STRICT = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parse the body starting at `start` up to `end`; return the root element.
 * @throws WbxmlError (every malformed, truncated or over-limit input).
 */
export function parseBody(bytes: Uint8Array, start: number, end: number, ctx: BodyContext): XElement {
  return new BodyParser(bytes, start, end, ctx).run();
}

class BodyParser {
  private pos: number;
  private page: CodePage;
  private readonly stack: Open[] = [];
  private root: XElement | undefined;

  constructor(
    private readonly bytes: Uint8Array,
    start: number,
    private readonly end: number,
    private readonly ctx: BodyContext,
  ) {
    this.pos = start;
    const p0 = ctx.pages.pages.get(0);
    if (p0 === undefined) throw new RangeError('code page set without page 0');
    this.page = p0;
  }

  run(): XElement {
    while (this.pos < this.end) {
      const at = this.pos;
      const tok = this.bytes[at]!;
      if (this.root !== undefined && this.stack.length === 0) {
        throw wbxmlDecodeError(WBXML_ERR.STRUCTURE, `unexpected byte 0x${hex(tok)} after the root element`, at);
      }
      switch (tok) {
        case SWITCH_PAGE: this.parseSwitchPage(); break;
        case END: this.parseEnd(); break;
        case STR_I: this.addLeaf(this.parseInlineString(), at); break;
        case STR_T: this.addLeaf(this.parseTableString(), at); break;
        case ENTITY: this.addLeaf(this.parseEntity(), at); break;
        case OPAQUE: this.parseOpaque(); break;
        case LITERAL: case LITERAL_A: case LITERAL_C: case LITERAL_AC:
          this.parseLiteralTag(tok); break;
        case PI: case EXT_I_0: case EXT_I_1: case EXT_I_2:
        case EXT_T_0: case EXT_T_1: case EXT_T_2:
        case EXT_0: case EXT_1: case EXT_2:
          throw wbxmlDecodeError(WBXML_ERR.TOKEN, `unsupported token ${globalTokenName(tok) ?? hex(tok)}`, at);
        default: this.parseTag(tok); break;
      }
    }
    if (this.stack.length > 0) {
      const open = this.stack[this.stack.length - 1]!;
      throw wbxmlDecodeError(WBXML_ERR.TRUNCATED, `input ends inside <${open.el.name}> opened at byte ${open.offset} (missing END)`, this.end);
    }
    if (this.root === undefined) throw wbxmlDecodeError(WBXML_ERR.TRUNCATED, 'input ends before the root element', this.end);
    return this.root;
  }

  /** `switchPage = SWITCH_PAGE pageindex` (§5.8.4.7.2). Sticky until the next switch. */
  private parseSwitchPage(): void {
    const at = this.pos;
    if (at + 1 >= this.end) throw wbxmlDecodeError(WBXML_ERR.TRUNCATED, 'input ends inside SWITCH_PAGE', at);
    const n = this.bytes[at + 1]!;
    const page = this.ctx.pages.pages.get(n);
    if (page === undefined) throw wbxmlDecodeError(WBXML_ERR.CODE_PAGE, `SWITCH_PAGE to unknown code page ${n}`, at);
    this.page = page;
    this.pos = at + 2;
  }

  /** END closes the innermost open element. */
  private parseEnd(): void {
    if (this.stack.length === 0) throw wbxmlDecodeError(WBXML_ERR.STRUCTURE, 'END without an open element', this.pos);
    this.stack.pop();
    this.pos++;
  }

  /** `stag = TAG | ( literalTag index )` with the content and attribute bits (§5.8.2). */
  private parseTag(tok: number): void {
    const at = this.pos;
    const token = tok & TOKEN_MASK;
    const name = this.page.nameOfToken.get(token);
    if (name === undefined) {
      throw wbxmlDecodeError(WBXML_ERR.TOKEN, `unknown tag token 0x${hex(token)} on code page ${this.page.page} (${this.page.ns})`, at);
    }
    this.pos = at + 1;
    this.openElement(name, tok, at);
  }

  /** LITERAL / LITERAL_C / LITERAL_A / LITERAL_AC: tag name from the string table. */
  private parseLiteralTag(tok: number): void {
    const at = this.pos;
    const idx = readMbUint32(this.bytes, at + 1, this.end);
    if (idx.value >= this.ctx.strtbl.length) {
      throw wbxmlDecodeError(WBXML_ERR.STRING_TABLE, `literal tag name index ${idx.value} outside the string table`, at);
    }
    const name = decodeUtf8(stringTableBytes(this.ctx.strtbl, idx.value));
    if (name === undefined || !this.page.tokenOfName.has(name)) {
      throw wbxmlDecodeError(WBXML_ERR.TOKEN, `unknown literal tag ${JSON.stringify(name ?? '?')} on code page ${this.page.page}`, at);
    }
    this.pos = idx.next;
    // LITERAL = 0x04, LITERAL_C = 0x44, LITERAL_A = 0x84, LITERAL_AC = 0xC4: same bit layout as tags.
    this.openElement(name, tok, at);
  }

  private openElement(name: string, tok: number, at: number): void {
    const depth = this.ctx.depthBase + this.stack.length + 1;
    if (depth > this.ctx.limits.maxDepth) {
      throw wbxmlDecodeError(WBXML_ERR.LIMIT, `element nesting deeper than ${this.ctx.limits.maxDepth}`, at);
    }
    if (++this.ctx.counters.elements > this.ctx.limits.maxElements) {
      throw wbxmlDecodeError(WBXML_ERR.LIMIT, `more than ${this.ctx.limits.maxElements} elements`, at);
    }
    const el: XElement = { kind: 'element', name, ns: this.page.ns, children: [] };
    if (this.stack.length === 0) this.root = el;
    else this.stack[this.stack.length - 1]!.el.children.push(el);
    if ((tok & ATTRIBUTES) !== 0) this.skipAttributes();
    if ((tok & CONTENT) !== 0) this.stack.push({ el, offset: at });
  }

  /**
   * `1*attribute END` (§5.8.3), skipped: attrStart / attrValue tokens, LITERAL index, STR_I,
   * STR_T, ENTITY, EXT_*, OPAQUE, SWITCH_PAGE (attribute pages are separate from tag pages).
   * The LITERAL index is not checked: Nokia writes index 0 with no string table (WBX ChangeLog
   * 2011-01-25).
   */
  private skipAttributes(): void {
    for (;;) {
      const at = this.pos;
      if (at >= this.end) throw wbxmlDecodeError(WBXML_ERR.TRUNCATED, 'input ends inside an attribute list', at);
      const tok = this.bytes[at]!;
      switch (tok) {
        case END: this.pos = at + 1; return;
        case SWITCH_PAGE:
          if (at + 1 >= this.end) throw wbxmlDecodeError(WBXML_ERR.TRUNCATED, 'input ends inside SWITCH_PAGE', at);
          this.pos = at + 2; break;
        case LITERAL: case STR_T: case ENTITY:
        case EXT_T_0: case EXT_T_1: case EXT_T_2:
          this.pos = readMbUint32(this.bytes, at + 1, this.end).next; break;
        case STR_I: case EXT_I_0: case EXT_I_1: case EXT_I_2:
          this.pos = at + 1; this.pos = this.scanInline().next; break;
        case OPAQUE: this.pos = this.scanOpaque().next; break;
        case PI: throw wbxmlDecodeError(WBXML_ERR.TOKEN, 'unsupported token PI in an attribute list', at);
        default: this.pos = at + 1; break; // ATTRSTART (< 0x80) or ATTRVALUE (>= 0x80) token
      }
    }
  }

  /** Find the NUL that ends an inline string starting at this.pos. */
  private scanInline(): { start: number; stop: number; next: number } {
    const start = this.pos;
    const nul = this.bytes.indexOf(0, start);
    const max = this.ctx.limits.maxLeafBytes;
    if (nul < 0 || nul >= this.end) {
      if (this.end - start > max) throw wbxmlDecodeError(WBXML_ERR.LIMIT, `inline string longer than ${max} bytes`, start - 1);
      throw wbxmlDecodeError(WBXML_ERR.TRUNCATED, 'input ends inside an inline string (no NUL)', start - 1);
    }
    if (nul - start > max) throw wbxmlDecodeError(WBXML_ERR.LIMIT, `inline string longer than ${max} bytes`, start - 1);
    return { start, stop: nul, next: nul + 1 };
  }

  /** `opaque = OPAQUE length *byte` (§5.8.4.6): length checked before anything is taken. */
  private scanOpaque(): { start: number; stop: number; next: number } {
    const at = this.pos;
    const len = readMbUint32(this.bytes, at + 1, this.end);
    const max = this.ctx.limits.maxLeafBytes;
    if (len.value > max) throw wbxmlDecodeError(WBXML_ERR.LIMIT, `OPAQUE of ${len.value} bytes over the limit of ${max}`, at);
    if (len.value > this.end - len.next) {
      throw wbxmlDecodeError(WBXML_ERR.TRUNCATED, `OPAQUE of ${len.value} bytes longer than the remaining input`, at);
    }
    return { start: len.next, stop: len.next + len.value, next: len.next + len.value };
  }

  /** `inline = STR_I termstr` (§5.8.4.1). */
  private parseInlineString(): XNode {
    this.pos++;
    const s = this.scanInline();
    this.pos = s.next;
    return leafOf(this.bytes.subarray(s.start, s.stop));
  }

  /** `tableref = STR_T index` (§5.8.4.1, §5.7). */
  private parseTableString(): XNode {
    const at = this.pos;
    const idx = readMbUint32(this.bytes, at + 1, this.end);
    if (idx.value >= this.ctx.strtbl.length) {
      throw wbxmlDecodeError(WBXML_ERR.STRING_TABLE, `STR_T index ${idx.value} outside the string table of ${this.ctx.strtbl.length} bytes`, at);
    }
    this.pos = idx.next;
    return leafOf(stringTableBytes(this.ctx.strtbl, idx.value));
  }

  /** `entity = ENTITY entcode` (§5.8.4.3): a Unicode code point, kept as text. */
  private parseEntity(): XNode {
    const at = this.pos;
    const cp = readMbUint32(this.bytes, at + 1, this.end);
    if (cp.value > 0x10ffff || (cp.value >= 0xd800 && cp.value <= 0xdfff)) {
      throw wbxmlDecodeError(WBXML_ERR.ENTITY, `ENTITY 0x${cp.value.toString(16)} is not a Unicode scalar value`, at);
    }
    this.pos = cp.next;
    return { kind: 'text', value: String.fromCodePoint(cp.value) };
  }

  /** OPAQUE content: raw bytes, or a nested DevInf document inside `<Data>`. */
  private parseOpaque(): void {
    const at = this.pos;
    this.requireOpen(at);
    const s = this.scanOpaque();
    this.pos = s.next;
    const parent = this.stack[this.stack.length - 1]!.el;
    const raw = this.bytes.subarray(s.start, s.stop);
    if (this.ctx.nested !== undefined && parent.name === 'Data' && parent.ns === 'syncml') {
      const depth = this.ctx.depthBase + this.stack.length;
      const nested = this.ctx.nested(raw, depth);
      if (nested !== undefined) {
        parent.children.push(nested);
        return;
      }
    }
    parent.children.push({ kind: 'opaque', bytes: raw.slice() });
  }

  private addLeaf(node: XNode, at: number): void {
    this.requireOpen(at);
    this.stack[this.stack.length - 1]!.el.children.push(node);
  }

  private requireOpen(at: number): void {
    if (this.stack.length === 0) throw wbxmlDecodeError(WBXML_ERR.STRUCTURE, 'content outside the root element', at);
  }
}

function decodeUtf8(b: Uint8Array): string | undefined {
  // Fast path for short ASCII strings (most SyncML leaves): no TextDecoder call.
  if (b.length <= 64) {
    let s = '';
    let i = 0;
    for (; i < b.length; i++) {
      const c = b[i]!;
      if (c >= 0x80) break;
      s += String.fromCharCode(c);
    }
    if (i === b.length) return s;
  }
  try {
    return UTF8_STRICT.decode(b);
  } catch {
    return undefined;
  }
}

/** Text when the bytes are valid UTF-8, else the bytes kept as opaque (copied). */
function leafOf(b: Uint8Array): XNode {
  const s = decodeUtf8(b);
  return s === undefined ? { kind: 'opaque', bytes: b.slice() } : { kind: 'text', value: s };
}
