/**
 * Content-type dispatch between bytes and the typed model: `application/vnd.syncml+wbxml` via
 * the WBXML codec, `application/vnd.syncml+xml` via the XML codec. Sniffs the bytes when the
 * content type is missing, unknown, or contradicted by the bytes (some peers mislabel).
 */
import type { CodecLimits } from '../util/limits.js';
import type { XDocument } from '../util/tree.js';
import { decodeWbxml, encodeWbxml, looksLikeWbxml } from '../wbxml/index.js';
import { looksLikeXml, parseXml, writeXml } from '../xml/index.js';
import { CONTENT_TYPE } from './constants.js';
import { messageFromTree } from './decode.js';
import { messageToTree } from './encode.js';
import { SyncmlModelError } from './errors.js';
import { isDevInfData, type Command, type ItemData, type Meta, type SyncMLMessage } from './model.js';

/** The two SyncML encodings. */
export type Encoding = 'xml' | 'wbxml';

/**
 * Encoding named by a content type such as `application/vnd.syncml+wbxml; charset=UTF-8`
 * (parameters ignored, case-insensitive), or undefined for anything else.
 */
export function encodingOfContentType(ct: string): Encoding | undefined {
  const base = ct.split(';', 1)[0]!.trim().toLowerCase();
  if (base === CONTENT_TYPE.SYNCML_WBXML) return 'wbxml';
  if (base === CONTENT_TYPE.SYNCML_XML) return 'xml';
  return undefined;
}

/** The SyncML content type of an encoding. */
export function contentTypeOf(enc: Encoding): string {
  return enc === 'wbxml' ? CONTENT_TYPE.SYNCML_WBXML : CONTENT_TYPE.SYNCML_XML;
}

/** Options of decodeMessage. */
export interface DecodeMessageOptions {
  /** Content type the transport announced (OBEX Type / HTTP Content-Type), if any. */
  readonly contentType?: string;
  /** Bounds for the codec (defaults: util/limits.ts). */
  readonly limits?: Partial<CodecLimits>;
}

/** Result of decodeMessage: the model, the encoding actually used, and the decoded tree. */
export interface DecodedMessage {
  readonly message: SyncMLMessage;
  readonly encoding: Encoding;
  readonly tree: XDocument;
}

/** Pick the encoding: the announced one unless the bytes clearly are the other. */
export function detectEncoding(bytes: Uint8Array, contentType?: string): Encoding | undefined {
  const announced = contentType === undefined ? undefined : encodingOfContentType(contentType);
  const isWbxml = looksLikeWbxml(bytes);
  const isXml = looksLikeXml(bytes);
  if (announced === 'wbxml' && (isWbxml || !isXml)) return 'wbxml';
  if (announced === 'xml' && (isXml || !isWbxml)) return 'xml';
  if (isWbxml) return 'wbxml';
  if (isXml) return 'xml';
  return undefined;
}

/**
 * Decode one SyncML message. The input buffer is not retained beyond opaque slices the tree may
 * reference.
 * @throws WbxmlError / XmlError for malformed bytes; SyncmlError (415 when the bytes are neither
 *   encoding, else see decode.ts) for an invalid message.
 */
export function decodeMessage(bytes: Uint8Array, opts: DecodeMessageOptions = {}): DecodedMessage {
  const encoding = detectEncoding(bytes, opts.contentType);
  if (encoding === undefined) {
    throw new SyncmlModelError('UNSUPPORTED_MEDIA_TYPE', `neither SyncML WBXML nor XML (content type ${JSON.stringify(opts.contentType ?? '')})`);
  }
  const o = opts.limits === undefined ? {} : { limits: opts.limits };
  const tree = encoding === 'wbxml' ? decodeWbxml(bytes, o) : parseXml(bytes, o);
  if (tree.root.name !== 'SyncML' || tree.root.ns !== 'syncml') {
    throw new SyncmlModelError('NOT_SYNCML', `document root is <${tree.root.name}> (${tree.language.kind}), not <SyncML>`);
  }
  return { message: messageFromTree(tree), encoding, tree };
}

const DEVINF_TYPE: Readonly<Record<Encoding, string>> = { xml: CONTENT_TYPE.DEVINF_XML, wbxml: CONTENT_TYPE.DEVINF_WBXML };
const OTHER: Readonly<Record<Encoding, Encoding>> = { xml: 'wbxml', wbxml: 'xml' };

/** Rewrite `Meta` objects (at any depth, DevInf excluded) whose Type is the other DevInf type. */
function adaptDeep(v: unknown, enc: Encoding): unknown {
  if (Array.isArray(v)) {
    let changed = false;
    const out = v.map((x) => {
      const a = adaptDeep(x, enc);
      if (a !== x) changed = true;
      return a;
    });
    return changed ? out : v;
  }
  if (typeof v !== 'object' || v === null || v instanceof Uint8Array || isDevInfData(v as ItemData)) return v;
  let out: Record<string, unknown> | undefined;
  for (const [k, x] of Object.entries(v)) {
    let a = adaptDeep(x, enc);
    if (k === 'Meta' && typeof a === 'object' && a !== null && (a as Meta).Type === DEVINF_TYPE[OTHER[enc]]) a = { ...(a as Meta), Type: DEVINF_TYPE[enc] };
    if (a !== x) (out ??= { ...v })[k] = a;
  }
  return out ?? v;
}

/**
 * The model as the other side decodes it after encodeMessage(…, enc): both codecs write a MetInf
 * `Type` of `application/vnd.syncml-devinf+xml` as `…+wbxml` in WBXML and vice versa in XML
 * (util/devinf-type.ts; libwbxml does the same), wherever it occurs. Returns the same object when
 * nothing changes. Useful for relays and tests comparing a model with its decoded re-encoding.
 */
export function adaptCommandForEncoding<C extends Command>(c: C, enc: Encoding): C {
  return adaptDeep(c, enc) as C;
}

/** The message as the other side decodes it after encodeMessage(…, enc); see adaptCommandForEncoding. */
export function adaptMessageForEncoding(msg: SyncMLMessage, enc: Encoding): SyncMLMessage {
  return adaptDeep(msg, enc) as SyncMLMessage;
}

const UTF8 = new TextEncoder();

/**
 * Encode a message. XML output is UTF-8 with an XML declaration, not pretty-printed. Returns a
 * new buffer owned by the caller.
 * @throws WbxmlError when the tree cannot be encoded in the version's tables.
 */
export function encodeMessage(msg: SyncMLMessage, enc: Encoding): Uint8Array {
  // The codecs themselves switch the DevInf Meta Type to the encoding (util/devinf-type.ts).
  const doc = messageToTree(msg);
  return enc === 'wbxml' ? encodeWbxml(doc) : UTF8.encode(writeXml(doc, XML_OPTIONS));
}

/** writeXml options used by encodeMessage (the builder measures with the same). */
export const XML_OPTIONS = { pretty: false, declaration: true } as const;
