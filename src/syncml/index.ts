/**
 * The SyncML model layer (pure): typed messages, tree <-> model, bytes <-> model, builder.
 * Other layers import only from here.
 */
export * from './constants.js';
export type * from './model.js';
export { isAnchorData, isDevInfData } from './model.js';
export { SYNCML_ERROR, SyncmlModelError, type SyncmlErrorKind, type SyncmlErrorWhere } from './errors.js';
export { messageFromTree, syncHdrFromTree, syncBodyFromTree, commandFromTree } from './decode.js';
export { decodeItem, decodeMeta, decodeCred, decodeTarget, decodeSource, type DecodeCtx } from './decode-parts.js';
export { messageToTree, syncHdrToTree, syncBodyToTree, commandToTree } from './encode.js';
export { itemToTree, metaToTree, credToTree, targetToTree, sourceToTree } from './encode-parts.js';
export {
  encodingOfContentType, contentTypeOf, detectEncoding, decodeMessage, encodeMessage, adaptCommandForEncoding,
  adaptMessageForEncoding, XML_OPTIONS, type Encoding, type DecodeMessageOptions, type DecodedMessage,
} from './codec.js';
export { MessageBuilder, assignCmdIds, type Draft, type CommandDraft } from './builder.js';
/** Message constructors as one namespace (`make.status(...)`, `make.item(...)`), see constructors.ts. */
export * as make from './constructors.js';
export type { ItemOptions } from './constructors.js';
export * from './devinf.js';
export * from './san-legacy.js';
