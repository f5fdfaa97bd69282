/**
 * WBXML codec for the SyncML family (pure: bytes in, trees out, and back).
 * See decoder.ts and encoder.ts for the policies; tables/ for the vocabularies.
 */
export { decodeWbxml, WbxmlDecoder, looksLikeWbxml, hasDevInfHeader } from './decoder.js';
export type { WbxmlDecodeOptions } from './decoder.js';
export { encodeWbxml, wbxmlElementSize, wbxmlHeaderSize } from './encoder.js';
export { WBXML_ERR } from './wbxml-errors.js';
export type { WbxmlErrorCode } from './wbxml-errors.js';
export { readMbUint32, encodeMbUint32, mbUint32Size } from './mb-uint32.js';
export { GLOBAL, TAG_BIT, CHARSET_UTF8 } from './tokens.js';
export * from './tables/index.js';
