// Public surface of the pure OBEX layer (STYLE.md convention 8).
export * from './constants.js';
export * from './errors.js';
export * from './header.js';
export * from './packet.js';
export * from './values.js';
export * from './framer.js';
export * from './server.js';
export * from './client.js';
export * from './san.js';
