/**
 * One error tree with stable codes (STYLE.md convention 6, after undici's errors.js).
 *
 * Every error the bridge raises on purpose is a BridgeError subclass with a `name` equal to
 * its class name, a stable `code` (`SB_ERR_*`), and where the error faces the wire, the
 * SyncML status (`syncmlStatus`) or OBEX response code (`obexResponse`) to answer with.
 * Never match on message text: match on `code`.
 */

const BRAND = Symbol.for('syncml-bridge.error');

export interface BridgeErrorOptions {
  readonly cause?: unknown;
  /** SyncML status code to answer with, when the error is about a SyncML message or command. */
  readonly syncmlStatus?: number;
  /** OBEX response code (with the final bit, e.g. 0xC0) to answer with. */
  readonly obexResponse?: number;
  /** Byte offset in the input where a decoder found the problem. */
  readonly offset?: number;
}

export class BridgeError extends Error {
  /** Stable machine-readable code. */
  readonly code: string;
  readonly syncmlStatus: number | undefined;
  readonly obexResponse: number | undefined;
  readonly offset: number | undefined;

  constructor(message: string, code = 'SB_ERR', options: BridgeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.syncmlStatus = options.syncmlStatus;
    this.obexResponse = options.obexResponse;
    this.offset = options.offset;
  }

  /** Works across duplicate copies of this package (undici's Symbol.for brand). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this === BridgeError) return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }

  get [BRAND](): true {
    return true;
  }
}

/** Malformed, truncated or over-limit WBXML; unknown token while encoding. */
export class WbxmlError extends BridgeError {
  constructor(message: string, code = 'SB_ERR_WBXML', options: BridgeErrorOptions = {}) {
    super(message, code, { syncmlStatus: 400, ...options });
  }
}

/** Malformed, forbidden (DTD entities) or over-limit XML. */
export class XmlError extends BridgeError {
  constructor(message: string, code = 'SB_ERR_XML', options: BridgeErrorOptions = {}) {
    super(message, code, { syncmlStatus: 400, ...options });
  }
}

/** A well-formed tree that is not a valid SyncML / DevInf document or command. */
export class SyncmlError extends BridgeError {
  constructor(message: string, code = 'SB_ERR_SYNCML', options: BridgeErrorOptions = {}) {
    super(message, code, { syncmlStatus: 400, ...options });
  }
}

/** OBEX protocol failure; carries the OBEX response code. */
export class ObexError extends BridgeError {
  constructor(message: string, code = 'SB_ERR_OBEX', options: BridgeErrorOptions = {}) {
    super(message, code, options);
  }
}

/** Link-level failure: serial, Bluetooth, TCP, HTTP. */
export class TransportError extends BridgeError {
  constructor(message: string, code = 'SB_ERR_TRANSPORT', options: BridgeErrorOptions = {}) {
    super(message, code, options);
  }
}

/** SQLite store failure. */
export class StoreError extends BridgeError {
  constructor(message: string, code = 'SB_ERR_STORE', options: BridgeErrorOptions = {}) {
    super(message, code, { syncmlStatus: 510, ...options });
  }
}

/** Invalid configuration or command-line usage (exit status 2). */
export class ConfigError extends BridgeError {
  constructor(message: string, code = 'SB_ERR_CONFIG', options: BridgeErrorOptions = {}) {
    super(message, code, options);
  }
}
