/** Stable codes of WbxmlError and the one factory that builds decoder errors. */
import { WbxmlError } from '../errors.js';

/** Every `code` a WbxmlError from this layer can carry. Match on these, never on messages. */
export const WBXML_ERR = {
  /** Input ended inside a header field, token, string, opaque or open element. */
  TRUNCATED: 'SB_ERR_WBXML_TRUNCATED',
  /** A bound of CodecLimits was exceeded (size, depth, string table, leaf, element count). */
  LIMIT: 'SB_ERR_WBXML_LIMIT',
  /** Unknown or unsupported token (tag not in the code page, EXT_*, PI, LITERAL in content...). */
  TOKEN: 'SB_ERR_WBXML_TOKEN',
  /** Version byte not 0x01..0x03. */
  VERSION: 'SB_ERR_WBXML_VERSION',
  /** mb_u_int32 longer than 5 bytes or above 2^32-1. */
  MB_UINT32: 'SB_ERR_WBXML_MB_UINT32',
  /** Public id / FPI names no language of ours and the root tag does not tell either. */
  PUBLIC_ID: 'SB_ERR_WBXML_PUBLIC_ID',
  /** String table reference outside the table. */
  STRING_TABLE: 'SB_ERR_WBXML_STRING_TABLE',
  /** SWITCH_PAGE to a code page this document type does not have. */
  CODE_PAGE: 'SB_ERR_WBXML_CODE_PAGE',
  /** Unbalanced END, content outside the root element, bytes after the root, no root. */
  STRUCTURE: 'SB_ERR_WBXML_STRUCTURE',
  /** ENTITY that is not a Unicode scalar value. */
  ENTITY: 'SB_ERR_WBXML_ENTITY',
  /** Encoder: element name not in the table of its namespace and version. */
  UNKNOWN_TAG: 'SB_ERR_WBXML_UNKNOWN_TAG',
  /** Encoder: element whose namespace cannot be written at that place of the document. */
  NAMESPACE: 'SB_ERR_WBXML_NAMESPACE',
} as const;

export type WbxmlErrorCode = (typeof WBXML_ERR)[keyof typeof WBXML_ERR];

/** Decoder error: message `<problem> at byte <offset>`, `offset` set, SyncML status 400. */
export function wbxmlDecodeError(code: WbxmlErrorCode, problem: string, offset: number): WbxmlError {
  return new WbxmlError(`${problem} at byte ${offset}`, code, { offset });
}

/** Encoder error (no byte offset: there is no input). */
export function wbxmlEncodeError(code: WbxmlErrorCode, message: string): WbxmlError {
  return new WbxmlError(message, code);
}
