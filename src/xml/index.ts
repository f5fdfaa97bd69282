/**
 * XML codec for SyncML, MetInf and DevInf (pure: strings and bytes in, values out).
 * Decodes to and encodes from the element tree of util/tree.ts, like the WBXML codec.
 */
export { XmlParser, parseXml, type XmlParseOptions } from './parser.js';
export { writeXml, xmlElementSize, type XmlWriteOptions } from './writer.js';
export { looksLikeXml } from './sniff.js';
export { XML_ERROR_CODES, type XmlErrorCode } from './codes.js';
export { opaqueText } from './text.js';
