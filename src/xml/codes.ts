/**
 * Stable `code` values of the XmlError instances the XML codec raises (STYLE.md convention 6).
 * Match on these, never on message text.
 */
export const XML_ERROR_CODES = Object.freeze({
  /** Not well-formed XML (bad syntax, text outside the root, `]]>` in text, ...). */
  MALFORMED: 'SB_ERR_XML_MALFORMED',
  /** A close tag that does not match its open tag, or an element left open at the end. */
  UNBALANCED: 'SB_ERR_XML_UNBALANCED',
  /** Input ended before the root element was closed (or before it started). */
  TRUNCATED: 'SB_ERR_XML_TRUNCATED',
  /** A DOCTYPE with an internal subset (entity declarations: entity bombs, external entities). */
  DTD: 'SB_ERR_XML_DTD',
  /** A reference to an entity other than the five predefined ones, or a bad character reference. */
  ENTITY: 'SB_ERR_XML_ENTITY',
  /** Bytes that are not valid UTF-8. */
  ENCODING: 'SB_ERR_XML_ENCODING',
  /** Element nesting deeper than CodecLimits.maxDepth. */
  DEPTH: 'SB_ERR_XML_DEPTH',
  /** Document larger than CodecLimits.maxDocumentBytes. */
  TOO_LARGE: 'SB_ERR_XML_TOO_LARGE',
  /** One text node (or other markup token) larger than CodecLimits.maxLeafBytes. */
  TEXT_TOO_LARGE: 'SB_ERR_XML_TEXT_TOO_LARGE',
  /** More elements than CodecLimits.maxElements. */
  TOO_MANY_ELEMENTS: 'SB_ERR_XML_TOO_MANY_ELEMENTS',
  /** Root element other than SyncML, DevInf or MetInf. */
  UNKNOWN_ROOT: 'SB_ERR_XML_UNKNOWN_ROOT',
  /** SyncML/DevInf version neither in xmlns, DOCTYPE FPI nor VerDTD. */
  UNKNOWN_VERSION: 'SB_ERR_XML_UNKNOWN_VERSION',
  /** An xmlns value that is not a SyncML vocabulary, or an undeclared prefix. */
  NAMESPACE: 'SB_ERR_XML_NAMESPACE',
  /** push() after end() or after an error. */
  STATE: 'SB_ERR_XML_STATE',
});

export type XmlErrorCode = (typeof XML_ERROR_CODES)[keyof typeof XML_ERROR_CODES];
