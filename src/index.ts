// Library surface: named re-exports of each layer's index (STYLE.md convention 8).
export * from './errors.js';
export * from './util/tree.js';
export * from './util/limits.js';
export * from './wbxml/index.js';
export * from './xml/index.js';
export * from './obex/index.js';
export * from './syncml/index.js';
export * from './quirks/index.js';
export * from './transport/link.js';
export * from './transport/at-switch.js';
export { openTtyLink, listenTty, TtyLinkListener } from './transport/tty.js';
export type { TtyLinkOptions, TtyListenOptions } from './transport/tty.js';
export * from './relay/index.js';
export { listenTcp, connectTcp } from './transport/tcp.js';
export * from './transport/bluetooth.js';
export { openFdStream } from './transport/fd-stream.js';
