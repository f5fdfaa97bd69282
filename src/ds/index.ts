/**
 * The SyncML DS engine (pure apart from the DsStore port): sessions, sync modes, anchors, maps,
 * conflicts, large objects, the bridge's DevInf. Other layers import only from here.
 */
export * from './ports.js';
export * from './types.js';
export { SyncEngine, withSessionId, type EngineOptions, type EngineReply, type MessageContext } from './engine.js';
export { ServerSession } from './session.js';
export { decideMode, modeOfAlert, alertOfMode, needsAnchors, type ModeDecision } from './modes.js';
export { parseDatastoreUri, kindOfName, mergeUriOptions, CANONICAL_NAMES, SYNC_OPTION_MODES, type DatastoreUri, type UriOptions } from './uri.js';
export { checkCred, md5Digest10, md5Digest11, makeChallenge, newNonce, Lockout, AUTH_BASIC, AUTH_MD5 } from './auth.js';
export { MemoryDatastoreLocks } from './locks.js';
export { serverDevInf } from './server-devinf.js';
export { deviceFormatFor } from './device-format.js';
export { resolveConflict, itemTimestamp } from './conflicts.js';
export { IncomingChunks } from './large-object.js';
