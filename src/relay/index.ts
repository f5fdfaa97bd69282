// Public surface of the relay layer (STYLE.md convention 8).
export * from './http-agent.js';
export * from './passthrough.js';
