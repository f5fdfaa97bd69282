/**
 * DevInf 1.0/1.1/1.2: the typed model, its tree codec, version conversion and the questions the
 * DS engine asks of a peer's DevInf. Pure: element trees in, element trees out (the WBXML and
 * XML codecs turn those into bytes).
 *
 * - `devInfFromTree` / `devInfToTree`: the `<DevInf>` element (e.g. inside a SyncML `Data`).
 * - `devInfFromDocument` / `devInfToDocument`: a standalone DevInf document.
 * - `convertDevInf`: 1.2 per-DataStore CTCap ↔ 1.0/1.1 top-level CTCap, 1.2-only parts dropped.
 * - `dataStoreFor`, `ctCapsFor`, `syncTypes`, `preferredRx`, ...: version-independent queries.
 *
 * Round trips: decoding then encoding an unmodified model gives the same tree (`sameTree`) for
 * input that follows a DevInf DTD, and for SyncEvolution's, whose element order differs (see
 * devinf-order.ts); encoding then decoding any model gives an equal model.
 */
export type {
  ContentTypeRef, CTCap, DataStore, DevInf, DevInfVersion, DSMem, Ext, FilterCap, PropParam, Property,
} from './devinf-model.js';
export { DEVINF_VERSIONS, isDevInfVersion } from './devinf-model.js';
export { DEVINF_ERROR, DevInfError, type DevInfErrorKind } from './devinf-errors.js';
export { devInfFromDocument, devInfFromTree } from './devinf-decode.js';
export { devInfToDocument, devInfToTree } from './devinf-encode.js';
export { convertDevInf } from './devinf-convert.js';
export {
  ctCapsFor, dataStoreFor, preferredRx, preferredTx, receivableTypes, supportsAlert, syncTypeForAlert, syncTypes,
  transmittableTypes,
} from './devinf-query.js';
