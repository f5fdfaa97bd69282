// Public surface of the pure OBEX layer (STYLE.md convention 8).
export * from './constants.js';
export * from './errors.js';
export * from './header.js';
export * from './packet.js';
// Only the Type helpers of values.ts are public; the byte helpers stay internal (no generic names in
// the library surface).
export { findType, parseTypeValue, typeValue, type ParsedType } from './values.js';
export * from './framer.js';
export * from './server.js';
export * from './client.js';
export * from './san.js';
export * from './mode-b.js';
